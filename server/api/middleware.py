"""Pure-ASGI middleware: body-size limits and Prometheus request metrics."""

from __future__ import annotations

import time
from typing import Any

import orjson
from prometheus_client import Counter, Histogram
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter(
    "agent_console_http_requests_total", "HTTP requests", ["method", "route", "status"]
)
LATENCY = Histogram(
    "agent_console_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)


class _TooLarge(HTTPException):
    # An HTTPException, so FastAPI re-raises it from reading the body instead of turning it
    # into a 400; the app's handler then answers 413 in the one error shape.
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the {limit} bytes allowed here")


class BodyLimit:
    """Refuse bodies above the cap with 413 before reading them whole.

    Attachment uploads get their own, larger cap; everything else the JSON cap.
    """

    def __init__(self, app: ASGIApp, *, max_body: int, max_attachment: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_attachment = max_attachment

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.max_attachment if path.endswith("/attachments") else self.max_body
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await _send_413(send, limit)
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_413(send, limit)


async def _send_413(send: Send, limit: int) -> None:
    body = orjson.dumps(
        {
            "error": {
                "code": "payload_too_large",
                "message": f"the request body is larger than the {limit} bytes allowed here",
                "details": {"limit_bytes": limit},
            }
        }
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Metrics:
    """Count requests and time them, labelled by route template (not by raw path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route: Any = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            observe_request(scope["method"], template, status, time.perf_counter() - start)


def observe_request(method: str, template: str, status: int, seconds: float) -> None:
    """Count one request and its latency (not for the event stream: it lasts for hours)."""
    REQUESTS.labels(method, template, str(status)).inc()
    if template != "/api/v1/events":
        LATENCY.labels(method, template).observe(seconds)
