"""Desk users: creating them (the CLI's create-user) and their two-factor sign-in."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import pyotp
import pyotp.utils

from ..security import hash_password
from ..store import users as user_store
from ..store.database import Database, WriteContext
from ..store.engine import make_engine
from ..store.migrate import upgrade
from ..store.rows import aware
from . import SYSTEM, audit


def create_or_update_user(
    url: str,
    *,
    username: str,
    role: str,
    password: str,
    display_name: str,
    queues: list[str],
    languages: list[str],
    audit_key: bytes = b"",
) -> bool:
    """Returns True when the user was created, False when an existing one was updated."""
    engine = make_engine(url, pool_size=1)
    upgrade(engine)
    engine.dispose()
    password_hash = hash_password(password)
    db = Database(url, audit_key=audit_key)
    db.start()
    try:

        def job(ctx: WriteContext) -> bool:
            existing = user_store.get_by_username(ctx.conn, username)
            values = {
                "display_name": display_name,
                "role": role,
                "password_hash": password_hash,
                "queues": queues,
                "languages": languages,
                "active": True,
            }
            shown = {k: v for k, v in values.items() if k != "password_hash"}
            if existing is None:
                user_id = user_store.create(
                    ctx.conn, {**values, "username": username, "created_at": ctx.now}
                )
                audit(ctx, SYSTEM, "user.create", "user", user_id, after=shown)
                return True
            user_store.update_user(ctx.conn, existing["id"], values)
            audit(
                ctx,
                SYSTEM,
                "user.update",
                "user",
                existing["id"],
                before={k: existing[k] for k in shown},
                after={**shown, "password": "reset"},
            )
            return False

        return db.write_sync(job)
    finally:
        db.close()


def set_totp_secret(url: str, username: str, *, enroll: bool, audit_key: bytes) -> str | None:
    """Enroll (a new secret, returned) or remove two-factor sign-in; None: no such user."""
    secret = pyotp.random_base32() if enroll else None
    engine = make_engine(url, pool_size=1)
    upgrade(engine)
    engine.dispose()
    db = Database(url, audit_key=audit_key)
    db.start()
    try:

        def job(ctx: WriteContext) -> bool:
            user = user_store.get_by_username(ctx.conn, username)
            if user is None:
                return False
            values = {
                "totp_secret": secret,
                "totp_pending_secret": None,
                "totp_pending_at": None,
                "totp_last_step": None,  # a new secret: the old one's steps do not count
            }
            user_store.update_user(ctx.conn, user["id"], values)
            action = "auth.totp_enroll" if enroll else "auth.totp_remove"
            audit(ctx, SYSTEM, action, "user", user["id"])
            return True

        found = db.write_sync(job)
    finally:
        db.close()
    if not found:
        return None
    return secret or ""


# -- two-factor sign-in over the API: enroll, confirm, remove --------------------------------
ISSUER = "Agent Console"
# An enrolment not confirmed within this time is void (enroll again for a new secret).
PENDING_TTL = timedelta(minutes=10)
# The clock codes are checked against (unix seconds; tests freeze it).
clock = time.time


def totp_step(secret: str | None, code: str | None, at: float | None = None) -> int | None:
    """The time step (unix time // 30) whose code this is, or None when it is no code of the
    secret now. One step either side allows for clock drift between phone and server; the
    newest step wins when a code happens to match two."""
    if not secret or not code:
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(clock() if at is None else at)
    for step in (now + 1, now, now - 1):
        if pyotp.utils.strings_equal(code, totp.generate_otp(step)):
            return step
    return None


def totp_fresh(step: int, last_step: int | None) -> bool:
    """A code is used once: its step must be newer than the last step accepted for the user
    (a replayed code, or an older one still inside the drift window, is refused)."""
    return last_step is None or step > last_step


def new_totp_secret() -> str:
    return pyotp.random_base32()


def otpauth_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def pending_secret(user: dict[str, Any], now: datetime) -> str | None:
    """The enrolment waiting for its first code, unless it has expired."""
    started = aware(user.get("totp_pending_at"))
    secret = user.get("totp_pending_secret")
    if secret is None or started is None or started + PENDING_TTL < now:
        return None
    return secret
