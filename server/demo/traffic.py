"""Simulated live player traffic for the demo server, through the real HTTP API.

Signed in as the channel integration user (`intake-bot`), it does what a channel would do:
every few seconds a player opens a ticket, writes a follow-up on an open one, answers a
question the desk asked (the ticket leaves needs_clarification), or writes again on a
resolved ticket (which reopens it). Texts come from the demo corpus, in the ticket's language.
Every write carries an Idempotency-Key, as a real integration's would.

With an integration key (`intake_key`, made at demo start), new player messages come through
the intake door (`POST /api/v1/intake/messages`) as a web chat or Telegram adapter would send
them, in the eleven languages of the bot: the bot answers what it can (knowledge base, payment
status) and hands the rest to a person with a ticket; now and then a player the bot answered
asks for a person, and the ticket carries the conversation with the bot.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
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

# Realistic player messages in the bot's eleven languages, labelled (lang, intent, hand-off):
# the bot's own training examples, which ship with the server.
BOT_EXAMPLES = Path(__file__).resolve().parent.parent / "bot" / "data" / "train.jsonl"
BOT_LANGS = ("en", "ru", "uk", "kk", "fa", "el", "mn", "tr", "es", "pt", "de")


@cache
def bot_examples() -> dict[tuple[str, bool], tuple[str, ...]]:
    """(lang, hand-off?) → texts; "ask for a person" phrases under (lang + ":human", True)."""
    out: dict[tuple[str, bool], list[str]] = {}
    for line in BOT_EXAMPLES.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        key = row["lang"] + (":human" if row["intent"] == "other" and row["handoff"] else "")
        out.setdefault((key, bool(row["handoff"])), []).append(row["text"])
    return {k: tuple(v) for k, v in out.items()}


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
        intake_key: str | None = None,
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
        self.intake_key = intake_key
        # conversations the bot answered: (message fields, language), newest last
        self.answered: list[tuple[dict[str, Any], str]] = []

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
        if self.intake_key is not None and roll < 0.45:
            if roll < 0.08 and self.answered:
                await self.wants_a_person(client)
            else:
                await self.player_writes(client)
        elif roll < 0.45:
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

    async def player_writes(self, client: httpx.AsyncClient) -> dict[str, Any]:
        """A player's message through the intake door: the bot answers or hands it off."""
        fields, lang = self._chat_user()
        handoff = self.rng.random() < 0.4
        texts = bot_examples().get((lang, handoff)) or bot_examples()[(lang, not handoff)]
        out = await self.intake(client, {**fields, "text": self.rng.choice(texts)})
        if out["outcome"] == "answered":
            self.answered = [*self.answered[-19:], (fields, lang)]
        return out

    async def wants_a_person(self, client: httpx.AsyncClient) -> dict[str, Any]:
        """A player the bot answered asks for a person: the ticket carries the conversation."""
        fields, lang = self.answered.pop(self.rng.randrange(len(self.answered)))
        text = self.rng.choice(bot_examples()[(f"{lang}:human", True)])
        return await self.intake(client, {**fields, "text": text})

    async def intake(self, client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
        assert self.intake_key is not None
        r = await client.post(
            "/api/v1/intake/messages",
            json={**body, "message_id": uuid.uuid4().hex},
            headers={"X-API-Key": self.intake_key},
        )
        r.raise_for_status()
        out: dict[str, Any] = r.json()
        self.events += 1
        lang, text = out["reply"]["lang"] if out["reply"] else "?", body["text"]
        ticket = out["ticket"]
        if out["outcome"] in ("ticket_created", "ticket_updated") and ticket:
            what = "bot handed off" if out["outcome"] == "ticket_created" else "bot added"
            self._say(
                f"[green]{what}[/] {ticket['display_number']} {lang} {body['channel']} "
                f"{ticket['priority']} → {ticket['queue']}: {escape(text[:80])}"
            )
        else:
            reply = " ".join((out["reply"] or {}).get("text", "").split())
            self._say(
                f"[magenta]bot {out['outcome']}[/] {lang} {body['channel']}: {escape(text[:60])}"
                f" → {escape(reply[:60])}"
            )
        return out

    def _chat_user(self) -> tuple[dict[str, Any], str]:
        """A known demo player on Telegram (the casino's id known), or a web-chat visitor in
        any of the bot's languages."""
        if self.rng.random() < 0.6:
            player = self.rng.choice(self.players)
            hints = {"external_id": player.external_id, "timezone": player.timezone}
            fields = {
                "channel": "telegram",
                "channel_user_id": f"tg-{player.external_id}",
                "player": hints,
            }
            return fields, player.lang
        lang = self.rng.choice(BOT_LANGS)
        visitor = f"visitor-{uuid.uuid4().hex[:8]}"
        return {"channel": "web_chat", "channel_user_id": visitor, "language": lang}, lang

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
