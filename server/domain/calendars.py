"""Business calendars and business-time arithmetic (pure: no I/O, no clock reads).

A :class:`Calendar` is either 24/7 or a week of opening windows in the calendar's own IANA time
zone (several windows a weekday for split shifts; a window may run past midnight, e.g.
``22:00-02:00``, and is then split into ``22:00-24:00`` on its day and ``00:00-02:00`` on the
next), minus holidays (local dates, entered or imported from iCal with
:func:`parse_ical_holidays`).

Public API (every datetime argument must be timezone-aware; every result is an aware UTC
datetime; durations are ``timedelta``)::

    Window(start_s, end_s)                                   # seconds from local midnight
    Calendar(name, tz, week, holidays=frozenset())           # week: 7 tuples of Window, Mon..Sun
    Calendar.always(name="24x7", tz="UTC") -> Calendar
    Calendar.business(name, tz, hours, holidays=()) -> Calendar
        # hours: {"mon-fri": "09:00-13:00, 14:00-18:00", "sat": ["10:00-14:00"], "sun": []}
    is_open(cal, t) -> bool
    next_open(cal, t) -> datetime                            # t itself when open
    add_business_time(cal, start, duration) -> datetime
    business_time_between(cal, a, b) -> timedelta            # negative when b < a
    add_business_days(cal, start, n) -> datetime
    business_intervals(cal, start, end) -> Iterator[(datetime, datetime)]
    parse_hours(spec) -> tuple[Window, ...]
    parse_ical_holidays(text, tz=None, until=None) -> frozenset[date]
    CalendarError                                            # an Invalid (HTTP 422)

Conventions
-----------
* ``add_business_time(cal, start, d)`` is the *earliest* instant ``t`` with
  ``business_time_between(cal, start, t) == d``: a duration that ends exactly when a window closes
  gives the closing instant, not the next opening; ``d == 0`` gives ``start``.
* Business time is real elapsed time during which the calendar's *wall clock* shows a time
  inside a window of a working local date: the calendar is open at instant ``t`` exactly when
  ``t`` in the calendar's zone falls on a non-holiday date at a time of day inside one of that
  weekday's windows. So on the night clocks jump 02:00 → 03:00 a 01:00-03:00 window lasts one
  real hour, and on the night they go back 03:00 → 02:00 a 00:00-03:00 window lasts four (the
  repeated hour is open twice). The arithmetic is exact (microseconds) across DST changes.
* ``add_business_days(cal, start, n)``: from ``s = next_open(start)`` on local date ``D``, the
  n-th business day after ``D`` (a date that is no holiday and has at least one window) at the
  same local wall time; when that wall time is outside the windows of the target day, the
  earliest instant of that day with the same amount of business time elapsed (before the day
  opens → its opening; in a break or after close → the close of the window before it). For a 24/7
  calendar this is "the same wall-clock time n days later", DST-safe.
* A calendar must have some open time in every 366-day stretch; arithmetic that scans further
  than :data:`MAX_SCAN_DAYS` raises :class:`CalendarError` instead of looping forever.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import Invalid

DAY_S = 86_400
MAX_SCAN_DAYS = 3 * 366
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ZERO = timedelta(0)


class CalendarError(Invalid):
    """A calendar that cannot be built or used: bad window, unknown time zone, bad iCal."""

    code = "invalid_calendar"


@dataclass(frozen=True, order=True)
class Window:
    """One opening window of a weekday, in seconds from local midnight: ``[start_s, end_s)``."""

    start_s: int
    end_s: int

    def __post_init__(self) -> None:
        if not (0 <= self.start_s < self.end_s <= DAY_S):
            raise CalendarError(
                f"bad window {_fmt(self.start_s)}-{_fmt(self.end_s)}: "
                "a window must start before it ends, within 00:00-24:00"
            )

    def __str__(self) -> str:
        return f"{_fmt(self.start_s)}-{_fmt(self.end_s)}"


def _fmt(s: int) -> str:
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}"


def load_zone(tz: str) -> ZoneInfo:
    """The ZoneInfo for an IANA key; CalendarError when it does not exist."""
    if not isinstance(tz, str) or not tz or tz != tz.strip():
        raise CalendarError(f"time zone {tz!r} is not an IANA time zone name")
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise CalendarError(f"time zone {tz!r} does not exist", {"tz": tz}) from exc


@dataclass(frozen=True, eq=False)
class Calendar:
    """Opening hours in one IANA time zone. Hash/equality are by value and cached."""

    name: str
    tz: str
    week: tuple[tuple[Window, ...], ...]
    holidays: frozenset[date] = frozenset()
    zone: ZoneInfo = field(init=False, repr=False)
    always_open: bool = field(init=False, repr=False)
    _key: tuple = field(init=False, repr=False)
    _hash: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        zone = load_zone(self.tz)
        if len(self.week) != 7:
            raise CalendarError(f"calendar {self.name!r}: the week needs 7 days, Mon..Sun")
        week = []
        for day, windows in zip(WEEKDAYS, self.week, strict=True):
            ws = sorted(windows)
            for a, b in itertools.pairwise(ws):
                if b.start_s < a.end_s:
                    raise CalendarError(
                        f"calendar {self.name!r}: windows {a} and {b} on {day} overlap"
                    )
            week.append(tuple(_merge(ws)))
        if not any(week):
            raise CalendarError(f"calendar {self.name!r} is never open")
        holidays = frozenset(self.holidays)
        full = (Window(0, DAY_S),)
        object.__setattr__(self, "week", tuple(week))
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "zone", zone)
        object.__setattr__(self, "always_open", all(d == full for d in week) and not holidays)
        key = (self.name, self.tz, self.week, holidays)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_hash", hash(key))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Calendar):
            return NotImplemented
        return self._hash == other._hash and self._key == other._key

    @classmethod
    def always(cls, name: str = "24x7", tz: str = "UTC") -> Calendar:
        """Open around the clock, every day (holidays make no sense here)."""
        return cls(name, tz, tuple((Window(0, DAY_S),) for _ in range(7)))

    @classmethod
    def business(
        cls,
        name: str,
        tz: str,
        hours: Mapping[str, str | Iterable[str]],
        holidays: Iterable[date | str] = (),
    ) -> Calendar:
        """Build from ``{"mon-fri": "09:00-18:00", "sat": "10:00-14:00, 15:00-17:00"}``.

        Keys are weekdays (``mon``…``sun``), ranges (``mon-fri``) or lists (``sat,sun``);
        a day named twice is an error. Values are comma-separated ``HH:MM-HH:MM`` windows (or a
        list of them); ``24:00`` ends a day; a window that ends earlier than it starts runs past
        midnight into the next weekday.
        """
        days: list[list[Window]] = [[] for _ in range(7)]
        seen: set[int] = set()
        for key, spec in hours.items():
            idx = parse_weekdays(key)
            if seen & set(idx):
                raise CalendarError(f"calendar {name!r}: a weekday is given twice ({key!r})")
            seen |= set(idx)
            for i in idx:
                for start, end in _parse_window_specs(spec, where=f"{name}.{key}"):
                    if end > start:
                        days[i].append(Window(start, end))
                    else:  # runs past midnight
                        days[i].append(Window(start, DAY_S))
                        if end > 0:
                            days[(i + 1) % 7].append(Window(0, end))
        return cls(
            name, tz, tuple(tuple(d) for d in days), frozenset(parse_date(h) for h in holidays)
        )

    def with_holidays(self, holidays: Iterable[date]) -> Calendar:
        return Calendar(self.name, self.tz, self.week, self.holidays | frozenset(holidays))


def _merge(ws: list[Window]) -> list[Window]:
    out: list[Window] = []
    for w in ws:
        if out and out[-1].end_s == w.start_s:
            out[-1] = Window(out[-1].start_s, w.end_s)
        else:
            out.append(w)
    return out


def parse_date(value: date | str) -> date:
    if isinstance(value, datetime):
        raise CalendarError(f"holiday {value!r} must be a date, not a datetime")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise CalendarError(f"holiday {value!r} is not a date (YYYY-MM-DD)") from exc


def parse_weekdays(key: str) -> list[int]:
    """``"mon-fri"`` → [0..4]; ``"sat,sun"`` → [5, 6]; ``"daily"`` → all."""
    out: list[int] = []
    k = key.strip().lower()
    if k in ("daily", "all", "mon-sun"):
        return list(range(7))
    for part in k.split(","):
        part = part.strip()
        if "-" in part:
            a, _, b = part.partition("-")
            if a not in WEEKDAYS or b not in WEEKDAYS:
                raise CalendarError(f"{key!r} is not a weekday range like 'mon-fri'")
            i, j = WEEKDAYS.index(a), WEEKDAYS.index(b)
            out.extend(range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)])
        elif part in WEEKDAYS:
            out.append(WEEKDAYS.index(part))
        else:
            raise CalendarError(f"{key!r} is not a weekday (mon, tue, … sun, or 'mon-fri')")
    return out


_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def _parse_window_specs(spec: str | Iterable[str], where: str) -> list[tuple[int, int]]:
    parts: list[str] = []
    if isinstance(spec, str):
        parts = [p for p in spec.split(",") if p.strip()]
    else:
        for item in spec:
            if not isinstance(item, str):
                raise CalendarError(f"{where}: window {item!r} must be a string 'HH:MM-HH:MM'")
            parts.extend(p for p in item.split(",") if p.strip())
    out = []
    for p in parts:
        m = _HHMM.match(p)
        if not m:
            raise CalendarError(f"{where}: window {p.strip()!r} is not 'HH:MM-HH:MM'")
        h1, m1, h2, m2 = (int(x) for x in m.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise CalendarError(f"{where}: window {p.strip()!r} has an impossible time")
        start, end = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
        if start == end:
            raise CalendarError(f"{where}: window {p.strip()!r} is empty")
        if end == DAY_S and start == 0:
            out.append((0, DAY_S))
        else:
            out.append((start, end % DAY_S if end != DAY_S else DAY_S))
    return out


def parse_hours(spec: str | Iterable[str]) -> tuple[Window, ...]:
    """``"09:00-13:00, 14:00-18:00"`` → windows of one day (no overnight windows here)."""
    ws = []
    for s, e in _parse_window_specs(spec, where="hours"):
        if e <= s:
            raise CalendarError(f"window {_fmt(s)}-{_fmt(e)} runs past midnight")
        ws.append(Window(s, e))
    return tuple(ws)


# --- instants ---------------------------------------------------------------------------------


def _utc(t: datetime, what: str = "datetime") -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {t!r}")
    return t.astimezone(UTC)


def _wall_to_utc(zone: ZoneInfo, d: date, second: int) -> datetime:
    """The earliest instant whose local wall time is >= ``d`` + ``second`` (see module doc)."""
    if second >= DAY_S:
        d, second = d + timedelta(days=1), second - DAY_S
    wall = datetime.combine(d, time(second // 3600, second % 3600 // 60, second % 60))
    u0 = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if u0.astimezone(zone).replace(tzinfo=None) == wall:
        return u0  # exists; fold=0 is the first occurrence when repeated
    # In a gap: the answer is the transition instant, between the fold=1 and fold=0 mappings.
    lo = int(wall.replace(tzinfo=zone, fold=1).astimezone(UTC).timestamp())
    hi = int(u0.timestamp()) + 1
    if lo > hi:
        lo, hi = hi, lo

    def reached(ts: int) -> bool:
        return datetime.fromtimestamp(ts, UTC).astimezone(zone).replace(tzinfo=None) >= wall

    if reached(lo):
        return datetime.fromtimestamp(lo, UTC)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if reached(mid):
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


_PROBE = timedelta(hours=3)


def _offset(zone: ZoneInfo, u: datetime) -> timedelta:
    off = u.astimezone(zone).utcoffset()
    assert off is not None
    return off


def _offset_pieces(
    zone: ZoneInfo, lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime, timedelta]]:
    """Split ``[lo, hi)`` (UTC) into pieces of constant UTC offset in ``zone``."""
    cuts = [lo]
    t = lo
    while t < hi:
        nxt = min(t + _PROBE, hi)
        a, b = t, nxt
        off_a = _offset(zone, a)
        if off_a != _offset(zone, b):
            # a transition in (a, b]: bisect on whole seconds (tz transitions are on seconds)
            ia, ib = int(a.timestamp()), int(b.timestamp())
            while ib - ia > 1:
                mid = (ia + ib) // 2
                if _offset(zone, datetime.fromtimestamp(mid, UTC)) == off_a:
                    ia = mid
                else:
                    ib = mid
            cuts.append(datetime.fromtimestamp(ib, UTC))
        t = nxt
    cuts.append(hi)
    return [(x, y, _offset(zone, x)) for x, y in itertools.pairwise(cuts) if y > x]


@lru_cache(maxsize=131_072)
def _day_intervals(cal: Calendar, d: date) -> tuple[tuple[datetime, datetime], ...]:
    """The instants (UTC) at which the wall clock of local date ``d`` is inside a window."""
    if d in cal.holidays:
        return ()
    windows = cal.week[d.weekday()]
    if not windows:
        return ()
    midnight = datetime.combine(d, time())  # naive wall time
    lo = midnight.replace(tzinfo=UTC) - timedelta(days=1)
    hi = midnight.replace(tzinfo=UTC) + timedelta(days=2)
    out: list[tuple[datetime, datetime]] = []
    for a, b, off in _offset_pieces(cal.zone, lo, hi):
        wall_a = a.replace(tzinfo=None) + off
        wall_b = b.replace(tzinfo=None) + off
        for w in windows:
            x = max(wall_a, midnight + timedelta(seconds=w.start_s))
            y = min(wall_b, midnight + timedelta(seconds=w.end_s))
            if y > x:
                out.append(((x - off).replace(tzinfo=UTC), (y - off).replace(tzinfo=UTC)))
    out.sort()
    merged: list[tuple[datetime, datetime]] = []
    for s_, e_ in out:
        if merged and s_ <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e_))
        else:
            merged.append((s_, e_))
    return tuple(merged)


def _intervals_from(cal: Calendar, t: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Open intervals (UTC) that end after ``t``, in order; the first may start before ``t``."""
    d = t.astimezone(cal.zone).date() - timedelta(days=1)
    last_open = d
    for i in range(10**9):
        day = d + timedelta(days=i)
        for s, e in _day_intervals(cal, day):
            if e > t:
                last_open = day
                yield s, e
        if (day - last_open).days > MAX_SCAN_DAYS:
            raise CalendarError(
                f"calendar {cal.name!r} has no open time within {MAX_SCAN_DAYS} days "
                f"after {day - timedelta(days=MAX_SCAN_DAYS)}"
            )
    raise AssertionError("unreachable")  # pragma: no cover


