"""Signing in and out."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ... import shapes
from ...domain.errors import Conflict, Forbidden, Invalid, NotFound
from ...domain.permissions import Perm
from ...security import new_token, token_hash, verify_password
from ...services import Actor, audit
from ...services import users as user_service
from ...store import users as user_store
from ...store.database import WriteContext, utcnow
from ...store.rows import aware
from ..deps import CurrentActor, ServerState, State, bearer_token, current_actor
from ..errors import Locked, RateLimited, Unauthorized
from ..responses import json_response
from ..schemas import (
    ErrorOut,
    LoginIn,
    LoginOut,
    MeOut,
    RevokeOut,
    TotpConfirmIn,
    TotpConfirmOut,
    TotpEnrollIn,
    TotpEnrollOut,
    TotpRemoveIn,
)

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
    ip = _ip(request)
    _limit(state, ip)
    user = await state.db.read(lambda conn: user_store.get_by_username(conn, payload.username))
    _check_lock(user)
    # argon2 takes tens of milliseconds on purpose: keep it off the event loop.
    ok = await asyncio.to_thread(
        verify_password, user["password_hash"] if user else None, payload.password
    )
    if not ok or user is None:
        await count_failure(state, user, payload.username, ip, "auth.login_failed")
        raise Unauthorized("wrong username or password")
    if not user["active"]:
        raise Unauthorized("this user is deactivated; ask an admin")
    try:
        step = check_second_factor(user, payload.totp, state.settings.totp_required_roles)
    except Unauthorized as exc:
        if exc.details == TOTP_INVALID:  # guessing codes counts like guessing passwords
            await count_failure(state, user, user["username"], ip, "auth.totp_failed")
        raise
    token = new_token()
    ttl = timedelta(hours=state.settings.token_ttl_hours)

    def job(ctx: WriteContext) -> Any:
        if step is not None and not user_store.use_totp_step(ctx.conn, user["id"], step):
            raise Unauthorized(WRONG_CODE, TOTP_INVALID)  # the same code, signing in twice
        expires_at = ctx.now + ttl
        user_store.create_session(ctx.conn, token_hash(token), user["id"], ctx.now, expires_at)
        if user["failed_logins"] or user["locked_until"]:
            user_store.record_good_login(ctx.conn, user["id"])
        who = (user["id"], user["username"], user["role"], ip)
        ctx.audit("auth.login", "user", user["id"], who=who)
        return expires_at

    try:
        expires_at = await state.db.write(job)
    except Unauthorized:
        await count_failure(state, user, user["username"], ip, "auth.totp_failed")
        raise
    return json_response({"token": token, "expires_at": expires_at, "user": shapes.user(user)})


def _ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _limit(state: ServerState, ip: str | None) -> None:
    wait = state.login_limiter.hit(ip or "?")
    if wait:
        raise RateLimited(
            f"too many sign-in attempts from this address; try again in {int(wait) + 1} s",
            wait,
        )


def _check_lock(user: dict[str, Any] | None) -> None:
    locked_until = aware(user["locked_until"]) if user else None
    if locked_until is not None and locked_until > utcnow():
        raise Locked(
            f"this user is locked after repeated failed sign-ins until "
            f"{locked_until:%H:%M} UTC; wait, or ask an admin to reset the password",
            {"locked_until": locked_until.isoformat()},
        )


async def count_failure(
    state: ServerState, user: dict[str, Any] | None, username: str, ip: str | None, action: str
) -> None:
    """A wrong password or code: audited, and counted toward the user's lockout."""
    who = (user["id"] if user else None, username[:64], user["role"] if user else None, ip)
    settings = state.settings

    def failed(ctx: WriteContext) -> None:
        ctx.audit(action, "user", who[0], who=who)
        if who[0] is None:
            return
        until = user_store.record_failed_login(
            ctx.conn,
            who[0],
            now=ctx.now,
            max_failures=settings.login_max_failures,
            lockout=timedelta(minutes=settings.login_lockout_minutes),
        )
        if until is not None:
            ctx.audit("auth.locked", "user", who[0], who=who, after={"until": until})

    await state.db.write(failed)


WRONG_CODE = "the two-factor code is wrong or expired"
TOTP_INVALID = {"totp": "invalid"}


