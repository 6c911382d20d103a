"""`agent-console-server seed-demo`: a realistic, multilingual desk to demo and to try things on.

What it writes, all through the service functions so the change log stays consistent:
- the regional L1 queues (l1-en, l1-ru, l1-uk, l1-kz, l1-tr, l1-fa, l1-el, l1-mn) beside the
  base queues l1, l2, vip and payments;
- the demo users (password `demo`) and the channel integration user `intake-bot`;
- 40 players in 8 languages (20% VIP, 7.5% VVIP, each VIP/VVIP with a host), with priority
  cards and responsible-gambling settings;
- `n_tickets` tickets spread over the last 10 days (open ones skewed recent), in every status,
  priority and channel, reached through legal transitions, with threads of player messages,
  bot receipts, replies (some quoting, a few retracted) and internal notes.

The ticket threads are planned first (pure, from the seed), then written in jobs of
`TICKETS_PER_JOB` tickets; each step sets `ctx.now` to its past moment. Users, queues and
players are updated in place on a second run; tickets are added again.
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from ..services import Actor
from ..services.players import upsert_player
from ..services.queues import create_queue
from ..services.tickets import add_message, create_ticket, retract_message, update_ticket
from ..services.users import create_or_update_user
from ..store import players as player_store
from ..store import queues as queue_store
from ..store import users as user_store
from ..store.database import Database, WriteContext
from ..store.engine import make_engine
from ..store.migrate import upgrade
from ..store.tables import messages, players, tickets
from .corpus import (
    COMMON,
    ESCALATION_NOTES,
    GENERIC_NOTES,
    LANGS,
    NOTES,
    RETRACT_REASONS,
    SCENARIOS,
    TEXTS,
)
from .data import (
    BOT_DISPLAY_NAME,
    BOT_USERNAME,
    DEMO_PASSWORD,
    DEMO_USERS,
    L1_AGENTS,
    REGIONAL_QUEUES,
    USERS_BY_NAME,
    PlayerSpec,
    TicketDraft,
    agent_name,
    choose_scenario,
    compose_ticket,
    local_hhmm,
    make_players,
)

TICKETS_PER_JOB = 50
HISTORY = timedelta(days=10)
STATUSES = (
    "new",
    "accepted",
    "in_progress",
    "needs_clarification",
    "resolved",
    "closed",
    "reopened",
)
STATUS_WEIGHTS = (10, 7, 15, 10, 18, 33, 7)
PRIORITIES = ("P1", "P2", "P3", "P4")
# The first tickets cover every status, channel, priority and language whatever n_tickets is:
# (status, channel, priority, language).
COVERAGE: tuple[tuple[str, str, str, str], ...] = (
    ("new", "web_chat", "P3", "en"),
    ("accepted", "telegram", "P2", "ru"),
    ("in_progress", "email", "P4", "uk"),
    ("needs_clarification", "phone", "P1", "kk"),
    ("resolved", "api", "P3", "fa"),
    ("closed", "on_site", "P2", "el"),
    ("reopened", "web_chat", "P1", "mn"),
    ("in_progress", "telegram", "P3", "tr"),
)
MIN = 60.0
HOUR = 3600.0
DAY = 86400.0


# -- planning --------------------------------------------------------------------------------


@dataclass(slots=True)
class Step:
    """One thing that happens on a ticket after it is opened."""

    offset: float  # seconds after the ticket was opened
    op: str  # player | bot | reply | note | update | retract
    actor: str  # username
    template: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    quote: str | None = None  # label of a message to quote
    label: str | None = None  # remember this message's id under a label
    changes: dict[str, Any] | None = None
    target: str | None = None  # retract: the label of the message
    reason: str | None = None
    at: datetime | None = None


@dataclass(slots=True)
class Plan:
    draft: TicketDraft
    status: str
    agent: str | None
    steps: list[Step]
    created: datetime


# Scenarios whose working reply asks the player something (so waiting on them makes sense).
ASKS_PLAYER = frozenset({"withdrawal", "deposit", "kyc", "2fa", "selfexclusion"})
# Urgent cases move in minutes, not hours (SEEDS 001 §3: P1 stabilised within 15 min).
URGENT = frozenset({"hotel", "transfer"})


class _Thread:
    """Builds a ticket's steps on a running clock.

    `pace` shrinks the gaps of urgent work (P1, stop-list cases, VIPs); `slow=True` steps
    (closing a day later, a player coming back) keep their gaps.
    """

    def __init__(self, rng: random.Random, draft: TicketDraft) -> None:
        self.rng = rng
        self.draft = draft
        self.t = 0.0
        self.steps: list[Step] = []
        pace = 1.0
        if draft.scenario.key in URGENT or draft.priority == "P1":
            pace = 0.12
        elif draft.priority == "P2":
            pace = 0.5
        if draft.player.tier != "standard":
            pace *= 0.6
        self.pace = pace

    def add(
        self, lo: float, hi: float, op: str, actor: str, *, slow: bool = False, **kw: Any
    ) -> Step:
        self.t += self.rng.uniform(lo, hi) * (1.0 if slow else self.pace)
        step = Step(self.t, op, actor, **kw)
        self.steps.append(step)
        return step

    def say(self, lo: float, hi: float, op: str, actor: str, template: str, **kw: Any) -> Step:
        fields = dict(kw.pop("fields", {}))
        if op in ("reply", "note"):
            user = USERS_BY_NAME[actor]
            fields.setdefault("agent", agent_name(actor, user.display_name, self.draft.lang))
            fields.setdefault("eta", "@+120")  # "I'll update you by …": two hours on
        return self.add(lo, hi, op, actor, template=template, fields=fields, **kw)


def _agent_for(rng: random.Random, queue: str, lang: str, player: PlayerSpec) -> str:
    if queue == "vip":
        return player.host or "chloe"
    if queue == "payments":
        return "lead" if rng.random() < 0.1 else "sofia"
    if queue == "l2":
        return "oleksii"
    candidates = [u for u in L1_AGENTS if lang in u.languages] or list(L1_AGENTS)
    weights = [3 if u.username == "demo" else 1 for u in candidates]
    return rng.choices(candidates, weights=weights)[0].username


def _plan_thread(rng: random.Random, draft: TicketDraft, status: str, fixed: bool) -> Plan:
    """The steps that take a new ticket to `status` through legal transitions."""
    th = _Thread(rng, draft)
    lang, sc = draft.lang, draft.scenario
    texts, common = TEXTS[lang][sc.key], COMMON[lang]
    vipish = draft.player.tier != "standard"
    pick = rng.choice
    eta_minutes = 5 if vipish else 15 if draft.priority == "P1" else 30
    if draft.channel in ("telegram", "web_chat", "api") and rng.random() < 0.75:
        th.say(3, 25, "bot", BOT_USERNAME, pick(common["bot"]), fields={"eta": f"@+{eta_minutes}"})
    if status == "new":
        if rng.random() < 0.35:
            th.say(15 * MIN, 3 * HOUR, "player", BOT_USERNAME, pick(common["nudge"]))
        return Plan(draft, status, None, th.steps, datetime.now(UTC))

    agent = _agent_for(rng, draft.queue, lang, draft.player)
    first = (1 * MIN, 5 * MIN) if vipish or draft.priority == "P1" else (3 * MIN, 80 * MIN)
    th.add(*first, "update", agent, changes={"status": "accepted", "assignee": agent})
    if rng.random() < 0.3:
        th.say(1 * MIN, 15 * MIN, "note", agent, pick(NOTES[sc.key] + GENERIC_NOTES))
    if status == "accepted":
        return Plan(draft, status, agent, th.steps, datetime.now(UTC))

    def escalate(to: str) -> None:
        nonlocal agent
        if to == "lead":
            th.say(2 * MIN, 30 * MIN, "note", agent, ESCALATION_NOTES["lead"])
            th.add(10, 60, "update", agent, changes={"assignee": "lead"})
            agent = "lead"
            return
        new_agent = _agent_for(rng, to, lang, draft.player)
        th.say(2 * MIN, 30 * MIN, "note", agent, ESCALATION_NOTES[to])
        th.add(10, 60, "update", agent, changes={"queue": to, "assignee": new_agent})
        agent = new_agent

    escalated = False
    if sc.escalate_to and draft.queue not in ("vip", sc.escalate_to) and rng.random() < 0.2:
        escalate(sc.escalate_to)
        escalated = True

    if rng.random() < 0.07:  # a reply sent by mistake, retracted, then the right one
        other = pick([s for s in SCENARIOS if s.key != sc.key and not s.vip])
        wrong_lang = lang if rng.random() < 0.7 else pick([x for x in LANGS if x != lang])
        reason = "Wrong language" if wrong_lang != lang else pick(RETRACT_REASONS)
        th.say(1 * MIN, 6 * MIN, "reply", agent, pick(TEXTS[wrong_lang][other.key]["reply"]),
               label="wrong")  # fmt: skip
        th.add(20, 4 * MIN, "retract", agent, target="wrong", reason=reason)

    ask = pick(texts["reply"])
    if rng.random() < 0.5:
        ask = pick(common["ack"]) + "\n\n" + ask
    th.say(1 * MIN, 15 * MIN, "reply", agent, ask, label="ask",
           quote="first" if rng.random() < 0.25 else None)  # fmt: skip

    if status == "in_progress":
        if rng.random() < 0.55:
            th.say(5 * MIN, 4 * HOUR, "player", BOT_USERNAME, pick(texts["followup"]),
                   quote="ask" if rng.random() < 0.2 else None)  # fmt: skip
            if rng.random() < 0.5:
                th.say(2 * MIN, 30 * MIN, "note", agent, pick(NOTES[sc.key] + GENERIC_NOTES))
        return Plan(draft, status, agent, th.steps, datetime.now(UTC))

    wait_on_player = rng.random() < 0.5 and sc.key not in URGENT
    if status == "needs_clarification" or wait_on_player:
        if sc.key not in ASKS_PLAYER or rng.random() < 0.3:
            th.say(1 * MIN, 10 * MIN, "reply", agent, pick(common["clarify"]), label="ask")
        th.add(20, 3 * MIN, "update", agent, changes={"status": "needs_clarification"})
        if status == "needs_clarification":
            return Plan(draft, status, agent, th.steps, datetime.now(UTC))
        th.say(10 * MIN, 8 * HOUR, "player", BOT_USERNAME, pick(texts["followup"]),
               quote="ask" if rng.random() < 0.3 else None)  # fmt: skip
    elif rng.random() < 0.4:
        th.say(5 * MIN, 3 * HOUR, "player", BOT_USERNAME, pick(texts["followup"]))
    if rng.random() < 0.35:
        th.say(2 * MIN, 40 * MIN, "note", agent, pick(NOTES[sc.key] + GENERIC_NOTES))
    if not escalated and sc.key == "complaint" and rng.random() < 0.35:
        escalate("lead")
    elif not fixed and draft.priority in ("P3", "P4") and rng.random() < 0.06:
        raised = f"P{int(draft.priority[1]) - 1}"
        th.say(1 * MIN, 10 * MIN, "note", agent, ESCALATION_NOTES["priority"])
        th.add(5, 60, "update", agent, changes={"priority": raised})
    if not fixed and "complaint" not in draft.tags and rng.random() < 0.04:
        th.add(1 * MIN, 20 * MIN, "update", agent, changes={"tags": [*draft.tags, "complaint"]})

    resolve = pick(texts["resolve"])
    if rng.random() < 0.5:
        resolve += "\n\n" + pick(common["closing"])
    pickup = {"time": "@-12"} if sc.key == "transfer" else {}  # "picked you up at …"
    th.say(10 * MIN, 10 * HOUR, "reply", agent, resolve, label="resolve", fields=pickup)
    if rng.random() < 0.4:
        th.say(1 * MIN, 1 * HOUR, "player", BOT_USERNAME, pick(common["thanks"]))
    th.add(20, 10 * MIN, "update", agent, changes={"status": "resolved"})
    if status == "resolved":
        return Plan(draft, status, agent, th.steps, datetime.now(UTC))
    if status == "closed" or rng.random() < 0.35:
        th.add(1 * DAY, 3 * DAY, "update", agent, changes={"status": "closed"}, slow=True)
    if status == "reopened":
        th.say(1 * HOUR, 2 * DAY, "player", BOT_USERNAME, pick(common["reopen"]), slow=True,
               quote="resolve" if rng.random() < 0.3 else None)  # fmt: skip
        if rng.random() < 0.3:
            th.say(5 * MIN, 1 * HOUR, "note", agent, pick(GENERIC_NOTES))
    return Plan(draft, status, agent, th.steps, datetime.now(UTC))


def _idle_seconds(rng: random.Random, status: str) -> float:
    """How long ago the ticket's last event happened: open work is recent."""
    if status == "new":
        return min(rng.expovariate(1 / (2 * HOUR)), 30 * HOUR) + 60
    if status == "accepted":
        return min(rng.expovariate(1 / (3 * HOUR)), 30 * HOUR) + 60
    if status == "in_progress":
        return min(rng.expovariate(1 / (10 * HOUR)), 3 * DAY) + 60
    if status == "needs_clarification":
        return min(rng.expovariate(1 / (14 * HOUR)), 4 * DAY) + 120
    if status == "reopened":
        return min(rng.expovariate(1 / (6 * HOUR)), 2 * DAY) + 60
    if status == "resolved":
        return rng.uniform(1 * HOUR, 4 * DAY)
    return rng.uniform(5 * MIN, 6 * DAY)  # closed


