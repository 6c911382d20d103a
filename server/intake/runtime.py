"""The intake's per-process state: API-key cache, rate limiters, the payments client, a small
knowledge-base cache, the follow-up loop, and the classifier's warm-up at start."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from ..api.errors import RateLimited, Unauthorized
from ..api.ratelimit import SlidingWindow
from ..bot import Classification
from ..connectors.payments import PaymentsClient, find_transaction_ref
from ..kb import store as kb_store
from ..security import token_hash
from ..services import Actor
from ..settings import Settings
from ..store.database import Database
from . import pipeline, store
from .decide import Answer
from .followup import FollowUps
from .identify import Who

log = logging.getLogger(__name__)
KB_CACHE_SECONDS = 30.0


class IntakeRuntime:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.user_limiter = SlidingWindow(settings.intake_user_messages_per_minute)
        self.ip_limiter = SlidingWindow(settings.intake_ip_messages_per_minute)
        self.payments = PaymentsClient(
            settings.payments_url,
            token=settings.payments_token,
            timeout=settings.payments_timeout_seconds,
        )
        # key hash → (actor, integration id, time cached), like the bearer-token cache
        self._keys: dict[str, tuple[Actor, int, float]] = {}
        self._kb: dict[tuple[str, str], tuple[dict[str, Any] | None, float]] = {}
        self._lang_queues: tuple[list[tuple[str, str | None]], float] | None = None
        self.followups = FollowUps(settings, db)
        self._tasks: list[asyncio.Task[Any]] = []
        self.warming: asyncio.Task[Any] | None = None  # the bot's warm-up, while it runs

    # -- life cycle --------------------------------------------------------------------------
    async def start(self, *, warm_up: bool = True, followups: bool = True) -> None:
        if warm_up:
            self.warming = asyncio.create_task(self._warm_up())
            self._tasks.append(self.warming)
        if followups and self.settings.followup_interval_seconds > 0:
            self._tasks.append(asyncio.create_task(self.followups.run()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.payments.close()

    @staticmethod
    async def _warm_up() -> None:
        from ..bot import warm_up

        try:  # in a thread: the server answers while lingua and the classifier load
            timings = await asyncio.to_thread(warm_up)
            log.info("bot warmed up: %s", {k: round(v, 2) for k, v in timings.items()})
        except Exception:
            log.exception("bot warm-up failed; the first message will build the classifier")

    # -- who is calling ------------------------------------------------------------------------
    async def authenticate(self, key: str) -> tuple[Actor, int]:
        hashed = token_hash(key)
        cached = self._keys.get(hashed)
        if cached is not None and time.monotonic() - cached[2] < self.settings.token_cache_seconds:
            return cached[0], cached[1]
        row = await self.db.read(lambda conn: store.integration_by_key(conn, hashed))
        if row is None:
            raise Unauthorized("the API key is not valid; ask an admin for the integration's key")
        if row["revoked_at"] is not None:
            self._keys.pop(hashed, None)
            raise Unauthorized(
                f"the API key of integration '{row['name']}' was revoked; ask an admin for a new "
                "one"
            )
        if not row["active"]:
            raise Unauthorized("the integration's user is deactivated; ask an admin")
        actor = Actor(row["user_id"], row["username"], row["display_name"], row["role"])
        if len(self._keys) > 1000:
            self._keys.clear()
        self._keys[hashed] = (actor, row["integration_id"], time.monotonic())
        return actor, row["integration_id"]

    # -- protection --------------------------------------------------------------------------
    def check_rate(self, channel: str, channel_user_id: str, ip: str | None) -> None:
        wait = self.user_limiter.hit(f"{channel}:{channel_user_id}")
        if wait:
            raise RateLimited(
                f"too many messages from this {channel} user; wait {wait:.0f} s",
                wait,
            )
        if ip:
            wait = self.ip_limiter.hit(ip)
            if wait:
                raise RateLimited(f"too many messages from address {ip}; wait {wait:.0f} s", wait)

    # -- look-ups before the write --------------------------------------------------------------
    async def topic_article(self, topic: str, lang: str) -> dict[str, Any] | None:
        key = (topic, lang)
        hit = self._kb.get(key)
        if hit is not None and time.monotonic() - hit[1] < KB_CACHE_SECONDS:
            return hit[0]
        article = await self.db.read(lambda conn: pipeline.topic_article(conn, topic, lang))
        self._kb[key] = (article, time.monotonic())
        return article

    async def language_queues(self) -> list[tuple[str, str | None]]:
        """(name, language) of the default queue's language queues, cached like articles."""
        hit = self._lang_queues
        if hit is not None and time.monotonic() - hit[1] < KB_CACHE_SECONDS:
            return hit[0]
        default = self.settings.default_queue
        found = await self.db.read(lambda conn: store.language_queues(conn, default))
        self._lang_queues = (found, time.monotonic())
        return found

    async def search_article(self, text: str, lang: str) -> dict[str, Any] | None:
        hits = await self.db.read(lambda conn: kb_store.search(conn, text, lang, 1))
        return hits[0][0] if hits else None

    async def status_lookup(self, inc: Any, cls: Classification, lang: str) -> Answer | None:
        """A payment's status from the backend, as the bot's answer (or its hand-off)."""
        found = find_transaction_ref(inc.text)
        ref = inc.transaction_id or (found[0] if found else None)
        kind = (found[1] if found else None) or pipeline.STATUS_INTENTS[cls.intent]
        if not self.payments.configured:
            return None
        player = await self.db.read(lambda conn: known_player(conn, inc.who))
        if player is None:
            return None  # a new player has no payments to look up
        if ref:
            look = await self.payments.transaction(player["external_id"], ref)
        else:
            look = await self.payments.latest(player["external_id"], kind)
        return pipeline.status_answer(
            look.transaction, look.state, ref, lang, player.get("timezone")
        )


def known_player(conn: Any, who: Who) -> dict[str, Any] | None:
    """The player behind these identifiers, if known (read only; the write job decides)."""
    from ..store import players as player_store

    if who.external_id:
        row = player_store.get_by_external_id(conn, who.external_id)
        if row is not None:
            return row
    for kind, value in who.identifiers():
        ident = store.identity(conn, kind, value)
        if ident is not None:
            return store.player(conn, ident["player_id"])
    return None
