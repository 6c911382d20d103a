"""Tickets over the real API: create, read, list (filters, work order, cursors), PATCH."""

from __future__ import annotations

import base64
import itertools
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from .conftest import new_ticket

CHANNELS = ["web_chat", "telegram", "email", "phone", "api", "on_site"]
PRIORITIES = ["P1", "P2", "P3", "P4"]
TIERS = ["standard", "vip", "vvip"]


def err(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def patch(api: Any, ticket: dict[str, Any], version: Any = None, **data: Any) -> Any:
    v = ticket["version"] if version is None else version
    return api.patch(f"/api/v1/tickets/{ticket['id']}", json=data, headers={"If-Match": str(v)})


def ok_patch(api: Any, ticket: dict[str, Any], **data: Any) -> dict[str, Any]:
    r = patch(api, ticket, **data)
    assert r.status_code == 200, r.text
    return r.json()


def ids(page: dict[str, Any]) -> list[int]:
    return [t["id"] for t in page["items"]]


def listing(api: Any, **params: Any) -> list[int]:
    r = api.get("/api/v1/tickets", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    assert r.json()["next_cursor"] is None
    return ids(r.json())


# -- create ----------------------------------------------------------------------------------


def test_create_with_every_channel_priority_and_tier(api):
    combos = list(itertools.product(CHANNELS, PRIORITIES))
    created = []
    for i, (channel, priority) in enumerate(combos):
        tier = TIERS[i % 3]
        t = new_ticket(
            api,
            channel=channel,
            priority=priority,
            player={"external_id": f"p-{i}", "tier": tier, "name": f"Player {i}"},
            language="de",
            tags=["Payment", "kyc"],
            transaction_refs=["tx-1"],
        )
        assert t["channel"] == channel
        assert t["priority"] == priority
        assert t["player"] == {
            "external_id": f"p-{i}",
            "name": f"Player {i}",
            "tier": tier,
            "host": None,
        }
        assert t["status"] == "new" and t["version"] == 1
        assert t["tags"] == ["payment", "kyc"]
        assert t["transaction_refs"] == ["tx-1"]
        assert t["language"] == "de"
        assert t["number"] == t["id"] and t["display_number"] == f"#{t['id']}"
        assert t["allowed_transitions"] == ["accepted", "in_progress", "resolved"]
        assert t["assignee"] is None and t["escalation_level"] == 0
        assert t["message_count"] == 1
        assert [m["kind"] for m in t["messages"]] == ["player"]
        assert t["messages"][0]["channel"] == channel
        assert t["attachments"] == []
        for field in ("created_at", "updated_at", "waiting_since"):
            assert datetime.fromisoformat(t[field]).utcoffset() is not None
        created.append(t)
        got = api.get(f"/api/v1/tickets/{t['id']}").json()
        # The SLA countdown runs between the two reads; everything else is the same.
        assert got["sla"]["remaining_s"] <= t["sla"]["remaining_s"]
        assert {**got, "sla": None} == {**t, "sla": None}
    assert [t["id"] for t in created] == list(range(10001, 10001 + len(combos)))


def test_priority_defaults_to_p3(api):
    assert new_ticket(api)["priority"] == "P3"


def test_default_queue_by_tier(api):
    for i, (tier, queue) in enumerate(
        [("standard", "l1"), ("vip", "vip"), ("vvip", "vip"), (None, "l1")]
    ):
        player: dict[str, Any] = {"external_id": f"p-q{i}"}
        if tier:
            player["tier"] = tier
        assert new_ticket(api, player=player)["queue"] == queue, tier


def test_explicit_queue_wins_and_unknown_queue_is_refused(api):
    t = new_ticket(api, queue="payments", player={"external_id": "v", "tier": "vip"})
    assert t["queue"] == "payments"
    before = api.get("/api/v1/changes").json()["head_seq"]
    r = api.post(
        "/api/v1/tickets",
        json={
            "subject": "s",
            "body": "b",
            "channel": "email",
            "queue": "nowhere",
            "player": {"external_id": "fresh-player"},
        },
    )
    e = err(r, 422, "invalid")
    assert e["details"] == {"field": "queue", "value": "nowhere"}
    # Nothing of the refused request was kept: not the ticket, not the new player.
    assert listing(api) == [t["id"]]
    assert api.get("/api/v1/players/fresh-player").status_code == 404
    assert api.get("/api/v1/changes").json()["head_seq"] == before


def test_create_refuses_missing_and_bad_fields(api):
    base = {"subject": "s", "body": "b", "channel": "email", "player": {"external_id": "x"}}
    for broken in (
        {k: v for k, v in base.items() if k != "subject"},
        {**base, "channel": "pigeon"},
        {**base, "priority": "P5"},
        {**base, "player": {"external_id": "x", "tier": "gold"}},
        {**base, "subject": ""},
        {**base, "tags": ["ok", "not ok"]},
    ):
        err(api.post("/api/v1/tickets", json=broken), 422)
    assert listing(api) == []


# -- read one ------------------------------------------------------------------------------


def test_get_one_with_etag_and_errors(api):
    t = new_ticket(api)
    r = api.get(f"/api/v1/tickets/{t['id']}")
    assert r.status_code == 200
    assert r.headers["etag"] == '"1"'
    t2 = ok_patch(api, t, status="accepted")
    assert api.get(f"/api/v1/tickets/{t['id']}").headers["etag"] == f'"{t2["version"]}"'
    err(api.get("/api/v1/tickets/99999"), 404, "not_found")
    err(api.get("/api/v1/tickets/abc"), 422)
    err(api.get("/api/v1/tickets/0"), 422)
    err(api.get("/api/v1/tickets/-3"), 422)
    err(api.get(f"/api/v1/tickets/{10**30}"), 422)


# -- list: filters -----------------------------------------------------------------------


@pytest.fixture
def desk(api):
    """Four tickets in different queues, statuses, priorities and assignees."""
    t1 = new_ticket(api, player={"external_id": "pa"}, priority="P3")
    t2 = new_ticket(api, player={"external_id": "pb", "tier": "vip"}, priority="P2")
    t3 = new_ticket(api, player={"external_id": "pc"}, priority="P1", queue="payments")
    t4 = new_ticket(api, player={"external_id": "pa"}, priority="P4", queue="l2")
    t2 = ok_patch(api, t2, status="accepted", assignee="maria")
    t3 = ok_patch(api, t3, status="in_progress", assignee="lead")
    t3 = ok_patch(api, t3, status="resolved")
    t4 = ok_patch(api, t4, status="accepted")
    t4 = ok_patch(api, t4, status="needs_clarification")
    return {"t1": t1["id"], "t2": t2["id"], "t3": t3["id"], "t4": t4["id"]}


def test_list_filters(api, desk):
    t1, t2, t3, t4 = desk["t1"], desk["t2"], desk["t3"], desk["t4"]
    everything = listing(api)
    assert sorted(everything) == sorted([t1, t2, t3, t4])
    cases: list[tuple[dict[str, Any], set[int]]] = [
        ({"queue": "l1"}, {t1}),
        ({"queue": "l1,l2"}, {t1, t4}),
        ({"queue": ["l1", "vip"]}, {t1, t2}),
        ({"queue": "l2, payments"}, {t3, t4}),
        ({"queue": "nobody"}, set()),
        ({"status": "new"}, {t1}),
        ({"status": "resolved"}, {t3}),
        ({"status": "accepted,needs_clarification"}, {t2, t4}),
        ({"status": ["accepted", "resolved"]}, {t2, t3}),
        ({"priority": "P1"}, {t3}),
        ({"priority": "P2,P4"}, {t2, t4}),
        ({"assignee": "me"}, {t2}),
        ({"assignee": "maria"}, {t2}),
        ({"assignee": "lead"}, {t3}),
        ({"assignee": "none"}, {t1, t4}),
        ({"player": "pa"}, {t1, t4}),
        ({"player": "pc"}, {t3}),
        ({"player": "nobody"}, set()),
        ({"open": "true"}, {t1, t2, t4}),
        ({"open": "false"}, {t1, t2, t3, t4}),
        ({"open": "true", "queue": "payments"}, set()),
        ({"queue": "l1,l2", "status": "needs_clarification"}, {t4}),
        ({"assignee": "none", "player": "pa", "priority": "P3"}, {t1}),
    ]
    for params, expected in cases:
        assert set(listing(api, **params)) == expected, params


def test_list_filter_errors(api, desk):
    err(api.get("/api/v1/tickets", params={"status": "bogus"}), 400)
    err(api.get("/api/v1/tickets", params={"status": "new,bogus"}), 400)
    err(api.get("/api/v1/tickets", params={"priority": "P9"}), 400)
    err(api.get("/api/v1/tickets", params={"assignee": "ghost"}), 404)
    err(api.get("/api/v1/tickets", params={"order": "random"}), 422)
    err(api.get("/api/v1/tickets", params={"limit": 0}), 422)
    err(api.get("/api/v1/tickets", params={"limit": 501}), 422)
    err(api.get("/api/v1/tickets", params={"open": "maybe"}), 422)
    err(api.get("/api/v1/tickets", params={"updated_since": "yesterday"}), 422)


def test_updated_since(api):
    t1 = new_ticket(api, player={"external_id": "u1"})
    t2 = new_ticket(api, player={"external_id": "u2"})
    t3 = new_ticket(api, player={"external_id": "u3"})
    t1 = ok_patch(api, t1, priority="P2")  # t1 is now the most recently updated
    since = datetime.fromisoformat(t2["updated_at"])
    assert set(listing(api, updated_since=since.isoformat())) == {t1["id"], t2["id"], t3["id"]}
    later = datetime.fromisoformat(t3["updated_at"]) + timedelta(microseconds=1)
    assert listing(api, updated_since=later.isoformat()) == [t1["id"]]
    after_all = datetime.fromisoformat(t1["updated_at"]) + timedelta(seconds=1)
    assert listing(api, updated_since=after_all.isoformat()) == []
    # The same instant written with another UTC offset selects the same tickets.
    plus2 = later.astimezone(timezone(timedelta(hours=2)))
    minus5 = later.astimezone(timezone(timedelta(hours=-5)))
    assert listing(api, updated_since=plus2.isoformat()) == [t1["id"]]
    assert listing(api, updated_since=minus5.isoformat()) == [t1["id"]]


# -- list: work order and cursors ----------------------------------------------------------

TIER_RANK = {"vvip": 0, "vip": 1, "standard": 2}


def _make_mixed(api: Any) -> list[tuple[tuple[int, int, int], int]]:
    combos = [
        ("P3", "standard"),
        ("P2", "standard"),
        ("P3", "vip"),
        ("P1", "standard"),
        ("P4", "vvip"),
        ("P3", "vvip"),
        ("P2", "vip"),
        ("P3", "standard"),
        ("P1", "vvip"),
        ("P2", "standard"),
        ("P3", "vip"),
        ("P4", "standard"),
        ("P1", "vip"),
    ]
    out = []
    for i, (prio, tier) in enumerate(combos):
        t = new_ticket(api, priority=prio, player={"external_id": f"w{i}", "tier": tier})
        out.append(((int(prio[1]), TIER_RANK[tier], i), t["id"]))
    return out


def test_work_order_default_and_cursor_pagination(api):
    made = _make_mixed(api)
    expected = [tid for _, tid in sorted(made)]  # priority, then tier, then oldest first
    assert listing(api) == expected
    first = api.get("/api/v1/tickets").json()
    assert first["items"][0]["priority"] == "P1" and first["items"][0]["player"]["tier"] == "vvip"

    seen: list[int] = []
    cursors: list[str | None] = [None]
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 4}
        if cursor:
            params["cursor"] = cursor
        r = api.get("/api/v1/tickets", params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        assert 0 < len(page["items"]) <= 4
        # The same cursor gives the same page again (stable).
        again = api.get("/api/v1/tickets", params=params).json()
        assert ids(again) == ids(page) and again["next_cursor"] == page["next_cursor"]
        seen += ids(page)
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        cursors.append(cursor)
    assert pages == 4
    assert seen == expected  # no duplicates, no gaps, in order
    assert len(set(seen)) == len(seen)

    # A ticket that sorts before a cursor appears on no later page; one after it does.
    top = new_ticket(api, priority="P1", player={"external_id": "late-top", "tier": "vvip"})
    bottom = new_ticket(api, priority="P4", player={"external_id": "late-bottom"})
    rest: list[int] = []
    cursor = cursors[1]
    while cursor:
        page = api.get("/api/v1/tickets", params={"limit": 4, "cursor": cursor}).json()
        rest += ids(page)
        cursor = page["next_cursor"]
    assert top["id"] not in rest
    assert rest == [*expected[4:], bottom["id"]]


def test_filters_combine_with_pagination(api):
    made = _make_mixed(api)
    expected = [tid for key, tid in sorted(made) if key[0] in (1, 2)]
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "priority": "P1,P2"}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/api/v1/tickets", params=params).json()
        seen += ids(page)
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == expected


def test_order_updated(api):
    t = [new_ticket(api, player={"external_id": f"o{i}"}) for i in range(5)]
    ok_patch(api, t[1], priority="P1")
    ok_patch(api, t[0], status="accepted")
    expected = [t[2]["id"], t[3]["id"], t[4]["id"], t[1]["id"], t[0]["id"]]
    assert listing(api, order="updated") == expected
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "order": "updated"}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/api/v1/tickets", params=params).json()
        seen += ids(page)
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == expected
    # A cursor from one order is refused for the other.
    work_cursor = api.get("/api/v1/tickets", params={"limit": 1}).json()["next_cursor"]
    err(api.get("/api/v1/tickets", params={"cursor": work_cursor, "order": "updated"}), 400)


