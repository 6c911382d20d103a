"""Exactly one process runs a job: a PostgreSQL session advisory lock (pure SQLite: always).

The holder keeps a connection open; when its process dies the session ends, the lock is free,
and another process's next :meth:`Leadership.try_lead` takes it. Each job has its own key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import Connection, Engine, text

from ..store.engine import make_engine

log = logging.getLogger(__name__)


class Leadership:
    def __init__(self, url: str, *, sqlite: bool, key: int, job: str) -> None:
        self.url = url
        self.sqlite = sqlite
        self.key = key
        self.job = job  # for the log: "the SLA job"
        self._conn: Connection | None = None
        self._engine: Engine | None = None

    def try_lead(self) -> bool:
        """True while this process holds the lock (blocking: call it off the event loop)."""
        if self.sqlite:
            return True  # one server process per SQLite file
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                return True
            except Exception:
                log.warning("lost %s's lock connection; standing down", self.job)
                self.release()
                return False
        if self._engine is None:
            self._engine = make_engine(self.url, pool_size=1)
        conn = self._engine.connect()
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
        conn.commit()
        if got:
            self._conn = conn
            log.info("this process runs %s", self.job)
            return True
        conn.close()
        return False

    async def lead(self) -> bool:
        """:meth:`try_lead` off the event loop; SQLite has no lock to take: answered at once
        (a thread hop per wake-up was a few percent of a busy server's CPU)."""
        if self.sqlite:
            return True
        return await asyncio.to_thread(self.try_lead)

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
