"""SQL of the intake door: integrations, identities, receipts, the log of what the bot handled
alone, follow-ups, loop state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from ..store.tables import players, queues, tickets, users
from ..store.tables_intake import (
    intake_followups,
    intake_identities,
    intake_log,
    intake_receipts,
    intake_state,
    integrations,
)

# -- integrations -------------------------------------------------------------------------------
_BY_KEY = (
    select(
        integrations.c.id.label("integration_id"),
        integrations.c.name,
        integrations.c.revoked_at,
        users.c.id.label("user_id"),
        users.c.username,
        users.c.display_name,
        users.c.role,
        users.c.active,
    )
    .join(users, users.c.id == integrations.c.user_id)
    .where(integrations.c.key_hash == bindparam("key_hash"))
)


def integration_by_key(conn: Connection, key_hash: str) -> dict[str, Any] | None:
    row = conn.execute(_BY_KEY, {"key_hash": key_hash}).mappings().first()
    return dict(row) if row else None


def integration_by_name(conn: Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute(select(integrations).where(integrations.c.name == name)).mappings().first()
    return dict(row) if row else None


def all_integrations(conn: Connection) -> list[dict[str, Any]]:
    return [
        dict(r) for r in conn.execute(select(integrations).order_by(integrations.c.name)).mappings()
    ]


def insert_integration(conn: Connection, values: dict[str, Any]) -> int:
    return conn.execute(
        insert(integrations).values(**values).returning(integrations.c.id)
    ).scalar_one()


def update_integration(conn: Connection, integration_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(integrations).where(integrations.c.id == integration_id).values(**values))


# -- identities ---------------------------------------------------------------------------------
_IDENTITY = select(intake_identities).where(
    intake_identities.c.kind == bindparam("kind"), intake_identities.c.value == bindparam("value")
)


def identity(conn: Connection, kind: str, value: str) -> dict[str, Any] | None:
    row = conn.execute(_IDENTITY, {"kind": kind, "value": value}).mappings().first()
    return dict(row) if row else None


_INSERT_IDENTITY = insert(intake_identities).returning(intake_identities.c.id)


def insert_identity(conn: Connection, values: dict[str, Any]) -> int:
    return conn.execute(_INSERT_IDENTITY, values).scalar_one()


_MEANINGFUL = (
    update(intake_identities)
    .where(intake_identities.c.id == bindparam("identity_id"))
    .values(meaningful=bindparam("meaningful"))
)


def count_meaningful(conn: Connection, identity_id: int, meaningful: int) -> None:
    conn.execute(_MEANINGFUL, {"identity_id": identity_id, "meaningful": meaningful})


_PLAYER = select(players).where(players.c.id == bindparam("player_id"))


def player(conn: Connection, player_id: int) -> dict[str, Any] | None:
    row = conn.execute(_PLAYER, {"player_id": player_id}).mappings().first()
    return dict(row) if row else None


# -- tickets the pipeline looks for ---------------------------------------------------------------
_OPEN_TICKET = (
    select(tickets.c.id)
    .where(tickets.c.player_id == bindparam("player_id"), tickets.c.is_open.is_(True))
    .order_by(tickets.c.updated_at.desc(), tickets.c.id.desc())
    .limit(1)
)


def open_ticket_id(conn: Connection, player_id: int) -> int | None:
    return conn.execute(_OPEN_TICKET, {"player_id": player_id}).scalar_one_or_none()


_FAMILY = select(queues.c.name, queues.c.language).where(queues.c.name.like(bindparam("prefix")))


def language_queues(conn: Connection, default_queue: str) -> list[tuple[str, str | None]]:
    """(name, language) of the default queue's regional queues (`l1-…`)."""
    rows = conn.execute(_FAMILY, {"prefix": default_queue + "-%"})
    return [(r.name, r.language) for r in rows]


# -- the log of what the bot handled alone ---------------------------------------------------
_INSERT_LOG = insert(intake_log).returning(intake_log.c.id)


def insert_log(conn: Connection, values: dict[str, Any]) -> int:
    return conn.execute(_INSERT_LOG, values).scalar_one()


_CONVERSATION = (
    select(intake_log)
    .where(
        intake_log.c.player_id == bindparam("player_id"),
        intake_log.c.created_at >= bindparam("since"),
        intake_log.c.ticket_id.is_(None),
        intake_log.c.outcome.in_(bindparam("outcomes", expanding=True)),
    )
    .order_by(intake_log.c.id)
)


