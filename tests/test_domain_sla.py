"""The SLA clock on SEEDS scenarios, and its properties (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.domain.calendars import Calendar, business_time_between
from server.domain.sla import (
    SlaEvent,
    SlaState,
    compute_sla,
    player_eta,
)
from server.domain.sla_policy import DEFAULTS_PATH, ResolvedTarget, SlaEntry, Target, load_policy
from server.domain.values import MessageKind, Status

SYD = ZoneInfo("Australia/Sydney")
QUEUES = {"l1", "l2", "vip", "payments"}
S, M, H = timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1)
E = SlaEvent


@pytest.fixture(scope="module")
def policy():
    return load_policy(DEFAULTS_PATH.read_text(encoding="utf-8"), known_queues=QUEUES)


@pytest.fixture(scope="module")
def office_policy():
    """The defaults, but the l1 queue works Sydney office hours (Mon–Fri 09:00–17:00)."""
    text = DEFAULTS_PATH.read_text(encoding="utf-8").replace(
        '[queues.l1]\ncalendar = "24x7"', '[queues.l1]\ncalendar = "au-business"'
    )
    assert 'calendar = "au-business"\n[queues.l2]' in text
    return load_policy(text, known_queues=QUEUES)


def syd(*args: int) -> datetime:
    return datetime(*args, tzinfo=SYD)


def utc(t: datetime) -> datetime:
    return t.astimezone(UTC)


def entry(fr=None, nu=None, res=None, stab=None, cal=None, warn=0.75) -> SlaEntry:
    cal = cal or Calendar.always()

    def rt(kind, v):
        return None if v is None else ResolvedTarget(kind, Target.parse(v), cal, warn)

    return SlaEntry(
        "test",
        rt("first_response", fr),
        rt("next_update", nu),
        rt("resolution", res),
        rt("stabilise", stab),
    )


T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)  # a Monday


# --- SEEDS scenarios -------------------------------------------------------------------------


def test_vvip_chat_opened_at_22_in_a_business_hours_queue(office_policy):
    """001: premium support is 24/7 — a VVIP chat at 22:00 is due in 15 s even though the l1
    queue is closed; a standard player's chat waits for the queue to open at 09:00."""
    opened = syd(2026, 5, 4, 22, 0)  # Monday 22:00 in Sydney
    vvip = office_policy.resolve("l1", "vvip", "P2", "web_chat")
    st = compute_sla(vvip, [E.created(opened)], opened + 5 * S)
    assert st.first_response_due_at == utc(opened + 15 * S)
    assert st.state == SlaState.ok and st.remaining_s == 10
    assert st.resolution_due_at == utc(opened + 4 * H)  # P2 ≤ 4 h, around the clock
    assert st.stabilise_due_at == utc(opened + H)  # P2 stabilised ≤ 1 h
    assert st.next_change_at == utc(opened + 15 * S * 0.75)  # warning at 75 %
    late = compute_sla(vvip, [E.created(opened)], opened + 20 * S)
    assert late.state == SlaState.breached and late.remaining_s == -5

    std = office_policy.resolve("l1", "standard", "P2", "web_chat")
    st = compute_sla(std, [E.created(opened)], opened + 5 * M)
    assert st.first_response_due_at == utc(syd(2026, 5, 5, 9, 15))
    assert st.resolution_due_at == utc(syd(2026, 5, 5, 13, 0))  # L1 ≤ 4 h of office time
    assert st.state == SlaState.ok and st.remaining_s == 15 * 60  # no business time has passed
    assert st.eta == st.first_response_due_at


