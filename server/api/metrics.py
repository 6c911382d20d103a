"""Gauges computed when /metrics is scraped."""

from __future__ import annotations

from typing import Any

from prometheus_client import Gauge

from ..domain.values import Status
from ..store import queues as queue_store

TICKETS = Gauge("agent_console_tickets", "Tickets by status", ["status"])
OPEN_BY_QUEUE = Gauge("agent_console_open_tickets", "Open tickets by queue", ["queue"])
LAST_SEQ = Gauge("agent_console_change_seq", "Newest change-log seq seen by this process")
SSE_CLIENTS = Gauge("agent_console_event_streams", "Open /events streams in this process")


async def refresh_gauges(state: Any) -> None:
    def read(conn: Any) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
        return queue_store.status_counts(conn), queue_store.open_counts(conn)

    by_status, open_counts = await state.db.read(read)
    for status in Status:
        TICKETS.labels(status.value).set(by_status.get(status.value, 0))
    OPEN_BY_QUEUE.clear()
    for queue, counts in open_counts.items():
        OPEN_BY_QUEUE.labels(queue).set(
            sum(v for k, v in counts.items() if k.startswith("status:"))
        )
    LAST_SEQ.set(state.hub.last_seq)
