"""SLA policies: targets by queue × tier × priority × channel (× topic), validated and versioned.

Pure: no I/O. The caller reads the TOML text (``server/sla_defaults.toml`` is the shipped
default, path in :data:`DEFAULTS_PATH`) and any iCal holiday files, and passes them in.

Public API::

    load_policy(source, *, known_queues=None, read_ical=None) -> Policy
        # source: TOML text or an already-parsed dict. known_queues: the queues that exist
        # (rules naming another queue are refused). read_ical(name) -> str supplies the text of
        # a calendar's ``holidays_ical`` files. Raises PolicyError naming line and key.
    Policy.version / .digest / .warning / .calendars / .queues (QueueFamilies) / .rules
    Policy.escalation    # escalation.EscalationPolicy, from the [escalation] table
    Policy.resolve(queue, tier, priority, channel, tags=()) -> SlaEntry
    Policy.calendar_for_queue(queue) -> Calendar
    SlaEntry.first_response / .next_update / .resolution / .stabilise -> ResolvedTarget | None
    SlaEntry.with_overrides(**{kind: Target | str | None}) -> SlaEntry      # a lead's override
    ResolvedTarget(kind, target, calendar, warn_ratio, warn_after, rule)
    ResolvedTarget.budget(start) -> timedelta  # the target as business time from ``start``
    Target.parse("20s" | "15m" | "1h30m" | "24h" | "1d" | "3bd" | 900) -> Target
    QueueFamilies(parents).chain("l1-ru") -> ("l1-ru", "l1")
    PolicyBook: add(policy), current, get(version)    # a ticket keeps the version it opened under
    PolicyError                                        # Invalid (422); .details = {path, line}

Rules and resolution
--------------------
A rule is a ``[[rules]]`` table: conditions (``queue``, ``tier``, ``priority``, ``channel``,
``topic``; each but ``queue`` may be a list; an absent condition matches anything) and some of the
targets ``first_response``, ``next_update``, ``resolution``, ``stabilise`` (P1 "stabilised
≤ 15 min"), plus optional ``calendar`` (else the queue's calendar) and ``warning`` (a ratio such
as 0.75, or a duration such as "2m"; else the policy's ``warning``, default 0.75).

Each target is resolved on its own (a per-field cascade): among the rules that set it and match
the ticket, the one with the most conditions wins; between rules with the same conditions the one
naming the deeper queue wins (``l1-ru`` over ``l1``). A ``queue`` condition matches the queue and
its descendants: ``l1-ru`` falls back to ``l1`` rules (the parent is ``[queues.X].parent`` or, by
convention, the name up to its last ``-``). Loading refuses two rules that could both win for the
same ticket and target: the same conditions with overlapping values (``overlap``), or equally
many different conditions that a ticket can meet together (``ambiguous``) unless a more specific
rule covering that intersection sets the target.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .calendars import (
    Calendar,
    CalendarError,
    add_business_days,
    business_time_between,
    load_zone,
    next_open,
    parse_date,
)
from .errors import Conflict, Invalid, NotFound
from .values import Channel, Priority, Tier

if TYPE_CHECKING:
    from .escalation import EscalationPolicy

DEFAULTS_PATH = Path(__file__).resolve().parent.parent / "sla_defaults.toml"
TARGET_KINDS: tuple[str, ...] = ("first_response", "next_update", "resolution", "stabilise")
DEFAULT_WARNING = 0.75
DIMENSIONS: tuple[str, ...] = ("queue", "tier", "priority", "channel", "topic")
_RULE_KEYS = frozenset({*DIMENSIONS, *TARGET_KINDS, "name", "note", "calendar", "warning"})
_TOP_KEYS = frozenset(
    {
        "version",
        "description",
        "warning",
        "default_calendar",
        "calendars",
        "queues",
        "rules",
        "escalation",
    }
)
_CAL_KEYS = frozenset({"tz", "always", "hours", "holidays", "holidays_ical", "note"})
_QUEUE_KEYS = frozenset({"calendar", "parent", "note"})


class PolicyError(Invalid):
    """An SLA policy that cannot be loaded. ``details``: ``{"path": ..., "line": ...}``."""

    code = "invalid_sla_policy"


# --- targets ---------------------------------------------------------------------------------

_UNITS = {"d": 86_400, "h": 3600, "m": 60, "min": 60, "s": 1, "sec": 1}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|min|m|sec|s)(?![a-z])")
_BDAYS = re.compile(r"^(\d+)\s*(?:bd|business\s*days?)$")


@dataclass(frozen=True)
class Target:
    """A target: ``seconds`` of business time, or ``business_days`` whole business days."""

    seconds: int | None = None
    business_days: int | None = None

    def __post_init__(self) -> None:
        if (self.seconds is None) == (self.business_days is None):
            raise ValueError("a Target has exactly one of seconds / business_days")

    @classmethod
    def parse(cls, value: Any) -> Target:
        """``900`` (seconds), ``"20s"``, ``"15m"``, ``"1h30m"``, ``"24h"``, ``"1d"``,
        ``"3bd"`` / ``"3 business days"``. Zero and negative targets are refused."""
        if isinstance(value, Target):
            return value
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a duration")
        if isinstance(value, int | float):
            if value <= 0:
                raise ValueError(f"a target must be positive, got {value!r}")
            return cls(seconds=round(value))
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a duration such as '15m' or '3bd'")
        text = value.strip().lower()
        if text.startswith("-"):
            raise ValueError(f"a target must not be negative, got {value!r}")
        m = _BDAYS.match(text)
        if m:
            n = int(m.group(1))
            if n <= 0:
                raise ValueError(f"a target must be positive, got {value!r}")
            return cls(business_days=n)
        pos, total = 0, 0.0
        compact = text.replace(" ", "")
        for part in _DURATION.finditer(compact):
            if part.start() != pos:
                break
            total += float(part.group(1)) * _UNITS[part.group(2)]
            pos = part.end()
        if pos != len(compact) or not compact:
            raise ValueError(f"{value!r} is not a duration such as '20s', '15m', '2h' or '3bd'")
        if total <= 0:
            raise ValueError(f"a target must be positive, got {value!r}")
        return cls(seconds=round(total))

    def __str__(self) -> str:
        if self.business_days is not None:
            return f"{self.business_days}bd"
        s = self.seconds or 0
        for unit, size in (("h", 3600), ("m", 60)):
            if s % size == 0 and s >= size:
                return f"{s // size}{unit}"
        return f"{s}s"

    def budget(self, calendar: Calendar, start: datetime) -> timedelta:
        """This target as business time on ``calendar`` for a clock started at ``start``."""
        if self.seconds is not None:
            return timedelta(seconds=self.seconds)
        assert self.business_days is not None
        opened = next_open(calendar, start)
        return business_time_between(
            calendar, opened, add_business_days(calendar, start, self.business_days)
        )


@dataclass(frozen=True)
class ResolvedTarget:
    """One target of one ticket, with the calendar it runs on and when it warns."""

    kind: str
    target: Target
    calendar: Calendar
    warn_ratio: float | None = DEFAULT_WARNING
    warn_after: Target | None = None
    rule: str = ""

    def budget(self, start: datetime) -> timedelta:
        return self.target.budget(self.calendar, start)

    def warn_budget(self, start: datetime) -> timedelta:
        """Business time after which the clock is in ``warning``."""
        total = self.budget(start)
        if self.warn_after is not None:
            return min(self.warn_after.budget(self.calendar, start), total)
        ratio = DEFAULT_WARNING if self.warn_ratio is None else self.warn_ratio
        return timedelta(seconds=round(total.total_seconds() * ratio, 6))


@dataclass(frozen=True)
class SlaEntry:
    """The targets that apply to one ticket under one policy version."""

    policy_version: str
    first_response: ResolvedTarget | None = None
    next_update: ResolvedTarget | None = None
    resolution: ResolvedTarget | None = None
    stabilise: ResolvedTarget | None = None

    def get(self, kind: str) -> ResolvedTarget | None:
        return getattr(self, kind)

    def with_overrides(self, **targets: Target | str | int | None) -> SlaEntry:
        """A copy with some targets replaced (``None`` drops one), e.g. a shift lead's change.

        A replaced target keeps the calendar and warning of the one it replaces; a target that
        did not exist takes the calendar of ``resolution`` (or ``first_response``)."""
        changes: dict[str, ResolvedTarget | None] = {}
        base = self.resolution or self.first_response or self.next_update or self.stabilise
        for kind, value in targets.items():
            if kind not in TARGET_KINDS:
                raise Invalid(f"unknown SLA target {kind!r}; known: {', '.join(TARGET_KINDS)}")
            if value is None:
                changes[kind] = None
                continue
            t = Target.parse(value)
            old = self.get(kind) or base
            if old is None:
                raise Invalid("cannot add a target to an entry without a calendar")
            changes[kind] = replace(old, kind=kind, target=t, rule="override")
        return replace(self, **changes)


# --- queues ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFamilies:
    """Queue fallback: ``l1-ru`` → ``l1`` (explicit parents first, then the name's prefix)."""

    parents: Mapping[str, str] = field(default_factory=dict)

    def parent(self, queue: str) -> str | None:
        if queue in self.parents:
            return self.parents[queue] or None
        head, sep, _ = queue.rpartition("-")
        return head if sep and head else None

    def chain(self, queue: str) -> tuple[str, ...]:
        out = [queue]
        q: str | None = queue
        while (q := self.parent(q)) is not None:
            if q in out:
                break
            out.append(q)
        return tuple(out)

    def depth(self, queue: str) -> int:
        return len(self.chain(queue))

    def covers(self, ancestor: str, queue: str) -> bool:
        """Whether a rule for ``ancestor`` applies to tickets in ``queue``."""
        return ancestor in self.chain(queue)


# --- rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    index: int
    name: str
    line: int | None
    queue: str | None
    conds: Mapping[str, frozenset[str]]  # tier/priority/channel/topic → allowed values
    targets: Mapping[str, Target]
    calendar: str | None = None
    warn_ratio: float | None = None
    warn_after: Target | None = None
    payload: str | None = None  # what a non-SLA rule selects (an escalation ladder's name)
    section: str = "rules"

    def outcome(self, kind: str) -> tuple:
        return (self.targets[kind], self.calendar, self.warn_ratio, self.warn_after, self.payload)

    @property
    def dims(self) -> frozenset[str]:
        return frozenset(self.conds) | ({"queue"} if self.queue else set())

    @property
    def count(self) -> int:
        return len(self.conds) + (1 if self.queue else 0)

    def label(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.section}[{self.index}] {self.name!r}{where}"

    def matches(
        self, chain: tuple[str, ...], values: Mapping[str, str], tags: frozenset[str]
    ) -> bool:
        if self.queue is not None and self.queue not in chain:
            return False
        for dim, allowed in self.conds.items():
            if dim == "topic":
                if not (allowed & tags):
                    return False
            elif values.get(dim) not in allowed:
                return False
        return True


@dataclass(frozen=True)
class Policy:
    version: str
    digest: str
    warning: float
    calendars: Mapping[str, Calendar]
    default_calendar: str
    queue_calendars: Mapping[str, str]
    queues: QueueFamilies
    rules: tuple[Rule, ...]
    description: str = ""
    escalation: EscalationPolicy | None = None
    known_queues: frozenset[str] = frozenset()
    # resolve()'s answers: a policy never changes, and the SLA job resolves the same few
    # (queue, tier, priority, channel, tags) combinations for thousands of tickets.
    _resolved: dict[tuple[Any, ...], SlaEntry] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def calendar_for_queue(self, queue: str) -> Calendar:
        for q in self.queues.chain(queue):
            if q in self.queue_calendars:
                return self.calendars[self.queue_calendars[q]]
        return self.calendars[self.default_calendar]

    def resolve(
        self,
        queue: str,
        tier: Tier | str,
        priority: Priority | str,
        channel: Channel | str,
        tags: Iterable[str] = (),
    ) -> SlaEntry:
        """The most specific target of each kind for a ticket (see the module doc)."""
        tagset = frozenset(t.lower() for t in tags)
        key = (queue, str(tier), str(priority), str(channel), tagset)
        got = self._resolved.get(key)
        if got is None:
            if len(self._resolved) > 10_000:  # bounded: tags are free text
                self._resolved.clear()
            got = self._resolved[key] = self._resolve(queue, key[1:4], tagset)
        return got

    def _resolve(self, queue: str, dims: tuple[str, str, str], tagset: frozenset[str]) -> SlaEntry:
        chain = self.queues.chain(queue)
        values = {"tier": dims[0], "priority": dims[1], "channel": dims[2]}
        out: dict[str, ResolvedTarget | None] = {}
        for kind in TARGET_KINDS:
            rule = select_rule(self.rules, self.queues, kind, chain, values, tagset)
            if rule is None:
                out[kind] = None
                continue
            cal = self.calendars[rule.calendar] if rule.calendar else self.calendar_for_queue(queue)
            out[kind] = ResolvedTarget(
                kind,
                rule.targets[kind],
                cal,
                rule.warn_ratio if rule.warn_after is None else None,
                rule.warn_after,
                rule.name,
            )
        return SlaEntry(self.version, **out)


def select_rule(
    rules: Iterable[Rule],
    families: QueueFamilies,
    kind: str,
    chain: tuple[str, ...],
    values: Mapping[str, str],
    tags: frozenset[str],
) -> Rule | None:
    """The rule that decides ``kind`` for a ticket: most conditions, then deepest queue."""
    cands = [r for r in rules if kind in r.targets and r.matches(chain, values, tags)]
    if not cands:
        return None
    best = max(r.count for r in cands)
    top = [r for r in cands if r.count == best]
    if len(top) > 1:
        deepest = max(_rule_depth(families, r) for r in top)
        top = [r for r in top if _rule_depth(families, r) == deepest]
    if len(top) > 1 and len({r.outcome(kind) for r in top}) > 1:
        # only reachable when load-time validation was bypassed
        raise PolicyError(
            f"ambiguous rules: {' and '.join(r.label() for r in top)} all decide {kind} "
            f"for queue={chain[0]} {', '.join(f'{k}={v}' for k, v in values.items())}"
        )
    return top[0]


def _rule_depth(families: QueueFamilies, r: Rule) -> int:
    return families.depth(r.queue) if r.queue else 0


class PolicyBook:
    """Every loaded policy version; a ticket keeps the version it was opened under."""

    def __init__(self, policies: Iterable[Policy] = ()) -> None:
        self._by_version: dict[str, Policy] = {}
        self._current: str | None = None
        for p in policies:
            self.add(p)

    def add(self, policy: Policy, make_current: bool = True) -> None:
        old = self._by_version.get(policy.version)
        if old is not None and old.digest != policy.digest:
            raise Conflict(
                f"SLA policy version {policy.version!r} already exists with other content; "
                "give the changed policy a new version",
                {"version": policy.version},
            )
        self._by_version[policy.version] = policy
        if make_current:
            self._current = policy.version

    @property
    def current(self) -> Policy:
        if self._current is None:
            raise NotFound("no SLA policy is loaded")
        return self._by_version[self._current]

    def get(self, version: str) -> Policy:
        try:
            return self._by_version[version]
        except KeyError:
            raise NotFound(f"SLA policy version {version!r} is not loaded") from None

    def versions(self) -> list[str]:
        return list(self._by_version)


# --- loading ---------------------------------------------------------------------------------


class Locator:
    """Best-effort line numbers for keys of a TOML text (tomllib keeps none)."""

    _HEADER = re.compile(r"^\s*\[(\[)?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")

    def __init__(self, text: str | None) -> None:
        self.lines = text.splitlines() if text else []
        self.sections: list[tuple[str, int, int]] = []  # (name, index among same array, line)
        counts: dict[str, int] = {}
        for i, line in enumerate(self.lines, start=1):
            m = self._HEADER.match(line)
            if not m:
                continue
            name = ".".join(p.strip().strip('"').strip("'") for p in m.group(2).split("."))
            if m.group(1):
                n = counts.get(name, 0)
                counts[name] = n + 1
                self.sections.append((name, n, i))
            else:
                self.sections.append((name, -1, i))

    def line(self, section: str, index: int = -1, key: str | None = None) -> int | None:
        if not self.lines:
            return None
        start = None
        for pos, (name, n, _ln) in enumerate(self.sections):
            if name == section and n == index:
                start = pos
                break
        if start is None:
            if key is None or section:
                return None
            head_end = self.sections[0][2] if self.sections else len(self.lines) + 1
            return self._key_line(key, 1, head_end)
        ln = self.sections[start][2]
        if key is None:
            return ln
        end = self.sections[start + 1][2] if start + 1 < len(self.sections) else len(self.lines) + 1
        return self._key_line(key, ln + 1, end) or ln

    def _key_line(self, key: str, first: int, end: int) -> int | None:
        pat = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for i in range(first, end):
            if pat.match(self.lines[i - 1]):
                return i
        return None


class LoadContext:
    def __init__(self, text: str | None) -> None:
        self.loc = Locator(text)

    def fail(
        self, path: str, msg: str, section: str = "", index: int = -1, key: str | None = None
    ) -> PolicyError:
        line = self.loc.line(section, index, key) if (section or key) else None
        where = f"line {line}: " if line else ""
        return PolicyError(f"{where}{path}: {msg}", {"path": path, "line": line})


def load_policy(
    source: str | Mapping[str, Any],
    *,
    known_queues: Iterable[str] | None = None,
    read_ical: Callable[[str], str] | None = None,
) -> Policy:
    """Parse and validate a policy (TOML text or dict). Raises PolicyError on any problem."""
    text = source if isinstance(source, str) else None
    ctx = LoadContext(text)
    if isinstance(source, str):
        try:
            data: Mapping[str, Any] = tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            raise PolicyError(
                f"SLA policy is not valid TOML: {exc}",
                {"path": "", "line": int(m.group(1)) if m else None},
            ) from exc
    else:
        data = source
    for key in data:
        if key not in _TOP_KEYS:
            raise ctx.fail(
                key, f"unknown key; expected one of {', '.join(sorted(_TOP_KEYS))}", key=key
            )
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise ctx.fail("version", "a policy needs a non-empty string version", key="version")
    warning = _parse_ratio(ctx, data.get("warning", DEFAULT_WARNING), "warning", "", "warning")

    # calendars
    calendars: dict[str, Calendar] = {"24x7": Calendar.always("24x7")}
    raw_cals = data.get("calendars", {})
    if not isinstance(raw_cals, Mapping):
        raise ctx.fail("calendars", "must be a table of calendars", key="calendars")
    for name, spec in raw_cals.items():
        calendars[name] = _load_calendar(ctx, name, spec, read_ical)
    default_calendar = data.get("default_calendar", "24x7")
    if default_calendar not in calendars:
        raise ctx.fail(
            "default_calendar", f"unknown calendar {default_calendar!r}", key="default_calendar"
        )

    # queues
    raw_queues = data.get("queues", {})
    if not isinstance(raw_queues, Mapping):
        raise ctx.fail("queues", "must be a table of queues", key="queues")
    known = frozenset(known_queues) if known_queues is not None else None
    declared = frozenset(raw_queues)
    valid_queues = (known if known is not None else frozenset()) | (
        declared if known is None else frozenset()
    )
    parents: dict[str, str] = {}
    queue_calendars: dict[str, str] = {}
    for q, spec in raw_queues.items():
        sect = f"queues.{q}"
        if known is not None and q not in known:
            raise ctx.fail(
                sect, f"unknown queue {q!r}; known: {', '.join(sorted(known))}", section=sect
            )
        if not isinstance(spec, Mapping):
            raise ctx.fail(sect, "must be a table", section=sect)
        for k in spec:
            if k not in _QUEUE_KEYS:
                raise ctx.fail(f"{sect}.{k}", "unknown key", section=sect, key=k)
        if "calendar" in spec:
            if spec["calendar"] not in calendars:
                raise ctx.fail(
                    f"{sect}.calendar",
                    f"unknown calendar {spec['calendar']!r}",
                    section=sect,
                    key="calendar",
                )
            queue_calendars[q] = spec["calendar"]
        if "parent" in spec:
            parent = spec["parent"]
            if not isinstance(parent, str) or (parent and parent not in valid_queues):
                raise ctx.fail(
                    f"{sect}.parent", f"unknown queue {parent!r}", section=sect, key="parent"
                )
            parents[q] = parent
    families = QueueFamilies(parents)
    for q in parents:
        chain = families.chain(q)
        if families.parent(chain[-1]) in chain:
            raise ctx.fail(
                f"queues.{q}.parent",
                "queue parents form a cycle",
                section=f"queues.{q}",
                key="parent",
            )

    # rules
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ctx.fail("rules", "a policy needs at least one [[rules]] table", key="rules")
    rules = tuple(
        _load_rule(ctx, i, spec, calendars, valid_queues, warning)
        for i, spec in enumerate(raw_rules)
    )
    check_ambiguity(ctx, rules, families)

    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()
    policy = Policy(
        version=version.strip(),
        digest=digest,
        warning=warning,
        calendars=calendars,
        default_calendar=default_calendar,
        queue_calendars=queue_calendars,
        queues=families,
        rules=rules,
        description=str(data.get("description", "")),
        known_queues=valid_queues,
    )
    if "escalation" in data:
        from .escalation import load_escalation  # escalation imports this module

        esc = load_escalation(data["escalation"], policy, ctx)
        policy = replace(policy, escalation=esc)
    return policy


def _parse_ratio(
    ctx: LoadContext, value: Any, path: str, section: str, key: str, index: int = -1
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ctx.fail(
            path,
            f"must be a ratio between 0 and 1 (e.g. 0.75), got {value!r}",
            section=section,
            index=index,
            key=key,
        )
    return float(value)


def _load_calendar(
    ctx: LoadContext, name: str, spec: Any, read_ical: Callable[[str], str] | None
) -> Calendar:
    from .calendars import parse_ical_holidays

    sect = f"calendars.{name}"
    if not isinstance(spec, Mapping):
        raise ctx.fail(sect, "must be a table", section=sect)
    for k in spec:
        if k not in _CAL_KEYS:
            raise ctx.fail(
                f"{sect}.{k}",
                f"unknown key; expected {', '.join(sorted(_CAL_KEYS))}",
                section=sect,
                key=k,
            )
    tz = spec.get("tz")
    key = "tz"
    try:
        if not isinstance(tz, str):
            raise CalendarError('a calendar needs a time zone, e.g. tz = "Australia/Sydney"')
        load_zone(tz)
        if spec.get("always"):
            if "hours" in spec or spec.get("holidays") or spec.get("holidays_ical"):
                key = "always"
                raise CalendarError("a 24/7 calendar has no hours and no holidays")
            return Calendar.always(name, tz)
        key = "hours"
        hours = spec.get("hours")
        if not isinstance(hours, Mapping) or not hours:
            raise CalendarError('needs hours = { mon-fri = "09:00-18:00", … } or always = true')
        cal = Calendar.business(name, tz, hours)
        key = "holidays"
        hol = spec.get("holidays", [])
        if not isinstance(hol, list):
            raise CalendarError("holidays must be a list of dates")
        cal = cal.with_holidays(parse_date(h) for h in hol)
        icals = spec.get("holidays_ical", [])
        if isinstance(icals, str):
            icals = [icals]
        key = "holidays_ical"
        for ref in icals:
            if read_ical is None:
                raise CalendarError(f"holidays_ical {ref!r} given but no iCal reader supplied")
            try:
                body = read_ical(ref)
            except Exception as exc:  # the caller's I/O
                raise CalendarError(f"cannot read holidays_ical {ref!r}: {exc}") from exc
            cal = cal.with_holidays(parse_ical_holidays(body, tz=tz))
        return cal
    except CalendarError as exc:
        raise ctx.fail(f"{sect}.{key}", exc.message, section=sect, key=key) from exc


def _as_set(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


_ENUMS: dict[str, tuple[str, ...]] = {
    "tier": tuple(t.value for t in Tier),
    "priority": tuple(p.value for p in Priority),
    "channel": tuple(c.value for c in Channel),
}


def parse_conditions(
    spec: Mapping[str, Any],
    valid_queues: frozenset[str],
    fail: Callable[[str, str | None], PolicyError],
) -> tuple[str | None, dict[str, frozenset[str]]]:
    """The ``queue`` / ``tier`` / ``priority`` / ``channel`` / ``topic`` conditions of a rule."""
    queue = spec.get("queue")
    if queue is not None:
        if not isinstance(queue, str):
            raise fail("queue must be one queue name", "queue")
        if queue not in valid_queues:
            raise fail(
                f"unknown queue {queue!r}; known: {', '.join(sorted(valid_queues)) or 'none'}",
                "queue",
            )
    conds: dict[str, frozenset[str]] = {}
    for dim in ("tier", "priority", "channel", "topic"):
        if dim not in spec:
            continue
        vals = _as_set(spec[dim])
        if vals is None:
            raise fail(f"{dim} must be a string or a non-empty list of strings", dim)
        if dim == "topic":
            vals = [v.strip().lower() for v in vals]
        elif bad := [v for v in vals if v not in _ENUMS[dim]]:
            raise fail(f"unknown {dim} {bad[0]!r}; expected one of {', '.join(_ENUMS[dim])}", dim)
        conds[dim] = frozenset(vals)
    return queue, conds


def _load_rule(
    ctx: LoadContext,
    i: int,
    spec: Any,
    calendars: Mapping[str, Calendar],
    valid_queues: frozenset[str],
    default_warning: float,
) -> Rule:
    path = f"rules[{i}]"

    def fail(msg: str, key: str | None = None) -> PolicyError:
        return ctx.fail(f"{path}.{key}" if key else path, msg, section="rules", index=i, key=key)

    if not isinstance(spec, Mapping):
        raise fail("must be a table")
    for k in spec:
        if k not in _RULE_KEYS:
            raise fail(f"unknown key {k!r}; expected {', '.join(sorted(_RULE_KEYS))}", k)
    queue, conds = parse_conditions(spec, valid_queues, fail)
    targets: dict[str, Target] = {}
    for kind in TARGET_KINDS:
        if kind in spec:
            try:
                targets[kind] = Target.parse(spec[kind])
            except ValueError as exc:
                raise fail(str(exc), kind) from exc
    if not targets:
        raise fail(f"a rule sets at least one of {', '.join(TARGET_KINDS)}")
    cal = spec.get("calendar")
    if cal is not None and cal not in calendars:
        raise fail(f"unknown calendar {cal!r}; known: {', '.join(sorted(calendars))}", "calendar")
    warn_ratio: float | None = default_warning
    warn_after: Target | None = None
    if "warning" in spec:
        w = spec["warning"]
        if isinstance(w, str):
            try:
                warn_after = Target.parse(w)
            except ValueError as exc:
                raise fail(str(exc), "warning") from exc
            warn_ratio = None
        else:
            warn_ratio = _parse_ratio(ctx, w, f"{path}.warning", "rules", "warning", i)
    name = str(spec.get("name") or f"rule {i}")
    return Rule(
        i,
        name,
        ctx.loc.line("rules", i),
        queue,
        conds,
        targets,
        cal,
        warn_ratio,
        warn_after,
    )


def _compatible(a: Rule, b: Rule, fam: QueueFamilies) -> bool:
    if a.queue and b.queue and not (fam.covers(a.queue, b.queue) or fam.covers(b.queue, a.queue)):
        return False
    return all(not (dim in b.conds and not (vals & b.conds[dim])) for dim, vals in a.conds.items())


def _covers_intersection(c: Rule, a: Rule, b: Rule, fam: QueueFamilies) -> bool:
    """Whether rule ``c`` matches every ticket that matches both ``a`` and ``b``."""
    if c.queue:
        qs = [q for q in (a.queue, b.queue) if q]
        if not qs:
            return False
        deeper = max(qs, key=fam.depth)
        if not fam.covers(c.queue, deeper):
            return False
    for dim, vals in c.conds.items():
        inter: frozenset[str] | None = None
        for r in (a, b):
            if dim in r.conds:
                inter = r.conds[dim] if inter is None else inter & r.conds[dim]
        if inter is None or not inter <= vals:
            return False
    return True


def check_ambiguity(
    ctx: LoadContext, rules: tuple[Rule, ...], fam: QueueFamilies, section: str = "rules"
) -> None:
    """Refuse two rules that could both decide the same thing differently for one ticket."""
    for i, a in enumerate(rules):
        for b in rules[i + 1 :]:
            shared = [k for k in a.targets if k in b.targets and a.outcome(k) != b.outcome(k)]
            if not shared or a.count != b.count or not _compatible(a, b, fam):
                continue
            path = f"{section}[{b.index}]"
            if a.dims == b.dims:
                if _rule_depth(fam, a) != _rule_depth(fam, b):
                    continue
                raise ctx.fail(
                    path,
                    f"overlaps {a.label()}: both match the same tickets "
                    f"({_describe(a, b)}) and both set {', '.join(shared)}",
                    section=section,
                    index=b.index,
                )
            for kind in shared:
                if not any(
                    kind in c.targets and c.count > a.count and _covers_intersection(c, a, b, fam)
                    for c in rules
                ):
                    raise ctx.fail(
                        path,
                        f"ambiguous with {a.label()}: a ticket can match both "
                        f"({_describe(a, b)}) and both set {kind} with equally many "
                        "conditions; add a more specific rule for that case or narrow one",
                        section=section,
                        index=b.index,
                    )


def _describe(a: Rule, b: Rule) -> str:
    parts = []
    if a.queue or b.queue:
        parts.append(f"queue={a.queue or b.queue}")
    for dim in ("tier", "priority", "channel", "topic"):
        sets = [r.conds[dim] for r in (a, b) if dim in r.conds]
        if sets:
            inter = frozenset.intersection(*sets)
            parts.append(f"{dim}={'|'.join(sorted(inter))}")
    return ", ".join(parts)
