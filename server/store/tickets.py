"""Ticket rows: insert, read (with player and assignee), list in work order, update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    and_,
    bindparam,
    false,
    or_,
    select,
    true,
    tuple_,
    update,
)

from . import fast
from .tables import players, tickets, users

# The columns a ticket's public shape is built from.
TICKET_COLUMNS = (
    *tickets.c,
    players.c.external_id.label("player_external_id"),
    players.c.name.label("player_name"),
    players.c.host.label("player_host"),
    players.c.timezone.label("player_timezone"),  # the automation's quiet hours
    players.c.quiet_mode.label("player_quiet_mode"),
    users.c.username.label("assignee_username"),
)
WORK_ORDER = (
    tickets.c.priority_rank,
    tickets.c.tier_rank,
    tickets.c.waiting_since,
    tickets.c.topic_rank,
    tickets.c.id,
)
UPDATED_ORDER = (tickets.c.updated_at, tickets.c.id)


def _joined() -> Select[Any]:
    return (
        select(*TICKET_COLUMNS)
        .join(players, players.c.id == tickets.c.player_id)
        .outerjoin(users, users.c.id == tickets.c.assignee_id)
    )


def insert_ticket(conn: Connection, values: dict[str, Any]) -> int:
    return fast.insert_one(conn, tickets, values)


_GET = _joined().where(tickets.c.id == bindparam("ticket_id"))


def get(conn: Connection, ticket_id: int) -> dict[str, Any] | None:
    row = conn.execute(_GET, {"ticket_id": ticket_id}).mappings().first()
    return dict(row) if row else None


def get_many(conn: Connection, ticket_ids: list[int]) -> list[dict[str, Any]]:
    q = _joined().where(tickets.c.id.in_(ticket_ids)).order_by(tickets.c.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def update_ticket(conn: Connection, ticket_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(**values))


@dataclass
class TicketFilter:
    queue: list[str] | None = None
    status: list[str] | None = None
    priority: list[str] | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    player_id: int | None = None
    updated_since: datetime | None = None
    open_only: bool = False
    # Access scope (None: every queue): these queues and their regional `q-…` queues, or
    # tickets of players hosted by `scope_host`.
    scope_queues: list[str] | None = None
    scope_host: str | None = None


def list_tickets(
    conn: Connection,
    flt: TicketFilter,
    *,
    order: str,
    after: tuple[Any, ...] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """One page of tickets after the keyset `after`, in `order` ("work" or "updated")."""
    q = _joined()
    conds = []
    # Equality (not IN, not IS) where there is one value, so the planners walk the
    # work-order index in order instead of sorting.
    if flt.queue:
        conds.append(_one_of(tickets.c.queue, flt.queue))
    if flt.open_only:
        conds.append(tickets.c.is_open == true())
    if flt.status:
        conds.append(_one_of(tickets.c.status, flt.status))
    if flt.priority:
        conds.append(_one_of(tickets.c.priority, flt.priority))
    if flt.assignee_id is not None:
        conds.append(tickets.c.assignee_id == flt.assignee_id)
    if flt.unassigned:
        conds.append(tickets.c.assignee_id.is_(None))
    if flt.player_id is not None:
        conds.append(tickets.c.player_id == flt.player_id)
    if flt.updated_since is not None:
        conds.append(tickets.c.updated_at >= flt.updated_since)
    if flt.scope_queues is not None:
        conds.append(_scope(flt.scope_queues, flt.scope_host))
    cols = WORK_ORDER if order == "work" else UPDATED_ORDER
    if after is not None:
        conds.append(_after(cols, after))
    if conds:
        q = q.where(and_(*conds))
    q = q.order_by(*cols).limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def _scope(queues: list[str], host: str | None) -> Any:
    allowed: list[Any] = []
    for q in queues:
        allowed += [tickets.c.queue == q, tickets.c.queue.like(_like_prefix(q), escape="\\")]
    if host is not None:
        allowed.append(players.c.host == host)
    return or_(*allowed) if allowed else false()


def _like_prefix(queue: str) -> str:
    escaped = queue.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "-%"


def _one_of(column: Any, values: list[str]) -> Any:
    return column == values[0] if len(values) == 1 else column.in_(values)


def _after(cols: tuple[Any, ...], key: tuple[Any, ...]) -> Any:
    # Row-value comparison: both SQLite and PostgreSQL walk the index from this point.
    return tuple_(*cols) > tuple_(*key)


def keyset(row: dict[str, Any], order: str) -> tuple[Any, ...]:
    if order == "work":
        return (
            row["priority_rank"],
            row["tier_rank"],
            row["waiting_since"],
            row["topic_rank"],
            row["id"],
        )
    return (row["updated_at"], row["id"])


def open_ids_for_player(conn: Connection, player_id: int) -> list[int]:
    rows = conn.execute(
        select(tickets.c.id).where(tickets.c.player_id == player_id, tickets.c.is_open.is_(True))
    )
    return list(rows.scalars())


def set_tier_rank_for_player(conn: Connection, player_id: int, tier_rank: int) -> list[int]:
    """A player's tier changed: their open tickets move in the work order. Returns their ids."""
    ids = open_ids_for_player(conn, player_id)
    if ids:
        conn.execute(update(tickets).where(tickets.c.id.in_(ids)).values(tier_rank=tier_rank))
    return ids
