"""A new ticket's clock from a template (domain.ticket_clock.new_ticket_clock) equals the full
evaluation at every instant, on around-the-clock and business calendars alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.domain import ticket_clock
from server.domain.automation import AutomationRules, QuietWindow
from server.domain.sla import SlaEvent
from server.domain.sla_policy import DEFAULTS_PATH, Policy, load_policy
from server.domain.ticket_clock import ClockFacts, NewClock, evaluate, new_ticket_clock, project
from server.domain.values import Channel, Priority, Tier

POLICY = load_policy(DEFAULTS_PATH.read_text(encoding="utf-8"))
# The same policy with every calendar reference on business hours: no template may be used.
BUSINESS = load_policy(
    DEFAULTS_PATH.read_text(encoding="utf-8").replace(
        'calendar = "24x7"', 'calendar = "au-business"'
    )
)
# Open around the clock, but in a zone with daylight saving, and a business-day target on it:
# a business day there is 23 or 25 hours across a clock change.
DST = load_policy(
    DEFAULTS_PATH.read_text(encoding="utf-8")
    .replace('tz = "UTC"\nalways = true', 'tz = "Europe/Berlin"\nalways = true')
    .replace('calendar = "au-business"', 'calendar = "24x7"')
)
RULES = AutomationRules(
    remind_after=timedelta(hours=24),
    resolve_after=timedelta(hours=48),
    quiet=QuietWindow.parse("22:00-08:00"),
)
TEXTS = [
    "Hi, my deposit of 50 EUR is still not on my balance. Please help.",
    "My payment failed twice and the money is gone",  # a stop phrase: escalates at once
    "Здравствуйте, вывод средств висит третий день",
    "",
]
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)


def facts(queue: str, tier: str, priority: str, channel: str, now: datetime) -> ClockFacts:
    return ClockFacts(queue, tier, priority, channel, queue_since=now)


def full(policy: Policy, f: ClockFacts, text: str, now: datetime, rules: object) -> NewClock:
    events = [SlaEvent.created(now), SlaEvent.player(now, text)]
    out = evaluate(policy, f, events, now, rules)  # type: ignore[arg-type]
    level = None if out.escalation is None else out.escalation.level
    view = project(out.snapshot, now, policy.calendars)
    return NewClock(out.snapshot, out.state, out.due_at, out.next_at, level, out.firings, view)


@PROPS
@given(
    policy=st.sampled_from([POLICY, BUSINESS, DST]),
    queue=st.sampled_from(["l1", "l1-en", "l1-ru", "l2", "vip", "payments"]),
    tier=st.sampled_from([t.value for t in Tier]),
    priority=st.sampled_from([p.value for p in Priority]),
    channel=st.sampled_from([c.value for c in Channel]),
    text=st.sampled_from(TEXTS),
    rules=st.sampled_from([None, RULES]),
    first=instants,
    then=instants,
)
def test_a_new_tickets_clock_equals_the_full_evaluation(
    policy: Policy,
    queue: str,
    tier: str,
    priority: str,
    channel: str,
    text: str,
    rules: AutomationRules | None,
    first: datetime,
    then: datetime,
) -> None:
    # `first` builds the template (if any), `then` is served from it.
    for now in (first, then):
        f = facts(queue, tier, priority, channel, now)
        assert new_ticket_clock(policy, f, text, now, rules) == full(policy, f, text, now, rules)


def test_around_the_clock_combinations_use_a_template_and_business_hours_do_not() -> None:
    ticket_clock._templates.clear()
    now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    text = TEXTS[0]
    new_ticket_clock(POLICY, facts("l1-en", "standard", "P3", "web_chat", now), text, now)
    new_ticket_clock(POLICY, facts("vip", "vip", "P4", "web_chat", now), text, now)  # au-business
    new_ticket_clock(BUSINESS, facts("l1-en", "standard", "P3", "web_chat", now), text, now)
    kept = {
        (key[2], key[4], policy is POLICY): template is not None
        for key, (policy, _, template) in ticket_clock._templates.items()
    }
    assert kept == {
        ("l1-en", "P3", True): True,
        ("vip", "P4", True): False,
        ("l1-en", "P3", False): False,
    }


@pytest.mark.parametrize(
    "change",
    [
        {"tags": ("payment_dispute",)},
        {"factors": {"account_blocked": datetime(2026, 12, 7, 9, 0, tzinfo=UTC)}},
        {"overrides": {"resolution": "2h"}},
        {"queue_since": datetime(2026, 12, 7, 9, 0, tzinfo=UTC)},
    ],
)
def test_tickets_with_more_than_the_first_message_are_evaluated_in_full(change: dict) -> None:
    ticket_clock._templates.clear()
    now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    base = facts("l1-en", "standard", "P3", "web_chat", now)
    f = ClockFacts(**{**base.__dict__, **change})
    assert new_ticket_clock(POLICY, f, TEXTS[0], now) == full(POLICY, f, TEXTS[0], now, None)
    assert not ticket_clock._templates


def test_a_business_day_across_a_clock_change_is_not_taken_from_a_template() -> None:
    """VIP P4: resolution 3 business days on a 24/7 calendar in Europe/Berlin. Built on a
    plain week, a template would give 72 h to a ticket whose 3 days span the spring change."""
    ticket_clock._templates.clear()
    assert DST.calendars["24x7"].tz == "Europe/Berlin"
    for now in (datetime(2026, 3, 10, 10, tzinfo=UTC), datetime(2026, 3, 27, 10, tzinfo=UTC)):
        f = facts("vip", "vip", "P4", "web_chat", now)
        assert new_ticket_clock(DST, f, TEXTS[0], now) == full(DST, f, TEXTS[0], now, None)
    resolution = full(DST, f, TEXTS[0], now, None).snapshot["clocks"]["resolution"]["due_at"]
    assert resolution == "2026-03-30T09:00:00+00:00"  # 71 h: the clocks went forward


def test_a_creation_instant_in_another_zone_counts_in_utc() -> None:
    ticket_clock._templates.clear()
    berlin = ZoneInfo("Europe/Berlin")
    first = datetime(2026, 3, 20, 12, tzinfo=berlin)
    f = facts("l2", "standard", "P3", "web_chat", first)
    new_ticket_clock(POLICY, f, TEXTS[0], first)  # builds the template
    now = datetime(2026, 3, 28, 12, tzinfo=berlin)  # the day before the clocks go forward
    f = facts("l2", "standard", "P3", "web_chat", now)
    assert new_ticket_clock(POLICY, f, TEXTS[0], now) == full(POLICY, f, TEXTS[0], now, None)
