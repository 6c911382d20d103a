"""The change log: `/changes?since=` for delta sync and `/events` as Server-Sent Events."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from server.api.app import create_app
from server.settings import Settings

from .conftest import login, new_ticket


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """As conftest's, with a short SSE heartbeat so a stream read never blocks for long."""
    return Settings(
        db=db_url,
        data_dir=str(tmp_path / "data"),
        attachment_max_bytes=64 * 1024,
        sse_heartbeat_seconds=0.2,
    )


def all_changes(api: Any, since: int = 0) -> list[dict[str, Any]]:
    r = api.get("/api/v1/changes", params={"since": since, "limit": 10_000})
    assert r.status_code == 200
    body = r.json()
    assert body["has_more"] is False
    return body["changes"]


def head(api: Any) -> int:
    return api.get("/api/v1/changes").json()["head_seq"]


def do_writes(api: Any) -> dict[str, Any]:
    """One of every kind of write; returns what was made."""
    t = new_ticket(api, player={"external_id": "ch-1", "name": "Carl"})
    t2 = new_ticket(api, player={"external_id": "ch-1"}, priority="P1")
    r = api.patch(
        f"/api/v1/tickets/{t['id']}",
        json={"status": "accepted", "assignee": "maria"},
        headers={"If-Match": "1"},
    )
    assert r.status_code == 200
    reply = api.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "reply", "body": "Hi"})
    note = api.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "note", "body": "n"})
    assert reply.status_code == note.status_code == 201
    r = api.post(f"/api/v1/tickets/{t['id']}/messages/{note.json()['id']}/retract")
    assert r.status_code == 200
    a = api.post(
        f"/api/v1/tickets/{t2['id']}/attachments", params={"filename": "x.txt"}, content=b"abc"
    )
    assert a.status_code == 201
    p = api.put("/api/v1/players/ch-1", json={"tier": "vip", "currency": "EUR"})
    assert p.status_code == 200
    return {"tickets": [t["id"], t2["id"]], "attachment": a.json()["id"]}


def test_each_write_appends_contiguous_changes(api):
    assert head(api) == 0
    assert all_changes(api) == []
    seqs_seen = 0

    def step(expected: list[tuple[str, str]]) -> list[dict[str, Any]]:
        nonlocal seqs_seen
        new = all_changes(api, since=seqs_seen)
        assert [(c["entity"], c["op"]) for c in new] == expected
        assert [c["seq"] for c in new] == list(range(seqs_seen + 1, seqs_seen + 1 + len(new)))
        seqs_seen += len(new)
        assert head(api) == seqs_seen
        return new

    t = new_ticket(api, player={"external_id": "s1"})
    step([("player", "create"), ("ticket", "create"), ("message", "create")])
    new_ticket(api, player={"external_id": "s1"})  # known player, nothing about it changes
    step([("ticket", "create"), ("message", "create")])
    r = api.patch(
        f"/api/v1/tickets/{t['id']}", json={"status": "accepted"}, headers={"If-Match": "1"}
    )
    assert r.status_code == 200
    step([("message", "create"), ("ticket", "update")])
    r = api.patch(f"/api/v1/tickets/{t['id']}", json={"tags": ["vip"]}, headers={"If-Match": "2"})
    step([("ticket", "update")])  # no system message for tags
    m = api.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "note", "body": "x"})
    step([("message", "create"), ("ticket", "update")])
    api.post(f"/api/v1/tickets/{t['id']}/messages/{m.json()['id']}/retract")
    step([("message", "update"), ("message", "create")])
    api.post(f"/api/v1/tickets/{t['id']}/attachments", params={"filename": "f"}, content=b"1")
    step([("attachment", "create")])
    api.put("/api/v1/players/s1", json={"name": "S"})
    step([("player", "update")])
    api.put("/api/v1/players/s2", json={})
    step([("player", "create")])
    # Refused writes and reads append nothing.
    api.patch(f"/api/v1/tickets/{t['id']}", json={"status": "new"}, headers={"If-Match": "3"})
    api.patch(f"/api/v1/tickets/{t['id']}", json={"priority": "P1"}, headers={"If-Match": "1"})
    api.post("/api/v1/tickets", json={"subject": "s"})
    api.get(f"/api/v1/tickets/{t['id']}")
    api.put("/api/v1/players/s1", json={"name": "S"})  # no change
    step([])


