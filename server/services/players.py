"""Players: upsert by external id (on ticket creation and through the API)."""

from __future__ import annotations

from typing import Any

from .. import shapes
from ..domain.errors import NotFound
from ..domain.values import Tier
from ..security import hash_password
from ..store import players as player_store
from ..store import tickets as ticket_store
from ..store.database import WriteContext

PLAYER_FIELDS = (
    "name",
    "tier",
    "host",
    "languages",
    "timezone",
    "preferred_channels",
    "quiet_mode",
    "currency",
    "kyc_state",
    "profile",
)
DEFAULTS: dict[str, Any] = {
    "name": None,
    "tier": "standard",
    "host": None,
    "languages": [],
    "timezone": None,
    "preferred_channels": [],
    "quiet_mode": False,
    "currency": None,
    "kyc_state": None,
    "profile": {},
}


def upsert_player(
    ctx: WriteContext, external_id: str, data: dict[str, Any], *, only_if_given: bool = False
) -> dict[str, Any]:
    """Create the player or change the fields given. Returns the stored row.

    `only_if_given`: a ticket's embedded player changes only the fields it names (a channel
    that knows only the id never wipes the profile).
    """
    conn, now = ctx.conn, ctx.now
    given = {k: data[k] for k in PLAYER_FIELDS if k in data and data[k] is not None}
    if not only_if_given:
        # null clears a field back to its default (tier standard, no languages, …)
        given.update(
            {k: DEFAULTS[k] if data[k] is None else data[k] for k in PLAYER_FIELDS if k in data}
        )
    code_word = data.get("code_word")
    row = player_store.get_by_external_id(conn, external_id)
    if row is None:
        values = {**DEFAULTS, **given, "external_id": external_id}
        values["code_word_hash"] = hash_password(code_word) if code_word else None
        values.update(created_at=now, updated_at=now)
        player_id = player_store.create(conn, values)
        row = {**values, "id": player_id}
        ctx.record("player", external_id, "create", shapes.player(row))
        return row
    changed = {k: v for k, v in given.items() if row.get(k) != v}
    if code_word:
        changed["code_word_hash"] = hash_password(code_word)
    if not changed:
        return row
    changed["updated_at"] = now
    player_store.update_fields(conn, row["id"], changed)
    row = {**row, **changed}
    if "tier" in changed:
        moved = ticket_store.set_tier_rank_for_player(conn, row["id"], Tier(row["tier"]).rank)
        for ticket_id in moved:  # their place in the work order changed: tell the consoles
            ticket_row = ticket_store.get(conn, ticket_id)
            if ticket_row is not None:
                ctx.record("ticket", ticket_id, "update", shapes.ticket(ticket_row))
    ctx.record("player", external_id, "update", shapes.player(row))
    return row


def get_player(conn: Any, external_id: str) -> dict[str, Any]:
    row = player_store.get_by_external_id(conn, external_id)
    if row is None:
        raise NotFound(f"player '{external_id}' does not exist", {"external_id": external_id})
    return shapes.player(row)
