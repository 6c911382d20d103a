"""Timed automation on a ticket (pure): the player's silence, and the agent's follow-up time.

Issue 5 item 7. Two timers ride on the SLA clock (the same due index, firing keys and job):

* **Silence** — a ticket whose agent asked the player for clarification
  (``needs_clarification``, waiting on the player) since ``T``: after ``remind_after`` the bot
  reminds the player; after a further ``resolve_after`` with still no answer the ticket is
  resolved automatically. A player's answer ends the cycle (the ticket no longer waits on the
  player); asking again starts a new one. The reminder is player-facing: it waits for the end
  of the player's quiet hours (their local night), except for P1; a player in quiet mode gets
  no reminder, and the ticket is still resolved on time.
* **Follow-up** — ``:pending 2h`` in the console stores a ``follow-up/<ISO time>`` tag; at that
  time the assignee is reminded on the ticket's history and the feed.

Public API::

    AutomationRules(remind_after=24h, resolve_after=48h, quiet=QuietWindow 22:00-08:00)
    Silence(since, priority, timezone=None, quiet_mode=False)
    timers(rules, silence | None, tags, now) -> list[Timer]
    follow_up_at(tags) -> datetime | None
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .quiet_hours import DEFAULT_WINDOW, QuietWindow, next_send_time

FOLLOW_UP_PREFIX = "follow-up/"
SILENCE = "automation:silence"
FOLLOW_UP = "automation:follow_up"


@dataclass(frozen=True)
class AutomationRules:
    remind_after: timedelta | None = timedelta(hours=24)  # None: no reminder
    resolve_after: timedelta | None = timedelta(hours=48)  # after the reminder; None: never
    quiet: QuietWindow = field(default_factory=lambda: QuietWindow.parse(DEFAULT_WINDOW))
    fallback_zone: str = "UTC"


@dataclass(frozen=True)
class Silence:
    since: datetime  # the agent asked the player (status needs_clarification) at this time
    priority: str
    timezone: str | None = None
    quiet_mode: bool = False


@dataclass(frozen=True)
class Timer:
    clock: str  # SILENCE | FOLLOW_UP
    started_at: datetime  # the cycle: when the silence began, or the follow-up time itself
    event: str  # "reminder" | "auto_resolve" | "due"
    at: datetime


def follow_up_at(tags: Iterable[str]) -> datetime | None:
    """The follow-up time a ``follow-up/<ISO time>`` tag asks for (the latest if several;
    tags that do not parse are ignored — they are the agent's free text)."""
    found = []
    for tag in tags:
        if tag.startswith(FOLLOW_UP_PREFIX):
            try:
                # the console writes basic ISO in lower case: follow-up/20260501t1400z
                at = datetime.fromisoformat(tag[len(FOLLOW_UP_PREFIX) :].upper())
            except ValueError:
                continue
            found.append(at if at.tzinfo else at.replace(tzinfo=UTC))
    return max(found, default=None)


def timers(
    rules: AutomationRules, silence: Silence | None, tags: Iterable[str], now: datetime
) -> list[Timer]:
    """Every automation timer of a ticket, past or future (the caller fires those due)."""
    out: list[Timer] = []
    if silence is not None:
        start = silence.since
        if rules.remind_after is not None:
            planned = start + rules.remind_after
            send = next_send_time(
                planned,
                silence.timezone,
                rules.quiet,
                critical=silence.priority == "P1",
                quiet_mode=silence.quiet_mode,
                fallback_zone=rules.fallback_zone,
            )
            if send is not None:
                out.append(Timer(SILENCE, start, "reminder", send))
            if rules.resolve_after is not None:
                # counted from the planned reminder, so a deferred reminder does not delay it
                out.append(Timer(SILENCE, start, "auto_resolve", planned + rules.resolve_after))
        elif rules.resolve_after is not None:
            out.append(Timer(SILENCE, start, "auto_resolve", start + rules.resolve_after))
    follow = follow_up_at(tags)
    if follow is not None:
        out.append(Timer(FOLLOW_UP, follow, "due", follow))
    return out
