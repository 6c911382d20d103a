"""Players (upsert, code word never shown, tier moves tickets) and queue counts."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from .conftest import as_player, login, new_ticket

FULL = {
    "name": "Анна Петрова",
    "tier": "vip",
    "host": "ivan",
    "languages": ["ru", "en"],
    "timezone": "Europe/Moscow",
    "preferred_channels": ["telegram", "phone"],
    "quiet_mode": True,
    "currency": "EUR",
    "kyc_state": "verified",
    "profile": {"favourite_game": "blackjack", "limits": {"daily": 5000}},
}
DEFAULTS = {
    "name": None,
    "tier": "standard",
    "host": None,
    "languages": [],
    "timezone": None,
    "preferred_channels": [],
    "quiet_mode": False,
    "currency": None,
    "kyc_state": None,
    "profile": {},
}


def put(api: Any, external_id: str, body: dict[str, Any]) -> dict[str, Any]:
    # KYC state and host are set by roles that see sensitive data (here: compliance).
    r = api.put(f"/api/v1/players/{external_id}", json=body, headers=login(api, "cora"))
    assert r.status_code == 200, r.text
    return r.json()


def work_order(api: Any, **params: Any) -> list[int]:
    page = api.get("/api/v1/tickets", params={"limit": 500, **params}).json()
    return [t["id"] for t in page["items"]]


def test_put_creates_then_get(api):
    created = put(api, "vip-1", FULL)
    assert {k: created[k] for k in FULL} == FULL
    assert created["external_id"] == "vip-1"
    assert created["has_code_word"] is False
    assert created["created_at"] == created["updated_at"]
    got = api.get("/api/v1/players/vip-1", headers=login(api, "cora"))
    assert got.status_code == 200 and got.json() == created
    # An L1 agent sees the profile without KYC (and without SoF/SoW in the profile).
    seen = api.get("/api/v1/players/vip-1").json()
    assert seen["kyc_state"] is None and seen["restricted"] is True
    assert seen["profile"] == FULL["profile"] and seen["tier"] == "vip"


def test_put_new_player_gets_defaults(api):
    created = put(api, "plain", {})
    assert {k: created[k] for k in DEFAULTS} == DEFAULTS


def test_put_changes_only_named_fields_and_null_clears(api):
    put(api, "p", FULL)
    changed = put(api, "p", {"kyc_state": "pending", "languages": ["de"]})
    assert changed["kyc_state"] == "pending" and changed["languages"] == ["de"]
    for k in FULL.keys() - {"kyc_state", "languages"}:
        assert changed[k] == FULL[k], k
    assert datetime.fromisoformat(changed["updated_at"]) > datetime.fromisoformat(
        changed["created_at"]
    )
    cleared = put(api, "p", dict.fromkeys(FULL))
    assert {k: cleared[k] for k in DEFAULTS} == DEFAULTS
    assert api.get("/api/v1/players/p", headers=login(api, "cora")).json() == cleared


def test_unchanged_put_writes_nothing(api):
    first = put(api, "same", FULL)
    head = api.get("/api/v1/changes").json()["head_seq"]
    again = put(api, "same", FULL)
    assert again == first
    assert api.get("/api/v1/changes").json()["head_seq"] == head


def test_put_refuses_bad_fields(api):
    for body in (
        {"tier": "gold"},
        {"unknown": 1},
        {"languages": ["not a language"]},
        {"preferred_channels": ["pigeon"]},
        {"currency": "E"},
        {"quiet_mode": "sometimes"},
        {"profile": ["not", "an", "object"]},
        {"external_id": "other"},
    ):
        r = api.put("/api/v1/players/bad", json=body)
        assert r.status_code == 422, body
    assert api.get("/api/v1/players/bad").status_code == 404
    too_long = "x" * 129
    assert api.get(f"/api/v1/players/{too_long}").status_code == 422


def test_get_unknown_player_is_404(api):
    r = api.get("/api/v1/players/nobody")
    assert r.status_code == 404
    assert r.json()["error"]["details"] == {"external_id": "nobody"}


def test_ticket_embedded_player_changes_only_what_it_names(api):
    put(api, "emb", FULL)
    t = new_ticket(api, player={"external_id": "emb"})
    assert t["player"] == {
        "external_id": "emb",
        "name": FULL["name"],
        "tier": "vip",
        "host": FULL["host"],
    }
    assert t["queue"] == "vip"
    assert api.get("/api/v1/players/emb").json()["languages"] == FULL["languages"]
    new_ticket(api, player={"external_id": "emb", "name": "Anna P."})
    got = api.get("/api/v1/players/emb", headers=login(api, "cora")).json()
    assert got["name"] == "Anna P." and got["kyc_state"] == "verified" and got["host"] == "ivan"
    # An L1 agent cannot set KYC state through a ticket's embedded player.
    body = {
        "subject": "s",
        "body": "b",
        "channel": "email",
        "player": {"external_id": "emb", "kyc_state": "blocked"},
    }
    r = api.post("/api/v1/tickets", json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


SECRETS = ("Sesame-Open-42", "Ticket-Word-7", "Changed-Word-9")


def test_code_word_never_leaves_the_server(api):
    texts: list[str] = []
    r = api.put("/api/v1/players/cw", json={"code_word": SECRETS[0], "tier": "vvip"})
    assert r.status_code == 200 and r.json()["has_code_word"] is True
    texts.append(r.text)
    t_resp = api.post(
        "/api/v1/tickets",
        json={
            "subject": "Lost access",
            "body": "I forgot my password",
            "channel": "phone",
            "player": {"external_id": "cw2", "code_word": SECRETS[1]},
        },
    )
    assert t_resp.status_code == 201
    texts.append(t_resp.text)
    t = t_resp.json()
    texts.append(api.put("/api/v1/players/cw", json={"code_word": SECRETS[2]}).text)
    for path in (
        "/api/v1/players/cw",
        "/api/v1/players/cw2",
        f"/api/v1/tickets/{t['id']}",
        "/api/v1/tickets",
        "/api/v1/changes",
    ):
        r = api.get(path)
        assert r.status_code == 200
        texts.append(r.text)
    assert api.get("/api/v1/players/cw2").json()["has_code_word"] is True
    for text in texts:
        for secret in SECRETS:
            assert secret not in text
        assert '"code_word"' not in text and "code_word_hash" not in text
        assert "$argon2" not in text
    changes = api.get("/api/v1/changes").json()["changes"]
    players = [c["data"] for c in changes if c["entity"] == "player"]
    assert players and all("code_word" not in p for p in players)
    assert all(p["has_code_word"] for p in players if p["external_id"] in ("cw", "cw2"))


def test_tier_change_moves_open_tickets_in_work_order(api):
    a = new_ticket(api, player={"external_id": "pa"})
    b = new_ticket(api, player={"external_id": "pb"})
    b2 = new_ticket(api, player={"external_id": "pb"}, priority="P4")
    assert work_order(api) == [a["id"], b["id"], b2["id"]]
    head = api.get("/api/v1/changes").json()["head_seq"]
    put(api, "pb", {"tier": "vvip"})
    assert work_order(api) == [b["id"], a["id"], b2["id"]]
    got = api.get(f"/api/v1/tickets/{b['id']}").json()
    assert got["player"]["tier"] == "vvip"
    # The consoles learn of both moved tickets and of the player.
    changes = api.get("/api/v1/changes", params={"since": head}).json()["changes"]
    assert sorted((c["entity"], c["id"]) for c in changes) == sorted(
        [("ticket", str(b["id"])), ("ticket", str(b2["id"])), ("player", "pb")]
    )
    moved = {c["id"]: c["data"] for c in changes if c["entity"] == "ticket"}
    assert moved[str(b["id"])]["player"]["tier"] == "vvip"
    # And back down again.
    put(api, "pb", {"tier": "standard"})
    assert work_order(api) == [a["id"], b["id"], b2["id"]]
    # New tickets of a VIP go to the VIP queue and sort first.
    put(api, "pa", {"tier": "vip"})
    c = new_ticket(api, player={"external_id": "pa"})
    assert c["queue"] == "vip" and c["player"]["tier"] == "vip"
    assert work_order(api)[:2] == [a["id"], c["id"]]


def test_reopened_ticket_takes_the_players_current_tier(api):
    t = new_ticket(api, player={"external_id": "later-vip"})
    r = api.patch(
        f"/api/v1/tickets/{t['id']}", json={"status": "resolved"}, headers={"If-Match": "1"}
    )
    assert r.status_code == 200
    put(api, "later-vip", {"tier": "vvip"})
    as_player(api, t["id"], "Again broken")
    got = api.get(f"/api/v1/tickets/{t['id']}").json()
    assert got["status"] == "reopened"
    assert got["player"]["tier"] == "vvip"


def test_queues_list_and_open_counts(api):
    made = [
        ("l1", "P3", None),
        ("l1", "P3", ("accepted",)),
        ("l1", "P1", ("in_progress",)),
        ("l1", "P2", ("resolved",)),
        ("l2", "P4", ("accepted", "needs_clarification")),
        ("l2", "P4", ("resolved", "closed")),
        ("payments", "P1", None),
        ("payments", "P1", ("resolved", "reopened")),
    ]
    expected_status: dict[str, Counter] = {}
    expected_priority: dict[str, Counter] = {}
    for i, (queue, prio, path) in enumerate(made):
        t = new_ticket(api, queue=queue, priority=prio, player={"external_id": f"qp{i}"})
        for status in path or ():
            r = api.patch(
                f"/api/v1/tickets/{t['id']}",
                json={"status": status},
                headers={"If-Match": str(t["version"])},
            )
            assert r.status_code == 200
            t = r.json()
        if t["status"] not in ("resolved", "closed"):
            expected_status.setdefault(queue, Counter())[t["status"]] += 1
            expected_priority.setdefault(queue, Counter())[prio] += 1
    # A VIP player's ticket lands in the vip queue.
    new_ticket(api, priority="P2", player={"external_id": "qv", "tier": "vvip"})
    expected_status.setdefault("vip", Counter())["new"] += 1
    expected_priority.setdefault("vip", Counter())["P2"] += 1

    r = api.get("/api/v1/queues")
    assert r.status_code == 200
    queues = {q["name"]: q for q in r.json()}
    assert set(queues) == {"l1", "l2", "vip", "payments"}
    assert [q["name"] for q in r.json()] == sorted(queues)
    for name, q in queues.items():
        assert q["title"] and isinstance(q["description"], str)
        assert q["by_status"] == dict(expected_status.get(name, {})), name
        assert q["by_priority"] == dict(expected_priority.get(name, {})), name
        assert q["open_count"] == sum(expected_status.get(name, Counter()).values())
    assert queues["l1"]["open_count"] == 3
    assert queues["l2"]["by_status"] == {"needs_clarification": 1}
    assert queues["payments"]["by_status"] == {"new": 1, "reopened": 1}
    assert queues["payments"]["by_priority"] == {"P1": 2}
    # The counts agree with the ticket list.
    for name, q in queues.items():
        assert len(work_order(api, queue=name, open="true")) == q["open_count"]


def test_empty_queues(api):
    queues = api.get("/api/v1/queues").json()
    assert {q["name"]: q["open_count"] for q in queues} == {
        "l1": 0,
        "l2": 0,
        "payments": 0,
        "vip": 0,
    }
    assert all(q["by_status"] == {} and q["by_priority"] == {} for q in queues)


@pytest.mark.parametrize(
    "field", ["name", "host", "timezone", "currency", "kyc_state", "code_word"]
)
def test_player_text_with_nul_is_refused_on_every_backend(api, field):
    r = api.put("/api/v1/players/nul", json={field: "EU\x00R"})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == f"body.{field}"
    r = api.post(
        "/api/v1/tickets",
        json={
            "subject": "s",
            "body": "b",
            "channel": "email",
            "player": {"external_id": "nul", field: "EU\x00R"},
        },
    )
    assert r.status_code == 422, r.text
    assert api.get("/api/v1/players/nul").status_code == 404
