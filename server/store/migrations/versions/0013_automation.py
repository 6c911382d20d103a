"""SLA prediction, automation, routing: the predicted-breach flag, recent answers by time,
timed-out agents per ticket

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The SLA job's last prediction for a ticket waiting on an agent (issue 5 item 8).
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(
            sa.Column("sla_predicted", sa.Boolean(), nullable=False, server_default="0")
        )
        # Agents whose assignment of the ticket timed out: routing skips them for it.
        batch.add_column(sa.Column("routing_excluded", sa.JSON(), nullable=True))
    op.create_index("ix_tickets_sla_predicted", "tickets", ["sla_predicted"])
    # The prediction reads the latest agent replies by time.
    op.create_index("ix_ticket_events_kind_at", "ticket_events", ["kind", "at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_events_kind_at", table_name="ticket_events")
    op.drop_index("ix_tickets_sla_predicted", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("routing_excluded")
        batch.drop_column("sla_predicted")
