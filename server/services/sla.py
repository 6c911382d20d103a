"""The SLA clock in the server: policies in force, the history events, and acting on firings.

Every write that can move a ticket's clock calls :func:`reconcile` with the ticket's row after
the write; the SLA job calls :func:`reconcile_due` for the tickets whose ``sla_next_at`` has
come. Both evaluate the same pure rules (``domain.ticket_clock``), store the snapshot, and act
on firings not acted on before: a warning or breach event on the change feed, and for an
escalation step a line on the ticket's history, a feed event naming the roles to notify and an
audit row. The firing's key is stored in the same transaction, so nothing fires twice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, update

from .. import shapes
from ..domain.automation import Silence
from ..domain.calendars import Calendar
from ..domain.escalation import STOP_FACTORS, detect_stop_phrases
from ..domain.sla import EventKind, SlaEvent
from ..domain.sla_policy import DEFAULTS_PATH, Policy, PolicyBook, PolicyError, load_policy
from ..domain.ticket_clock import (
    ON_TIME_S,
    ClockFacts,
    ClockOutcome,
    Firing,
    NewClock,
    escalation_view,
    evaluate,
    new_ticket_clock,
    project,
)
from ..domain.values import MessageKind, Status
from ..store import clock as clock_store
from ..store.database import Scope, WriteContext, utcnow
from ..store.rows import aware
from ..store.tables import tickets
from . import SYSTEM, audit, automation

TIER_BY_RANK = shapes.TIER_BY_RANK

# --- the policies in force ---------------------------------------------------------------

_lock = threading.Lock()
_book: PolicyBook | None = None


def policy_book() -> PolicyBook:
    """The loaded policy versions (the shipped defaults until the server installs its own)."""
    global _book
    with _lock:
        if _book is None:
            _book = PolicyBook([load_policy(DEFAULTS_PATH.read_text(encoding="utf-8"))])
        return _book


def install_book(book: PolicyBook) -> None:
    global _book
    with _lock:
        _book = book


def build_book(
    policy_file: str, stored: Sequence[Mapping[str, Any]], known_queues: Iterable[str]
) -> PolicyBook:
    """The policies to serve with: the file's (or the shipped defaults), then those uploaded
    through the admin API, the one marked current last. Any invalid one raises PolicyError
    (the server does not start with it)."""
    path = Path(policy_file).expanduser() if policy_file else DEFAULTS_PATH
    queues = frozenset(known_queues)

    def read_ical(name: str) -> str:
        return (path.parent / name).read_text(encoding="utf-8")

    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(
            f"cannot read the SLA policy file {path}: {exc.strerror}; fix sla_policy_file",
            {"path": str(path), "line": None},
        ) from exc
    book = PolicyBook([load_policy(source, known_queues=queues, read_ical=read_ical)])
    current = None
    for row in stored:
        policy = load_policy(row["source"], known_queues=queues)
        book.add(policy, make_current=False)
        if row["current"]:
            current = policy
    if current is not None:
        book.add(current)
    return book


def policy_for(version: str | None) -> Policy:
    book = policy_book()
    if version is not None and version in book.versions():
        return book.get(version)
    return book.current


def calendars_for(version: str | None) -> Mapping[str, Calendar]:
    return policy_for(version).calendars


# --- shapes ------------------------------------------------------------------------------


def ticket_json(
    row: Mapping[str, Any], now: datetime | None = None, *, view: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A ticket's public shape with its ``sla`` (projected to ``now``; `view`: already
    projected, as a new ticket's clock may come) and ``escalation``."""
    out = shapes.ticket(dict(row))
    snapshot = row.get("sla")
    now = now or utcnow()
    out["sla"] = (
        view
        if view is not None
        else project(
            snapshot,
            now,
            calendars_for(row.get("sla_policy")),
            predicted_breach=bool(row.get("sla_predicted")),
        )
    )
    out["escalation"] = escalation_view(snapshot)
    return out


# --- history events ----------------------------------------------------------------------

MESSAGE_EVENTS = {
    MessageKind.player.value: EventKind.player_message.value,
    MessageKind.reply.value: EventKind.agent_reply.value,
    MessageKind.note.value: EventKind.agent_note.value,
    MessageKind.bot.value: EventKind.bot_message.value,
}


def message_event(ticket_id: int, kind: str, at: datetime, message_id: int) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "at": at,
        "kind": MESSAGE_EVENTS[kind],
        "message_id": message_id,
    }


def status_event(ticket_id: int, status: Status | str, at: datetime) -> dict[str, Any]:
    return {"ticket_id": ticket_id, "at": at, "kind": "status", "status": str(status)}


