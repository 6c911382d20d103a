"""The server's command line: help, migrate, create-user (prompting twice), bad config."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, text

from server.cli import main
from server.security import verify_password


def _user(url: str, name: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT role, password_hash FROM users WHERE username = :n"), {"n": name}
        ).first()
    engine.dispose()
    return {"role": row[0], "password_hash": row[1]} if row else {}


def test_every_command_has_complete_help():
    runner = CliRunner()
    top = runner.invoke(main, ["--help"])
    assert top.exit_code == 0
    for command in ("serve", "migrate", "create-user", "seed-demo"):
        assert command in top.output
        r = runner.invoke(main, [command, "--help"])
        assert r.exit_code == 0, r.output
        assert "--db" in r.output


def test_migrate_twice_then_create_user_with_prompt(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    r = runner.invoke(main, ["migrate", "--db", url])
    assert r.exit_code == 0 and "migrated" in r.output
    r = runner.invoke(main, ["migrate", "--db", url])
    assert r.exit_code == 0 and "already at revision" in r.output
    r = runner.invoke(
        main, ["create-user", "olga", "--role", "vip_host", "--db", url], input="s3cret\ns3cret\n"
    )
    assert r.exit_code == 0, r.output
    user = _user(url, "olga")
    assert user["role"] == "vip_host" and verify_password(user["password_hash"], "s3cret")
    # Mismatched confirmation is asked again, not accepted.
    r = runner.invoke(
        main,
        ["create-user", "olga", "--role", "admin", "--db", url],
        input="one\ntwo\nthree\nthree\n",
    )
    assert r.exit_code == 0, r.output
    user = _user(url, "olga")
    assert user["role"] == "admin" and verify_password(user["password_hash"], "three")


def test_unknown_role_and_bad_config_are_refused_with_a_reason(tmp_path: Path):
    runner = CliRunner()
    r = runner.invoke(main, ["create-user", "x", "--role", "boss", "--password", "p"])
    assert r.exit_code != 0 and "boss" in r.output
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[server]\nprot = 1\n")
    r = runner.invoke(main, ["--config", str(cfg), "migrate"])
    assert r.exit_code != 0 and "prot" in r.output


def test_db_comes_from_the_environment_when_no_flag(tmp_path: Path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("AGENT_CONSOLE_DB", url)
    r = CliRunner().invoke(main, ["migrate"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "env.db").exists()
