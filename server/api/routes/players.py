"""Players: read, upsert and correct by external id."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from ... import shapes
from ...domain.permissions import Perm
from ...services import Actor, audit
from ...services.players import (
    SENSITIVE_FIELDS,
    get_player,
    hash_code_word,
    upsert_player,
    visible_player,
)
from ...services.privacy import audit_read, correct_player, sensitive_fields
from ...store.database import WriteContext
from ..deps import CurrentActor, State
from ..responses import json_response, run_idempotent
from ..schemas import ErrorOut, PlayerCorrection, PlayerOut, PlayerUpsert

router = APIRouter(prefix="/api/v1", tags=["players"])
ExternalId = Annotated[str, Path(min_length=1, max_length=128)]
ERRORS: dict[int | str, dict[str, Any]] = {
    c: {"model": ErrorOut} for c in (400, 401, 403, 404, 422)
}
READ_SENSITIVE = "player.read_sensitive"


@router.get("/players/{external_id}", response_model=PlayerOut, responses=ERRORS)
async def read_player(external_id: ExternalId, state: State, actor: CurrentActor) -> Response:
    """A player's profile. The code word is never returned (only `has_code_word`); KYC and
    source of funds/wealth only to compliance, payments, admins and the player's host, and
    each such read is on the audit trail."""
    actor.require(Perm.player_read, "read player profiles")
    player = await state.db.read(lambda conn: get_player(conn, external_id, actor))
    fields = sensitive_fields(player)
    if fields:
        await audit_read(state.db, actor, READ_SENSITIVE, "player", external_id, {"fields": fields})
    return json_response(player)


def _shown(ctx: WriteContext, actor: Actor, row: dict[str, Any]) -> dict[str, Any]:
    """The player as the writer may see it; sensitive fields going out leave an audit row."""
    player = visible_player(shapes.player(row), actor)
    fields = sensitive_fields(player)
    if fields:
        audit(ctx, actor, READ_SENSITIVE, "player", row["external_id"], after={"fields": fields})
    return player


async def _prepare(data: dict[str, Any], actor: Actor) -> None:
    await hash_code_word(data)
    if SENSITIVE_FIELDS & data.keys() and not actor.can(Perm.player_read_sensitive):
        actor.require(Perm.player_read_sensitive, "change a player's KYC or host")


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
    await _prepare(data, actor)

    def job(ctx: WriteContext) -> dict[str, Any]:
        return _shown(ctx, actor, upsert_player(ctx, external_id, data, actor=actor))

    return await run_idempotent(request, state, actor, job, status=200)


@router.patch("/players/{external_id}", response_model=PlayerOut, responses=ERRORS)
async def patch_player(
    external_id: ExternalId, payload: PlayerCorrection, state: State, actor: CurrentActor
) -> Response:
    """Correct an existing player's fields (the player's right to rectification): 404 for an
    unknown player. Audited as `player.correct` with the values before and after and the
    `reason`."""
    actor.require(Perm.player_write, "correct player profiles")
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason", None)
    await _prepare(data, actor)

    def job(ctx: WriteContext) -> dict[str, Any]:
        row = correct_player(ctx, actor, external_id, data, reason)
        return _shown(ctx, actor, row)

    return json_response(await state.db.write(job))
