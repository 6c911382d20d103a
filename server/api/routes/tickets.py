"""Tickets, their messages and attachments."""

from __future__ import annotations

import asyncio
import base64
import re
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Path, Query, Request
from starlette.responses import FileResponse, Response

from ... import shapes
from ...blobs import BlobTooLarge
from ...domain.errors import Invalid, NotFound
from ...domain.permissions import Perm, queue_in_scope, sees_host_tickets
from ...domain.phishing import ensure_not_phishing
from ...domain.pii import mask_pii
from ...domain.retention import Anonymised
from ...domain.values import Priority, Status
from ...services import Actor, audit, sla
from ...services import tickets as ticket_service
from ...services.players import SENSITIVE_FIELDS, hash_code_word
from ...services.privacy import audit_read
from ...services.tickets import player_id_for
from ...store import attachments as attachment_store
from ...store import messages as message_store
from ...store import tickets as ticket_store
from ...store import users as user_store
from ...store.database import utcnow
from ...store.rows import aware
from ..deps import CurrentActor, ServerState, State
from ..errors import BadRequest, PayloadTooLarge, PreconditionRequired
from ..responses import checked_key, json_response, run_idempotent, write_idempotent
from ..schemas import (
    AttachmentOut,
    ErrorOut,
    MessageCreate,
    MessageOut,
    RetractIn,
    TicketCreate,
    TicketOut,
    TicketPage,
    TicketPatch,
)

router = APIRouter(prefix="/api/v1", tags=["tickets"])
MAX_ID = 2**62
TicketId = Annotated[int, Path(ge=1, le=MAX_ID, description="Ticket id (= its number)")]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 403, 404, 409, 412, 413, 422, 428)
}


CREATE_PATH = "/api/v1/tickets"


@router.post("/tickets", status_code=201, response_model=TicketOut, responses=ERRORS)
async def create_ticket(
    payload: TicketCreate, request: Request, state: State, actor: CurrentActor
) -> Response:
    """Open a ticket with the player's first message. Accepts `Idempotency-Key`."""
    key = request.headers.get("idempotency-key")
    return await create_ticket_response(payload, await request.body(), key, state, actor)


async def create_ticket_response(
    payload: TicketCreate, body: bytes, key: str | None, state: ServerState, actor: Actor
) -> Response:
    """The create itself, shared by the route and its fast path (`api/fast_create.py`)."""
    key = checked_key(key)
    data = payload.model_dump(exclude_unset=True)
    data["player"] = payload.player.model_dump(exclude_unset=True)
    await hash_code_word(data["player"])
    if SENSITIVE_FIELDS & data["player"].keys():
        actor.require(Perm.player_read_sensitive, "set a player's KYC state or host")
    # Masking is pattern work: done here, off the single writer thread.
    data["masked_body"] = await masked(payload.body)
    settings = state.settings

    def job(ctx: Any) -> dict[str, Any]:
        return ticket_service.create_ticket(
            ctx,
            actor,
            data,
            default_queue=settings.default_queue,
            vip_queue=settings.vip_queue,
        )

    return await write_idempotent(
        state, actor, job, status=201, key=key, method="POST", path=CREATE_PATH, body=body
    )


# Texts up to this long are checked inline: a thread hop costs more than the check itself;
# longer ones (up to the 64 KiB body limit) go to a thread so the event loop keeps serving.
INLINE_TEXT_CHECK = 4096


async def masked(text: str) -> str | None:
    """The text with card numbers, IBANs, phones and e-mails masked; None if it has none."""
    if len(text) <= INLINE_TEXT_CHECK:
        result = mask_pii(text)
    else:
        result = await asyncio.to_thread(mask_pii, text)
    return result.text if result.findings else None


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    out = [v.strip() for raw in values for v in raw.split(",") if v.strip()]
    return out or None


def _encode_cursor(order: str, key: tuple[Any, ...]) -> str:
    raw = orjson.dumps([order, *[v.isoformat() if isinstance(v, datetime) else v for v in key]])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, order: str) -> tuple[Any, ...]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = orjson.loads(raw)
        if not isinstance(values, list) or values[0] != order:
            raise ValueError("cursor for another order")
        if order == "work":
            p, t, w, tr, i = values[1:]
            key: tuple[Any, ...] = (int(p), int(t), datetime.fromisoformat(w), int(tr), int(i))
        else:
            u, i = values[1:]
            key = (datetime.fromisoformat(u), int(i))
        if any(isinstance(v, int) and abs(v) > MAX_ID for v in key):
            raise ValueError("cursor value out of range")
    except (ValueError, TypeError, IndexError, orjson.JSONDecodeError) as exc:
        raise BadRequest(
            "the cursor is not one this server gave out; start again without a cursor",
            {"param": "cursor"},
        ) from exc
    return key


_STATUSES = {s.value for s in Status}
_PRIORITIES = {p.value for p in Priority}


