"""An HTTP client for the casino's payments backend: a withdrawal's or deposit's status.

The backend speaks this small protocol (the local fake in `fake_payments` speaks it too):

    GET {base}/v1/players/{player_id}/transactions/{transaction_id}
        200 {"id","player_id","kind":"withdrawal"|"deposit","status","amount","currency",
             "method","created_at","updated_at","expected_by"?,"reason"?}
        404 the player has no such transaction
    GET {base}/v1/players/{player_id}/transactions?kind=withdrawal&limit=N
        200 {"items": [transaction, …]}  newest first

with `Authorization: Bearer TOKEN` when a token is configured. Every failure — no URL
configured, connection refused, timeout, 5xx, 401/403, a body that is not this shape — comes
back as `Lookup(state="unavailable")`, never as an exception: the bot then hands the player
to a person instead of guessing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

log = logging.getLogger(__name__)

KINDS = ("withdrawal", "deposit")
STATUSES = ("pending", "processing", "completed", "rejected", "failed", "cancelled")
# Transaction references as players and the cashier write them: WD-12345678, DEP-1234567, …
TX_REF = re.compile(r"(?<![\w-])(WD|DEP|TX|TRX|W|D)[-‐‑ ]?(\d{5,12})(?!\w)", re.IGNORECASE)
_KIND_BY_PREFIX = {"WD": "withdrawal", "W": "withdrawal", "DEP": "deposit", "D": "deposit"}


def find_transaction_ref(text: str) -> tuple[str, str | None] | None:
    """The first transaction reference in a message: (normalised id, kind or None)."""
    m = TX_REF.search(text)
    if m is None:
        return None
    prefix = m.group(1).upper()
    return f"{prefix}-{m.group(2)}", _KIND_BY_PREFIX.get(prefix)


@dataclass(frozen=True, slots=True)
class Lookup:
    state: str  # "found" | "not_found" | "unavailable"
    transaction: dict[str, Any] | None = None
    error: str | None = None
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.state != "unavailable"


def _valid(tx: Any) -> dict[str, Any] | None:
    if not isinstance(tx, dict):
        return None
    if tx.get("kind") not in KINDS or tx.get("status") not in STATUSES:
        return None
    if not isinstance(tx.get("id"), str):
        return None
    return tx


class PaymentsClient:
    """`await client.transaction(player, tx_id)`, `await client.latest(player, kind)`."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str = "",
        timeout: float = 2.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = (
            httpx.AsyncClient(
                base_url=self.base_url,
                headers=headers,
                timeout=httpx.Timeout(timeout),
                transport=transport,
                limits=httpx.Limits(max_connections=32, max_keepalive_connections=8),
            )
            if self.base_url
            else None
        )

    @property
    def configured(self) -> bool:
        return self._client is not None

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response | str:
        if self._client is None:
            return "no payments backend is configured (payments_url)"
        try:
            return await self._client.get(path, params=params)
        except httpx.TimeoutException:
            return "the payments backend did not answer in time"
        except httpx.HTTPError as exc:
            return f"the payments backend cannot be reached: {type(exc).__name__}"

    async def transaction(self, player_id: str, transaction_id: str) -> Lookup:
        path = (
            f"/v1/players/{quote(player_id, safe='')}/transactions/{quote(transaction_id, safe='')}"
        )
        r = await self._get(path)
        if isinstance(r, str):
            return self._down(r)
        if r.status_code == 404:
            return Lookup("not_found")
        if r.status_code != 200:
            return self._down(f"the payments backend answered {r.status_code}")
        try:
            tx = _valid(r.json())
        except ValueError:
            tx = None
        if tx is None:
            return self._down("the payments backend sent an answer this desk cannot read")
        return Lookup("found", tx)

    async def latest(self, player_id: str, kind: str, limit: int = 3) -> Lookup:
        """The player's newest transactions of a kind (found: the newest in `transaction`)."""
        path = f"/v1/players/{quote(player_id, safe='')}/transactions"
        r = await self._get(path, {"kind": kind, "limit": limit})
        if isinstance(r, str):
            return self._down(r)
        if r.status_code == 404:
            return Lookup("not_found")
        if r.status_code != 200:
            return self._down(f"the payments backend answered {r.status_code}")
        try:
            body = r.json()
            raw = body.get("items") if isinstance(body, dict) else None
        except ValueError:
            raw = None
        if not isinstance(raw, list):
            return self._down("the payments backend sent an answer this desk cannot read")
        items = [tx for tx in (_valid(t) for t in raw) if tx is not None and tx["kind"] == kind]
        if not items:
            return Lookup("not_found")
        return Lookup("found", items[0], items=items)

    @staticmethod
    def _down(reason: str) -> Lookup:
        log.warning("payments look-up failed: %s", reason)
        return Lookup("unavailable", error=reason)
