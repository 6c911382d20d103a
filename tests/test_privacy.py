"""Privacy: a player's data export (right of access), correction, and the audit rows that
reads of sensitive data and attachment transfers leave."""

from __future__ import annotations

import json

import orjson
import pytest
from click.testing import CliRunner

from server.cli import main

from .conftest import add_user, as_player, login, new_ticket

CARD = "4111 1111 1111 1111"


def _audit(client, **params):
    r = client.get("/api/v1/audit", params={"limit": 1000, **params}, headers=login(client, "lead"))
    assert r.status_code == 200, r.text
    return r.json()["items"]


@pytest.fixture
def player_with_history(api):
    """Player `p-7`: KYC set, two tickets, a card number in a message, an attachment."""
    cora = login(api, "cora")
    r = api.put(
        "/api/v1/players/p-7",
        json={
            "name": "Dana Keller",
            "kyc_state": "verified",
            "profile": {"source_of_funds": "salary", "vip_notes": "likes tea"},
            "code_word": "blue heron",
        },
        headers=cora,
    )
    assert r.status_code == 200, r.text
    first = new_ticket(api, player={"external_id": "p-7"})
    second = new_ticket(api, subject="Bonus question", player={"external_id": "p-7"})
    as_player(api, first["id"], f"my card is {CARD}")
    r = api.post(
        f"/api/v1/tickets/{first['id']}/attachments",
        params={"filename": "statement.pdf"},
        content=b"%PDF statement",
        headers={"Content-Type": "application/pdf"},
    )
    assert r.status_code == 201, r.text
    new_ticket(api, player={"external_id": "someone-else"})
    return {"tickets": [first["id"], second["id"]], "attachment": r.json()["id"]}


def test_export_holds_everything_on_the_player_and_is_audited(api, player_with_history):
    r = api.get("/api/v1/players/p-7/export", headers=login(api, "cora"))
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    doc = r.json()
    assert doc["format"] == "agent-console.player-export/1" and doc["generated_by"] == "cora"
    player = doc["player"]
    assert player["name"] == "Dana Keller" and player["kyc_state"] == "verified"
    assert player["profile"]["source_of_funds"] == "salary"
    assert player["has_code_word"] is True
    assert "blue heron" not in r.text and "argon2" not in r.text  # never the code word
    assert [t["id"] for t in doc["tickets"]] == player_with_history["tickets"]
    bodies = [m["body"] for t in doc["tickets"] for m in t["messages"]]
    assert f"my card is {CARD}" in bodies  # in clear: it is the player's own data
    attachment = doc["tickets"][0]["attachments"][0]
    assert attachment["filename"] == "statement.pdf" and attachment["anonymised_at"] is None
    # Only this player's data.
    assert "someone-else" not in r.text
    actions = {(a["entity"], a["action"]) for a in doc["audit"]}
    assert ("player", "player.create") in actions
    assert ("ticket", "ticket.create") in actions
    assert ("message", "message.player") in actions
    assert ("attachment", "attachment.upload") in actions
    assert all("hash" not in a for a in doc["audit"])
    # The export is on the audit trail itself.
    rows = _audit(api, action="privacy.export")
    assert len(rows) == 1 and rows[0]["actor_username"] == "cora"
    assert rows[0]["entity_id"] == "p-7" and rows[0]["after"]["tickets"] == 2


def test_only_compliance_and_admin_may_export(api, settings, player_with_history):
    for username, role in [
        ("u_l1", "l1_agent"),
        ("u_l2", "l2_agent"),
        ("u_pay", "payments"),
        ("u_host", "vip_host"),
        ("u_lead", "shift_lead"),
        ("u_int", "integration"),
        ("u_admin", "admin"),
    ]:
        add_user(settings.db_url, username, role=role)
        r = api.get("/api/v1/players/p-7/export", headers=login(api, username))
        if role == "admin":
            assert r.status_code == 200, r.text
        else:
            assert r.status_code == 403, (role, r.text)
            assert r.json()["error"]["details"]["permission"] == "player.export"
    assert len(_audit(api, action="privacy.export")) == 1  # refusals export nothing