def _place_in_time(rng: random.Random, plan: Plan, now: datetime) -> None:
    """Give the ticket and its steps absolute past times, within the history window."""
    total = plan.steps[-1].offset if plan.steps else 0.0
    idle = _idle_seconds(rng, plan.status)
    budget = HISTORY.total_seconds() - 5 * MIN
    if total + idle > budget:
        idle = max(60.0, budget - total - rng.uniform(0, 6 * HOUR))
    scale = 1.0 if total + idle <= budget else (budget - 60.0) / total
    created = now - timedelta(seconds=total * scale + idle)
    plan.created = created
    draft = plan.draft
    if draft.scenario.game_kind != "table":  # "it happened at …": shortly before the ticket
        before = created - timedelta(minutes=rng.randint(5, 70))
        draft.fields["time"] = local_hhmm(before, draft.player.timezone, draft.lang)
    for step in plan.steps:
        step.at = created + timedelta(seconds=step.offset * scale)
        for key, value in step.fields.items():
            if value.startswith("@"):  # a local time relative to the step: "@+120", "@-12"
                when = step.at + timedelta(minutes=float(value[1:]))
                step.fields[key] = local_hhmm(when, plan.draft.player.timezone, plan.draft.lang)


def plan_tickets(
    rng: random.Random, players: list[PlayerSpec], n: int, now: datetime
) -> list[Plan]:
    """Every ticket's content and thread, oldest first. Pure: depends only on rng and now."""
    by_lang: dict[str, list[PlayerSpec]] = {}
    for p in players:
        by_lang.setdefault(p.lang, []).append(p)
    plans: list[Plan] = []
    for i in range(n):
        fixed = i < len(COVERAGE)
        if fixed:
            status, channel, priority, lang = COVERAGE[i]
            pool = by_lang[lang]
            if channel == "on_site":  # an on-site case is a VIP's
                pool = [p for p in pool if p.tier != "standard"] or pool
            player = rng.choice(pool)
            scenario = choose_scenario(rng, player.tier, channel)
            draft = compose_ticket(
                rng,
                player,
                now,
                scenario=scenario,
                channel=channel,
                priority=priority,
                lang=lang,
            )
        else:
            status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
            player = rng.choice(players)
            draft = compose_ticket(rng, player, now)
        plan = _plan_thread(rng, draft, status, fixed)
        _place_in_time(rng, plan, now)
        plans.append(plan)
    plans.sort(key=lambda p: p.created)
    return plans


