"""The ASGI application: `create_app(settings)`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import ORJSONResponse
from starlette.types import Receive, Scope, Send

from .. import heap
from ..blobs import BlobStore
from ..events.hub import EventHub
from ..intake.runtime import IntakeRuntime
from ..jobs.assignment import AssignmentJob
from ..jobs.sla_clock import SlaClock
from ..services import automation, routing, sla
from ..services.prediction import PredictSettings
from ..services.retention import start_retention
from ..settings import Settings
from ..store import clock as clock_store
from ..store import queues as queue_store
from ..store.database import Change, Database
from ..store.engine import make_engine
from ..store.migrate import current_revision, head_revision, upgrade
from . import errors
from .deps import ServerState
from .fast_create import fast_create, is_fast_create
from .middleware import BodyLimit, Metrics
from .ratelimit import SlidingWindow
from .routes import (
    agents,
    audit,
    auth,
    bot,
    changes,
    health,
    players,
    privacy,
    queues,
    tickets,
)
from .routes import intake as intake_routes
from .routes import kb as kb_routes
from .routes import (
    sla as sla_routes,
)

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


class DeskApp(FastAPI):
    """The FastAPI app, with ticket creates served by their fast path (`api/fast_create.py`)
    once the server has started; that path hands every other case back to the app."""

    fast_paths = True  # tests turn it off to compare both paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        server = getattr(self.state, "server", None)
        if server is not None and self.fast_paths and is_fast_create(scope):
            await fast_create(server, scope, receive, send, super().__call__)
        else:
            await super().__call__(scope, receive, send)


def create_app(settings: Settings, *, migrate: bool = True, settle_heap: bool = False) -> FastAPI:
    """The server's app. `settle_heap`: once started, freeze the start-up heap out of the
    garbage collector's full passes (`server/heap.py`; for the one app of a server process)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            ensure_schema(settings.db_url)
        db = Database(
            settings.db_url,
            synchronous=settings.sqlite_synchronous,
            audit_key=settings.audit_key(),
        )
        router = routing.Router(db, settings)  # a bad routing setting stops the server here
        db.start()
        if db.sqlite:
            db.attach_loop(asyncio.get_running_loop())
        stored, queue_names = await db.read(
            lambda conn: (clock_store.stored_policies(conn), queue_store.names(conn))
        )
        try:
            sla.install_book(sla.build_book(settings.sla_policy_file, stored, queue_names))
            automation.install(automation.rules_from(settings))
        except Exception:
            db.close()
            raise
        hub = EventHub(db)
        await hub.start()
        reloads: set[asyncio.Task[None]] = set()

        async def reload_policies() -> None:
            stored, names = await db.read(
                lambda conn: (clock_store.stored_policies(conn), queue_store.names(conn))
            )
            sla.install_book(sla.build_book(settings.sla_policy_file, stored, names))

        def on_policy_change(changes: Sequence[Change]) -> None:
            """A policy uploaded through another server process: load the stored ones again."""
            known = sla.policy_book().versions()
            if any(c.entity == "sla_policy" and c.entity_id not in known for c in changes):
                task = asyncio.get_running_loop().create_task(reload_policies())
                reloads.add(task)
                task.add_done_callback(reloads.discard)

        hub.listeners.append(on_policy_change)
        clock = SlaClock(
            db,
            predict_every_s=settings.sla_predict_seconds,
            predict_settings=PredictSettings(
                default_handle_s=settings.sla_predict_default_minutes * 60
            ),
        )
        if settings.sla_job:
            hub.listeners.append(
                lambda changes: (
                    clock.poke()
                    if any(c.entity == "ticket" and c.op != "clock" for c in changes)
                    else None
                )
            )
            await clock.start()
        # Routing: this process's agent pool, and the assignment-timeout job.
        router.install()
        if db.sqlite:  # one process per file: no event stream is open any more
            await db.write(routing.reset_stream_presence)
        await db.write(router.resync)
        assignment = AssignmentJob(db, router, resync_s=settings.routing_resync_seconds)
        if settings.routing:
            await assignment.start()
        app.state.server = ServerState(
            settings=settings,
            db=db,
            hub=hub,
            blobs=BlobStore(settings.blob_dir),
            login_limiter=SlidingWindow(settings.login_attempts_per_minute),
        )
        # The retention policy's daily run (retention_days > 0).
        retention = start_retention(settings, db, app.state.server.blobs)
        app.state.server.sla_clock = clock
        app.state.router, app.state.assignment_job = router, assignment
        # The intake door: API keys, limits, payments connector, follow-ups, bot warm-up.
        app.state.intake = IntakeRuntime(settings, db)
        await app.state.intake.start(warm_up=settings.bot_warm_up)
        settling = (
            asyncio.create_task(heap.settle_after(app.state.intake.warming))
            if settle_heap
            else None
        )
        try:
            yield
        finally:
            if settling is not None:
                settling.cancel()
            await app.state.intake.stop()
            await clock.stop()
            await assignment.stop()
            router.uninstall()
            if retention is not None:
                retention.cancel()
            await hub.stop()
            db.close()

    app = DeskApp(
        title="Agent Console ticket server",
        version="0.1.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        default_response_class=ORJSONResponse,
    )
    errors.install(app)
    for module in (
        health,
        auth,
        tickets,
        sla_routes,
        agents,
        queues,
        players,
        privacy,
        changes,
        bot,
        audit,
        intake_routes,
        kb_routes,
    ):
        app.include_router(module.router)
    app.add_middleware(
        BodyLimit,
        max_body=settings.max_body_bytes,
        max_attachment=settings.attachment_max_bytes,
    )
    app.add_middleware(Metrics)
    return app