def _b64(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_invalid_cursors_are_400(api):
    new_ticket(api)
    huge = 10**30
    for cursor in [
        "garbage!!",
        "x",
        _b64(b"\xff\xfe not json"),
        _b64({"order": "work"}),
        _b64([]),
        _b64(["work"]),
        _b64(["work", 1, 2]),
        _b64(["work", "a", 2, "2024-01-01T00:00:00+00:00", 0, 1]),
        _b64(["work", 1, 2, "not a date", 0, 1]),
        _b64(["updated", "2024-01-01T00:00:00+00:00", 1]),
        _b64(["work", huge, 2, "2024-01-01T00:00:00+00:00", 0, 1]),
        _b64(["work", 1, 2, "2024-01-01T00:00:00+00:00", 0, huge]),
        _b64(["work", None, 2, "2024-01-01T00:00:00+00:00", 0, 1]),
    ]:
        err(api.get("/api/v1/tickets", params={"cursor": cursor}), 400)
    err(
        api.get(
            "/api/v1/tickets", params={"cursor": _b64(["updated", "x", 1]), "order": "updated"}
        ),
        400,
    )
    err(api.get("/api/v1/tickets", params={"cursor": "a" * 1001}), 422)


# -- PATCH -----------------------------------------------------------------------------------


def test_patch_needs_if_match(api):
    t = new_ticket(api)
    url = f"/api/v1/tickets/{t['id']}"
    e = err(api.patch(url, json={"status": "accepted"}), 428, "precondition_required")
    assert e["details"] == {"header": "If-Match"}
    for garbage in ("abc", "", "*", "1.5", "-1", '"', "W/", "1 2", "1234567890"):
        err(api.patch(url, json={"status": "accepted"}, headers={"If-Match": garbage}), 400)
    # Nothing changed.
    assert api.get(url).json()["version"] == 1


def test_patch_if_match_forms(api):
    t = new_ticket(api)
    url = f"/api/v1/tickets/{t['id']}"
    for version, header, data in [
        (1, "1", {"status": "accepted"}),
        (2, '"2"', {"priority": "P2"}),
        (3, 'W/"3"', {"status": "in_progress"}),
        (4, ' "4" ', {"tags": ["kyc"]}),
    ]:
        r = api.patch(url, json=data, headers={"If-Match": header})
        assert r.status_code == 200, (header, r.text)
        assert r.json()["version"] == version + 1
        assert r.headers["etag"] == f'"{version + 1}"'


def test_stale_version_is_412_with_the_current_ticket(api):
    t = new_ticket(api)
    ok_patch(api, t, status="accepted")
    r = patch(api, t, version=1, priority="P1")
    e = err(r, 412, "version_mismatch")
    current = api.get(f"/api/v1/tickets/{t['id']}").json()
    assert e["details"]["current"] == current
    assert current["version"] == 2 and current["priority"] == "P3"
    # A version from the future is stale too.
    err(patch(api, t, version=99, priority="P1"), 412)


def test_illegal_transition_is_409_listing_allowed(api):
    t = new_ticket(api)
    e = err(patch(api, t, status="closed"), 409, "illegal_transition")
    assert e["details"] == {
        "from": "new",
        "to": "closed",
        "allowed": ["accepted", "in_progress", "resolved"],
    }
    assert e["details"]["allowed"] == t["allowed_transitions"]
    got = api.get(f"/api/v1/tickets/{t['id']}").json()
    assert got["status"] == "new" and got["version"] == 1
    # A PATCH with an illegal status changes nothing else either.
    err(patch(api, t, status="needs_clarification", priority="P1"), 409)
    assert api.get(f"/api/v1/tickets/{t['id']}").json()["priority"] == "P3"


def test_patch_invalid_values(api):
    t = new_ticket(api)
    e = err(patch(api, t, assignee="ghost"), 422, "invalid")
    assert e["details"] == {"field": "assignee", "value": "ghost"}
    e = err(patch(api, t, queue="nowhere"), 422, "invalid")
    assert e["details"]["field"] == "queue"
    err(patch(api, t, status="done"), 422)
    err(patch(api, t, priority="P0"), 422)
    err(patch(api, t, tags=["has space"]), 422)
    err(patch(api, t, version=1, unknown_field=1), 422)
    err(api.patch("/api/v1/tickets/99999", json={"priority": "P1"}, headers={"If-Match": "1"}), 404)
    assert api.get(f"/api/v1/tickets/{t['id']}").json()["version"] == 1


def test_version_increments_by_one_per_change_and_noop_does_not_bump(api):
    t = new_ticket(api)
    assert t["version"] == 1
    steps = [
        {"status": "accepted"},
        {"assignee": "maria"},
        {"priority": "P1", "queue": "payments"},
        {"tags": ["Payment", "payment", "KYC"]},
        {"subject": "New subject"},
        {"transaction_refs": ["tx-9"]},
        {"assignee": None},
    ]
    for n, data in enumerate(steps, start=2):
        t = ok_patch(api, t, **data)
        assert t["version"] == n
    assert t["tags"] == ["payment", "kyc"]
    assert t["assignee"] is None and t["queue"] == "payments" and t["priority"] == "P1"
    assert t["subject"] == "New subject" and t["transaction_refs"] == ["tx-9"]
    updated_at = t["updated_at"]
    head = api.get("/api/v1/changes").json()["head_seq"]
    for noop in (
        {},
        {"status": "accepted"},
        {"priority": "P1", "queue": "payments"},
        {"tags": ["payment", "kyc"]},
        {"tags": [" PAYMENT", "kyc"]},
        {"assignee": None},
        {"subject": "New subject"},
    ):
        same = ok_patch(api, t, **noop)
        assert same["version"] == t["version"], noop
        assert same["updated_at"] == updated_at
    assert api.get("/api/v1/changes").json()["head_seq"] == head


def test_reopen_from_resolved_and_closed(api):
    a = new_ticket(api, player={"external_id": "r1"})
    a = ok_patch(api, a, status="resolved")
    assert a["allowed_transitions"] == ["closed", "reopened"]
    assert a["version"] == 2
    a = ok_patch(api, a, status="reopened")
    assert a["status"] == "reopened" and a["version"] == 3
    # reopening starts the wait again
    assert datetime.fromisoformat(a["waiting_since"]) > datetime.fromisoformat(a["created_at"])
    a = ok_patch(api, a, status="in_progress")
    assert a["status"] == "in_progress"

    b = new_ticket(api, player={"external_id": "r2"})
    b = ok_patch(api, b, status="resolved")
    b = ok_patch(api, b, status="closed")
    e = err(patch(api, b, status="in_progress"), 409)
    assert e["details"]["allowed"] == ["reopened"]
    b = ok_patch(api, b, status="reopened")
    assert b["status"] == "reopened" and b["version"] == 4
    assert set(listing(api, open="true")) == {a["id"], b["id"]}


def test_assign_and_filter_by_assignee(api):
    t = new_ticket(api)
    t = ok_patch(api, t, assignee="lead")
    assert t["assignee"] == "lead"
    assert listing(api, assignee="lead") == [t["id"]]
    assert listing(api, assignee="me") == []
    t = ok_patch(api, t, assignee="maria")
    assert listing(api, assignee="me") == [t["id"]]
    t = ok_patch(api, t, assignee=None)
    assert listing(api, assignee="none") == [t["id"]]
