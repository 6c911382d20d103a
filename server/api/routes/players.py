"""Players: read and upsert by external id."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from ... import shapes
from ...services.players import get_player, upsert_player
from ..deps import CurrentActor, State
from ..responses import json_response, run_idempotent
from ..schemas import ErrorOut, PlayerOut, PlayerUpsert

router = APIRouter(prefix="/api/v1", tags=["players"])
ExternalId = Annotated[str, Path(min_length=1, max_length=128)]
ERRORS: dict[int | str, dict[str, Any]] = {c: {"model": ErrorOut} for c in (401, 404, 422)}


@router.get("/players/{external_id}", response_model=PlayerOut, responses=ERRORS)
async def read_player(external_id: ExternalId, state: State, actor: CurrentActor) -> Response:
    """A player's profile. The code word is never returned (only `has_code_word`)."""
    return json_response(await state.db.read(lambda conn: get_player(conn, external_id)))


@router.put("/players/{external_id}", response_model=PlayerOut, responses=ERRORS)
async def put_player(
    external_id: ExternalId,
    payload: PlayerUpsert,
    request: Request,
    state: State,
    actor: CurrentActor,
) -> Response:
    """Create the player, or change the fields the body names (null clears a field)."""
    data = payload.model_dump(exclude_unset=True)

    def job(ctx: Any) -> dict[str, Any]:
        return shapes.player(upsert_player(ctx, external_id, data))

    return await run_idempotent(request, state, actor, job, status=200)