def test_p4_over_the_weekend_and_easter(policy):
    """P4 ≤ 3 business days (001 §3) on the Sydney business calendar: Thursday before Easter
    2026 → Good Friday, Saturday, Sunday and Easter Monday do not count."""
    opened = syd(2026, 4, 2, 10, 0)
    e = policy.resolve("vip", "vip", "P4", "email")
    st = compute_sla(e, [E.created(opened)], opened + H)
    assert st.resolution_due_at == utc(syd(2026, 4, 9, 10, 0))
    assert st.first_response_due_at == utc(opened + 15 * M)  # VIP email ≤ 15 min, 24/7
    # paused over Tuesday afternoon: the due time moves by exactly the paused business time
    evs = [
        E.created(opened),
        E.reply(opened + 5 * M),
        E.status_change(syd(2026, 4, 7, 14, 0), Status.needs_clarification),
        E.player(syd(2026, 4, 8, 10, 0), "here is the receipt"),
    ]
    st = compute_sla(e, evs, syd(2026, 4, 8, 11, 0))
    # + 4 business hours paused (Tue 14–17, Wed 9–10)
    assert st.resolution_due_at == utc(syd(2026, 4, 9, 14, 0))
    assert st.clocks["resolution"].state == SlaState.ok
    # the next-update target (30 min, 24/7) was not kept: that is breached
    assert st.clocks["next_update"].state == SlaState.breached


def test_paused_while_waiting_on_the_player(policy):
    e = policy.resolve("l1", "standard", "P3", "telegram")  # 15 m / 1 h / 4 h, 24/7
    evs = [
        E.created(T0),
        E.reply(T0 + 5 * M),
        E.status_change(T0 + 5 * M, Status.needs_clarification),
    ]
    paused = compute_sla(e, evs, T0 + 30 * M)
    assert paused.state == SlaState.paused and paused.paused
    assert paused.resolution_due_at is None and paused.next_update_due_at is None
    # the next update started with the pause: its whole hour is left, the least of the clocks
    assert paused.remaining_s == 3600
    assert paused.clocks["first_response"].state == SlaState.met
    assert paused.clocks["resolution"].remaining_s == (4 * H - 5 * M).total_seconds()
    assert paused.next_change_at is None  # nothing fires while paused
    # the player answers an hour later: everything resumes with what was left
    evs.append(E.player(T0 + 65 * M, "my id is 42"))
    resumed = compute_sla(e, evs, T0 + 70 * M)
    assert resumed.state == SlaState.ok
    assert resumed.resolution_due_at == T0 + 4 * H + H
    assert resumed.next_update_due_at == T0 + 5 * M + H + H
    # a week of silence from the player breaches nothing
    long = compute_sla(e, evs[:3], T0 + timedelta(days=7))
    assert long.state == SlaState.paused


def test_first_response_only_by_a_public_agent_reply():
    e = entry(fr="15m", res="4h")
    evs = [E.created(T0), E.bot(T0 + S), E.note(T0 + 2 * M), E.player(T0 + 3 * M)]
    st = compute_sla(e, evs, T0 + 12 * M)
    assert st.clocks["first_response"].state == SlaState.warning
    assert st.state == SlaState.warning and st.first_response_due_at == T0 + 15 * M
    evs.append(E.reply(T0 + 14 * M))
    st = compute_sla(e, evs, T0 + 20 * M)
    fr = st.clocks["first_response"]
    assert fr.state == SlaState.met and not fr.breached and fr.stopped_at == T0 + 14 * M
    assert st.first_response_due_at is None and st.state == SlaState.ok
    late = compute_sla(e, [E.created(T0), E.reply(T0 + 16 * M)], T0 + 20 * M)
    assert late.clocks["first_response"].breached  # met, but late: for reports
    assert late.state == SlaState.ok


def test_messages_map_to_events():
    assert E.from_message(MessageKind.reply, T0).kind == "agent_reply"
    assert E.from_message("note", T0).kind == "agent_note"
    assert E.from_message("bot", T0).kind == "bot_message"
    assert E.from_message("player", T0, "hi").text == "hi"
    assert E.from_message("system", T0) is None


def test_next_update_restarts_after_each_agent_reply():
    e = entry(fr="15m", nu="1h", res="24h")
    evs = [E.created(T0)]
    assert compute_sla(e, evs, T0).next_update_due_at is None
    evs.append(E.reply(T0 + 10 * M))
    assert compute_sla(e, evs, T0 + 20 * M).next_update_due_at == T0 + 70 * M
    evs.append(E.player(T0 + 30 * M, "thanks"))  # a player message does not restart it
    assert compute_sla(e, evs, T0 + 40 * M).next_update_due_at == T0 + 70 * M
    evs.append(E.reply(T0 + 50 * M))
    st = compute_sla(e, evs, T0 + 55 * M)
    assert st.next_update_due_at == T0 + 110 * M
    assert st.eta == T0 + 110 * M  # what the player hears next
    st = compute_sla(e, evs, T0 + 2 * H)
    assert st.state == SlaState.breached and st.clocks["next_update"].state == "breached"
    assert st.remaining_s == -10 * 60


