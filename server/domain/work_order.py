"""The order agents work tickets in: criticality > VIP tier > time waited > topic (SEEDS 004)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from .values import Priority, Tier, topic_rank


class WorkKey(NamedTuple):
    """Sort key of a ticket in work order: smaller sorts first."""

    priority_rank: int
    tier_rank: int
    waiting_since: datetime
    topic_rank: int
    ticket_id: int


def work_key(
    priority: Priority, tier: Tier, waiting_since: datetime, tags: list[str], ticket_id: int
) -> WorkKey:
    return WorkKey(priority.rank, tier.rank, waiting_since, topic_rank(tags), ticket_id)
