"""Creating desk users (the CLI's create-user)."""

from __future__ import annotations

from ..security import hash_password
from ..store import users as user_store
from ..store.database import Database, WriteContext
from ..store.engine import make_engine
from ..store.migrate import upgrade
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
