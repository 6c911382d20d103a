"""Rows of the SLA clock: ticket events, firings, the due index, stored policies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from . import fast
from .rows import aware
from .tables import clock_firings, messages, sla_policies, ticket_events, tickets


def add_events(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Append history events: dicts with ticket_id, at, kind and optional status, reason,
    level, message_id."""
    if rows:
        full = [
            {"status": None, "reason": None, "level": None, "message_id": None, **r} for r in rows
        ]
        fast.insert_many(conn, ticket_events, full)


def events_for(conn: Connection, ticket_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each ticket's events in order, a player message's text alongside (stop-phrases)."""
    ids = list(ticket_ids)
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not ids:
        return out
    q = (
        select(
            ticket_events.c.ticket_id,
            ticket_events.c.at,
            ticket_events.c.kind,
            ticket_events.c.status,
            ticket_events.c.reason,
            ticket_events.c.level,
            messages.c.body,
        )
        .outerjoin(
            messages,
            and_(
                messages.c.id == ticket_events.c.message_id,
                ticket_events.c.kind == "player_message",
            ),
        )
        .where(ticket_events.c.ticket_id.in_(ids))
        .order_by(ticket_events.c.ticket_id, ticket_events.c.id)
    )
    for r in conn.execute(q).mappings():
        row = dict(r)
        row["at"] = aware(row["at"])
        out[row["ticket_id"]].append(row)
    return out


def fired_keys(conn: Connection, ticket_ids: Iterable[int]) -> set[tuple[int, str, str, str]]:
    ids = list(ticket_ids)
    if not ids:
        return set()
    q = select(
        clock_firings.c.ticket_id,
        clock_firings.c.clock,
        clock_firings.c.started_at,
        clock_firings.c.event,
    ).where(clock_firings.c.ticket_id.in_(ids))
    return {tuple(r) for r in conn.execute(q)}  # type: ignore[misc]


def add_firings(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(clock_firings), list(rows))


def due_ticket_ids(conn: Connection, now: datetime, limit: int) -> list[int]:
    """Tickets whose clock changes at or before ``now``, earliest first (an index range)."""
    q = (
        select(tickets.c.id)
        .where(tickets.c.sla_next_at <= now)
        .order_by(tickets.c.sla_next_at)
        .limit(limit)
    )
    return list(conn.execute(q).scalars())


def next_due(conn: Connection) -> datetime | None:
    """The earliest instant any ticket's clock changes (one index lookup)."""
    return aware(conn.execute(select(func.min(tickets.c.sla_next_at))).scalar())


def set_clock_columns(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Store recomputed clock columns: dicts with ``id`` and the columns to set."""
    for r in rows:
        values = {k: v for k, v in r.items() if k != "id"}
        conn.execute(update(tickets).where(tickets.c.id == r["id"]).values(**values))


# -- stored policies ---------------------------------------------------------------------


def stored_policies(conn: Connection) -> list[dict[str, Any]]:
    q = select(sla_policies).order_by(sla_policies.c.created_at)
    return [dict(r) for r in conn.execute(q).mappings()]


def store_policy(
    conn: Connection,
    version: str,
    source: str,
    digest: str,
    at: datetime,
    by: str | None,
    current: bool,
) -> None:
    if current:
        conn.execute(update(sla_policies).values(current=False))
    conn.execute(
        insert(sla_policies).values(
            version=version,
            source=source,
            digest=digest,
            created_at=at,
            created_by=by,
            current=current,
        )
    )


def policy_source(conn: Connection, version: str) -> str | None:
    q = select(sla_policies.c.source).where(sla_policies.c.version == version)
    return conn.execute(q).scalar()
