"""The single writer thread: a caller that gives up does not break it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

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
