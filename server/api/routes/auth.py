"""Signing in and out."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from fastapi import APIRouter, Request
from starlette.responses import Response

from ... import shapes
from ...domain.errors import Forbidden, NotFound
from ...domain.permissions import Perm
from ...security import new_token, token_hash, verify_password
from ...services import audit
from ...store import users as user_store
from ...store.database import WriteContext
from ...store.rows import aware
from ..deps import CurrentActor, State, bearer_token
from ..errors import Locked, RateLimited, Unauthorized
from ..responses import json_response
from ..schemas import ErrorOut, LoginIn, LoginOut, UserOut

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post(
    "/login",
    response_model=LoginOut,
    responses={c: {"model": ErrorOut} for c in (400, 401, 422, 423, 429)},
)
async def login(payload: LoginIn, request: Request, state: State) -> Response:
    """Exchange a username and password for a bearer token.

    Repeated wrong passwords lock the user for a while (423); too many attempts from one
    address answer 429 with Retry-After."""
    ip = request.client.host if request.client else None
    wait = state.login_limiter.hit(ip or "?")
    if wait:
        raise RateLimited(
            f"too many sign-in attempts from this address; try again in {int(wait) + 1} s",
            wait,
        )
    user = await state.db.read(lambda conn: user_store.get_by_username(conn, payload.username))
    now = datetime.now(UTC)
    locked_until = aware(user["locked_until"]) if user else None
    if locked_until is not None and locked_until > now:
        raise Locked(
            f"this user is locked after repeated failed sign-ins until "
            f"{locked_until:%H:%M} UTC; wait, or ask an admin to reset the password",
            {"locked_until": locked_until.isoformat()},
        )
    # argon2 takes tens of milliseconds on purpose: keep it off the event loop.
    ok = await asyncio.to_thread(
        verify_password, user["password_hash"] if user else None, payload.password
    )
    if not ok or user is None:
        who = (user["id"] if user else None, payload.username[:64], None, ip)
        settings = state.settings

        def failed(ctx: WriteContext) -> datetime | None:
            ctx.audit("auth.login_failed", "user", who[0], who=who)
            if who[0] is None:
                return None
            until = user_store.record_failed_login(
                ctx.conn,
                who[0],
                now=ctx.now,
                max_failures=settings.login_max_failures,
                lockout=timedelta(minutes=settings.login_lockout_minutes),
            )
            if until is not None:
                ctx.audit("auth.locked", "user", who[0], who=who, after={"until": until})
            return until

        await state.db.write(failed)
        raise Unauthorized("wrong username or password")
    if not user["active"]:
        raise Unauthorized("this user is deactivated; ask an admin")
    check_second_factor(user, payload.totp, state.settings.totp_required_roles)
    token = new_token()
    ttl = timedelta(hours=state.settings.token_ttl_hours)

    def job(ctx: WriteContext) -> Any:
        expires_at = ctx.now + ttl
        user_store.create_session(ctx.conn, token_hash(token), user["id"], ctx.now, expires_at)
        if user["failed_logins"] or user["locked_until"]:
            user_store.record_good_login(ctx.conn, user["id"])
        who = (user["id"], user["username"], user["role"], ip)
        ctx.audit("auth.login", "user", user["id"], who=who)
        return expires_at

    expires_at = await state.db.write(job)
    return json_response({"token": token, "expires_at": expires_at, "user": shapes.user(user)})


def check_second_factor(user: dict[str, Any], code: str | None, required: tuple[str, ...]) -> None:
    """Enrolled users need the current TOTP code; roles that must enroll cannot skip it."""
    secret = user.get("totp_secret")
    if secret is None:
        if user["role"] in required:
            raise Forbidden(
                f"users with the role {user['role']} must enroll in two-factor sign-in first: "
                f"ask an admin to run `agent-console-server totp enroll {user['username']}`",
                {"totp": "enrollment_required"},
            )
        return
    if code is None:
        raise Unauthorized(
            "this user signs in with a two-factor code: send the 6-digit code as `totp`",
            {"totp": "required"},
        )
    # One 30 s step either side allows for clock drift between phone and server.
    if not pyotp.TOTP(secret).verify(code, valid_window=1):
        raise Unauthorized("the two-factor code is wrong or expired", {"totp": "invalid"})


@router.post("/logout", status_code=204, responses={401: {"model": ErrorOut}})
async def logout(request: Request, state: State, actor: CurrentActor) -> Response:
    """Revoke the token this request carries."""
    hashed = token_hash(bearer_token(request))

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


@router.post(
    "/users/{username}/revoke",
    status_code=200,
    responses={403: {"model": ErrorOut}, 404: {"model": ErrorOut}},
)
async def revoke_user_sessions(username: str, state: State, actor: CurrentActor) -> Response:
    """Admin: sign a user out everywhere (every token of theirs stops working)."""
    actor.require(Perm.users_admin, "sign other users out")

    def job(ctx: WriteContext) -> list[str]:
        user = user_store.get_by_username(ctx.conn, username)
        if user is None:
            raise NotFound(f"user '{username}' does not exist", {"username": username})
        hashes = user_store.revoke_all_sessions(ctx.conn, user["id"], ctx.now)
        audit(ctx, actor, "auth.revoke_all", "user", user["id"], after={"sessions": len(hashes)})
        return hashes

    hashes = await state.db.write(job)
    for hashed in hashes:
        state.forget_token(hashed)
    return json_response({"username": username, "revoked_sessions": len(hashes)})
