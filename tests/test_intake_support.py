"""Fixtures for the intake tests (imported by the test_intake*.py modules): the real app with
the starter knowledge base and an integration key, and the fake payments backend served over
real HTTP on a free port."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from server.api.app import create_app
from server.connectors.fake_payments import create_fake_app
from server.intake.keys import create_integration
from server.kb.service import seed_articles
from server.services.queues import create_queue
from server.settings import Settings
from server.store.database import Database

from .conftest import add_user


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeBackend:
    """The fake payments backend in a uvicorn thread; `url`, `put`, `control`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_fake_app(), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake payments backend did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)

    def put(self, player: str, tx: dict[str, Any]) -> None:
        r = httpx.put(f"{self.url}/v1/players/{player}/transactions/{tx['id']}", json=tx)
        r.raise_for_status()

    def control(self, **values: Any) -> None:
        httpx.post(f"{self.url}/_control", json=values).raise_for_status()


@pytest.fixture(scope="session")
def fake_payments() -> Iterator[FakeBackend]:
    backend = FakeBackend()
    backend.start()
    yield backend
    backend.stop()


@pytest.fixture
def payments(fake_payments: FakeBackend) -> Iterator[FakeBackend]:
    fake_payments.control()  # normal service at the start of each test
    yield fake_payments
    fake_payments.control()


def prepare_desk(url: str) -> str:
    """Queues, the starter knowledge base and an integration 'tg'; returns its key."""
    db = Database(url)
    db.start()
    try:

        def setup(ctx: Any) -> None:
            for name in ("l1", "l2", "vip", "payments"):
                create_queue(ctx, {"name": name, "title": name.upper()})
            seed_articles(ctx)

        db.write_sync(setup)
    finally:
        db.close()
    key, _ = create_integration(url, "tg")
    return key


@pytest.fixture
def intake_settings(settings: Settings, fake_payments: FakeBackend) -> Settings:
    return dataclasses.replace(
        settings,
        bot_warm_up=False,
        followup_interval_seconds=0,
        payments_url=fake_payments.url,
        payments_timeout_seconds=1.0,
        token_cache_seconds=0,
    )


@pytest.fixture
def desk(intake_settings: Settings) -> Iterator[tuple[TestClient, str]]:
    """(client, integration key): the real app, not signed in."""
    key = prepare_desk(intake_settings.db_url)
    add_user(intake_settings.db_url, "maria")
    add_user(intake_settings.db_url, "lead", role="shift_lead")
    with TestClient(create_app(intake_settings, migrate=False)) as client:
        yield client, key


def send(client: TestClient, key: str, text: str, **fields: Any) -> httpx.Response:
    body = {"channel": "telegram", "channel_user_id": "u1", "text": text, **fields}
    return client.post("/api/v1/intake/messages", json=body, headers={"X-API-Key": key})


def ok(client: TestClient, key: str, text: str, **fields: Any) -> dict[str, Any]:
    r = send(client, key, text, **fields)
    assert r.status_code == 200, r.text
    return r.json()
