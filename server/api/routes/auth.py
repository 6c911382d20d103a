"""Signing in and out."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ... import shapes
from ...security import new_token, token_hash, verify_password
from ...services import audit
from ...store import users as user_store
from ...store.database import WriteContext
from ..deps import CurrentActor, State
from ..errors import Unauthorized
from ..responses import json_response
from ..schemas import ErrorOut, LoginIn, LoginOut, UserOut

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/login", response_model=LoginOut, responses={401: {"model": ErrorOut}})
async def login(payload: LoginIn, request: Request, state: State) -> Response:
    """Exchange a username and password for a bearer token."""
    user = await state.db.read(lambda conn: user_store.get_by_username(conn, payload.username))
    # argon2 takes tens of milliseconds on purpose: keep it off the event loop.
    ok = await asyncio.to_thread(
        verify_password, user["password_hash"] if user else None, payload.password
    )
    ip = request.client.host if request.client else None
    if not ok or user is None:
        who = (user["id"] if user else None, payload.username[:64], None, ip)
        await state.db.write(lambda ctx: ctx.audit("auth.login_failed", "user", who[0], who=who))
        raise Unauthorized("wrong username or password")
    if not user["active"]:
        raise Unauthorized("this user is deactivated; ask an admin")
    token = new_token()
    ttl = timedelta(hours=state.settings.token_ttl_hours)

    def job(ctx: WriteContext) -> Any:
        expires_at = ctx.now + ttl
        user_store.create_session(ctx.conn, token_hash(token), user["id"], ctx.now, expires_at)
        who = (user["id"], user["username"], user["role"], ip)
        ctx.audit("auth.login", "user", user["id"], who=who)
        return expires_at

    expires_at = await state.db.write(job)
    return json_response({"token": token, "expires_at": expires_at, "user": shapes.user(user)})


@router.post("/logout", status_code=204, responses={401: {"model": ErrorOut}})
async def logout(request: Request, state: State, actor: CurrentActor) -> Response:
    """Revoke the token this request carries."""
    hashed = token_hash(request.headers["authorization"].partition(" ")[2].strip())

    def job(ctx: WriteContext) -> None:
        user_store.revoke_session(ctx.conn, hashed, ctx.now)
        audit(ctx, actor, "auth.logout", "user", actor.id)

    await state.db.write(job)
    state.forget_token(hashed)
    return Response(status_code=204)


@router.get("/me", response_model=UserOut, responses={401: {"model": ErrorOut}})
async def me(state: State, actor: CurrentActor) -> Response:
    """The signed-in user."""
    user = await state.db.read(lambda conn: user_store.get_by_id(conn, actor.id))
    return json_response(shapes.user(user or {}))