def test_export_of_an_unknown_player_is_404(api):
    r = api.get("/api/v1/players/nobody/export", headers=login(api, "cora"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert _audit(api, action="privacy.export") == []


def test_correction_changes_an_existing_player_with_before_and_after(api, player_with_history):
    r = api.patch(
        "/api/v1/players/p-7",
        json={"name": "Dana Kellermann", "timezone": "Europe/Berlin", "reason": "player asked"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Dana Kellermann" and r.json()["kyc_state"] is None  # L1 view
    rows = _audit(api, action="player.correct")
    assert len(rows) == 1
    row = rows[0]
    assert row["actor_username"] == "maria" and row["entity_id"] == "p-7"
    assert row["before"] == {"name": "Dana Keller", "timezone": None}
    assert row["after"] == {
        "name": "Dana Kellermann",
        "timezone": "Europe/Berlin",
        "reason": "player asked",
    }
    # A correction never creates a player; KYC needs the right role; unknown fields refused.
    assert api.patch("/api/v1/players/ghost", json={"name": "X"}).status_code == 404
    r = api.patch("/api/v1/players/p-7", json={"kyc_state": "rejected"})
    assert r.status_code == 403
    assert api.patch("/api/v1/players/p-7", json={"nickname": "D"}).status_code == 422
    r = api.patch("/api/v1/players/p-7", json={"kyc_state": "rejected"}, headers=login(api, "cora"))
    assert r.status_code == 200 and r.json()["kyc_state"] == "rejected"


def test_reads_of_kyc_and_source_of_funds_are_audited(api, settings, player_with_history):
    add_user(settings.db_url, "pay", role="payments")
    before = len(_audit(api, action="player.read_sensitive"))
    head = api.get("/api/v1/changes", params={"since": 0}).json()["head_seq"]
    assert api.get("/api/v1/players/p-7").status_code == 200  # L1: sees no KYC, no row
    assert len(_audit(api, action="player.read_sensitive")) == before
    r = api.get("/api/v1/players/p-7", headers=login(api, "pay"))
    assert r.status_code == 200 and r.json()["kyc_state"] == "verified"
    rows = _audit(api, action="player.read_sensitive")
    assert len(rows) == before + 1
    last = rows[-1]
    assert last["actor_username"] == "pay" and last["actor_role"] == "payments"
    assert last["entity_id"] == "p-7" and last["ip"] and last["at"]
    assert last["after"] == {"fields": ["kyc_state", "source_of_funds"]}
    # A player without any KYC data read by compliance: nothing sensitive went out, no row.
    api.put("/api/v1/players/plain", json={"name": "Plain"})
    api.get("/api/v1/players/plain", headers=login(api, "cora"))
    assert len(_audit(api, action="player.read_sensitive")) == before + 1
    # Reads leave no change-feed entry (the one change is the PUT of `plain`).
    assert api.get("/api/v1/changes", params={"since": 0}).json()["head_seq"] == head + 1


def test_attachment_upload_and_download_are_audited(api, player_with_history):
    aid = player_with_history["attachment"]
    up = _audit(api, action="attachment.upload")
    assert len(up) == 1 and up[0]["entity_id"] == str(aid)
    assert up[0]["after"]["filename"] == "statement.pdf" and up[0]["actor_username"] == "maria"
    r = api.get(f"/api/v1/attachments/{aid}")
    assert r.status_code == 200 and r.content == b"%PDF statement"
    down = _audit(api, action="attachment.download")
    assert len(down) == 1 and down[0]["entity_id"] == str(aid)
    assert down[0]["after"]["ticket_id"] == player_with_history["tickets"][0]
    assert down[0]["ip"] and down[0]["actor_role"] == "l1_agent"
    # A download refused for scope is no read: no row.
    assert api.get("/api/v1/attachments/999999").status_code == 404
    assert len(_audit(api, action="attachment.download")) == 1


def test_cli_export_writes_the_document_and_audits_it(api, settings, player_with_history, tmp_path):
    out = tmp_path / "p7.json"
    r = CliRunner().invoke(
        main,
        ["privacy", "export", "p-7", "--out", str(out), "--db", settings.db_url],
        env={"AGENT_CONSOLE_DATA_DIR": settings.data_dir},
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert doc["player"]["external_id"] == "p-7" and len(doc["tickets"]) == 2
    rows = _audit(api, action="privacy.export")
    assert rows[-1]["actor_username"].startswith("cli:")
    r = CliRunner().invoke(
        main,
        ["privacy", "export", "ghost", "--db", settings.db_url],
        env={"AGENT_CONSOLE_DATA_DIR": settings.data_dir},
    )
    assert r.exit_code != 0 and "does not exist" in r.output


def test_export_document_matches_its_schema(api, player_with_history):
    from server.api.schemas import PlayerExport

    r = api.get("/api/v1/players/p-7/export", headers=login(api, "cora"))
    PlayerExport.model_validate(orjson.loads(r.content))
