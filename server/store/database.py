"""One database for the whole server: a single writer with group commit, pooled readers.

Every write runs as a *job* (a function of a WriteContext) on the writer: a thread, or for
SQLite in the server the event loop's own thread (see `attach_loop`). The writer
takes whatever jobs are waiting, runs them in one transaction, hands out change-log seqs as
the transaction's last step and commits once, so a burst of writes costs one commit. If any
job in a batch fails, the batch is rolled back and each job is run again on its own, so one
bad request never takes others down with it. A job's future resolves only after its commit:
what the API acknowledges is durable.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson
from prometheus_client import Histogram
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    bindparam,
    event,
    insert,
    make_url,
    select,
    text,
    update,
)

from ..domain.audit_chain import GENESIS, head_mac, row_hash
from . import fast
from .engine import is_sqlite, make_engine, normalize_url
from .tables import audit_head, audit_log, change_counter, changes

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BATCH = 128

# Writes per transaction, and each transaction's time from BEGIN to COMMIT: under load the
# writer batches, and these show how much (for operators, and the create benchmark).
BATCH_SIZE = Histogram(
    "agent_console_write_batch_jobs",
    "Write jobs per database transaction",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128),
)
BATCH_SECONDS = Histogram(
    "agent_console_write_batch_seconds",
    "Time of one write transaction, BEGIN to COMMIT",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
NOTIFY_CHANNEL = "agent_console_changes"


_clock: Callable[[], datetime] | None = None


def utcnow() -> datetime:
    """The server's time: what writes are stamped with and SLA clocks are measured against."""
    return datetime.now(UTC) if _clock is None else _clock()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Replace the server's time (tests: a frozen clock moved by hand); None: real time."""
    global _clock
    _clock = clock


# Who may see a change: (queue, player's host) of the ticket it belongs to; (None, None) for
# changes every signed-in user may see (players without sensitive fields, queues).
Scope = tuple[str | None, str | None]
EVERYONE: Scope = (None, None)


@dataclass(slots=True)
class Change:
    """One committed change, as the change feed and the event stream carry it."""

    seq: int
    entity: str
    entity_id: str
    op: str
    data: str  # the entity's JSON, encoded once
    queue: str | None = None
    host: str | None = None

    def as_json(self) -> bytes:
        return b'{"seq":%d,"entity":%s,"id":%s,"op":%s,"data":%s}' % (
            self.seq,
            orjson.dumps(self.entity),
            orjson.dumps(self.entity_id),
            orjson.dumps(self.op),
            self.data.encode(),
        )


@dataclass(slots=True)
class WriteContext:
    """What a write job sees: its connection, the time, and where to record its changes."""

    conn: Connection
    now: datetime
    pending: list[tuple[str, str, str, str, str | None, str | None]] = field(default_factory=list)
    audits: list[dict[str, Any]] = field(default_factory=list)

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: int | str | None,
        *,
        who: tuple[int | None, str | None, str | None, str | None],
        before: Any = None,
        after: Any = None,
    ) -> None:
        """Append an audit row (who = id, username, role, ip); chained at commit."""
        self.audits.append(
            {
                "at": self.now.isoformat(),
                "actor_id": who[0],
                "actor_username": who[1],
                "actor_role": who[2],
                "ip": who[3],
                "action": action,
                "entity": entity,
                "entity_id": None if entity_id is None else str(entity_id),
                "before": None if before is None else orjson.dumps(before).decode(),
                "after": None if after is None else orjson.dumps(after).decode(),
            }
        )

    def record(
        self,
        entity: str,
        entity_id: int | str,
        op: str,
        data: dict[str, Any],
        scope: Scope | None = None,
    ) -> None:
        """Append a change; a ticket's scope comes from its own queue and player's host."""
        if scope is None:
            scope = EVERYONE
            if entity == "ticket":
                scope = (data.get("queue"), (data.get("player") or {}).get("host"))
        self.pending.append(
            (entity, str(entity_id), op, orjson.dumps(data).decode(), scope[0], scope[1])
        )


Job = Callable[[WriteContext], T]


