"""One error shape for every failure: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from ..domain.errors import DomainError

log = logging.getLogger(__name__)


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class PreconditionRequired(DomainError):
    status = 428
    code = "precondition_required"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class Locked(DomainError):
    status = 423
    code = "locked"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message, {"retry_after_s": round(retry_after, 1)})
        self.retry_after = retry_after


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> Response:
    body = orjson.dumps({"error": {"code": code, "message": message, "details": details}})
    return Response(body, status_code=status, media_type="application/json", headers=headers)


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
}


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        out.append({"field": ".".join(loc), "problem": err.get("msg", ""), "type": err.get("type")})
    return out


def domain_error_response(exc: DomainError) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(max(1, int(exc.retry_after + 0.999)))}
    return error_response(exc.status, exc.code, exc.message, exc.details, headers)


def data_error_response(exc: DataError) -> Response:
    # The database refused a value the request carried (PostgreSQL: a NUL character in
    # text, a number out of range): bad input, not a server failure.
    log.info("database refused a request value: %s", exc.orig)
    return error_response(
        422,
        "invalid",
        "a value in the request cannot be stored: text must not contain NUL characters "
        "and numbers must fit in 64 bits",
        None,
    )


def unexpected_error_response() -> Response:
    log.exception("unhandled error")
    return error_response(
        500, "internal", "the server failed on this request; it is logged, try again", None
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> Response:
        return domain_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> Response:
        details = _validation_details(exc)
        if any(d["type"] == "json_invalid" for d in details):
            return error_response(
                400,
                "invalid_json",
                "the request body is not valid JSON; send a JSON object "
                "with Content-Type: application/json",
                details,
            )
        fields = ", ".join(d["field"] for d in details[:5])
        return error_response(
            422,
            "validation_failed",
            f"the request has invalid or unknown fields: {fields}",
            details,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> Response:
        code = HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code
        if exc.status_code == 400 and "parsing the body" in message:
            code = "invalid_body"
            message = "the request body could not be read: send UTF-8 JSON"
        return error_response(exc.status_code, code, message, None, getattr(exc, "headers", None))

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> Response:
        return data_error_response(exc)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> Response:
        return unexpected_error_response()
