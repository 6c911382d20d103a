"""The single writer thread: a caller that gives up does not break it."""

from __future__ import annotations

import threading

from sqlalchemy import text

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