# -- writing ---------------------------------------------------------------------------------


def _version(ctx: WriteContext, ticket_id: int) -> int:
    return ctx.conn.execute(select(tickets.c.version).where(tickets.c.id == ticket_id)).scalar_one()


def _write_plan(ctx: WriteContext, plan: Plan, actors: dict[str, Actor]) -> int:
    draft = plan.draft
    bot = actors[BOT_USERNAME]
    ctx.now = plan.created
    ticket = create_ticket(ctx, bot, draft.create_data(), default_queue="l1", vip_queue="vip")
    ticket_id = ticket["id"]
    labels: dict[str, int] = {"first": ticket["messages"][0]["id"]}
    base = {**draft.fields, "id": str(ticket_id)}
    for step in plan.steps:
        assert step.at is not None
        ctx.now = step.at
        actor = actors[step.actor]
        if step.op in ("player", "bot", "reply", "note"):
            body = step.template.format_map({**base, **step.fields})
            quote_id = labels.get(step.quote) if step.quote else None
            msg = add_message(
                ctx, actor, ticket_id, {"kind": step.op, "body": body, "quote_id": quote_id}
            )
            if step.label:
                labels[step.label] = msg["id"]
        elif step.op == "update":
            assert step.changes is not None
            update_ticket(ctx, actor, ticket_id, _version(ctx, ticket_id), step.changes)
        elif step.op == "retract":
            assert step.target is not None
            retract_message(ctx, actor, ticket_id, labels[step.target], step.reason)
        else:  # pragma: no cover - a planning bug
            raise ValueError(f"unknown step {step.op}")
    return ticket_id


