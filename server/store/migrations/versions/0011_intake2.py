"""intake follow-ups (bot-answered message log, feedback on tickets)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # What the bot handled alone (answers, greetings, refusals): no ticket per message any
    # more; the conversation goes onto a ticket when a person is needed.
    op.create_table(
        "intake_log",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("player_id", Id, sa.ForeignKey("players.id"), nullable=False),
        sa.Column("integration_id", Id, nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("intent", sa.String(32), nullable=True),
        sa.Column("lang", sa.String(16), nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("masked_body", sa.Text, nullable=True),
        sa.Column("reply", sa.Text, nullable=False),
        sa.Column("article_id", Id, nullable=True),
        sa.Column("ticket_id", Id, sa.ForeignKey("tickets.id"), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_intake_log"),
    )
    op.create_index("ix_intake_log_player", "intake_log", ["player_id", "created_at"])
    op.create_index("ix_intake_log_created", "intake_log", ["created_at"])
    # The follow-up's answers on the ticket row itself, so ticket lists show them without a
    # query per ticket: {"state","csat","nps","asked_at","answered_at"} once asked.
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("feedback", sa.JSON, nullable=True))
    # Tickets whose follow-up was already asked or answered before this column existed.
    op.execute(
        "UPDATE tickets SET feedback = (SELECT "
        + _json_object()
        + " FROM intake_followups f WHERE f.ticket_id = tickets.id) "
        "WHERE id IN (SELECT ticket_id FROM intake_followups "
        "WHERE state IN ('asked_csat', 'asked_nps', 'done'))"
    )


def _json_object() -> str:
    if op.get_bind().dialect.name == "sqlite":
        iso = "strftime('%Y-%m-%dT%H:%M:%S+00:00', f.{})"
        return (
            "json_object('state', f.state, 'csat', f.csat, 'nps', f.nps, "
            f"'asked_at', {iso.format('asked_at')}, 'answered_at', {iso.format('answered_at')})"
        )
    return (
        "json_build_object('state', f.state, 'csat', f.csat, 'nps', f.nps, "
        "'asked_at', f.asked_at, 'answered_at', f.answered_at)"
    )


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("feedback")
    op.drop_index("ix_intake_log_created", "intake_log")
    op.drop_index("ix_intake_log_player", "intake_log")
    op.drop_table("intake_log")
