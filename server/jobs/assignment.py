"""The assignment job: unanswered assignments go back to routing; the agent pool stays fresh.

Driven by due times, like the SLA job: every assignment stores ``assign_due_at`` (when it
times out unless the assignee answers) under an index. The job sleeps until the earliest of
them — or until routing makes a new assignment in this process (a poke) — and hands the due
ones to ``Router.expire_due`` in one write. It also rebuilds this process's agent pool from
the database every ``routing_resync_seconds`` and then routes waiting tickets to available
agents (a sweep that catches what no event triggered).

With PostgreSQL and several server processes exactly one expires assignments and sweeps: the
holder of a session-level advisory lock (a different key from the SLA job's). Every process
resyncs its own pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from ..services.routing import Router
from ..store import agents as agent_store
from ..store.database import Database, utcnow
from ..store.rows import aware
from .leader import Leadership

log = logging.getLogger(__name__)

LEADER_LOCK_KEY = 0x5A5C_A551  # not the SLA job's 0x5A5C_10C4


class AssignmentJob:
    def __init__(
        self,
        db: Database,
        router: Router,
        *,
        resync_s: float = 30.0,
        batch: int = 200,
        max_sleep_s: float = 1.0,
        leader_retry_s: float = 2.0,
    ) -> None:
        self.db = db
        self.router = router
        self.resync_s = resync_s
        self.batch = batch
        # Upper bound on a sleep: deadlines written by another process, which does not poke.
        self.max_sleep_s = max_sleep_s
        self.leader_retry_s = leader_retry_s
        self.is_leader = False
        self.expired = 0  # assignments handled since start (tests, bench)
        self._next_resync = 0.0
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._leadership = Leadership(
            db.url, sqlite=db.sqlite, key=LEADER_LOCK_KEY, job="the assignment job"
        )

    # -- life cycle --------------------------------------------------------------------
    async def start(self) -> None:
        self._next_resync = time.monotonic() + self.resync_s  # the server resyncs at start
        self.router.on_assign = self.poke
        self._task = asyncio.create_task(self._run(), name="assignment-job")

    async def stop(self) -> None:
        self._stopping = True
        self.router.on_assign = None
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        await asyncio.to_thread(self._release)

    def poke(self) -> None:
        """A new assignment: its deadline may be earlier than the planned wake-up. Called on
        the writer thread, so the event is set from the loop."""
        try:
            loop = self._task.get_loop() if self._task is not None else None
        except RuntimeError:
            loop = None
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    # -- leadership ----------------------------------------------------------------------
    def _try_lead(self) -> bool:
        return self._leadership.try_lead()

    def _release(self) -> None:
        self._leadership.release()
        self.is_leader = False

    # -- the loop ------------------------------------------------------------------------
    async def _run(self) -> None:
        while not self._stopping:
            try:
                sweep = False
                if time.monotonic() >= self._next_resync:
                    await self.db.write(self.router.resync)
                    self._next_resync = time.monotonic() + self.resync_s
                    sweep = True
                self.is_leader = await self._leadership.lead()
                if self.is_leader:
                    await self.step()
                    if sweep:
                        await self.sweep()
                await self._sleep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("assignment job step failed; retrying in 1 s")
                await asyncio.sleep(1.0)

    async def sweep(self) -> int:
        """Route waiting tickets to every available agent; returns how many were assigned."""
        return await self.db.write(self.router.fill_all)

    async def step(self) -> int:
        """Hand every assignment due by now back to routing (in batches); returns how many."""
        total = 0
        while True:
            nxt = aware(await self.db.read(agent_store.next_assign_due))
            if nxt is None or nxt > utcnow():
                return total
            done = await self.db.write(lambda ctx: self.router.expire_due(ctx, self.batch))
            total += done
            self.expired += done
            if done < self.batch:
                return total

    async def _sleep(self) -> None:
        self._wake.clear()  # before reading: a poke from now on is not lost
        delay = min(self.max_sleep_s, max(0.0, self._next_resync - time.monotonic()))
        if self.is_leader:
            nxt = aware(await self.db.read(agent_store.next_assign_due))
            if nxt is not None:
                delay = min(delay, max(0.0, (nxt - utcnow()).total_seconds()))
        if delay > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()
