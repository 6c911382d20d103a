"""The retention run: the change-log rewrite with and without the (entity, entity_id) index.

    python -m bench.retention [--tickets 3000] [--noise 200000] [--pg]

Builds a desk in process (the server's own Database and services, SQLite in a temp dir, or
with --pg a fresh PostgreSQL database on 127.0.0.1): --tickets closed tickets, each with the
player's first message, an agent reply, a player answer and two status changes (about ten
change-log entries each), plus --noise more change-log entries of other rows (the rest of a
busy desk's log). Then the retention policy runs on two copies of it, once without the index
of migration 0010 and once with it. Measured per copy: the whole run, and each batch's write
transaction (50 tickets; the writer is shared with the API while it runs), and the query plan
of the change-log look-up.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from server.blobs import BlobStore
from server.services import Actor
from server.services import retention as retention_service
from server.services.queues import create_queue
from server.services.tickets import add_message, create_ticket, update_ticket
from server.store import tickets as ticket_store
from server.store import users as user_store
from server.store.database import Database, WriteContext
from server.store.engine import make_engine, normalize_url
from server.store.migrate import upgrade

from .common import print_machine

PG = "postgresql://postgres@127.0.0.1:5432/postgres"
CHUNK = 100


def build(url: str, tickets: int, noise: int) -> None:
    engine = make_engine(url, pool_size=1)
    upgrade(engine)
    engine.dispose()
    db = Database(url)
    db.start()
    try:

        def setup(ctx: WriteContext) -> int:
            for name in ("l1", "vip"):
                create_queue(ctx, {"name": name, "title": name.upper()})
            return user_store.create(
                ctx.conn,
                {
                    "username": "agent",
                    "display_name": "Agent",
                    "role": "admin",
                    "password_hash": "x",
                    "queues": [],
                    "languages": ["en"],
                    "created_at": ctx.now,
                },
            )

        agent_id = db.write_sync(setup)
        agent = Actor(agent_id, "agent", "Agent", "admin")
        relay = Actor(agent_id, "agent", "Agent", "integration")

        def chunk(ctx: WriteContext, start: int, n: int) -> None:
            for i in range(start, start + n):
                t = create_ticket(
                    ctx,
                    agent,
                    {
                        "subject": f"Withdrawal {i} pending",
                        "body": f"My withdrawal {i} is pending, card 4111 1111 1111 1111",
                        "channel": "web_chat",
                        "player": {"external_id": f"p-{i % (tickets // 2 or 1)}"},
                    },
                    default_queue="l1",
                    vip_queue="vip",
                )
                add_message(ctx, agent, t["id"], {"kind": "reply", "body": "On it"})
                add_message(ctx, relay, t["id"], {"kind": "player", "body": "thanks"})
                for status in ("resolved", "closed"):
                    row = ticket_store.get(ctx.conn, t["id"])
                    assert row is not None
                    update_ticket(ctx, agent, t["id"], row["version"], {"status": status})

        for start in range(0, tickets, CHUNK):
            db.write_sync(lambda ctx, s=start: chunk(ctx, s, min(CHUNK, tickets - s)))
    finally:
        db.close()
    if noise:
        _add_noise(url, noise)


def _add_noise(url: str, n: int) -> None:
    """Change-log entries of other rows (ids no retention run touches)."""
    engine = create_engine(normalize_url(url))
    with engine.begin() as conn:
        last = conn.execute(text("SELECT last_seq FROM change_counter")).scalar_one()
        now = datetime.now(UTC)
        rows = [
            {
                "seq": last + k + 1,
                "entity": ("ticket", "message", "player")[k % 3],
                "entity_id": str(5_000_000 + k),
                "op": "update",
                "data": '{"id": 1, "body": "other"}',
                "created_at": now,
            }
            for k in range(n)
        ]
        for i in range(0, n, 10_000):
            conn.execute(
                text(
                    "INSERT INTO changes (seq, entity, entity_id, op, data, created_at) "
                    "VALUES (:seq, :entity, :entity_id, :op, :data, :created_at)"
                ),
                rows[i : i + 10_000],
            )
        conn.execute(text("UPDATE change_counter SET last_seq = :s"), {"s": last + n})
    engine.dispose()


def _plan(url: str) -> str:
    engine = create_engine(normalize_url(url))
    sql = (
        "SELECT seq, entity, data FROM changes WHERE ((entity = 'ticket' AND entity_id IN "
        "('10001', '10002')) OR (entity = 'message' AND entity_id IN ('1', '2'))) "
        "AND op != 'leave'"
    )
    with engine.connect() as conn:
        if url.startswith("sqlite"):
            rows = conn.execute(text("EXPLAIN QUERY PLAN " + sql)).all()
            out = "; ".join(str(r[-1]) for r in rows)
        else:
            rows = conn.execute(text("EXPLAIN " + sql)).all()
            out = " / ".join(str(r[0]).strip() for r in rows[:4])
    engine.dispose()
    return out


def measure(url: str, data_dir: Path, label: str) -> dict[str, Any]:
    db = Database(url)
    db.start()
    batches: list[float] = []
    original = retention_service.anonymise_batch

    def timed(ctx: WriteContext, *args: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return original(ctx, *args)
        finally:
            batches.append(time.perf_counter() - t0)

    retention_service.anonymise_batch = timed  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        report = retention_service.run_retention(
            db,
            BlobStore(data_dir / "blobs"),
            30,
            now=datetime.now(UTC) + timedelta(days=40),
            min_blob_age_s=0,
        )
        total = time.perf_counter() - t0
    finally:
        retention_service.anonymise_batch = original  # type: ignore[assignment]
        db.close()
    out = {
        "label": label,
        "tickets": report.tickets,
        "scrubbed": report.changes_scrubbed,
        "total_s": total,
        "batches": len(batches),
        "batch_median_ms": statistics.median(batches) * 1000 if batches else 0.0,
        "batch_max_ms": max(batches) * 1000 if batches else 0.0,
        "plan": _plan(url),
    }
    print(
        f"{label:>14}: {out['tickets']} tickets in {total:.2f} s, {out['batches']} batches: "
        f"median {out['batch_median_ms']:.1f} ms, max {out['batch_max_ms']:.1f} ms per write "
        f"transaction; {out['scrubbed']} change-log entries rewritten"
    )
    print(f"{'':>14}  plan: {out['plan']}")
    return out


def _pg_copy(template: str) -> tuple[str, str]:
    name = f"bench_ret_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalize_url(PG), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return name, PG.rsplit("/", 1)[0] + "/" + name


def _pg_drop(name: str) -> None:
    admin = create_engine(normalize_url(PG), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _drop_index(url: str) -> None:
    engine = create_engine(normalize_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_changes_entity_entity_id"))
    engine.dispose()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tickets", type=int, default=3000)
    p.add_argument("--noise", type=int, default=200_000)
    p.add_argument("--pg", action="store_true", help="PostgreSQL on 127.0.0.1:5432")
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    print_machine()
    tmp = Path(tempfile.mkdtemp(prefix="bench-retention-"))
    made: list[str] = []
    try:
        t0 = time.perf_counter()
        if args.pg:
            base, base_url = _pg_copy("template1")
            made.append(base)
            build(base_url, args.tickets, args.noise)
            copies = []
            for label in ("before (no ix)", "after (ix)"):
                name, url = _pg_copy(base)
                made.append(name)
                copies.append((label, url))
        else:
            base_path = tmp / "base.db"
            build(f"sqlite:///{base_path}", args.tickets, args.noise)
            copies = []
            for label in ("before (no ix)", "after (ix)"):
                path = tmp / f"{label.split()[0]}.db"
                shutil.copy(base_path, path)
                copies.append((label, f"sqlite:///{path}"))
        engine = create_engine(normalize_url(copies[0][1]))
        with engine.connect() as conn:
            n_changes = conn.execute(text("SELECT count(*) FROM changes")).scalar_one()
        engine.dispose()
        print(
            f"desk: {args.tickets} closed tickets, {n_changes} change-log entries "
            f"(built in {time.perf_counter() - t0:.0f} s, {'PostgreSQL' if args.pg else 'SQLite'})"
        )
        _drop_index(copies[0][1])
        results = [measure(url, tmp / label.split()[0], label) for label, url in copies]
        before, after = results
        batch_ratio = before["batch_median_ms"] / max(after["batch_median_ms"], 1e-9)
        print(
            f"speed-up: whole run {before['total_s'] / max(after['total_s'], 1e-9):.1f}x, "
            f"median batch {batch_ratio:.1f}x"
        )
    finally:
        for name in made:
            _pg_drop(name)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