def to_sla_events(rows: Iterable[Mapping[str, Any]]) -> list[SlaEvent]:
    out = []
    for r in rows:
        kind = EventKind(r["kind"])
        out.append(
            SlaEvent(
                r["at"],
                kind,
                status=Status(r["status"]) if r.get("status") else None,
                text=r.get("body"),
                reason=r.get("reason"),
                level=r.get("level"),
            )
        )
    return out


def factors_after_tags(
    factors: Mapping[str, str] | None, tags: Sequence[str], now: datetime
) -> dict[str, str]:
    """Stop-list factors follow the ticket's tags (``payment_dispute`` …), keeping since when."""
    old = dict(factors or {})
    return {code: old.get(code, now.isoformat()) for code in STOP_FACTORS if code in tags}


def facts_of(row: Mapping[str, Any]) -> ClockFacts:
    return ClockFacts(
        queue=row["queue"],
        tier=TIER_BY_RANK[row["tier_rank"]],
        priority=row["priority"],
        channel=row["channel"],
        tags=tuple(row.get("tags") or ()),
        factors={k: datetime.fromisoformat(v) for k, v in (row.get("factors") or {}).items()},
        queue_since=aware(row.get("queue_since")),
        overrides=dict(row.get("sla_overrides") or {}),
        silence=silence_of(row),
    )


def silence_of(row: Mapping[str, Any]) -> Silence | None:
    """Waiting on the player's clarification since when (the automation's silence timer)."""
    if row["status"] != Status.needs_clarification.value or row.get("waiting_on") != "player":
        return None
    return Silence(
        since=aware(row["waiting_since"]),  # type: ignore[arg-type]
        priority=row["priority"],
        timezone=row.get("player_timezone"),
        quiet_mode=bool(row.get("player_quiet_mode")),
    )


# --- reconciling -------------------------------------------------------------------------


def clock_columns(outcome: ClockOutcome | NewClock) -> dict[str, Any]:
    cols: dict[str, Any] = {
        "sla": outcome.snapshot,
        "sla_state": outcome.state,
        "sla_due_at": outcome.due_at,
        "sla_next_at": outcome.next_at,
    }
    if outcome.escalation_level is not None:
        cols["escalation_level"] = outcome.escalation_level
    return cols


def new_clock(ctx: WriteContext, row: Mapping[str, Any], text: str) -> NewClock:
    """:func:`reconcile` for a ticket being created with the player's first message `text`:
    store :func:`clock_columns` of it, act on its firings (nothing has fired on it yet)."""
    return new_ticket_clock(
        policy_for(row.get("sla_policy")), facts_of(row), text, ctx.now, automation.rules()
    )


def reconcile(
    ctx: WriteContext,
    row: Mapping[str, Any],
    events: Sequence[SlaEvent] | None = None,
    *,
    fired: set[tuple[int, str, str, str]] | None = None,
) -> tuple[dict[str, Any], list[Firing]]:
    """Recompute a ticket's clock after a write: the clock columns to store (the caller
    writes them with its own update) and the firings not acted on yet (the caller passes them
    to :func:`act_on` after recording the ticket, so the feed shows the ticket first).
    ``row`` is the joined ticket row with the write applied; ``events`` its whole history
    (read when None)."""
    ticket_id = row["id"]
    if events is None:
        events = to_sla_events(clock_store.events_for(ctx.conn, [ticket_id])[ticket_id])
    outcome = evaluate(
        policy_for(row.get("sla_policy")), facts_of(row), events, ctx.now, automation.rules()
    )
    new: list[Firing] = []
    if outcome.firings:
        if fired is None:
            fired = clock_store.fired_keys(ctx.conn, [ticket_id])
        new = [f for f in outcome.firings if (ticket_id, *f.key) not in fired]
    return clock_columns(outcome), new


