"""Tables of the intake door (integrations, channel identities, receipts, follow-ups, the log
of what the bot handled alone) and the knowledge base. Migrations 0008 and 0011 create them;
full-text search structures that SQLAlchemy Core does not model (SQLite FTS5 table,
PostgreSQL tsvector column) are made there too."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .tables import TZ, Id, metadata

# A channel integration (Telegram adapter, CRM, web chat …): its API key, stored only as a
# sha256 hash, and the desk user (role `integration`) it acts as.
integrations = Table(
    "integrations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(40), nullable=False, unique=True),
    Column("user_id", Id, ForeignKey("users.id"), nullable=False),
    Column("key_prefix", String(16), nullable=False),  # shown in `integration list`
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", TZ, nullable=False),
    Column("revoked_at", TZ, nullable=True),
)

# How a player is recognised: a channel's user id (kind = the channel), a phone number, a
# loyalty card, an app token (kind `app_token`, value = its sha256). `meaningful` counts the
# meaningful messages from this identity (the anti-spam rule for links and media).
intake_identities = Table(
    "intake_identities",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("value", String(200), nullable=False),
    Column("player_id", Id, ForeignKey("players.id"), nullable=False, index=True),
    Column("meaningful", Integer, nullable=False, default=0),
    Column("created_at", TZ, nullable=False),
    Column("last_seen_at", TZ, nullable=False),
    UniqueConstraint("kind", "value"),
)

# A channel's own message ids already handled: a redelivered message gets the first answer.
intake_receipts = Table(
    "intake_receipts",
    metadata,
    Column("integration_id", Id, primary_key=True, autoincrement=False),
    Column("channel", String(16), primary_key=True),
    Column("message_id", String(200), primary_key=True),
    Column("response", LargeBinary, nullable=False),
    Column("created_at", TZ, nullable=False),
)

# The bot's follow-up after a ticket is resolved: state pending → asked_csat → asked_nps → done
# (or cancelled / expired / skipped). Due rows are found by (state, due_at).
intake_followups = Table(
    "intake_followups",
    metadata,
    Column("ticket_id", Id, ForeignKey("tickets.id"), primary_key=True, autoincrement=False),
    Column("player_id", Id, ForeignKey("players.id"), nullable=False),
    Column("state", String(16), nullable=False),
    Column("due_at", TZ, nullable=False),
    Column("resolved_at", TZ, nullable=False),
    Column("lang", String(16), nullable=True),
    Column("asked_at", TZ, nullable=True),
    Column("csat", SmallInteger, nullable=True),
    Column("nps", SmallInteger, nullable=True),
    Column("answered_at", TZ, nullable=True),
    Index("ix_intake_followups_due", "state", "due_at"),
    Index("ix_intake_followups_player", "player_id", "state"),
)

# What the bot handled without a ticket (0011): one row per player message it answered from the
# knowledge base or a status look-up, greeted, asked to write words, or refused — the player's
# words (and their masked form) and the bot's reply. When a later message of the same player
# needs a person, the rows of the conversation (`intake_reopen_minutes`) go onto the new
# ticket as player and bot messages, and `ticket_id` says which ticket took them.
intake_log = Table(
    "intake_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("player_id", Id, ForeignKey("players.id"), nullable=False),
    Column("integration_id", Id, nullable=True),
    Column("channel", String(16), nullable=False),
    Column("outcome", String(24), nullable=False),  # answered | greeting | clarify | refused
    Column("intent", String(32), nullable=True),
    Column("lang", String(16), nullable=True),
    Column("body", Text, nullable=False),  # the player's words as a ticket would keep them
    Column("masked_body", Text, nullable=True),  # the same with PII masked (None: nothing to)
    Column("reply", Text, nullable=False),  # the bot's answer
    Column("article_id", Id, nullable=True),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=True),
    Column("created_at", TZ, nullable=False),
    Index("ix_intake_log_player", "player_id", "created_at"),
    Index("ix_intake_log_created", "created_at"),
)

# Small key/value state of the intake's background loop (the change-feed cursor).
intake_state = Table(
    "intake_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Knowledge-base articles: one row per (slug, lang). `search_text` is the normalised title,
# keywords and body that both full-text indexes read (SQLite FTS5 `kb_fts`, PostgreSQL
# `search` tsvector), so search behaves the same on both.
kb_articles = Table(
    "kb_articles",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("slug", String(64), nullable=False),
    Column("lang", String(16), nullable=False),
    Column("topic", String(64), nullable=True),
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("keywords", JSON, nullable=False, default=list),
    Column("search_text", Text, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", TZ, nullable=False),
    Column("updated_at", TZ, nullable=False),
    Column("updated_by", String(64), nullable=True),
    UniqueConstraint("slug", "lang"),
    Index("ix_kb_articles_topic", "topic", "lang"),
)
