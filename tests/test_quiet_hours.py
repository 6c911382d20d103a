"""Quiet hours: pure, time passed in; wrapping windows, time zones, DST, quiet mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.quiet_hours import QuietWindow, is_quiet, next_send_time

T = datetime(2026, 12, 4, 21, 30, tzinfo=UTC)


def test_window_parsing_and_wrap():
    w = QuietWindow.parse("22:00-08:00")
    assert w.contains(datetime(2026, 1, 1, 23, 0).time())
    assert w.contains(datetime(2026, 1, 1, 7, 59).time())
    assert not w.contains(datetime(2026, 1, 1, 8, 0).time())
    assert QuietWindow.parse("13:00-14:00").contains(datetime(2026, 1, 1, 13, 30).time())
    assert not QuietWindow.parse("09:00-09:00").contains(datetime(2026, 1, 1, 9, 0).time())
    with pytest.raises(ValueError, match="22:00-08:00"):
        QuietWindow.parse("late evening")


def test_in_the_players_time_zone():
    # 21:30 UTC is 02:30 in Almaty (quiet), 22:30 in Berlin (quiet), 16:30 in New York (not)
    assert is_quiet(T, "Asia/Almaty")
    assert is_quiet(T, "Europe/Berlin")
    assert not is_quiet(T, "America/New_York")
    assert not is_quiet(T, None)  # unknown zone: UTC, 21:30 is before 22:00
    assert not is_quiet(T, "Not/AZone")  # an unknown name falls back too, never raises
    assert is_quiet(T, "America/New_York", quiet_mode=True)


def test_next_send_time_is_the_end_of_the_window():
    at = next_send_time(T, "Asia/Almaty")  # 02:30 local → 08:00 local = 03:00 UTC next day
    assert at == datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    evening = datetime(2026, 12, 4, 21, 30, tzinfo=UTC)  # 22:30 Berlin → 08:00 tomorrow
    assert next_send_time(evening, "Europe/Berlin") == datetime(2026, 12, 5, 7, 0, tzinfo=UTC)
    assert next_send_time(T, "America/New_York") == T
    assert next_send_time(T, "Asia/Almaty", critical=True) == T
    assert next_send_time(T, "Asia/Almaty", quiet_mode=True) is None
    assert next_send_time(T, "Asia/Almaty", quiet_mode=True, critical=True) == T


def test_dst_morning():
    # Europe/Berlin springs forward on 2026-03-29; 07:00 UTC that day is 09:00 local
    night = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET, quiet
    assert next_send_time(night, "Europe/Berlin") == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from(
        [
            "Asia/Almaty",
            "Europe/Athens",
            "Australia/Sydney",
            "America/Sao_Paulo",
            "Asia/Tehran",
            "Asia/Ulaanbaatar",
            None,
        ]
    ),
)
def test_the_send_time_is_never_quiet_and_never_more_than_a_window_away(now, tz):
    at = next_send_time(now, tz)
    assert at is not None and at >= now
    assert not is_quiet(at, tz)
    assert at - now <= timedelta(hours=11)  # a 10-hour window, plus a DST hour