def test_change_data_matches_the_entities(api):
    made = do_writes(api)
    changes = all_changes(api)
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for c in changes:
        assert set(c) == {"seq", "entity", "id", "op", "data"}
        latest[(c["entity"], c["id"])] = c["data"]
    for ticket_id in made["tickets"]:
        got = api.get(f"/api/v1/tickets/{ticket_id}").json()
        thread, attachments = got.pop("messages"), got.pop("attachments")
        assert latest[("ticket", str(ticket_id))] == got
        for m in thread:
            assert latest[("message", str(m["id"]))] == m
        for a in attachments:
            assert latest[("attachment", str(a["id"]))] == a
    assert latest[("player", "ch-1")] == api.get("/api/v1/players/ch-1").json()
    assert ("attachment", str(made["attachment"])) in latest
    assert latest[("player", "ch-1")]["tier"] == "vip"


def test_changes_paging(api):
    do_writes(api)
    everything = all_changes(api)
    total = head(api)
    assert [c["seq"] for c in everything] == list(range(1, total + 1))
    assert total > 10
    since, pages, collected = 0, 0, []
    while True:
        r = api.get("/api/v1/changes", params={"since": since, "limit": 3}).json()
        pages += 1
        assert r["head_seq"] == total
        assert len(r["changes"]) <= 3
        collected += r["changes"]
        if r["changes"]:
            assert r["last_seq"] == r["changes"][-1]["seq"]
        assert r["has_more"] == (r["last_seq"] < total)
        since = r["last_seq"]
        if not r["has_more"]:
            break
    assert collected == everything
    assert pages == -(-total // 3)
    # Caught up: nothing more, and the position stays.
    r = api.get("/api/v1/changes", params={"since": total}).json()
    assert r == {"changes": [], "last_seq": total, "head_seq": total, "has_more": False}
    # A position from the future (another database?) comes back as the head.
    r = api.get("/api/v1/changes", params={"since": total + 50}).json()
    assert r["changes"] == [] and r["last_seq"] == total and r["has_more"] is False
    # The middle of the log.
    r = api.get("/api/v1/changes", params={"since": 4, "limit": 2}).json()
    assert [c["seq"] for c in r["changes"]] == [5, 6] and r["has_more"] is True


def test_changes_params(api):
    for params in ({"since": -1}, {"limit": 0}, {"limit": 10_001}, {"since": "x"}):
        r = api.get("/api/v1/changes", params=params)
        assert r.status_code == 422, params
        assert set(r.json()["error"]) == {"code", "message", "details"}


# -- Server-Sent Events -------------------------------------------------------------------


def sse_events(lines: Iterator[str], want_seq: int, deadline_s: float = 15.0) -> list[dict]:
    """Parse `change` events from an SSE line stream until one with id >= want_seq arrives."""
    events: list[dict[str, Any]] = []
    fields: dict[str, str] = {}
    deadline = time.monotonic() + deadline_s
    for line in lines:
        if time.monotonic() > deadline:
            raise AssertionError(f"no event {want_seq} in time; got {[e['seq'] for e in events]}")
        if line == "":
            if "data" in fields:
                assert fields.get("event") == "change"
                data = orjson.loads(fields["data"])
                assert int(fields["id"]) == data["seq"]
                events.append({**data, "sse_id": int(fields["id"])})
                if data["seq"] >= want_seq:
                    return events
            fields = {}
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        fields[name] = value[1:] if value.startswith(" ") else value
    raise AssertionError("stream ended")


def test_events_from_zero_match_changes(api):
    do_writes(api)
    expected = all_changes(api)
    total = expected[-1]["seq"]
    with api.stream("GET", "/api/v1/events", params={"since": 0}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["cache-control"] == "no-cache"
        events = sse_events(r.iter_lines(), total)
    assert [e["sse_id"] for e in events] == list(range(1, total + 1))
    assert [{k: v for k, v in e.items() if k != "sse_id"} for e in events] == expected


def test_events_resume_with_last_event_id(api):
    do_writes(api)
    total = head(api)
    resume_from = total - 4
    headers = {"Last-Event-ID": str(resume_from)}
    with api.stream("GET", "/api/v1/events", headers=headers) as r:
        assert r.status_code == 200
        events = sse_events(r.iter_lines(), total)
    assert [e["sse_id"] for e in events] == list(range(resume_from + 1, total + 1))
    # Last-Event-ID wins over `since`.
    with api.stream("GET", "/api/v1/events", params={"since": 0}, headers=headers) as r:
        events = sse_events(r.iter_lines(), total)
    assert events[0]["sse_id"] == resume_from + 1


def test_events_live(api):
    new_ticket(api, player={"external_id": "before"})
    start = head(api)
    api.put("/api/v1/agents/me/presence", json={"presence": "away"})  # no routing to maria
    with api.stream("GET", "/api/v1/events") as r:  # from now on
        lines = r.iter_lines()
        assert next(lines).startswith("retry:")
        t = new_ticket(api, player={"external_id": "live"})
        events = sse_events(lines, start + 3)
        assert [e["sse_id"] for e in events] == [start + 1, start + 2, start + 3]
        assert events[1]["entity"] == "ticket" and events[1]["data"]["id"] == t["id"]
        r2 = api.patch(
            f"/api/v1/tickets/{t['id']}", json={"priority": "P1"}, headers={"If-Match": "1"}
        )
        assert r2.status_code == 200
        more = sse_events(lines, start + 5)
        assert [(e["entity"], e["op"]) for e in more] == [
            ("message", "create"),
            ("ticket", "update"),
        ]
        assert more[-1]["data"] == {
            k: v for k, v in r2.json().items() if k not in ("messages", "attachments")
        }


def test_events_from_a_fresh_server_read_the_log(settings, app_client):
    """A server process started after the writes replays them from the log, not its buffer."""
    app_client.headers.update(login(app_client))
    do_writes(app_client)
    expected = all_changes(app_client)
    with TestClient(create_app(settings, migrate=False)) as other:
        other.headers.update(login(other))
        with other.stream("GET", "/api/v1/events", params={"since": 2}) as r:
            events = sse_events(r.iter_lines(), expected[-1]["seq"])
    assert [{k: v for k, v in e.items() if k != "sse_id"} for e in events] == expected[2:]


def test_events_bad_last_event_id(api):
    for value in ("abc", "-1", str(2**63), "1.5"):
        r = api.get("/api/v1/events", headers={"Last-Event-ID": value})
        assert r.status_code == 400, value
        assert r.json()["error"]["details"] == {"header": "Last-Event-ID"}
    assert api.get("/api/v1/events", params={"since": -1}).status_code == 422


def test_a_burst_longer_than_one_write_arrives_whole_and_in_order(settings, app_client):
    """Streams write at most FRAMES_PER_WRITE frames at a time (a burst is not one huge write
    per console), from the hub's buffer and from the log alike."""
    from server.api.routes.changes import FRAMES_PER_WRITE

    app_client.headers.update(login(app_client))
    for i in range(FRAMES_PER_WRITE + 10):  # two changes each: over two writes' worth
        new_ticket(app_client, player={"external_id": "burst"}, subject=f"burst {i}")
    expected = all_changes(app_client)
    total = expected[-1]["seq"]
    assert total > 2 * FRAMES_PER_WRITE
    hub = app_client.app.state.server.hub
    assert len(hub.frames_after(0, FRAMES_PER_WRITE)) == FRAMES_PER_WRITE
    assert len(hub.frames_after(total - 3, FRAMES_PER_WRITE)) == 3
    with app_client.stream("GET", "/api/v1/events", params={"since": 0}) as r:
        events = sse_events(r.iter_lines(), total)
    assert [e["sse_id"] for e in events] == list(range(1, total + 1))
    with TestClient(create_app(settings, migrate=False)) as other:  # reads the log
        other.headers.update(login(other))
        with other.stream("GET", "/api/v1/events", params={"since": 0}) as r:
            events = sse_events(r.iter_lines(), total)
    assert [{k: v for k, v in e.items() if k != "sse_id"} for e in events] == expected


def test_a_stream_writes_at_most_frames_per_write_at_a_time(api, monkeypatch):
    from server.api.routes import changes as route

    monkeypatch.setattr(route, "FRAMES_PER_WRITE", 3)
    do_writes(api)
    total = head(api)
    assert total > 6
    sizes, seen = [], 0
    with api.stream("GET", "/api/v1/events", params={"since": 0}) as r:
        for chunk in r.iter_raw():
            frames = chunk.count(b"\nevent: change\n")
            if frames:
                sizes.append(frames)
                seen += frames
            if seen >= total:
                break
    assert seen >= total and max(sizes) == 3, sizes  # (opening the stream may add one)
