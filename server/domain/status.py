"""The ticket status machine (DESIGN.md).

new → accepted → in_progress ⇄ needs_clarification → resolved → closed;
resolved/closed → reopened. A reopened ticket is worked again like an accepted one.
"""

from __future__ import annotations

from .errors import IllegalTransition
from .values import Status

S = Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.new: frozenset({S.accepted, S.in_progress, S.resolved}),
    S.accepted: frozenset({S.in_progress, S.needs_clarification, S.resolved}),
    S.in_progress: frozenset({S.needs_clarification, S.resolved}),
    S.needs_clarification: frozenset({S.in_progress, S.resolved}),
    S.resolved: frozenset({S.closed, S.reopened}),
    S.closed: frozenset({S.reopened}),
    S.reopened: frozenset({S.in_progress, S.needs_clarification, S.resolved}),
}


def allowed_next(current: Status) -> list[Status]:
    """The statuses a ticket in `current` may move to, in a stable order."""
    return [s for s in Status if s in TRANSITIONS[current]]


def check_transition(current: Status, target: Status) -> None:
    """Raise IllegalTransition (listing what is allowed) unless current → target is legal.

    Setting the status a ticket already has is not a change and is allowed.
    """
    if current == target or target in TRANSITIONS[current]:
        return
    allowed = [s.value for s in allowed_next(current)]
    raise IllegalTransition(
        f"a ticket in status '{current}' cannot move to '{target}'; "
        f"allowed: {', '.join(allowed) or 'none'}",
        {"from": current.value, "to": target.value, "allowed": allowed},
    )


def after_agent_reply(current: Status) -> Status:
    """An agent's public reply starts work on a ticket that was only new or accepted."""
    if current in (S.new, S.accepted, S.reopened):
        return S.in_progress
    return current


def after_player_message(current: Status) -> Status:
    """A player writing again: an answer resumes work; a message on a finished ticket reopens it."""
    if current == S.needs_clarification:
        return S.in_progress
    if current in (S.resolved, S.closed):
        return S.reopened
    return current


def waiting_on_after_status(target: Status, waiting_on: str | None) -> str | None:
    """Who the ticket waits for once it is in `target`: "agent" (the player waits on us),
    "player" (we wait on the player), or None when it is finished."""
    if target == S.needs_clarification:
        return "player"
    if not target.is_open:
        return None
    if target in (S.reopened, S.in_progress) and waiting_on != "player":
        return "agent"
    return waiting_on or "agent"
