"""Every error the API gives is `{"error": {"code", "message", "details"}}` with the right status,
and bad input never gets a 500 (the TestClient re-raises server exceptions, so one would fail)."""

from __future__ import annotations

from typing import Any

from .conftest import login, new_ticket

JSON = {"content-type": "application/json"}
MiB = 1_048_576


def err(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    e = body["error"]
    assert isinstance(e["code"], str) and e["code"]
    assert isinstance(e["message"], str) and e["message"].strip()
    if code is not None:
        assert e["code"] == code, e
    return e


def raw_ticket(player: bytes = b'{"external_id": "x"}', extra: bytes = b"") -> bytes:
    """A ticket body as raw JSON text, to carry escapes (lone surrogates) json= cannot."""
    return b'{"subject": "s", "body": "b", "channel": "email", "player": %s%s}' % (player, extra)


def ticket_body(**overrides: Any) -> dict[str, Any]:
    body = {"subject": "s", "body": "b", "channel": "email", "player": {"external_id": "err-p"}}
    body.update(overrides)
    return body


def test_error_walk(app_client, settings):
    c = app_client
    tickets = "/api/v1/tickets"

    # -- 401 --------------------------------------------------------------------------
    e = err(c.get(tickets), 401, "unauthorized")
    assert "login" in e["message"]
    assert c.get(tickets).headers["www-authenticate"] == "Bearer"
    for header in ("Bearer forged-token", "Bearer ", "Basic bWFyaWE6cHc=", "bearer", "token"):
        err(c.get(tickets, headers={"Authorization": header}), 401, "unauthorized")
    err(c.post("/api/v1/auth/login", json={"username": "maria", "password": "nope"}), 401)
    err(c.post("/api/v1/auth/login", json={"username": "ghost", "password": "pw"}), 401)
    err(c.get("/api/v1/auth/me"), 401)
    err(c.get("/api/v1/changes"), 401)
    err(c.get("/api/v1/events"), 401)
    err(c.get("/api/v1/queues"), 401)
    err(c.get("/api/v1/players/x"), 401)
    err(c.post(tickets, json=ticket_body()), 401)

    gone = login(c)
    assert c.get("/api/v1/auth/me", headers=gone).status_code == 200
    assert c.post("/api/v1/auth/logout", headers=gone).status_code == 204
    e = err(c.get("/api/v1/auth/me", headers=gone), 401, "unauthorized")
    assert "revoked" in e["message"] or "sign in" in e["message"]
    err(c.post("/api/v1/auth/logout", headers=gone), 401)

    c.headers.update(login(c))
    assert c.get("/api/v1/auth/me").json()["username"] == "maria"
    t = new_ticket(c)
    url = f"{tickets}/{t['id']}"

    # -- 400 --------------------------------------------------------------------------
    e = err(c.post(tickets, content=b'{"subject": ', headers=JSON), 400, "invalid_json")
    err(c.post(tickets, content=b"{bad json}", headers=JSON), 400)
    err(c.post(tickets, content=b'{"subject": "\xff\xfe"}', headers=JSON), 400)
    err(c.post(tickets, content=b"\x80\x81\x82", headers=JSON), 400)
    err(c.patch(url, content=b"{", headers={**JSON, "If-Match": "1"}), 400)
    err(c.patch(url, json={"status": "accepted"}, headers={"If-Match": "abc"}), 400)
    err(c.get(tickets, params={"cursor": "not-a-cursor"}), 400)
    err(c.get(tickets, params={"status": "sleeping"}), 400)
    err(c.get("/api/v1/events", headers={"Last-Event-ID": "abc"}), 400)
    err(c.post(tickets, json=ticket_body(), headers={"Idempotency-Key": "k" * 256}), 400)
    err(c.post(tickets, json=ticket_body(), headers={"Idempotency-Key": "   "}), 400)
    err(c.post(f"{url}/attachments", params={"filename": "a/b"}, content=b"x"), 400)

    # -- 403 --------------------------------------------------------------------------
    lead = login(c, "lead")
    note = c.post(f"{url}/messages", json={"kind": "note", "body": "lead's"}, headers=lead).json()
    e = err(c.post(f"{url}/messages/{note['id']}/retract"), 403, "forbidden")

    # -- 404 --------------------------------------------------------------------------
    err(c.get(f"{tickets}/99999"), 404, "not_found")
    err(c.patch(f"{tickets}/99999", json={"priority": "P1"}, headers={"If-Match": "1"}), 404)
    err(c.post(f"{tickets}/99999/messages", json={"kind": "note", "body": "x"}), 404)
    err(c.post(f"{url}/messages/99999/retract"), 404)
    err(c.post(f"{tickets}/99999/attachments", params={"filename": "a"}, content=b"x"), 404)
    err(c.get("/api/v1/attachments/99999"), 404)
    err(c.get("/api/v1/players/nobody"), 404)
    err(c.get("/api/v1/no-such-route"), 404)
    err(c.get("/nothing/here"), 404)

    # -- 405 --------------------------------------------------------------------------
    err(c.delete(tickets), 405)
    err(c.put(url, json={}), 405)

    # -- 409 --------------------------------------------------------------------------
    e = err(c.patch(url, json={"status": "closed"}, headers={"If-Match": "1"}), 409)
    assert e["code"] == "illegal_transition" and e["details"]["allowed"]
    reply = c.post(f"{url}/messages", json={"kind": "note", "body": "oops"}).json()
    assert c.post(f"{url}/messages/{reply['id']}/retract").status_code == 200
    err(c.post(f"{url}/messages/{reply['id']}/retract"), 409, "conflict")

    # -- 412 / 428 ----------------------------------------------------------------------
    version = c.get(url).json()["version"]
    e = err(c.patch(url, json={"priority": "P1"}, headers={"If-Match": str(version + 5)}), 412)
    assert e["code"] == "version_mismatch" and e["details"]["current"]["id"] == t["id"]
    err(c.patch(url, json={"priority": "P1"}), 428, "precondition_required")

    # -- 413 --------------------------------------------------------------------------
    big = ticket_body(body="x" * (MiB + 10))
    e = err(c.post(tickets, json=big), 413, "payload_too_large")
    assert str(MiB) in e["message"]
    # Content-Length claims more than the cap: refused before reading.
    err(c.post(tickets, content=b"{}", headers={**JSON, "Content-Length": str(5 * MiB)}), 413)
    # Content-Length claims little but the body is larger: refused while reading.
    lying = b'{"subject": "' + b"x" * (2 * MiB) + b'"}'
    err(c.post(tickets, content=lying, headers={**JSON, "Content-Length": "20"}), 413)
    err(c.post(tickets, content=lying, headers={**JSON, "Content-Length": "junk"}), 413)

    def chunks():
        for _ in range(24):
            yield b"x" * 65536

    err(c.post(tickets, content=chunks(), headers=JSON), 413)  # no Content-Length at all
    err(c.put("/api/v1/players/big", content=lying, headers={**JSON, "Content-Length": "9"}), 413)

    # -- 422 --------------------------------------------------------------------------
    e = err(c.post(tickets, json=ticket_body(colour="red")), 422, "validation_failed")
    assert any(d["field"] == "body.colour" for d in e["details"])
    e = err(c.post(tickets, json=ticket_body(subject=12345)), 422)
    assert any(d["field"] == "body.subject" for d in e["details"])
    err(c.post(tickets, json=ticket_body(player="err-p")), 422)
    err(c.post(tickets, json=ticket_body(tags="payment")), 422)
    err(c.post(tickets, json=[ticket_body()]), 422)
    err(c.post(tickets, content=b"null", headers=JSON), 422)
    err(c.post(tickets, json=ticket_body(subject="s" * 1_000_000)), 422)
    err(c.post(tickets, json=ticket_body(body="b" * 1_000_000)), 422)
    e = err(c.post(tickets, json=ticket_body(subject="nul\x00here")), 422)
    assert "NUL" in e["message"] or any("NUL" in d["problem"] for d in e["details"])
    err(c.post(tickets, json=ticket_body(body="\x00")), 422)
    e = err(c.post(tickets, content=b'{"subject": "\\ud800", "body": "b"}', headers=JSON), 422)
    raw = b'{"subject":"s","body":"\\udfff\\ud800","channel":"email","player":{"external_id":"x"}}'
    err(c.post(tickets, content=raw, headers=JSON), 422)
    err(c.post(tickets, content=b'{"\\ud800": 1}', headers=JSON), 422)
    huge = 10**30
    err(c.get(f"{tickets}/{huge}"), 422)
    err(c.patch(f"{tickets}/{huge}", json={}, headers={"If-Match": "1"}), 422)
    err(c.post(f"{tickets}/{huge}/messages", json={"kind": "note", "body": "x"}), 422)
    err(c.post(f"{url}/messages/{huge}/retract"), 422)
    err(c.get(f"/api/v1/attachments/{huge}"), 422)
    err(c.get(f"{tickets}/{2**63}"), 422)
    for quote in (huge, 2**63, 2**64, 0, -1, "x", 1.5):
        body = b'{"kind": "reply", "body": "x", "quote_id": %s}' % str(quote).encode()
        if isinstance(quote, str):
            body = b'{"kind": "reply", "body": "x", "quote_id": "x"}'
        err(c.post(f"{url}/messages", content=body, headers=JSON), 422)
    err(c.post(f"{url}/messages", json={"kind": "robot", "body": "x"}), 422)
    err(c.post(f"{url}/messages", json={"kind": "system", "body": "x"}), 422)
    err(c.post(f"{url}/messages", json={"kind": "reply", "body": ""}), 422)
    err(c.post(f"{url}/messages", json={"kind": "reply", "body": "x", "quote_id": 99999}), 422)
    err(c.patch(url, json={"assignee": "ghost"}, headers={"If-Match": str(version)}), 422)
    err(c.get("/api/v1/changes", params={"since": huge}), 422)
    err(c.get("/api/v1/changes", params={"since": -1}), 422)
    err(c.get(tickets, params={"limit": huge}), 422)
    err(c.post(f"{url}/attachments", content=b"x"), 422)  # no filename
    err(
        c.post(f"{url}/attachments", params={"filename": "a", "message_id": huge}, content=b"x"),
        422,
    )
    e = err(
        c.post(f"{url}/attachments", params={"filename": "a", "message_id": 99999}, content=b"x"),
        422,
    )
    err(c.post(tickets, json=ticket_body(queue="nowhere")), 422, "invalid")
    first = c.post(
        f"{url}/messages", json={"kind": "note", "body": "x"}, headers={"Idempotency-Key": "k1"}
    )
    assert first.status_code == 201
    again = c.post(
        f"{url}/messages", json={"kind": "note", "body": "y"}, headers={"Idempotency-Key": "k1"}
    )
    err(again, 422, "invalid")

    # Nothing of all that was stored: one ticket, its messages as made above.
    listing = c.get(tickets).json()["items"]
    assert [i["id"] for i in listing] == [t["id"]]
    assert c.get("/healthz").status_code == 200


# Inputs that reach the database or the JSON encoder: each must be refused (4xx) or accepted,
# never crash. PostgreSQL refuses NUL in text, SQLite does not care: both must answer < 500.
NUL_AND_FRIENDS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/api/v1/players/a%00b", {}),
    ("PUT", "/api/v1/players/a%00b", {"json": {}}),
    ("GET", "/api/v1/tickets?player=a%00", {}),
    ("GET", "/api/v1/tickets?queue=a%00", {}),
    ("GET", "/api/v1/tickets?assignee=a%00", {}),
    ("GET", "/api/v1/tickets?status=new%00", {}),
    ("POST", "/api/v1/auth/login", {"json": {"username": "a\x00", "password": "x"}}),
    ("POST", "/api/v1/auth/login", {"json": {"username": "maria", "password": "p\x00w"}}),
    ("PUT", "/api/v1/players/p1", {"json": {"timezone": "Europe/\x00"}}),
    ("PUT", "/api/v1/players/p1", {"json": {"currency": "EU\x00R"}}),
    ("PUT", "/api/v1/players/p1", {"json": {"kyc_state": "\x00"}}),
    ("PUT", "/api/v1/players/p1", {"json": {"name": "\x00"}}),
    ("PUT", "/api/v1/players/p1", {"json": {"host": "\x00"}}),
    ("PUT", "/api/v1/players/p1", {"json": {"code_word": "se\x00cret"}}),
    ("PUT", "/api/v1/players/p1", {"json": {"profile": {"a": "b\x00"}}}),
    ("PUT", "/api/v1/players/p1", {"content": b'{"profile": {"a": "\\ud800"}}'}),
    ("PUT", "/api/v1/players/p1", {"content": b'{"profile": {"\\udc00": 1}}'}),
    ("PUT", "/api/v1/players/p1", {"content": b'{"profile": {"n": 100000000000000000000000}}'}),
    ("PUT", "/api/v1/players/p1", {"content": b'{"profile": {"n": 1e400}}'}),
    ("PUT", "/api/v1/players/p1", {"content": b'{"profile": {"n": -1e400}}'}),
    ("PUT", "/api/v1/players/p1", {"content": b'{"profile": ' + b"[" * 5000 + b"]" * 5000 + b"}"}),
    ("PUT", "/api/v1/players/p1", {"content": b'{"timezone": "\\ud800"}'}),
    ("PUT", "/api/v1/players/p1", {"content": b'{"code_word": "\\ud800"}'}),
    (
        "POST",
        "/api/v1/tickets",
        {"json": ticket_body(player={"external_id": "z", "timezone": "\x00"})},
    ),
    ("POST", "/api/v1/tickets", {"json": ticket_body(transaction_refs=["tx\x00"])}),
    ("POST", "/api/v1/tickets", {"json": ticket_body(tags=["a\x00"])}),
    ("POST", "/api/v1/tickets", {"json": ticket_body(language="e\x00")}),
    ("POST", "/api/v1/tickets", {"json": ticket_body(queue="l\x001")}),
    (
        "POST",
        "/api/v1/tickets",
        {"content": raw_ticket(extra=b', "tags": ["\\ud800"]')},
    ),
    (
        "POST",
        "/api/v1/tickets",
        {"content": raw_ticket(b'{"external_id": "\\ud800"}')},
    ),
    (
        "POST",
        "/api/v1/tickets",
        {"content": raw_ticket(b'{"external_id": "x", "name": "\\ud800"}')},
    ),
    ("GET", "/api/v1/tickets?updated_since=0001-01-01T00:00:00%2B01:00", {}),
    ("GET", "/api/v1/tickets?updated_since=9999-12-31T23:59:59-01:00", {}),
    ("GET", "/api/v1/tickets?updated_since=0001-01-01T00:00:00", {}),
    ("GET", "/api/v1/tickets?player=%ED%A0%80", {}),
    ("GET", "/api/v1/players/%ED%A0%80", {}),
    ("GET", "/api/v1/events?since=-1", {}),
    ("GET", "/api/v1/changes?limit=0", {}),
    ("GET", "/api/v1/changes?limit=100000", {}),
]


def test_bad_input_never_500(api):
    """One database per backend for all the cases: each is refused (4xx) or accepted."""
    for method, path, kwargs in NUL_AND_FRIENDS:
        if "content" in kwargs:
            kwargs = {**kwargs, "headers": JSON}
        r = api.request(method, path, **kwargs)
        case = f"{method} {path} {str(kwargs)[:80]}"
        assert r.status_code < 500, (case, r.text)
        if r.status_code >= 400:
            err(r, r.status_code)
    # The server still answers normally afterwards.
    assert api.get("/api/v1/tickets").status_code == 200
    assert new_ticket(api)["status"] == "new"


def test_ticket_text_with_nul_is_refused_everywhere(api):
    t = new_ticket(api)
    url = f"/api/v1/tickets/{t['id']}"
    for data in ({"subject": "a\x00"}, {"tags": ["a\x00"]}, {"transaction_refs": ["\x00"]}):
        err(api.patch(url, json=data, headers={"If-Match": "1"}), 422)
    err(api.post(f"{url}/messages", json={"kind": "reply", "body": "a\x00b"}), 422)
    err(api.post(f"{url}/messages/1/retract", json={"reason": "\x00"}), 422)
    assert api.get(url).json()["version"] == 1
