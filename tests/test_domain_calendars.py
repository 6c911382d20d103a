"""Business calendars: hours, split shifts, holidays, iCal, DST — pure domain, no I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.domain.calendars import (
    Calendar,
    CalendarError,
    Window,
    add_business_days,
    add_business_time,
    business_time_between,
    is_open,
    next_open,
    parse_ical_holidays,
)

SYD = ZoneInfo("Australia/Sydney")
KYIV = ZoneInfo("Europe/Kyiv")
H = timedelta(hours=1)
M = timedelta(minutes=1)


def local(tz: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz)


def office(tz: str = "Europe/Kyiv", holidays=()) -> Calendar:
    # split shift with a lunch break
    return Calendar.business("office", tz, {"mon-fri": "09:00-13:00, 14:00-18:00"}, holidays)


def brute_open(cal: Calendar, u: datetime) -> bool:
    """Oracle written independently: the wall clock of the calendar's zone is in a window."""
    loc = u.astimezone(cal.zone)
    if loc.date() in cal.holidays:
        return False
    sec = loc.hour * 3600 + loc.minute * 60 + loc.second
    return any(w.start_s <= sec < w.end_s for w in cal.week[loc.weekday()])


# --- examples ---------------------------------------------------------------------------------


def test_always_open_is_plain_time():
    cal = Calendar.always()
    t = datetime(2026, 5, 4, 22, 0, tzinfo=UTC)
    assert cal.always_open
    assert add_business_time(cal, t, timedelta(seconds=15)) == t + timedelta(seconds=15)
    assert business_time_between(cal, t, t + 3 * H) == 3 * H
    assert is_open(cal, t) and next_open(cal, t) == t


def test_friday_evening_rolls_over_the_weekend_and_lunch():
    cal = office()
    fri = local(KYIV, 2026, 5, 8, 17, 30)  # Friday
    assert add_business_time(cal, fri, H) == local(KYIV, 2026, 5, 11, 9, 30)
    # 4.5 h from Monday 10:00: 3 h before lunch, then 1.5 h after → 15:30
    assert add_business_time(cal, local(KYIV, 2026, 5, 11, 10), 4.5 * H) == local(
        KYIV, 2026, 5, 11, 15, 30
    )
    # lunch is closed
    assert not is_open(cal, local(KYIV, 2026, 5, 11, 13, 30))
    assert next_open(cal, local(KYIV, 2026, 5, 11, 13, 30)) == local(KYIV, 2026, 5, 11, 14)


def test_duration_ending_at_close_gives_the_close_not_the_next_opening():
    cal = office()
    assert add_business_time(cal, local(KYIV, 2026, 5, 11, 12), H) == local(KYIV, 2026, 5, 11, 13)
    assert add_business_time(cal, local(KYIV, 2026, 5, 11, 20), timedelta(0)) == local(
        KYIV, 2026, 5, 11, 20
    )


def test_window_past_midnight_is_split_across_days():
    cal = Calendar.business("night", "UTC", {"fri": "22:00-02:00"})
    assert cal.week[4] == (Window(22 * 3600, 86400),)
    assert cal.week[5] == (Window(0, 2 * 3600),)
    fri = datetime(2026, 5, 8, 23, tzinfo=UTC)
    assert add_business_time(cal, fri, 2 * H) == datetime(2026, 5, 9, 1, tzinfo=UTC)
    assert add_business_time(cal, fri, 3 * H) == datetime(2026, 5, 9, 2, tzinfo=UTC)
    assert add_business_time(cal, fri, 4 * H) == datetime(2026, 5, 15, 23, tzinfo=UTC)


def test_holidays_are_closed_and_business_days_skip_them():
    cal = office("Australia/Sydney", ["2026-04-03", "2026-04-06"])  # Good Friday, Easter Monday
    thu = local(SYD, 2026, 4, 2, 10, 0)
    assert not is_open(cal, local(SYD, 2026, 4, 3, 10))
    assert add_business_time(cal, local(SYD, 2026, 4, 2, 17), 2 * H) == local(SYD, 2026, 4, 7, 10)
    # P4 "3 business days" over Good Friday, the weekend and Easter Monday
    assert add_business_days(cal, thu, 3) == local(SYD, 2026, 4, 9, 10)


