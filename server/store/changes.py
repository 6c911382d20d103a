"""The change log, read by `/changes` and by the event stream when it catches up."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from .database import Change
from .tables import change_counter, changes

_COLUMNS = (
    changes.c.seq,
    changes.c.entity,
    changes.c.entity_id,
    changes.c.op,
    changes.c.data,
    changes.c.queue,
    changes.c.host,
)


def since(conn: Connection, seq: int, limit: int) -> list[Change]:
    """The next `limit` changes after `seq`, whoever may see them (the caller filters)."""
    rows = conn.execute(
        select(*_COLUMNS).where(changes.c.seq > seq).order_by(changes.c.seq).limit(limit)
    )
    return [Change(*row) for row in rows]


def last_seq(conn: Connection) -> int:
    value = conn.execute(select(change_counter.c.last_seq).where(change_counter.c.id == 1))
    return value.scalar_one_or_none() or 0


def oldest_seq(conn: Connection) -> int:
    return conn.execute(select(func.min(changes.c.seq))).scalar_one_or_none() or 0
