"""Fan-out of committed changes to every event stream of this server process.

The hub keeps the newest changes as ready-made SSE frames (encoded once, shared by every
stream) and a `last_seq`. It learns of commits in one of two ways:
- SQLite: the writer thread hands each committed batch over directly (plus a slow poll that
  catches writes from another process, such as the CLI seeding data);
- PostgreSQL: LISTEN on the channel the writers NOTIFY, then read the change log from the
  hub's `last_seq`, so writes through any server process reach every process's streams.
Frames are only ever appended in seq order without gaps; on a gap the hub reads the log.
Waking the streams is coalesced (at most once per `coalesce_s`), so 500 streams cost 500
wake-ups per interval, not per change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from sqlalchemy.engine import make_url

from ..store import changes as change_store
from ..store.database import NOTIFY_CHANNEL, Change, Database

log = logging.getLogger(__name__)


def sse_frame(change: Change) -> bytes:
    return b"id: %d\nevent: change\ndata: %s\n\n" % (change.seq, change.as_json())


# A buffered frame with the scope that decides who may receive it: (queue, host, frame).
Frame = tuple[str | None, str | None, bytes]


class EventHub:
    def __init__(
        self,
        db: Database,
        *,
        buffer_size: int = 20_000,
        coalesce_s: float = 0.02,
        poll_s: float = 1.0,
    ) -> None:
        self.db = db
        self.buffer_size = buffer_size
        self.coalesce_s = coalesce_s
        self.poll_s = poll_s
        self.last_seq = 0
        self._first_seq = 1  # seq of _frames[0]
        self._frames: list[Frame] = []
        self._event = asyncio.Event()
        self._wake_pending = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._catching_up = False
        self._catch_up_again = False
        # Called on the event loop with each run of new changes (the SLA job listens).
        self.listeners: list[Callable[[Sequence[Change]], None]] = []

    # -- life cycle --------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.last_seq = await self.db.read(change_store.last_seq)
        self._first_seq = self.last_seq + 1
        if self.db.sqlite:
            self.db.on_commit = self._on_commit_threadsafe
            self._tasks.append(asyncio.create_task(self._poll()))
        else:
            self._tasks.append(asyncio.create_task(self._listen()))

    async def stop(self) -> None:
        self.db.on_commit = None
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        self._event.set()

    # -- feeding -------------------------------------------------------------------------
    def _on_commit_threadsafe(self, changes: list[Change]) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.publish, changes)

    def publish(self, changes: Sequence[Change]) -> None:
        """Append changes that continue the sequence; on a gap, read the log instead."""
        added = False
        for change in changes:
            if change.seq <= self.last_seq:
                continue
            if change.seq != self.last_seq + 1:
                self.schedule_catch_up()
                break
            self._frames.append((change.queue, change.host, sse_frame(change)))
            self.last_seq = change.seq
            added = True
        if len(self._frames) > 2 * self.buffer_size:
            drop = len(self._frames) - self.buffer_size
            del self._frames[:drop]
            self._first_seq += drop
        if added:
            self._wake()
            for listener in self.listeners:
                try:
                    listener(changes)
                except Exception:
                    log.exception("change listener failed")

    def _wake(self) -> None:
        if self._wake_pending:
            return
        self._wake_pending = True
        assert self._loop is not None
        self._loop.call_later(self.coalesce_s, self._do_wake)

    def _do_wake(self) -> None:
        self._wake_pending = False
        event, self._event = self._event, asyncio.Event()
        event.set()

    def schedule_catch_up(self) -> None:
        if self._catching_up:
            self._catch_up_again = True
            return
        self._catching_up = True
        task = asyncio.get_running_loop().create_task(self._catch_up())
        self._tasks.append(task)
        task.add_done_callback(lambda t: self._tasks.remove(t) if t in self._tasks else None)

    async def _catch_up(self) -> None:
        try:
            while True:
                self._catch_up_again = False
                while True:
                    batch = await self.db.read(
                        lambda conn: change_store.since(conn, self.last_seq, 5000)
                    )
                    if not batch:
                        break
                    self.publish(batch)
                if not self._catch_up_again:
                    break
        except Exception:
            log.exception("reading the change log failed; retrying on the next signal")
        finally:
            self._catching_up = False

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.poll_s)
            try:
                head = await self.db.read(change_store.last_seq)
            except Exception:
                log.exception("polling the change log failed")
                continue
            if head > self.last_seq:
                self.schedule_catch_up()

    async def _listen(self) -> None:
        """PostgreSQL: LISTEN for commits from every server process; reconnect on failure."""
        import psycopg

        url = make_url(self.db.url).set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    delay = 0.5
                    self.schedule_catch_up()  # whatever happened while not listening
                    async for _ in conn.notifies():
                        self.schedule_catch_up()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("LISTEN connection lost (%s); reconnecting in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    # -- reading -------------------------------------------------------------------------
    def frames_after(self, seq: int, limit: int | None = None) -> list[Frame] | None:
        """Buffered frames after `seq` (the first `limit`), or None when they are no longer
        buffered."""
        if seq >= self.last_seq:
            return []
        if seq + 1 < self._first_seq:
            return None
        start = seq + 1 - self._first_seq
        return self._frames[start : None if limit is None else start + limit]

    async def wait_beyond(self, seq: int, timeout: float) -> bool:
        """Wait until a change after `seq` is published; False on timeout."""
        while self.last_seq <= seq:
            event = self._event
            try:
                async with asyncio.timeout(timeout):
                    await event.wait()
            except TimeoutError:
                return False
        return True