def check_second_factor(
    user: dict[str, Any], code: str | None, required: tuple[str, ...]
) -> int | None:
    """Enrolled users need the current TOTP code; roles that must enroll cannot skip it.

    Returns the code's time step (None: the user has no second factor). A code already used
    (its step, or a newer one, was accepted before) is refused like a wrong one."""
    secret = user.get("totp_secret")
    if secret is None:
        if user["role"] in required:
            raise Forbidden(
                f"users with the role {user['role']} must enroll in two-factor sign-in first: "
                f"ask an admin to run `agent-console-server totp enroll {user['username']}`",
                {"totp": "enrollment_required"},
            )
        return None
    if code is None:
        raise Unauthorized(
            "this user signs in with a two-factor code: send the 6-digit code as `totp`",
            {"totp": "required"},
        )
    step = user_service.totp_step(secret, code)
    if step is None or not user_service.totp_fresh(step, user.get("totp_last_step")):
        raise Unauthorized(WRONG_CODE, TOTP_INVALID)
    return step


def _fresh_step(user: dict[str, Any], code: str) -> int | None:
    """The step of a code of the user's active secret, if it is right and not used yet."""
    step = user_service.totp_step(user["totp_secret"], code)
    if step is None or not user_service.totp_fresh(step, user.get("totp_last_step")):
        return None
    return step


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


@router.get("/me", response_model=MeOut, responses={401: {"model": ErrorOut}})
async def me(state: State, actor: CurrentActor) -> Response:
    """The signed-in user, and whether they sign in with a two-factor code (`totp`)."""
    user = await state.db.read(lambda conn: user_store.get_by_id(conn, actor.id))
    if user is None:  # deleted between the token check and this read
        raise Unauthorized("this user no longer exists")
    return json_response({**shapes.user(user), "totp": user["totp_secret"] is not None})


