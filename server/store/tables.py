"""The database schema (SQLAlchemy Core). Alembic migrations in `migrations/` create it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)

# Integer ids autoincrement on both SQLite and PostgreSQL through this variant.
Id = BigInteger().with_variant(Integer(), "sqlite")
TZ = DateTime(timezone=True)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("languages", JSON, nullable=False, default=list),
    Column("queues", JSON, nullable=False, default=list),
    Column("created_at", TZ, nullable=False),
    # Sign-in lockout: failures since the last success, and until when sign-in is refused.
    Column("failed_logins", Integer, nullable=False, default=0, server_default="0"),
    Column("locked_until", TZ, nullable=True),
    # TOTP two-factor: the shared secret (base32), set by `totp enroll`.
    Column("totp_secret", String(64), nullable=True),
    # A secret enrolled over the API, not active until a code from it confirms it (0009).
    Column("totp_pending_secret", String(64), nullable=True),
    Column("totp_pending_at", TZ, nullable=True),
    # The TOTP step (unix time // 30) of the last code accepted: that step or an older one is
    # refused, so a code cannot be used twice (0010).
    Column("totp_last_step", BigInteger, nullable=True),
    # Routing (0012): capacity (max open tickets), experience, cost level, presence
    # (online|away|offline), what the agent chose by hand (None: follow the event stream).
    Column("capacity", Integer, nullable=False, default=5, server_default="5"),
    Column("experience", Float, nullable=False, default=0.0, server_default="0"),
    Column("cost", Integer, nullable=False, default=1, server_default="1"),
    Column("presence", String(8), nullable=False, default="offline", server_default="offline"),
    Column("presence_choice", String(8), nullable=True),
    Column("presence_at", TZ, nullable=True),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", TZ, nullable=False),
    Column("expires_at", TZ, nullable=False),
    Column("revoked_at", TZ, nullable=True),
)

queues = Table(
    "queues",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("region", String(64), nullable=True),
    Column("language", String(16), nullable=True),
    Column("created_at", TZ, nullable=False),
)

players = Table(
    "players",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("external_id", String(128), nullable=False, unique=True),
    Column("name", String(200), nullable=True),
    Column("tier", String(16), nullable=False, default="standard"),
    Column("host", String(64), nullable=True),
    Column("languages", JSON, nullable=False, default=list),
    Column("timezone", String(64), nullable=True),
    Column("preferred_channels", JSON, nullable=False, default=list),
    Column("quiet_mode", Boolean, nullable=False, default=False),
    Column("currency", String(8), nullable=True),
    Column("kyc_state", String(32), nullable=True),
    Column("profile", JSON, nullable=False, default=dict),
    Column("code_word_hash", String(255), nullable=True),
    Column("created_at", TZ, nullable=False),
    Column("updated_at", TZ, nullable=False),
    Column("anonymised_at", TZ, nullable=True),  # by the retention policy (0009)
)

tickets = Table(
    "tickets",
    metadata,
    # The id is the human number too (#10001 onwards; the migration sets the start).
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject", String(500), nullable=False),
    Column("status", String(32), nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("priority", String(2), nullable=False),
    Column("priority_rank", SmallInteger, nullable=False),
    Column("tier_rank", SmallInteger, nullable=False),
    Column("topic_rank", SmallInteger, nullable=False),
    Column("queue", String(64), ForeignKey("queues.name"), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("language", String(16), nullable=True),
    Column("player_id", Id, ForeignKey("players.id"), nullable=False),
    Column("assignee_id", Id, ForeignKey("users.id"), nullable=True),
    Column("team", String(64), nullable=True),
    Column("tags", JSON, nullable=False, default=list),
    Column("transaction_refs", JSON, nullable=False, default=list),
    Column("escalation_level", SmallInteger, nullable=False, default=0),
    Column("version", Integer, nullable=False, default=1),
    Column("anonymised_at", TZ, nullable=True),  # by the retention policy (0009)
    # "agent": the player waits on us; "player": we wait on the player; None: finished.
    Column("waiting_on", String(8), nullable=True),
    # Since when the ticket has waited on `waiting_on` (the work order's "time waited").
    Column("waiting_since", TZ, nullable=False),
    Column("created_at", TZ, nullable=False),
    Column("updated_at", TZ, nullable=False),
    Column("last_message_at", TZ, nullable=True),
    Column("message_count", Integer, nullable=False, default=0),
    # SLA (migration 0007): the policy version the ticket was opened under, a shift lead's
    # target overrides, the clock's last computed snapshot (projected to "now" when read),
    # its state, earliest due time, and when the SLA job must look at it next.
    Column("sla_policy", String(64), nullable=True),
    Column("sla_overrides", JSON, nullable=True),
    Column("sla", JSON, nullable=True),
    Column("sla_state", String(16), nullable=True),
    Column("sla_due_at", TZ, nullable=True),
    Column("sla_next_at", TZ, nullable=True),
    # Since when the ticket is in its queue (a functional escalation chain starts then) and
    # the stop-list factors present on it (code -> ISO time since).
    Column("queue_since", TZ, nullable=True),
    Column("factors", JSON, nullable=True),
    # Routing (0012): when the assignee got it; when the assignment times out unless they
    # answer (None: answered or unassigned), read by the assignment job through its index.
    Column("assigned_at", TZ, nullable=True),
    Column("assign_due_at", TZ, nullable=True, index=True),
    # The bot's follow-up once asked (0011): {"state","csat","nps","asked_at","answered_at"}.
    Column("feedback", JSON, nullable=True),
    # Predicted to breach (0013): the SLA job's last prediction for a ticket waiting on us.
    Column("sla_predicted", Boolean, nullable=False, default=False, server_default="0"),
    # Agents whose assignment of this ticket timed out: routing skips them for it (0013).
    Column("routing_excluded", JSON, nullable=True),
    # The queue view: one queue's open tickets in work order, read top-down by keyset.
    Index(
        "ix_tickets_work_order",
        "queue",
        "is_open",
        "priority_rank",
        "tier_rank",
        "waiting_since",
        "topic_rank",
        "id",
    ),
    Index("ix_tickets_updated", "updated_at", "id"),
    Index("ix_tickets_player", "player_id", "is_open"),
    Index("ix_tickets_assignee", "assignee_id", "is_open"),
    Index("ix_tickets_status", "status"),
    Index("ix_tickets_sla_predicted", "sla_predicted"),
    # The SLA job reads tickets in order of the next instant their clock changes.
    Index("ix_tickets_sla_next", "sla_next_at"),
    sqlite_autoincrement=True,
)

# What the SLA clock and the escalation ladder are computed from: the ticket's history as
# events (created, messages by kind, status changes, exemptions, manual escalations). A player
# message's text is read from `messages` (stop-phrases), so it is not stored twice.
ticket_events = Table(
    "ticket_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=False),
    Column("at", TZ, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("status", String(32), nullable=True),
    Column("reason", Text, nullable=True),
    Column("level", SmallInteger, nullable=True),
    Column("message_id", Id, ForeignKey("messages.id"), nullable=True),
    Index("ix_ticket_events_ticket", "ticket_id", "id"),
    Index("ix_ticket_events_kind_at", "kind", "at"),  # recent answer times (0013)
)

# Every warning, breach and escalation step that fired, once: the key is the clock instance
# (kind and start of its cycle) and the event, so neither a replay nor a restart fires twice.
clock_firings = Table(
    "clock_firings",
    metadata,
    Column("ticket_id", Id, nullable=False, primary_key=True),
    Column("clock", String(48), nullable=False, primary_key=True),
    Column("started_at", String(40), nullable=False, primary_key=True),
    Column("event", String(24), nullable=False, primary_key=True),
    Column("due_at", TZ, nullable=False),
    Column("fired_at", TZ, nullable=False),
    Column("late_s", Integer, nullable=False, default=0),
)

# SLA policies loaded through the admin API, by version (the shipped defaults are a file).
sla_policies = Table(
    "sla_policies",
    metadata,
    Column("version", String(64), primary_key=True),
    Column("source", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("created_at", TZ, nullable=False),
    Column("created_by", String(64), nullable=True),
    Column("current", Boolean, nullable=False, default=False),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("author_id", Id, ForeignKey("users.id"), nullable=True),
    Column("author_name", String(200), nullable=True),
    Column("channel", String(16), nullable=True),
    Column("body", Text, nullable=False),
    Column("quote_id", Id, ForeignKey("messages.id"), nullable=True),
    Column("created_at", TZ, nullable=False),
    Column("retracted_at", TZ, nullable=True),
    Column("retracted_by", Id, ForeignKey("users.id"), nullable=True),
    Column("retract_reason", Text, nullable=True),
    Index("ix_messages_ticket", "ticket_id", "id"),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("message_id", Id, ForeignKey("messages.id"), nullable=True),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(255), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_by", Id, ForeignKey("users.id"), nullable=True),
    Column("created_at", TZ, nullable=False),
    Column("anonymised_at", TZ, nullable=True),  # blob deleted by the retention policy (0009)
)

# The change log: one row per change, `seq` global and in commit order. Seqs are handed out
# from `change_counter` as the last step of each write transaction, so the row lock on the
# counter orders them by commit on PostgreSQL too (a reader never sees seq N+1 before N).
changes = Table(
    "changes",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("op", String(16), nullable=False),
    Column("data", Text, nullable=False),
    # Who may see it: the ticket's queue and its player's host (both None: everyone).
    Column("queue", String(64), nullable=True),
    Column("host", String(64), nullable=True),
    Column("created_at", TZ, nullable=False),
    # The retention policy finds the entries of the rows it anonymises by this (0010).
    Index("ix_changes_entity_entity_id", "entity", "entity_id"),
)

change_counter = Table(
    "change_counter",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("user_id", Id, nullable=False, primary_key=True),
    Column("key", String(255), nullable=False, primary_key=True),
    Column("method", String(8), nullable=False),
    Column("path", String(500), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", SmallInteger, nullable=False),
    Column("response_body", LargeBinary, nullable=False),
    Column("created_at", TZ, nullable=False),
)

# The audit trail: append-only, each row chained to the one before by an HMAC (keyed, so a
# database editor without the server's key cannot forge a consistent chain). `audit_head`
# holds the newest row's id and hash under its own HMAC, so deleting the newest rows shows too.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),  # ISO 8601 text: hashed exactly as stored
    Column("actor_id", BigInteger, nullable=True),
    Column("actor_username", String(64), nullable=True),
    Column("actor_role", String(32), nullable=True),
    Column("ip", String(64), nullable=True),
    Column("action", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(128), nullable=True),
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_entity", "entity", "entity_id"),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("last_id", BigInteger, nullable=False),
    Column("last_hash", String(64), nullable=False),
    Column("mac", String(64), nullable=False),
)
