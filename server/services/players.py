"""Players: upsert by external id (on ticket creation and through the API)."""

from __future__ import annotations

import asyncio
from typing import Any

from .. import shapes
from ..domain.errors import NotFound
from ..domain.permissions import sees_sensitive_player_data
from ..domain.values import Tier
from ..security import hash_password
from ..store import players as player_store
from ..store import tickets as ticket_store
from ..store.database import WriteContext
from . import SYSTEM, Actor, audit, sla

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


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    """Values for the audit trail: the code word's hash is replaced by a mark."""
    out = {k: v for k, v in values.items() if k in PLAYER_FIELDS}
    if values.get("code_word_hash"):
        out["code_word"] = "set"
    return out


async def hash_code_word(data: dict[str, Any]) -> None:
    """Replace a clear code word in `data` by its hash, off the event loop and the writer."""
    code_word = data.pop("code_word", None)
    if code_word:
        data["code_word_hash"] = await asyncio.to_thread(hash_password, code_word)


def upsert_player(
    ctx: WriteContext,
    external_id: str,
    data: dict[str, Any],
    *,
    only_if_given: bool = False,
    actor: Actor = SYSTEM,
    action: str = "player.update",
    reason: str | None = None,
) -> dict[str, Any]:
    """Create the player or change the fields given. Returns the stored row.

    `only_if_given`: a ticket's embedded player changes only the fields it names (a channel
    that knows only the id never wipes the profile). `action` and `reason` name the change
    on the audit trail (a privacy correction is `player.correct`, with the player's request).
    """
    conn, now = ctx.conn, ctx.now
    given = {k: data[k] for k in PLAYER_FIELDS if k in data and data[k] is not None}
    if not only_if_given:
        # null clears a field back to its default (tier standard, no languages, …)
        given.update(
            {k: DEFAULTS[k] if data[k] is None else data[k] for k in PLAYER_FIELDS if k in data}
        )
    code_word = data.get("code_word")
    # The API hashes the code word before the write (argon2 is slow on purpose and must not
    # hold the writer); other callers (seeding) may pass it in clear.
    code_word_hash = data.get("code_word_hash") or (hash_password(code_word) if code_word else None)
    row = player_store.get_by_external_id(conn, external_id)
    if row is None:
        values = {**DEFAULTS, **given, "external_id": external_id}
        values["code_word_hash"] = code_word_hash
        values.update(created_at=now, updated_at=now)
        player_id = player_store.create(conn, values)
        row = {**values, "id": player_id}
        ctx.record("player", external_id, "create", without_sensitive(shapes.player(row)))
        audit(ctx, actor, "player.create", "player", external_id, after=_audited(values))
        return row
    changed = {k: v for k, v in given.items() if row.get(k) != v}
    if code_word_hash:
        changed["code_word_hash"] = code_word_hash
    if not changed:
        return row
    after = _audited(changed)
    if reason:
        after["reason"] = reason
    audit(
        ctx,
        actor,
        action,
        "player",
        external_id,
        before=_audited({k: row.get(k) for k in changed}),
        after=after,
    )
    changed["updated_at"] = now
    player_store.update_fields(conn, row["id"], changed)
    row = {**row, **changed}
    if "tier" in changed:
        moved = ticket_store.set_tier_rank_for_player(conn, row["id"], Tier(row["tier"]).rank)
        for ticket_id in moved:  # their place in the work order changed: tell the consoles
            ticket_row = ticket_store.get(conn, ticket_id)
            if ticket_row is not None:  # the tier decides SLA targets too
                clock, firings = sla.reconcile(ctx, ticket_row)
                ticket_store.update_ticket(conn, ticket_id, clock)
                ticket = sla.ticket_json({**ticket_row, **clock}, now)
                ctx.record("ticket", ticket_id, "update", ticket)
                sla.act_on(ctx, ticket_row, firings)
    ctx.record("player", external_id, "update", without_sensitive(shapes.player(row)))
    return row


# Profile keys that hold KYC documents or source-of-funds/wealth findings.
SENSITIVE_PROFILE_KEYS = frozenset({"kyc", "kyc_documents", "source_of_funds", "source_of_wealth"})
# Fields only roles that see sensitive data may change: KYC state and who hosts the player.
SENSITIVE_FIELDS = frozenset({"kyc_state", "host"})


def visible_player(player: dict[str, Any], viewer: Actor) -> dict[str, Any]:
    """The player as `viewer` may see it: KYC and SoF/SoW withheld unless allowed."""
    if sees_sensitive_player_data(viewer.role, viewer.username, player.get("host")):
        return player
    return without_sensitive(player)


def without_sensitive(player: dict[str, Any]) -> dict[str, Any]:
    """The player with KYC and SoF/SoW withheld: what the shared change feed carries."""
    profile = {k: v for k, v in player["profile"].items() if k not in SENSITIVE_PROFILE_KEYS}
    return {**player, "kyc_state": None, "profile": profile, "restricted": True}


def get_player(conn: Any, external_id: str, viewer: Actor = SYSTEM) -> dict[str, Any]:
    row = player_store.get_by_external_id(conn, external_id)
    if row is None:
        raise NotFound(f"player '{external_id}' does not exist", {"external_id": external_id})
    return visible_player(shapes.player(row), viewer)