def test_business_days_start_outside_hours_and_shorter_target_day():
    cal = Calendar.business(
        "short-fri", "Europe/Kyiv", {"mon-thu": "09:00-18:00", "fri": "09:00-15:00"}
    )
    sat = local(KYIV, 2026, 5, 9, 12)
    assert add_business_days(cal, sat, 1) == local(KYIV, 2026, 5, 12, 9)  # Mon 09:00 + 1 → Tue
    thu_late = local(KYIV, 2026, 5, 14, 17)
    assert add_business_days(cal, thu_late, 1) == local(KYIV, 2026, 5, 15, 15)  # Fri closes 15:00
    assert add_business_days(cal, thu_late, 0) == thu_late.astimezone(UTC)


def test_business_days_on_a_24_7_calendar_keep_the_wall_clock_across_dst():
    cal = Calendar.always("24x7-syd", "Australia/Sydney")
    before = local(SYD, 2026, 10, 3, 12)  # clocks jump forward on Sunday 4 October
    assert add_business_days(cal, before, 3) == local(SYD, 2026, 10, 6, 12)
    assert add_business_days(cal, before, 3) - before.astimezone(UTC) == 3 * 24 * H - H


@pytest.mark.parametrize(
    ("tz", "day", "window", "real_hours"),
    [
        # Sydney: 2026-04-05 03:00 AEDT → 02:00 AEST (repeated hour), 2026-10-04 02:00 → 03:00
        ("Australia/Sydney", date(2026, 4, 5), "00:00-06:00", 7),
        ("Australia/Sydney", date(2026, 10, 4), "00:00-06:00", 5),
        ("Australia/Sydney", date(2026, 10, 4), "01:00-03:00", 1),
        ("Australia/Sydney", date(2026, 10, 4), "02:15-02:45", 0),
        # Kyiv: 2026-03-29 03:00 → 04:00, 2026-10-25 04:00 → 03:00
        ("Europe/Kyiv", date(2026, 3, 29), "00:00-06:00", 5),
        ("Europe/Kyiv", date(2026, 10, 25), "00:00-06:00", 7),
        ("Europe/Kyiv", date(2026, 10, 25), "03:30-04:00", 1),
    ],
)
def test_dst_nights(tz, day, window, real_hours):
    zone = ZoneInfo(tz)
    cal = Calendar.business("dst", tz, {"daily": window})
    a = datetime.combine(day, time(), tzinfo=zone)
    b = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    assert business_time_between(cal, a, b) == real_hours * H


@pytest.mark.parametrize(
    ("tz", "day"),
    [
        ("Australia/Sydney", date(2026, 4, 4)),
        ("Australia/Sydney", date(2026, 10, 3)),
        ("Europe/Kyiv", date(2026, 3, 28)),
        ("Europe/Kyiv", date(2026, 10, 24)),
        ("Australia/Lord_Howe", date(2026, 4, 4)),  # 30-minute DST
        ("America/Santiago", date(2026, 4, 3)),  # changes at midnight
    ],
)
def test_minute_by_minute_against_the_wall_clock_oracle(tz, day):
    cal = Calendar.business(
        "odd", tz, {"daily": "00:45-01:15, 01:30-02:30, 03:30-05:00, 22:00-00:30"}
    )
    a = datetime.combine(day, time(), tzinfo=ZoneInfo(tz)).astimezone(UTC)
    open_minutes = 0
    for m in range(3 * 24 * 60):
        u = a + m * M
        expected = brute_open(cal, u)
        assert is_open(cal, u) == expected, u
        open_minutes += expected
    assert business_time_between(cal, a, a + timedelta(days=3)) == open_minutes * M


