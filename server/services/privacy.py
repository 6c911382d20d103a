"""Players' privacy rights: access (export everything held on a player) and correction,
and the audit rows that reads of sensitive data leave."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection

from .. import shapes
from ..domain.errors import NotFound
from ..store import attachments as attachment_store
from ..store import messages as message_store
from ..store import players as player_store
from ..store import privacy as privacy_store
from ..store import tickets as ticket_store
from ..store.database import Database, WriteContext
from ..store.rows import aware
from . import Actor, audit
from .players import SENSITIVE_PROFILE_KEYS, upsert_player

EXPORT_FORMAT = "agent-console.player-export/1"


def _audit_shape(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in ("prev_hash", "hash")}
    for key in ("before", "after"):
        out[key] = orjson.loads(row[key]) if row[key] else None
    return out


def export_player(
    conn: Connection,
    external_id: str,
    *,
    now: datetime,
    by: str,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Everything held on the player, as one JSON document: the profile (the code word only
    as set or not), every ticket with its whole thread in clear and its attachments'
    metadata, and the audit rows about them. `progress(done, total)` after each ticket."""
    row = player_store.get_by_external_id(conn, external_id)
    if row is None:
        raise NotFound(f"player '{external_id}' does not exist", {"external_id": external_id})
    ids = privacy_store.ticket_ids_of_player(conn, row["id"])
    tickets: list[dict[str, Any]] = []
    wanted: dict[str, list[str]] = {"player": [external_id], "ticket": [], "message": []}
    wanted["attachment"] = []
    for n, ticket_id in enumerate(ids, 1):
        ticket_row = ticket_store.get(conn, ticket_id)
        if ticket_row is None:  # pragma: no cover - tickets are never deleted
            continue
        ticket = shapes.ticket(ticket_row)
        ticket["messages"] = [shapes.message(m) for m in message_store.for_ticket(conn, ticket_id)]
        ticket["attachments"] = [
            shapes.attachment(a) for a in attachment_store.for_ticket(conn, ticket_id)
        ]
        wanted["ticket"].append(str(ticket_id))
        wanted["message"] += [str(m["id"]) for m in ticket["messages"]]
        wanted["attachment"] += [str(a["id"]) for a in ticket["attachments"]]
        tickets.append(ticket)
        if progress:
            progress(n, len(ids))
    player = {**shapes.player(row), "anonymised_at": aware(row.get("anonymised_at"))}
    return {
        "format": EXPORT_FORMAT,
        "generated_at": now,
        "generated_by": by,
        "player": player,
        "tickets": tickets,
        "audit": [_audit_shape(r) for r in privacy_store.audit_rows_about(conn, wanted)],
    }


def record_export(ctx: WriteContext, actor: Actor, document: dict[str, Any]) -> None:
    """The export itself is on the audit trail: who took what on whom."""
    tickets = document["tickets"]
    audit(
        ctx,
        actor,
        "privacy.export",
        "player",
        document["player"]["external_id"],
        after={
            "tickets": len(tickets),
            "messages": sum(len(t["messages"]) for t in tickets),
            "attachments": sum(len(t["attachments"]) for t in tickets),
            "audit_rows": len(document["audit"]),
        },
    )


def correct_player(
    ctx: WriteContext,
    actor: Actor,
    external_id: str,
    data: dict[str, Any],
    reason: str | None,
) -> dict[str, Any]:
    """Correct an existing player's fields (right of rectification): 404 for an unknown
    player (PUT creates; a correction never does); audited with before and after."""
    if player_store.get_by_external_id(ctx.conn, external_id) is None:
        raise NotFound(f"player '{external_id}' does not exist", {"external_id": external_id})
    return upsert_player(
        ctx, external_id, data, actor=actor, action="player.correct", reason=reason
    )


def sensitive_fields(player: dict[str, Any]) -> list[str]:
    """The KYC and source-of-funds/wealth fields this (visible) player shape carries."""
    found = ["kyc_state"] if player.get("kyc_state") is not None else []
    return found + sorted(k for k in player.get("profile") or {} if k in SENSITIVE_PROFILE_KEYS)


async def audit_read(
    db: Database,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | str,
    after: dict[str, Any] | None = None,
) -> None:
    """One audit row for a read of sensitive data (no change-feed entry). Awaited before the
    data goes out: a read that cannot be recorded is not served."""
    await db.write(lambda ctx: audit(ctx, actor, action, entity, entity_id, after=after))