@router.get("/tickets", response_model=TicketPage, responses=ERRORS)
async def list_tickets(
    state: State,
    actor: CurrentActor,
    queue: Annotated[list[str] | None, Query(description="Queue name(s), comma-separated")] = None,
    status: Annotated[list[str] | None, Query(description="Status(es), comma-separated")] = None,
    priority: Annotated[list[str] | None, Query(description="P1…P4, comma-separated")] = None,
    assignee: Annotated[
        str | None, Query(max_length=64, description="A username, `me`, or `none`")
    ] = None,
    player: Annotated[str | None, Query(max_length=128, description="Player external id")] = None,
    updated_since: Annotated[datetime | None, Query(description="ISO 8601 with offset")] = None,
    open: Annotated[bool | None, Query(description="Only open tickets")] = None,
    order: Annotated[str, Query(pattern="^(work|updated)$")] = "work",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> Response:
    """Tickets in work order (P1 first, then VVIP/VIP, then longest waiting, then topic)."""
    statuses = _split(status)
    priorities = _split(priority)
    bad = [s for s in statuses or [] if s not in _STATUSES]
    bad += [p for p in priorities or [] if p not in _PRIORITIES]
    if bad:
        raise BadRequest(f"unknown filter value(s): {', '.join(bad)}", {"values": bad})
    flt = ticket_store.TicketFilter(queue=_split(queue), status=statuses, priority=priorities)
    actor.require(Perm.ticket_read, "read tickets")
    if not actor.can(Perm.ticket_read_all):
        wanted = flt.queue or []
        if not wanted or not all(queue_in_scope(q, actor.queues) for q in wanted):
            flt.scope_queues = list(actor.queues)
            flt.scope_host = actor.username if sees_host_tickets(actor.role) else None
    if open or (statuses and all(Status(s).is_open for s in statuses)):
        flt.open_only = True
    if updated_since is not None:
        try:  # in UTC: SQLite compares the stored text
            flt.updated_since = aware(updated_since).astimezone(UTC)
        except OverflowError as exc:
            raise BadRequest("updated_since is out of range", {"param": "updated_since"}) from exc
    after = _decode_cursor(cursor, order) if cursor else None

    def read(conn: Any) -> dict[str, Any]:
        if assignee == "me":
            flt.assignee_id = actor.id
        elif assignee == "none":
            flt.unassigned = True
        elif assignee:
            user = user_store.get_by_username(conn, assignee)
            if user is None:
                raise NotFound(f"user '{assignee}' does not exist", {"assignee": assignee})
            flt.assignee_id = user["id"]
        if player:
            pid = player_id_for(conn, player)
            if pid is None:
                return {"items": [], "next_cursor": None}
            flt.player_id = pid
        rows = ticket_store.list_tickets(conn, flt, order=order, after=after, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = _encode_cursor(order, ticket_store.keyset(rows[-1], order)) if more else None
        now = utcnow()
        items = [sla.ticket_json(r, now) for r in rows]
        return {"items": items, "next_cursor": next_cursor}

    return json_response(await state.db.read(read))


@router.get("/tickets/{ticket_id}", response_model=TicketOut, responses=ERRORS)
async def get_ticket(ticket_id: TicketId, state: State, actor: CurrentActor) -> Response:
    """One ticket with its thread and attachments. The ETag is its version."""
    ticket = await state.db.read(lambda conn: ticket_service.read_ticket(conn, ticket_id, actor))
    return json_response(ticket, headers={"ETag": f'"{ticket["version"]}"'})


_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def parse_if_match(value: str | None) -> int:
    if value is None:
        raise PreconditionRequired(
            "send If-Match: <version> (the ticket's version from GET) so a change made by "
            "someone else in the meantime is not overwritten",
            {"header": "If-Match"},
        )
    m = _IF_MATCH.match(value)
    if not m:
        raise BadRequest(
            f"If-Match must be the ticket's version number, e.g. If-Match: 3; got {value!r}",
            {"header": "If-Match"},
        )
    return int(m.group(1))


@router.patch("/tickets/{ticket_id}", response_model=TicketOut, responses=ERRORS)
async def patch_ticket(
    ticket_id: TicketId,
    payload: TicketPatch,
    state: State,
    actor: CurrentActor,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Change status, priority, queue, assignee, tags. Needs `If-Match: <version>`.

    A stale version gets 412 with the current ticket in `details.current`; an illegal status
    change gets 409 with the allowed ones in `details.allowed`.
    """
    version = parse_if_match(if_match)
    data = payload.model_dump(exclude_unset=True)
    ticket = await state.db.write(
        lambda ctx: ticket_service.update_ticket(ctx, actor, ticket_id, version, data)
    )
    return json_response(ticket, headers={"ETag": f'"{ticket["version"]}"'})


@router.post(
    "/tickets/{ticket_id}/messages", status_code=201, response_model=MessageOut, responses=ERRORS
)
async def post_message(
    ticket_id: TicketId,
    payload: MessageCreate,
    request: Request,
    state: State,
    actor: CurrentActor,
) -> Response:
    """Add a reply (to the player), an internal note, or a relayed player message.

    A reply that asks the player for a PIN, password, CVV, one-time code or full card number
    is refused (422 `phishing_refused`), in the reply's language and English."""
    data = payload.model_dump()
    if payload.kind == "reply":
        if len(payload.body) <= INLINE_TEXT_CHECK:
            ensure_not_phishing(payload.body)
        else:
            await asyncio.to_thread(ensure_not_phishing, payload.body)
    if payload.kind == "player":
        data["masked_body"] = await masked(payload.body)
    return await run_idempotent(
        request,
        state,
        actor,
        lambda ctx: ticket_service.add_message(ctx, actor, ticket_id, data),
        status=201,
    )


@router.post(
    "/tickets/{ticket_id}/messages/{message_id}/retract",
    response_model=MessageOut,
    responses=ERRORS,
)
async def retract_message(
    ticket_id: TicketId,
    message_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    request: Request,
    state: State,
    actor: CurrentActor,
    payload: RetractIn | None = None,
) -> Response:
    """Retract a reply sent by mistake. It stays in the history, marked retracted."""
    reason = payload.reason if payload else None
    return await run_idempotent(
        request,
        state,
        actor,
        lambda ctx: ticket_service.retract_message(ctx, actor, ticket_id, message_id, reason),
        status=200,
    )


def _audited(row: dict[str, Any]) -> dict[str, Any]:
    """What the audit trail says about an attachment: which file, on which ticket."""
    keys = ("ticket_id", "filename", "content_type", "size", "sha256")
    return {k: row[k] for k in keys}


_FILENAME = re.compile(r"^[^/\\\x00-\x1f]{1,255}$")


@router.post(
    "/tickets/{ticket_id}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    responses=ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def upload_attachment(
    ticket_id: TicketId,
    request: Request,
    state: State,
    actor: CurrentActor,
    filename: Annotated[str, Query(min_length=1, max_length=255)],
    message_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Upload a file as the raw request body (`?filename=`). Above the size cap: 413."""
    if not _FILENAME.match(filename):
        raise BadRequest("filename must not contain slashes or control characters")
    content_type = request.headers.get("content-type") or "application/octet-stream"
    limit = state.settings.attachment_max_bytes
    # 404 before reading (and storing) the body of an upload to a ticket that does not exist.
    actor.require(Perm.attachment_upload, "upload attachments")
    await state.db.read(lambda conn: ticket_service.read_ticket(conn, ticket_id, actor, full=False))
    try:
        sha, size = await state.blobs.save(request.stream(), limit)
    except BlobTooLarge as exc:
        raise PayloadTooLarge(
            f"the file is larger than the {exc.limit} bytes allowed for an attachment",
            {"limit_bytes": exc.limit},
        ) from exc

    def job(ctx: Any) -> dict[str, Any]:
        row = ticket_service.load_ticket_row(ctx.conn, ticket_id, actor)  # 404 if missing
        if message_id is not None:
            msg = message_store.get(ctx.conn, message_id)
            if msg is None or msg["ticket_id"] != ticket_id:
                raise Invalid(
                    f"message {message_id} is not part of ticket {ticket_id}",
                    {"field": "message_id", "value": message_id},
                )
        values = {
            "ticket_id": ticket_id,
            "message_id": message_id,
            "filename": filename,
            "content_type": content_type[:255],
            "size": size,
            "sha256": sha,
            "uploaded_by": actor.id,
            "created_at": ctx.now,
        }
        attachment_id = attachment_store.insert_attachment(ctx.conn, values)
        out = shapes.attachment({**values, "id": attachment_id})
        ctx.record("attachment", attachment_id, "create", out, ticket_service.scope_of(row))
        audit(ctx, actor, "attachment.upload", "attachment", attachment_id, after=_audited(values))
        return out

    fingerprint_body = f"{filename}\n{content_type}\n{sha}\n{message_id}".encode()
    return await run_idempotent(request, state, actor, job, status=201, body=fingerprint_body)


@router.get(
    "/attachments/{attachment_id}",
    response_class=FileResponse,
    responses={
        **ERRORS,
        200: {"content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}},
        410: {"model": ErrorOut, "description": "deleted by the retention policy"},
    },
)
async def download_attachment(
    attachment_id: Annotated[int, Path(ge=1, le=MAX_ID)], state: State, actor: CurrentActor
) -> Response:
    """The file itself, with its content type and sha256 (`Digest`)."""

    def read(conn: Any) -> dict[str, Any] | None:
        row = attachment_store.get(conn, attachment_id)
        if row is not None:
            ticket_service.load_ticket_row(conn, row["ticket_id"], actor)  # scope
        return row

    row = await state.db.read(read)
    if row is None:
        raise NotFound(f"attachment {attachment_id} does not exist")
    if row["anonymised_at"] is not None:
        raise Anonymised(
            f"the file of attachment {attachment_id} was deleted by the retention policy",
            {"anonymised_at": aware(row["anonymised_at"])},
        )
    path = state.blobs.path_for(row["sha256"])
    if not path.is_file():
        raise NotFound(f"the file of attachment {attachment_id} is missing on the server")
    read = _audited(row)
    await audit_read(state.db, actor, "attachment.download", "attachment", attachment_id, read)
    return FileResponse(
        path,
        media_type=row["content_type"],
        filename=row["filename"],
        headers={"X-Content-SHA256": row["sha256"]},
    )
