"""Keeps the cache in step with the server, and the server in step with the outbox.

No HTTP and no SQL here: `client.py` and `cache.py` do those. The app's workers call:

- `initial()` — an empty cache fetches every open ticket (then catches up through `/changes`
  from the seq read before the fetch); a warm cache only catches up;
- `catch_up()` — `/changes` from `last_seq` until `has_more` is false;
- `stream()` — the SSE feed from `last_seq`, applied batch by batch;
- `flush()` — replays the outbox in order. POSTs carry their idempotency key, so an entry
  sent before a crash is not applied twice; a PATCH whose 412 shows the server already holds
  the wanted values counts as done; any other 412 becomes a conflict the agent settles.
"""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import Applied, Cache, OutboxEntry, human_size
from .client import ApiClient, ApiError, Conflict, NotFound, PreconditionFailed, new_idempotency_key

PATCH_FIELDS = ("status", "priority", "queue", "assignee", "tags", "subject", "transaction_refs")
# Statuses an agent's reply moves to in_progress (one version step).
REPLY_MOVES = ("new", "accepted", "reopened")


class AttachmentError(ValueError):
    """A file that cannot be attached (missing, a directory, unreadable, over the cap)."""


LIMIT_META = "attachment_limit_bytes"
"""The server's attachment cap, learned from its first 413 (it publishes it nowhere else)."""


@dataclass
class FlushResult:
    sent: list[OutboxEntry] = field(default_factory=list)
    conflicts: list[OutboxEntry] = field(default_factory=list)
    failed: list[OutboxEntry] = field(default_factory=list)
    applied: Applied = field(default_factory=Applied)


def _same(field_name: str, a: Any, b: Any) -> bool:
    if field_name == "tags" and isinstance(a, list) and isinstance(b, list):
        return sorted(x.lower() for x in a) == sorted(x.lower() for x in b)
    return a == b


def already_applied(changes: dict[str, Any], current: dict[str, Any]) -> bool:
    return all(_same(k, v, current.get(k)) for k, v in changes.items())


