"""Queues and their open-ticket counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select

from .tables import queues, tickets


def list_queues(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(queues).order_by(queues.c.name)).mappings()]


def names(conn: Connection) -> set[str]:
    return set(conn.execute(select(queues.c.name)).scalars())


_EXISTS = select(queues.c.name).where(queues.c.name == bindparam("name"))


# Queues are created and never deleted or renamed, so a queue once seen stays: each create
# checks its queue, and this saves a query on the hot path. Keyed by database (tests use many).
_seen: set[tuple[Any, str]] = set()


def exists(conn: Connection, name: str) -> bool:
    key = (conn.engine.url, name)
    if key in _seen:
        return True
    found = conn.execute(_EXISTS, {"name": name}).first() is not None
    if found:
        _seen.add(key)
    return found


def create(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(queues).values(**values))


def open_counts(conn: Connection) -> dict[str, dict[str, int]]:
    """Per queue: open tickets by status, by priority and by SLA state."""
    out: dict[str, dict[str, int]] = {}
    rows = conn.execute(
        select(
            tickets.c.queue, tickets.c.status, tickets.c.priority, tickets.c.sla_state, func.count()
        )
        .where(tickets.c.is_open.is_(True))
        .group_by(tickets.c.queue, tickets.c.status, tickets.c.priority, tickets.c.sla_state)
    )
    for queue, status, priority, sla_state, n in rows:
        q = out.setdefault(queue, {})
        for key in ("status:" + status, "priority:" + priority, f"sla:{sla_state or 'none'}"):
            q[key] = q.get(key, 0) + n
    return out


def status_counts(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(tickets.c.status, func.count()).group_by(tickets.c.status))
    return {status: n for status, n in rows}
