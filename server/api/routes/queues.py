"""Queues with their open-ticket counts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from ...store import queues as queue_store
from ..deps import CurrentActor, State
from ..responses import json_response
from ..schemas import QueueOut

router = APIRouter(prefix="/api/v1", tags=["queues"])


@router.get("/queues", response_model=list[QueueOut])
async def list_queues(state: State, actor: CurrentActor) -> Response:
    """Every queue, with open tickets counted by status and by priority."""

    def read(conn: Any) -> list[dict[str, Any]]:
        counts = queue_store.open_counts(conn)
        out = []
        for q in queue_store.list_queues(conn):
            c = counts.get(q["name"], {})
            by_status = {k[7:]: v for k, v in c.items() if k.startswith("status:")}
            by_priority = {k[9:]: v for k, v in c.items() if k.startswith("priority:")}
            by_sla = {k[4:]: v for k, v in c.items() if k.startswith("sla:")}
            out.append(
                {
                    "name": q["name"],
                    "title": q["title"],
                    "description": q["description"],
                    "region": q["region"],
                    "language": q["language"],
                    "open_count": sum(by_status.values()),
                    "by_status": by_status,
                    "by_priority": by_priority,
                    "by_sla": by_sla,
                }
            )
        return out

    return json_response(await state.db.read(read))
