"""Who wrote: a channel user id, phone, loyalty card or app token → a player (made if new).

Runs inside the intake's write job, so two first messages of one new player cannot make two
players. Lookup order, most trusted first: the integration's own player id (a CRM knows it),
app token, loyalty card, phone, then the channel's user id. Identifiers not yet known are
linked to the player found, so the next message through any of them finds the same player;
an identifier already linked to another player is left alone (never moved silently).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from ..services import Actor
from ..services.players import upsert_player
from ..store import players as player_store
from ..store.database import WriteContext
from . import store

VERIFIED_KINDS = frozenset({"external_id", "app_token", "loyalty_card"})


@dataclass(frozen=True, slots=True)
class Who:
    channel: str
    channel_user_id: str
    external_id: str | None = None
    phone: str | None = None  # normalised (+digits)
    loyalty_card: str | None = None  # normalised
    app_token: str | None = None  # in clear; only its sha256 is stored
    profile: dict[str, Any] = field(default_factory=dict)  # name, languages, timezone

    def identifiers(self) -> list[tuple[str, str]]:
        """(kind, value) most trusted first; the channel's user id last."""
        out = []
        if self.app_token:
            out.append(("app_token", hashlib.sha256(self.app_token.encode()).hexdigest()))
        if self.loyalty_card:
            out.append(("loyalty_card", self.loyalty_card))
        if self.phone:
            out.append(("phone", self.phone))
        out.append((self.channel, self.channel_user_id))
        return out


@dataclass(slots=True)
class Identified:
    player: dict[str, Any]
    identity: dict[str, Any]  # the channel identity row (its `meaningful` count)
    created: bool
    verified: bool  # found through the CRM id, an app token or a loyalty card


def identify(ctx: WriteContext, actor: Actor, who: Who, lang: str | None = None) -> Identified:
    """`lang`: the message's language, remembered on a player who has none yet (so an emoji
    or a "5" later is answered in it)."""
    conn, now = ctx.conn, ctx.now
    player: dict[str, Any] | None = None
    verified = False
    if who.external_id:
        player = player_store.get_by_external_id(conn, who.external_id)
        verified = player is not None
    known: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, value in who.identifiers():
        row = store.identity(conn, kind, value)
        if row is not None:
            known[(kind, value)] = row
            if player is None:
                player = store.player(conn, row["player_id"])
                verified = kind in VERIFIED_KINDS
    created = False
    profile = dict(who.profile)
    if lang and not profile.get("languages") and not (player or {}).get("languages"):
        profile["languages"] = [lang]
    if player is None:
        external_id = who.external_id or f"{who.channel}:{who.channel_user_id}"
        player = upsert_player(ctx, external_id, profile, only_if_given=True, actor=actor)
        created = True
        verified = who.external_id is not None
    elif profile and any(player.get(k) != v for k, v in profile.items()):
        player = upsert_player(ctx, player["external_id"], profile, only_if_given=True, actor=actor)
    channel_key = (who.channel, who.channel_user_id)
    for kind, value in who.identifiers():
        if (kind, value) in known:
            continue
        values = {
            "kind": kind,
            "value": value,
            "player_id": player["id"],
            "meaningful": 0,
            "created_at": now,
            "last_seen_at": now,
        }
        known[(kind, value)] = {**values, "id": store.insert_identity(conn, values)}
    return Identified(player, known[channel_key], created, verified)
