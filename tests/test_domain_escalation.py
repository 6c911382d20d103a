"""The escalation ladder, the payments chain, stop-lists and stop-phrases (frozen clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain import escalation as escalation_module
from server.domain.escalation import (
    STOP_PHRASES,
    PhraseHit,
    TicketFacts,
    detect_stop_phrases,
    evaluate,
    normalize_text,
)
from server.domain.sla import EventKind, SlaEvent
from server.domain.sla_policy import DEFAULTS_PATH, PolicyError, load_policy
from server.domain.values import Status

QUEUES = {"l1", "l2", "vip", "payments", "l1-ru"}
T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
S, M, H = timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1)
E = SlaEvent
TEXT = DEFAULTS_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def esc():
    return load_policy(TEXT, known_queues=QUEUES).escalation


def facts(events, queue="vip", tier="vip", priority="P1", channel="web_chat", **kw):
    return TicketFacts(queue, tier, priority, channel, events=events, **kw)


def test_p1_payment_failure_climbs_at_10_30_60_minutes(esc):
    """001 §5 under a frozen clock: T0 host; +10 duty manager; +30 head of product online;
    +60 VIP director / COO."""
    evs = [E.created(T0), E.player(T0, "The deposit of 5000 AUD is not on my balance")]
    f = facts(evs, tags=("payment",))
    expected = [
        (0 * M, 0, ("vip_host",), 10 * M),
        (9 * M + 59 * S, 0, ("vip_host",), 10 * M),
        (10 * M, 1, ("duty_manager",), 30 * M),
        (29 * M, 1, ("duty_manager",), 30 * M),
        (30 * M, 2, ("head_of_product_online",), 60 * M),
        (59 * M, 2, ("head_of_product_online",), 60 * M),
        (60 * M, 3, ("vip_director", "coo"), None),
        (3 * H, 3, ("vip_director", "coo"), None),
    ]
    for offset, level, roles, next_at in expected:
        s = evaluate(esc, f, T0 + offset)
        assert (s.level, s.roles) == (level, roles), offset
        mgmt = s.track("management")
        assert mgmt.next_at == (T0 + next_at if next_at else None), offset
    s = evaluate(esc, f, T0 + 61 * M)
    assert [(st_.level, st_.at - T0, st_.cause) for st_ in s.steps] == [
        (0, 0 * M, "time"),
        (1, 10 * M, "time"),
        (2, 30 * M, "time"),
        (3, 60 * M, "time"),
    ]
    assert not s.handoff and s.triggers == ()


def test_on_site_line_3_is_the_pit_boss_and_games_tech_support_for_game_incidents(esc):
    f = facts([E.created(T0)], channel="on_site", tags=("game",))
    assert evaluate(esc, f, T0 + 10 * M).roles == ("duty_manager", "games_tech_support")
    assert evaluate(esc, f, T0 + 30 * M).roles == ("pit_boss", "table_games_manager")


def test_standard_desk_p1_uses_the_plus_15_ladder_and_p3_does_not_climb_on_time(esc):
    f = facts([E.created(T0)], queue="l1-ru", tier="standard")
    assert evaluate(esc, f, T0 + 14 * M).level == 0
    s = evaluate(esc, f, T0 + 15 * M)
    assert s.level == 1 and s.next_at == T0 + 30 * M
    assert evaluate(esc, f, T0 + 2 * H).roles == ("coo",)
    p3 = facts([E.created(T0)], queue="l1", tier="standard", priority="P3")
    s = evaluate(esc, p3, T0 + 5 * H)
    assert s.level == 0 and s.next_at is None


def test_stop_phrase_escalates_at_once_and_hands_over(esc):
    evs = [E.created(T0), E.player(T0 + M, "Здравствуйте! ПЛАТЁЖ НЕ ПРОШЁЛ, деньги списаны")]
    f = facts(evs, queue="l1-ru", tier="standard", priority="P3")
    before = evaluate(esc, f, T0 + 30 * S)
    assert before.level == 0 and not before.handoff
    s = evaluate(esc, f, T0 + 2 * M)
    assert s.level == 1 and s.roles == ("duty_manager",)
    assert s.handoff and s.suggested_queue == "payments"
    assert [(t.kind, t.code, t.at) for t in s.triggers] == [("phrase", "payment_failed", T0 + M)]
    assert s.steps[-1].cause == "phrase:payment_failed" and s.steps[-1].at == T0 + M


def test_stop_list_factors_escalate(esc):
    f = facts(
        [E.created(T0)],
        tier="vvip",
        priority="P3",
        channel="phone",
        factors={"room_overbooked": T0 + 5 * M, "not_a_factor": T0},
    )
    assert evaluate(esc, f, T0 + 4 * M).level == 0
    s = evaluate(esc, f, T0 + 5 * M)
    assert s.level == 1 and [t.code for t in s.triggers] == ["room_overbooked"]
    assert not s.handoff  # a factor escalates; it is not a hand-off phrase
    said = facts(
        [E.created(T0), E.player(T0 + M, "The driver didn't show up at the airport")],
        tier="vip",
        priority="P3",
    )
    s = evaluate(esc, said, T0 + M)
    assert s.level == 1 and s.triggers[0].code == "transfer_disrupted"


def test_manual_escalation(esc):
    evs = [E.created(T0), SlaEvent(T0 + 3 * M, EventKind.escalated, level=2)]
    s = evaluate(esc, facts(evs, priority="P4"), T0 + 4 * M)
    assert s.level == 2 and s.steps[-1].cause == "manual"


def test_payments_chain_is_instant_and_has_its_own_offsets(esc):
    f = facts([E.created(T0)], queue="payments", tier="standard", priority="P2")
    s = evaluate(esc, f, T0)
    chain = s.track("payments")
    assert (chain.level, chain.roles) == (0, ("l2_finance",))  # instant escalation (004)
    assert chain.next_at == T0 + 30 * M and chain.next_roles == ("risk_aml",)
    assert evaluate(esc, f, T0 + 2 * H).track("payments").roles == ("acquiring_bank",)
    # moved into the payments queue later: the chain starts then
    moved = facts(
        [E.created(T0)], queue="payments", tier="standard", priority="P2", queue_since=T0 + H
    )
    chain = evaluate(esc, moved, T0 + H + 29 * M).track("payments")
    assert chain.level == 0 and chain.next_at == T0 + H + 30 * M
    assert evaluate(esc, facts([E.created(T0)], queue="l1"), T0).track("payments") is None


def test_waiting_on_the_player_holds_the_ladder_and_resolution_stops_it(esc):
    evs = [
        E.created(T0),
        E.status_change(T0 + 5 * M, Status.needs_clarification),
        E.player(T0 + 25 * M, "here"),
    ]
    f = facts(evs)
    assert evaluate(esc, f, T0 + 20 * M).next_at is None  # paused: nothing due
    s = evaluate(esc, f, T0 + 26 * M)
    assert s.level == 0 and s.next_at == T0 + 30 * M  # 10 min of running time
    done = facts([E.created(T0), E.status_change(T0 + 20 * M, Status.resolved)])
    s = evaluate(esc, done, T0 + 5 * H)
    assert s.level == 1 and s.next_at is None
    reopened = facts(
        [*done.events, E.status_change(T0 + 6 * H, Status.reopened)],
    )
    s = evaluate(esc, reopened, T0 + 6 * H + M)
    assert s.level == 0 and s.next_at == T0 + 6 * H + 10 * M  # a new cycle starts at T0 again


# --- stop-phrases in the desk's languages ----------------------------------------------------

SAMPLES = [
    ("en", "Hi, my payment failed twice today", "payment_failed"),
    ("en", "The payment didn't go through!!", "payment_failed"),
    ("ru", "Здравствуйте, ПЛАТЁЖ НЕ ПРОШЁЛ, что делать?", "payment_failed"),
    ("ru", "платеж не прошел опять", "payment_failed"),
    ("uk", "Мій платіж не пройшов!", "payment_failed"),
    ("kk", "Сәлеметсіз бе, төлем өтпеді", "payment_failed"),
    ("fa", "سلام، پرداخت انجام نشد", "payment_failed"),
    ("fa", "پرداخت ناموفق بود", "payment_failed"),
    ("el", "Γεια σας, η πληρωμή δεν πέρασε", "payment_failed"),
    ("el", "Η ΠΛΗΡΩΜΗ ΔΕΝ ΠΕΡΑΣΕ", "payment_failed"),
    ("mn", "Сайн байна уу, төлбөр амжилтгүй боллоо", "payment_failed"),
    ("tr", "Merhaba, ödeme başarısız oldu", "payment_failed"),
    ("tr", "ÖDEME BAŞARISIZ", "payment_failed"),
    ("en", "Is this a Security issue?", "security"),
    ("ru", "вопрос безопасности аккаунта", "security"),
    ("uk", "питання безпеки", "security"),
    ("kk", "қауіпсіздік мәселесі", "security"),
    ("fa", "مشکل امنیت حساب", "security"),
    ("el", "θέμα ασφάλειας", "security"),
    ("mn", "аюулгүй байдлын асуудал", "security"),
    ("tr", "güvenlik sorunu", "security"),
    ("ru", "Проблема с KYC", "kyc"),
    ("uk", "не проходить верифікація", "kyc"),
    ("fa", "مشکل احراز هویت دارم", "kyc"),
    ("tr", "kimlik doğrulama bekliyor", "kyc"),
    ("el", "επαλήθευση ταυτότητας", "kyc"),
    ("mn", "баталгаажуулалт хийгдэхгүй байна", "kyc"),
    ("kk", "верификация өтпей жатыр", "kyc"),
    ("en", "my account is blocked", "account_blocked"),
    ("ru", "мой аккаунт заблокирован", "account_blocked"),
    ("tr", "hesabım engellendi", "account_blocked"),
    ("el", "έχω διπλή χρέωση", "payment_dispute"),
    ("uk", "трансфер не приїхав", "transfer_disrupted"),
    ("en", "the hotel is overbooked", "room_overbooked"),
]


@pytest.mark.parametrize(("lang", "text", "category"), SAMPLES)
def test_stop_phrases_natively(lang, text, category):
    assert category in {h.category for h in detect_stop_phrases(text)}


@pytest.mark.parametrize(
    "text",
    ["I want a bonus", "payment schedule please", "Когда турнир?", "ödeme yöntemi", ""],
)
def test_ordinary_messages_do_not_trigger(text):
    assert detect_stop_phrases(text) == []


def test_every_category_covers_the_eight_desk_languages():
    for cat in ("payment_failed", "security", "kyc"):
        assert set(STOP_PHRASES[cat]) == {"en", "ru", "uk", "kk", "fa", "el", "mn", "tr"}


def test_normalisation():
    assert normalize_text("ПЛАТЁЖ") == normalize_text("платеж")
    assert normalize_text("İşlem BAŞARISIZ") == " islem basarisiz "
    assert normalize_text("ΑΣΦΆΛΕΙΑ") == normalize_text("ασφαλεια")
    assert normalize_text("يك") == normalize_text("یک")  # Arabic vs Persian letters
    assert normalize_text("payment—failed!!") == " payment failed "


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_detection_never_crashes(text):
    for hit in detect_stop_phrases(text):
        assert hit.category in STOP_PHRASES


def test_extra_phrases_from_configuration():
    text = TEXT.replace(
        "[escalation.phrase_queues]",
        '[escalation.stop_phrases.payment_failed]\nen = ["card charged but no chips"]\n\n'
        "[escalation.phrase_queues]",
    )
    esc = load_policy(text, known_queues=QUEUES).escalation
    f = facts([E.created(T0), E.player(T0, "Card charged but NO chips")], priority="P4")
    assert evaluate(esc, f, T0).handoff


# --- configuration is validated ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ('ladder = "premium"\n', 'ladder = "platinum"\n', "unknown ladder"),
        ('after = "30m"\n', 'after = "5m"\n', "increase"),
        ('name = "L2 finance"\nafter = "0s"', 'name = "L2 finance"\nafter = "1m"', "T0"),
        ('kyc = "l2"', 'kyc = "compliance"', "unknown queue"),
        ('after = "60m"', 'after = "-60m"', "negative"),
        ('roles = ["coo"]', "roles = []", "at least one role"),
    ],
)
def test_bad_escalation_config_names_the_line(old, new, needle):
    assert old in TEXT
    with pytest.raises(PolicyError) as info:
        load_policy(TEXT.replace(old, new, 1), known_queues=QUEUES)
    assert needle in info.value.message
    assert info.value.details["line"] is not None


def test_ambiguous_escalation_rules_are_refused():
    text = TEXT + '\n[[escalation.rules]]\nchannel = "phone"\nladder = "premium"\n'
    with pytest.raises(PolicyError, match="ambiguous"):
        load_policy(text, known_queues=QUEUES)


_PHRASES = [p for _, _, p, _ in escalation_module._BUILTIN]
_FILLER = ["hello", "деньги", "پول", "χρήματα", "Ödeme", "ҚАТЕ", "x", "", "50 EUR", "!!"]


def _every_phrase_scanned(text: str) -> list[PhraseHit]:
    norm = normalize_text(text)
    seen: dict[str, PhraseHit] = {}
    for cat, lang, phrase, n in escalation_module._BUILTIN:
        if cat not in seen and n in norm:
            seen[cat] = PhraseHit(cat, lang, phrase)
    return list(seen.values())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PHRASES + _FILLER), min_size=1, max_size=5),
    st.sampled_from([str, str.upper, str.title]),
    st.sampled_from([" ", ", ", ".\n", ""]),
)
def test_the_phrase_index_finds_what_scanning_every_phrase_finds(
    parts: list[str], case: Any, sep: str
) -> None:
    text = case(sep.join(parts))
    assert escalation_module._detect(text, None) == _every_phrase_scanned(text)
