"""Agents for routing: the list with presence and load, one's own presence, the profile."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field, model_validator
from starlette.responses import Response

from ...services import routing
from ..deps import CurrentActor, State
from ..responses import json_response, run_idempotent
from ..schemas import ErrorOut, Lang, Name, Strict

router = APIRouter(prefix="/api/v1", tags=["agents"])
AgentId = Annotated[int, Path(ge=1, le=2**62, description="The agent's user id")]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 403, 404, 409, 413, 422)
}


class AgentOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    presence: Literal["online", "away", "offline"]
    presence_at: str | None
    load: int = Field(description="Open tickets assigned to the agent")
    capacity: int = Field(description="Most open tickets routing gives the agent")
    experience: float
    cost: int
    queues: list[str]
    languages: list[str]


class AgentList(BaseModel):
    items: list[AgentOut]


class PresenceIn(Strict):
    presence: Literal["online", "away", "offline"]


class AgentPatch(Strict):
    capacity: int | None = Field(default=None, ge=0, le=1000)
    experience: float | None = Field(default=None, ge=0, le=1_000_000)
    cost: int | None = Field(default=None, ge=1, le=100)
    queues: list[Name] | None = Field(default=None, max_length=100)
    languages: list[Lang] | None = Field(default=None, max_length=20)

    @model_validator(mode="after")
    def _something(self) -> AgentPatch:
        given = self.model_dump(exclude_unset=True)
        if not given:
            raise ValueError("name at least one of capacity, experience, cost, queues, languages")
        nulls = [k for k, v in given.items() if v is None]
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null")
        return self


@router.get("/agents", response_model=AgentList, responses=ERRORS)
async def list_agents(state: State, actor: CurrentActor) -> Response:
    """Desk users with their presence (online/away/offline), load (open tickets assigned) and
    routing profile. Any desk role; not the channel integrations."""
    return json_response(await state.db.read(lambda conn: routing.list_agents(conn, actor)))


@router.put("/agents/me/presence", response_model=AgentOut, responses=ERRORS)
async def put_presence(
    payload: PresenceIn, request: Request, state: State, actor: CurrentActor
) -> Response:
    """Set my presence. `online` also follows the event stream again (offline when my last
    `/events` stream closes); `away` and `offline` stay until I change them. Coming online
    routes waiting tickets of my queues to me (up to my capacity)."""
    return await run_idempotent(
        request,
        state,
        actor,
        lambda ctx: routing.set_presence(ctx, actor, payload.presence),
        status=200,
    )


@router.patch("/agents/{agent_id}", response_model=AgentOut, responses=ERRORS)
async def patch_agent(
    agent_id: AgentId, payload: AgentPatch, request: Request, state: State, actor: CurrentActor
) -> Response:
    """Shift lead, admin: change an agent's capacity (most open tickets routing gives them),
    experience (`most_experienced` queues), cost level (`cheapest_first` queues; 1 = first
    line), queues and languages. Audited."""
    data = payload.model_dump(exclude_unset=True)
    if "languages" in data:
        data["languages"] = list(dict.fromkeys(x.lower() for x in data["languages"]))
    if "queues" in data:
        data["queues"] = list(dict.fromkeys(data["queues"]))
    return await run_idempotent(
        request,
        state,
        actor,
        lambda ctx: routing.update_agent(ctx, actor, agent_id, data),
        status=200,
    )
