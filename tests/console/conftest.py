"""Console test fixtures: a real ticket server in process, a temp keyring, temp dirs.

The server is the real ASGI app served by uvicorn on a free port in a background thread, so
the console talks real HTTP and real SSE to it. `LiveServer.stop()` / `start()` take it down and
bring it back on the same port and database (for offline tests).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
import pytest
import uvicorn
from keyring.backend import KeyringBackend

from agent_console.cache import Cache
from agent_console.client import ApiClient
from agent_console.config import ConsoleConfig
from server.api.app import create_app
from server.settings import Settings
from tests.conftest import add_user
from tests.server_process import free_port


class FileKeyring(KeyringBackend):
    """A keyring that writes to a JSON file in the test's temp dir."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.file = path

    def _load(self) -> dict[str, str]:
        import json

        return json.loads(self.file.read_text()) if self.file.exists() else {}

    def _save(self, data: dict[str, str]) -> None:
        import json

        self.file.write_text(json.dumps(data))

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\0{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        data = self._load()
        if data.pop(f"{service}\0{username}", None) is None:
            raise PasswordDeleteError(username)
        self._save(data)


@pytest.fixture(autouse=True)
def temp_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FileKeyring]:
    """Never the user's real keyring, config or cache."""
    previous = keyring.get_keyring()
    backend = FileKeyring(tmp_path / "keyring.json")
    keyring.set_keyring(backend)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("AGENT_CONSOLE_CONFIG", raising=False)
    monkeypatch.delenv("AGENT_CONSOLE_SERVER", raising=False)
    monkeypatch.delenv("AGENT_CONSOLE_TOKEN", raising=False)
    yield backend
    keyring.set_keyring(previous)


ATTACHMENT_CAP = 64 * 1024
"""The console tests' server takes attachments up to 64 KiB (so a 413 needs no big file)."""


class LiveServer:
    def __init__(self, db_url: str, data_dir: Path) -> None:
        self.db_url = db_url
        self.data_dir = data_dir
        self.port = free_port()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._tokens: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        settings = Settings(
            db=self.db_url,
            data_dir=str(self.data_dir),
            sse_heartbeat_seconds=1.0,
            attachment_max_bytes=ATTACHMENT_CAP,
            routing=False,  # the console's stream would make maria online and take the queue
        )
        config = uvicorn.Config(
            create_app(settings, migrate=False),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:  # startup, not a test wait
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._server.force_exit = True
            self._thread.join(timeout=15)
            self._server = None
            self._thread = None

    def token(self, username: str = "maria", password: str = "pw") -> str:
        if username not in self._tokens:
            r = httpx.post(
                self.url + "/api/v1/auth/login",
                json={"username": username, "password": password},
                timeout=10,
            )
            r.raise_for_status()
            self._tokens[username] = r.json()["token"]
        return self._tokens[username]

    def api(self, username: str = "maria") -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self.token(username)}"},
            timeout=10,
        )

    def new_ticket(self, username: str = "maria", **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "subject": "Withdrawal pending for 3 days",
            "body": "I requested a withdrawal on Monday and it is still pending.",
            "channel": "web_chat",
            "player": {"external_id": "player-1", "name": "Anna Petrova"},
        }
        body.update(overrides)
        with self.api(username) as c:
            r = c.post("/api/v1/tickets", json=body)
            assert r.status_code == 201, r.text
            return r.json()


@pytest.fixture
def live_server(sqlite_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    add_user(sqlite_url, "maria")
    add_user(sqlite_url, "oleg")
    add_user(sqlite_url, "lead", role="shift_lead")
    add_user(sqlite_url, "cora", role="compliance", queues=[])
    server = LiveServer(sqlite_url, tmp_path / "server-data").start()
    yield server
    server.stop()


@pytest.fixture
def console_config(live_server: LiveServer, tmp_path: Path) -> ConsoleConfig:
    return ConsoleConfig(
        server=live_server.url,
        username="maria",
        cache_dir=str(tmp_path / "cache"),
        reconnect_seconds=0.2,
        bell=False,
    )


@pytest.fixture
def cache(console_config: ConsoleConfig) -> Iterator[Cache]:
    c = Cache(console_config.cache_path)
    yield c
    c.close()


def run(coro: Any) -> Any:
    """Runs a coroutine to completion (the console tests need no pytest-asyncio)."""
    return asyncio.run(coro)


@pytest.fixture
def signed_client(live_server: LiveServer) -> ApiClient:
    return ApiClient(live_server.url, live_server.token("maria"))
