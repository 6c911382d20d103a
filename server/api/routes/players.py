"""Players: read and upsert by external id."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from ... import shapes
from ...domain.permissions import Perm
from ...services.players import (
    SENSITIVE_FIELDS,
    get_player,
    hash_code_word,
    upsert_player,
    visible_player,
)
from ..deps import CurrentActor, State
from ..responses import json_response, run_idempotent
from ..schemas import ErrorOut, PlayerOut, PlayerUpsert

router = APIRouter(prefix="/api/v1", tags=["players"])
ExternalId = Annotated[str, Path(min_length=1, max_length=128)]
ERRORS: dict[int | str, dict[str, Any]] = {
    c: {"model": ErrorOut} for c in (400, 401, 403, 404, 422)
}


@router.get("/players/{external_id}", response_model=PlayerOut, responses=ERRORS)
async def read_player(external_id: ExternalId, state: State, actor: CurrentActor) -> Response:
    """A player's profile. The code word is never returned (only `has_code_word`); KYC and
    source of funds/wealth only to compliance, payments, admins and the player's host."""
    actor.require(Perm.player_read, "read player profiles")
    return json_response(await state.db.read(lambda conn: get_player(conn, external_id, actor)))


@router.put("/players/{external_id}", response_model=PlayerOut, responses=ERRORS)
async def put_player(
    external_id: ExternalId,
    payload: PlayerUpsert,
    request: Request,
    state: State,
    actor: CurrentActor,
) -> Response:
    """Create the player, or change the fields the body names (null clears a field)."""
    actor.require(Perm.player_write, "change player profiles")
    data = payload.model_dump(exclude_unset=True)
    await hash_code_word(data)
    if SENSITIVE_FIELDS & data.keys() and not actor.can(Perm.player_read_sensitive):
        actor.require(Perm.player_read_sensitive, "change a player's KYC or host")

    def job(ctx: Any) -> dict[str, Any]:
        row = upsert_player(ctx, external_id, data, actor=actor)
        return visible_player(shapes.player(row), actor)

    return await run_idempotent(request, state, actor, job, status=200)
