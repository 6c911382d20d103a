"""The audit trail: every action recorded with who, what, when, where, before and after;
`audit verify` finds any edited, inserted or deleted row."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from server.cli import main
from server.store.engine import normalize_url

from .conftest import as_player, login, new_ticket


def _verify(settings) -> tuple[int, str]:
    r = CliRunner().invoke(
        main,
        ["audit", "verify", "--db", settings.db_url],
        env={"AGENT_CONSOLE_DATA_DIR": settings.data_dir},
    )
    return r.exit_code, r.output


def _sql(settings, statement: str) -> None:
    engine = create_engine(normalize_url(settings.db_url))
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


@pytest.fixture
def busy_desk(api):
    t = new_ticket(api)
    api.patch(f"/api/v1/tickets/{t['id']}", json={"status": "accepted"}, headers={"If-Match": "1"})
    api.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "reply", "body": "On it"})
    as_player(api, t["id"], "thanks")
    api.post("/api/v1/auth/login", json={"username": "maria", "password": "wrong"})
    return t


def test_actions_are_recorded_with_who_what_where_and_values(api, busy_desk):
    lead = login(api, "lead")
    rows = api.get("/api/v1/audit", params={"limit": 1000}, headers=lead).json()["items"]
    actions = [r["action"] for r in rows]
    for action in (
        "auth.login",
        "ticket.create",
        "ticket.update",
        "message.reply",
        "message.player",
        "auth.login_failed",
    ):
        assert action in actions, action
    update = next(r for r in rows if r["action"] == "ticket.update")
    assert update["actor_username"] == "maria" and update["actor_role"] == "l1_agent"
    assert update["before"] == {"status": "new"} and update["after"] == {"status": "accepted"}
    assert update["ip"] and update["at"].endswith("+00:00")
    assert [r["id"] for r in rows] == list(range(1, len(rows) + 1))
    # Filters, and who may read it.
    only = api.get(
        "/api/v1/audit",
        params={"entity": "ticket", "entity_id": str(busy_desk["id"])},
        headers=lead,
    ).json()["items"]
    assert {r["action"] for r in only} == {"ticket.create", "ticket.update"}
    assert api.get("/api/v1/audit").status_code == 403  # an L1 agent
    assert api.get("/api/v1/audit", headers=login(api, "cora")).status_code == 200
    export = api.get("/api/v1/audit/export", headers=lead)
    assert export.status_code == 200 and len(export.text.splitlines()) >= len(rows)


def test_verify_passes_on_an_untouched_trail(api, busy_desk, settings):
    code, output = _verify(settings)
    assert code == 0, output
    assert "intact" in output


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        ("UPDATE audit_log SET actor_username = 'lead' WHERE id = 3", "row 3: was edited"),
        ("DELETE FROM audit_log WHERE id = 2", "row 3: rows 2–2 are missing"),
        ("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)", "newest rows"),
        ("UPDATE audit_head SET last_id = last_id - 1", "head was edited"),
    ],
)
def test_verify_names_the_tampered_row(api, busy_desk, settings, tamper, expected):
    _sql(settings, tamper)
    code, output = _verify(settings)
    assert code == 1
    assert expected in output, output


def test_a_forged_row_with_a_plain_sha256_is_caught(api, busy_desk, settings):
    engine = create_engine(normalize_url(settings.db_url))
    with engine.begin() as conn:
        last_id, last_hash = conn.execute(text("SELECT last_id, last_hash FROM audit_head")).one()
        forged = hashlib.sha256(f"{last_hash}forged".encode()).hexdigest()
        conn.execute(
            text(
                "INSERT INTO audit_log (id, at, action, entity, prev_hash, hash) "
                "VALUES (:id, '2026-01-01T00:00:00+00:00', 'ticket.delete', 'ticket', :p, :h)"
            ),
            {"id": last_id + 1, "p": last_hash, "h": forged},
        )
        conn.execute(
            text("UPDATE audit_head SET last_id = :id, last_hash = :h"),
            {"id": last_id + 1, "h": forged},
        )
    engine.dispose()
    code, output = _verify(settings)
    assert code == 1
    assert f"row {last_id + 1}: was edited or forged" in output
    assert "head was edited" in output
