"""The basic round trip, on SQLite and PostgreSQL."""

from __future__ import annotations

from .conftest import new_ticket


def test_create_read_list(api):
    t = new_ticket(api, player={"external_id": "p-9", "tier": "vip"})
    for key in (
        "id",
        "number",
        "status",
        "priority",
        "queue",
        "version",
        "created_at",
        "updated_at",
    ):
        assert key in t
    assert t["status"] == "new" and t["queue"] == "vip" and t["version"] == 1
    got = api.get(f"/api/v1/tickets/{t['id']}").json()
    assert got["messages"][0]["body"].startswith("I requested")
    page = api.get("/api/v1/tickets").json()
    assert [i["id"] for i in page["items"]] == [t["id"]]
