"""A ticket's SLA clock and escalation ladder together, as stored and as shown (pure).

The write path and the SLA job both call :func:`evaluate` with the ticket's facts and history;
it gives what to store (a *snapshot* of every clock, the state, the earliest due time and the
next instant anything changes) and the *firings* that are due: warnings, breaches and
escalation steps, each with a key that identifies it for ever, so it is acted on once.

Reads do not replay the history: :func:`project` turns a stored snapshot into the API's
``sla`` object at any later instant. That is exact because nothing but time passes between two
evaluations (any event re-evaluates), and time alone only moves clocks forward through the
due instants the snapshot holds.

Public API::

    ClockFacts(queue, tier, priority, channel, tags=(), factors={}, queue_since=None,
               overrides={})
    evaluate(policy, facts, events, now, automation=None) -> ClockOutcome
                                # automation: the silence and follow-up timers (domain.automation)
    ClockOutcome.snapshot / .state / .due_at / .next_at / .firings / .escalation / .sla
    Firing(clock, started_at, event, due_at, detail)      # .key, .late_s(now)
    project(snapshot, now, calendars) -> dict              # the API's "sla" object
    escalation_view(snapshot) -> dict | None               # the API's "escalation" object
    new_ticket_clock(policy, facts, text, now, automation=None) -> NewClock
                                # a new ticket's clock, from a template where time allows
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from .automation import AutomationRules, Silence, timers
from .calendars import Calendar, business_time_between
from .escalation import MANAGEMENT, EscalationState, TicketFacts, detect_stop_phrases
from .escalation import evaluate as evaluate_escalation
from .sla import EventKind, SlaEvent, SlaState, SlaStatus, replay, status_from_timeline
from .sla_policy import Policy, Target
from .values import Channel, Priority, Tier

# How late a firing may be and still count as "on time" (the p99 target is 1 s).
ON_TIME_S = 1


@dataclass(frozen=True)
class ClockFacts:
    queue: str
    tier: Tier | str
    priority: Priority | str
    channel: Channel | str
    tags: Sequence[str] = ()
    factors: Mapping[str, datetime] = field(default_factory=dict)
    queue_since: datetime | None = None
    overrides: Mapping[str, str] = field(default_factory=dict)  # target kind → "4h", "3bd"
    silence: Silence | None = None  # waiting on the player's clarification since …


@dataclass(frozen=True)
class Firing:
    """One warning, breach or escalation step that fell due."""

    clock: str  # "first_response" … or "escalation:<track>"
    started_at: datetime  # the clock instance (cycle start)
    event: str  # "warning" | "breached" | "level<N>"
    due_at: datetime
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.clock, self.started_at.astimezone(UTC).isoformat(), self.event)

    def late_s(self, now: datetime) -> int:
        return max(0, math.floor((now - self.due_at).total_seconds()))


@dataclass(frozen=True)
class ClockOutcome:
    sla: SlaStatus
    escalation: EscalationState | None
    snapshot: dict[str, Any]
    firings: tuple[Firing, ...]
    automation_next_at: datetime | None = None  # the next automation timer still to come

    @property
    def state(self) -> str:
        return self.sla.state.value

    @property
    def escalation_level(self) -> int | None:
        return None if self.escalation is None else self.escalation.level

    @property
    def due_at(self) -> datetime | None:
        dues = [
            c.due_at
            for c in self.sla.clocks.values()
            if c.active and c.due_at is not None and not self.sla.exempt
        ]
        return min(dues, default=None)

    @property
    def next_at(self) -> datetime | None:
        """When the clock must be looked at again: the next warning, due time or step."""
        times = [self.sla.next_change_at, self.automation_next_at]
        if self.escalation is not None and not self.sla.exempt:
            times.append(self.escalation.next_at)
        return min((t for t in times if t is not None), default=None)


def evaluate(
    policy: Policy,
    facts: ClockFacts,
    events: Sequence[SlaEvent],
    now: datetime,
    automation: AutomationRules | None = None,
) -> ClockOutcome:
    entry = policy.resolve(facts.queue, facts.tier, facts.priority, facts.channel, facts.tags)
    if facts.overrides:
        entry = entry.with_overrides(**{k: Target.parse(v) for k, v in facts.overrides.items()})
    timeline = replay(events, now)  # once, for the SLA clocks and the escalation tracks
    sla = status_from_timeline(entry, timeline)
    esc: EscalationState | None = None
    if policy.escalation is not None:
        esc = evaluate_escalation(
            policy.escalation,
            TicketFacts(
                facts.queue,
                facts.tier,
                facts.priority,
                facts.channel,
                tuple(facts.tags),
                dict(facts.factors),
                tuple(events),
                facts.queue_since,
            ),
            now,
            timeline,
        )
    firings: list[Firing] = []
    if not sla.exempt:
        for clock in sla.clocks.values():
            for event, at in (("warning", clock.warn_at), ("breached", clock.due_at)):
                if at is None or at > now:
                    continue
                if clock.stopped_at is not None and at >= clock.stopped_at:
                    continue  # met before it fell due
                firings.append(
                    Firing(
                        clock.kind,
                        clock.started_at,
                        event,
                        at,
                        {"calendar": clock.calendar, "budget_s": clock.budget_s},
                    )
                )
        if esc is not None:
            for step in esc.steps:
                if step.level == 0:
                    continue
                firings.append(
                    Firing(
                        f"escalation:{step.track}",
                        step.cycle_start,
                        f"level{step.level}",
                        step.at,
                        {
                            "track": step.track,
                            "ladder": step.ladder,
                            "level": step.level,
                            "name": step.name,
                            "roles": list(step.roles),
                            "cause": step.cause,
                        },
                    )
                )
    auto_next: datetime | None = None
    if automation is not None:
        due, upcoming = [], []
        for t in timers(automation, facts.silence, facts.tags, now):
            (due if t.at <= now else upcoming).append(t)
        resolving = {t.started_at for t in due if t.event == "auto_resolve"}
        for t in due:
            if t.event == "reminder" and t.started_at in resolving:
                continue  # resolved in the same breath: a reminder would only confuse
            firings.append(Firing(t.clock, t.started_at, t.event, t.at, {}))
        auto_next = min((t.at for t in upcoming), default=None)
    firings.sort(key=lambda f: f.due_at)
    return ClockOutcome(sla, esc, _snapshot(sla, esc), tuple(firings), auto_next)


def _iso(t: datetime | None) -> str | None:
    if t is None:
        return None
    return (t if t.tzinfo is UTC else t.astimezone(UTC)).isoformat()


def _parse(t: str | None) -> datetime | None:
    return None if t is None else datetime.fromisoformat(t)


def _snapshot(sla: SlaStatus, esc: EscalationState | None) -> dict[str, Any]:
    clocks = {}
    for kind, c in sla.clocks.items():
        clocks[kind] = {
            "state": c.state.value,
            "started_at": _iso(c.started_at),
            "due_at": _iso(c.due_at),
            "warn_at": _iso(c.warn_at),
            "stopped_at": _iso(c.stopped_at),
            "remaining_s": c.remaining_s,
            "calendar": c.calendar,
        }
    snap: dict[str, Any] = {
        "policy": sla.policy,
        "at": _iso(sla.now),
        "paused": sla.paused,
        "exempt": sla.exempt,
        "exempt_reason": sla.exempt_reason,
        "clocks": clocks,
    }
    if esc is not None:
        mgmt = esc.track(MANAGEMENT)
        snap["escalation"] = {
            "level": esc.level,
            "name": esc.level_name,
            "roles": list(esc.roles),
            "next_level": esc.next_level,
            "next_at": _iso(esc.next_at),
            "next_roles": list(esc.next_roles),
            "handoff": esc.handoff,
            "suggested_queue": esc.suggested_queue,
            "tracks": {
                t.track: {"ladder": t.ladder, "level": t.level, "name": t.level_name}
                for t in esc.tracks
            },
            "reached_at": _iso(mgmt.reached_at) if mgmt else None,
        }
    return snap


# --- a new ticket -----------------------------------------------------------------------------
#
# Every create evaluates the same two events (created, the player's first message) at "now".
# Where every calendar the ticket's targets and ladders run on is open around the clock, and
# nothing else about the ticket depends on the hour (no factors, overrides, tags, silence, stop
# phrase), the outcome is the same at any instant, moved in time: it is evaluated once per
# combination and kept as a template whose instants are offsets from the creation.


@dataclass(frozen=True)
class NewClock:
    """What a create stores of its clock: the snapshot, state, due and next times, level."""

    snapshot: dict[str, Any]
    state: str
    due_at: datetime | None
    next_at: datetime | None
    escalation_level: int | None
    firings: tuple[Firing, ...] = ()
    view: dict[str, Any] | None = None  # the API's "sla" object at creation


@dataclass(frozen=True)
class _Template:
    # {"snapshot": …, "view": …} of a ticket created then; the view is its "sla" object
    build: Callable[[datetime], dict[str, Any]]
    state: str
    due_in: timedelta | None
    next_in: timedelta | None
    escalation_level: int | None


# Two instants a template is checked at: far enough apart that a calendar with any closed hour
# or holiday in it shows (it is also refused by name first: `_time_free`).
_CHECK_SHIFT = timedelta(days=3, hours=7, minutes=31, seconds=17)
_templates: dict[tuple[Any, ...], tuple[Any, Any, _Template | None]] = {}


def new_ticket_clock(
    policy: Policy,
    facts: ClockFacts,
    text: str,
    now: datetime,
    automation: AutomationRules | None = None,
) -> NewClock:
    """A new ticket's clock: its creation and the player's first message `text` at `now`.
    Equal to :func:`evaluate` of those two events (tested); from a template when it may be."""
    now = now.astimezone(UTC)  # the template's offsets are added in UTC, as evaluate counts
    if not _may_use_template(policy, facts, text, now):
        return _new_clock(_evaluate_new(policy, facts, text, now, automation), policy)
    key = (
        id(policy),
        id(automation),
        facts.queue,
        str(facts.tier),
        str(facts.priority),
        str(facts.channel),
    )
    got = _templates.get(key)
    if got is None or got[0] is not policy or got[1] is not automation:
        outcome = _evaluate_new(policy, facts, text, now, automation)
        template = _template(policy, facts, text, now, automation, outcome)
        if len(_templates) >= 4096:
            _templates.clear()
        _templates[key] = (policy, automation, template)  # holds both: their ids stay theirs
        return _new_clock(outcome, policy)
    template = got[2]
    if template is None:
        return _new_clock(_evaluate_new(policy, facts, text, now, automation), policy)
    built = template.build(now)
    return NewClock(
        built["snapshot"],
        template.state,
        None if template.due_in is None else now + template.due_in,
        None if template.next_in is None else now + template.next_in,
        template.escalation_level,
        view=built["view"],
    )


def _may_use_template(policy: Policy, facts: ClockFacts, text: str, now: datetime) -> bool:
    if facts.tags or facts.factors or facts.overrides or facts.silence is not None:
        return False
    if facts.queue_since is not None and facts.queue_since != now:
        return False
    extra = policy.escalation.extra_phrases if policy.escalation is not None else None
    return not detect_stop_phrases(text, extra)


def _evaluate_new(
    policy: Policy, facts: ClockFacts, text: str, now: datetime, automation: AutomationRules | None
) -> ClockOutcome:
    events = (SlaEvent(now, EventKind.created), SlaEvent(now, EventKind.player_message, text=text))
    return evaluate(policy, facts, events, now, automation)


def _new_clock(outcome: ClockOutcome, policy: Policy) -> NewClock:
    return NewClock(
        outcome.snapshot,
        outcome.state,
        outcome.due_at,
        outcome.next_at,
        outcome.escalation_level,
        outcome.firings,
        project(outcome.snapshot, outcome.sla.now, policy.calendars),
    )


def _template(
    policy: Policy,
    facts: ClockFacts,
    text: str,
    now: datetime,
    automation: AutomationRules | None,
    outcome: ClockOutcome,
) -> _Template | None:
    """The outcome as offsets from `now`, or None when it is not the same at every instant."""
    if outcome.firings or outcome.automation_next_at is not None or not _time_free(policy, facts):
        return None
    later = now + _CHECK_SHIFT
    moved = facts if facts.queue_since is None else replace(facts, queue_since=later)
    other = _evaluate_new(policy, moved, text, later, automation)
    if other.firings or other.state != outcome.state:
        return None
    snapshot = _offsets(outcome.snapshot, other.snapshot, now)
    view = _offsets(
        project(outcome.snapshot, now, policy.calendars),
        project(other.snapshot, later, policy.calendars),
        now,
    )
    if snapshot is _DIFFERS or view is _DIFFERS:
        return None
    moves = [(outcome.due_at, other.due_at), (outcome.next_at, other.next_at)]
    if any(
        (a is None) != (b is None) or (a is not None and b - a != _CHECK_SHIFT)  # type: ignore[operator]
        for a, b in moves
    ):
        return None
    build = _builder({"snapshot": snapshot, "view": view})
    if outcome.escalation_level != other.escalation_level or build is None:
        return None
    return _Template(
        build,
        outcome.state,
        None if outcome.due_at is None else outcome.due_at - now,
        None if outcome.next_at is None else outcome.next_at - now,
        outcome.escalation_level,
    )


def _time_free(policy: Policy, facts: ClockFacts) -> bool:
    """Do the ticket's targets and every escalation ladder run on calendars open around the
    clock in a zone without daylight saving (a business day there is always 24 h)?"""
    entry = policy.resolve(facts.queue, facts.tier, facts.priority, facts.channel, facts.tags)
    targets = (entry.first_response, entry.next_update, entry.resolution, entry.stabilise)
    if any(t is not None and not _uniform(t.calendar) for t in targets):
        return False
    ladders = policy.escalation.ladders.values() if policy.escalation is not None else ()
    return all(_uniform(ladder.calendar) for ladder in ladders)


def _uniform(cal: Calendar) -> bool:
    # Fixed-offset zones only, by name: a zone that has no daylight saving today may get it.
    fixed = cal.tz in ("UTC", "GMT") or cal.tz.startswith("Etc/")
    return cal.always_open and fixed


_DIFFERS = object()


def _offsets(a: Any, b: Any, at: datetime) -> Any:
    """`a` (evaluated at `at`) with each instant that moved by the check shift in `b` as its
    offset from `at`; `_DIFFERS` if anything else differs."""
    if isinstance(a, dict):
        if not isinstance(b, dict) or a.keys() != b.keys():
            return _DIFFERS
        out = {k: _offsets(v, b[k], at) for k, v in a.items()}
        return _DIFFERS if _DIFFERS in out.values() else out
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            return _DIFFERS
        items = [_offsets(x, y, at) for x, y in zip(a, b, strict=True)]
        return _DIFFERS if _DIFFERS in items else items
    if type(a) is type(b) and a == b:
        return a
    if isinstance(a, str) and isinstance(b, str):
        try:
            ta, tb = datetime.fromisoformat(a), datetime.fromisoformat(b)
        except ValueError:
            return _DIFFERS
        if ta.tzinfo is not None and tb - ta == _CHECK_SHIFT:
            return ta - at
    return _DIFFERS


def _builder(template: dict[str, Any]) -> Callable[[datetime], dict[str, Any]] | None:
    """A function building `template` for a creation instant: one dict display with the
    constants in place and each distinct instant formatted once (a walk of the template
    costs ten times more). None if a value has no literal (no template then)."""
    offsets: dict[timedelta, str] = {}

    def expr(v: Any) -> str:
        if isinstance(v, dict):
            return "{" + ", ".join(f"{str(k)!r}: {expr(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(expr(x) for x in v) + "]"
        if isinstance(v, timedelta):
            return offsets.setdefault(v, f"t{len(offsets)}")
        if v is None or type(v) in (str, int, bool):
            return repr(v)
        raise TypeError(f"no literal for {type(v).__name__}")

    try:
        display = expr(template)
    except TypeError:
        return None
    lines = [f"    {name} = iso(now + offsets[{i}])" for i, name in enumerate(offsets.values())]
    code = "def build(now):\n" + "\n".join([*lines, f"    return {display}"])
    scope: dict[str, Any] = {"iso": _iso, "offsets": tuple(offsets)}
    exec(code, scope)  # our own literals only
    return scope["build"]  # type: ignore[no-any-return]


# --- reading ---------------------------------------------------------------------------------

_ORDER = (SlaState.breached, SlaState.paused, SlaState.warning, SlaState.ok)
_ETA_ORDER = ("first_response", "next_update", "resolution")


def _remaining(cal: Calendar | None, now: datetime, due: datetime) -> int:
    if cal is None or cal.always_open:
        seconds = (due - now).total_seconds()
    else:
        seconds = business_time_between(cal, now, due).total_seconds()
    return math.floor(seconds)  # as compute_sla rounds


def project(
    snapshot: Mapping[str, Any] | None,
    now: datetime,
    calendars: Mapping[str, Calendar],
    *,
    predicted_breach: bool = False,
) -> dict[str, Any] | None:
    """The API's ``sla`` object at ``now`` from a stored snapshot (see the module doc)."""
    if not snapshot:
        return None
    policy = snapshot["policy"]
    if snapshot.get("exempt"):
        return {
            "policy": policy,
            "first_response_due_at": None,
            "next_update_due_at": None,
            "resolution_due_at": None,
            "state": SlaState.met.value,
            "remaining_s": None,
            "eta": None,
            "exempt": True,
            "exempt_reason": snapshot.get("exempt_reason"),
            "paused": False,
            "next_change_at": None,
            "predicted_breach": False,
        }
    paused = bool(snapshot.get("paused"))
    states: dict[str, SlaState] = {}
    remaining: dict[str, int | None] = {}
    due: dict[str, datetime | None] = {}
    upcoming: list[datetime] = []
    for kind, c in snapshot["clocks"].items():
        state = SlaState(c["state"])
        if state == SlaState.met:
            continue
        due_at, warn_at = _parse(c["due_at"]), _parse(c["warn_at"])
        if state in (SlaState.breached, SlaState.paused) and paused:
            remaining[kind] = c["remaining_s"]
        elif due_at is not None:
            if due_at <= now:
                state = SlaState.breached
            elif warn_at is not None and warn_at <= now:
                state = SlaState.warning
            else:
                state = SlaState.ok
            remaining[kind] = _remaining(calendars.get(c["calendar"]), now, due_at)
            upcoming += [t for t in (warn_at, due_at) if t is not None and t > now]
        else:
            remaining[kind] = c["remaining_s"]
        states[kind] = state
        due[kind] = due_at
    overall = next((s for s in _ORDER if s in states.values()), SlaState.met)
    with_due = [k for k in states if due.get(k) is not None]
    if with_due:
        left = remaining[min(with_due, key=lambda k: due[k])]  # type: ignore[arg-type,return-value]
    else:
        left = min((v for v in remaining.values() if v is not None), default=None)
    eta = next((due[k] for k in _ETA_ORDER if due.get(k) is not None), None)
    return {
        "policy": policy,
        "first_response_due_at": _iso(due.get("first_response")),
        "next_update_due_at": _iso(due.get("next_update")),
        "resolution_due_at": _iso(due.get("resolution")),
        "state": overall.value,
        "remaining_s": left,
        "eta": _iso(eta),
        "exempt": False,
        "exempt_reason": None,
        "paused": paused,
        "next_change_at": _iso(min(upcoming, default=None)),
        "predicted_breach": predicted_breach and overall in (SlaState.ok, SlaState.warning),
    }


def escalation_view(snapshot: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not snapshot or "escalation" not in snapshot:
        return None
    e = snapshot["escalation"]
    return {
        "level": e["level"],
        "name": e["name"],
        "roles": e["roles"],
        "next_level": e["next_level"],
        "next_at": e["next_at"],
        "handoff": e["handoff"],
        "tracks": e["tracks"],
    }
