"""API keys of channel integrations: made, listed and revoked with the CLI.

A key is shown once, at creation; the database keeps only its sha256 (keys are 256-bit
random, so a fast hash is enough, as for session tokens). Each integration acts as a desk user
of role `integration` named `integration-NAME`, so its tickets, messages and audit rows say
who brought them in, and its Idempotency-Keys are its own.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from ..security import hash_password, token_hash
from ..services import SYSTEM, Actor, audit
from ..store.database import Database, WriteContext
from ..store.tables import users
from . import store

KEY_PREFIX = "aci_"
NAME = re.compile(r"^[a-z0-9][a-z0-9\-_.]{0,39}$")
# The server's own bot (the follow-up questions): a desk user of role `integration` nobody
# signs in as, made the first time it speaks.
BOT_USERNAME = "bot"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def username_for(name: str) -> str:
    return f"integration-{name}"


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise ValueError(
            "an integration name is 1–40 lower-case letters, digits, '-', '_' or '.', "
            f"starting with a letter or digit; not {name!r}"
        )
    return name


def _integration_user(ctx: WriteContext, username: str, display_name: str) -> dict[str, Any]:
    """The integration's desk user (made if missing): `id`, `username`, `display_name`."""
    conn = ctx.conn
    user = conn.execute(users.select().where(users.c.username == username)).mappings().first()
    if user is not None:
        return dict(user)
    user_id = conn.execute(
        users.insert()
        .values(
            username=username,
            display_name=display_name,
            role="integration",
            # nobody signs in as an integration: a random password nobody knows
            password_hash=hash_password(secrets.token_urlsafe(32)),
            active=True,
            languages=[],
            queues=[],
            created_at=ctx.now,
        )
        .returning(users.c.id)
    ).scalar_one()
    audit(
        ctx,
        SYSTEM,
        "user.create",
        "user",
        user_id,
        after={"username": username, "role": "integration"},
    )
    return {"id": user_id, "username": username, "display_name": display_name}


def bot_actor(ctx: WriteContext) -> Actor:
    """The server's bot as an actor (its user is made the first time)."""
    user = _integration_user(ctx, BOT_USERNAME, "Bot")
    return Actor(user["id"], user["username"], user["display_name"], "integration")


def _create(ctx: WriteContext, name: str, key: str) -> bool:
    """Create the integration (or give an existing one a new key). True when created."""
    conn, now = ctx.conn, ctx.now
    username = username_for(name)
    user_id = _integration_user(ctx, username, f"Bot ({name})")["id"]
    values = {"key_prefix": key[:12], "key_hash": token_hash(key), "revoked_at": None}
    existing = store.integration_by_name(conn, name)
    if existing is None:
        store.insert_integration(
            conn, {**values, "name": name, "user_id": user_id, "created_at": now}
        )
        audit(ctx, SYSTEM, "integration.create", "integration", name, after={"user": username})
        return True
    store.update_integration(conn, existing["id"], values)
    audit(ctx, SYSTEM, "integration.rekey", "integration", name)
    return False


def create_integration(url: str, name: str, *, audit_key: bytes = b"") -> tuple[str, bool]:
    """(the new key, created?) — run again on an existing name to replace its key."""
    check_name(name)
    key = new_key()
    db = Database(url, audit_key=audit_key)
    db.start()
    try:
        created = db.write_sync(lambda ctx: _create(ctx, name, key))
    finally:
        db.close()
    return key, created


def revoke_integration(url: str, name: str, *, audit_key: bytes = b"") -> bool:
    """Revoke the integration's key at once. False when there is no such integration."""

    def job(ctx: WriteContext) -> bool:
        row = store.integration_by_name(ctx.conn, name)
        if row is None:
            return False
        store.update_integration(ctx.conn, row["id"], {"revoked_at": ctx.now})
        audit(ctx, SYSTEM, "integration.revoke", "integration", name)
        return True

    db = Database(url, audit_key=audit_key)
    db.start()
    try:
        return db.write_sync(job)
    finally:
        db.close()


def list_integrations(url: str) -> list[dict[str, Any]]:
    db = Database(url)
    try:
        return db.read_sync(store.all_integrations)
    finally:
        db.close()
