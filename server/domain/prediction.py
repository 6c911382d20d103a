"""Predicted SLA breach: will a waiting ticket be answered before its due time? (pure)

Issue 5 item 8: per queue, the expected wait comes from the queue's depth, the agents online
who serve it and recent handling times. The model is a plain service line: a queue served by
``agents`` agents, each taking ``concurrency`` tickets at a time and spending ``handle_s`` on
one, picks up ``agents * concurrency / handle_s`` tickets a second; the ticket at position
``k`` of the work order (0 = next) waits ``(k + 1) * handle_s / (agents * concurrency)``
seconds, and nobody online means it waits indefinitely. A ticket is *predicted to breach*
when that wait ends after its due time, while its clock is not yet breached (a breach that
happened is reported as a breach, not a prediction).

Public API::

    QueueLoad(agents, handle_s, concurrency=1)
    handling_time(samples_s, default_s, floor_s=60, ceiling_s=7200) -> float
    expected_wait(position, load) -> float | None     # None: nobody to pick it up
    predicted_breach(now, due_at, position, load, horizon=None) -> bool

Only tickets due within ``horizon`` of now are predicted: nobody online at 03:00 says nothing
about a ticket due in three days (agents come on shift first); it does about one due at 03:20.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class QueueLoad:
    agents: int  # online agents serving the queue
    handle_s: float  # seconds an agent spends on one ticket (recent median)
    concurrency: int = 1  # tickets an agent works on at once


def handling_time(
    samples_s: Sequence[float],
    default_s: float,
    *,
    floor_s: float = 60.0,
    ceiling_s: float = 7200.0,
    min_samples: int = 5,
) -> float:
    """The median of recent handling times, kept within [floor, ceiling]; ``default_s`` until
    there are ``min_samples`` of them (a new queue, a quiet night)."""
    if len(samples_s) < min_samples:
        return default_s
    ordered = sorted(samples_s)
    mid = len(ordered) // 2
    median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return min(max(median, floor_s), ceiling_s)


def expected_wait(position: int, load: QueueLoad) -> float | None:
    """Seconds until the ticket at ``position`` (0 = next in work order) is picked up."""
    if position < 0:
        raise ValueError("position must be ≥ 0")
    slots = load.agents * max(1, load.concurrency)
    if slots <= 0:
        return None
    return (position + 1) * load.handle_s / slots


def predicted_breach(
    now: datetime,
    due_at: datetime | None,
    position: int,
    load: QueueLoad,
    horizon: timedelta | None = None,
) -> bool:
    if due_at is None or due_at <= now:
        return False  # no clock, or already breached: not a prediction any more
    if horizon is not None and due_at - now > horizon:
        return False
    wait = expected_wait(position, load)
    return wait is None or now + timedelta(seconds=wait) > due_at
