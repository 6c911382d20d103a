"""Sign-in protection: lockout after repeated failures, a per-address limit, expiry,
logout, and an admin signing a user out everywhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from server.api.app import create_app
from server.store.engine import normalize_url

from .conftest import add_user, login


def _login(client, username="maria", password="pw"):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_lockout_after_repeated_failures_then_reset_by_success(app_client):
    for _ in range(4):
        assert _login(app_client, password="nope").status_code == 401
    assert _login(app_client).status_code == 200  # a success resets the count
    for _ in range(5):
        assert _login(app_client, password="nope").status_code == 401
    r = _login(app_client)  # even the right password now waits
    assert r.status_code == 423
    error = r.json()["error"]
    assert error["code"] == "locked" and "locked" in error["message"]
    assert datetime.fromisoformat(error["details"]["locked_until"]) > datetime.now(UTC)
    assert _login(app_client, "lead").status_code == 200  # others are not affected


def test_lock_expires(app_client, settings):
    for _ in range(5):
        _login(app_client, password="nope")
    assert _login(app_client).status_code == 423
    engine = create_engine(normalize_url(settings.db_url))
    with engine.begin() as conn:
        past = datetime.now(UTC) - timedelta(minutes=1)
        conn.execute(
            text("UPDATE users SET locked_until = :t WHERE username = 'maria'"), {"t": past}
        )
    engine.dispose()
    assert _login(app_client).status_code == 200


def test_per_address_limit_answers_429_with_retry_after(settings):
    add_user(settings.db_url, "maria")
    with TestClient(create_app(replace(settings, login_attempts_per_minute=3), migrate=False)) as c:
        codes = [_login(c, password="x").status_code for _ in range(3)]
        assert codes == [401, 401, 401]
        r = _login(c)
        assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
        assert int(r.headers["Retry-After"]) >= 1


def test_expired_and_logged_out_tokens_stop_working(app_client, settings):
    headers = login(app_client)
    assert app_client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert app_client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    r = app_client.get("/api/v1/auth/me", headers=headers)
    assert r.status_code == 401 and "revoked" in r.json()["error"]["message"]
    headers = login(app_client)
    engine = create_engine(normalize_url(settings.db_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET expires_at = :t"), {"t": datetime.now(UTC)})
    engine.dispose()
    app_client.app.state.server.token_cache.clear()
    r = app_client.get("/api/v1/auth/me", headers=headers)
    assert r.status_code == 401 and "expired" in r.json()["error"]["message"]


def test_admin_signs_a_user_out_everywhere(app_client, settings):
    add_user(settings.db_url, "boss", role="admin")
    first, second = login(app_client), login(app_client)
    for h in (first, second):
        assert app_client.get("/api/v1/tickets", headers=h).status_code == 200
    r = app_client.post("/api/v1/auth/users/maria/revoke", headers=first)
    assert r.status_code == 403  # not an admin
    r = app_client.post("/api/v1/auth/users/maria/revoke", headers=login(app_client, "boss"))
    assert r.status_code == 200 and r.json()["revoked_sessions"] >= 2
    for h in (first, second):
        assert app_client.get("/api/v1/tickets", headers=h).status_code == 401
    r = app_client.post("/api/v1/auth/users/ghost/revoke", headers=login(app_client, "boss"))
    assert r.status_code == 404


def test_totp_enrolment_then_sign_in_needs_the_code(app_client, settings):
    import pyotp
    from click.testing import CliRunner

    from server.cli import main

    r = CliRunner().invoke(
        main,
        ["totp", "enroll", "maria", "--db", settings.db_url],
        env={"AGENT_CONSOLE_DATA_DIR": settings.data_dir},
    )
    assert r.exit_code == 0, r.output
    secret = next(line.split()[-1] for line in r.output.splitlines() if line.startswith("secret"))
    assert "otpauth://totp/" in r.output
    r = _login(app_client)
    assert r.status_code == 401 and r.json()["error"]["details"] == {"totp": "required"}
    body = {"username": "maria", "password": "pw", "totp": "000000"}
    if pyotp.TOTP(secret).verify("000000", valid_window=1):  # one chance in 300000
        body["totp"] = "111111"
    r = app_client.post("/api/v1/auth/login", json=body)
    assert r.status_code == 401 and r.json()["error"]["details"] == {"totp": "invalid"}
    body["totp"] = pyotp.TOTP(secret).now()
    assert app_client.post("/api/v1/auth/login", json=body).status_code == 200
    r = CliRunner().invoke(
        main,
        ["totp", "remove", "maria", "--db", settings.db_url],
        env={"AGENT_CONSOLE_DATA_DIR": settings.data_dir},
    )
    assert r.exit_code == 0 and _login(app_client).status_code == 200


def test_roles_that_must_enroll_cannot_skip_it(settings):
    add_user(settings.db_url, "lead", role="shift_lead")
    add_user(settings.db_url, "maria")
    strict = replace(settings, totp_required_roles=("shift_lead",))
    with TestClient(create_app(strict, migrate=False)) as c:
        r = _login(c, "lead")
        assert r.status_code == 403
        assert r.json()["error"]["details"] == {"totp": "enrollment_required"}
        assert "totp enroll lead" in r.json()["error"]["message"]
        assert _login(c).status_code == 200  # an L1 agent is not required to


def test_sessions_expire_on_the_servers_clock(settings, clock):
    """Tokens are stamped and checked on one clock: the server's (a frozen one in tests).
    Checking them against the wall clock let a token stamped on the server's clock expire
    early or live on, depending on the time of day the suite ran."""
    s = replace(settings, token_ttl_hours=12.0)
    add_user(s.db_url, "maria")
    with TestClient(create_app(s, migrate=False)) as client:
        headers = login(client)
        clock.advance(hours=11, minutes=59)
        client.app.state.server.token_cache.clear()
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
        clock.advance(minutes=2)
        client.app.state.server.token_cache.clear()
        r = client.get("/api/v1/auth/me", headers=headers)
        assert r.status_code == 401 and "expired" in r.json()["error"]["message"]
