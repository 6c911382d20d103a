"""The single writer thread: a caller that gives up does not break it."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, text

from server.store.database import Database


def test_a_cancelled_write_is_skipped_and_the_writer_keeps_going(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    db.start()
    try:
        gate = threading.Event()
        blocker = db.submit(lambda ctx: gate.wait(10))  # holds the writer
        ran: list[str] = []
        gave_up = db.submit(lambda ctx: ran.append("cancelled job"))
        assert gave_up.cancel()  # the request was cancelled while queued
        gate.set()
        assert blocker.result(timeout=10) is True
        # The writer did not die on the cancelled future: later writes are served.
        assert db.write_sync(lambda ctx: ctx.conn.execute(text("SELECT 41 + 1")).scalar()) == 42
        assert ran == []
    finally:
        db.close()


def test_the_wal_is_checkpointed_in_the_background_not_in_commits(sqlite_url: str) -> None:
    """The writer never checkpoints inside a commit (autocheckpoint off); the checkpoint
    thread copies the WAL back into the database file (nobody else does here)."""
    main = Path(str(make_url(sqlite_url).database))
    db = Database(sqlite_url)
    db.checkpoint_interval_s = 0.05
    db.start()
    try:
        off = db.write_sync(lambda ctx: ctx.conn.exec_driver_sql("PRAGMA wal_autocheckpoint"))
        assert off.scalar() == 0
        before = main.stat().st_size
        for i in range(200):
            db.write_sync(
                lambda ctx, i=i: ctx.conn.exec_driver_sql(
                    "INSERT INTO queues (name, title, description, created_at) "
                    "VALUES (?, ?, ?, '2026-12-04 00:00:00')",
                    (f"q{i}", "x", "y" * 2000),
                )
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and main.stat().st_size < before + 300_000:
            time.sleep(0.05)
        assert main.stat().st_size >= before + 300_000  # 400 KB of rows reached the file
    finally:
        db.close()


# --- the writer on the event loop's thread (SQLite in the server) ---------------------------


def _insert_queue(name: str) -> Any:
    def job(ctx: Any) -> str:
        ctx.conn.exec_driver_sql(
            "INSERT INTO queues (name, title, description, created_at) "
            "VALUES (?, 'x', 'y', '2026-12-04 00:00:00')",
            (name,),
        )
        ctx.record("queue", name, "create", {"name": name})
        return name

    return job


def test_writes_on_the_loop_are_batched_and_other_threads_go_through_the_loop(
    sqlite_url: str,
) -> None:
    db = Database(sqlite_url)
    db.start()
    batches: list[list[int]] = []
    db.on_commit = lambda changes: batches.append([c.seq for c in changes])

    async def main() -> None:
        loop = asyncio.get_running_loop()
        db.attach_loop(loop)
        loop_thread = threading.get_ident()
        seen_threads: set[int] = set()

        def where(ctx: Any) -> None:
            seen_threads.add(threading.get_ident())

        # Ten writes started in one turn of the loop: one transaction, one commit.
        names = await asyncio.gather(*(db.write(_insert_queue(f"a{i}")) for i in range(10)))
        assert names == [f"a{i}" for i in range(10)]
        assert len(batches) == 1 and len(batches[0]) == 10
        # A thread's write is handed to the loop and runs there.
        await asyncio.to_thread(db.write_sync, where)
        assert seen_threads == {loop_thread}
        # Waiting on the loop for a write the loop must run would hang: refused.
        with pytest.raises(RuntimeError, match="await write"):
            db.write_sync(where)
        # A write whose caller gave up before its turn is not made.
        task = asyncio.ensure_future(db.write(_insert_queue("cancelled")))
        await asyncio.sleep(0)  # queued
        task.cancel()
        ok = await db.write(_insert_queue("after"))
        assert ok == "after" and task.cancelled()

        # A failing job fails alone; the others in its batch are written.
        def boom(ctx: Any) -> None:
            raise ValueError("boom")

        results = await asyncio.gather(
            db.write(_insert_queue("b1")), db.write(boom), db.write(_insert_queue("b2")),
            return_exceptions=True,
        )  # fmt: skip
        assert results[0] == "b1" and isinstance(results[1], ValueError) and results[2] == "b2"
        # Queued when the loop lets go (shutdown): written first.
        pending = asyncio.ensure_future(db.write(_insert_queue("last")))
        await asyncio.sleep(0)
        db.detach_loop()
        assert await pending == "last"

    try:
        asyncio.run(main())
        names = db.read_sync(
            lambda conn: {r[0] for r in conn.exec_driver_sql("SELECT name FROM queues")}
        )
        assert {"a0", "a9", "after", "b1", "b2", "last"} <= names
        assert "cancelled" not in names
        # Detached: the writer thread serves again.
        assert db.write_sync(lambda ctx: threading.current_thread().name) == "db-writer"
    finally:
        db.close()
