"""The SLA clock: due times and state of a ticket from its history (pure: time is an argument).

Public API::

    SlaEvent(at, kind, status=None, text=None, reason=None, level=None)
        # kinds (EventKind): created, agent_reply (public), agent_note, bot_message,
        # player_message, status (status=Status), stabilised, exempted (reason), unexempted,
        # escalated (level; used by escalation.py). Helpers: SlaEvent.created(at), .reply(at),
        # .note(at), .bot(at), .player(at, text=None), .status_change(at, status),
        # .stabilised_at(at), .exempt(at, reason), .unexempt(at), .from_message(kind, at, text)
    compute_sla(entry, events, now) -> SlaStatus
    SlaStatus.state / .remaining_s / .first_response_due_at / .next_update_due_at /
        .resolution_due_at / .stabilise_due_at / .next_change_at / .eta / .clocks / .exempt
    SlaStatus.as_api() -> {"policy", "first_response_due_at", "next_update_due_at",
        "resolution_due_at", "state", "remaining_s", "eta", "exempt", "next_change_at"}
    player_eta(status, step=timedelta(minutes=1)) -> datetime | None
    replay(events, now) -> Timeline      # pause/exempt/cycle structure, shared with escalation
    instant_at(calendar, intervals, budget) -> (datetime | None, timedelta)

Rules (issue 5)
---------------
* Events after ``now`` are ignored; events at the same instant keep their given order.
* **Paused** while the status is ``needs_clarification`` (waiting on the player); a player message
  or any status change away from it resumes. Every running clock stops while paused, and the
  budget left is carried over: pausing can only move a due time later. While paused a clock's due
  time is unknown (``None``) and ``remaining_s`` is the frozen budget.
* **First response** runs from ``created`` and is met by the first *public agent reply* (an
  internal note or a bot message does not count). A ticket resolved before any agent reply (e.g.
  by the bot) owes no first response any more: the clock stops as ``met``.
* **Next update** starts at each public agent reply and at each reopening; the next agent reply
  restarts it; it stops (``met``) when the ticket is resolved. Before the first agent reply it is
  not running (``next_update_due_at`` is ``None``; the first response covers that time).
* **Resolution** runs from ``created`` to ``resolved``; a reopening (status ``reopened``) starts a
  new resolution clock with the full budget (a new *cycle*).
* **Stabilise** (P1/P2 "stabilised within …", when the entry has it) runs from ``created`` to a
  ``stabilised`` event or ``resolved``.
* **Exempt**: a shift lead's ``exempted`` event (with a reason) halts every clock like a pause;
  the composite state is ``met`` with ``exempt = True``, due times ``None`` and nothing to fire
  (``next_change_at = None``). ``unexempted`` resumes the clocks with the budget they had left.
* Business time runs on each target's calendar; ``remaining_s`` is *business* seconds (negative
  once breached), floor-rounded.
* Per-clock state: ``met`` (stopped), ``breached`` (due time passed, running or paused), ``paused``,
  ``warning`` (warning budget used: 75 % of the target by default), ``ok``. Composite ``state``:
  exempt → ``met``; else ``breached`` if any active clock is breached; else ``paused``; else
  ``warning``; else ``ok``; else (no active clock) ``met``.
* ``next_change_at``: the earliest future warning or due instant of a running clock; the SLA job
  indexes on it (and recomputes on every event). Each firing is identified by
  ``(ticket, clock kind, clock.started_at, "warning" | "breached")``, so replays never fire twice.
* ``eta`` (what to tell the player: when they hear from us next): the first response due time
  while it is owed, else the next-update due time, else the resolution due time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from .calendars import Calendar, add_business_time, business_intervals
from .sla_policy import TARGET_KINDS, ResolvedTarget, SlaEntry
from .values import MessageKind, Status

_ZERO = timedelta(0)


class EventKind(StrEnum):
    created = "created"
    agent_reply = "agent_reply"
    agent_note = "agent_note"
    bot_message = "bot_message"
    player_message = "player_message"
    status = "status"
    stabilised = "stabilised"
    exempted = "exempted"
    unexempted = "unexempted"
    escalated = "escalated"


class SlaState(StrEnum):
    ok = "ok"
    warning = "warning"
    breached = "breached"
    paused = "paused"
    met = "met"


_MESSAGE_EVENT = {
    MessageKind.player: EventKind.player_message,
    MessageKind.reply: EventKind.agent_reply,
    MessageKind.note: EventKind.agent_note,
    MessageKind.bot: EventKind.bot_message,
}


@dataclass(frozen=True)
class SlaEvent:
    at: datetime
    kind: EventKind
    status: Status | None = None
    text: str | None = None
    reason: str | None = None
    level: int | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"event time must be timezone-aware, got {self.at!r}")
        if self.kind == EventKind.status and self.status is None:
            raise ValueError("a status event needs the status it moved to")

    @classmethod
    def created(cls, at: datetime) -> SlaEvent:
        return cls(at, EventKind.created)

    @classmethod
    def reply(cls, at: datetime) -> SlaEvent:
        return cls(at, EventKind.agent_reply)

    @classmethod
    def note(cls, at: datetime) -> SlaEvent:
        return cls(at, EventKind.agent_note)

    @classmethod
    def bot(cls, at: datetime) -> SlaEvent:
        return cls(at, EventKind.bot_message)

    @classmethod
    def player(cls, at: datetime, text: str | None = None) -> SlaEvent:
        return cls(at, EventKind.player_message, text=text)

    @classmethod
    def status_change(cls, at: datetime, status: Status | str) -> SlaEvent:
        return cls(at, EventKind.status, status=Status(status))

    @classmethod
    def stabilised_at(cls, at: datetime) -> SlaEvent:
        return cls(at, EventKind.stabilised)

    @classmethod
    def exempt(cls, at: datetime, reason: str) -> SlaEvent:
        if not reason or not reason.strip():
            raise ValueError("exempting a ticket from its SLA needs a reason")
        return cls(at, EventKind.exempted, reason=reason)

    @classmethod
    def unexempt(cls, at: datetime) -> SlaEvent:
        return cls(at, EventKind.unexempted)

    @classmethod
    def from_message(
        cls, kind: MessageKind | str, at: datetime, text: str | None = None
    ) -> SlaEvent | None:
        """A stored message as a clock event (``system`` messages are not: → None)."""
        ek = _MESSAGE_EVENT.get(MessageKind(kind))
        return None if ek is None else cls(at, ek, text=text)


# --- replay ----------------------------------------------------------------------------------

Interval = tuple[datetime, datetime | None]  # end None: still running (open-ended)


@dataclass
class Timeline:
    """The structure of a ticket's history up to ``now`` that every clock needs."""

    now: datetime
    created_at: datetime
    active: list[Interval] = field(default_factory=list)  # not paused, not exempt
    resolution_cycles: list[Interval] = field(default_factory=list)  # created/reopen → resolved
    first_reply_at: datetime | None = None
    first_resolved_at: datetime | None = None
    stabilised_at: datetime | None = None
    reply_times: list[datetime] = field(default_factory=list)
    reopen_times: list[datetime] = field(default_factory=list)
    status: Status = Status.new
    paused: bool = False
    exempt: bool = False
    exempt_reason: str | None = None
    events: list[SlaEvent] = field(default_factory=list)

    @property
    def halted(self) -> bool:
        return self.paused or self.exempt

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def running(self, start: datetime, stop: datetime | None) -> list[Interval]:
        """The active parts of ``[start, stop)`` (``stop`` None: up to now and on)."""
        out: list[Interval] = []
        for s, e in self.active:
            lo = max(s, start)
            if e is None:
                hi = stop
            elif stop is None:
                hi = e
            else:
                hi = min(e, stop)
            if hi is None or hi > lo:
                out.append((lo, hi))
        return out


