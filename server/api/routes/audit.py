"""The audit trail, for shift leads, compliance and admins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query
from starlette.responses import Response, StreamingResponse

from ...domain.permissions import Perm
from ...store import audit as audit_store
from ..deps import CurrentActor, State
from ..responses import json_response
from ..schemas import AuditPage, ErrorOut

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in ("before", "after"):
        out[key] = orjson.loads(row[key]) if row[key] else None
    return out


@router.get(
    "", response_model=AuditPage, responses={c: {"model": ErrorOut} for c in (401, 403, 422)}
)
async def list_audit(
    state: State,
    actor: CurrentActor,
    after_id: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    entity: Annotated[str | None, Query(max_length=32)] = None,
    entity_id: Annotated[str | None, Query(max_length=128)] = None,
    user: Annotated[str | None, Query(max_length=64, description="actor's username")] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Audit rows after `after_id`, oldest first: who, what, when, from where, before/after."""
    actor.require(Perm.audit_read, "read the audit trail")
    rows = await state.db.read(
        lambda conn: audit_store.page(
            conn,
            after_id=after_id,
            limit=limit,
            entity=entity,
            entity_id=entity_id,
            actor=user,
            action=action,
        )
    )
    return json_response(
        {"items": [_shape(r) for r in rows], "last_id": rows[-1]["id"] if rows else after_id}
    )


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}}},
)
async def export_audit(state: State, actor: CurrentActor) -> StreamingResponse:
    """The whole trail as JSON lines, with each row's hashes (for an outside archive)."""
    actor.require(Perm.audit_read, "export the audit trail")

    async def lines() -> AsyncIterator[bytes]:
        after = 0
        while True:
            rows = await state.db.read(
                lambda conn, a=after: audit_store.page(conn, after_id=a, limit=1000)
            )
            if not rows:
                return
            yield b"".join(orjson.dumps(_shape(r)) + b"\n" for r in rows)
            after = rows[-1]["id"]

    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="audit.jsonl"'},
    )
