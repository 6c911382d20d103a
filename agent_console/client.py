"""The ticket server's REST API and event stream: the only module that speaks HTTP.

Every call is `async` (httpx.AsyncClient) so Textual workers can await it on the app's loop.
Failures are raised as the small exception family below, never as raw httpx errors:

- `Offline` — the server could not be reached (connect error, timeout, broken stream);
- `Unauthorized` (401) — the token is missing, expired or revoked: log in again;
- `Conflict` (409) — e.g. an illegal status change (`details["allowed"]`);
- `PreconditionFailed` (412) — the ticket changed meanwhile; `current` is the server's ticket;
- `ApiError` — anything else the server refused, with its `code`, `message` and `details`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx

API = "/api/v1"
USER_AGENT = "agent-console"


class ClientError(Exception):
    """Base of every error this module raises."""


class Offline(ClientError):
    """The server could not be reached."""


@dataclass
class ApiError(ClientError):
    status: int
    code: str
    message: str
    details: Any = None

    def __str__(self) -> str:
        return f"{self.message} ({self.status} {self.code})"


class Unauthorized(ApiError):
    """401: log in again."""


class NotFound(ApiError):
    """404."""


class Conflict(ApiError):
    """409: e.g. an illegal status change; `details['allowed']` lists the legal ones."""


class PreconditionFailed(ApiError):
    """412: the ticket's version moved on; `current` is the server's ticket now."""

    @property
    def current(self) -> dict[str, Any]:
        return (self.details or {}).get("current") or {}


_BY_STATUS: dict[int, type[ApiError]] = {
    401: Unauthorized,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
}


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


@dataclass
class Event:
    """One Server-Sent Event: `seq` is its id; `data` the change JSON."""

    seq: int
    event: str
    data: dict[str, Any]


@dataclass
class SSEParser:
    """Incremental SSE parser: feed text chunks, get whole events back."""

    buffer: str = ""
    _lines: list[str] = field(default_factory=list)

    def feed(self, chunk: str) -> list[tuple[str | None, str, str]]:
        """Returns (id, event, data) for every event completed by this chunk."""
        self.buffer += chunk
        out: list[tuple[str | None, str, str]] = []
        while True:
            nl = self.buffer.find("\n")
            if nl < 0:
                break
            line = self.buffer[:nl].rstrip("\r")
            self.buffer = self.buffer[nl + 1 :]
            if line == "":
                if self._lines:
                    out.append(self._dispatch(self._lines))
                    self._lines = []
                continue
            if line.startswith(":"):
                continue  # comment / heartbeat
            self._lines.append(line)
        return [e for e in out if e[2] or e[0]]

    @staticmethod
    def _dispatch(lines: list[str]) -> tuple[str | None, str, str]:
        event_id: str | None = None
        event = "message"
        data: list[str] = []
        for line in lines:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "id":
                event_id = value
            elif name == "event":
                event = value
            elif name == "data":
                data.append(value)
        return event_id, event, "\n".join(data)


class ApiClient:
    """A signed-in (or not yet) connection to one ticket server."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._transport = transport
        self._http: httpx.AsyncClient | None = None

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None or self._http.is_closed:
            self._http = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=self.timeout,
                transport=self._transport,
                headers={"User-Agent": USER_AGENT},
            )
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    @staticmethod
    def _raise_for(response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        try:
            err = response.json()["error"]
            code, message, details = err["code"], err["message"], err.get("details")
        except Exception:
            code, message, details = "http_error", response.text[:200] or "error", None
        cls = _BY_STATUS.get(response.status_code, ApiError)
        raise cls(response.status_code, code, message, details)

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        try:
            response = await self.http.request(
                method,
                path,
                json=json,
                params=params,
                headers=self._headers(headers),
                content=content,
            )
        except httpx.TransportError as exc:  # connect, read, timeout, protocol
            raise Offline(f"cannot reach {self.base_url}: {type(exc).__name__}") from exc
        self._raise_for(response)
        return response

    # -- auth -------------------------------------------------------------------------------
    async def login(self, username: str, password: str, totp: str | None = None) -> dict[str, Any]:
        """Signs in; keeps the token on this client and returns {token, expires_at, user}.

        A user enrolled in two-factor sign-in needs `totp` too: without it (or with a wrong
        one) the server answers 401 with `details["totp"]` = "required" / "invalid"."""
        body = {"username": username, "password": password}
        if totp is not None:
            body["totp"] = totp
        r = await self.request("POST", f"{API}/auth/login", json=body)
        data = r.json()
        self.token = data["token"]
        return data

    async def logout(self) -> None:
        await self.request("POST", f"{API}/auth/logout")
        self.token = None

    async def me(self) -> dict[str, Any]:
        return (await self.request("GET", f"{API}/auth/me")).json()

    # -- tickets ----------------------------------------------------------------------------
    async def list_tickets(self, **filters: Any) -> dict[str, Any]:
        """One page: {"items": [...], "next_cursor": ...}. Filters as in the REST API."""
        params = {k: v for k, v in filters.items() if v is not None}
        for k, v in list(params.items()):
            if isinstance(v, bool):
                params[k] = "true" if v else "false"
        return (await self.request("GET", f"{API}/tickets", params=params)).json()

    async def all_tickets(self, **filters: Any) -> list[dict[str, Any]]:
        """Every page of a ticket listing."""
        out: list[dict[str, Any]] = []
        cursor = None
        filters.setdefault("limit", 500)
        while True:
            page = await self.list_tickets(**filters, cursor=cursor)
            out.extend(page["items"])
            cursor = page.get("next_cursor")
            if not cursor:
                return out

    async def get_ticket(self, ticket_id: int) -> dict[str, Any]:
        return (await self.request("GET", f"{API}/tickets/{ticket_id}")).json()

    async def patch_ticket(
        self, ticket_id: int, version: int, changes: dict[str, Any]
    ) -> dict[str, Any]:
        """PATCH with `If-Match: version`; a stale version raises `PreconditionFailed`."""
        r = await self.request(
            "PATCH",
            f"{API}/tickets/{ticket_id}",
            json=changes,
            headers={"If-Match": str(version)},
        )
        return r.json()

    async def post_message(
        self,
        ticket_id: int,
        kind: str,
        body: str,
        *,
        quote_id: int | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {"kind": kind, "body": body}
        if quote_id is not None:
            payload["quote_id"] = quote_id
        r = await self.request(
            "POST",
            f"{API}/tickets/{ticket_id}/messages",
            json=payload,
            headers={"Idempotency-Key": idempotency_key or new_idempotency_key()},
        )
        return r.json()

    async def retract(
        self,
        ticket_id: int,
        message_id: int,
        reason: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        r = await self.request(
            "POST",
            f"{API}/tickets/{ticket_id}/messages/{message_id}/retract",
            json={"reason": reason} if reason else None,
            headers={"Idempotency-Key": idempotency_key or new_idempotency_key()},
        )
        return r.json()

    async def upload_attachment(
        self,
        ticket_id: int,
        filename: str,
        content: bytes,
        content_type: str = "application/octet-stream",
        *,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """The file as the raw body; above the server's cap: `ApiError` 413 with
        `details['limit_bytes']`."""
        r = await self.request(
            "POST",
            f"{API}/tickets/{ticket_id}/attachments",
            params={"filename": filename},
            content=content,
            headers={
                "Content-Type": content_type,
                "Idempotency-Key": idempotency_key or new_idempotency_key(),
            },
        )
        return r.json()

    async def download_attachment(self, attachment_id: int, target: Any) -> dict[str, Any]:
        """Streams an attachment's file into `target` (a binary file object); returns
        {"size", "sha256" (what the server said), "content_type"}. 404: no such file (or
        not in your queues); 410 (`ApiError`): deleted by the retention policy."""
        try:
            async with self.http.stream(
                "GET", f"{API}/attachments/{attachment_id}", headers=self._headers()
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                    self._raise_for(response)
                size = 0
                async for chunk in response.aiter_bytes():
                    target.write(chunk)
                    size += len(chunk)
                return {
                    "size": size,
                    "sha256": response.headers.get("X-Content-SHA256"),
                    "content_type": response.headers.get("Content-Type"),
                }
        except httpx.TransportError as exc:
            raise Offline(f"cannot reach {self.base_url}: {type(exc).__name__}") from exc

    # -- knowledge base ---------------------------------------------------------------------
    async def kb_articles(
        self, q: str | None = None, lang: str | None = None, limit: int = 20
    ) -> list[dict[str, Any]]:
        """Knowledge-base articles: with `q`, the best matches first (each with a `score`);
        without, all of them. `lang` (2-3 letters) keeps one language."""
        params: dict[str, Any] = {"limit": limit}
        if q and q.strip():
            params["q"] = q.strip()
        if lang:
            params["lang"] = lang
        r = await self.request("GET", f"{API}/kb/articles", params=params)
        return list(r.json()["items"])

    # -- audit ------------------------------------------------------------------------------
    async def audit(self, **filters: Any) -> dict[str, Any]:
        """One page of the audit trail: {"items": [...], "last_id"}; filters `entity`,
        `entity_id`, `user`, `action`, `after_id`, `limit` (shift leads, compliance, admins;
        others get 403)."""
        params = {k: v for k, v in filters.items() if v not in (None, "")}
        return (await self.request("GET", f"{API}/audit", params=params)).json()

    # -- queues, players --------------------------------------------------------------------
    async def queues(self) -> list[dict[str, Any]]:
        return (await self.request("GET", f"{API}/queues")).json()

    async def player(self, external_id: str) -> dict[str, Any]:
        return (await self.request("GET", f"{API}/players/{external_id}")).json()

    # -- change feed ------------------------------------------------------------------------
    async def changes(self, since: int, limit: int = 1000) -> dict[str, Any]:
        """{"changes": [...], "last_seq", "head_seq", "has_more"}."""
        r = await self.request("GET", f"{API}/changes", params={"since": since, "limit": limit})
        return r.json()

    async def events(self, last_event_id: int) -> AsyncIterator[list[Event]]:
        """The SSE stream from `last_event_id` on, as batches (one per network chunk).

        Ends by raising `Offline` when the connection breaks; the caller reconnects with the
        last seq it applied (`Last-Event-ID`), so nothing is missed or applied twice.
        """
        import orjson

        headers = self._headers(
            {"Last-Event-ID": str(last_event_id), "Accept": "text/event-stream"}
        )
        timeout = httpx.Timeout(self.timeout, read=60.0)
        parser = SSEParser()
        try:
            async with self.http.stream(
                "GET", f"{API}/events", headers=headers, timeout=timeout
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                    self._raise_for(response)
                async for chunk in response.aiter_text():
                    batch = []
                    for event_id, event, data in parser.feed(chunk):
                        if event != "change" or not data:
                            continue
                        change = orjson.loads(data)
                        seq = int(event_id) if event_id else int(change["seq"])
                        batch.append(Event(seq, event, change))
                    if batch:
                        yield batch
        except httpx.TransportError as exc:
            raise Offline(f"event stream from {self.base_url} broke: {type(exc).__name__}") from exc
        raise Offline("the event stream ended")
