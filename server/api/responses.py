"""JSON responses encoded with orjson, and the Idempotency-Key wrapper for write jobs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import Request
from starlette.responses import Response

from ..domain.errors import Invalid
from ..services import Actor
from ..store import idempotency as idem_store
from ..store.database import WriteContext
from .errors import BadRequest

MAX_KEY_LEN = 255


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(data), status_code=status, media_type="application/json", headers=headers
    )


def checked_key(key: str | None) -> str | None:
    """The Idempotency-Key header's value, stripped; 400 when it is not a usable key."""
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LEN or not key.isprintable() or not key.isascii():
        raise BadRequest(
            f"Idempotency-Key must be 1–{MAX_KEY_LEN} printable ASCII characters",
            {"header": "Idempotency-Key"},
        )
    return key


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    h = hashlib.sha256()
    h.update(method.encode())
    h.update(b" ")
    h.update(path.encode())
    h.update(b"\n")
    h.update(body)
    return h.hexdigest()


IdemResult = tuple[int, bytes, bool]


def idempotent(
    job: Callable[[WriteContext], Any],
    *,
    actor: Actor,
    key: str | None,
    method: str,
    path: str,
    fingerprint: str,
    status: int,
) -> Callable[[WriteContext], IdemResult]:
    """Wrap a write job so that a replay of the same key returns the first response.

    The key is looked up inside the write transaction, so two concurrent requests with one
    key cannot both create: the writer runs them one after the other and the second finds
    the first's stored response. Returns (status, body, replayed).
    """

    def run(ctx: WriteContext) -> IdemResult:
        if key is not None:
            found = idem_store.find(ctx.conn, actor.id, key)
            if found is not None:
                if found["request_hash"] != fingerprint:
                    raise Invalid(
                        "this Idempotency-Key was already used for a different request; "
                        "use a new key for a new request",
                        {"header": "Idempotency-Key", "first_path": found["path"]},
                    )
                return found["status_code"], bytes(found["response_body"]), True
        body = orjson.dumps(job(ctx))
        if key is not None:
            idem_store.store(
                ctx.conn,
                user_id=actor.id,
                key=key,
                method=method,
                path=path,
                request_hash=fingerprint,
                status_code=status,
                body=body,
                now=ctx.now,
            )
        return status, body, False

    return run


def replayable_response(result: IdemResult) -> Response:
    status, body, replayed = result
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return Response(body, status_code=status, media_type="application/json", headers=headers)


async def run_idempotent(
    request: Request,
    state: Any,
    actor: Actor,
    job: Callable[[WriteContext], Any],
    *,
    status: int,
    body: bytes | None = None,
) -> Response:
    """Run `job` on the writer under the request's Idempotency-Key (if any)."""
    raw = body if body is not None else await request.body()
    key = checked_key(request.headers.get("idempotency-key"))
    return await write_idempotent(
        state, actor, job, status=status, key=key, method=request.method,
        path=request.url.path, body=raw,
    )  # fmt: skip


async def write_idempotent(
    state: Any,
    actor: Actor,
    job: Callable[[WriteContext], Any],
    *,
    status: int,
    key: str | None,
    method: str,
    path: str,
    body: bytes,
) -> Response:
    """`run_idempotent` for a caller that has the request's parts, not a Request."""
    wrapped = idempotent(
        job,
        actor=actor,
        key=key,
        method=method,
        path=path,
        fingerprint=request_fingerprint(method, path, body),
        status=status,
    )
    return replayable_response(await state.db.write(wrapped))