def conversation(
    conn: Connection, player_id: int, since: datetime, outcomes: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The player's exchanges with the bot since `since` not yet on a ticket, oldest first."""
    rows = conn.execute(
        _CONVERSATION, {"player_id": player_id, "since": since, "outcomes": list(outcomes)}
    ).mappings()
    return [dict(r) for r in rows]


def attach_log(conn: Connection, log_ids: list[int], ticket_id: int) -> None:
    conn.execute(update(intake_log).where(intake_log.c.id.in_(log_ids)).values(ticket_id=ticket_id))


def log_for_player(conn: Connection, player_id: int, limit: int = 100) -> list[dict[str, Any]]:
    """The player's latest exchanges with the bot, newest first."""
    rows = conn.execute(
        select(intake_log)
        .where(intake_log.c.player_id == player_id)
        .order_by(intake_log.c.id.desc())
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows]


# -- receipts (a channel's own message ids) ------------------------------------------------
_RECEIPT = select(intake_receipts.c.response).where(
    intake_receipts.c.integration_id == bindparam("integration_id"),
    intake_receipts.c.channel == bindparam("channel"),
    intake_receipts.c.message_id == bindparam("message_id"),
)


def receipt(conn: Connection, integration_id: int, channel: str, message_id: str) -> bytes | None:
    found = conn.execute(
        _RECEIPT,
        {"integration_id": integration_id, "channel": channel, "message_id": message_id},
    ).scalar_one_or_none()
    return bytes(found) if found is not None else None


def store_receipt(
    conn: Connection,
    integration_id: int,
    channel: str,
    message_id: str,
    response: bytes,
    now: datetime,
) -> None:
    conn.execute(
        _INSERT_RECEIPT,
        {
            "integration_id": integration_id,
            "channel": channel,
            "message_id": message_id,
            "response": response,
            "created_at": now,
        },
    )


_INSERT_RECEIPT = insert(intake_receipts)


# -- follow-ups ---------------------------------------------------------------------
ASKING = ("asked_csat", "asked_nps")


def followup(conn: Connection, ticket_id: int) -> dict[str, Any] | None:
    row = (
        conn.execute(select(intake_followups).where(intake_followups.c.ticket_id == ticket_id))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def followups_for(conn: Connection, ticket_ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = conn.execute(
        select(intake_followups).where(intake_followups.c.ticket_id.in_(ticket_ids))
    ).mappings()
    return {r["ticket_id"]: dict(r) for r in rows}


_ASKING_FOR_PLAYER = (
    select(intake_followups)
    .where(
        intake_followups.c.player_id == bindparam("player_id"),
        intake_followups.c.state.in_(ASKING),
    )
    .order_by(intake_followups.c.asked_at.desc())
    .limit(1)
)


def asking_followup(conn: Connection, player_id: int) -> dict[str, Any] | None:
    row = conn.execute(_ASKING_FOR_PLAYER, {"player_id": player_id}).mappings().first()
    return dict(row) if row else None


def due_followups(conn: Connection, now: datetime, limit: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(intake_followups)
        .where(intake_followups.c.state == "pending", intake_followups.c.due_at <= now)
        .order_by(intake_followups.c.due_at)
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows]


def insert_followup(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(intake_followups).values(**values))


def update_followup(
    conn: Connection, ticket_id: int, values: dict[str, Any], *, state: str | None = None
) -> bool:
    """Change a follow-up; with `state`, only if it is still in that state (a claim)."""
    stmt = update(intake_followups).where(intake_followups.c.ticket_id == ticket_id)
    if state is not None:
        stmt = stmt.where(intake_followups.c.state == state)
    return conn.execute(stmt.values(**values)).rowcount == 1


# -- loop state -----------------------------------------------------------------------------------
def get_state(conn: Connection, key: str) -> str | None:
    return conn.execute(
        select(intake_state.c.value).where(intake_state.c.key == key)
    ).scalar_one_or_none()


def set_state(conn: Connection, key: str, value: str) -> None:
    if get_state(conn, key) is None:
        conn.execute(insert(intake_state).values(key=key, value=value))
    else:
        conn.execute(update(intake_state).where(intake_state.c.key == key).values(value=value))
