"""changes.queue / changes.host: who may see a change

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.add_column(sa.Column("queue", sa.String(64), nullable=True))
        batch.add_column(sa.Column("host", sa.String(64), nullable=True))
    # Older rows carry no scope; the feed shows them only to users who see every queue.
    op.execute("UPDATE changes SET queue = '*' WHERE entity IN ('ticket', 'message', 'attachment')")


def downgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("host")
        batch.drop_column("queue")
