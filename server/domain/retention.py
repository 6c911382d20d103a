"""The retention policy's rules: what is due, and what an anonymised row keeps. Pure.

Closed tickets whose last change is older than the policy's days lose what a person wrote or
is: subjects, message bodies, player names in threads, attachment files and names, transaction
references. What the desk needs for its statistics and its accountability stays: ticket
numbers, times, statuses, priorities, queues, tags, SLA facts, who on the desk did what, and
the audit trail (a legal record, kept whole so its hash chain still verifies).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .errors import DomainError

ANONYMISED = "[anonymised]"
# Message kinds whose text is the desk's own status line ("maria: status new → accepted").
KEPT_KINDS = frozenset({"system"})
# Player fields cleared back to these values (tier and host are desk facts, kept).
PLAYER_CLEARED: dict[str, Any] = {
    "name": None,
    "languages": [],
    "timezone": None,
    "preferred_channels": [],
    "quiet_mode": False,
    "currency": None,
    "kyc_state": None,
    "profile": {},
    "code_word_hash": None,
}


class Anonymised(DomainError):
    """The thing asked for was deleted by the retention policy."""

    status = 410
    code = "anonymised"


def cutoff(now: datetime, days: int) -> datetime:
    """Closed tickets last changed before this instant are due."""
    if days <= 0:
        raise ValueError("retention is off (retention_days = 0)")
    return now - timedelta(days=days)


def anonymised_external_id(player_id: int) -> str:
    """The player's new id: the casino's account id identifies the person, so it goes too."""
    return f"anonymised-{player_id}"


def message_values(kind: str) -> dict[str, Any] | None:
    """Column values that anonymise a message of this kind; None: nothing in it to remove."""
    if kind in KEPT_KINDS:
        return None
    values: dict[str, Any] = {"body": ANONYMISED, "retract_reason": None}
    if kind in ("player", "bot"):
        values["author_name"] = None  # the player's name
    return values


TICKET_VALUES: dict[str, Any] = {"subject": ANONYMISED, "transaction_refs": []}
ATTACHMENT_VALUES: dict[str, Any] = {"filename": ANONYMISED}


def redact_change(entity: str, data: dict[str, Any], player_ids: dict[str, str]) -> dict[str, Any]:
    """An old change-log entry with the personal data taken out, the rest of it as it was.

    `player_ids`: old external id → anonymised one, for the players anonymised in this run.
    """
    out = dict(data)
    if entity == "ticket":
        if "subject" in out:
            out.update(TICKET_VALUES)
        if isinstance(out.get("player"), dict):
            player = dict(out["player"])
            if player.get("external_id") in player_ids:
                player["external_id"] = player_ids[player["external_id"]]
                player["name"] = None
            out["player"] = player
    elif entity == "message":
        values = message_values(str(out.get("kind")))
        if values:
            out["body"] = ANONYMISED
            out["retract_reason"] = None
            if "author_name" in values:
                out["author_name"] = None
    elif entity == "attachment":
        out.update(ATTACHMENT_VALUES)
    elif entity == "player":
        old = out.get("external_id")
        out.update({k: v for k, v in PLAYER_CLEARED.items() if k != "code_word_hash"})
        out["has_code_word"] = False
        if old in player_ids:
            out["external_id"] = player_ids[old]
    return out
