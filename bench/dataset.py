"""A large ticket database for the read benchmarks, generated fast and cached.

    python -m bench.dataset [--tickets 1000000] [--force]    # prints the cached file's path

The schema comes from the server's own migrations (so it is exactly what `serve` runs on);
the rows are written straight into it with sqlite3 `executemany`, with the ticket indexes
dropped during the load and re-created after (same DDL, read back from sqlite_master).
No ANALYZE: the server never runs it, so the planner sees what it sees in production.

The file is cached under $AGENT_CONSOLE_BENCH_CACHE (default /tmp/agent-console-bench),
keyed by the migrations' content, the generator version and the row count: a rerun copies
it instead of generating it again (1M tickets take about a minute the first time).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

from .common import ROOT

GENERATOR_VERSION = 2
SEED = 20261125
QUEUES = {  # name: (title, share of tickets)
    "l1": ("L1 — first line", 0.30),
    "l1-de": ("L1 — German", 0.12),
    "l1-es": ("L1 — Spanish", 0.10),
    "l2": ("L2 — experts", 0.15),
    "vip": ("VIP", 0.08),
    "payments": ("Security / Payments", 0.12),
    "kyc": ("KYC / verification", 0.07),
    "retention": ("Retention", 0.06),
}
OPEN_STATUSES = [("new", 0.4), ("accepted", 0.15), ("in_progress", 0.25)]
OPEN_STATUSES += [("needs_clarification", 0.15), ("reopened", 0.05)]
CLOSED_STATUSES = [("resolved", 0.3), ("closed", 0.7)]
OPEN_SHARE = 0.08  # 80,000 open tickets in 1M: a large backlog
PRIORITIES = [("P1", 0.03), ("P2", 0.12), ("P3", 0.60), ("P4", 0.25)]
TOPICS = ["payment", "security", "kyc", "account", "game", "bonus", "complaint", "vip"]
TOPICS += ["features", "ideas"]
CHANNELS = ["web_chat", "telegram", "email", "phone", "api", "on_site"]
LANGS = ["en", "de", "es", "ru", "pt", "tr", None]
TIERS = [("standard", 0.94), ("vip", 0.05), ("vvip", 0.01)]
TIER_RANK = {"vvip": 0, "vip": 1, "standard": 2}
AGENTS = 20
FIRST_TICKET_ID = 10001


def cache_dir() -> Path:
    return Path(os.environ.get("AGENT_CONSOLE_BENCH_CACHE", "/tmp/agent-console-bench"))


def _schema_key() -> str:
    h = hashlib.sha256()
    versions = ROOT / "server" / "store" / "migrations" / "versions"
    for f in sorted(versions.glob("*.py")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    h.update(f"gen{GENERATOR_VERSION}".encode())
    return h.hexdigest()[:12]


def cached_path(n_tickets: int) -> Path:
    return cache_dir() / f"tickets-{n_tickets}-{_schema_key()}.db"


def _pick(table: list[tuple[str, float]]) -> tuple[list[str], list[float]]:
    return [v for v, _ in table], [w for _, w in table]


def _ts(dt: datetime) -> str:
    # What SQLAlchemy's SQLite DateTime stores: naive UTC, microseconds always present.
    return dt.isoformat(" ", "microseconds")


def generate(path: Path, n_tickets: int, n_players: int | None = None) -> dict[str, float]:
    """Write a migrated database with `n_tickets` tickets to `path` (replacing it)."""
    from server.store.engine import make_engine
    from server.store.migrate import upgrade

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}", pool_size=1)
    upgrade(engine)
    engine.dispose()
    timings["migrate"] = time.perf_counter() - t0

    rng = random.Random(SEED)
    n_players = n_players or max(1000, n_tickets // 5)
    now = datetime.utcnow().replace(microsecond=0)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-512000")
    con.execute("PRAGMA temp_store=MEMORY")
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("BEGIN")
    created = _ts(now - timedelta(days=800))
    existing = {r[0] for r in con.execute("SELECT name FROM queues")}
    con.executemany(
        "INSERT INTO queues (name, title, description, created_at) VALUES (?, ?, '', ?)",
        [(q, title, created) for q, (title, _) in QUEUES.items() if q not in existing],
    )
    con.executemany(
        "INSERT INTO users (id, username, display_name, role, password_hash, active, "
        "languages, queues, created_at) VALUES (?, ?, ?, 'l1_agent', '!', 1, '[]', '[]', ?)",
        [(i, f"agent{i:02d}", f"Agent {i}", created) for i in range(1, AGENTS + 1)],
    )

    t1 = time.perf_counter()
    tier_v, tier_w = _pick(TIERS)
    tiers = rng.choices(tier_v, tier_w, k=n_players)

    def players():
        for i in range(n_players):
            ts = _ts(now - timedelta(days=rng.random() * 900))
            yield (
                i + 1,
                f"gp-{i + 1}",
                f"Player {i + 1}",
                tiers[i],
                '["en"]',
                "[]",
                0,
                "EUR",
                "verified",
                "{}",
                ts,
                ts,
            )

    con.executemany(
        "INSERT INTO players (id, external_id, name, tier, languages, preferred_channels, "
        "quiet_mode, currency, kyc_state, profile, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        players(),
    )
    timings["players"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    index_sql = [
        sql
        for name, sql in con.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL"
        )
    ]
    for name in [
        r[0]
        for r in con.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL"
        )
    ]:
        con.execute(f'DROP INDEX "{name}"')

    queue_v = list(QUEUES)
    queue_w = [w for _, w in QUEUES.values()]
    open_v, open_w = _pick(OPEN_STATUSES)
    closed_v, closed_w = _pick(CLOSED_STATUSES)
    prio_v, prio_w = _pick(PRIORITIES)
    span = 730 * 86400  # two years of history
    # Draw the categorical columns in bulk (much faster than per row).
    qs = rng.choices(queue_v, queue_w, k=n_tickets)
    ps = rng.choices(prio_v, prio_w, k=n_tickets)
    opens = [rng.random() < OPEN_SHARE for _ in range(n_tickets)]
    oss = rng.choices(open_v, open_w, k=n_tickets)
    css = rng.choices(closed_v, closed_w, k=n_tickets)
    random_ = rng.random
    randrange = rng.randrange
    epoch = datetime(1970, 1, 1)
    now_s = (now - epoch).total_seconds()

    def tickets():
        for i in range(n_tickets):
            tid = FIRST_TICKET_ID + i
            player = randrange(n_players) + 1
            tier = tiers[player - 1]
            queue = qs[i]
            if tier != "standard" and random_() < 0.7:
                queue = "vip"
            is_open = opens[i]
            # Open tickets are younger (a backlog of weeks, not years).
            age = random_() * (30 * 86400 if is_open else span)
            created_s = now_s - age
            waiting_s = created_s + random_() * age * 0.5
            updated_s = waiting_s + random_() * (now_s - waiting_s)
            topic = TOPICS[randrange(len(TOPICS))] if random_() < 0.8 else None
            status = oss[i] if is_open else css[i]
            prio = ps[i]
            assignee = None if status == "new" else randrange(AGENTS) + 1
            yield (
                tid,
                f"{topic or 'General'} question from player {player} (#{tid})",
                status,
                1 if is_open else 0,
                prio,
                int(prio[1]),
                TIER_RANK[tier],
                TOPICS.index(topic) if topic else len(TOPICS),
                queue,
                CHANNELS[randrange(len(CHANNELS))],
                LANGS[randrange(len(LANGS))],
                player,
                assignee,
                f'["{topic}"]' if topic else "[]",
                _ts(epoch + timedelta(seconds=waiting_s)),
                _ts(epoch + timedelta(seconds=created_s)),
                _ts(epoch + timedelta(seconds=updated_s)),
                _ts(epoch + timedelta(seconds=updated_s)),
                1 + randrange(8),
            )

    con.executemany(
        "INSERT INTO tickets (id, subject, status, is_open, priority, priority_rank, "
        "tier_rank, topic_rank, queue, channel, language, player_id, assignee_id, tags, "
        "transaction_refs, escalation_level, version, waiting_since, created_at, updated_at, "
        "last_message_at, message_count) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', 0, 1, ?, ?, ?, ?, ?)",
        tickets(),
    )
    con.execute(
        "UPDATE sqlite_sequence SET seq = ? WHERE name = 'tickets'",
        (FIRST_TICKET_ID + n_tickets - 1,),
    )
    columns = {r[1] for r in con.execute("PRAGMA table_info(tickets)")}
    if "waiting_on" in columns:  # migration 0002's backfill (it ran on an empty table)
        con.execute(
            "UPDATE tickets SET waiting_on = CASE "
            "WHEN status = 'needs_clarification' THEN 'player' "
            "WHEN status IN ('resolved', 'closed') THEN NULL ELSE 'agent' END"
        )
    timings["tickets"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    for sql in index_sql:
        con.execute(sql)
    con.execute("COMMIT")
    timings["indexes"] = time.perf_counter() - t3
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    timings["total"] = time.perf_counter() - t0
    return timings


def ensure_dataset(n_tickets: int = 1_000_000, *, force: bool = False) -> tuple[Path, bool]:
    """The cached database file for `n_tickets` (generated now if missing). (path, fresh)."""
    path = cached_path(n_tickets)
    if path.exists() and not force:
        return path, False
    for stale in path.parent.glob(f"tickets-{n_tickets}-*.db"):
        if stale != path:  # made for an older schema or generator
            stale.unlink(missing_ok=True)
    tmp = path.with_suffix(".tmp")
    print(f"generating {n_tickets:,} tickets into {path} (cached for the next runs) ...")
    timings = generate(tmp, n_tickets)
    tmp.rename(path)
    print(
        "   generated in "
        + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
        + f"; {path.stat().st_size / 2**20:,.0f} MiB"
    )
    return path, True


def main() -> None:
    p = argparse.ArgumentParser(description="Generate (or find) the cached ticket database.")
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--force", action="store_true", help="generate again even if cached")
    args = p.parse_args()
    path, _ = ensure_dataset(args.tickets, force=args.force)
    print(path)


if __name__ == "__main__":
    main()
