"""Reading the audit trail (rows are written by the Database at commit)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, select

from .tables import audit_head, audit_log


def _plain(row: Any) -> dict[str, Any]:
    # Column names come back as `quoted_name` (a str subclass) that orjson will not encode.
    return {str(k): v for k, v in row.items()}


def page(
    conn: Connection,
    *,
    after_id: int,
    limit: int,
    entity: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
) -> list[dict[str, Any]]:
    q = select(audit_log).where(audit_log.c.id > after_id)
    if entity:
        q = q.where(audit_log.c.entity == entity)
    if entity_id:
        q = q.where(audit_log.c.entity_id == entity_id)
    if actor:
        q = q.where(audit_log.c.actor_username == actor)
    if action:
        q = q.where(audit_log.c.action == action)
    return [_plain(r) for r in conn.execute(q.order_by(audit_log.c.id).limit(limit)).mappings()]


def every_row(conn: Connection, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """All rows in id order, read in batches (the table can be large)."""
    last = -1
    while True:
        rows = conn.execute(
            select(audit_log).where(audit_log.c.id > last).order_by(audit_log.c.id).limit(batch)
        ).mappings()
        got = [_plain(r) for r in rows]
        if not got:
            return
        yield from got
        last = got[-1]["id"]


def head(conn: Connection) -> dict[str, Any] | None:
    row = conn.execute(select(audit_head).where(audit_head.c.id == 1)).mappings().first()
    return _plain(row) if row else None