def _ensure_queues(ctx: WriteContext) -> list[str]:
    created = []
    for name, title, description, region, language in REGIONAL_QUEUES:
        values = {
            "name": name,
            "title": title,
            "description": description,
            "region": region,
            "language": language,
        }
        if create_queue(ctx, values):
            created.append(name)
    return created


def _ensure_players(ctx: WriteContext, specs: list[PlayerSpec], since: datetime) -> int:
    """Create the demo players (as if they signed up a month ago) or update them in place."""
    created = 0
    for spec in specs:
        data = dict(spec.data)
        if player_store.get_by_external_id(ctx.conn, spec.external_id) is None:
            ctx.now = since
            created += 1
        else:
            data.pop("code_word", None)  # keep the stored one: re-hashing would be a change
            ctx.now = datetime.now(UTC)
        upsert_player(ctx, spec.external_id, data)
    return created


def ensure_users(url: str) -> dict[str, bool]:
    """The demo users (password `demo`) and the intake bot (random password). Created or reset."""
    out = {}
    for u in DEMO_USERS:
        out[u.username] = create_or_update_user(
            url,
            username=u.username,
            role=u.role,
            password=DEMO_PASSWORD,
            display_name=u.display_name,
            queues=list(u.queues),
            languages=list(u.languages),
        )
    set_bot_password(url, secrets.token_urlsafe(24))
    return out


