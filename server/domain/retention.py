"""The retention policy's rules: what is due, and what an anonymised row keeps. Pure.

Closed tickets whose last change is older than the policy's days lose what a person wrote or
is: subjects, message bodies, player names in threads, attachment files and names, transaction
references, the shift leads' free-text reasons on the SLA history (and where the desk's status
lines quote them), the intake's copy of the conversation; a player without a live ticket loses
their profile and the channel identities (chat ids, phones, cards) that linked them. What the
desk needs for its statistics and its accountability stays: ticket numbers, times, statuses,
priorities, queues, tags, SLA facts, feedback scores, who on the desk did what, and the audit
trail (a legal record, kept whole so its hash chain still verifies: it keeps the player ids and
reasons it recorded).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
# The intake's log of what the bot handled: the player's words and the bot's reply go; the
# outcome, intent, language and times stay (statistics).
INTAKE_LOG_VALUES: dict[str, Any] = {"body": ANONYMISED, "masked_body": None, "reply": ANONYMISED}
# Desk lines (system messages) that are about the player's money as a whole: the intake's
# payment look-ups ("payments backend: withdrawal TX-1 250 EUR is pending …").
PLAYER_DATA_LINES = ("payments backend:",)


@dataclass(frozen=True, slots=True)
class Quoted:
    """What a ticket's desk lines may quote of the person: the shift leads' free-text reasons
    (said at the end of "… escalated to level 2: REASON" and "…: SLA exempt — REASON") and the
    ticket's transaction references."""

    reasons: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()

    def scrub(self, line: str) -> str:
        """The desk line without the person's data (the same string when there is none)."""
        if line.startswith(PLAYER_DATA_LINES):
            return ANONYMISED
        out = line
        for reason in sorted(set(self.reasons), key=len, reverse=True):
            if reason and reason != ANONYMISED and out.endswith(reason):
                out = out[: -len(reason)] + ANONYMISED
                break
        for ref in self.refs:
            if len(ref) >= 3:  # a one- or two-character ref would match anything
                out = out.replace(ref, ANONYMISED)
        return out


def quoted(reasons: Iterable[str | None], refs: Iterable[str] | None) -> Quoted:
    return Quoted(
        tuple(r for r in reasons if r and r != ANONYMISED), tuple(r for r in refs or () if r)
    )


def redact_sla(snapshot: Any) -> dict[str, Any] | None:
    """The ticket's SLA snapshot without the exemption's reason; None when nothing changes."""
    if isinstance(snapshot, dict) and snapshot.get("exempt_reason") not in (None, ANONYMISED):
        return {**snapshot, "exempt_reason": ANONYMISED}
    return None


def redact_change(
    entity: str,
    data: dict[str, Any],
    player_ids: dict[str, str],
    quotes: Mapping[int, Quoted] | None = None,
) -> dict[str, Any]:
    """An old change-log entry with the personal data taken out, the rest of it as it was.

    `player_ids`: old external id → anonymised one, for the players anonymised in this run;
    `quotes`: ticket id → what its desk lines quote of the person."""
    out = dict(data)
    if entity == "ticket":
        if "subject" in out:
            out.update(TICKET_VALUES)
        sla = redact_sla(out.get("sla"))
        if sla is not None:
            out["sla"] = sla
        if isinstance(out.get("player"), dict):
            player = dict(out["player"])
            if player.get("external_id") in player_ids:
                player["external_id"] = player_ids[player["external_id"]]
                player["name"] = None
            out["player"] = player
    elif entity == "message":
        values = message_values(str(out.get("kind")))
        said = (quotes or {}).get(out.get("ticket_id"))
        if values is None and said is not None and isinstance(out.get("body"), str):
            out["body"] = said.scrub(out["body"])
        elif values:
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
