"""The work order (SEEDS 004): criticality > VIP tier > time waited > topic. Pure, no I/O."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from server.domain.values import TOPIC_ORDER, Priority, Tier, topic_rank
from server.domain.work_order import WorkKey, work_key

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

# The documented rule, written out on its own (not through the enums' rank properties).
PRIORITY_RANK = {"P1": 1, "P2": 2, "P3": 3, "P4": 4}
TIER_RANK = {"vvip": 0, "vip": 1, "standard": 2}
TOPICS = [
    "payment",
    "security",
    "kyc",
    "account",
    "game",
    "bonus",
    "complaint",
    "vip",
    "features",
    "ideas",
]


def key(priority="P3", tier="standard", waited_minutes=0, tags=(), ticket_id=1):
    return work_key(
        Priority(priority),
        Tier(tier),
        T0 - timedelta(minutes=waited_minutes),
        list(tags),
        ticket_id,
    )


def test_key_shape():
    k = key("P2", "vip", 10, ["bonus", "payment"], 42)
    assert isinstance(k, WorkKey)
    assert k == WorkKey(2, 1, T0 - timedelta(minutes=10), 0, 42)


def test_p1_before_anything_else():
    p1 = key("P1", "standard", 0, ["ideas"], 999)
    for other in [
        key("P2", "vvip", 10_000, ["payment"], 1),
        key("P3", "vvip", 10_000, ["payment"], 1),
        key("P4", "vip", 10_000, [], 1),
    ]:
        assert p1 < other


def test_priorities_in_order():
    keys = [key(p) for p in ("P4", "P2", "P1", "P3")]
    assert [k.priority_rank for k in sorted(keys)] == [1, 2, 3, 4]


def test_tier_order_within_a_priority():
    vvip, vip, std = key(tier="vvip"), key(tier="vip"), key(tier="standard")
    assert vvip < vip < std
    # Tier beats time waited and topic.
    assert key(tier="vip", waited_minutes=0, tags=["ideas"]) < key(
        tier="standard", waited_minutes=10_000, tags=["payment"]
    )


def test_longer_waiting_first_then_topic():
    assert key(waited_minutes=30) < key(waited_minutes=5)
    assert key(waited_minutes=30, tags=["ideas"]) < key(waited_minutes=5, tags=["payment"])
    assert key(tags=["payment"]) < key(tags=["security"]) < key(tags=["ideas"]) < key(tags=[])
    assert key(tags=["payment"], ticket_id=9) < key(tags=["kyc"], ticket_id=1)


def test_ticket_id_breaks_ties():
    assert key(ticket_id=1) < key(ticket_id=2)


def test_topic_rank():
    assert list(TOPIC_ORDER) == TOPICS
    for i, topic in enumerate(TOPICS):
        assert topic_rank([topic]) == i
    assert topic_rank([]) == len(TOPICS)
    assert topic_rank(["unknown", "other"]) == len(TOPICS)
    assert topic_rank(["ideas", "unknown", "kyc"]) == TOPICS.index("kyc")
    assert topic_rank(("complaint", "payment")) == 0


def test_ranks_of_enums():
    assert [p.rank for p in Priority] == [1, 2, 3, 4]
    assert {t.value: t.rank for t in Tier} == TIER_RANK


_tickets = st.lists(
    st.tuples(
        st.sampled_from(sorted(PRIORITY_RANK)),
        st.sampled_from(sorted(TIER_RANK)),
        st.integers(min_value=0, max_value=5000),  # minutes waited
        st.lists(st.sampled_from([*TOPICS, "misc", "other"]), max_size=4),
    ),
    max_size=40,
)


def _reference_sort(tickets):
    """The rule, by hand: priority, tier, longest waiting, most urgent topic, id."""

    def ref_key(item):
        ticket_id, (prio, tier, waited, tags) = item
        topic = min((TOPICS.index(t) for t in tags if t in TOPICS), default=len(TOPICS))
        return (PRIORITY_RANK[prio], TIER_RANK[tier], -waited, topic, ticket_id)

    return [tid for tid, _ in sorted(enumerate(tickets, start=1), key=ref_key)]


@given(_tickets)
def test_sorted_keys_follow_the_documented_rule(tickets):
    keys = [
        key(prio, tier, waited, tags, ticket_id)
        for ticket_id, (prio, tier, waited, tags) in enumerate(tickets, start=1)
    ]
    assert [k.ticket_id for k in sorted(keys)] == _reference_sort(tickets)


@given(_tickets)
def test_every_p1_sorts_before_every_other(tickets):
    keys = sorted(
        key(prio, tier, waited, tags, tid)
        for tid, (prio, tier, waited, tags) in enumerate(tickets, start=1)
    )
    ranks = [k.priority_rank for k in keys]
    assert ranks == sorted(ranks)
    # Within one priority the tiers come VVIP, VIP, standard; within a tier, oldest first.
    for a, b in itertools.pairwise(keys):
        if a.priority_rank == b.priority_rank:
            assert a.tier_rank <= b.tier_rank
            if a.tier_rank == b.tier_rank:
                assert a.waiting_since <= b.waiting_since
