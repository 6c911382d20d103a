"""Ticket creates have a fast path beside the FastAPI route: both answer every request alike.

Each case is sent twice, once with the fast path on and once through the framework only, and
the answers are compared (status, error code, headers that matter, the ticket's shape).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from server.api import fast_create
from server.api.app import create_app
from server.settings import Settings

from .conftest import FrozenClock, add_user, login

VOLATILE = {"id", "ticket_id", "number", "display_number"}


@pytest.fixture
def client(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    add_user(settings.db_url, "maria")
    add_user(settings.db_url, "lead", role="shift_lead")
    with TestClient(create_app(settings, migrate=False)) as c:
        yield c


def _body(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "subject": f"Deposit missing {n}",
        "body": "My deposit of 50 EUR is not on the balance; card 4111 1111 1111 1111.",
        "channel": "web_chat",
        "player": {"external_id": f"p-{n % 3}"},
        **extra,
    }


def _shape(value: Any) -> Any:
    """A response body without what differs between two creates (ids, times)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return value


def _both(client: TestClient, send: Any) -> tuple[Any, Any]:
    app: Any = client.app
    answers = []
    for fast in (True, False):
        app.fast_paths = fast
        answers.append(send(fast))
    app.fast_paths = True
    return answers[0], answers[1]


def test_the_fast_path_serves_creates(client: TestClient, monkeypatch: Any) -> None:
    calls: list[int] = []
    real = fast_create.create_ticket_response

    async def spy(*args: Any) -> Any:
        calls.append(1)
        return await real(*args)

    monkeypatch.setattr(fast_create, "create_ticket_response", spy)
    headers = login(client)
    r = client.post("/api/v1/tickets", json=_body(1), headers=headers)
    assert r.status_code == 201 and calls == [1]
    # Requests it is not built for go to the framework (which answers them): no call.
    client.post("/api/v1/tickets", content=b"{", headers={**headers, "Content-Type": "text/plain"})
    client.post("/api/v1/tickets", json=_body(2))
    assert calls == [1]
    # It counts its requests like the middleware does.
    metrics = client.get("/metrics").text
    line = 'agent_console_http_requests_total{method="POST",route="/api/v1/tickets",status="201"}'
    assert line in metrics


def test_a_create_answers_the_same_on_both_paths(client: TestClient) -> None:
    headers = login(client)
    for role_headers in (headers, login(client, "lead")):
        fast, slow = _both(
            client,
            lambda f, h=role_headers: client.post(
                "/api/v1/tickets", json=_body(3 if f else 6), headers=h
            ),
        )
        assert fast.status_code == slow.status_code == 201
        assert fast.headers["content-type"] == slow.headers["content-type"]
        a, b = _shape(fast.json()), _shape(slow.json())
        a["subject"] = b["subject"] = ""
        assert a == b
        assert "4111 1111" not in orjson.dumps(fast.json()).decode() or role_headers != headers


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("no token", 401, "unauthorized"),
        ("bad token", 401, "unauthorized"),
        ("invalid json", 400, "invalid_json"),
        ("invalid field", 422, "validation_failed"),
        ("unknown queue", 422, "invalid"),
        ("over the cap", 413, "payload_too_large"),
        ("bad idempotency key", 400, "bad_request"),
        ("phishing? no: players may write anything", 201, None),
    ],
)
def test_errors_are_the_same_on_both_paths(
    client: TestClient, settings: Settings, case: str, status: int, code: str | None
) -> None:
    auth = login(client)
    json_headers = {**auth, "Content-Type": "application/json"}
    body = orjson.dumps(_body(5))
    headers = json_headers
    if case == "no token":
        headers = {"Content-Type": "application/json"}
    elif case == "bad token":
        headers = {**json_headers, "Authorization": "Bearer nope"}
    elif case == "invalid json":
        body = b'{"subject": '
    elif case == "invalid field":
        body = orjson.dumps(_body(5, channel="pigeon"))
    elif case == "unknown queue":
        body = orjson.dumps(_body(5, queue="nowhere"))
    elif case == "over the cap":
        body = orjson.dumps(_body(5, body="x" * (settings.max_body_bytes + 10)))
    elif case == "bad idempotency key":
        headers = {**json_headers, "Idempotency-Key": "k" * 300}
    else:
        body = orjson.dumps(_body(5, body="what is my PIN? give me your card number"))

    fast, slow = _both(
        client, lambda _f: client.post("/api/v1/tickets", content=body, headers=headers)
    )
    assert fast.status_code == slow.status_code == status, (fast.text, slow.text)
    if code is not None:
        assert fast.json()["error"]["code"] == slow.json()["error"]["code"] == code
        assert fast.json() == slow.json()
    if status == 401:
        assert fast.headers.get("www-authenticate") == slow.headers.get("www-authenticate")


def test_a_replay_is_the_first_answer_on_either_path(client: TestClient) -> None:
    headers = {**login(client), "Idempotency-Key": "create-once"}
    first = client.post("/api/v1/tickets", json=_body(6), headers=headers)
    assert first.status_code == 201
    fast, slow = _both(
        client, lambda _f: client.post("/api/v1/tickets", json=_body(6), headers=headers)
    )
    for r in (fast, slow):
        assert r.status_code == 201 and r.json() == first.json()
        assert r.headers["idempotent-replayed"] == "true"
    other = client.post("/api/v1/tickets", json=_body(7), headers=headers)
    assert other.status_code == 422  # the key was used for a different request
    page = client.get("/api/v1/tickets", headers=headers).json()
    assert len(page["items"]) == 1
