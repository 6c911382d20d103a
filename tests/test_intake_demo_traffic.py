"""The demo's simulated players through the intake door: several languages, bot answers,
hand-offs to the regional queues, and a conversation carried onto the ticket of a player who
asks for a person after the bot's answer."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import shutil
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from server.api.app import create_app
from server.demo.data import BOT_USERNAME
from server.demo.seed import seed_demo, set_bot_password
from server.demo.traffic import Traffic, bot_examples
from server.intake.keys import create_integration
from server.settings import Settings

from .conftest import login


def test_bot_examples_cover_every_language_with_answers_handoffs_and_asks_for_a_person():
    examples = bot_examples()
    for lang in ("en", "ru", "uk", "kk", "fa", "el", "mn", "tr", "es", "pt", "de"):
        assert examples[(lang, False)] and examples[(lang, True)]
        assert examples[(f"{lang}:human", True)]


def test_demo_traffic_goes_through_the_intake_door(sqlite_template: Path, tmp_path: Path):
    path = tmp_path / "demo.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    seed_demo(url, n_tickets=30, seed=5)
    set_bot_password(url, "bot-secret")
    key, _ = create_integration(url, "demo-web")
    settings = dataclasses.replace(
        Settings(db=url, data_dir=str(tmp_path / "data")),
        bot_warm_up=False,
        followup_interval_seconds=0,
    )
    with TestClient(create_app(settings)) as tc:
        transport = httpx.ASGITransport(app=tc.app)
        traffic = Traffic(
            "http://demo.test",
            BOT_USERNAME,
            "bot-secret",
            seed=3,
            transport=transport,
            intake_key=key,
        )
        traffic.rng = random.Random(11)  # the same run every time

        async def drive() -> tuple[list[dict[str, Any]], dict[str, Any]]:
            async with traffic.client() as client:
                await traffic.login(client)
                outs = [await traffic.player_writes(client) for _ in range(24)]
                while not traffic.answered and len(outs) < 80:
                    outs.append(await traffic.player_writes(client))
                person = await traffic.wants_a_person(client)
                await traffic.tick(client)  # the loop's step works with the key too
                return outs, person

        outs, person = asyncio.run(drive())
        lead = login(tc, "lead", "demo")
        outcomes = {o["outcome"] for o in outs}
        assert "answered" in outcomes and "ticket_created" in outcomes
        assert len({o["reply"]["lang"] for o in outs}) >= 4
        # a bot answer makes no ticket (it goes onto the player's open ticket, if any)
        for o in outs:
            if o["outcome"] == "answered":
                assert o["ticket"] is None or not o["ticket"]["created"]
        # the player who wanted a person: the ticket carries the bot's answer before it
        assert person["outcome"] in ("ticket_created", "ticket_updated") and person["handoff"]
        ticket = tc.get(f"/api/v1/tickets/{person['ticket']['id']}", headers=lead).json()
        kinds = [m["kind"] for m in ticket["messages"] if m["kind"] != "system"]
        if person["outcome"] == "ticket_created":
            assert kinds[:2] == ["player", "bot"] and kinds[-2:] == ["player", "bot"]
            assert len(kinds) >= 4
        assert traffic.events >= len(outs) + 1
