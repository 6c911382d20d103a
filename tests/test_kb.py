"""The knowledge base: full-text search on SQLite FTS5 and PostgreSQL through one service,
the starter articles in eleven languages, and who may read and edit."""

# ruff: noqa: F811  (pytest fixtures imported from test_intake_support)

from __future__ import annotations

import pytest

from server.intake.replies import LANGS
from server.kb.service import starter_articles
from server.kb.text import query_terms

from .conftest import login
from .test_intake_support import desk, fake_payments, intake_settings  # noqa: F401

TOPICS = {
    "withdrawal_times",
    "bonus_wagering",
    "verification_documents",
    "account_access",
    "responsible_gambling_tools",
}


def test_starter_articles_cover_every_topic_in_every_language():
    arts = starter_articles()
    have = {(a["topic"], a["lang"]) for a in arts}
    assert have == {(t, lang) for t in TOPICS for lang in LANGS}
    assert len(arts) == len(have)  # no duplicates


def test_query_terms_are_prefixes_of_normalised_words():
    assert query_terms("Withdrawal TIME?") == ["withdraw", "time"]
    assert query_terms("Ανάληψη") == ["αναληψ"]
    assert query_terms("a, 12, ok") == []


SEARCHES = [
    ("en", "how long until my cash out arrives", "withdrawal-times"),
    ("ru", "какие документы нужны для верификации", "verification-documents"),
    ("uk", "забув пароль не можу увійти", "account-access"),
    ("kk", "бонусты ойнап шығару", "bonus-wagering"),
    ("fa", "مدارک احراز هویت", "verification-documents"),
    ("el", "αναληψη χρηματων", "withdrawal-times"),  # no accents: still found
    ("mn", "бонус эргүүлэх", "bonus-wagering"),
    ("tr", "cekim ne kadar surer", "withdrawal-times"),  # no Turkish letters
    ("es", "límite de depósito autoexclusión", "responsible-gambling-tools"),
    ("pt", "esqueci minha senha", "account-access"),
    ("de", "Umsatzbedingungen Bonus", "bonus-wagering"),
]


def test_search_finds_the_right_article_in_each_language(desk):
    client, _ = desk
    h = login(client, "maria")
    for lang, q, slug in SEARCHES:
        r = client.get("/api/v1/kb/articles", params={"q": q, "lang": lang}, headers=h)
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert items, (lang, q)
        assert items[0]["slug"] == slug, (lang, q, [i["slug"] for i in items])
        assert all(i["lang"] == lang for i in items)
    # without a language: every language's matches; nonsense: nothing; no q: the list
    r = client.get("/api/v1/kb/articles", params={"q": "bonus"}, headers=h).json()
    assert len({i["lang"] for i in r["items"]}) > 3
    assert client.get("/api/v1/kb/articles", params={"q": "zzqxv"}, headers=h).json() == {
        "items": []
    }
    assert client.get("/api/v1/kb/articles", params={"q": '"*) OR ('}, headers=h).status_code == 200
    listed = client.get("/api/v1/kb/articles", params={"lang": "de", "limit": 100}, headers=h)
    assert len(listed.json()["items"]) == 5


def test_agents_read_leads_edit_and_search_follows_edits(desk):
    client, _ = desk
    agent, lead = login(client, "maria"), login(client, "lead")
    new = {
        "slug": "tournament-rebuy",
        "lang": "en",
        "title": "Tournament rebuys",
        "body": "A rebuy is allowed during the first hour of a tournament.",
        "keywords": ["tournament", "rebuy"],
    }
    assert client.post("/api/v1/kb/articles", json=new, headers=agent).status_code == 403
    r = client.post("/api/v1/kb/articles", json=new, headers=lead)
    assert r.status_code == 201, r.text
    art = r.json()
    assert client.post("/api/v1/kb/articles", json=new, headers=lead).status_code == 409
    got = client.get(f"/api/v1/kb/articles/{art['id']}", headers=agent)
    assert got.status_code == 200 and got.headers["ETag"] == '"1"'
    found = client.get("/api/v1/kb/articles", params={"q": "rebuy"}, headers=agent).json()
    assert [i["id"] for i in found["items"]] == [art["id"]]
    patch = {"body": "Late registration closes after the second blind level."}
    r = client.patch(
        f"/api/v1/kb/articles/{art['id']}", json=patch, headers={**lead, "If-Match": "1"}
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/kb/articles/{art['id']}", json={"title": "x"}, headers={**lead, "If-Match": "1"}
    )
    assert stale.status_code == 412
    found = client.get("/api/v1/kb/articles", params={"q": "blind level"}, headers=agent).json()
    assert [i["id"] for i in found["items"]] == [art["id"]]
    assert client.get("/api/v1/kb/articles/999999", headers=agent).status_code == 404
    bad = {**new, "slug": "Bad Slug!"}
    assert client.post("/api/v1/kb/articles", json=bad, headers=lead).status_code == 422
    assert client.get("/api/v1/kb/articles").status_code == 401


BONUS_QUESTIONS = {
    "en": "how does bonus wagering work?",
    "ru": "как отыграть бонус?",
    "fa": "شرط‌بندی بونوس چگونه است؟",
}


@pytest.mark.parametrize("lang", list(BONUS_QUESTIONS))
def test_the_bot_answers_from_the_edited_article(desk, lang):
    client, key = desk
    lead = login(client, "lead")
    arts = client.get("/api/v1/kb/articles", params={"lang": lang, "limit": 100}, headers=lead)
    bonus = next(a for a in arts.json()["items"] if a["topic"] == "bonus_wagering")
    title = bonus["title"] + " (2026)"
    r = client.patch(f"/api/v1/kb/articles/{bonus['id']}", json={"title": title}, headers=lead)
    assert r.status_code == 200
    r = client.post(
        "/api/v1/intake/messages",
        json={"channel": "web_chat", "channel_user_id": "kb", "text": BONUS_QUESTIONS[lang]},
        headers={"X-API-Key": key},
    )
    out = r.json()
    assert out["outcome"] == "answered" and out["article_id"] == bonus["id"]
    assert out["reply"]["text"].startswith(title)
