"""tickets.waiting_on: who the ticket waits for (agent or player)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("waiting_on", sa.String(8), nullable=True))
    op.execute(
        "UPDATE tickets SET waiting_on = CASE "
        "WHEN status = 'needs_clarification' THEN 'player' "
        "WHEN status IN ('resolved', 'closed') THEN NULL "
        "ELSE 'agent' END"
    )


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("waiting_on")