def test_reopening_starts_a_new_resolution_clock():
    e = entry(fr="15m", nu="1h", res="4h")
    evs = [
        E.created(T0),
        E.reply(T0 + M),
        E.status_change(T0 + 3 * H, Status.resolved),
    ]
    done = compute_sla(e, evs, T0 + 5 * H)
    assert done.state == SlaState.met and done.resolution_due_at is None
    assert done.next_change_at is None and done.eta is None
    evs += [E.player(T0 + 6 * H, "still broken"), E.status_change(T0 + 6 * H, Status.reopened)]
    again = compute_sla(e, evs, T0 + 6 * H + M)
    assert again.resolution_due_at == T0 + 10 * H
    assert again.clocks["resolution"].started_at == T0 + 6 * H
    assert again.next_update_due_at == T0 + 7 * H  # the player is owed an update
    assert again.clocks["first_response"].state == SlaState.met  # met once per ticket


def test_resolved_by_the_bot_owes_no_first_response():
    e = entry(fr="15m", res="4h")
    evs = [E.created(T0), E.bot(T0 + S), E.status_change(T0 + 2 * S, Status.resolved)]
    st = compute_sla(e, evs, T0 + H)
    assert st.state == SlaState.met and not st.clocks["first_response"].breached


def test_exempt_and_unexempt():
    e = entry(fr="15m", res="4h")
    with pytest.raises(ValueError, match="reason"):
        E.exempt(T0, " ")
    evs = [E.created(T0), E.exempt(T0 + 10 * M, "player asked us to wait for the bank")]
    st = compute_sla(e, evs, T0 + 5 * H)
    assert st.state == SlaState.met and st.exempt
    assert st.exempt_reason.startswith("player asked")
    assert st.first_response_due_at is None and st.next_change_at is None
    assert st.as_api()["exempt"] is True
    evs.append(E.unexempt(T0 + 5 * H))
    st = compute_sla(e, evs, T0 + 5 * H + M)
    assert not st.exempt and st.first_response_due_at == T0 + 5 * H + 5 * M


def test_stabilise_is_met_by_the_stabilised_event(policy):
    e = policy.resolve("vip", "vip", "P1", "phone")
    evs = [E.created(T0), E.reply(T0 + 15 * S), E.stabilised_at(T0 + 12 * M)]
    st = compute_sla(e, evs, T0 + 20 * M)
    assert st.clocks["stabilise"].state == SlaState.met
    assert not st.clocks["stabilise"].breached
    assert st.resolution_due_at == T0 + 2 * H
    nostab = compute_sla(e, evs[:2], T0 + 16 * M)
    assert nostab.state == SlaState.breached and nostab.stabilise_due_at == T0 + 15 * M


def test_warning_then_breach_instants_for_the_job():
    e = entry(fr="20m", res="4h")
    st = compute_sla(e, [E.created(T0)], T0)
    assert st.next_change_at == T0 + 15 * M  # 75 % of 20 min
    st = compute_sla(e, [E.created(T0)], T0 + 15 * M)
    assert st.state == SlaState.warning and st.next_change_at == T0 + 20 * M
    st = compute_sla(e, [E.created(T0)], T0 + 20 * M)
    assert st.state == SlaState.breached and st.next_change_at == T0 + 3 * H  # res warning


def test_events_after_now_are_ignored_and_created_is_required():
    e = entry(fr="15m")
    st = compute_sla(e, [E.created(T0), E.reply(T0 + 5 * M)], T0 + M)
    assert st.state == SlaState.ok and st.first_response_due_at == T0 + 15 * M
    with pytest.raises(ValueError, match="created"):
        compute_sla(e, [E.reply(T0)], T0 + M)
    with pytest.raises(ValueError, match="aware"):
        E.created(datetime(2026, 5, 4))


