"""Routing: which agent gets a ticket (pure: the caller passes agents, loads and time).

SEEDS 003 (sticky owner, most available manager, "most experienced first" or "cheapest first
with escalation"), 001 §4 (VIP/VVIP jump to the VIP queue, recognised by phone number, loyalty
card or app token), issue 5 (presence, capacity, assignment timeout in business time).

Public API::

    Presence: online | away | offline
    Strategy: least_loaded | most_experienced | cheapest_first
    Agent(id, queues, languages, presence=online, capacity=5, load=0, experience=0.0, cost=1,
          last_assigned_at=None)                      # mutable: update load/presence in place
    AgentPool(agents); .add(agent) / .remove(id) / .get(id) / .candidates(queue)
    RoutingConfig(families=QueueFamilies(), strategies={}, default_strategy=least_loaded,
                  vip_queue="vip", language_fallback=(), sticky_ignores_capacity=True)
    RouteRequest(queue, language=None, tier=standard, sticky_owner=None, host=None,
                 exclude=frozenset(), min_cost=0)
    effective_queue(queue, tier, config) -> str       # VIP/VVIP → config.vip_queue
    route(request, pool, config) -> Decision(agent_id, queue, reason)
    recognise_tier(directory, player_id=None, phone=None, loyalty_card=None, app_token=None)
    assignment_deadline(calendar, assigned_at, timeout) -> datetime
    assignment_expired(calendar, assigned_at, timeout, answered_at, now) -> bool

Order of decision
-----------------
1. The queue: a VIP/VVIP player's ticket goes to ``vip_queue``.
2. Sticky: the owner of the player's open ticket, when online (capacity is ignored by default:
   it is the same conversation), serves the queue and is not excluded.
3. The player's personal host (001 §1), when available (in any queue: a host sees the tickets
   of the players they host).
4. Otherwise the queue's strategy (``strategies`` by queue, with the queue-family fallback
   ``l1-ru`` → ``l1``) over *available* agents (online, ``load < capacity``) who serve the queue
   (an agent serving ``l1`` serves ``l1-ru``) and speak the language (then, if nobody does, the
   ``language_fallback`` languages in order):
   * ``least_loaded``: lowest ``load / capacity``, then lowest load, then longest since the last
     assignment, then id;
   * ``most_experienced``: highest ``experience``, then least loaded;
   * ``cheapest_first``: lowest ``cost`` level ≥ ``min_cost`` (raise ``min_cost`` when the ticket
     is escalated), then least loaded; when no agent of that level is available, the next level
     up takes it ("escalate when needed": reason ``cheapest_first_overflow``).
5. Nobody: ``Decision(agent_id=None, reason="no_agent")`` — the ticket waits in the queue and the
   caller routes it again when an agent comes online or frees capacity.

Assignment timeout: an assignee who has not answered within ``timeout`` of business time (on the
queue's calendar) after the assignment loses the ticket; the caller routes it again with that
agent in ``exclude``. ``assignment_deadline`` is the instant to index on.

Cost: one pass over the agents of the queue family, no sorting: p50 ≈ 0.11 ms, p99 ≈ 0.25 ms
with 500 agents (measured in tests/test_domain_routing.py).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from .calendars import Calendar, add_business_time
from .sla_policy import QueueFamilies
from .values import Tier

AgentId = Hashable
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Presence(StrEnum):
    online = "online"
    away = "away"
    offline = "offline"


class Strategy(StrEnum):
    least_loaded = "least_loaded"
    most_experienced = "most_experienced"
    cheapest_first = "cheapest_first"


@dataclass(slots=True, eq=False)
class Agent:
    id: AgentId
    queues: frozenset[str]
    languages: frozenset[str]
    presence: Presence = Presence.online
    capacity: int = 5
    load: int = 0
    experience: float = 0.0
    cost: int = 1  # 1 = first line (cheapest), 2 = experts, …
    last_assigned_at: datetime | None = None

    @property
    def available(self) -> bool:
        return self.presence == Presence.online and self.load < self.capacity


class AgentPool:
    """Agents indexed by the queues they serve. Change ``load``/``presence`` in place; call
    :meth:`add` again after changing an agent's queues."""

    def __init__(self, agents: Iterable[Agent] = ()) -> None:
        self._by_id: dict[AgentId, Agent] = {}
        self._by_queue: dict[str, dict[AgentId, Agent]] = {}
        self._cache: dict[tuple[str, ...], tuple[Agent, ...]] = {}
        for a in agents:
            self.add(a)

    def add(self, agent: Agent) -> None:
        self.remove(agent.id)
        self._by_id[agent.id] = agent
        for q in agent.queues:
            self._by_queue.setdefault(q, {})[agent.id] = agent
        self._cache.clear()

    def remove(self, agent_id: AgentId) -> None:
        old = self._by_id.pop(agent_id, None)
        if old is not None:
            for q in old.queues:
                self._by_queue.get(q, {}).pop(agent_id, None)
            self._cache.clear()

    def get(self, agent_id: AgentId) -> Agent | None:
        return self._by_id.get(agent_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def candidates(self, chain: tuple[str, ...]) -> tuple[Agent, ...]:
        """Agents serving any queue of ``chain`` (a queue and its ancestors)."""
        got = self._cache.get(chain)
        if got is None:
            seen: dict[AgentId, Agent] = {}
            for q in chain:
                seen.update(self._by_queue.get(q, {}))
            got = self._cache[chain] = tuple(seen.values())
        return got


@dataclass(frozen=True)
class RoutingConfig:
    families: QueueFamilies = field(default_factory=QueueFamilies)
    strategies: Mapping[str, Strategy] = field(default_factory=dict)
    default_strategy: Strategy = Strategy.least_loaded
    vip_queue: str = "vip"
    language_fallback: tuple[str, ...] = ()
    sticky_ignores_capacity: bool = True

    def strategy_for(self, queue: str) -> Strategy:
        for q in self.families.chain(queue):
            if q in self.strategies:
                return Strategy(self.strategies[q])
        return self.default_strategy


@dataclass(frozen=True)
class RouteRequest:
    queue: str
    language: str | None = None
    tier: Tier | str = Tier.standard
    sticky_owner: AgentId | None = None  # owner of the player's open ticket
    host: AgentId | None = None  # the player's personal host (VIP)
    exclude: frozenset = frozenset()  # e.g. the assignee whose assignment timed out
    min_cost: int = 0


@dataclass(frozen=True)
class Decision:
    agent_id: AgentId | None
    queue: str
    reason: str


def effective_queue(queue: str, tier: Tier | str, config: RoutingConfig) -> str:
    """VIP and VVIP players jump to the VIP queue (001 §4)."""
    return config.vip_queue if str(tier) in ("vip", "vvip") else queue


def _load_key(a: Agent) -> tuple:
    return (a.load / a.capacity if a.capacity else 1.0, a.load, a.last_assigned_at or _EPOCH)


def route(request: RouteRequest, pool: AgentPool, config: RoutingConfig) -> Decision:
    queue = effective_queue(request.queue, request.tier, config)
    chain = config.families.chain(queue)
    chain_set = frozenset(chain)
    exclude = request.exclude

    def serves(a: Agent) -> bool:
        return not a.queues.isdisjoint(chain_set)

    if request.sticky_owner is not None and request.sticky_owner not in exclude:
        owner = pool.get(request.sticky_owner)
        if (
            owner is not None
            and owner.presence == Presence.online
            and (config.sticky_ignores_capacity or owner.load < owner.capacity)
            and serves(owner)
        ):
            return Decision(owner.id, queue, "sticky")
    if request.host is not None and request.host not in exclude:
        host = pool.get(request.host)
        # A host sees their players' tickets in any queue (permissions.ticket_in_scope).
        if host is not None and host.available:
            return Decision(host.id, queue, "host")

    agents = pool.candidates(chain)
    strategy = config.strategy_for(queue)
    languages: list[str | None] = [request.language]
    if request.language is not None:
        languages += [lang for lang in config.language_fallback if lang != request.language]
    for n, lang in enumerate(languages):
        pick, reason = _pick(agents, lang, exclude, strategy, request.min_cost)
        if pick is not None:
            return Decision(pick.id, queue, reason if n == 0 else f"{reason}:language_fallback")
    return Decision(None, queue, "no_agent")


def _pick(
    agents: tuple[Agent, ...],
    lang: str | None,
    exclude: frozenset,
    strategy: Strategy,
    min_cost: int,
) -> tuple[Agent | None, str]:
    best: Agent | None = None
    best_key: tuple | None = None
    cheapest_level: int | None = None  # lowest cost level in the queue, available or not
    cheapest = strategy == Strategy.cheapest_first
    for a in agents:
        if cheapest and a.cost >= min_cost and (cheapest_level is None or a.cost < cheapest_level):
            cheapest_level = a.cost
        if a.presence != Presence.online or a.load >= a.capacity:
            continue
        if lang is not None and lang not in a.languages:
            continue
        if a.id in exclude:
            continue
        if cheapest:
            if a.cost < min_cost:
                continue
            key = (a.cost, *_load_key(a), str(a.id))
        elif strategy == Strategy.most_experienced:
            key = (-a.experience, *_load_key(a), str(a.id))
        else:
            key = (*_load_key(a), str(a.id))
        if best_key is None or key < best_key:
            best, best_key = a, key
    if best is None:
        return None, "no_agent"
    if cheapest:
        overflow = cheapest_level is not None and best.cost > cheapest_level
        return best, "cheapest_first_overflow" if overflow else "cheapest_first"
    return best, strategy.value


def recognise_tier(
    directory: Mapping[str, Tier | str],
    player_id: str | None = None,
    phone: str | None = None,
    loyalty_card: str | None = None,
    app_token: str | None = None,
) -> Tier:
    """The player's tier from any identifier (001 §1/§4): the directory maps
    ``"player:<id>"``, ``"phone:<E.164>"``, ``"card:<number>"`` and ``"token:<token>"`` to a
    tier; the highest tier found wins; unknown → standard."""
    found: list[Tier] = []
    for prefix, value in (
        ("player", player_id),
        ("phone", _digits(phone)),
        ("card", loyalty_card),
        ("token", app_token),
    ):
        if value:
            t = directory.get(f"{prefix}:{value}")
            if t is not None:
                found.append(Tier(t))
    return min(found, key=lambda t: t.rank, default=Tier.standard)


def _digits(phone: str | None) -> str | None:
    if not phone:
        return None
    d = "".join(ch for ch in phone if ch.isdigit())
    return f"+{d}" if d else None


def assignment_deadline(calendar: Calendar, assigned_at: datetime, timeout: timedelta) -> datetime:
    """When an unanswered assignment goes back to routing (business time on ``calendar``)."""
    return add_business_time(calendar, assigned_at, timeout)


def assignment_expired(
    calendar: Calendar,
    assigned_at: datetime,
    timeout: timedelta,
    answered_at: datetime | None,
    now: datetime,
) -> bool:
    """Whether the assignee failed to answer in time: no public reply before the deadline and the
    deadline has passed."""
    deadline = assignment_deadline(calendar, assigned_at, timeout)
    if answered_at is not None and answered_at <= deadline:
        return False
    return now >= deadline