def act_on(
    ctx: WriteContext,
    row: Mapping[str, Any],
    firings: Sequence[Firing],
    *,
    keys_out: list[dict[str, Any]] | None = None,
    automation_out: list[tuple[Mapping[str, Any], list[Firing]]] | None = None,
) -> None:
    """Store the firings' keys and act on each: feed events, history lines, audit rows.
    With ``keys_out`` the key rows are appended there for the caller to insert in one go,
    and automation firings (which write the ticket) go to ``automation_out`` for the caller
    to run once the keys and clock columns are written."""
    if not firings:
        return
    from .tickets import add_system_message, scope_of  # one module uses the other

    ticket_id = row["id"]
    scope: Scope = scope_of(row)  # type: ignore[arg-type]
    key_rows = [
        {
            "ticket_id": ticket_id,
            "clock": f.clock,
            "started_at": f.key[1],
            "event": f.event,
            "due_at": f.due_at,
            "fired_at": ctx.now,
            "late_s": f.late_s(ctx.now),
        }
        for f in firings
    ]
    if keys_out is None:
        clock_store.add_firings(ctx.conn, key_rows)
    else:
        keys_out.extend(key_rows)
    # Actions that write the ticket itself: automation, and routing on escalation (a
    # cheapest-first queue hands an escalated ticket to a more senior agent).
    writes = [f for f in firings if f.clock.startswith(("automation:", "escalation:"))]
    if writes:
        if automation_out is not None:
            automation_out.append((row, writes))
        else:
            automation.run(ctx, row, writes)
    firings = [f for f in firings if not f.clock.startswith("automation:")]
    for f in firings:
        late_s = f.late_s(ctx.now)
        data = {
            "ticket_id": ticket_id,
            "number": ticket_id,
            "clock": f.clock,
            "event": f.event,
            "due_at": f.due_at.isoformat(),
            "fired_at": ctx.now.isoformat(),
            "late": late_s > ON_TIME_S,
            "late_s": late_s,
            **f.detail,
        }
        if f.clock.startswith("escalation:"):
            ctx.record("escalation", ticket_id, "step", data, scope)
            roles = ", ".join(f.detail.get("roles") or ()) or "—"
            late = f" (late by {late_s} s: the server was not running)" if data["late"] else ""
            add_system_message(
                ctx,
                ticket_id,
                f"Escalation: level {f.detail['level']} — {f.detail['name']} "
                f"({f.detail['track']} track, cause: {f.detail['cause']}); "
                f"notify: {roles}{late}",
                scope,
            )
            audit(
                ctx,
                SYSTEM,
                "ticket.escalate",
                "ticket",
                ticket_id,
                after={k: data[k] for k in ("clock", "event", "due_at", "late_s")}
                | {"roles": f.detail.get("roles")},
            )
        else:
            ctx.record("sla", ticket_id, f.event, data, scope)
            if f.event == "breached":
                add_system_message(
                    ctx,
                    ticket_id,
                    f"SLA breached: {f.clock.replace('_', ' ')} was due "
                    f"{f.due_at.isoformat(timespec='seconds')}"
                    + (
                        f" (noticed {late_s} s late: the server was not running)"
                        if data["late"]
                        else ""
                    ),
                    scope,
                )


_SET_CLOCK = (
    update(tickets)
    .where(tickets.c.id == bindparam("_id"))
    .values(
        sla=bindparam("sla"),
        sla_state=bindparam("sla_state"),
        sla_due_at=bindparam("sla_due_at"),
        sla_next_at=bindparam("sla_next_at"),
        escalation_level=bindparam("escalation_level"),
    )
)


def reconcile_due(ctx: WriteContext, limit: int) -> tuple[int, list[Firing]]:
    """The SLA job's step: every ticket whose clock changes by now, earliest first.

    Returns how many tickets were recomputed and the firings acted on."""
    from ..store import tickets as ticket_store
    from .tickets import without_thread

    ids = clock_store.due_ticket_ids(ctx.conn, ctx.now, limit)
    if not ids:
        return 0, []
    rows = ticket_store.get_many(ctx.conn, ids)
    history = clock_store.events_for(ctx.conn, ids)
    fired = clock_store.fired_keys(ctx.conn, ids)
    updates, acted, keys = [], [], []
    deferred: list[tuple[Mapping[str, Any], list[Firing]]] = []
    for row in rows:
        cols, firings = reconcile(ctx, row, to_sla_events(history[row["id"]]), fired=fired)
        cols.setdefault("escalation_level", row["escalation_level"])
        updates.append({"_id": row["id"], **cols})
        ticket = ticket_json({**row, **cols}, ctx.now)
        ctx.record("ticket", row["id"], "clock", without_thread(ticket))
        act_on(ctx, row, firings, keys_out=keys, automation_out=deferred)
        acted += firings
    clock_store.add_firings(ctx.conn, keys)
    ctx.conn.execute(_SET_CLOCK, updates)
    for row, auto in deferred:  # they write the ticket: after its clock columns
        automation.run(ctx, row, auto)
    return len(rows), acted


def phrase_queue(conn: Connection, text: str) -> str | None:
    """Routing on creation: the queue a stop-phrase in the first message hands the player to
    ("payment failed" → Security/Payments), when that queue exists."""
    from ..store import queues as queue_store

    esc = policy_book().current.escalation
    if esc is None:
        return None
    for hit in detect_stop_phrases(text, esc.extra_phrases):
        queue = esc.phrase_queues.get(hit.category)
        if queue and queue_store.exists(conn, queue):
            return queue
    return None


def first_events(ticket_id: int, at: datetime, message_id: int) -> list[dict[str, Any]]:
    return [
        {"ticket_id": ticket_id, "at": at, "kind": "created"},
        message_event(ticket_id, MessageKind.player.value, at, message_id),
    ]


def current_version() -> str:
    return policy_book().current.version
