"""`POST /api/v1/tickets` without the framework's layers: the desk's hottest write.

Through FastAPI a create passes some twenty ASGI layers (error and telemetry middleware, body
limits, routing, dependency injection, exception wrappers), and every one is resumed at each
await of the request (body, the writer's commit, the response). This path does the same steps
itself for the request it is built for — a signed-in JSON body within the size cap that
validates — and runs the same create (`create_ticket_response`). Anything else (no or a bad
token, a body over the cap, another content type, JSON that does not validate) goes to the
FastAPI app untouched, with the body it already read, so every error answer is the app's own.
OpenAPI still documents the route, which serves the same requests identically.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from pydantic import ValidationError
from sqlalchemy.exc import DataError
from starlette.types import Message, Receive, Scope, Send

from ..domain.errors import DomainError
from .deps import ServerState, actor_for_token, bearer_from_header
from .errors import data_error_response, domain_error_response, unexpected_error_response
from .middleware import observe_request
from .routes.tickets import CREATE_PATH, create_ticket_response
from .schemas import TicketCreate

ASGI = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_fast_create(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope["method"] == "POST"
        and scope["path"] == CREATE_PATH
        and not scope.get("root_path")
    )


async def fast_create(
    state: ServerState, scope: Scope, receive: Receive, send: Send, app: ASGI
) -> None:
    """Serve a create, or hand the request to `app` (the FastAPI stack) as it came."""
    started = time.perf_counter()
    headers: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        if name in headers:  # a repeated header: leave the edge cases to the framework
            await app(scope, receive, send)
            return
        headers[name] = value
    declared = headers.get(b"content-length", b"")
    if (
        not headers.get(b"content-type", b"").startswith(b"application/json")
        or not declared.isdigit()
        or int(declared) > state.settings.max_body_bytes
        or b"authorization" not in headers
    ):
        await app(scope, receive, send)
        return
    body, outcome = await _read_body(receive, int(declared))
    if outcome == "gone":  # the client went away: nobody to answer, nothing written
        return
    replay = _replaying(body, outcome == "over", receive)
    if outcome == "over" or len(body) != int(declared):
        await app(scope, replay, send)  # its body limit answers 413
        return
    try:
        token = bearer_from_header(headers[b"authorization"].decode("latin-1"))
        client = scope.get("client")
        actor = await actor_for_token(state, token, client[0] if client else None)
        payload = TicketCreate.model_validate_json(body)
    except (DomainError, ValidationError):
        await app(scope, replay, send)
        return
    key = headers.get(b"idempotency-key")
    try:
        response = await create_ticket_response(
            payload, body, None if key is None else key.decode("latin-1"), state, actor
        )
    except DomainError as exc:
        response = domain_error_response(exc)
    except DataError as exc:
        response = data_error_response(exc)
    except Exception:
        response = unexpected_error_response()
    await response(scope, replay, send)
    observe_request("POST", CREATE_PATH, response.status_code, time.perf_counter() - started)


async def _read_body(receive: Receive, declared: int) -> tuple[bytes, str]:
    """The body, and "ok", "over" (more than declared: the rest is unread) or "gone"."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"", "gone"
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > declared:
            return b"".join(chunks), "over"
        if not message.get("more_body", False):
            return b"".join(chunks), "ok"


def _replaying(body: bytes, more: bool, receive: Receive) -> Receive:
    """A receive that first gives back the body already read, then the client's own."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay
