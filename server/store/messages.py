"""Messages of a ticket's thread."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from . import fast
from .tables import messages, users

MESSAGE_COLUMNS = (
    *messages.c,
    users.c.username.label("author_username"),
)


def insert_message(conn: Connection, values: dict[str, Any]) -> int:
    return fast.insert_one(conn, messages, values)


def get(conn: Connection, message_id: int) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(*MESSAGE_COLUMNS)
            .outerjoin(users, users.c.id == messages.c.author_id)
            .where(messages.c.id == message_id)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def for_ticket(conn: Connection, ticket_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(*MESSAGE_COLUMNS)
        .outerjoin(users, users.c.id == messages.c.author_id)
        .where(messages.c.ticket_id == ticket_id)
        .order_by(messages.c.id)
    ).mappings()
    return [dict(r) for r in rows]


def retract(
    conn: Connection, message_id: int, *, by: int, at: datetime, reason: str | None
) -> None:
    conn.execute(
        update(messages)
        .where(messages.c.id == message_id)
        .values(retracted_at=at, retracted_by=by, retract_reason=reason)
    )
