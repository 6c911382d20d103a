"""PII in players' messages is masked for roles without pii.read (and in the shared feed);
agent replies that ask for a PIN, password, CVV or full card number are refused."""

from __future__ import annotations

import pytest

from .conftest import add_user, as_player, login, new_ticket

CARD_TEXT = "My card 4111 1111 1111 1111 was charged, call me on +7 701 234 56 78"


def test_player_pii_is_masked_unless_the_role_may_see_it(api, settings):
    add_user(settings.db_url, "pay", role="payments")
    t = new_ticket(api, body=CARD_TEXT)
    first = t["messages"][0]
    assert "4111 1111 1111 1111" not in first["body"] and first["body"].endswith("56 78") is False
    assert "1111" in first["body"] and first["masked"] is True
    as_player(api, t["id"], "IBAN DE89 3704 0044 0532 0130 00 please, mail ivan@example.com")
    seen_by_l1 = api.get(f"/api/v1/tickets/{t['id']}").json()["messages"]
    bodies = " ".join(m["body"] for m in seen_by_l1)
    for secret in ("4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "ivan@example.com"):
        assert secret not in bodies
    seen_by_payments = api.get(f"/api/v1/tickets/{t['id']}", headers=login(api, "pay")).json()
    clear = " ".join(m["body"] for m in seen_by_payments["messages"])
    assert "4111 1111 1111 1111" in clear and "ivan@example.com" in clear
    feed = api.get("/api/v1/changes", params={"since": 0}, headers=login(api, "pay")).json()
    feed_text = " ".join(c["data"]["body"] for c in feed["changes"] if c["entity"] == "message")
    assert "4111 1111 1111 1111" not in feed_text and "ivan@example.com" not in feed_text


@pytest.mark.parametrize(
    "reply",
    [
        "Please send us your card PIN so we can check the payment.",
        "Пришлите, пожалуйста, полный номер карты и CVV.",
        "Надішліть, будь ласка, CVV-код вашої картки.",
        "Lütfen şifrenizi buraya yazın.",
    ],
)
def test_phishing_replies_are_refused(api, reply):
    t = new_ticket(api)
    r = api.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "reply", "body": reply})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "phishing_refused" and "never" in error["message"].lower()
    thread = api.get(f"/api/v1/tickets/{t['id']}").json()["messages"]
    assert all(m["kind"] != "reply" for m in thread)  # nothing was sent


def test_warnings_about_secrets_go_through(api):
    t = new_ticket(api)
    for reply in (
        "We will never ask for your PIN or password.",
        "Никогда не сообщайте никому PIN-код.",
    ):
        r = api.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "reply", "body": reply})
        assert r.status_code == 201, r.text