def business_intervals(
    cal: Calendar, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """The open parts of ``[start, end)``, clipped, in order (UTC)."""
    a, b = _utc(start, "start"), _utc(end, "end")
    if b <= a:
        return
    if cal.always_open:
        yield a, b
        return
    for s, e in _intervals_from(cal, a):
        if s >= b:
            return
        yield max(s, a), min(e, b)


def is_open(cal: Calendar, t: datetime) -> bool:
    u = _utc(t, "t")
    if cal.always_open:
        return True
    for s, _e in _intervals_from(cal, u):
        return s <= u
    return False  # pragma: no cover


def next_open(cal: Calendar, t: datetime) -> datetime:
    """``t`` (in UTC) when the calendar is open at ``t``, else the next opening."""
    u = _utc(t, "t")
    if cal.always_open:
        return u
    for s, _e in _intervals_from(cal, u):
        return max(s, u)
    raise AssertionError("unreachable")  # pragma: no cover


def add_business_time(cal: Calendar, start: datetime, duration: timedelta) -> datetime:
    """The earliest instant at which ``duration`` of business time has elapsed since ``start``."""
    u = _utc(start, "start")
    if duration < _ZERO:
        raise ValueError(f"duration must not be negative, got {duration}")
    if duration == _ZERO or cal.always_open:
        return u + duration
    remaining = duration
    for s, e in _intervals_from(cal, u):
        s = max(s, u)
        span = e - s
        if remaining <= span:
            return s + remaining
        remaining -= span
    raise AssertionError("unreachable")  # pragma: no cover


def business_time_between(cal: Calendar, a: datetime, b: datetime) -> timedelta:
    """Business time in ``[a, b)``; ``-business_time_between(cal, b, a)`` when ``b < a``."""
    ua, ub = _utc(a, "a"), _utc(b, "b")
    if ub < ua:
        return -business_time_between(cal, ub, ua)
    if cal.always_open:
        return ub - ua
    total = _ZERO
    for s, e in business_intervals(cal, ua, ub):
        total += e - s
    return total


def is_business_day(cal: Calendar, d: date) -> bool:
    return bool(_day_intervals(cal, d))


def add_business_days(cal: Calendar, start: datetime, n: int) -> datetime:
    """``n`` business days after ``start`` (see the module doc for the exact rule)."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    s = next_open(cal, start)
    if n == 0:
        return s
    local = s.astimezone(cal.zone)
    wall_s = local.hour * 3600 + local.minute * 60 + local.second
    day = local.date()
    count = 0
    for _ in range(MAX_SCAN_DAYS * 4):
        day += timedelta(days=1)
        if is_business_day(cal, day):
            count += 1
            if count == n:
                break
    else:
        raise CalendarError(f"calendar {cal.name!r}: no {n} business days after {local.date()}")
    intervals = _day_intervals(cal, day)
    c = _wall_to_utc(cal.zone, day, wall_s) + timedelta(microseconds=local.microsecond)
    if c < intervals[0][0]:
        return intervals[0][0]
    best = intervals[0][0]
    for a, b in intervals:
        if a <= c < b:
            return c
        if b <= c:
            best = b
    return best


# --- iCal ------------------------------------------------------------------------------------


def parse_ical_holidays(
    text: str | bytes, tz: str | None = None, until: date | None = None
) -> frozenset[date]:
    """Holiday dates from an iCalendar (RFC 5545) document.

    Every VEVENT counts: an all-day event covers the dates ``[DTSTART, DTEND)`` (one day when
    DTEND and DURATION are absent); a timed event covers the local dates it touches in ``tz``
    (default: its own zone). A yearly/monthly RRULE is expanded up to ``until`` (default: ten
    years after DTSTART); EXDATE removes dates. Cancelled events (STATUS:CANCELLED) are skipped.
    """
    try:
        import icalendar
        from dateutil.rrule import rrulestr
    except ImportError as exc:  # pragma: no cover
        raise CalendarError("iCal import needs the 'icalendar' package") from exc
    zone = load_zone(tz) if tz else None
    try:
        cal = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # icalendar raises ValueError and friends
        raise CalendarError(f"not an iCalendar document: {exc}") from exc
    out: set[date] = set()
    for ev in cal.walk("VEVENT"):
        if str(ev.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if ev.get("DTSTART") is None:
            raise CalendarError(f"iCal event {str(ev.get('SUMMARY', '?'))!r} has no DTSTART")
        start = ev.decoded("DTSTART")
        if ev.get("DTEND") is not None:
            length = ev.decoded("DTEND") - start
        elif ev.get("DURATION") is not None:
            length = ev.decoded("DURATION")
        else:
            length = timedelta(days=1) if not isinstance(start, datetime) else _ZERO
        starts: list[date | datetime] = [start]
        if ev.get("RRULE") is not None:
            rule = ev["RRULE"].to_ical().decode()
            horizon = until or (_as_date(start, zone).replace(day=1) + timedelta(days=3653))
            anchor = start if isinstance(start, datetime) else datetime.combine(start, time())
            naive = anchor.tzinfo is None
            try:
                rr = rrulestr(rule, dtstart=anchor, ignoretz=False)
            except (ValueError, TypeError) as exc:
                raise CalendarError(f"iCal RRULE {rule!r} cannot be read: {exc}") from exc
            end_dt = datetime.combine(horizon, time.max)
            if not naive:
                end_dt = end_dt.replace(tzinfo=anchor.tzinfo)
            occ = rr.between(anchor, end_dt, inc=True)
            starts = [o if isinstance(start, datetime) else o.date() for o in occ]
        exdates = _exdates(ev)
        for st in starts:
            first = _as_date(st, zone)
            if first in exdates:
                continue
            if isinstance(st, datetime):
                last = _as_date(st + length, zone) if length > _ZERO else first
                if length > _ZERO and _is_midnight(st + length, zone):
                    last -= timedelta(days=1)
                n_days = (last - first).days + 1
            else:
                n_days = max(1, length.days)
            for i in range(n_days):
                out.add(first + timedelta(days=i))
    return frozenset(d for d in out if until is None or d <= until)


def _as_date(v: date | datetime, zone: ZoneInfo | None) -> date:
    if isinstance(v, datetime):
        if v.tzinfo is not None and zone is not None:
            return v.astimezone(zone).date()
        return v.date()
    return v


def _is_midnight(v: datetime, zone: ZoneInfo | None) -> bool:
    local = v.astimezone(zone) if (zone is not None and v.tzinfo is not None) else v
    return local.time() == time(0)


def _exdates(ev) -> set[date]:
    raw = ev.get("EXDATE")
    if raw is None:
        return set()
    items = raw if isinstance(raw, list) else [raw]
    out: set[date] = set()
    for item in items:
        for d in getattr(item, "dts", []):
            v = d.dt
            out.add(v.date() if isinstance(v, datetime) else v)
    return out
