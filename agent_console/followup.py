"""Follow-up times for `:pending 2h`, kept as a ticket tag (pure: no clock, no I/O).

The server has no follow-up field yet, so the time rides on the ticket as a tag such as
`follow-up/20260501t1400z` (UTC, to the minute; the server's tags allow letters, digits and
`-_./`, lower case). Every console and the REST API see it, it survives offline replay like
any other tag change, and a newer `:pending` replaces the older time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

PREFIX = "follow-up/"
_TAG = re.compile(r"^follow-up/(\d{8})t(\d{4})z$")


def tag_for(due_epoch: float) -> str:
    # rounded up to the next minute: a follow-up is never earlier than asked
    minute = -(-int(due_epoch) // 60) * 60
    return PREFIX + datetime.fromtimestamp(minute, UTC).strftime("%Y%m%dt%H%Mz")


def due_from_tags(tags: list[str] | None) -> datetime | None:
    """The follow-up time a ticket's tags carry (the latest one if several)."""
    found = []
    for tag in tags or ():
        m = _TAG.match(tag)
        if m:
            try:
                found.append(datetime.strptime(m[1] + m[2], "%Y%m%d%H%M").replace(tzinfo=UTC))
            except ValueError:
                continue
    return max(found, default=None)


def follow_up_tags(tags: list[str], due_epoch: float) -> list[str]:
    """The tags with any older follow-up time replaced by this one."""
    return [t for t in tags if not t.startswith(PREFIX)] + [tag_for(due_epoch)]


def follow_up_text(due: datetime, now_epoch: float) -> str:
    """'follow up 16:00 (in 1h 55m)' or 'follow-up overdue by 20m' (local time)."""
    left = int(due.timestamp() - now_epoch)
    local = due.astimezone().strftime("%H:%M" if abs(left) < 86400 else "%d %b %H:%M")
    if left < 0:
        return f"follow-up overdue by {span(-left)} ({local})"
    return f"follow up {local} (in {span(left)})"


def span(seconds: int) -> str:
    seconds = max(0, int(seconds))
    d, rest = divmod(seconds, 86400)
    h, rest = divmod(rest, 3600)
    m = rest // 60
    if d:
        return f"{d}d {h}h" if h else f"{d}d"
    if h:
        return f"{h}h {m}m" if m else f"{h}h"
    return f"{m}m"
