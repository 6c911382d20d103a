"""intake integrations, channel identities and the knowledge base

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "integrations",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("user_id", Id, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("key_prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_integrations"),
        sa.UniqueConstraint("name", name="uq_integrations_name"),
        sa.UniqueConstraint("key_hash", name="uq_integrations_key_hash"),
    )
    op.create_table(
        "intake_identities",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("player_id", Id, sa.ForeignKey("players.id"), nullable=False),
        sa.Column("meaningful", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_intake_identities"),
        sa.UniqueConstraint("kind", "value", name="uq_intake_identities_kind_value"),
    )
    op.create_index("ix_intake_identities_player_id", "intake_identities", ["player_id"])
    op.create_table(
        "intake_receipts",
        sa.Column("integration_id", Id, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("response", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint(
            "integration_id", "channel", "message_id", name="pk_intake_receipts"
        ),
    )
    op.create_table(
        "intake_followups",
        sa.Column("ticket_id", Id, sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("player_id", Id, sa.ForeignKey("players.id"), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("due_at", TZ, nullable=False),
        sa.Column("resolved_at", TZ, nullable=False),
        sa.Column("lang", sa.String(16), nullable=True),
        sa.Column("asked_at", TZ, nullable=True),
        sa.Column("csat", sa.SmallInteger, nullable=True),
        sa.Column("nps", sa.SmallInteger, nullable=True),
        sa.Column("answered_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_intake_followups"),
    )
    op.create_index("ix_intake_followups_due", "intake_followups", ["state", "due_at"])
    op.create_index("ix_intake_followups_player", "intake_followups", ["player_id", "state"])
    op.create_table(
        "intake_state",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_intake_state"),
    )
    op.create_table(
        "kb_articles",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("keywords", sa.JSON, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_kb_articles"),
        sa.UniqueConstraint("slug", "lang", name="uq_kb_articles_slug_lang"),
    )
    op.create_index("ix_kb_articles_topic", "kb_articles", ["topic", "lang"])
    if op.get_bind().dialect.name == "sqlite":
        # FTS5 over kb_articles.search_text (external content), kept in step by triggers.
        op.execute(
            "CREATE VIRTUAL TABLE kb_fts USING fts5(search_text, content='kb_articles', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER kb_articles_ai AFTER INSERT ON kb_articles BEGIN "
            "INSERT INTO kb_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER kb_articles_ad AFTER DELETE ON kb_articles BEGIN "
            "INSERT INTO kb_fts(kb_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER kb_articles_au AFTER UPDATE ON kb_articles BEGIN "
            "INSERT INTO kb_fts(kb_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO kb_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
    else:
        op.execute(
            "ALTER TABLE kb_articles ADD COLUMN search tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED"
        )
        op.execute("CREATE INDEX ix_kb_articles_search ON kb_articles USING GIN (search)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("kb_articles_ai", "kb_articles_ad", "kb_articles_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS kb_fts")
    op.drop_index("ix_kb_articles_topic", "kb_articles")
    op.drop_table("kb_articles")
    op.drop_table("intake_state")
    op.drop_index("ix_intake_followups_player", "intake_followups")
    op.drop_index("ix_intake_followups_due", "intake_followups")
    op.drop_table("intake_followups")
    op.drop_table("intake_receipts")
    op.drop_index("ix_intake_identities_player_id", "intake_identities")
    op.drop_table("intake_identities")
    op.drop_table("integrations")