def test_bad_calendars_are_refused():
    with pytest.raises(CalendarError, match="does not exist"):
        Calendar.business("x", "Mars/Olympus_Mons", {"mon": "09:00-10:00"})
    with pytest.raises(CalendarError, match="overlap"):
        Calendar.business("x", "UTC", {"mon": "09:00-12:00, 11:00-13:00"})
    with pytest.raises(CalendarError, match="impossible"):
        Calendar.business("x", "UTC", {"mon": "09:00-25:00"})
    with pytest.raises(CalendarError, match="empty"):
        Calendar.business("x", "UTC", {"mon": "09:00-09:00"})
    with pytest.raises(CalendarError, match="not 'HH:MM-HH:MM'"):
        Calendar.business("x", "UTC", {"mon": "nine to five"})
    with pytest.raises(CalendarError, match="weekday"):
        Calendar.business("x", "UTC", {"funday": "09:00-10:00"})
    with pytest.raises(CalendarError, match="twice"):
        Calendar.business("x", "UTC", {"mon-fri": "09:00-10:00", "fri": "11:00-12:00"})
    with pytest.raises(CalendarError, match="never open"):
        Calendar.business("x", "UTC", {})
    with pytest.raises(CalendarError, match="not a date"):
        Calendar.business("x", "UTC", {"mon": "09:00-10:00"}, ["2026-13-01"])


def test_naive_datetimes_and_negative_durations_are_refused():
    cal = office()
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(cal, datetime(2026, 5, 4, 10), H)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(cal, local(KYIV, 2026, 5, 4, 10), -H)
    with pytest.raises(ValueError, match="negative"):
        add_business_days(cal, local(KYIV, 2026, 5, 4, 10), -1)


def test_a_calendar_closed_forever_by_holidays_fails_instead_of_looping():
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(4 * 366)]
    cal = Calendar.business("closed", "UTC", {"daily": "09:00-10:00"}, days)
    with pytest.raises(CalendarError, match="no open time"):
        next_open(cal, datetime(2026, 1, 1, tzinfo=UTC))


def test_business_time_between_is_antisymmetric():
    cal = office()
    a, b = local(KYIV, 2026, 5, 11, 10), local(KYIV, 2026, 5, 12, 10)
    assert business_time_between(cal, a, b) == 8 * H
    assert business_time_between(cal, b, a) == -8 * H


