"""The cache (schema versions, change application, outbox) and the config file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from rich.cells import cell_len

from agent_console import cache as cache_mod
from agent_console.cache import Cache, work_key
from agent_console.config import (
    ConfigError,
    fill,
    forget_token,
    load_config,
    load_token,
    save_token,
)
from agent_console.text import fit, visual


def _ticket(i: int, **kw: object) -> dict:
    t = {
        "id": i,
        "status": "new",
        "priority": "P3",
        "queue": "l1",
        "player": {"external_id": f"p{i}", "name": "X", "tier": "standard"},
        "tags": [],
        "version": 1,
        "waiting_since": f"2026-01-01T00:00:{i % 60:02d}+00:00",
    }
    t.update(kw)
    return t


def test_apply_changes_once_and_in_order(tmp_path: Path) -> None:
    c = Cache(tmp_path / "c.db")
    changes = [
        {"seq": 1, "entity": "ticket", "id": "1", "op": "create", "data": _ticket(1)},
        {
            "seq": 2,
            "entity": "message",
            "id": "7",
            "op": "create",
            "data": {"id": 7, "ticket_id": 1, "kind": "player", "body": "hi", "created_at": "t"},
        },
        {
            "seq": 3,
            "entity": "ticket",
            "id": "1",
            "op": "update",
            "data": _ticket(1, status="resolved"),
        },
    ]
    applied = c.apply_changes(changes)
    assert applied.count == 3 and applied.created == {1} and applied.messages == {1: {7}}
    assert c.ticket(1)["status"] == "resolved" and c.last_seq == 3
    assert c.open_counts() == {}
    assert c.apply_changes(changes).count == 0  # seen: skipped
    assert [m["id"] for m in c.messages(1)] == [7]
    c.close()


def test_schema_change_rebuilds_but_keeps_the_outbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.db"
    c = Cache(path)
    c.put_tickets([_ticket(1)])
    c.outbox_add("key-1", 1, "patch", {"priority": "P1"}, {"version": 1})
    c.close()
    monkeypatch.setattr(cache_mod, "SCHEMA_VERSION", cache_mod.SCHEMA_VERSION + 1)
    c = Cache(path)
    assert c.ticket_count() == 0
    assert [e.key for e in c.outbox()] == ["key-1"]
    c.close()


def test_corrupt_cache_file_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(b"this is not a database" * 100)
    c = Cache(path)
    c.put_tickets([_ticket(2)])
    assert c.ticket(2)["id"] == 2
    c.close()
    assert (
        sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]
        == cache_mod.SCHEMA_VERSION
    )


def test_outbox_survives_reopen(tmp_path: Path) -> None:
    c = Cache(tmp_path / "c.db")
    c.outbox_add("a", 1, "message", {"kind": "reply", "body": "x"})
    c.outbox_add("b", 1, "patch", {"status": "resolved"})
    c.close()
    c = Cache(tmp_path / "c.db")
    assert [(e.key, e.op) for e in c.outbox()] == [("a", "message"), ("b", "patch")]
    c.outbox_done("a")
    assert c.outbox_count() == 1
    c.close()


def test_work_order_matches_server_rules() -> None:
    p1 = _ticket(1, priority="P1")
    vip = _ticket(2, player={"external_id": "v", "tier": "vip"})
    old = _ticket(3, waiting_since="2025-01-01T00:00:00+00:00")
    payment = _ticket(4, tags=["payment"])
    plain = _ticket(5)
    order = sorted([plain, payment, old, vip, p1], key=work_key)
    assert [t["id"] for t in order] == [1, 2, 3, 4, 5]


def test_config_file_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[server]\nport = 9000\n"
        '[console]\nserver = "http://desk:8080/"\nusername = "maria"\n'
        '[console.keymap]\n"ticket.pending" = "ctrl+w"\n'
        '[[console.macros]]\nname = "Hi"\nbody = "Hello {name}, ticket {number}. {agent}"\n'
    )
    cfg = load_config(path)
    assert cfg.server == "http://desk:8080" and cfg.username == "maria"
    assert cfg.keymap == {"ticket.pending": "ctrl+w"}
    assert cfg.macros[0].render({"name": "Anna", "number": "#10001", "agent": "Maria"}) == (
        "Hello Anna, ticket #10001. Maria"
    )
    assert load_config(path, server="http://other:1").server == "http://other:1"
    path.write_text('[console]\nsevrer = "x"\n')
    with pytest.raises(ConfigError, match="sevrer"):
        load_config(path)
    path.write_text("[console]\nreconnect_seconds = 'soon'\n")
    with pytest.raises(ConfigError, match="reconnect_seconds"):
        load_config(path)
    with pytest.raises(ConfigError, match="no such"):
        load_config(tmp_path / "missing.toml")


def test_fill_keeps_unknown_variables() -> None:
    assert fill("{name} {unknown} {", {"name": "A"}) == "A {unknown} {"


def test_token_lives_in_the_keyring_not_the_file(tmp_path: Path) -> None:
    save_token("http://desk:8080", "maria", "secret-token")
    assert load_token("http://desk:8080/")["token"] == "secret-token"
    assert forget_token("http://desk:8080")
    assert load_token("http://desk:8080") is None


def test_wide_and_rtl_text_fit_their_cells() -> None:
    for text in ["提现问题很长的主题", "ab提现", "Ödeme yapılmadı", "برداشت ۱۲۳ تومان (فوری)"]:
        for w in (1, 3, 8, 12, 30):
            assert cell_len(fit(text, w)) == w
    assert visual("سلام دنیا") == "ایند مالس"
    assert visual("مشکل با برداشت 500 USD") == "USD 500 تشادرب اب لکشم"
    assert visual("abc 123 سلام") == "abc 123 مالس"
    assert visual("(فوری)") == "(یروف)"
    # cropped in logical order: the start of the sentence stays (on the right)
    assert fit("سلام دنیا", 5).endswith("مالس")
