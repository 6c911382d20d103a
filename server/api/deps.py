"""Dependencies: the server's shared state and the signed-in actor."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request

from ..blobs import BlobStore
from ..events.hub import EventHub
from ..security import token_hash
from ..services import Actor
from ..settings import Settings
from ..store import users as user_store
from ..store.database import Database, utcnow
from ..store.rows import aware
from .errors import Unauthorized
from .ratelimit import SlidingWindow


@dataclass
class ServerState:
    settings: Settings
    db: Database
    hub: EventHub
    blobs: BlobStore
    # token hash → (actor, session expiry, time cached): saves a database read per request.
    token_cache: dict[str, tuple[Actor, datetime, float]] = field(default_factory=dict)
    login_limiter: SlidingWindow = field(default_factory=lambda: SlidingWindow(20))
    sla_clock: Any = None  # the SLA job (jobs.sla_clock.SlaClock), set at start

    def forget_token(self, hashed: str) -> None:
        self.token_cache.pop(hashed, None)


async def get_state(request: Request) -> ServerState:
    # async: a plain `def` dependency costs every request a hop through the thread pool.
    return request.app.state.server


State = Annotated[ServerState, Depends(get_state)]


def bearer_token(request: Request) -> str:
    return bearer_from_header(request.headers.get("authorization", ""))


def bearer_from_header(header: str) -> str:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "sign in first: POST /api/v1/auth/login, then send 'Authorization: Bearer TOKEN'"
        )
    return token.strip()


async def current_actor(request: Request, state: State) -> Actor:
    return await actor_for_token(state, bearer_token(request), _client_ip(request))


async def actor_for_token(state: ServerState, token: str, ip: str | None) -> Actor:
    """The signed-in user a bearer token stands for (401 when it does not)."""
    hashed = token_hash(token)
    now = utcnow()  # the server's clock, the one sessions were stamped with
    cached = state.token_cache.get(hashed)
    if cached is not None:
        actor, expires_at, cached_at = cached
        if time.monotonic() - cached_at < state.settings.token_cache_seconds and now < expires_at:
            return replace(actor, ip=ip)
        state.token_cache.pop(hashed, None)
    row: dict[str, Any] | None = await state.db.read(
        lambda conn: user_store.session_user(conn, hashed)
    )
    if row is None:
        raise Unauthorized("the token is not valid; sign in again")
    expires_at = aware(row["expires_at"])
    assert expires_at is not None
    if row["revoked_at"] is not None:
        raise Unauthorized("the token was revoked (signed out); sign in again")
    if expires_at <= now:
        raise Unauthorized("the token has expired; sign in again")
    if not row["active"]:
        raise Unauthorized("this user is deactivated; ask an admin")
    actor = Actor(
        row["id"], row["username"], row["display_name"], row["role"], tuple(row["queues"] or ())
    )
    if len(state.token_cache) > 10_000:
        state.token_cache.clear()
    state.token_cache[hashed] = (actor, expires_at, time.monotonic())
    return replace(actor, ip=ip)


def _client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


CurrentActor = Annotated[Actor, Depends(current_actor)]
