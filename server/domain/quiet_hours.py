"""Quiet hours: nothing that is not critical is sent to a player in their local night.

SEEDS 002/004: "quiet hours and pauses that respect the player's local time except for
critical cases". Pure: the time comes in as an argument. A window is local wall-clock time
("22:00-08:00" wraps past midnight); a player without a known time zone is taken to live in
the fallback zone (UTC unless configured). A player in quiet mode receives nothing that is
not critical at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_WINDOW = "22:00-08:00"


@dataclass(frozen=True, slots=True)
class QuietWindow:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietWindow:
        """`"22:00-08:00"` → a window; ValueError with a clear message otherwise."""
        try:
            a, b = (part.strip() for part in text.split("-"))
            start, end = time.fromisoformat(a), time.fromisoformat(b)
        except ValueError as exc:
            raise ValueError(f"quiet hours must look like 22:00-08:00, not {text!r}") from exc
        return cls(start, end)

    def contains(self, local: time) -> bool:
        if self.start == self.end:  # an empty window
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # wraps past midnight


def zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    """The player's zone; an unknown or missing name falls back (never raises)."""
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def is_quiet(
    now: datetime,
    timezone: str | None,
    window: QuietWindow | str = DEFAULT_WINDOW,
    *,
    quiet_mode: bool = False,
    fallback_zone: str = "UTC",
) -> bool:
    """Is it quiet time for this player at `now` (an aware datetime)?"""
    if quiet_mode:
        return True
    w = QuietWindow.parse(window) if isinstance(window, str) else window
    local = now.astimezone(zone(timezone, fallback_zone))
    return w.contains(local.time().replace(tzinfo=None))


def next_send_time(
    now: datetime,
    timezone: str | None,
    window: QuietWindow | str = DEFAULT_WINDOW,
    *,
    critical: bool = False,
    quiet_mode: bool = False,
    fallback_zone: str = "UTC",
) -> datetime | None:
    """When a message may go out: `now` if allowed, else the end of the player's quiet
    window (in UTC, as the caller's `now`); None when it must not be sent at all (a
    non-critical message to a player in quiet mode). Critical messages always go now."""
    if critical:
        return now
    if quiet_mode:
        return None
    w = QuietWindow.parse(window) if isinstance(window, str) else window
    tz = zone(timezone, fallback_zone)
    local = now.astimezone(tz)
    if not w.contains(local.time().replace(tzinfo=None)):
        return now
    end_date = local.date()
    if w.start > w.end and local.time().replace(tzinfo=None) >= w.start:
        end_date += timedelta(days=1)  # in the evening part: the window ends tomorrow
    naive_end = datetime.combine(end_date, w.end)
    # A wall-clock time that a DST jump skips resolves forward; fold=0 takes the earlier of
    # a repeated hour. Then back to now's zone.
    end = naive_end.replace(tzinfo=tz)
    end = end.astimezone(tz)  # normalise a non-existent local time
    return end.astimezone(now.tzinfo) if end > now else now
