"""Simulated live player traffic for the demo server, through the real HTTP API.

Signed in as the channel integration user (`intake-bot`), it does what a channel would do:
every few seconds a player opens a ticket, writes a follow-up on an open one, answers a
question the desk asked (the ticket leaves needs_clarification), or writes again on a
resolved ticket (which reopens it). Texts come from the demo corpus, in the ticket's language.
Every write carries an Idempotency-Key, as a real integration's would.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from rich.console import Console
from rich.markup import escape

from .corpus import COMMON, LANGS, PLAYER_NAMES, TEXTS
from .data import (
    REGION,
    PlayerSpec,
    compose_ticket,
    local_hhmm,
    make_players,
)

# Which scenario's follow-up fits a ticket, from its first topic tag.
FOLLOWUP_BY_TAG = {
    "kyc": "kyc",
    "security": "2fa",
    "game": "disconnect",
    "bonus": "bonus",
    "complaint": "complaint",
    "ideas": "idea",
    "features": "idea",
}


class Traffic:
    """`await Traffic(...).run()` until cancelled; each event is printed on `console`."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        seed: int = 7,
        interval: float = 4.0,
        console: Console | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.transport = transport  # tests pass an ASGI transport
        self.username = username
        self.password = password
        self.interval = interval
        self.console = console or Console(stderr=True)
        self.rng = random.Random(f"traffic-{seed}-{datetime.now(UTC).timestamp()}")
        self.players = make_players(seed)
        self.by_id = {p.external_id: p for p in self.players}
        self.events = 0

    # -- the loop ------------------------------------------------------------------------
    async def run(self) -> None:
        async with self.client() as client:
            while True:
                try:
                    if "authorization" not in client.headers:
                        await self.login(client)
                    await self.tick(client)
                except asyncio.CancelledError:
                    raise
                except httpx.HTTPStatusError as exc:
                    if exc.response.status_code == 401:
                        client.headers.pop("authorization", None)
                    detail = escape(exc.response.text[:200])
                    self._say(f"[yellow]traffic: {exc.response.status_code} {detail}[/]")
                except httpx.HTTPError as exc:
                    self._say(f"[yellow]traffic: {type(exc).__name__}: {escape(str(exc))}[/]")
                # Mean `interval` seconds between events, never a burst, never a long silence.
                delay = min(max(self.rng.expovariate(1 / self.interval), 1.0), 3 * self.interval)
                await asyncio.sleep(delay)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base_url, timeout=10.0, transport=self.transport)

    async def login(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            "/api/v1/auth/login", json={"username": self.username, "password": self.password}
        )
        r.raise_for_status()
        client.headers["authorization"] = f"Bearer {r.json()['token']}"

    async def tick(self, client: httpx.AsyncClient) -> None:
        roll = self.rng.random()
        if roll < 0.45:
            await self.new_ticket(client)
        elif roll < 0.75:
            await self.follow_up(client, status="in_progress,accepted,new,reopened")
        elif roll < 0.92:
            await self.follow_up(client, status="needs_clarification")
        else:
            await self.follow_up(client, status="resolved")

    # -- events --------------------------------------------------------------------------
    async def new_ticket(self, client: httpx.AsyncClient) -> dict[str, Any]:
        now = datetime.now(UTC)
        player = self._player()
        draft = compose_ticket(self.rng, player, now)
        body = draft.create_data()
        if player.external_id not in self.by_id:  # a first-time player: the channel knows more
            body["player"] = {
                "external_id": player.external_id,
                "name": player.name,
                "languages": list(player.languages),
                "timezone": player.timezone,
                "currency": player.currency,
            }
        r = await client.post("/api/v1/tickets", json=body, headers=self._idempotent())
        r.raise_for_status()
        ticket = r.json()
        self.events += 1
        self._say(
            f"[green]new ticket[/] {ticket['display_number']} {draft.lang} {draft.channel} "
            f"{draft.priority} → {ticket['queue']}: {escape(draft.subject)}"
        )
        return ticket

    async def follow_up(self, client: httpx.AsyncClient, *, status: str) -> dict[str, Any] | None:
        r = await client.get(
            "/api/v1/tickets", params={"status": status, "order": "updated", "limit": 100}
        )
        r.raise_for_status()
        items = [t for t in r.json()["items"] if t.get("language") in LANGS]
        if not items:
            return await self.new_ticket(client)
        # Recently active tickets get most follow-ups.
        ticket = items[min(int(self.rng.expovariate(1 / 12)), len(items) - 1)]
        text = self._follow_up_text(ticket, status)
        r = await client.post(
            f"/api/v1/tickets/{ticket['id']}/messages",
            json={"kind": "player", "body": text},
            headers=self._idempotent(),
        )
        r.raise_for_status()
        self.events += 1
        what = {
            "needs_clarification": "player answered",
            "resolved": "player wrote again (reopens)",
        }.get(status, "player follow-up")
        self._say(
            f"[cyan]{what}[/] on {ticket['display_number']} ({ticket['language']}, "
            f"{ticket['status']}): {escape(text[:90])}"
        )
        return r.json()

    # -- helpers ---------------------------------------------------------------------------
    def _player(self) -> PlayerSpec:
        if self.rng.random() < 0.8:
            return self.rng.choice(self.players)
        lang = self.rng.choice(LANGS)
        full, first = self.rng.choice(PLAYER_NAMES[lang])
        zones, currencies = REGION[lang]
        return PlayerSpec(
            external_id=f"guest-{uuid.uuid4().hex[:10]}",
            name=full,
            first_name=first,
            lang=lang,
            tier="standard",
            host=None,
            languages=(lang,),
            timezone=self.rng.choice(zones),
            currency=self.rng.choice(currencies),
            data={},
        )

    def _follow_up_text(self, ticket: dict[str, Any], status: str) -> str:
        lang = ticket["language"]
        common = COMMON[lang]
        if status == "resolved":
            return self.rng.choice(common["reopen"])
        tags = ticket.get("tags") or []
        refs = ticket.get("transaction_refs") or []
        key = next((FOLLOWUP_BY_TAG[t] for t in tags if t in FOLLOWUP_BY_TAG), None)
        if key is None and "payment" in tags:
            key = "deposit" if refs and refs[0].startswith("DEP") else "withdrawal"
        if key is None or (status != "needs_clarification" and self.rng.random() < 0.5):
            return self.rng.choice(common["nudge"])
        spec = self.by_id.get(ticket["player"]["external_id"])
        tz = spec.timezone if spec else "UTC"
        name = (ticket["player"].get("name") or "").split(" ")[0]
        fields = {
            "name": name,
            "ref": refs[0] if refs else "—",
            "time": local_hhmm(datetime.now(UTC) - timedelta(minutes=20), tz, lang),
            "amount": "",
            "cur": spec.currency if spec else "",
            "game": "",
            "days": "",
            "pct": "",
            "tag": "",
            "agent": "",
            "eta": "",
            "id": str(ticket["id"]),
        }
        return self.rng.choice(TEXTS[lang][key]["followup"]).format_map(fields)

    @staticmethod
    def _idempotent() -> dict[str, str]:
        return {"Idempotency-Key": str(uuid.uuid4())}

    def _say(self, text: str) -> None:
        stamp = datetime.now().strftime("%H:%M:%S")
        self.console.print(f"[dim]{stamp}[/] {text}", highlight=False, soft_wrap=True)
