"""Idempotency-Key: a replayed write returns the first response and creates nothing new."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .conftest import login, new_ticket

BODY = {
    "subject": "Deposit missing",
    "body": "I paid 100 EUR an hour ago.",
    "channel": "telegram",
    "player": {"external_id": "idem-1"},
}


def ticket_ids(api: Any) -> list[int]:
    return [t["id"] for t in api.get("/api/v1/tickets", params={"limit": 500}).json()["items"]]


def head(api: Any) -> int:
    return api.get("/api/v1/changes").json()["head_seq"]


def test_same_key_same_body_replays_the_first_response(api):
    key = {"Idempotency-Key": "create-1"}
    first = api.post("/api/v1/tickets", json=BODY, headers=key)
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    seq = head(api)
    for _ in range(3):
        again = api.post("/api/v1/tickets", json=BODY, headers=key)
        assert again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.content == first.content
    assert ticket_ids(api) == [first.json()["id"]]
    assert head(api) == seq  # a replay writes no change
    # Without the key the same body is a new ticket.
    other = api.post("/api/v1/tickets", json=BODY)
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert len(ticket_ids(api)) == 2


def test_replay_returns_the_first_response_even_after_the_ticket_changed(api):
    key = {"Idempotency-Key": "create-2"}
    first = api.post("/api/v1/tickets", json=BODY, headers=key).json()
    r = api.patch(
        f"/api/v1/tickets/{first['id']}", json={"priority": "P1"}, headers={"If-Match": "1"}
    )
    assert r.status_code == 200
    again = api.post("/api/v1/tickets", json=BODY, headers=key)
    assert again.status_code == 201 and again.json() == first
    assert again.json()["priority"] == "P3"


def test_same_key_different_body_is_422(api):
    key = {"Idempotency-Key": "create-3"}
    assert api.post("/api/v1/tickets", json=BODY, headers=key).status_code == 201
    r = api.post("/api/v1/tickets", json={**BODY, "subject": "Something else"}, headers=key)
    assert r.status_code == 422
    e = r.json()["error"]
    assert e["code"] == "invalid" and e["details"]["header"] == "Idempotency-Key"
    assert e["details"]["first_path"] == "/api/v1/tickets"
    # The same key on another endpoint is a different request too.
    t = ticket_ids(api)[0]
    r = api.post(f"/api/v1/tickets/{t}/messages", json={"kind": "note", "body": "x"}, headers=key)
    assert r.status_code == 422
    assert len(ticket_ids(api)) == 1


def test_a_failed_request_does_not_use_up_its_key(api):
    key = {"Idempotency-Key": "create-4"}
    r = api.post("/api/v1/tickets", json={**BODY, "queue": "nowhere"}, headers=key)
    assert r.status_code == 422
    r = api.post("/api/v1/tickets", json=BODY, headers=key)
    assert r.status_code == 201 and "idempotent-replayed" not in r.headers
    assert api.post("/api/v1/tickets", json=BODY, headers=key).headers["idempotent-replayed"]


def test_keys_are_per_user(app_client):
    maria, lead = login(app_client, "maria"), login(app_client, "lead")
    key = {"Idempotency-Key": "shared-key"}
    a = app_client.post("/api/v1/tickets", json=BODY, headers={**maria, **key})
    b = app_client.post("/api/v1/tickets", json=BODY, headers={**lead, **key})
    assert a.status_code == b.status_code == 201
    assert "idempotent-replayed" not in b.headers
    assert a.json()["id"] != b.json()["id"]
    # Each user's replay gives their own first response.
    a2 = app_client.post("/api/v1/tickets", json=BODY, headers={**maria, **key})
    b2 = app_client.post("/api/v1/tickets", json=BODY, headers={**lead, **key})
    assert a2.json()["id"] == a.json()["id"] and b2.json()["id"] == b.json()["id"]
    # A different body under the key is refused for one user, not for the other's key space.
    other = {**BODY, "subject": "other"}
    assert (
        app_client.post("/api/v1/tickets", json=other, headers={**maria, **key}).status_code == 422
    )
    page = app_client.get("/api/v1/tickets", headers=maria).json()
    assert len(page["items"]) == 2


def test_key_format(api):
    for bad in ("x" * 256, " ", "\t"):
        r = api.post("/api/v1/tickets", json=BODY, headers={"Idempotency-Key": bad})
        assert r.status_code == 400, bad
        assert r.json()["error"]["details"] == {"header": "Idempotency-Key"}
    ok = api.post("/api/v1/tickets", json=BODY, headers={"Idempotency-Key": "x" * 255})
    assert ok.status_code == 201
    # Surrounding whitespace is not part of the key.
    again = api.post("/api/v1/tickets", json=BODY, headers={"Idempotency-Key": " " + "x" * 255})
    assert again.headers.get("idempotent-replayed") == "true"
    assert ticket_ids(api) == [ok.json()["id"]]


def _fire(api: Any, n: int, method: str, url: str, **kwargs: Any) -> list[Any]:
    barrier = threading.Barrier(n)

    def one(_: int) -> Any:
        barrier.wait()
        return api.request(method, url, **kwargs)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def test_concurrent_duplicates_create_one_ticket(api):
    responses = _fire(
        api, 20, "POST", "/api/v1/tickets", json=BODY, headers={"Idempotency-Key": "race-1"}
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    fresh = [r for r in responses if "idempotent-replayed" not in r.headers]
    assert len(fresh) == 1
    assert ticket_ids(api) == [responses[0].json()["id"]]
    changes = api.get("/api/v1/changes").json()["changes"]
    assert [c["entity"] for c in changes if c["op"] == "create"] == ["player", "ticket", "message"]


def test_concurrent_different_keys_all_create(api):
    barrier = threading.Barrier(10)

    def one(i: int) -> Any:
        barrier.wait()
        return api.post("/api/v1/tickets", json=BODY, headers={"Idempotency-Key": f"k-{i}"})

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(one, range(10)))
    assert all(r.status_code == 201 for r in responses)
    assert len(set(ticket_ids(api))) == 10


def test_messages_replay(api):
    t = new_ticket(api)
    url = f"/api/v1/tickets/{t['id']}/messages"
    key = {"Idempotency-Key": "msg-1"}
    first = api.post(url, json={"kind": "reply", "body": "We are on it."}, headers=key)
    assert first.status_code == 201
    again = api.post(url, json={"kind": "reply", "body": "We are on it."}, headers=key)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    got = api.get(f"/api/v1/tickets/{t['id']}").json()
    assert [m["kind"] for m in got["messages"]] == ["player", "reply"]
    assert got["status"] == "in_progress" and got["version"] == 2 and got["message_count"] == 2
    r = api.post(url, json={"kind": "reply", "body": "Different."}, headers=key)
    assert r.status_code == 422


def test_concurrent_duplicate_messages_post_one(api):
    t = new_ticket(api)
    url = f"/api/v1/tickets/{t['id']}/messages"
    responses = _fire(
        api,
        20,
        "POST",
        url,
        json={"kind": "note", "body": "once"},
        headers={"Idempotency-Key": "m"},
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum("idempotent-replayed" not in r.headers for r in responses) == 1
    got = api.get(f"/api/v1/tickets/{t['id']}").json()
    assert [m["body"] for m in got["messages"] if m["kind"] == "note"] == ["once"]
    assert got["message_count"] == 2


def test_retract_and_player_put_replay(api):
    t = new_ticket(api)
    url = f"/api/v1/tickets/{t['id']}"
    note = api.post(f"{url}/messages", json={"kind": "note", "body": "oops"}).json()
    key = {"Idempotency-Key": "retract-1"}
    first = api.post(f"{url}/messages/{note['id']}/retract", json={"reason": "typo"}, headers=key)
    assert first.status_code == 200
    again = api.post(f"{url}/messages/{note['id']}/retract", json={"reason": "typo"}, headers=key)
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    # Without the key a second retraction is a conflict.
    assert api.post(f"{url}/messages/{note['id']}/retract").status_code == 409

    key = {"Idempotency-Key": "player-1"}
    p1 = api.put("/api/v1/players/idem-p", json={"tier": "vip"}, headers=key)
    assert p1.status_code == 200
    seq = head(api)
    p2 = api.put("/api/v1/players/idem-p", json={"tier": "vip"}, headers=key)
    assert p2.headers["idempotent-replayed"] == "true" and p2.content == p1.content
    assert head(api) == seq


def test_attachment_upload_replay(api):
    t = new_ticket(api)
    url = f"/api/v1/tickets/{t['id']}/attachments"
    key = {"Idempotency-Key": "att-1", "Content-Type": "text/plain"}
    first = api.post(url, params={"filename": "a.txt"}, content=b"hello", headers=key)
    assert first.status_code == 201
    again = api.post(url, params={"filename": "a.txt"}, content=b"hello", headers=key)
    assert again.headers["idempotent-replayed"] == "true" and again.content == first.content
    other = api.post(url, params={"filename": "a.txt"}, content=b"other", headers=key)
    assert other.status_code == 422
    assert len(api.get(f"/api/v1/tickets/{t['id']}").json()["attachments"]) == 1
