"""Who a ticket waits for: the player waiting on us, or us waiting on the player."""

from __future__ import annotations

from .conftest import as_player, new_ticket


def _patch(api, ticket, **changes):
    headers = {"If-Match": str(ticket["version"])}
    r = api.patch(f"/api/v1/tickets/{ticket['id']}", json=changes, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_waiting_on_follows_the_conversation(api):
    t = new_ticket(api)
    assert t["waiting_on"] == "agent"
    created_wait = t["waiting_since"]
    r = api.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "note", "body": "checking"})
    assert api.get(f"/api/v1/tickets/{t['id']}").json()["waiting_on"] == "agent"
    r = api.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "reply", "body": "On it"})
    assert r.status_code == 201
    t = api.get(f"/api/v1/tickets/{t['id']}").json()
    assert t["waiting_on"] == "player" and t["waiting_since"] > created_wait
    as_player(api, t["id"], "Any news?")
    t = api.get(f"/api/v1/tickets/{t['id']}").json()
    assert t["waiting_on"] == "agent"
    t = _patch(api, t, status="needs_clarification")
    assert t["waiting_on"] == "player"
    t = _patch(api, t, status="resolved")
    assert t["waiting_on"] is None
    t = _patch(api, t, status="reopened")
    assert t["waiting_on"] == "agent"
