"""routing (agent profile: capacity, experience, cost, presence; assignment times)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # The agent's routing profile and presence. `presence_choice` is what the agent set by
    # hand (away/offline; None: follow the event stream).
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("capacity", sa.Integer(), nullable=False, server_default="5"))
        batch.add_column(sa.Column("experience", sa.Float(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("cost", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(
            sa.Column("presence", sa.String(8), nullable=False, server_default="offline")
        )
        batch.add_column(sa.Column("presence_choice", sa.String(8), nullable=True))
        batch.add_column(sa.Column("presence_at", TZ, nullable=True))
    # When the assignee got the ticket, and when the assignment times out unless they answer
    # (None: answered, or unassigned). The assignment job reads it by its index.
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("assigned_at", TZ, nullable=True))
        batch.add_column(sa.Column("assign_due_at", TZ, nullable=True))
    op.create_index("ix_tickets_assign_due_at", "tickets", ["assign_due_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_assign_due_at", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("assign_due_at")
        batch.drop_column("assigned_at")
    with op.batch_alter_table("users") as batch:
        for name in ("presence_at", "presence_choice", "presence", "cost", "experience"):
            batch.drop_column(name)
        batch.drop_column("capacity")