def _u(t: datetime) -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware, got {t!r}")
    return t.astimezone(UTC)


def replay(events: Iterable[SlaEvent], now: datetime) -> Timeline:
    """Fold the history (events after ``now`` ignored) into a :class:`Timeline`."""
    now = _u(now)
    evs = sorted(
        (e for e in events if _u(e.at) <= now), key=lambda e: _u(e.at)
    )  # stable: same-instant events keep their order
    created = next((e for e in evs if e.kind == EventKind.created), None)
    if created is None:
        raise ValueError("a ticket's history must start with a 'created' event (at or before now)")
    t0 = _u(created.at)
    tl = Timeline(now=now, created_at=t0, events=evs)
    active_since: datetime | None = t0
    cycle_start: datetime | None = t0

    def halt(at: datetime) -> None:
        nonlocal active_since
        if active_since is not None:
            if at > active_since:
                tl.active.append((active_since, at))
            active_since = None

    def maybe_resume(at: datetime) -> None:
        nonlocal active_since
        if active_since is None and not tl.paused and not tl.exempt:
            active_since = at

    for e in evs:
        at = _u(e.at)
        if at < t0:
            continue
        k = e.kind
        if k == EventKind.agent_reply:
            tl.reply_times.append(at)
            if tl.first_reply_at is None:
                tl.first_reply_at = at
        elif k == EventKind.player_message:
            if tl.paused:
                tl.paused = False
                maybe_resume(at)
        elif k == EventKind.stabilised:
            if tl.stabilised_at is None:
                tl.stabilised_at = at
        elif k == EventKind.exempted:
            tl.exempt = True
            tl.exempt_reason = e.reason
            halt(at)
        elif k == EventKind.unexempted:
            if tl.exempt:
                tl.exempt = False
                tl.exempt_reason = None
                maybe_resume(at)
        elif k == EventKind.status and e.status is not None:
            new = e.status
            was_open = tl.status.is_open
            tl.status = new
            if new == Status.needs_clarification:
                tl.paused = True
                halt(at)
            else:
                if tl.paused:
                    tl.paused = False
                    maybe_resume(at)
                if not new.is_open and was_open:
                    if tl.first_resolved_at is None:
                        tl.first_resolved_at = at
                    if cycle_start is not None:
                        tl.resolution_cycles.append((cycle_start, at))
                        cycle_start = None
                elif new.is_open and not was_open:
                    tl.reopen_times.append(at)
                    cycle_start = at
    if active_since is not None:
        tl.active.append((active_since, None))
    if cycle_start is not None:
        tl.resolution_cycles.append((cycle_start, None))
    return tl


