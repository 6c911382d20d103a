"""Queues: creating one records it in the change log, so every console hears of it."""

from __future__ import annotations

from typing import Any

from ..store import queues as queue_store
from ..store.database import WriteContext
from ..store.rows import aware
from . import SYSTEM, Actor, audit


def create_queue(ctx: WriteContext, values: dict[str, Any], actor: Actor = SYSTEM) -> bool:
    """Create the queue unless it exists. Returns True when it was created."""
    if queue_store.exists(ctx.conn, values["name"]):
        return False
    row = {"description": "", "region": None, "language": None, **values, "created_at": ctx.now}
    queue_store.create(ctx.conn, row)
    ctx.record("queue", row["name"], "create", {**row, "created_at": aware(ctx.now)})
    audit(ctx, actor, "queue.create", "queue", row["name"], after={"title": row["title"]})
    return True
