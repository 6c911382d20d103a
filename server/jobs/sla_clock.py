"""The SLA job: fires warnings, breaches and escalation steps when they fall due.

Driven by due times, not by scanning: every ticket stores ``sla_next_at`` (the next instant its
clock changes) under an index. The job sleeps until the earliest of them, or until a committed
ticket change pokes it (a write may have brought a due time nearer), reads the tickets that are
due by that index, and reconciles them in one write (``services.sla.reconcile_due``). Firings
are keyed and stored in the same transaction, so a restart never fires twice; what fell due
while the server was down is fired at start-up, marked late.

With PostgreSQL and several server processes exactly one runs the clock: the holder of a
session-level advisory lock. When it dies its session ends, the lock is free, and another
process (retrying every ``leader_retry_s``) takes over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from prometheus_client import Counter, Histogram

from ..domain.ticket_clock import Firing
from ..services import prediction
from ..services import sla as sla_service
from ..store import clock as clock_store
from ..store.database import Database, utcnow
from .leader import Leadership

log = logging.getLogger(__name__)

# The advisory lock's key: any constant that other tools are unlikely to use.
LEADER_LOCK_KEY = 0x5A5C_10C4
LATENESS = Histogram(
    "agent_console_sla_firing_lateness_seconds",
    "How long after its due time a warning, breach or escalation step fired",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 30, 300, 3600),
)
FIRED = Counter("agent_console_sla_firings", "Warnings, breaches and escalation steps fired")
PREDICTED = Counter(
    "agent_console_sla_predicted_breaches", "Tickets flagged as going to breach their SLA"
)
TICKS = Counter("agent_console_sla_ticks", "SLA job steps that reconciled due tickets")


class SlaClock:
    def __init__(
        self,
        db: Database,
        *,
        batch: int = 50,
        max_sleep_s: float = 1.0,
        min_gap_s: float = 0.02,
        leader_retry_s: float = 2.0,
        predict_every_s: float = 0.0,
        predict_settings: prediction.PredictSettings | None = None,
    ) -> None:
        self.db = db
        # Breach prediction (services.prediction) every this many seconds; 0: off.
        self.predict_every_s = predict_every_s
        self.predict_settings = predict_settings or prediction.PredictSettings()
        self._next_predict = 0.0
        # A prediction's changed flags still to write, and when the next part goes.
        self._flags: tuple[prediction.Plan | None, list[int]] = (None, [])
        self._next_flags = 0.0
        self.batch = batch
        # Upper bound on a sleep: due times written by another process, which does not poke.
        self.max_sleep_s = max_sleep_s
        # Pokes closer together than this are taken as one (a burst of writes).
        self.min_gap_s = min_gap_s
        self.leader_retry_s = leader_retry_s
        self.is_leader = False
        self.lateness: list[float] = []  # seconds late of each firing, newest last (bench)
        self.batch_seconds: list[float] = []  # each reconcile write, start to commit (bench)
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._leadership = Leadership(
            db.url, sqlite=db.sqlite, key=LEADER_LOCK_KEY, job="the SLA job"
        )

    # -- life cycle --------------------------------------------------------------------
    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="sla-clock")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        await asyncio.to_thread(self._release)

    def poke(self) -> None:
        """A ticket changed: its due time may now be earlier than the planned wake-up."""
        self._wake.set()

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
                self.is_leader = await self._leadership.lead()
                if not self.is_leader:
                    await asyncio.sleep(self.leader_retry_s)
                    continue
                await self.step()
                if self.predict_every_s > 0 and time.monotonic() >= self._next_predict:
                    self._next_predict = time.monotonic() + self.predict_every_s
                    await self.predict()
                elif self._flags[1] and time.monotonic() >= self._next_flags:
                    await self._write_flags()
                await self._sleep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("SLA job step failed; retrying in 1 s")
                await asyncio.sleep(1.0)

    async def step(self) -> int:
        """Reconcile every ticket due by now (in batches); returns how many."""
        total = 0
        while True:
            nxt = await self.db.read(clock_store.next_due)
            if nxt is None or nxt > utcnow():
                return total
            started = time.perf_counter()
            done, firings = await self.db.write(
                lambda ctx: sla_service.reconcile_due(ctx, self.batch)
            )
            self.batch_seconds.append(time.perf_counter() - started)
            if len(self.batch_seconds) > 100_000:
                del self.batch_seconds[:50_000]
            self._observe(firings)
            total += done
            if done < self.batch:
                return total

    async def predict(self) -> prediction.PredictReport:
        """Flag the waiting tickets that will breach (and clear those that will not): the
        first `per_second` changed flags now, the rest one second after another (written by
        the job's loop; a newer plan replaces what is left of an older one)."""
        cfg = self.predict_settings
        now = utcnow()
        found = await self.db.read(lambda conn: prediction.plan(conn, now, cfg))  # off the writer
        self._flags = (found, prediction.changed(found))
        return await self._write_flags()

    async def _write_flags(self) -> prediction.PredictReport:
        found, ids = self._flags
        assert found is not None
        per = max(1, self.predict_settings.per_second)
        part, rest = ids[:per], ids[per:]
        self._flags = (found, rest)
        self._next_flags = time.monotonic() + 1.0
        report = await self.db.write(lambda ctx: prediction.apply(ctx, found, part))
        if report.flagged:
            PREDICTED.inc(len(report.flagged))
        return report

    def _observe(self, firings: list[Firing]) -> None:
        if not firings:
            return
        TICKS.inc()
        committed = time.time()  # lateness as a console sees it: commit time − due time
        for f in firings:
            late = max(0.0, committed - f.due_at.timestamp())
            LATENESS.observe(late)
            FIRED.inc()
            self.lateness.append(late)
        if len(self.lateness) > 100_000:
            del self.lateness[:50_000]

    async def _sleep(self) -> None:
        self._wake.clear()  # before reading: a poke from now on is not lost
        nxt = await self.db.read(clock_store.next_due)
        delay = self.max_sleep_s
        if self.predict_every_s > 0:
            delay = min(delay, max(0.0, self._next_predict - time.monotonic()))
        if self._flags[1]:
            delay = min(delay, max(0.0, self._next_flags - time.monotonic()))
        if nxt is not None:
            delay = min(delay, max(0.0, (nxt - utcnow()).total_seconds()))
        if delay > 0:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel that
            # lands as the wait ends, and the job would then outlive the server's shutdown.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()
            if self._wake.is_set():
                await asyncio.sleep(self.min_gap_s)