def set_bot_password(url: str, password: str) -> None:
    """The channel integration user; `demo_run` signs in as it to relay simulated players."""
    create_or_update_user(
        url,
        username=BOT_USERNAME,
        role="integration",
        password=password,
        display_name=BOT_DISPLAY_NAME,
        queues=[],
        languages=list(LANGS),
    )


def _actors(db: Database) -> dict[str, Actor]:
    names = [u.username for u in DEMO_USERS] + [BOT_USERNAME]

    def read(conn: Any) -> dict[str, Actor]:
        out = {}
        for name in names:
            row = user_store.get_by_username(conn, name)
            assert row is not None, name
            out[name] = Actor(
                row["id"],
                row["username"],
                row["display_name"],
                row["role"],
                tuple(row["queues"] or ()),
            )
        return out

    return db.read_sync(read)


def _counts(db: Database) -> dict[str, Any]:
    def read(conn: Any) -> dict[str, Any]:
        return {
            "status": queue_store.status_counts(conn),
            "tickets": conn.execute(select(func.count()).select_from(tickets)).scalar_one(),
            "messages": conn.execute(select(func.count()).select_from(messages)).scalar_one(),
            "tiers": dict(
                conn.execute(select(players.c.tier, func.count()).group_by(players.c.tier)).all()
            ),
            "queues": sorted(queue_store.names(conn)),
        }

    return db.read_sync(read)


