"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, a real ASGI app.

PostgreSQL: set AGENT_CONSOLE_TEST_PG to a server URL (CI does) and the PostgreSQL variants
run and must pass; without it they run when a server answers on 127.0.0.1:5432 and skip
otherwise. Each test gets its own database, copied from a migrated template.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.api.app import create_app
from server.services.users import create_or_update_user
from server.settings import Settings
from server.store.database import set_clock
from server.store.engine import make_engine, normalize_url
from server.store.migrate import upgrade

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
PG_REQUIRED = bool(os.environ.get("AGENT_CONSOLE_TEST_PG"))
PG_URL = os.environ.get("AGENT_CONSOLE_TEST_PG") or DEFAULT_PG


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(normalize_url(PG_URL), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


_PG_PROBLEM = _pg_reachable()


def _admin_engine() -> Any:
    return create_engine(normalize_url(PG_URL), isolation_level="AUTOCOMMIT")


def _with_db(url: str, name: str) -> str:
    return make_url(normalize_url(url)).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def worker_tag(worker_id: str) -> str:
    return worker_id.replace("-", "_")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}", pool_size=1)
    upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def pg_template(worker_tag: str) -> Iterator[str]:
    if _PG_PROBLEM is not None:
        if PG_REQUIRED:
            pytest.fail(
                f"AGENT_CONSOLE_TEST_PG is set but PostgreSQL is unreachable: {_PG_PROBLEM}"
            )
        pytest.skip(f"PostgreSQL not reachable ({_PG_PROBLEM})")
    # Unique per run too: two test runs on one PostgreSQL must not drop each other's template.
    name = f"ac_tpl_{worker_tag}_{os.getpid()}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(_with_db(PG_URL, name), pool_size=1)
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def new_pg_database(template: str) -> tuple[str, str]:
    name = f"ac_t_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return name, _with_db(PG_URL, name)


def drop_pg_database(name: str) -> None:
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "desk.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    pg_tpl: str = request.getfixturevalue("pg_template")
    name, url = new_pg_database(pg_tpl)
    yield url
    drop_pg_database(name)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "desk.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # Tests sign in far more often than people do: the per-address limit has its own test.
    return Settings(
        db=db_url,
        data_dir=str(tmp_path / "data"),
        attachment_max_bytes=64 * 1024,
        login_attempts_per_minute=100_000,
        # Frozen-clock tests move the server's clock by days; sessions expire on that clock
        # (test_sessions.py checks expiry with the default TTL).
        token_ttl_hours=24 * 60,
    )


ALL_BASE_QUEUES = ["l1", "l2", "vip", "payments"]


def add_user(
    url: str,
    username: str,
    role: str = "l1_agent",
    password: str = "pw",
    queues: list[str] | None = None,
) -> None:
    create_or_update_user(
        url,
        username=username,
        role=role,
        password=password,
        display_name=username.title(),
        queues=ALL_BASE_QUEUES if queues is None else queues,
        languages=["en"],
    )


@pytest.fixture
def app_client(settings: Settings) -> Iterator[TestClient]:
    """The real ASGI app in process, not signed in."""
    add_user(settings.db_url, "maria")
    add_user(settings.db_url, "lead", role="shift_lead")
    add_user(settings.db_url, "intake", role="integration", queues=[])
    add_user(settings.db_url, "cora", role="compliance", queues=[])
    with TestClient(create_app(settings, migrate=False)) as client:
        yield client


def login(client: TestClient, username: str = "maria", password: str = "pw") -> dict[str, str]:
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def as_player(client: TestClient, ticket_id: int, body: str) -> dict[str, Any]:
    """A player's message, relayed by the channel integration user `intake`."""
    r = client.post(
        f"/api/v1/tickets/{ticket_id}/messages",
        json={"kind": "player", "body": body},
        headers=login(client, "intake"),
    )
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def api(app_client: TestClient) -> TestClient:
    """The app, signed in as the L1 agent 'maria'."""
    app_client.headers.update(login(app_client))
    return app_client


def new_ticket(client: TestClient, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subject": "Withdrawal pending for 3 days",
        "body": "I requested a withdrawal on Monday and it is still pending.",
        "channel": "web_chat",
        "player": {"external_id": "player-1"},
    }
    body.update(overrides)
    r = client.post("/api/v1/tickets", json=body)
    assert r.status_code == 201, r.text
    return r.json()


# --- the server's time, frozen ---------------------------------------------------------------

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # a Monday


class FrozenClock:
    """The server's clock (``set_clock``), moved by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def frozen_at(at: datetime) -> Iterator[FrozenClock]:
    """The server's time frozen at `at` until the generator is closed (for clock fixtures)."""
    c = FrozenClock(at)
    set_clock(c)
    yield c
    set_clock(None)


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    """The server's time frozen at T0 (a Monday, 10:00 UTC) for the test."""
    yield from frozen_at(T0)