def test_api_shape_and_eta():
    e = entry(fr="15m", res="4h")
    st = compute_sla(e, [E.created(T0)], T0 + 10 * S)
    api = st.as_api()
    assert set(api) >= {
        "policy",
        "first_response_due_at",
        "next_update_due_at",
        "resolution_due_at",
        "state",
        "remaining_s",
        "eta",
    }
    assert api["state"] == "ok" and api["remaining_s"] == 890
    assert api["first_response_due_at"] == "2026-05-04T10:15:00+00:00"
    assert player_eta(st) == T0 + 15 * M
    assert player_eta(st, timedelta(minutes=20)) == T0 + 20 * M
    st = compute_sla(e, [E.created(T0)], T0 + 30 * M + 5 * S)
    assert player_eta(st) == T0 + 31 * M  # breached: never promise the past


# --- properties ------------------------------------------------------------------------------

CALS = [
    Calendar.always(),
    Calendar.business("office", "Europe/Kyiv", {"mon-fri": "09:00-13:00, 14:00-18:00"}),
    Calendar.business(
        "sydney", "Australia/Sydney", {"mon-fri": "08:00-20:00", "sat": "10:00-14:00"}
    ),
]
minutes = st.integers(min_value=0, max_value=3 * 24 * 60)


@st.composite
def histories(draw):
    """A created ticket, a public reply maybe, and a few pauses (closed before ``now``)."""
    t0 = draw(
        st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 1))
    ).replace(tzinfo=UTC)
    cuts = sorted(draw(st.lists(minutes, min_size=0, max_size=6, unique=True)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    pauses = [(t0 + a * M, t0 + b * M) for a, b in zip(cuts[::2], cuts[1::2], strict=True)]
    reply = draw(st.none() | minutes)
    return t0, pauses, reply


def build(t0, pauses, reply, with_pauses: bool):
    evs = [E.created(t0)]
    if reply is not None:
        evs.append(E.reply(t0 + reply * M))
    if with_pauses:
        for a, b in pauses:
            evs.append(E.status_change(a, Status.needs_clarification))
            evs.append(E.player(b, "answer"))
    return evs


PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(histories(), st.sampled_from(CALS), st.sampled_from(["30m", "4h", "24h", "2bd"]))
def test_pausing_never_makes_a_due_time_earlier(hist, cal, res):
    t0, pauses, reply = hist
    e = entry(fr="15m", nu="1h", res=res, cal=cal)
    now = (pauses[-1][1] if pauses else t0) + M
    plain = compute_sla(e, build(t0, pauses, reply, False), now)
    paused = compute_sla(e, build(t0, pauses, reply, True), now)
    for kind in ("first_response", "next_update", "resolution"):
        a, b = plain.clocks.get(kind), paused.clocks.get(kind)
        if a is None or b is None or a.due_at is None:
            continue
        if b.state != SlaState.met and a.state != SlaState.met:
            assert b.due_at is not None and b.due_at >= a.due_at, kind


@PROPS
@given(histories(), st.sampled_from(CALS))
def test_paused_business_time_is_exactly_added(hist, cal):
    """Without a reply, the resolution due time with pauses is the plain due time pushed by the
    business time spent paused before it."""
    t0, pauses, _ = hist
    e = entry(res="4h", cal=cal)
    now = (pauses[-1][1] if pauses else t0) + M
    paused = compute_sla(e, build(t0, pauses, None, True), now).resolution_due_at
    paused_bt = sum(
        (business_time_between(cal, a, b) for a, b in pauses if a < paused), timedelta(0)
    )
    run = business_time_between(cal, t0, paused) - paused_bt
    assert run == timedelta(hours=4)


@PROPS
@given(histories(), st.sampled_from(CALS), minutes)
def test_state_agrees_with_remaining_and_next_change(hist, cal, later):
    t0, pauses, reply = hist
    e = entry(fr="15m", nu="1h", res="8h", cal=cal)
    now = t0 + later * M
    st_ = compute_sla(e, build(t0, pauses, reply, True), now)
    if st_.next_change_at is not None:
        assert st_.next_change_at > now
    if st_.state == SlaState.breached:
        assert st_.remaining_s is not None and st_.remaining_s <= 0
    elif st_.state in (SlaState.ok, SlaState.warning):
        assert st_.remaining_s is not None and st_.remaining_s >= 0
        assert st_.next_change_at is not None
    elif st_.state == SlaState.paused:
        assert st_.next_change_at is None