class Database:
    """The server's handle on its database: `await write(job)`, `await read(fn)`."""

    def __init__(
        self,
        url: str,
        *,
        synchronous: str = "NORMAL",
        read_threads: int | None = None,
        audit_key: bytes = b"",
    ) -> None:
        self.url = normalize_url(url)
        # The HMAC key of the audit chain; without one, actions are not audited (tests of
        # the storage layer alone). The server always passes its key.
        self.audit_key = audit_key
        self.sqlite = is_sqlite(self.url)
        if read_threads is None:
            # SQLite reads hold the GIL for most of their time: more threads only fight over
            # it (measured: 4 threads doubled the top-50 p99 of 1 thread under 4 clients).
            read_threads = 2 if self.sqlite else 4
        self.writer_engine: Engine = make_engine(
            self.url, writer=True, synchronous=synchronous, pool_size=1
        )
        self.reader_engine: Engine = make_engine(
            self.url, writer=False, synchronous=synchronous, pool_size=read_threads
        )
        self._jobs: queue.SimpleQueue[tuple[Job[Any], concurrent.futures.Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._readers = concurrent.futures.ThreadPoolExecutor(
            max_workers=read_threads, thread_name_prefix="db-read"
        )
        self._thread: threading.Thread | None = None
        # SQLite: the writer does not checkpoint the WAL inside its commits (a checkpoint of a
        # few MB made the slowest commits 3–10× the median); a thread does it every second.
        self._checkpointer: threading.Thread | None = None
        self._stop_checkpoints = threading.Event()
        self.checkpoint_interval_s = 1.0
        if self.sqlite and (make_url(self.url).database or ":memory:") != ":memory:":
            event.listen(self.writer_engine, "connect", _no_autocheckpoint)
        # Called by the writer with each committed batch's changes, in seq order.
        self.on_commit: Callable[[list[Change]], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # see attach_loop
        self._loop_thread = 0
        self._inline: list[tuple[Job[Any], Any]] = []
        self._drain_scheduled = False

    # -- life cycle --------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="db-writer", daemon=True)
            self._thread.start()
        path = make_url(self.url).database if self.sqlite else None
        if path and path != ":memory:" and self._checkpointer is None:
            self._stop_checkpoints.clear()
            self._checkpointer = threading.Thread(
                target=self._checkpoint_loop, args=(path,), name="db-checkpoint", daemon=True
            )
            self._checkpointer.start()

    def close(self) -> None:
        if self._loop is not None:
            self.detach_loop()
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout=30)
            self._thread = None
        if self._checkpointer is not None:
            self._stop_checkpoints.set()
            self._checkpointer.join(timeout=30)
            self._checkpointer = None
        self._readers.shutdown(wait=True)
        self.writer_engine.dispose()
        self.reader_engine.dispose()

    def _checkpoint_loop(self, path: str) -> None:
        """Copy the WAL back into the database file every second (PASSIVE: it never waits
        for, or blocks, the writer or a reader), and once more at close."""
        con = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        try:
            while True:
                stopping = self._stop_checkpoints.wait(self.checkpoint_interval_s)
                try:
                    con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    log.exception("WAL checkpoint failed; trying again in a second")
                if stopping:
                    return
        finally:
            con.close()

    # -- writes --------------------------------------------------------------------------
    def submit(self, job: Job[T]) -> concurrent.futures.Future[T]:
        if self._thread is None:
            raise RuntimeError("Database.start() was not called")
        fut: concurrent.futures.Future[T] = concurrent.futures.Future()
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._enqueue, job, fut)
        else:
            self._jobs.put((job, fut))
        return fut

    async def write(self, job: Job[T]) -> T:
        loop = self._loop
        if loop is not None and asyncio.get_running_loop() is loop:
            fut: asyncio.Future[T] = loop.create_future()
            self._enqueue(job, fut)
            return await fut
        return await asyncio.wrap_future(self.submit(job))

    # -- writes on the event loop's thread (SQLite) ---------------------------------------
    #
    # SQLite writes are Python work more than waiting: on the writer thread they take turns
    # with the event loop for the GIL, and every job pays two thread hand-offs. Attached to the
    # server's loop, the writer runs its batches there instead: the jobs that arrived during
    # one turn of the loop are one batch, one transaction, one commit (measured: creates/s up
    # by a third to a half). Other threads' `submit`s are handed to the loop. PostgreSQL stays
    # on the thread: its statements wait on the network, which must not stop the loop.

    def attach_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Run writes on `loop`'s thread from now on; call from that loop."""
        self._loop, self._loop_thread = loop, threading.get_ident()

    def detach_loop(self) -> None:
        """Back to the writer thread; what is queued on the loop is written first."""
        while self._inline:
            self._drain()
        self._loop = None

    def _enqueue(self, job: Job[Any], fut: Any) -> None:
        loop = self._loop
        if loop is None:  # detached meanwhile (shutdown): a thread's job goes to the thread
            self._jobs.put((job, fut))
            return
        self._inline.append((job, fut))
        if not self._drain_scheduled:
            self._drain_scheduled = True
            loop.call_soon(self._drain)  # after the callbacks ready now: they join the batch

    def _drain(self) -> None:
        self._drain_scheduled = False
        batch, self._inline = self._inline[:MAX_BATCH], self._inline[MAX_BATCH:]
        if self._inline and self._loop is not None:
            self._drain_scheduled = True
            self._loop.call_soon(self._drain)
        claimed = [item for item in batch if _claim(item[1])]
        if claimed:
            self._execute_running(claimed)

    def write_sync(self, job: Job[T]) -> T:
        if self._loop is not None and threading.get_ident() == self._loop_thread:
            raise RuntimeError("write_sync on the event loop would wait for itself: await write")
        return self.submit(job).result()

    # -- reads ---------------------------------------------------------------------------
    def read_sync(self, fn: Callable[[Connection], T]) -> T:
        with self.reader_engine.connect() as conn:
            return fn(conn)

    async def read(self, fn: Callable[[Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self.read_sync, fn)

    @staticmethod
    def ping(conn: Connection) -> None:
        conn.execute(text("SELECT 1"))

    # -- the writer thread ---------------------------------------------------------------
    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._jobs.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            self._execute(batch)

    def _execute(self, batch: list[tuple[Job[Any], concurrent.futures.Future[Any]]]) -> None:
        batch = [item for item in batch if _claim(item[1])]
        if not batch:
            return
        self._execute_running(batch)

    def _execute_running(self, batch: list[tuple[Job[Any], Any]]) -> None:
        started = time.perf_counter()
        try:
            results, committed = self._run_batch([job for job, _ in batch])
        except Exception as exc:  # one job failed: retry each alone to isolate it
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
                return
            for item in batch:
                self._execute_running([item])
            return
        BATCH_SECONDS.observe(time.perf_counter() - started)
        BATCH_SIZE.observe(len(batch))
        if committed and self.on_commit is not None:
            try:
                self.on_commit(committed)
            except Exception:  # a broken listener must not fail acknowledged writes
                log.exception("on_commit listener failed")
        for (_, fut), result in zip(batch, results, strict=True):
            fut.set_result(result)

    def _run_batch(self, jobs: list[Job[Any]]) -> tuple[list[Any], list[Change]]:
        with self.writer_engine.connect() as conn, conn.begin():
            pending: list[tuple[str, str, str, str, str | None, str | None]] = []
            audits: list[dict[str, Any]] = []
            results = []
            for job in jobs:
                ctx = WriteContext(conn, utcnow(), pending, audits)
                results.append(job(ctx))
            committed = self._append_changes(conn, pending, lock=bool(audits))
            if audits and self.audit_key:
                self._append_audit(conn, audits)
        return results, committed

    def _append_changes(
        self,
        conn: Connection,
        pending: list[tuple[str, str, str, str, str | None, str | None]],
        *,
        lock: bool = False,
    ) -> list[Change]:
        """Hand out seqs and write the change rows; the last statements of the transaction.

        `lock`: take the counter's row lock even without changes (the audit chain needs it).
        """
        if not pending:
            if lock:
                fast.first(conn, _BUMP_SEQ, {"n": 0})
            return []
        last = fast.first(conn, _BUMP_SEQ, {"n": len(pending)})["last_seq"]  # type: ignore[index]
        first = last - len(pending) + 1
        now = utcnow()
        out = [Change(first + i, *item) for i, item in enumerate(pending)]
        fast.insert_many(
            conn,
            changes,
            [
                {
                    "seq": c.seq,
                    "entity": c.entity,
                    "entity_id": c.entity_id,
                    "op": c.op,
                    "data": c.data,
                    "queue": c.queue,
                    "host": c.host,
                    "created_at": now,
                }
                for c in out
            ],
        )
        if not self.sqlite:
            conn.execute(
                text("SELECT pg_notify(:channel, :seq)"),
                {"channel": NOTIFY_CHANNEL, "seq": str(last)},
            )
        return out

    def _append_audit(self, conn: Connection, audits: list[dict[str, Any]]) -> None:
        """Chain the batch's audit rows onto the newest one. Runs under the counter's row lock,
        so on PostgreSQL two server processes never chain onto the same row."""
        head = fast.first(conn, _AUDIT_HEAD, {})
        last_id, prev = (head["last_id"], head["last_hash"]) if head else (0, GENESIS)
        rows = []
        for audit in audits:
            last_id += 1
            row = {**audit, "id": last_id, "prev_hash": prev}
            row["hash"] = prev = row_hash(self.audit_key, prev, row)
            rows.append(row)
        fast.insert_many(conn, audit_log, rows)
        values = {
            "last_id": last_id,
            "last_hash": prev,
            "mac": head_mac(self.audit_key, last_id, prev),
        }
        if head is None:
            conn.execute(insert(audit_head).values(id=1, **values))
        else:
            fast.first(conn, _SET_AUDIT_HEAD, {f"new_{k}": v for k, v in values.items()})


# The batch's own statements, built once (fast.first keeps a plan per statement).
_BUMP_SEQ = (
    update(change_counter)
    .where(change_counter.c.id == 1)
    .values(last_seq=change_counter.c.last_seq + bindparam("n", type_=Integer))
    .returning(change_counter.c.last_seq)
)
_AUDIT_HEAD = select(audit_head).where(audit_head.c.id == 1)
_SET_AUDIT_HEAD = (
    update(audit_head)
    .where(audit_head.c.id == 1)
    .values(
        last_id=bindparam("new_last_id"),
        last_hash=bindparam("new_last_hash"),
        mac=bindparam("new_mac"),
    )
)


def _claim(fut: Any) -> bool:
    """May the job be run? Not if its caller gave up (the request was cancelled); a thread's
    future is marked running, so a cancel from now on cannot race the result."""
    if isinstance(fut, concurrent.futures.Future):
        return fut.set_running_or_notify_cancel()
    return not fut.cancelled()


def _no_autocheckpoint(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")