def instant_at(
    cal: Calendar, intervals: Sequence[Interval], budget: timedelta
) -> tuple[datetime | None, timedelta]:
    """The earliest instant at which ``budget`` business time has run over ``intervals``.

    Returns ``(instant, consumed)``: ``instant`` is None when the closed intervals do not hold
    the budget (``consumed`` is then what they hold); an open-ended last interval always does.
    """
    consumed = _ZERO
    for s, e in intervals:
        if e is None:
            return add_business_time(cal, s, budget - consumed), budget
        for a, b in business_intervals(cal, s, e):
            span = b - a
            if consumed + span >= budget:
                return a + (budget - consumed), budget
            consumed += span
    return None, consumed


def _consumed(cal: Calendar, intervals: Sequence[Interval], until: datetime) -> timedelta:
    total = _ZERO
    for s, e in intervals:
        end = until if e is None else min(e, until)
        if end > s:
            for a, b in business_intervals(cal, s, end):
                total += b - a
    return total


# --- clocks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockState:
    kind: str
    state: SlaState
    started_at: datetime  # the cycle's start: identifies this clock instance
    due_at: datetime | None
    warn_at: datetime | None
    stopped_at: datetime | None  # met / resolved / stopped
    breached: bool  # the due time passed before the clock stopped (or before now)
    remaining_s: int | None
    budget_s: float
    calendar: str

    @property
    def active(self) -> bool:
        return self.state != SlaState.met


def _clock(
    kind: str,
    target: ResolvedTarget,
    tl: Timeline,
    start: datetime,
    stop: datetime | None,
) -> ClockState:
    cal = target.calendar
    budget = target.budget(start)
    warn_budget = target.warn_budget(start)
    if stop is not None and stop <= tl.now:
        run = tl.running(start, stop)
    else:
        stop = None
        run = tl.running(start, None)
    due, _ = instant_at(cal, run, budget)
    warn, _ = instant_at(cal, run, warn_budget)
    now = tl.now
    if stop is not None:
        breached = due is not None and due < stop
        return ClockState(
            kind,
            SlaState.met,
            start,
            due,
            warn,
            stop,
            breached,
            None,
            budget.total_seconds(),
            cal.name,
        )
    halted = tl.halted
    if due is not None and due <= now:
        state = SlaState.breached
        remaining = -_consumed_between(cal, run, due, now)
    elif halted:
        state = SlaState.paused
        remaining = budget - _consumed(cal, run, now)
    else:
        state = SlaState.warning if warn is not None and warn <= now else SlaState.ok
        assert due is not None
        remaining = budget - _consumed(cal, run, now)
    return ClockState(
        kind,
        state,
        start,
        due,
        warn,
        None,
        state == SlaState.breached,
        math.floor(remaining.total_seconds()),
        budget.total_seconds(),
        cal.name,
    )


def _consumed_between(
    cal: Calendar, run: Sequence[Interval], a: datetime, b: datetime
) -> timedelta:
    """Business time the clock ran in ``[a, b)`` (overdue time, for a breached clock)."""
    total = _ZERO
    for s, e in run:
        lo = max(s, a)
        hi = b if e is None else min(e, b)
        if hi > lo:
            for x, y in business_intervals(cal, lo, hi):
                total += y - x
    return total


