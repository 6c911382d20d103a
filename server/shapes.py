"""The public JSON shapes of entities, built from database rows. Pure functions."""

from __future__ import annotations

from typing import Any

from .domain.numbers import display_number
from .domain.status import allowed_next
from .domain.values import Status
from .store.rows import aware

TIER_BY_RANK = {0: "vvip", 1: "vip", 2: "standard"}
ALLOWED = {status: [s.value for s in allowed_next(status)] for status in Status}


def ticket(row: dict[str, Any]) -> dict[str, Any]:
    status = Status(row["status"])
    return {
        "id": row["id"],
        "number": row["id"],
        "display_number": display_number(row["id"]),
        "subject": row["subject"],
        "status": status.value,
        "priority": row["priority"],
        "queue": row["queue"],
        "channel": row["channel"],
        "language": row["language"],
        "player": {
            "external_id": row["player_external_id"],
            "name": row["player_name"],
            "tier": TIER_BY_RANK[row["tier_rank"]],
            "host": row["player_host"],
        },
        "assignee": row["assignee_username"],
        "team": row["team"],
        "tags": row["tags"],
        "transaction_refs": row["transaction_refs"],
        "escalation_level": row["escalation_level"],
        "version": row["version"],
        "created_at": aware(row["created_at"]),
        "updated_at": aware(row["updated_at"]),
        "waiting_on": row["waiting_on"],
        "waiting_since": aware(row["waiting_since"]),
        "last_message_at": aware(row["last_message_at"]),
        "message_count": row["message_count"],
        "allowed_transitions": ALLOWED[status],
        # Set: the retention policy anonymised this closed ticket (subject, texts, files).
        "anonymised_at": aware(row.get("anonymised_at")),
        # the bot's follow-up once asked: {"state","csat","nps","asked_at","answered_at"}
        "feedback": row.get("feedback"),
    }


def message(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "ticket_id": row["ticket_id"],
        "kind": row["kind"],
        "author": row["author_username"],
        "author_name": row["author_name"],
        "channel": row["channel"],
        "body": row["body"],
        "quote_id": row["quote_id"],
        "created_at": aware(row["created_at"]),
        "retracted": row["retracted_at"] is not None,
        "retracted_at": aware(row["retracted_at"]),
        "retract_reason": row["retract_reason"],
    }


def attachment(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "ticket_id": row["ticket_id"],
        "message_id": row["message_id"],
        "filename": row["filename"],
        "content_type": row["content_type"],
        "size": row["size"],
        "sha256": row["sha256"],
        "created_at": aware(row["created_at"]),
        "url": f"/api/v1/attachments/{row['id']}",
        # Set: the retention policy deleted the file (the metadata stays).
        "anonymised_at": aware(row.get("anonymised_at")),
    }


def player(row: dict[str, Any]) -> dict[str, Any]:
    # The code word is stored hashed and never leaves the server; say only whether one is set.
    return {
        "external_id": row["external_id"],
        "name": row["name"],
        "tier": row["tier"],
        "host": row["host"],
        "languages": row["languages"],
        "timezone": row["timezone"],
        "preferred_channels": row["preferred_channels"],
        "quiet_mode": row["quiet_mode"],
        "currency": row["currency"],
        "kyc_state": row["kyc_state"],
        "profile": row["profile"],
        "has_code_word": row["code_word_hash"] is not None,
        "created_at": aware(row["created_at"]),
        "updated_at": aware(row["updated_at"]),
    }


def user(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "username": row["username"],
        "display_name": row["display_name"],
        "role": row["role"],
        "languages": row["languages"],
        "queues": row["queues"],
    }
