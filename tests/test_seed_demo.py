"""The demo data (`seed-demo`), its corpus, and the demo runner's live traffic."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.api.app import create_app
from server.demo import corpus
from server.demo.data import BOT_USERNAME, DEMO_USERS
from server.demo.seed import seed_demo, set_bot_password
from server.demo.traffic import Traffic
from server.demo_run import as_url, parse_args, reset_database
from server.domain.values import TOPIC_ORDER, Channel, Priority, Status
from server.settings import Settings
from server.store.engine import make_engine
from server.store.tables import changes, messages, players, queues, tickets, users

SMALL = 120

# -- telling the languages apart -------------------------------------------------------------
ARABIC = re.compile(r"[\u0600-\u06FF]")
GREEK = re.compile(r"[\u0370-\u03FF\u1F00-\u1FFF]")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
KAZAKH_ONLY = set("әғқңұһӘҒҚҢҰҺ")
MONGOLIAN = set("өүӨҮ")
UKRAINIAN_ONLY = set("їєґЇЄҐ")
UKRAINIAN = UKRAINIAN_ONLY | set("іІ")
TURKISH = set("ğışçöüİĞŞÇÖÜ")


SCRIPT = {
    "en": "latin",
    "tr": "latin",
    "ru": "cyrillic",
    "uk": "cyrillic",
    "kk": "cyrillic",
    "mn": "cyrillic",
    "fa": "arabic",
    "el": "greek",
}


def script_of(text: str) -> str | None:
    if ARABIC.search(text):
        return "arabic"
    if GREEK.search(text):
        return "greek"
    if CYRILLIC.search(text):
        return "cyrillic"
    return "latin" if re.search(r"[A-Za-z]", text) else None


def guess_language(text: str) -> str | None:
    """A script/letter heuristic for the demo's eight languages.

    It needs a few sentences (a whole thread, or all of a scenario's texts): one short
    line of Mongolian or Ukrainian may have none of the letters that tell it from Russian.
    """
    chars = set(text)
    if ARABIC.search(text):
        return "fa"
    if GREEK.search(text):
        return "el"
    if CYRILLIC.search(text):
        if chars & KAZAKH_ONLY:
            return "kk"
        if chars & UKRAINIAN:
            return "uk"
        if chars & MONGOLIAN:
            return "mn"
        return "ru"
    if chars & TURKISH:
        return "tr"
    if re.search(r"[A-Za-z]", text):
        return "en"
    return None


def test_each_language_of_the_corpus_is_written_in_it():
    for lang, scenarios in corpus.TEXTS.items():
        for key, parts in scenarios.items():
            texts = [text for variants in parts.values() for text in variants]
            assert guess_language(" ".join(texts)) == lang, (lang, key)
            for text in texts:
                assert script_of(text) == SCRIPT[lang], (lang, key, text)
    for lang, parts in corpus.COMMON.items():
        texts = [text for variants in parts.values() for text in variants]
        assert guess_language(" ".join(texts)) == lang, lang
        assert all(script_of(text) == SCRIPT[lang] for text in texts), lang


def test_corpus_is_complete_and_formats():
    fields = {name: "X" for name in corpus.TEMPLATE_FIELDS}
    assert set(corpus.TEXTS) == set(corpus.LANGS) == set(corpus.COMMON)
    assert len(corpus.LANGS) == 8
    for lang in corpus.LANGS:
        assert set(corpus.TEXTS[lang]) == {s.key for s in corpus.SCENARIOS}, lang
        for key, parts in corpus.TEXTS[lang].items():
            assert set(parts) == set(corpus.PARTS), (lang, key)
            for variants in parts.values():
                assert variants and all(v.format_map(fields) for v in variants)
        assert set(corpus.COMMON[lang]) == set(corpus.COMMON_PARTS), lang
        for variants in corpus.COMMON[lang].values():
            assert variants and all(v.format_map(fields) for v in variants)
        assert set(corpus.TOPIC_LABELS[lang]) == set(TOPIC_ORDER)
        assert len(corpus.PLAYER_NAMES[lang]) >= 5
    for scenario in corpus.SCENARIOS:
        assert set(scenario.tags) <= set(TOPIC_ORDER)
        assert set(scenario.channels) <= {c.value for c in Channel}
        assert set(scenario.priorities) <= {p.value for p in Priority}
    for notes in [*corpus.NOTES.values(), corpus.GENERIC_NOTES]:
        for note in notes:
            assert note.format_map(fields) and guess_language(note) == "en"


# -- one seeded desk for the module ----------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("demo")
    path = tmp / "demo.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    summary = seed_demo(url, n_tickets=SMALL, seed=7)
    return {"url": url, "summary": summary, "tmp": tmp}


def rows(url: str, stmt: Any) -> list[Any]:
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            return list(conn.execute(stmt).mappings())
    finally:
        engine.dispose()


def scalar(url: str, stmt: Any) -> Any:
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            return conn.execute(stmt).scalar_one()
    finally:
        engine.dispose()


def test_queues(seeded):
    qs = rows(seeded["url"], select(queues))
    names = {q["name"] for q in qs}
    assert len(qs) >= 5
    assert {"l1", "l2", "vip", "payments"} <= names
    regional = [q for q in qs if q["name"].startswith("l1-")]
    assert len(regional) >= 4
    assert all(q["region"] and q["language"] for q in regional)
    used = {t["queue"] for t in rows(seeded["url"], select(tickets.c.queue))}
    assert {"vip", "payments"} <= used and len(used & {q["name"] for q in regional}) >= 4


def test_players(seeded):
    ps = rows(seeded["url"], select(players))
    hosts = {u.username for u in DEMO_USERS if u.role == "vip_host"}
    assert len(ps) >= 30
    tiers = Counter(p["tier"] for p in ps)
    assert tiers["vip"] >= 0.15 * len(ps) and tiers["vvip"] >= 0.05 * len(ps)
    assert tiers["standard"] > tiers["vip"] + tiers["vvip"]
    for p in ps:
        if p["tier"] in ("vip", "vvip"):
            assert p["host"] in hosts, p["external_id"]
            card = p["profile"]["priority_card"]
            assert {"drinks", "meals", "room", "limits", "preferred_tables", "travel"} <= set(card)
        else:
            assert p["host"] is None
        assert p["languages"] and p["timezone"] and p["currency"] and p["kyc_state"]
        assert "responsible_gambling" in p["profile"]
        assert "communication" in p["profile"]["priority_card"]
    zones = {p["timezone"] for p in ps}
    for zone in ("Australia/Sydney", "Europe/Istanbul", "Asia/Almaty", "Asia/Tehran"):
        assert zone in zones
    for zone in ("Europe/Athens", "Asia/Ulaanbaatar", "Europe/Kyiv"):
        assert zone in zones
    assert any(p["code_word_hash"] for p in ps if p["tier"] == "vvip")


def test_every_status_channel_priority_and_topic(seeded):
    ts = rows(seeded["url"], select(tickets))
    assert len(ts) == SMALL
    assert {t["status"] for t in ts} == {s.value for s in Status}
    assert {t["channel"] for t in ts} == {c.value for c in Channel}
    assert {t["priority"] for t in ts} == {p.value for p in Priority}
    assert {t["language"] for t in ts} == set(corpus.LANGS)
    tags = {tag for t in ts for tag in t["tags"]}
    assert tags <= set(TOPIC_ORDER) and len(tags) >= 8
    assert sum(1 for t in ts if t["transaction_refs"]) >= 10
    for t in ts:
        assert t["is_open"] == Status(t["status"]).is_open
        if t["status"] != "new":
            assert t["assignee_id"] is not None, t["id"]


def test_times_are_past_spread_and_open_work_is_recent(seeded):
    ts = rows(seeded["url"], select(tickets))
    now = datetime.now(UTC)

    def aware(d: datetime) -> datetime:
        return d if d.tzinfo else d.replace(tzinfo=UTC)

    created = [aware(t["created_at"]) for t in ts]
    assert max(aware(t["updated_at"]) for t in ts) <= now
    assert min(created) >= now - timedelta(days=10, hours=1)
    assert max(created) - min(created) >= timedelta(days=5)

    def mean_age(status: str) -> float:
        ages = [(now - aware(t["created_at"])).total_seconds() for t in ts if t["status"] == status]
        return sum(ages) / len(ages)

    assert mean_age("new") < mean_age("closed")
    msgs = rows(seeded["url"], select(messages.c.ticket_id, messages.c.created_at))
    by_ticket: dict[int, list[datetime]] = defaultdict(list)
    for m in msgs:
        by_ticket[m["ticket_id"]].append(aware(m["created_at"]))
    spans = [max(v) - min(v) for v in by_ticket.values() if len(v) > 3]
    assert spans and max(spans) > timedelta(hours=1)


def test_threads_speak_the_ticket_language(seeded):
    url = seeded["url"]
    lang_of = {t["id"]: t["language"] for t in rows(url, select(tickets.c.id, tickets.c.language))}
    msgs = rows(url, select(messages).order_by(messages.c.id))
    threads: dict[int, list[str]] = defaultdict(list)
    for m in msgs:
        if m["retracted_at"] is not None:
            continue
        if m["kind"] in ("player", "reply", "bot"):
            lang = lang_of[m["ticket_id"]]
            assert script_of(m["body"]) == SCRIPT[lang], (lang, m["body"])
            threads[m["ticket_id"]].append(m["body"])
        elif m["kind"] == "note":
            assert guess_language(m["body"]) == "en", m["body"]
    # A Kazakh player writing in Russian is still called Гүлнар: names don't count.
    names = {
        w for people in corpus.PLAYER_NAMES.values() for full, _ in people for w in full.split()
    }
    names |= {first for people in corpus.PLAYER_NAMES.values() for _, first in people}
    seen: set[str] = set()
    for ticket_id, bodies in threads.items():
        words = " ".join(bodies).split()
        guessed = guess_language(" ".join(w for w in words if w.strip(",.!?:;") not in names))
        assert guessed == lang_of[ticket_id], (ticket_id, bodies)
        seen.add(guessed)
    assert seen == set(corpus.LANGS)
    kinds = Counter(m["kind"] for m in msgs)
    assert kinds["player"] >= SMALL and kinds["reply"] and kinds["note"] and kinds["bot"]
    retracted = [m for m in msgs if m["retracted_at"] is not None]
    assert retracted and all(m["kind"] == "reply" and m["retract_reason"] for m in retracted)
    quoting = [m for m in msgs if m["quote_id"] is not None]
    assert len(quoting) >= 5
    by_id = {m["id"]: m for m in msgs}
    assert all(by_id[m["quote_id"]]["ticket_id"] == m["ticket_id"] for m in quoting)


def test_demo_user_has_open_work_and_agents_share_it(seeded):
    url = seeded["url"]
    stmt = (
        select(users.c.username, func.count().label("n"))
        .join(tickets, tickets.c.assignee_id == users.c.id)
        .where(tickets.c.is_open.is_(True))
        .group_by(users.c.username)
    )
    load = {r["username"]: r["n"] for r in rows(url, stmt)}
    assert load.get("demo", 0) >= 3
    assert len(load) >= 5


def test_api_login_and_change_log(seeded):
    settings = Settings(db=seeded["url"], data_dir=str(seeded["tmp"] / "data"))
    with TestClient(create_app(settings)) as client:
        for username in ("demo", "lead", "admin", "chloe"):
            r = client.post("/api/v1/auth/login", json={"username": username, "password": "demo"})
            assert r.status_code == 200, r.text
        r = client.post("/api/v1/auth/login", json={"username": "demo", "password": "demo"})
        client.headers["Authorization"] = f"Bearer {r.json()['token']}"
        me = client.get("/api/v1/auth/me").json()
        assert me["role"] == "l1_agent" and "en" in me["languages"]
        assert len(client.get("/api/v1/queues").json()) >= 5
        mine = client.get("/api/v1/tickets", params={"assignee": "me", "open": "true"}).json()
        assert mine["items"]

        # The whole change log: the shift lead sees every queue (an agent's feed is scoped).
        r = client.post("/api/v1/auth/login", json={"username": "lead", "password": "demo"})
        client.headers["Authorization"] = f"Bearer {r.json()['token']}"
        seqs: list[int] = []
        last_ticket: dict[str, dict[str, Any]] = {}
        since, head = 0, None
        while True:
            page = client.get("/api/v1/changes", params={"since": since, "limit": 5000}).json()
            head = page["head_seq"]
            for c in page["changes"]:
                seqs.append(c["seq"])
                if c["entity"] == "ticket" and c["op"] != "leave":
                    last_ticket[c["id"]] = c["data"]
            since = page["last_seq"]
            if not page["has_more"]:
                break
    assert seqs == list(range(1, head + 1))
    assert scalar(seeded["url"], select(func.count()).select_from(changes)) == head
    # The change feed's last word on each ticket is what the database holds.
    db_tickets = rows(seeded["url"], select(tickets))
    assert len(last_ticket) == len(db_tickets)
    for t in db_tickets:
        fed = last_ticket[str(t["id"])]
        assert (fed["status"], fed["version"], fed["priority"], fed["queue"]) == (
            t["status"],
            t["version"],
            t["priority"],
            t["queue"],
        ), t["id"]
        assert fed["message_count"] == t["message_count"], t["id"]


def test_summary_names_the_credentials(seeded):
    summary = seeded["summary"]
    assert "demo / demo" in summary and "lead / demo" in summary and "admin / demo" in summary
    for status in Status:
        assert status.value in summary
    assert "adds" in summary  # says what a second run does


def test_live_traffic_through_the_api(seeded, tmp_path):
    path = tmp_path / "traffic.db"
    shutil.copy(Path(seeded["url"].removeprefix("sqlite:///")), path)
    url = f"sqlite:///{path}"
    set_bot_password(url, "bot-secret")
    settings = Settings(db=url, data_dir=str(tmp_path / "data"))
    before = scalar(url, select(func.count()).select_from(tickets))
    with TestClient(create_app(settings)) as tc:
        transport = httpx.ASGITransport(app=tc.app)
        traffic = Traffic(
            "http://demo.test", BOT_USERNAME, "bot-secret", seed=1, transport=transport
        )

        async def drive() -> list[Any]:
            async with traffic.client() as client:
                await traffic.login(client)
                out = [await traffic.new_ticket(client) for _ in range(3)]
                out.append(await traffic.follow_up(client, status="needs_clarification"))
                out.append(await traffic.follow_up(client, status="resolved"))
                out.append(await traffic.follow_up(client, status="in_progress"))
                return out

        results = asyncio.run(drive())
    assert all(results)
    assert scalar(url, select(func.count()).select_from(tickets)) >= before + 3
    reopened = rows(url, select(tickets.c.status).where(tickets.c.id == results[4]["ticket_id"]))
    assert reopened[0]["status"] == "reopened"
    answered = rows(url, select(tickets.c.status).where(tickets.c.id == results[3]["ticket_id"]))
    assert answered[0]["status"] == "in_progress"
    assert traffic.events == 6


def test_demo_run_options(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        parse_args(["--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for option in ("--port", "--db", "--no-traffic", "--reset", "--host", "--interval"):
        assert option in text
    args = parse_args(["--port", "8199", "--db", str(tmp_path / "x.db"), "--no-traffic"])
    assert args.port == 8199 and args.no_traffic and not args.reset
    assert as_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert as_url("postgresql://u@h/db") == "postgresql://u@h/db"
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"x.db{suffix}").write_bytes(b"x")
    reset_database(as_url(str(tmp_path / "x.db")))
    assert not list(tmp_path.glob("x.db*"))
    with pytest.raises(SystemExit):
        parse_args(["--port", "0"])


def test_full_default_seed_and_a_second_run(sqlite_url, monkeypatch):
    # argon2 costs ~0.2 s a hash by design; nobody signs in here, so skip it (16 hashes a run).
    monkeypatch.setattr("server.services.users.hash_password", lambda p: f"test:{p}")
    monkeypatch.setattr("server.services.players.hash_password", lambda p: f"test:{p}")
    summary = seed_demo(sqlite_url)  # the default: 600 tickets
    assert scalar(sqlite_url, select(func.count()).select_from(tickets)) >= 500
    assert "600 added" in summary
    n_players = scalar(sqlite_url, select(func.count()).select_from(players))
    n_queues = scalar(sqlite_url, select(func.count()).select_from(queues))
    n_users = scalar(sqlite_url, select(func.count()).select_from(users))
    again = seed_demo(sqlite_url, n_tickets=5, seed=8)  # users, queues, players: in place
    assert "5 added, 605 in the database" in again
    assert scalar(sqlite_url, select(func.count()).select_from(players)) == n_players
    assert scalar(sqlite_url, select(func.count()).select_from(queues)) == n_queues
    assert scalar(sqlite_url, select(func.count()).select_from(users)) == n_users
    head = scalar(sqlite_url, select(func.count()).select_from(changes))
    seqs = rows(sqlite_url, select(changes.c.seq).order_by(changes.c.seq))
    assert [r["seq"] for r in seqs] == list(range(1, head + 1))
    data = orjson.loads(rows(sqlite_url, select(changes.c.data).limit(1))[0]["data"])
    assert data
