"""Privacy: a player's right of access (everything held on them, as one JSON document)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from ...domain.permissions import Perm
from ...services.privacy import export_player, record_export
from ...store.database import utcnow
from ..deps import CurrentActor, State
from ..responses import json_response
from ..schemas import ErrorOut, PlayerExport

router = APIRouter(prefix="/api/v1", tags=["privacy"])
ExternalId = Annotated[str, Path(min_length=1, max_length=128)]


@router.get(
    "/players/{external_id}/export",
    response_model=PlayerExport,
    responses={c: {"model": ErrorOut} for c in (400, 401, 403, 404, 422)},
)
async def export(external_id: ExternalId, state: State, actor: CurrentActor) -> Response:
    """Everything held on the player (compliance, admins): the profile, every ticket with its
    whole thread in clear and its attachments' metadata, and the audit rows about them.
    The export itself goes on the audit trail before it is sent."""
    actor.require(Perm.player_export, "export a player's data")
    now = utcnow()
    document: dict[str, Any] = await state.db.read(
        lambda conn: export_player(conn, external_id, now=now, by=actor.username)
    )
    await state.db.write(lambda ctx: record_export(ctx, actor, document))
    # Header values are Latin-1: an id in any script becomes a safe ASCII file name.
    filename = "player-" + re.sub(r"[^A-Za-z0-9._-]", "_", external_id)[:100] + ".json"
    return json_response(
        document, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
