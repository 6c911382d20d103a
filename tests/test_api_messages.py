"""A ticket's thread: replies, notes, relayed player messages, quotes, retraction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from .conftest import add_user, login, new_ticket


def post(api: Any, ticket: dict[str, Any], kind: str, body: str, **extra: Any) -> Any:
    # Players' own words come in through the channel integration user.
    headers = login(api, "intake") if kind == "player" else None
    return api.post(
        f"/api/v1/tickets/{ticket['id']}/messages",
        json={"kind": kind, "body": body, **extra},
        headers=headers,
    )


def ok_post(api: Any, ticket: dict[str, Any], kind: str, body: str, **extra: Any) -> dict:
    r = post(api, ticket, kind, body, **extra)
    assert r.status_code == 201, r.text
    return r.json()


def get(api: Any, ticket: dict[str, Any]) -> dict[str, Any]:
    r = api.get(f"/api/v1/tickets/{ticket['id']}")
    assert r.status_code == 200
    return r.json()


def set_status(api: Any, ticket: dict[str, Any], *statuses: str) -> dict[str, Any]:
    t = get(api, ticket)
    for status in statuses:
        r = api.patch(
            f"/api/v1/tickets/{t['id']}",
            json={"status": status},
            headers={"If-Match": str(t["version"])},
        )
        assert r.status_code == 200, r.text
        t = r.json()
    return t


def retract(api: Any, ticket: dict[str, Any], message_id: int, **kwargs: Any) -> Any:
    return api.post(f"/api/v1/tickets/{ticket['id']}/messages/{message_id}/retract", **kwargs)


def test_kinds_and_their_shapes(api):
    t = new_ticket(api, channel="telegram", player={"external_id": "pm", "name": "Ann"})
    reply = ok_post(api, t, "reply", "We are checking.")
    note = ok_post(api, t, "note", "Looks like a PSP delay.")
    player = ok_post(api, t, "player", "Any news?")
    assert reply["kind"] == "reply" and reply["author"] == "maria"
    assert reply["author_name"] == "Maria" and reply["channel"] == "telegram"
    assert note["kind"] == "note" and note["author"] == "maria" and note["channel"] is None
    assert player["kind"] == "player" and player["author"] is None
    assert player["author_name"] == "Ann" and player["channel"] == "telegram"
    for m in (reply, note, player):
        assert m["ticket_id"] == t["id"]
        assert m["retracted"] is False and m["retracted_at"] is None
        assert m["quote_id"] is None
    got = get(api, t)
    assert [m["id"] for m in got["messages"]] == [
        t["messages"][0]["id"],
        reply["id"],
        note["id"],
        player["id"],
    ]
    assert got["messages"][1:] == [reply, note, player]
    assert got["message_count"] == 4
    assert got["last_message_at"] == player["created_at"]


@pytest.mark.parametrize("start", ["new", "accepted", "reopened"])
def test_reply_starts_work(api, start):
    t = new_ticket(api)
    path = {"new": (), "accepted": ("accepted",), "reopened": ("resolved", "reopened")}[start]
    t = set_status(api, t, *path)
    version = t["version"]
    ok_post(api, t, "reply", "Working on it")
    got = get(api, t)
    assert got["status"] == "in_progress"
    assert got["version"] == version + 1


def test_note_changes_no_status_and_no_version(api):
    t = new_ticket(api)
    ok_post(api, t, "note", "internal")
    got = get(api, t)
    assert got["status"] == "new" and got["version"] == 1 and got["message_count"] == 2


@pytest.mark.parametrize(
    ("path", "after"),
    [
        (("accepted", "needs_clarification"), "in_progress"),
        (("resolved",), "reopened"),
        (("resolved", "closed"), "reopened"),
        (("in_progress",), "in_progress"),
        ((), "new"),
    ],
)
def test_player_message_moves_status(api, path, after):
    t = set_status(api, new_ticket(api), *path)
    version, waiting = t["version"], t["waiting_since"]
    ok_post(api, t, "player", "Hello again")
    got = get(api, t)
    assert got["status"] == after
    if after != t["status"]:
        assert got["version"] == version + 1
        # the player waits again from now
        assert datetime.fromisoformat(got["waiting_since"]) > datetime.fromisoformat(waiting)
    else:
        assert got["version"] == version


def test_reply_on_needs_clarification_keeps_waiting_on_player(api):
    t = set_status(api, new_ticket(api), "accepted", "needs_clarification")
    ok_post(api, t, "reply", "Please send a screenshot")
    assert get(api, t)["status"] == "needs_clarification"


def test_quote(api):
    t = new_ticket(api, player={"external_id": "q1"})
    other = new_ticket(api, player={"external_id": "q2"})
    first = t["messages"][0]
    reply = ok_post(api, t, "reply", "As you wrote:", quote_id=first["id"])
    assert reply["quote_id"] == first["id"]
    r = post(api, t, "reply", "x", quote_id=other["messages"][0]["id"])
    assert r.status_code == 422
    assert r.json()["error"]["details"] == {
        "field": "quote_id",
        "value": other["messages"][0]["id"],
    }
    assert post(api, t, "reply", "x", quote_id=999999).status_code == 422
    got = get(api, t)
    assert [m["kind"] for m in got["messages"]] == ["player", "reply"]
    assert got["version"] == 2  # the refused replies moved nothing


def test_message_on_unknown_ticket(api):
    r = api.post("/api/v1/tickets/99999/messages", json={"kind": "note", "body": "x"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_retract_by_author_keeps_the_message(api):
    t = new_ticket(api)
    reply = ok_post(api, t, "reply", "Wrong player, sorry")
    r = retract(api, t, reply["id"], json={"reason": "sent to the wrong player"})
    assert r.status_code == 200
    out = r.json()
    assert out["id"] == reply["id"] and out["retracted"] is True
    assert out["retracted_at"] is not None
    assert out["retract_reason"] == "sent to the wrong player"
    assert out["body"] == "Wrong player, sorry"
    got = get(api, t)
    kept = next(m for m in got["messages"] if m["id"] == reply["id"])
    assert kept == out
    system = [m for m in got["messages"] if m["kind"] == "system"]
    assert system and f"retracted message {reply['id']}" in system[-1]["body"]
    assert "maria" in system[-1]["body"]
    # Retracting twice is a conflict.
    again = retract(api, t, reply["id"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"


def test_retract_without_body(api):
    t = new_ticket(api)
    note = ok_post(api, t, "note", "oops")
    r = retract(api, t, note["id"])
    assert r.status_code == 200 and r.json()["retracted"] is True
    assert r.json()["retract_reason"] is None


def test_retract_permissions(api, app_client, settings):
    add_user(settings.db_url, "olga")
    olga = login(app_client, "olga")
    lead = login(app_client, "lead")
    t = new_ticket(api)
    mine = ok_post(api, t, "reply", "maria's reply")
    r = retract(api, t, mine["id"], headers=olga)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert get(api, t)["messages"][-1]["retracted"] is False
    r = retract(api, t, mine["id"], headers=lead)
    assert r.status_code == 200 and r.json()["retracted"] is True
    system = [m for m in get(api, t)["messages"] if m["kind"] == "system"]
    assert system[-1]["body"].startswith("lead")


def test_only_replies_and_notes_can_be_retracted(api):
    t = new_ticket(api)
    player_first = t["messages"][0]
    r = retract(api, t, player_first["id"])
    assert r.status_code == 422 and r.json()["error"]["details"] == {"kind": "player"}
    relayed = ok_post(api, t, "player", "relayed")
    assert retract(api, t, relayed["id"]).status_code == 422
    t = set_status(api, t, "accepted")
    system = next(m for m in get(api, t)["messages"] if m["kind"] == "system")
    r = retract(api, t, system["id"])
    assert r.status_code == 422 and r.json()["error"]["details"] == {"kind": "system"}


def test_retract_unknown_or_foreign_message(api):
    t = new_ticket(api, player={"external_id": "a"})
    other = new_ticket(api, player={"external_id": "b"})
    foreign = ok_post(api, other, "note", "on the other ticket")
    assert retract(api, t, foreign["id"]).status_code == 404
    assert retract(api, t, 999999).status_code == 404
    assert api.post(f"/api/v1/tickets/99999/messages/{foreign['id']}/retract").status_code == 404
    assert get(api, other)["messages"][-1]["retracted"] is False


def test_system_messages_for_changes(api):
    t = new_ticket(api)
    t = set_status(api, t, "accepted")
    r = api.patch(
        f"/api/v1/tickets/{t['id']}",
        json={"priority": "P1", "assignee": "lead", "queue": "payments"},
        headers={"If-Match": str(t["version"])},
    )
    assert r.status_code == 200
    # Tags and subject changes are not narrated.
    r = api.patch(
        f"/api/v1/tickets/{t['id']}",
        json={"tags": ["kyc"]},
        headers={"If-Match": str(r.json()["version"])},
    )
    assert r.status_code == 200
    system = [m for m in get(api, t)["messages"] if m["kind"] == "system"]
    assert len(system) == 2
    assert system[0]["body"] == "maria: status new → accepted"
    assert "priority P3 → P1" in system[1]["body"]
    assert "queue l1 → payments" in system[1]["body"]
    assert "assignee — → lead" in system[1]["body"]
    for m in system:
        assert m["author"] is None and m["channel"] is None and m["retracted"] is False
