"""Two-factor enrolment over the API: enroll, confirm, replace, remove; wrong codes count
toward the sign-in lockout; a code works once (no replay within its window).

The server's TOTP clock is frozen mid-step for these tests (`clock`): `clock.code(secret)`
moves it one 30 s step on and returns that step's code, so each call is a new, valid code."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from server.api.app import create_app
from server.services import users as user_service
from server.store import users as user_store
from server.store.engine import normalize_url

from .conftest import add_user, login

ENROLL, CONFIRM, TOTP = "/api/v1/auth/totp/enroll", "/api/v1/auth/totp/confirm", "/api/v1/auth/totp"


class Clock:
    """The server's TOTP clock (unix seconds), frozen in the middle of a step."""

    def __init__(self) -> None:
        self.t = (time.time() // 30) * 30 + 15

    def __call__(self) -> float:
        return self.t

    def code(self, secret: str, *, advance: bool = True) -> str:
        """The code of the next step (the clock moves on to it), or of this one."""
        if advance:
            self.t += 30
        return pyotp.TOTP(secret).at(self.t)

    def old_code(self, secret: str) -> str:
        """The previous step's code: still inside the drift window."""
        return pyotp.TOTP(secret).at(self.t - 30)


CLOCK: Clock | None = None


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    global CLOCK
    CLOCK = Clock()
    monkeypatch.setattr(user_service, "clock", CLOCK)
    return CLOCK


def wrong_code(secret: str) -> str:
    """A well-formed code that the secret does not accept now."""
    totp, at = pyotp.TOTP(secret), CLOCK.t if CLOCK else time.time()
    return next(
        c for c in ("000000", "111111", "222222") if not totp.verify(c, for_time=at, valid_window=1)
    )


def _login(client, username="maria", password="pw", code=None):
    body = {"username": username, "password": password}
    if code is not None:
        body["totp"] = code
    return client.post("/api/v1/auth/login", json=body)


def _audit_actions(client):
    r = client.get("/api/v1/audit", params={"limit": 1000}, headers=login(client, "lead"))
    return [row["action"] for row in r.json()["items"]]


def _enroll(client, headers, password="pw"):
    r = client.post(ENROLL, json={"password": password}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_enrolment_is_not_active_until_confirmed(app_client, clock):
    me = login(app_client)
    got = _enroll(app_client, me)
    secret = got["secret"]
    assert got["otpauth_uri"].startswith("otpauth://totp/") and secret in got["otpauth_uri"]
    assert datetime.fromisoformat(got["expires_at"]) > datetime.now(UTC)
    # Unconfirmed: sign-in still needs no code, and a code is not asked for.
    assert _login(app_client).status_code == 200
    r = app_client.post(CONFIRM, json={"code": wrong_code(secret)}, headers=me)
    assert r.status_code == 422 and r.json()["error"]["details"] == {"totp": "invalid"}
    assert _login(app_client).status_code == 200  # still not active
    r = app_client.post(CONFIRM, json={"code": clock.code(secret)}, headers=me)
    assert r.status_code == 200 and r.json() == {"username": "maria", "totp_enrolled": True}
    r = _login(app_client)
    assert r.status_code == 401 and r.json()["error"]["details"] == {"totp": "required"}
    assert _login(app_client, code=clock.code(secret)).status_code == 200
    actions = _audit_actions(app_client)
    assert "auth.totp_enroll_started" in actions and "auth.totp_enroll" in actions


def test_enrolment_needs_the_password_and_a_token_alone_cannot(app_client):
    me = login(app_client)
    r = app_client.post(ENROLL, json={"password": "guess"}, headers=me)
    assert r.status_code == 422 and r.json()["error"]["details"] == {"password": "invalid"}
    assert app_client.post(ENROLL, json={}, headers=me).status_code == 422
    r = app_client.post(CONFIRM, json={"code": "123456"}, headers=me)  # nothing pending
    assert r.status_code == 409 and r.json()["error"]["details"] == {"totp": "not_pending"}
    assert app_client.post(ENROLL, json={"password": "pw"}).status_code == 401  # no token
    assert "auth.reauth_failed" in _audit_actions(app_client)


def test_an_expired_enrolment_cannot_be_confirmed(app_client, settings, clock):
    me = login(app_client)
    secret = _enroll(app_client, me)["secret"]
    engine = create_engine(normalize_url(settings.db_url))
    with engine.begin() as conn:
        past = datetime.now(UTC) - timedelta(minutes=11)
        conn.execute(
            text("UPDATE users SET totp_pending_at = :t WHERE username = 'maria'"), {"t": past}
        )
    engine.dispose()
    r = app_client.post(CONFIRM, json={"code": clock.code(secret)}, headers=me)
    assert r.status_code == 409
    assert _login(app_client).status_code == 200  # never became active


def _enrolled(client, headers):
    assert CLOCK is not None
    secret = _enroll(client, headers)["secret"]
    r = client.post(CONFIRM, json={"code": CLOCK.code(secret)}, headers=headers)
    assert r.status_code == 200, r.text
    return secret


def test_wrong_codes_at_sign_in_count_toward_the_lockout(app_client, clock):
    secret = _enrolled(app_client, login(app_client))
    for _ in range(5):
        r = _login(app_client, code=wrong_code(secret))
        assert r.status_code == 401 and r.json()["error"]["details"] == {"totp": "invalid"}
    r = _login(app_client, code=clock.code(secret))  # right password and code: locked
    assert r.status_code == 423 and r.json()["error"]["code"] == "locked"
    actions = _audit_actions(app_client)
    assert actions.count("auth.totp_failed") == 5 and "auth.locked" in actions


def test_a_success_resets_the_count_of_wrong_codes(app_client, clock):
    secret = _enrolled(app_client, login(app_client))
    for _ in range(4):
        assert _login(app_client, code=wrong_code(secret)).status_code == 401
    assert _login(app_client, code=clock.code(secret)).status_code == 200
    for _ in range(4):
        assert _login(app_client, code=wrong_code(secret)).status_code == 401
    assert _login(app_client, code=clock.code(secret)).status_code == 200


def test_replacing_and_removing_need_a_current_code(app_client, clock):
    me = login(app_client)
    old = _enrolled(app_client, me)
    r = app_client.post(ENROLL, json={"password": "pw"}, headers=me)
    assert r.status_code == 409 and r.json()["error"]["details"] == {"totp": "enrolled"}
    r = app_client.post(ENROLL, json={"password": "pw", "code": wrong_code(old)}, headers=me)
    assert r.status_code == 422
    r = app_client.post(ENROLL, json={"password": "pw", "code": clock.code(old)}, headers=me)
    new = r.json()["secret"]
    assert _login(app_client, code=clock.code(old)).status_code == 200  # old until confirmed
    r = app_client.post(CONFIRM, json={"code": clock.code(new)}, headers=me)
    assert r.status_code == 200
    stale = clock.code(old)
    if stale != clock.code(new, advance=False):
        assert _login(app_client, code=stale).status_code == 401
    assert _login(app_client, code=clock.code(new)).status_code == 200
    # Removing: a wrong code is refused (and counted), the right one turns it off.
    r = app_client.request("DELETE", TOTP, json={"code": wrong_code(new)}, headers=me)
    assert r.status_code == 422
    r = app_client.request("DELETE", TOTP, json={"code": clock.code(new)}, headers=me)
    assert r.status_code == 204
    assert _login(app_client).status_code == 200
    r = app_client.request("DELETE", TOTP, json={"code": "123456"}, headers=me)
    assert r.status_code == 409
    actions = _audit_actions(app_client)
    assert {"auth.totp_replace", "auth.totp_remove", "auth.totp_failed"} <= set(actions)


def test_a_role_that_must_enroll_does_so_without_a_token(settings, clock):
    add_user(settings.db_url, "pay", role="payments")
    add_user(settings.db_url, "lead", role="shift_lead")
    strict = replace(settings, totp_required_roles=("payments",))
    with TestClient(create_app(strict, migrate=False)) as c:
        r = _login(c, "pay")
        assert r.status_code == 403 and r.json()["error"]["details"] == {
            "totp": "enrollment_required"
        }
        r = c.post(ENROLL, json={"username": "pay", "password": "nope"})
        assert r.status_code == 401  # the password is checked like a sign-in
        r = c.post(ENROLL, json={"username": "pay", "password": "pw"})
        assert r.status_code == 200, r.text
        secret = r.json()["secret"]
        r = c.post(CONFIRM, json={"code": clock.code(secret)})
        assert r.status_code == 401  # without a token: username and password too
        body = {"username": "pay", "password": "pw", "code": clock.code(secret)}
        assert c.post(CONFIRM, json=body).status_code == 200
        r = _login(c, "pay", code=clock.code(secret))
        assert r.status_code == 200
        headers = {"Authorization": f"Bearer {r.json()['token']}"}
        # The role must keep it: removing is refused (an admin's CLI can).
        r = c.request("DELETE", TOTP, json={"code": clock.code(secret)}, headers=headers)
        assert r.status_code == 403
        assert r.json()["error"]["details"] == {"totp": "required_for_role"}


def test_cli_enrolment_clears_a_pending_api_enrolment(app_client, settings, clock):
    from click.testing import CliRunner

    from server.cli import main

    pending = _enroll(app_client, login(app_client))["secret"]
    r = CliRunner().invoke(
        main,
        ["totp", "remove", "maria", "--db", settings.db_url],
        env={"AGENT_CONSOLE_DATA_DIR": settings.data_dir},
    )
    assert r.exit_code == 0
    r = app_client.post(CONFIRM, json={"code": clock.code(pending)}, headers=login(app_client))
    assert r.status_code == 409


def test_a_code_signs_in_once(app_client, clock):
    """RFC 6238 §5.2: a code accepted once is not accepted again, nor an older one still in
    the drift window; both answer exactly like a wrong code, and count like one."""
    secret = _enrolled(app_client, login(app_client))
    code = clock.code(secret)
    assert _login(app_client, code=code).status_code == 200
    for replayed in (code, clock.old_code(secret)):
        r = _login(app_client, code=replayed)
        assert r.status_code == 401, r.text
        assert r.json()["error"] == {
            "code": "unauthorized",
            "message": "the two-factor code is wrong or expired",
            "details": {"totp": "invalid"},
        }
    assert _audit_actions(app_client).count("auth.totp_failed") == 2
    # The next step's code is new: it signs in (and a success resets the failure count).
    assert _login(app_client, code=clock.code(secret)).status_code == 200
    # The confirming code is used too: it cannot sign in afterwards.
    me = _bearer(_login(app_client, code=clock.code(secret)))
    r = app_client.post(ENROLL, json={"password": "pw", "code": clock.code(secret)}, headers=me)
    assert r.status_code == 200, r.text
    new = r.json()["secret"]
    confirm_code = clock.code(new)
    assert app_client.post(CONFIRM, json={"code": confirm_code}, headers=me).status_code == 200
    assert _login(app_client, code=confirm_code).status_code == 401
    assert _login(app_client, code=clock.code(new)).status_code == 200


def _bearer(r):
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_replacing_or_removing_with_a_used_code_is_refused(app_client, clock):
    secret = _enrolled(app_client, login(app_client))
    code = clock.code(secret)
    me = _bearer(_login(app_client, code=code))
    r = app_client.post(ENROLL, json={"password": "pw", "code": code}, headers=me)
    assert r.status_code == 422 and r.json()["error"]["details"] == {"totp": "invalid"}
    r = app_client.request("DELETE", TOTP, json={"code": code}, headers=me)
    assert r.status_code == 422 and r.json()["error"]["details"] == {"totp": "invalid"}
    removing = clock.code(secret)
    r = app_client.request("DELETE", TOTP, json={"code": removing}, headers=me)
    assert r.status_code == 204
    assert _login(app_client).status_code == 200  # off; a new enrolment starts afresh
    again = _enrolled(app_client, me)
    assert _login(app_client, code=clock.code(again)).status_code == 200


def test_two_sign_ins_racing_with_one_code_cannot_both_pass(app_client, settings):
    """The step is marked used by one conditional UPDATE (the write job's), not by the check
    before it: of two requests that both passed the check, the second finds it used."""
    engine = create_engine(normalize_url(settings.db_url))
    with engine.begin() as conn:
        user_id = user_store.get_by_username(conn, "maria")["id"]
        assert user_store.use_totp_step(conn, user_id, 1000)
        assert not user_store.use_totp_step(conn, user_id, 1000)
        assert not user_store.use_totp_step(conn, user_id, 999)
        assert user_store.use_totp_step(conn, user_id, 1001)
    engine.dispose()


def test_me_says_whether_two_factor_is_on(app_client, clock):
    me = login(app_client)
    r = app_client.get("/api/v1/auth/me", headers=me)
    assert r.status_code == 200 and r.json()["totp"] is False
    assert r.json()["username"] == "maria"
    secret = _enrolled(app_client, me)
    assert app_client.get("/api/v1/auth/me", headers=me).json()["totp"] is True
    # Only /auth/me says it: the user shape elsewhere (the sign-in answer) is unchanged.
    r = _login(app_client, code=clock.code(secret))
    assert r.status_code == 200 and "totp" not in r.json()["user"]
