"""POST /api/v1/bot/classify through the real app."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "lang", "handoff"),
    [
        ("Где мои деньги?? Вывод пропал", "ru", True),
        ("Which documents do you need for verification?", "en", None),
        ("", None, False),
    ],
)
def test_classify(api, text, lang, handoff):
    r = api.post("/api/v1/bot/classify", json={"text": text})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"lang", "intent", "handoff", "priority", "confidence"}
    assert body["lang"] == lang
    if handoff is not None:
        assert body["handoff"] is handoff
    assert body["priority"] in ("P1", "P2", "P3", "P4")


def test_classify_needs_a_token_and_text(app_client, api):
    assert (
        app_client.post(
            "/api/v1/bot/classify", json={"text": "x"}, headers={"Authorization": ""}
        ).status_code
        == 401
    )
    assert api.post("/api/v1/bot/classify", json={}).status_code == 422
