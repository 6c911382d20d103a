"""Intake protection (issue 4 item 6): rate limits per channel user and per address, size
limits, and no links or media from a new channel user before N meaningful messages."""

# ruff: noqa: F811  (pytest fixtures imported from test_intake_support)

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from server.api.app import create_app

from .test_intake_support import (  # noqa: F401  (fixtures)
    fake_payments,
    intake_settings,
    ok,
    prepare_desk,
    send,
)


@pytest.fixture
def tight(intake_settings) -> Iterator[tuple[TestClient, str]]:
    settings = dataclasses.replace(
        intake_settings,
        intake_user_messages_per_minute=12,
        intake_ip_messages_per_minute=5,  # only with client_ip
        intake_trusted_after=2,
        intake_max_chars=500,
        intake_max_media=2,
    )
    key = prepare_desk(settings.db_url)
    with TestClient(create_app(settings, migrate=False)) as client:
        yield client, key


def test_rate_limit_per_channel_user(tight):
    client, key = tight
    for _ in range(12):
        assert send(client, key, "hello", channel_user_id="flood").status_code == 200
    r = send(client, key, "hello", channel_user_id="flood")
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert r.json()["error"]["code"] == "rate_limited"
    # another user of the same channel is not held back
    assert send(client, key, "hello", channel_user_id="calm").status_code == 200


def test_rate_limit_per_address(tight):
    client, key = tight
    codes = [
        send(client, key, "hello", channel_user_id=f"u{i}", client_ip="203.0.113.9").status_code
        for i in range(6)
    ]
    assert codes == [200] * 5 + [429]
    assert (
        send(client, key, "hello", channel_user_id="u9", client_ip="203.0.113.10").status_code
        == 200
    )
    assert send(client, key, "hi", channel_user_id="u10", client_ip="not-an-ip").status_code == 422


def test_size_limits(tight):
    client, key = tight
    assert send(client, key, "a" * 501).status_code == 413
    media = [{"kind": "photo", "filename": f"{i}.png", "size": 10} for i in range(3)]
    assert send(client, key, "look", media=media).status_code == 413
    huge = [{"kind": "document", "filename": "x.pdf", "size": 10**9}]
    assert send(client, key, "look", media=huge, channel_user_id="h").status_code == 413


def test_links_and_media_only_after_meaningful_messages(tight):
    client, key = tight
    user = {"channel_user_id": "newbie"}
    out = ok(client, key, "get free spins at http://bonus-casino.xyz/win", **user)
    assert out["outcome"] == "refused" and out["ticket"] is None
    assert "link" in out["reply"]["text"].lower()
    out = ok(client, key, "see t.me/freemoney", **user)
    assert out["outcome"] == "refused"
    photo = [{"kind": "photo", "filename": "receipt.png", "size": 2048}]
    assert ok(client, key, "", media=photo, **user)["outcome"] == "refused"
    # bare links and emoji are not meaningful; two real messages are
    ok(client, key, "hi", **user)
    ok(client, key, "I have a question about my bonus wagering", **user)
    out = ok(client, key, "here is a link example.com", **user)
    assert out["outcome"] == "refused"
    ok(client, key, "my deposit did not arrive on the balance", **user)
    out = ok(client, key, "the receipt is at https://bank.example.org/r/1", **user)
    assert out["outcome"] != "refused"
    out = ok(client, key, "", media=photo, **user)
    assert out["outcome"] == "ticket_updated"  # a photo onto the open ticket


def test_verified_players_may_send_links_at_once(tight):
    client, key = tight
    out = ok(
        client,
        key,
        "my bonus page https://casino.example.com/bonus shows an error",
        channel_user_id="known",
        player={"external_id": "crm-7"},
    )
    assert out["outcome"] != "refused"


def test_an_urgent_message_with_a_link_still_reaches_a_person(tight):
    client, key = tight
    out = ok(
        client,
        key,
        "my withdrawal is gone, money missing! screenshot: https://imgur.com/a/x",
        channel_user_id="urgent",
    )
    assert out["handoff"] is True and out["outcome"] == "ticket_created"
