"""The ASGI application: `create_app(settings)`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import ORJSONResponse

from ..blobs import BlobStore
from ..events.hub import EventHub
from ..settings import Settings
from ..store.database import Database
from ..store.engine import make_engine
from ..store.migrate import current_revision, head_revision, upgrade
from . import errors
from .deps import ServerState
from .middleware import BodyLimit, Metrics
from .ratelimit import SlidingWindow
from .routes import audit, auth, bot, changes, health, players, queues, tickets

API_DESCRIPTION = """\
The ticket server of Agent Console: the single source of truth for every console and channel.

Sign in with `POST /api/v1/auth/login`, then send `Authorization: Bearer TOKEN`.
Every error is `{"error": {"code", "message", "details"}}`. Writes accept `Idempotency-Key`.
"""


def ensure_schema(url: str) -> None:
    """`serve` migrates an empty (or older) database by itself."""
    engine = make_engine(url, pool_size=1)
    try:
        if current_revision(engine) != head_revision():
            upgrade(engine)
    finally:
        engine.dispose()


def create_app(settings: Settings, *, migrate: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            ensure_schema(settings.db_url)
        db = Database(
            settings.db_url,
            synchronous=settings.sqlite_synchronous,
            audit_key=settings.audit_key(),
        )
        db.start()
        hub = EventHub(db)
        await hub.start()
        app.state.server = ServerState(
            settings=settings,
            db=db,
            hub=hub,
            blobs=BlobStore(settings.blob_dir),
            login_limiter=SlidingWindow(settings.login_attempts_per_minute),
        )
        try:
            yield
        finally:
            await hub.stop()
            db.close()

    app = FastAPI(
        title="Agent Console ticket server",
        version="0.1.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        default_response_class=ORJSONResponse,
    )
    errors.install(app)
    for module in (health, auth, tickets, queues, players, changes, bot, audit):
        app.include_router(module.router)
    app.add_middleware(
        BodyLimit,
        max_body=settings.max_body_bytes,
        max_attachment=settings.attachment_max_bytes,
    )
    app.add_middleware(Metrics)
    return app