@dataclass(frozen=True)
class SlaStatus:
    policy: str
    state: SlaState
    remaining_s: int | None
    first_response_due_at: datetime | None
    next_update_due_at: datetime | None
    resolution_due_at: datetime | None
    stabilise_due_at: datetime | None
    next_change_at: datetime | None
    eta: datetime | None
    clocks: dict[str, ClockState]
    paused: bool
    exempt: bool
    exempt_reason: str | None
    now: datetime

    def as_api(self) -> dict[str, Any]:
        def iso(t: datetime | None) -> str | None:
            return t.isoformat() if t else None

        return {
            "policy": self.policy,
            "first_response_due_at": iso(self.first_response_due_at),
            "next_update_due_at": iso(self.next_update_due_at),
            "resolution_due_at": iso(self.resolution_due_at),
            "state": self.state.value,
            "remaining_s": self.remaining_s,
            "eta": iso(self.eta),
            "exempt": self.exempt,
            "next_change_at": iso(self.next_change_at),
        }


def compute_sla(entry: SlaEntry, events: Iterable[SlaEvent], now: datetime) -> SlaStatus:
    """Every clock of a ticket at ``now`` (see the module doc for the rules)."""
    tl = replay(events, now)
    return status_from_timeline(entry, tl)


def status_from_timeline(entry: SlaEntry, tl: Timeline) -> SlaStatus:
    clocks: dict[str, ClockState] = {}
    fr = entry.first_response
    if fr is not None:
        stop = tl.first_reply_at
        if tl.first_resolved_at is not None and (stop is None or tl.first_resolved_at < stop):
            stop = tl.first_resolved_at
        clocks["first_response"] = _clock("first_response", fr, tl, tl.created_at, stop)
    res = entry.resolution
    last_cycle = tl.resolution_cycles[-1] if tl.resolution_cycles else (tl.created_at, None)
    if res is not None:
        clocks["resolution"] = _clock("resolution", res, tl, last_cycle[0], last_cycle[1])
    nu = entry.next_update
    if nu is not None:
        starts = [t for t in (*tl.reply_times, *tl.reopen_times) if t >= last_cycle[0]]
        if starts:
            start = max(starts)
            later = [t for t in tl.reply_times if t > start]
            stop = min(later) if later else last_cycle[1]
            clocks["next_update"] = _clock("next_update", nu, tl, start, stop)
    st = entry.stabilise
    if st is not None:
        stop = tl.stabilised_at
        if tl.first_resolved_at is not None and (stop is None or tl.first_resolved_at < stop):
            stop = tl.first_resolved_at
        clocks["stabilise"] = _clock("stabilise", st, tl, tl.created_at, stop)

    def due(kind: str) -> datetime | None:
        c = clocks.get(kind)
        return c.due_at if c is not None and c.state != SlaState.met else None

    if tl.exempt:
        return SlaStatus(
            entry.policy_version,
            SlaState.met,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            clocks,
            tl.paused,
            True,
            tl.exempt_reason,
            tl.now,
        )
    active = [c for c in clocks.values() if c.active]
    states = {c.state for c in active}
    if SlaState.breached in states:
        state = SlaState.breached
    elif SlaState.paused in states:
        state = SlaState.paused
    elif SlaState.warning in states:
        state = SlaState.warning
    elif SlaState.ok in states:
        state = SlaState.ok
    else:
        state = SlaState.met
    remaining: int | None = None
    with_due = [c for c in active if c.due_at is not None]
    if with_due:
        remaining = min(with_due, key=lambda c: c.due_at).remaining_s  # type: ignore[arg-type,return-value]
    elif active:
        remaining = min(c.remaining_s for c in active if c.remaining_s is not None)
    upcoming: list[datetime] = []
    if not tl.halted:
        for c in active:
            for t in (c.warn_at, c.due_at):
                if t is not None and t > tl.now:
                    upcoming.append(t)
    eta = due("first_response") or due("next_update") or due("resolution")
    return SlaStatus(
        entry.policy_version,
        state,
        remaining,
        due("first_response"),
        due("next_update"),
        due("resolution"),
        due("stabilise"),
        min(upcoming, default=None),
        eta,
        clocks,
        tl.paused,
        False,
        None,
        tl.now,
    )


def player_eta(status: SlaStatus, step: timedelta = timedelta(minutes=1)) -> datetime | None:
    """The ETA to tell the player, rounded up to ``step`` (UTC), never before ``now``.

    A breached clock's due time is in the past; the player is then told ``now`` rounded up."""
    if status.eta is None:
        return None
    t = max(status.eta, status.now)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    n = math.ceil((t - epoch) / step)
    return epoch + n * step


__all__ = [
    "TARGET_KINDS",
    "ClockState",
    "EventKind",
    "SlaEvent",
    "SlaState",
    "SlaStatus",
    "Timeline",
    "compute_sla",
    "instant_at",
    "player_eta",
    "replay",
    "status_from_timeline",
]
