"""Keep the garbage collector's full passes off the request path.

Start-up builds a large heap that lives as long as the process: the bot's language models and
classifier, the SLA policies, the app. A full collection walks all of it (70–100 ms measured
here), and while it runs every request in flight waits: the creates' p99 was a multiple of
their median because of it. Once start-up is over, `settle()` collects once and moves what is
left into the collector's permanent generation (`gc.freeze`), so later full passes walk only
what the server built since.

Only the server process does this (`agent-console-server serve`): a process that creates many
apps, like the test suite, would keep every frozen app alive.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time

log = logging.getLogger(__name__)


def settle() -> None:
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    log.info(
        "heap settled: %d objects frozen in %.0f ms",
        gc.get_freeze_count(),
        (time.perf_counter() - started) * 1000,
    )


async def settle_after(task: asyncio.Task[object] | None) -> None:
    """`settle()` once `task` (the bot's warm-up) is done, however it ended."""
    if task is not None:
        await asyncio.wait([task])
    settle()