# --- iCal -----------------------------------------------------------------------------------

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//holidays//EN
BEGIN:VEVENT
UID:1
DTSTART;VALUE=DATE:20260126
DTEND;VALUE=DATE:20260127
SUMMARY:Australia Day
END:VEVENT
BEGIN:VEVENT
UID:2
DTSTART;VALUE=DATE:20260403
DTEND;VALUE=DATE:20260407
SUMMARY:Easter (Good Friday to Easter Monday)
END:VEVENT
BEGIN:VEVENT
UID:3
DTSTART;VALUE=DATE:20251225
RRULE:FREQ=YEARLY
EXDATE;VALUE=DATE:20261225
SUMMARY:Christmas (not in 2026 here)
END:VEVENT
BEGIN:VEVENT
UID:4
DTSTART;VALUE=DATE:20260608
STATUS:CANCELLED
SUMMARY:cancelled
END:VEVENT
BEGIN:VEVENT
UID:5
DTSTART;TZID=Europe/Kyiv:20260824T000000
DTEND;TZID=Europe/Kyiv:20260825T000000
SUMMARY:Independence Day (timed, whole day)
END:VEVENT
END:VCALENDAR
"""


def test_ical_holidays():
    got = parse_ical_holidays(ICS, tz="Europe/Kyiv", until=date(2028, 12, 31))
    assert date(2026, 1, 26) in got
    assert {date(2026, 4, 3), date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 6)} <= got
    assert date(2026, 4, 7) not in got
    assert date(2025, 12, 25) in got and date(2027, 12, 25) in got
    assert date(2026, 12, 25) not in got  # EXDATE
    assert date(2026, 6, 8) not in got  # cancelled
    assert date(2026, 8, 24) in got and date(2026, 8, 25) not in got
    cal = office("Europe/Kyiv").with_holidays(got)
    assert not is_open(cal, local(KYIV, 2026, 8, 24, 10))


def test_bad_ical_is_refused():
    with pytest.raises(CalendarError, match="iCalendar"):
        parse_ical_holidays("this is not a calendar")


# --- properties -----------------------------------------------------------------------------

ZONES = ["UTC", "Australia/Sydney", "Europe/Kyiv", "America/New_York", "Australia/Lord_Howe"]


@st.composite
def calendars(draw) -> Calendar:
    tz = draw(st.sampled_from(ZONES))
    if draw(st.integers(0, 5)) == 0:
        return Calendar.always("24x7", tz)
    hours = {}
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        cuts = sorted(draw(st.sets(st.integers(0, 48), max_size=4)))
        if len(cuts) % 2:
            cuts = cuts[:-1]
        spans = [
            f"{a // 2:02d}:{a % 2 * 30:02d}-{b // 2:02d}:{b % 2 * 30:02d}"
            for a, b in zip(cuts[::2], cuts[1::2], strict=True)
        ]
        if spans:
            hours[day] = ", ".join(spans)
    if not hours:
        hours["wed"] = "09:00-17:00"
    holidays = draw(st.lists(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=10))
    return Calendar.business("prop", tz, hours, holidays)


instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=6))
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(calendars(), instants, durations)
def test_add_then_between_round_trips(cal, start, d):
    end = add_business_time(cal, start, d)
    assert end >= start
    assert business_time_between(cal, start, end) == d
    if d > timedelta(0):
        assert business_time_between(cal, start, end - timedelta(microseconds=1)) < d


@PROPS
@given(calendars(), instants, instants, durations)
def test_monotonic_in_start(cal, s1, s2, d):
    s1, s2 = min(s1, s2), max(s1, s2)
    assert add_business_time(cal, s1, d) <= add_business_time(cal, s2, d)


@PROPS
@given(calendars(), instants, durations, durations)
def test_monotonic_and_additive_in_duration(cal, start, d1, d2):
    a = add_business_time(cal, start, d1)
    b = add_business_time(cal, start, d1 + d2)
    assert a <= b
    assert add_business_time(cal, a, d2) == b or business_time_between(cal, a, b) == d2


@PROPS
@given(calendars(), instants, instants, instants)
def test_between_is_additive(cal, a, b, c):
    a, b, c = sorted((a, b, c))
    total = business_time_between(cal, a, b) + business_time_between(cal, b, c)
    assert total == business_time_between(cal, a, c)


@settings(max_examples=40, deadline=None)
@given(calendars(), st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 28)))
def test_dst_safe_against_the_oracle(cal, start):
    """Across any day of 2026 in zones with DST: open-ness and business time match the oracle
    minute by minute (all windows and transitions fall on whole minutes)."""
    a = start.replace(second=0, microsecond=0, tzinfo=UTC)
    n = 0
    for m in range(0, 26 * 60, 5):
        u = a + m * M
        assert is_open(cal, u) == brute_open(cal, u), u
    for m in range(26 * 60):
        n += brute_open(cal, a + m * M)
    assert business_time_between(cal, a, a + 26 * H) == n * M


@PROPS
@given(calendars(), instants, st.integers(0, 10))
def test_business_days_land_on_business_days_in_order(cal, start, n):
    r = add_business_days(cal, start, n)
    assert r >= next_open(cal, start)
    if n:
        assert add_business_days(cal, start, n - 1) <= r
        loc = r.astimezone(cal.zone)
        days = {loc.date(), (r - timedelta(microseconds=1)).astimezone(cal.zone).date()}
        assert any(business_time_between(cal, *_day_bounds(cal, d)) > timedelta(0) for d in days)


def _day_bounds(cal: Calendar, d: date) -> tuple[datetime, datetime]:
    a = datetime.combine(d, time(), tzinfo=cal.zone)
    return a, datetime.combine(d + timedelta(days=1), time(), tzinfo=cal.zone)