def seed_demo(
    url: str, *, n_tickets: int = 600, seed: int = 7, console: Console | None = None
) -> str:
    """Seed the database at `url` with the demo desk; returns a short human summary."""
    started = time.perf_counter()
    engine = make_engine(url, pool_size=1)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    ensure_users(url)

    rng = random.Random(seed)
    now = datetime.now(UTC)
    specs = make_players(seed)
    plans = plan_tickets(rng, specs, max(n_tickets, 0), now)

    db = Database(url)
    db.start()
    try:
        actors = _actors(db)

        def setup(ctx: WriteContext) -> tuple[list[str], int]:
            queues = _ensure_queues(ctx)
            from ..kb.service import seed_articles  # the starter FAQ in eleven languages

            seed_articles(ctx)
            return queues, _ensure_players(ctx, specs, now - timedelta(days=30))

        _new_queues, _new_players = db.write_sync(setup)
        progress = (
            Progress(
                TextColumn("[bold]seeding demo tickets"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            if console is not None
            else None
        )
        task = progress.add_task("tickets", total=len(plans)) if progress else None
        if progress:
            progress.start()
        try:
            for start in range(0, len(plans), TICKETS_PER_JOB):
                batch = plans[start : start + TICKETS_PER_JOB]

                def job(ctx: WriteContext, batch: list[Plan] = batch) -> list[int]:
                    return [_write_plan(ctx, plan, actors) for plan in batch]

                db.write_sync(job)
                if progress is not None and task is not None:
                    progress.advance(task, len(batch))
        finally:
            if progress:
                progress.stop()
        counts = _counts(db)
    finally:
        db.close()
    elapsed = time.perf_counter() - started
    return _summary(url, plans, counts, elapsed, seed)


def _summary(url: str, plans: list[Plan], counts: dict[str, Any], elapsed: float, seed: int) -> str:
    """A few lines, each under 80 columns (the CLI prints it through rich)."""
    from sqlalchemy.engine import make_url

    by_status = [f"{s} {counts['status'].get(s, 0)}" for s in STATUSES]
    tiers = counts["tiers"]
    base = [q for q in ("l1", "l2", "vip", "payments") if q in counts["queues"]]
    others = [q for q in counts["queues"] if q not in base]
    lines = [
        f"Demo desk seeded in {elapsed:.1f} s (seed {seed}):",
        f"  {make_url(url).render_as_string(hide_password=True)}",
        f"  tickets: {len(plans)} added, {counts['tickets']} in the database",
        "    " + " · ".join(by_status[:4]),
        "    " + " · ".join(by_status[4:]),
        f"  messages: {counts['messages']}",
        f"  queues ({len(counts['queues'])}): {' '.join(base)}",
        f"    and {' '.join(others)}",
        f"  players: {sum(tiers.values())} ({tiers.get('standard', 0)} standard, "
        f"{tiers.get('vip', 0)} VIP, {tiers.get('vvip', 0)} VVIP)",
        f"    languages: {' '.join(LANGS)}",
        "  users (password 'demo' for all):",
    ]
    for u in DEMO_USERS:
        queues = ",".join(u.queues) or "all"
        lines.append(f"    {u.username:<8} {u.role:<10} {u.display_name:<19} {queues}")
    lines += [
        f"  and '{BOT_USERNAME}', the channel integration (random password)",
        "Sign in as demo / demo (L1 agent), lead / demo (shift lead)",
        "or admin / demo (admin).",
        "Running seed-demo again resets the demo users' passwords, updates queues",
        f"and players in place, and adds {len(plans)} more tickets.",
    ]
    return "\n".join(lines)
