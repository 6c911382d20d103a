"""Routing: sticky owner, least loaded, strategies, VIP jump, assignment timeout.

Timing (not asserted; figures for the issue note). Measured with::

    pool = AgentPool(make_agents(500)); cfg = RoutingConfig()
    timeit: route(RouteRequest("l1-ru", "ru"), pool, cfg)

on the development container (Python 3.11): p50 ≈ 0.11 ms, p99 ≈ 0.18–0.26 ms per decision with 500
agents all serving the l1 family (the worst case: every agent is a candidate); most_experienced
and cheapest_first cost the same. ``test_routing_500_agents_is_fast_enough`` prints the
figures with ``pytest -s`` and only checks the decision, never the time.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.calendars import Calendar
from server.domain.routing import (
    Agent,
    AgentPool,
    Presence,
    RouteRequest,
    RoutingConfig,
    Strategy,
    assignment_deadline,
    assignment_expired,
    effective_queue,
    recognise_tier,
    route,
)
from server.domain.values import Tier

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def agent(id_, queues=("l1",), langs=("en",), **kw) -> Agent:
    return Agent(id_, frozenset(queues), frozenset(langs), **kw)


def test_least_loaded_with_the_skills():
    pool = AgentPool(
        [
            agent("a", langs=("en", "ru"), load=3, capacity=5),
            agent("b", langs=("ru",), load=1, capacity=5),
            agent("c", langs=("en",), load=0, capacity=5),  # no Russian
            agent("d", queues=("l2",), langs=("ru",), load=0),  # wrong queue
            agent("e", langs=("ru",), load=0, presence=Presence.away),
            agent("f", langs=("ru",), load=4, capacity=4),  # full
        ]
    )
    d = route(RouteRequest("l1-ru", "ru"), pool, RoutingConfig())
    assert (d.agent_id, d.queue, d.reason) == ("b", "l1-ru", "least_loaded")


def test_load_is_relative_to_capacity_then_idle_time():
    pool = AgentPool(
        [
            agent("small", load=1, capacity=2),
            agent("big", load=2, capacity=10),
            agent("idle", load=2, capacity=10, last_assigned_at=T0 - timedelta(hours=1)),
        ]
    )
    pool.get("big").last_assigned_at = T0
    assert route(RouteRequest("l1"), pool, RoutingConfig()).agent_id == "idle"


def test_sticky_owner_first_even_when_full_but_not_when_offline():
    pool = AgentPool([agent("owner", load=5, capacity=5), agent("free")])
    req = RouteRequest("l1", "en", sticky_owner="owner")
    assert route(req, pool, RoutingConfig()).reason == "sticky"
    cfg = RoutingConfig(sticky_ignores_capacity=False)
    assert route(req, pool, cfg).agent_id == "free"
    pool.get("owner").presence = Presence.offline
    assert route(req, pool, RoutingConfig()).agent_id == "free"


def test_vip_players_jump_to_the_vip_queue_and_their_host():
    pool = AgentPool(
        [
            agent("l1-agent", queues=("l1",)),
            agent("chloe", queues=("vip",), langs=("en", "el")),
            agent("arman", queues=("vip",), langs=("ru", "kk"), load=2),
        ]
    )
    cfg = RoutingConfig()
    assert effective_queue("l1-ru", Tier.vvip, cfg) == "vip"
    assert effective_queue("l1-ru", Tier.standard, cfg) == "l1-ru"
    d = route(RouteRequest("l1-ru", "ru", tier="vvip"), pool, cfg)
    assert (d.agent_id, d.queue) == ("arman", "vip")
    d = route(RouteRequest("l1-en", "en", tier="vip", host="chloe"), pool, cfg)
    assert (d.agent_id, d.reason) == ("chloe", "host")


def test_recognise_tier_by_phone_card_or_token():
    directory = {"phone:+61412345678": "vvip", "card:LC-9": "vip", "token:abc": "vip"}
    assert recognise_tier(directory, phone="+61 412 345 678") == Tier.vvip
    assert recognise_tier(directory, loyalty_card="LC-9") == Tier.vip
    assert recognise_tier(directory, app_token="abc", phone="+61-412-345-678") == Tier.vvip
    assert recognise_tier(directory, player_id="p1") == Tier.standard


def test_most_experienced_first():
    pool = AgentPool(
        [agent("junior", experience=1), agent("senior", experience=9, load=3), agent("mid")]
    )
    cfg = RoutingConfig(strategies={"l1": Strategy.most_experienced})
    assert route(RouteRequest("l1-en", "en"), pool, cfg).agent_id == "senior"


def test_cheapest_first_and_escalate_when_needed():
    l1a, l1b = agent("l1a", cost=1, load=4, capacity=4), agent("l1b", cost=1, load=2)
    l2 = agent("l2x", cost=2)
    pool = AgentPool([l1a, l1b, l2])
    cfg = RoutingConfig(default_strategy=Strategy.cheapest_first)
    d = route(RouteRequest("l1"), pool, cfg)
    assert (d.agent_id, d.reason) == ("l1b", "cheapest_first")
    l1b.presence = Presence.away  # no first line left: overflow to the experts
    d = route(RouteRequest("l1"), pool, cfg)
    assert (d.agent_id, d.reason) == ("l2x", "cheapest_first_overflow")
    l1b.presence = Presence.online
    d = route(RouteRequest("l1", min_cost=2), pool, cfg)  # escalated: experts only
    assert (d.agent_id, d.reason) == ("l2x", "cheapest_first")


def test_language_fallback_and_nobody():
    pool = AgentPool([agent("en-only", langs=("en",))])
    assert route(RouteRequest("l1-fa", "fa"), pool, RoutingConfig()).reason == "no_agent"
    cfg = RoutingConfig(language_fallback=("en",))
    d = route(RouteRequest("l1-fa", "fa"), pool, cfg)
    assert (d.agent_id, d.reason) == ("en-only", "least_loaded:language_fallback")


def test_assignment_timeout_goes_back_to_routing_in_business_time():
    office = Calendar.business("office", "UTC", {"mon-fri": "09:00-18:00"})
    fri = datetime(2026, 5, 8, 17, 55, tzinfo=UTC)
    assert assignment_deadline(office, fri, timedelta(minutes=10)) == datetime(
        2026, 5, 11, 9, 5, tzinfo=UTC
    )
    sat = datetime(2026, 5, 9, 12, tzinfo=UTC)
    assert not assignment_expired(office, fri, timedelta(minutes=10), None, sat)
    monday = datetime(2026, 5, 11, 9, 5, tzinfo=UTC)
    assert assignment_expired(office, fri, timedelta(minutes=10), None, monday)
    assert not assignment_expired(
        office, fri, timedelta(minutes=10), fri + timedelta(minutes=1), monday
    )
    pool = AgentPool([agent("slow"), agent("next", load=3)])
    d = route(RouteRequest("l1", exclude=frozenset({"slow"})), pool, RoutingConfig())
    assert d.agent_id == "next"


def test_pool_updates():
    pool = AgentPool([agent("a", queues=("l1",))])
    assert route(RouteRequest("l2"), pool, RoutingConfig()).agent_id is None
    pool.add(agent("a", queues=("l2",)))
    assert route(RouteRequest("l2"), pool, RoutingConfig()).agent_id == "a"
    assert route(RouteRequest("l1"), pool, RoutingConfig()).agent_id is None
    pool.remove("a")
    assert len(pool) == 0


agents_st = st.lists(
    st.builds(
        lambda i, q, lang, pres, cap, load, exp, cost: agent(
            i,
            (q,),
            (lang,),
            presence=pres,
            capacity=cap,
            load=min(load, cap),
            experience=exp,
            cost=cost,
        ),
        st.integers(0, 10**6),
        st.sampled_from(["l1", "l1-ru", "l2", "vip"]),
        st.sampled_from(["en", "ru", "uk"]),
        st.sampled_from(list(Presence)),
        st.integers(1, 5),
        st.integers(0, 5),
        st.floats(0, 10),
        st.integers(1, 3),
    ),
    max_size=30,
    unique_by=lambda a: a.id,
)


@settings(max_examples=200, deadline=None)
@given(
    agents_st,
    st.sampled_from(["l1", "l1-ru", "l2"]),
    st.sampled_from(["en", "ru"]),
    st.sampled_from(list(Strategy)),
)
def test_a_chosen_agent_is_always_eligible_and_one_is_found_when_any_is(agents, queue, lang, s):
    pool = AgentPool(agents)
    cfg = RoutingConfig(default_strategy=s)
    d = route(RouteRequest(queue, lang), pool, cfg)
    chain = cfg.families.chain(queue)
    eligible = [a for a in agents if a.available and lang in a.languages and a.queues & set(chain)]
    if d.agent_id is None:
        assert not eligible
    else:
        chosen = pool.get(d.agent_id)
        assert chosen in eligible
        if s == Strategy.least_loaded:
            best = min(a.load / a.capacity for a in eligible)
            assert chosen.load / chosen.capacity == best
        if s == Strategy.most_experienced:
            assert chosen.experience == max(a.experience for a in eligible)
        if s == Strategy.cheapest_first:
            assert chosen.cost == min(a.cost for a in eligible)


def make_agents(n: int, seed: int = 5) -> list[Agent]:
    rnd = random.Random(seed)
    langs = ["en", "ru", "uk", "kk", "tr", "el", "fa", "mn"]
    out = []
    for i in range(n):
        out.append(
            agent(
                f"agent-{i}",
                queues=("l1", f"l1-{rnd.choice(['en', 'ru', 'uk'])}"),
                langs=tuple(rnd.sample(langs, 3)),
                presence=rnd.choice([Presence.online] * 8 + [Presence.away, Presence.offline]),
                capacity=rnd.randint(3, 8),
                load=rnd.randint(0, 8),
                experience=rnd.random() * 10,
                cost=rnd.choice([1, 1, 2]),
            )
        )
    return out


@pytest.mark.parametrize("strategy", list(Strategy))
def test_routing_500_agents_is_fast_enough(strategy):
    """Prints p50/p99 of one decision with 500 agents; asserts only the decision."""
    pool = AgentPool(make_agents(500))
    cfg = RoutingConfig(default_strategy=strategy)
    req = RouteRequest("l1-ru", "ru")
    times = []
    for _ in range(300):
        t = time.perf_counter()
        d = route(req, pool, cfg)
        times.append(time.perf_counter() - t)
    assert d.agent_id is not None
    times.sort()
    print(f"{strategy}: p50 {times[150] * 1e3:.3f} ms, p99 {times[296] * 1e3:.3f} ms")
