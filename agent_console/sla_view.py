"""What the console shows of a ticket's `sla` object, at any instant (pure: the clock comes in).

The server projects `sla` when it answers (`state`, `remaining_s` at that moment); a cached
ticket is shown for minutes or hours after that. So the countdown runs to the nearest due time
(`first_response_due_at`, `next_update_due_at`, `resolution_due_at`: wall-clock deadlines, also
for business-hours queues), and the state moves on by itself where the server said it would:
past the due time it is breached; past `next_change_at` (before the due time) an ok clock has
reached its warning threshold. A paused clock shows what was left when it paused.
Tickets without `sla` (older servers, or not wired yet) show nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

STATES = ("ok", "warning", "breached", "paused", "met")
DUE_FIELDS = ("first_response_due_at", "next_update_due_at", "resolution_due_at")


class SlaFacts(NamedTuple):
    """The parts of `sla` the countdown needs, parsed once per ticket version."""

    state: str  # as the server said, or "" without an sla object
    due: float | None  # the nearest due time (epoch seconds)
    change: float | None  # next_change_at (epoch seconds)
    remaining_s: int | None
    predicted: bool


NO_SLA = SlaFacts("", None, None, None, False)


def _epoch(value: Any) -> float | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


def facts(ticket: dict[str, Any]) -> SlaFacts:
    sla = ticket.get("sla")
    if not isinstance(sla, dict):
        return NO_SLA
    if sla.get("exempt"):
        return SlaFacts("met", None, None, None, False)
    dues = [e for e in (_epoch(sla.get(f)) for f in DUE_FIELDS) if e is not None]
    state = sla.get("state") if sla.get("state") in STATES else "ok"
    if sla.get("paused") and state in ("ok", "warning"):
        state = "paused"
    remaining = sla.get("remaining_s")
    return SlaFacts(
        state,
        min(dues, default=None),
        _epoch(sla.get("next_change_at")),
        remaining if isinstance(remaining, int) else None,
        bool(sla.get("predicted_breach")),
    )


def state_at(f: SlaFacts, now: float) -> str:
    """The state now: "" (no SLA), ok, warning, breached, paused or met."""
    if f.state in ("", "met", "paused", "breached") or f.due is None:
        return f.state
    if now >= f.due:
        return "breached"
    if f.state == "ok" and f.change is not None and f.change <= now:
        return "warning"
    return f.state


def clock(seconds: float) -> str:
    """Compact, second by second near the end: 4:05, 1h07, 2d03."""
    s = int(abs(seconds))
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    if s < 86400:
        return f"{s // 3600}h{s % 3600 // 60:02d}"
    return f"{s // 86400}d{s % 86400 // 3600:02d}"


def cell(f: SlaFacts, now: float) -> tuple[str, str]:
    """(text, state) for the SLA column; '-' marks time past the deadline, '!' a predicted
    breach."""
    state = state_at(f, now)
    if not state:
        return "", ""
    if state == "met":
        return "met", state
    if state == "paused":
        left = f.remaining_s
        return ("⏸ " + clock(left) if left is not None else "⏸"), state
    if f.due is None:
        return state, state
    left = f.due - now
    text = ("-" if left < 0 else "") + clock(left)
    if f.predicted and state in ("ok", "warning"):
        text += "!"
    return text, state


def health(states: list[str]) -> tuple[int, int]:
    """(warning, breached) counts."""
    return states.count("warning"), states.count("breached")