class Sync:
    def __init__(self, client: ApiClient, cache: Cache) -> None:
        self.client = client
        self.cache = cache

    # -- reading ----------------------------------------------------------------------------
    async def initial(self) -> Applied:
        if self.cache.last_seq == 0 or self.cache.ticket_count() == 0:
            return await self.full_resync()
        return await self.catch_up()

    async def full_resync(self) -> Applied:
        head = (await self.client.changes(since=0, limit=1))["head_seq"]
        tickets = await self.client.all_tickets(open="true")
        queues = await self.client.queues()
        self.cache.reset_data()
        self.cache.put_tickets(tickets)
        self.cache.put_queues(queues)
        self.cache.set_last_seq(head)
        self.cache.mark_synced()
        applied = Applied(tickets={t["id"] for t in tickets}, queues=True, last_seq=head)
        applied.merge(await self.catch_up())
        return applied

    async def catch_up(self) -> Applied:
        total = Applied(last_seq=self.cache.last_seq)
        while True:
            page = await self.client.changes(since=self.cache.last_seq, limit=2000)
            total.merge(self.cache.apply_changes(page["changes"]))
            if not page["has_more"] or not page["changes"]:
                break
        self.cache.mark_synced()
        return total

    async def refresh_queues(self) -> list[dict[str, Any]]:
        queues = await self.client.queues()
        self.cache.put_queues(queues)
        return queues

    async def stream(self) -> AsyncIterator[Applied]:
        """Applies the event stream to the cache; yields what each batch touched."""
        async for batch in self.client.events(self.cache.last_seq):
            applied = self.cache.apply_changes([e.data for e in batch])
            if applied.count:
                yield applied

    async def fetch_ticket(self, ticket_id: int) -> dict[str, Any]:
        ticket = await self.client.get_ticket(ticket_id)
        self.cache.put_ticket_full(ticket)
        return ticket

    async def fetch_player(self, external_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        player = await self.client.player(external_id)
        self.cache.put_player(player)
        tickets = await self.client.all_tickets(player=external_id, limit=100)
        self.cache.put_tickets(tickets)
        return player, tickets

    # -- writing: everything goes through the outbox ---------------------------------------
    @staticmethod
    def _base(ticket: dict[str, Any], fields: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
        return {
            "version": ticket.get("version", 0),
            "status": ticket.get("status"),
            "fields": {f: ticket.get(f) for f in fields},
        }

    def enqueue_message(
        self, ticket: dict[str, Any], kind: str, body: str, quote_id: int | None = None
    ) -> OutboxEntry:
        payload: dict[str, Any] = {"kind": kind, "body": body}
        if quote_id is not None:
            payload["quote_id"] = quote_id
        return self.cache.outbox_add(
            new_idempotency_key(), ticket["id"], "message", payload, self._base(ticket)
        )

    def enqueue_patch(self, ticket: dict[str, Any], changes: dict[str, Any]) -> OutboxEntry:
        bad = set(changes) - set(PATCH_FIELDS)
        if bad:
            raise ValueError(f"cannot change {', '.join(sorted(bad))}")
        return self.cache.outbox_add(
            new_idempotency_key(), ticket["id"], "patch", changes, self._base(ticket, list(changes))
        )

    def enqueue_retract(
        self, ticket: dict[str, Any], message_id: int, reason: str | None = None
    ) -> OutboxEntry:
        return self.cache.outbox_add(
            new_idempotency_key(),
            ticket["id"],
            "retract",
            {"message_id": message_id, "reason": reason},
            self._base(ticket),
        )

    def enqueue_attachment(self, ticket: dict[str, Any], path: str) -> OutboxEntry:
        """Queues a file upload. The file is read when it is sent (so a big file does not
        sit in the cache); what can be checked now is checked now."""
        file = Path(path).expanduser()
        if not file.exists():
            raise AttachmentError(f"no such file: {file}")
        if not file.is_file():
            raise AttachmentError(f"not a file: {file}")
        try:
            size = file.stat().st_size
            with file.open("rb"):
                pass
        except OSError as exc:
            raise AttachmentError(f"cannot read {file}: {exc.strerror or exc}") from exc
        if size == 0:
            raise AttachmentError(f"{file.name} is empty")
        limit = int(self.cache.get_meta(LIMIT_META, "0") or 0)
        if limit and size > limit:
            raise AttachmentError(
                f"{file.name} is {human_size(size)}: the server takes attachments up to "
                f"{human_size(limit)}"
            )
        payload = {
            "path": str(file.resolve()),
            "filename": file.name,
            "size": size,
            "content_type": mimetypes.guess_type(file.name)[0] or "application/octet-stream",
        }
        return self.cache.outbox_add(
            new_idempotency_key(), ticket["id"], "attach", payload, self._base(ticket)
        )

    async def _upload(self, e: OutboxEntry, result: FlushResult) -> None:
        p = e.payload
        try:
            content = Path(p["path"]).read_bytes()
        except OSError as exc:
            raise ApiError(
                0, "file_unreadable", f"cannot read {p['path']}: {exc.strerror or exc}"
            ) from exc
        try:
            attachment = await self.client.upload_attachment(
                e.ticket_id, p["filename"], content, p["content_type"], idempotency_key=e.key
            )
        except ApiError as exc:
            if exc.status == 413:
                limit = int((exc.details or {}).get("limit_bytes") or 0)
                if limit:
                    self.cache.set_meta(LIMIT_META, limit)
                exc.message = (
                    f"{p['filename']} is {human_size(p['size'])}: the server takes attachments "
                    f"up to {human_size(limit)}"
                    if limit
                    else exc.message
                )
            raise
        self.cache.put_attachment(attachment)
        self.cache.outbox_done(e.key)
        result.applied.attachments.add(e.ticket_id)

    def _rebase(self, ticket_id: int, after_id: int, old_version: int, new_version: int) -> None:
        """Later entries that saw `old_version` now stand on `new_version` (our own step)."""
        if new_version == old_version:
            return
        for e in self.cache.outbox("pending"):
            if (
                e.ticket_id == ticket_id
                and e.id > after_id
                and e.base.get("version") == old_version
            ):
                self.cache.outbox_update(e.key, base={**e.base, "version": new_version})

    async def flush(self) -> FlushResult:
        """Sends pending entries in order. Raises `Offline`/`Unauthorized` to stop early."""
        result = FlushResult()
        blocked: set[int] = {e.ticket_id for e in self.cache.outbox("conflict")}
        for entry in self.cache.outbox("pending"):
            if entry.ticket_id in blocked:
                continue
            fresh = self.cache.outbox_get(entry.key)  # a rebase may have moved its base
            if fresh is None or fresh.state != "pending":
                continue
            outcome = await self._send(fresh, result)
            if outcome == "conflict":
                blocked.add(entry.ticket_id)
        return result

    async def _send(self, e: OutboxEntry, result: FlushResult) -> str:
        try:
            if e.op == "message":
                msg = await self.client.post_message(
                    e.ticket_id,
                    e.payload["kind"],
                    e.payload["body"],
                    quote_id=e.payload.get("quote_id"),
                    idempotency_key=e.key,
                )
                self.cache.put_message(msg)
                self.cache.outbox_done(e.key)
                result.applied.messages.setdefault(e.ticket_id, set()).add(msg["id"])
                if any(x.ticket_id == e.ticket_id for x in self.cache.outbox("pending")):
                    ticket = await self.fetch_ticket(e.ticket_id)
                    step = (
                        1
                        if e.payload["kind"] == "reply" and e.base.get("status") in REPLY_MOVES
                        else 0
                    )
                    seen = int(e.base.get("version", 0))
                    if ticket["version"] == seen + step:
                        self._rebase(e.ticket_id, e.id, seen, ticket["version"])
                    result.applied.tickets.add(e.ticket_id)
            elif e.op == "patch":
                seen = int(e.base.get("version", 0))
                ticket = await self.client.patch_ticket(e.ticket_id, seen, e.payload)
                self.cache.put_tickets([ticket])
                self.cache.outbox_done(e.key)
                self._rebase(e.ticket_id, e.id, seen, ticket["version"])
                result.applied.tickets.add(e.ticket_id)
            elif e.op == "attach":
                await self._upload(e, result)
            elif e.op == "retract":
                try:
                    msg = await self.client.retract(
                        e.ticket_id,
                        e.payload["message_id"],
                        e.payload.get("reason"),
                        idempotency_key=e.key,
                    )
                    self.cache.put_message(msg)
                except Conflict:
                    pass  # already retracted: the wanted state holds
                self.cache.outbox_done(e.key)
                result.applied.messages.setdefault(e.ticket_id, set()).add(e.payload["message_id"])
            result.sent.append(e)
            return "sent"
        except PreconditionFailed as exc:
            current = exc.current
            if current:
                self.cache.put_tickets([current])
                result.applied.tickets.add(e.ticket_id)
            if current and already_applied(e.payload, current):
                self.cache.outbox_done(e.key)  # sent before (a crash lost the answer)
                result.sent.append(e)
                return "sent"
            self.cache.outbox_update(e.key, state="conflict", current=current, error=exc.message)
            result.conflicts.append(self.cache.outbox_get(e.key) or e)
            return "conflict"
        except Conflict as exc:
            if e.op == "patch" and exc.details and "status" in e.payload:
                # An illegal status change: fine if the ticket is already there.
                try:
                    current = await self.fetch_ticket(e.ticket_id)
                except ApiError:
                    current = {}
                if current and already_applied(e.payload, current):
                    self.cache.outbox_done(e.key)
                    result.sent.append(e)
                    return "sent"
            self.cache.outbox_update(e.key, state="failed", error=exc.message)
            result.failed.append(self.cache.outbox_get(e.key) or e)
            return "failed"
        except NotFound as exc:
            self.cache.outbox_update(e.key, state="failed", error=exc.message)
            result.failed.append(self.cache.outbox_get(e.key) or e)
            return "failed"
        except ApiError as exc:
            if exc.status == 401:
                raise
            self.cache.outbox_update(e.key, state="failed", error=exc.message)
            result.failed.append(self.cache.outbox_get(e.key) or e)
            return "failed"

    def resolve(self, key: str, choice: str) -> None:
        """Settles a conflict: "mine" sends it again over the server's version, "theirs"
        drops it (the server's version stays)."""
        entry = self.cache.outbox_get(key)
        if entry is None:
            return
        if choice == "mine" and entry.current:
            base = {**entry.base, "version": entry.current.get("version", 0)}
            self.cache.outbox_update(key, state="pending", base=base)
        else:
            self.cache.outbox_done(key)

    def discard(self, key: str) -> None:
        self.cache.outbox_done(key)
