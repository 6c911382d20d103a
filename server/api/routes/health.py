"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import PlainTextResponse, Response

from ..deps import State
from ..errors import error_response
from ..metrics import refresh_gauges
from ..responses import json_response
from ..schemas import ErrorOut, HealthOut, ReadyOut

router = APIRouter(tags=["health"])
_OK = b'{"status":"ok"}'


@router.get("/healthz", response_model=HealthOut)
async def healthz() -> Response:
    """Liveness: the process answers. Touches no database."""
    return Response(_OK, media_type="application/json")


@router.get(
    "/readyz",
    response_model=ReadyOut,
    responses={503: {"model": ErrorOut, "description": "database not answering"}},
)
async def readyz(state: State) -> Response:
    """Readiness: the database answers within 2 seconds."""
    try:
        await asyncio.wait_for(state.db.read(state.db.ping), timeout=2)
    except Exception as exc:
        return error_response(
            503, "not_ready", f"the database does not answer: {type(exc).__name__}", None
        )
    return json_response({"status": "ready", "last_seq": state.hub.last_seq})


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics(state: State) -> Response:
    """Prometheus text format: requests, latencies, tickets by status, change-log head."""
    await refresh_gauges(state)
    body: Any = generate_latest()
    return Response(body, media_type=CONTENT_TYPE_LATEST)