@router.post(
    "/users/{username}/revoke",
    status_code=200,
    response_model=RevokeOut,
    responses={c: {"model": ErrorOut} for c in (401, 403, 404)},
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


# -- two-factor enrolment over the API ---------------------------------------------------------
TOTP_ERRORS: dict[int | str, dict[str, Any]] = {
    c: {"model": ErrorOut} for c in (400, 401, 403, 409, 422, 423, 429)
}


async def _reauthenticate(
    request: Request, state: ServerState, username: str | None, password: str | None
) -> dict[str, Any]:
    """The user this request acts for: the bearer token's, or (without one) the one named
    by `username` and `password` — for roles that must enroll before they may sign in.
    A password, when sent, is checked like a sign-in: wrong ones count toward the lockout."""
    token_given = bool(request.headers.get("authorization"))
    if token_given:
        actor = await current_actor(request, state)
        if username is not None and username != actor.username:
            raise Invalid(
                "with a bearer token, leave `username` out (it is the token's user)",
                {"field": "username"},
            )
        user = await state.db.read(lambda conn: user_store.get_by_id(conn, actor.id))
    else:
        if username is None or password is None:
            raise Unauthorized(
                "send a bearer token, or `username` and `password` (for a role that must "
                "enroll before it can sign in)"
            )
        _limit(state, _ip(request))
        user = await state.db.read(lambda conn: user_store.get_by_username(conn, username))
    _check_lock(user)
    if password is not None:
        ok = await asyncio.to_thread(
            verify_password, user["password_hash"] if user else None, password
        )
        if not ok or user is None:
            name = user["username"] if user else (username or "?")
            await count_failure(state, user, name, _ip(request), "auth.reauth_failed")
            if token_given:
                raise Invalid("the password is wrong", {"password": "invalid"})
            raise Unauthorized("wrong username or password")
    if user is None or not user["active"]:
        raise Unauthorized("this user is deactivated; ask an admin")
    return user


def _who(user: dict[str, Any], request: Request) -> Actor:
    return Actor(user["id"], user["username"], user["display_name"], user["role"], ip=_ip(request))


@router.post("/totp/enroll", response_model=TotpEnrollOut, responses=TOTP_ERRORS)
async def totp_enroll(payload: TotpEnrollIn, request: Request, state: State) -> Response:
    """Start two-factor enrolment: a new secret and its `otpauth://` URI for an authenticator
    app. It is not active until `POST /auth/totp/confirm` sends a code from it (within 10
    minutes). Needs the password again; replacing an active secret also needs a current code."""
    user = await _reauthenticate(request, state, payload.username, payload.password)
    step: int | None = None
    if user["totp_secret"] is not None:
        if payload.code is None:
            raise Conflict(
                "two-factor sign-in is already on: send `code` (from the current secret) to "
                "replace the secret, or DELETE /api/v1/auth/totp to turn it off",
                {"totp": "enrolled"},
            )
        step = _fresh_step(user, payload.code)
        if step is None:
            await count_failure(state, user, user["username"], _ip(request), "auth.totp_failed")
            raise Invalid(WRONG_CODE, TOTP_INVALID)
    secret = user_service.new_totp_secret()
    actor = _who(user, request)

    def job(ctx: WriteContext) -> datetime:
        if step is not None and not user_store.use_totp_step(ctx.conn, user["id"], step):
            raise Invalid(WRONG_CODE, TOTP_INVALID)
        user_store.start_totp_enrolment(ctx.conn, user["id"], secret, ctx.now)
        audit(ctx, actor, "auth.totp_enroll_started", "user", user["id"])
        return ctx.now + user_service.PENDING_TTL

    expires_at = await state.db.write(job)
    return json_response(
        {
            "secret": secret,
            "otpauth_uri": user_service.otpauth_uri(secret, user["username"]),
            "expires_at": expires_at,
        }
    )


@router.post("/totp/confirm", response_model=TotpConfirmOut, responses=TOTP_ERRORS)
async def totp_confirm(payload: TotpConfirmIn, request: Request, state: State) -> Response:
    """Activate the pending secret with a code from it; from then on sign-in needs a code."""
    user = await _reauthenticate(request, state, payload.username, payload.password)
    secret = user_service.pending_secret(user, utcnow())
    if secret is None:
        raise Conflict(
            "no two-factor enrolment is waiting (or it expired after 10 minutes): "
            "POST /api/v1/auth/totp/enroll first",
            {"totp": "not_pending"},
        )
    step = user_service.totp_step(secret, payload.code)
    if step is None:
        raise Invalid(
            "the code does not match the new secret: check the authenticator app's clock "
            "and enter the code it shows now",
            TOTP_INVALID,
        )
    actor = _who(user, request)

    def job(ctx: WriteContext) -> bool:
        if not user_store.confirm_totp_enrolment(ctx.conn, user["id"], secret, step):
            return False  # replaced by a newer enrolment meanwhile
        action = "auth.totp_replace" if user["totp_secret"] else "auth.totp_enroll"
        audit(ctx, actor, action, "user", user["id"])
        return True

    if not await state.db.write(job):
        raise Conflict(
            "a newer enrolment replaced this one; confirm with a code from the newest secret",
            {"totp": "not_pending"},
        )
    return json_response({"username": user["username"], "totp_enrolled": True})


@router.delete("/totp", status_code=204, responses=TOTP_ERRORS)
async def totp_remove(
    payload: TotpRemoveIn, request: Request, state: State, actor: CurrentActor
) -> Response:
    """Turn two-factor sign-in off, with a current code. Roles that must use it cannot (an
    admin can: `agent-console-server totp remove NAME`); they replace the secret instead."""
    user = await state.db.read(lambda conn: user_store.get_by_id(conn, actor.id))
    assert user is not None
    if user["totp_secret"] is None:
        raise Conflict("two-factor sign-in is not on for this user", {"totp": "not_enrolled"})
    if user["role"] in state.settings.totp_required_roles:
        raise Forbidden(
            f"users with the role {user['role']} must use two-factor sign-in; replace the "
            "secret with POST /api/v1/auth/totp/enroll (password and a current code)",
            {"totp": "required_for_role"},
        )
    step = _fresh_step(user, payload.code)
    if step is None:
        await count_failure(state, user, user["username"], actor.ip, "auth.totp_failed")
        raise Invalid(WRONG_CODE, TOTP_INVALID)

    def job(ctx: WriteContext) -> None:
        if not user_store.use_totp_step(ctx.conn, user["id"], step):
            raise Invalid(WRONG_CODE, TOTP_INVALID)
        user_store.remove_totp(ctx.conn, user["id"])
        audit(ctx, actor, "auth.totp_remove", "user", user["id"])

    await state.db.write(job)
    return Response(status_code=204)
