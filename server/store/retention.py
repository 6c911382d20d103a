"""SQL of the retention policy: find due tickets, anonymise rows, scrub the change log."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, and_, bindparam, delete, func, or_, select, update

from ..domain.retention import ANONYMISED
from .tables import (
    attachments,
    changes,
    idempotency_keys,
    messages,
    players,
    ticket_events,
    tickets,
)
from .tables_intake import intake_identities, intake_log, intake_receipts


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
        select(messages.c.id, messages.c.kind, messages.c.body).where(
            messages.c.ticket_id == ticket_id, messages.c.body != ANONYMISED
        )
    )
    return [dict(r._mapping) for r in rows]


def event_reasons(conn: Connection, ticket_id: int) -> list[str]:
    """The free-text reasons on the ticket's SLA history (exemptions, manual escalations)
    not anonymised yet. (A player message's text is not stored on its event: it is read
    from `messages`.)"""
    q = select(ticket_events.c.reason).where(
        ticket_events.c.ticket_id == ticket_id,
        ticket_events.c.reason.is_not(None),
        ticket_events.c.reason != ANONYMISED,
    )
    return list(conn.execute(q).scalars())


def anonymise_event_reasons(conn: Connection, ticket_id: int) -> int:
    res = conn.execute(
        update(ticket_events)
        .where(
            ticket_events.c.ticket_id == ticket_id,
            ticket_events.c.reason.is_not(None),
            ticket_events.c.reason != ANONYMISED,
        )
        .values(reason=ANONYMISED)
    )
    return res.rowcount or 0


def set_ticket_sla(conn: Connection, ticket_id: int, sla: dict[str, Any]) -> None:
    conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(sla=sla))


def anonymise_intake_log(conn: Connection, ticket_id: int, values: dict[str, Any]) -> int:
    """The intake's copy of the conversation that went onto this ticket."""
    res = conn.execute(
        update(intake_log)
        .where(intake_log.c.ticket_id == ticket_id, intake_log.c.body != ANONYMISED)
        .values(**values)
    )
    return res.rowcount or 0


def old_unticketed_log_ids(
    conn: Connection, before: datetime, limit: int, after_id: int = 0
) -> list[int]:
    """What the bot handled alone (no ticket took it) before `before`, not anonymised yet."""
    q = (
        select(intake_log.c.id)
        .where(
            intake_log.c.ticket_id.is_(None),
            intake_log.c.created_at < before,
            intake_log.c.body != ANONYMISED,
            intake_log.c.id > after_id,
        )
        .order_by(intake_log.c.id)
        .limit(limit)
    )
    return list(conn.execute(q).scalars())


def anonymise_log_rows(
    conn: Connection, ids: list[int], before: datetime, values: dict[str, Any]
) -> int:
    """Still unticketed and old (a ticket may have taken a row since it was listed)."""
    res = conn.execute(
        update(intake_log)
        .where(
            intake_log.c.id.in_(ids),
            intake_log.c.ticket_id.is_(None),
            intake_log.c.created_at < before,
        )
        .values(**values)
    )
    return res.rowcount or 0


def delete_identities(conn: Connection, player_id: int) -> int:
    """The channel identities (chat user ids, phones, loyalty cards, app-token hashes) that
    led to the player: a returning person is a new player."""
    res = conn.execute(delete(intake_identities).where(intake_identities.c.player_id == player_id))
    return res.rowcount or 0


def delete_receipts_before(conn: Connection, before: datetime) -> int:
    """The intake's stored first answers older than the policy (they name the player and
    carry the bot's reply); a channel redelivers within minutes, not days."""
    res = conn.execute(delete(intake_receipts).where(intake_receipts.c.created_at < before))
    return res.rowcount or 0


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


def _live_ticket(player_id: Any) -> Any:
    """A ticket of the player not yet anonymised (open, or closed but not yet due)."""
    return select(tickets.c.id).where(tickets.c.player_id == player_id, _not_anonymised())


def _recent_chat(player_id: Any, before: datetime) -> list[Any]:
    """The player talked to the intake since `before` (a channel identity seen, or a message
    the bot handled): the conversation is live, whatever the tickets say."""
    return [
        select(intake_identities.c.id).where(
            intake_identities.c.player_id == player_id, intake_identities.c.last_seen_at >= before
        ),
        select(intake_log.c.id).where(
            intake_log.c.player_id == player_id, intake_log.c.created_at >= before
        ),
    ]


def player_is_live(conn: Connection, player_id: int, before: datetime) -> bool:
    """Does something still need the player's personal fields?"""
    for q in (_live_ticket(player_id), *_recent_chat(player_id, before)):
        if conn.execute(q.limit(1)).first() is not None:
            return True
    return False


def _quiet(before: datetime) -> list[Any]:
    """Players the intake knows (a channel identity or a bot log entry) with nothing live."""
    known = or_(
        select(intake_identities.c.id)
        .where(intake_identities.c.player_id == players.c.id)
        .exists(),
        select(intake_log.c.id).where(intake_log.c.player_id == players.c.id).exists(),
    )
    return [
        players.c.anonymised_at.is_(None),
        players.c.updated_at < before,
        known,
        ~_live_ticket(players.c.id).exists(),
        *(~q.exists() for q in _recent_chat(players.c.id, before)),
    ]


def quiet_player_ids(
    conn: Connection, before: datetime, limit: int, after_id: int = 0
) -> list[int]:
    q = (
        select(players.c.id)
        .where(*_quiet(before), players.c.id > after_id)
        .order_by(players.c.id)
        .limit(limit)
    )
    return list(conn.execute(q).scalars())


def is_quiet_player(conn: Connection, player_id: int, before: datetime) -> bool:
    """Still quiet (checked again inside the write job)."""
    q = select(players.c.id).where(players.c.id == player_id, *_quiet(before))
    return conn.execute(q).first() is not None


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

    The entries are found through the (entity, entity_id) index (migration 0010). Returns
    the entries rewritten."""
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
    if updates:  # one executemany (psycopg pipelines it): not a round trip per entry
        conn.execute(_SET_DATA, updates)
    return len(updates)


_SET_DATA = update(changes).where(changes.c.seq == bindparam("s")).values(data=bindparam("d"))


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
