"""SLA over the API: a ticket's exemption and overrides, manual escalation, policy versions."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from ...domain.errors import Conflict, NotFound
from ...domain.permissions import Perm
from ...domain.sla_policy import DEFAULTS_PATH, load_policy
from ...services import sla, sla_admin
from ...store import clock as clock_store
from ...store import queues as queue_store
from ..deps import CurrentActor, State
from ..responses import json_response, run_idempotent
from ..schemas import (
    ErrorOut,
    EscalateIn,
    SlaPolicyIn,
    SlaPolicyList,
    SlaPolicyOut,
    TicketOut,
    TicketSlaIn,
)

router = APIRouter(prefix="/api/v1", tags=["sla"])
TicketId = Annotated[int, Path(ge=1, le=2**62, description="Ticket id (= its number)")]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 403, 404, 409, 413, 422)
}


@router.post("/tickets/{ticket_id}/sla", response_model=TicketOut, responses=ERRORS)
async def change_ticket_sla(
    ticket_id: TicketId, payload: TicketSlaIn, request: Request, state: State, actor: CurrentActor
) -> Response:
    """Shift lead: exempt the ticket from its SLA (`exempt`), move it to another loaded policy
    version (`policy`) or override targets (`targets`, e.g. `{"resolution": "8h"}`; null puts
    one back to the policy's). `reason` is required and goes on the ticket's history."""
    data = payload.model_dump(exclude_unset=True)
    return await run_idempotent(
        request,
        state,
        actor,
        lambda ctx: sla_admin.change_ticket_sla(ctx, actor, ticket_id, data),
        status=200,
    )


@router.post("/tickets/{ticket_id}/escalate", response_model=TicketOut, responses=ERRORS)
async def escalate_ticket(
    ticket_id: TicketId, payload: EscalateIn, request: Request, state: State, actor: CurrentActor
) -> Response:
    """Raise the ticket's escalation level by hand (default one up); the level's roles are
    notified through the event stream (`escalation` events) and the step is on its history."""
    return await run_idempotent(
        request,
        state,
        actor,
        lambda ctx: sla_admin.escalate_ticket(ctx, actor, ticket_id, payload.level, payload.reason),
        status=200,
    )


@router.get("/sla/policies", response_model=SlaPolicyList, responses=ERRORS)
async def list_policies(actor: CurrentActor) -> Response:
    """The loaded SLA policy versions; tickets keep the version they were opened under."""
    return json_response(
        {"current": sla.policy_book().current.version, "versions": sla_admin.policy_listing()}
    )


@router.get("/sla/policies/{version}", response_model=SlaPolicyOut, responses=ERRORS)
async def get_policy(version: str, state: State, actor: CurrentActor) -> Response:
    """One policy version with its TOML source."""
    listing = {p["version"]: p for p in sla_admin.policy_listing()}
    if version not in listing:
        raise NotFound(f"SLA policy version {version!r} is not loaded", {"version": version})
    source = await state.db.read(lambda conn: clock_store.policy_source(conn, version))
    if source is None and version == sla.policy_book().versions()[0]:
        path = state.settings.sla_policy_file or str(DEFAULTS_PATH)
        source = await asyncio.to_thread(_read_text, path)
    return json_response({**listing[version], "source": source})


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


@router.post("/sla/policies", status_code=201, response_model=SlaPolicyOut, responses=ERRORS)
async def upload_policy(
    payload: SlaPolicyIn, request: Request, state: State, actor: CurrentActor
) -> Response:
    """Admin: load a new policy version (TOML). It is validated first: an invalid one is
    refused with 422 naming the line, and the policies in force stay as they are. New tickets
    get the current version; open tickets keep theirs."""
    actor.require(Perm.sla_policy_admin, "upload SLA policies")
    queues = await state.db.read(queue_store.names)
    policy = await asyncio.to_thread(load_policy, payload.source, known_queues=queues)
    book = sla.policy_book()
    if policy.version in book.versions():
        if book.get(policy.version).digest != policy.digest:
            raise Conflict(
                f"SLA policy version {policy.version!r} already exists with other content; "
                "give the changed policy a new version",
                {"version": policy.version},
            )
        raise Conflict(
            f"SLA policy version {policy.version!r} is already loaded",
            {"version": policy.version},
        )
    await state.db.write(
        lambda ctx: sla_admin.store_policy(ctx, actor, policy, payload.source, payload.make_current)
    )
    book.add(policy, make_current=payload.make_current)
    return json_response(
        {
            "version": policy.version,
            "digest": policy.digest,
            "description": policy.description,
            "current": payload.make_current,
            "source": payload.source,
        },
        status=201,
    )
