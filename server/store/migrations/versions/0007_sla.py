"""SLA clocks, escalation and ticket events

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("sla_policy", sa.String(64), nullable=True))
        batch.add_column(sa.Column("sla_overrides", sa.JSON, nullable=True))
        batch.add_column(sa.Column("sla", sa.JSON, nullable=True))
        batch.add_column(sa.Column("sla_state", sa.String(16), nullable=True))
        batch.add_column(sa.Column("sla_due_at", TZ, nullable=True))
        batch.add_column(sa.Column("sla_next_at", TZ, nullable=True))
        batch.add_column(sa.Column("queue_since", TZ, nullable=True))
        batch.add_column(sa.Column("factors", sa.JSON, nullable=True))
    op.create_index("ix_tickets_sla_next", "tickets", ["sla_next_at"])
    op.create_table(
        "ticket_events",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", Id, sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("status", sa.String(32), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("level", sa.SmallInteger, nullable=True),
        sa.Column("message_id", Id, sa.ForeignKey("messages.id"), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_ticket_events_ticket", "ticket_events", ["ticket_id", "id"])
    op.create_table(
        "clock_firings",
        sa.Column("ticket_id", Id, nullable=False),
        sa.Column("clock", sa.String(48), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("event", sa.String(24), nullable=False),
        sa.Column("due_at", TZ, nullable=False),
        sa.Column("fired_at", TZ, nullable=False),
        sa.Column("late_s", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("ticket_id", "clock", "started_at", "event"),
    )
    op.create_table(
        "sla_policies",
        sa.Column("version", sa.String(64), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("current", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_table("sla_policies")
    op.drop_table("clock_firings")
    op.drop_index("ix_ticket_events_ticket", table_name="ticket_events")
    op.drop_table("ticket_events")
    op.drop_index("ix_tickets_sla_next", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        for col in (
            "factors",
            "queue_since",
            "sla_next_at",
            "sla_due_at",
            "sla_state",
            "sla",
            "sla_overrides",
            "sla_policy",
        ):
            batch.drop_column(col)
