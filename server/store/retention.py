"""SQL of the retention policy: find due tickets, anonymise rows, scrub the change log."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, and_, delete, func, or_, select, update

from ..domain.retention import ANONYMISED
from .tables import attachments, changes, idempotency_keys, messages, players, tickets


def _not_anonymised() -> Any:
    """Never anonymised, or changed since (a player wrote into it: reopened, closed again).
    Anonymising keeps `updated_at`, so a later change is what makes it newer."""
    return or_(tickets.c.anonymised_at.is_(None), tickets.c.anonymised_at < tickets.c.updated_at)


def _due(before: datetime) -> list[Any]:
    return [tickets.c.status == "closed", _not_anonymised(), tickets.c.updated_at < before]


def due_ticket_ids(conn: Connection, before: datetime, limit: int, after_id: int = 0) -> list[int]:
    """Closed tickets last changed before `before` with something left to anonymise."""
    q = (
        select(tickets.c.id)
        .where(*_due(before), tickets.c.id > after_id)
        .order_by(tickets.c.id)
        .limit(limit)
    )
    return list(conn.execute(q).scalars())


def count_due(conn: Connection, before: datetime) -> dict[str, int]:
    """What a run would anonymise now: tickets, their messages and attachments."""
    due = select(tickets.c.id).where(*_due(before))
    n_tickets = conn.execute(select(func.count()).select_from(due.subquery())).scalar_one()
    n_messages = conn.execute(
        select(func.count()).where(
            messages.c.ticket_id.in_(due),
            messages.c.kind != "system",
            messages.c.body != ANONYMISED,
        )
    ).scalar_one()
    n_attachments = conn.execute(
        select(func.count()).where(
            attachments.c.ticket_id.in_(due), attachments.c.anonymised_at.is_(None)
        )
    ).scalar_one()
    return {"tickets": n_tickets, "messages": n_messages, "attachments": n_attachments}


def claim_ticket(
    conn: Connection, ticket_id: int, before: datetime, now: datetime, values: dict[str, Any]
) -> bool:
    """Anonymise the ticket row if it is still due; False when it is not (any more).

    The condition is part of the UPDATE, so two servers running the policy at once on
    PostgreSQL anonymise a ticket once: the second finds no row to change."""
    res = conn.execute(
        update(tickets)
        .where(tickets.c.id == ticket_id, *_due(before))
        .values(**values, anonymised_at=now, version=tickets.c.version + 1)
    )
    return res.rowcount > 0


def ticket_messages(conn: Connection, ticket_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(messages.c.id, messages.c.kind).where(
            messages.c.ticket_id == ticket_id, messages.c.body != ANONYMISED
        )
    )
    return [dict(r._mapping) for r in rows]


def update_message(conn: Connection, message_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(messages).where(messages.c.id == message_id).values(**values))


def anonymise_attachments(
    conn: Connection, ticket_id: int, now: datetime, values: dict[str, Any]
) -> list[dict[str, Any]]:
    """Mark the ticket's attachments; returns their rows as they were (id, sha256)."""
    rows = [
        dict(r._mapping)
        for r in conn.execute(
            select(attachments.c.id, attachments.c.sha256).where(
                attachments.c.ticket_id == ticket_id, attachments.c.anonymised_at.is_(None)
            )
        )
    ]
    if rows:
        conn.execute(
            update(attachments)
            .where(attachments.c.ticket_id == ticket_id, attachments.c.anonymised_at.is_(None))
            .values(**values, anonymised_at=now)
        )
    return rows


def blob_in_use(conn: Connection, sha256: str) -> bool:
    """Does an attachment that is not anonymised still point at this blob? (blobs are shared
    by content: the same file uploaded to two tickets is stored once)."""
    q = select(attachments.c.id).where(
        attachments.c.sha256 == sha256, attachments.c.anonymised_at.is_(None)
    )
    return conn.execute(q.limit(1)).first() is not None


def player_has_live_tickets(conn: Connection, player_id: int) -> bool:
    """Any ticket of the player not yet anonymised (open, or closed but not yet due)."""
    q = select(tickets.c.id).where(tickets.c.player_id == player_id, _not_anonymised())
    return conn.execute(q.limit(1)).first() is not None


def anonymise_player(
    conn: Connection, player_id: int, now: datetime, values: dict[str, Any]
) -> bool:
    res = conn.execute(
        update(players)
        .where(players.c.id == player_id, players.c.anonymised_at.is_(None))
        .values(**values, anonymised_at=now, updated_at=now)
    )
    return res.rowcount > 0


def scrub_changes(
    conn: Connection,
    wanted: dict[str, Iterable[str]],
    redact: Callable[[str, dict[str, Any]], dict[str, Any]],
) -> int:
    """Rewrite the change-log entries of these entities (entity → ids) with `redact`.

    One pass over the log per call (it has no index by entity id: the write path stays
    cheaper, and this runs once per batch of a daily job). Returns the entries rewritten."""
    conds = [
        and_(changes.c.entity == entity, changes.c.entity_id.in_(list(ids)))
        for entity, ids in wanted.items()
        if ids
    ]
    if not conds:
        return 0
    rows = conn.execute(
        select(changes.c.seq, changes.c.entity, changes.c.data).where(
            or_(*conds), changes.c.op != "leave"
        )
    ).all()
    updates = []
    for seq, entity, data in rows:
        new = orjson.dumps(redact(entity, orjson.loads(data))).decode()
        if new != data:
            updates.append({"s": seq, "d": new})
    for u in updates:
        conn.execute(update(changes).where(changes.c.seq == u["s"]).values(data=u["d"]))
    return len(updates)


def player_ticket_ids(conn: Connection, player_id: int) -> list[int]:
    q = select(tickets.c.id).where(tickets.c.player_id == player_id)
    return list(conn.execute(q).scalars())


def anonymised_blobs(conn: Connection) -> list[str]:
    """Blobs of anonymised attachments (some may be deleted already, some still shared)."""
    q = select(attachments.c.sha256).where(attachments.c.anonymised_at.is_not(None)).distinct()
    return list(conn.execute(q).scalars())


def delete_idempotency_before(conn: Connection, before: datetime) -> int:
    """Stored first responses older than the policy (they hold ticket bodies too)."""
    res = conn.execute(delete(idempotency_keys).where(idempotency_keys.c.created_at < before))
    return res.rowcount or 0
