"""Rows for the breach prediction: queues' waiting tickets, agents online, answer times."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from .rows import aware
from .tables import queues, ticket_events, tickets, users

# Roles that take tickets from queues (shift leads and admins supervise; integrations are bots).
WORKING_ROLES = ("l1_agent", "l2_agent", "payments", "compliance", "vip_host")


def open_queues(conn: Connection) -> list[str]:
    """Every queue (the queues table: a DISTINCT over tickets would scan them all)."""
    return sorted(conn.execute(select(queues.c.name)).scalars())


def waiting_in_order(conn: Connection, queue: str, limit: int) -> list[dict[str, Any]]:
    """A queue's open tickets that wait on an agent, in work order (the work-order index)."""
    q = (
        select(
            tickets.c.id,
            tickets.c.queue,
            tickets.c.sla_state,
            tickets.c.sla_due_at,
            tickets.c.sla_predicted,
        )
        .where(
            tickets.c.queue == queue,
            tickets.c.is_open.is_(True),
            tickets.c.waiting_on == "agent",
        )
        .order_by(
            tickets.c.priority_rank,
            tickets.c.tier_rank,
            tickets.c.waiting_since,
            tickets.c.topic_rank,
            tickets.c.id,
        )
        .limit(limit)
    )
    return [{**r, "sla_due_at": aware(r["sla_due_at"])} for r in conn.execute(q).mappings().all()]


def flagged_ids(conn: Connection) -> set[int]:
    q = select(tickets.c.id).where(tickets.c.sla_predicted.is_(True))
    return set(conn.execute(q).scalars())


def online_agents(conn: Connection) -> list[dict[str, Any]]:
    q = select(users.c.id, users.c.queues, users.c.capacity).where(
        users.c.active.is_(True),
        users.c.presence == "online",
        users.c.role.in_(WORKING_ROLES),
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def answer_times(conn: Connection, since: datetime, limit: int) -> dict[str, list[float]]:
    """Per queue, seconds from a player's message (or the ticket's creation) to the agent
    reply that answered it, for the latest ``limit`` replies since ``since``."""
    replies = conn.execute(
        select(ticket_events.c.ticket_id, ticket_events.c.at, tickets.c.queue)
        .join(tickets, tickets.c.id == ticket_events.c.ticket_id)
        .where(ticket_events.c.kind == "agent_reply", ticket_events.c.at >= since)
        .order_by(ticket_events.c.at.desc())
        .limit(limit)
    ).all()
    if not replies:
        return {}
    ids = sorted({r.ticket_id for r in replies})
    asks: dict[int, list[datetime]] = defaultdict(list)
    for r in conn.execute(
        select(ticket_events.c.ticket_id, ticket_events.c.at)
        .where(
            ticket_events.c.ticket_id.in_(ids),
            ticket_events.c.kind.in_(("created", "player_message")),
        )
        .order_by(ticket_events.c.ticket_id, ticket_events.c.id)
    ):
        asks[r.ticket_id].append(aware(r.at))  # type: ignore[arg-type]
    out: dict[str, list[float]] = defaultdict(list)
    for r in replies:
        at = aware(r.at)
        before = [t for t in asks.get(r.ticket_id, ()) if t <= at]  # type: ignore[operator]
        if before:
            out[r.queue].append((at - before[-1]).total_seconds())  # type: ignore[operator]
    return out


_SET_FLAG = (
    update(tickets).where(tickets.c.id == bindparam("_id")).values(sla_predicted=bindparam("flag"))
)


def set_flags(conn: Connection, on: Iterable[int], off: Iterable[int]) -> None:
    rows: Sequence[dict[str, Any]] = [{"_id": i, "flag": True} for i in on] + [
        {"_id": i, "flag": False} for i in off
    ]
    if rows:
        conn.execute(_SET_FLAG, list(rows))
