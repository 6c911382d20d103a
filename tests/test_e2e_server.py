"""End to end through real server processes: crashes lose nothing, streams resume exactly once,
and on PostgreSQL two servers see each other's changes."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import drop_pg_database, new_pg_database
from .server_process import ServerProcess, run_cli

pytestmark = pytest.mark.e2e


def _create_user(db_url: str) -> None:
    r = run_cli(
        "create-user",
        "maria",
        "--role",
        "l1_agent",
        "--password",
        "pw",
        "--queues",
        "l1",
        "--db",
        db_url,
    )
    assert r.returncode == 0, r.stderr


def _ticket_body(marker: str) -> dict[str, Any]:
    return {
        "subject": marker,
        "body": f"Deposit not credited ({marker})",
        "channel": "api",
        "player": {"external_id": f"p-{marker[-3:]}"},
    }


def test_kill_9_during_concurrent_creates_loses_nothing_and_duplicates_nothing(
    db_url: str, tmp_path: Path
) -> None:
    _create_user(db_url)
    server = ServerProcess(db_url, tmp_path / "data").start()
    token = server.token()
    headers = {"Authorization": f"Bearer {token}"}
    acknowledged: dict[str, int] = {}  # idempotency key → ticket id, for every 2xx
    attempted: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def worker() -> None:
        with httpx.Client(base_url=server.url, headers=headers, timeout=5) as client:
            while not stop.is_set():
                key = uuid.uuid4().hex
                with lock:
                    attempted.append(key)
                try:
                    r = client.post(
                        "/api/v1/tickets", json=_ticket_body(key), headers={"Idempotency-Key": key}
                    )
                except httpx.HTTPError:
                    return  # the server died under us
                if r.status_code == 201:
                    with lock:
                        acknowledged[key] = r.json()["id"]

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 200 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill9()
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert len(acknowledged) >= 200, "the burst did not get going before the kill"

    server.start()
    token = server.token()
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ) as client:
        # Every acknowledged create survived the kill, with the id the client was given.
        for key, ticket_id in acknowledged.items():
            r = client.get(f"/api/v1/tickets/{ticket_id}")
            assert r.status_code == 200 and r.json()["subject"] == key
        # Clients retry what got no answer with the same key: each request exists exactly once.
        for key in attempted:
            r = client.post(
                "/api/v1/tickets", json=_ticket_body(key), headers={"Idempotency-Key": key}
            )
            assert r.status_code == 201
            if key in acknowledged:
                assert r.headers.get("Idempotent-Replayed") == "true"
                assert r.json()["id"] == acknowledged[key]
        subjects: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 500}
            if cursor:
                params["cursor"] = cursor
            page = client.get("/api/v1/tickets", params=params).json()
            subjects += [t["subject"] for t in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
    server.stop()
    assert sorted(subjects) == sorted(attempted)


def _read_events(
    url: str, token: str, n: int, last_event_id: int | None = None, timeout: float = 15
) -> list[dict[str, Any]]:
    """Read n change events from /events, then drop the connection."""
    import orjson

    headers = {"Authorization": f"Bearer {token}"}
    params = {}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    else:
        params["since"] = "0"
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    with (
        httpx.Client(timeout=timeout) as client,
        client.stream("GET", url + "/api/v1/events", headers=headers, params=params) as r,
    ):
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("data: "):
                events.append(orjson.loads(line[6:]))
                if len(events) >= n:
                    break
            if time.monotonic() > deadline:
                break
    return events


def test_event_stream_resumes_exactly_once_in_order(sqlite_url: str, tmp_path: Path) -> None:
    _create_user(sqlite_url)
    server = ServerProcess(sqlite_url, tmp_path / "data").start()
    try:
        token = server.token()
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
            # Away: her event stream must not route the tickets to her (extra changes).
            client.put("/api/v1/agents/me/presence", json={"presence": "away"})
            for i in range(10):
                client.post("/api/v1/tickets", json=_ticket_body(f"first-{i:03d}"))
            first = _read_events(server.url, token, 12)
            for i in range(10):
                client.post("/api/v1/tickets", json=_ticket_body(f"second-{i:03d}"))
            head = client.get("/api/v1/changes", params={"since": 0, "limit": 1}).json()
            total = head["head_seq"]
        rest = _read_events(server.url, token, total - first[-1]["seq"], first[-1]["seq"])
        seqs = [e["seq"] for e in first + rest]
        assert seqs == list(range(1, total + 1))
        ticket_subjects = [e["data"]["subject"] for e in first + rest if e["entity"] == "ticket"]
        assert len(ticket_subjects) == len(set(ticket_subjects)) == 20
    finally:
        server.stop()


@pytest.mark.postgres
def test_two_servers_on_postgresql_stream_each_others_changes(
    pg_template: str, tmp_path: Path
) -> None:
    name, url = new_pg_database(pg_template)
    servers: list[ServerProcess] = []
    try:
        _create_user(url)
        a = ServerProcess(url, tmp_path / "a").start()
        servers.append(a)
        b = ServerProcess(url, tmp_path / "b").start()
        servers.append(b)
        token = a.token()
        # maria's own stream would make her online and route the new tickets to her
        r = httpx.put(
            a.url + "/api/v1/agents/me/presence",
            json={"presence": "away"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert r.status_code == 200, r.text
        got: list[dict[str, Any]] = []
        reader = threading.Thread(target=lambda: got.extend(_read_events(b.url, token, 10)))
        reader.start()
        time.sleep(0.5)
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
            for i in range(2):
                r = client.post(a.url + "/api/v1/tickets", json=_ticket_body(f"via-a-{i:03d}"))
                assert r.status_code == 201
            for i in range(2):
                r = client.post(b.url + "/api/v1/tickets", json=_ticket_body(f"via-b-{i:03d}"))
                assert r.status_code == 201
        reader.join(timeout=20)
        subjects = [e["data"]["subject"] for e in got if e["entity"] == "ticket"]
        assert subjects == ["via-a-000", "via-a-001", "via-b-000", "via-b-001"]
        assert [e["seq"] for e in got] == sorted(e["seq"] for e in got)
    finally:
        for s in servers:
            s.stop()
        drop_pg_database(name)


def test_a_policy_uploaded_to_one_postgresql_server_reaches_the_other(
    pg_template: str, tmp_path: Path
) -> None:
    """Each process keeps the policies in force in memory: an upload through one reaches the
    others through the change feed (LISTEN/NOTIFY), without a restart."""
    from server.domain.sla_policy import DEFAULTS_PATH

    name, url = new_pg_database(pg_template)
    servers: list[ServerProcess] = []
    try:
        r = run_cli("create-user", "root", "--role", "admin", "--password", "pw", "--db", url)
        assert r.returncode == 0, r.stderr
        a = ServerProcess(url, tmp_path / "shared").start()
        servers.append(a)
        b = ServerProcess(url, tmp_path / "shared").start()
        servers.append(b)
        auth = {"Authorization": f"Bearer {a.token('root')}"}
        source = DEFAULTS_PATH.read_text().replace(
            'version = "seeds-2026.1"', 'version = "reloaded-1"'
        )
        with httpx.Client(headers=auth, timeout=10) as client:
            r = client.post(a.url + "/api/v1/sla/policies", json={"source": source})
            assert r.status_code == 201, r.text
            deadline = time.monotonic() + 10
            current = None
            while time.monotonic() < deadline:
                current = client.get(b.url + "/api/v1/sla/policies").json()["current"]
                if current == "reloaded-1":
                    break
                time.sleep(0.1)
            assert current == "reloaded-1"
    finally:
        for s in servers:
            s.stop()
        drop_pg_database(name)
