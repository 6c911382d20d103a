"""The bot's classification core: held-out accuracy, hand-off recall, bad input, determinism."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from server.bot import INTENTS, PRIORITIES, Classification, classify
from server.bot.intent import clean_text
from server.bot.model import evaluate, get_model, load_examples, train, training_files
from server.bot.stop_phrases import normalise

HELDOUT = Path(__file__).parent / "data" / "bot" / "heldout.jsonl"
# The held-out set was written before the rules and the training data and frozen: a change
# to it must be deliberate (and reported), not a way to make a regression pass.
HELDOUT_SHA256 = "4c3085cf173ae3f5eb74d62589b37464ee3688d83fca27c1b289ec99f1bc12ba"


@pytest.fixture(scope="module")
def report():
    return evaluate(load_examples(HELDOUT))


def test_heldout_is_frozen():
    assert hashlib.sha256(HELDOUT.read_bytes()).hexdigest() == HELDOUT_SHA256


def test_heldout_and_training_data_do_not_overlap():
    heldout = {normalise(e.text) for e in load_examples(HELDOUT)}
    training = [e for p in training_files() for e in load_examples(p)]
    assert len(training) >= 500
    assert len(heldout) >= 300
    assert not heldout & {normalise(e.text) for e in training}


def test_every_intent_and_language_has_training_examples():
    training = [e for p in training_files() for e in load_examples(p)]
    assert {e.intent for e in training} == set(INTENTS)
    by_lang: dict[str, set[str]] = {}
    for e in training:
        by_lang.setdefault(str(e.lang), set()).add(e.intent)
    assert len(by_lang) == 11
    assert all(len(intents) == len(INTENTS) for intents in by_lang.values())


def test_heldout_targets(report):
    assert report.lang_accuracy >= 0.95
    assert report.intent_accuracy >= 0.85
    assert report.handoff_recall >= 0.95
    assert report.handoff_precision >= 0.80


@pytest.mark.parametrize("tag", ["money", "distress", "security", "regulator", "fraud"])
def test_heldout_must_reach_a_person_every_time(report, tag):
    reached, total = report.subset_recall[tag]
    assert total > 0
    assert reached == total, f"{tag}: {reached}/{total}"


MONEY_MISSING = [
    "where is my money???",
    "где мои деньги",
    "gde moi dengi??",
    "де мої гроші",
    "ақшам қайда",
    "پولم کجاست",
    "πού είναι τα λεφτά μου",
    "миний мөнгө хаана байна",
    "param nerede",
    "¿dónde está mi dinero?",
    "cadê meu dinheiro",
    "wo ist mein Geld",
    "deposit went through on my card but my balance is empty",
    "с карты списали, на баланс не пришло",
    "ödeme başarısız oldu",
    "pagamento falhou",
]
DISTRESS = [
    "I want to kill myself",
    "я больше не хочу жить",
    "не хочу жити після цього",
    "өзімді өлтіргім келеді",
    "میخوام خودکشی کنم",
    "θέλω να αυτοκτονήσω",
    "амиа хорломоор байна",
    "intihar edeceğim",
    "me quiero matar",
    "quero me matar",
    "ich will mich umbringen",
    "ne hochu zhit bolshe",
]


@pytest.mark.parametrize("text", MONEY_MISSING)
def test_missing_money_reaches_a_person_at_p1(text):
    c = classify(text)
    assert c.handoff
    assert c.priority == "P1"


@pytest.mark.parametrize("text", DISTRESS)
def test_distress_reaches_a_person_at_p1(text):
    c = classify(text)
    assert c.handoff
    assert c.priority == "P1"
    assert c.intent == "responsible_gambling"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("how do I activate free spins?", "bonus_promo"),
        ("what is the minimum deposit", "general_faq"),
        ("thanks, solved", "other"),
        ("vyvod uzhe 3 dnya v obrabotke", "withdrawal_status"),
    ],
)
def test_what_the_bot_can_answer_stays_with_the_bot(text, intent):
    c = classify(text)
    assert c.intent == intent
    assert not c.handoff
    assert c.priority in ("P3", "P4")


def test_stop_phrases_survive_case_diacritics_and_letter_variants():
    for text in ("VERIFIZIERUNG ABGELEHNT", "پول من كجاست", "που ειναι τα λεφτα μου"):
        assert classify(text).handoff, text


# -- bad input ---------------------------------------------------------------------------
NOTHING = {"lang": None, "intent": "other", "handoff": False, "priority": "P4", "confidence": 0.0}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        None,
        "😊",
        "🙏🙏🙏🙏",
        "💰💰💰???",
        "12345",
        "\x00\x01\x02\x03",
        bytes(range(256)) * 4,
        (bytes(range(256)) * 4).decode("latin-1"),
        "\ud800\udfff\ufffd\ufffd\ufffd",
    ],
)
def test_nothing_to_classify_has_a_defined_outcome(text):
    assert classify(text).to_dict() == NOTHING


def test_ten_thousand_characters():
    text = ("My withdrawal is still pending and nobody answers. " * 200)[:10_000]
    c = classify(text)
    assert c.lang == "en"
    assert c.intent in INTENTS


def test_a_plea_at_the_end_of_a_long_letter_still_reaches_a_person():
    text = "Dear support, " + "I have been playing here for years. " * 250 + "I want to die."
    assert len(text) > 9_000
    c = classify(text)
    assert c.handoff
    assert c.priority == "P1"


def test_control_characters_inside_a_message_are_ignored():
    c = classify("where\x00 is\x07 my\u200b money??")
    assert c.handoff
    assert c.lang == "en"


def test_clean_text_decodes_bytes_and_flags_junk():
    assert clean_text("где деньги".encode()) == ("где деньги", False)
    assert clean_text(b"\x00\xff" * 50)[1] is True


def test_scripts_no_configured_language_uses():
    c = classify("我的钱在哪里")
    assert c.lang is None
    assert c.intent in INTENTS


# -- the shape and determinism ------------------------------------------------------------
def test_api_shape():
    c = classify("my KYC was rejected")
    assert isinstance(c, Classification)
    d = c.to_dict()
    assert list(d) == ["lang", "intent", "handoff", "priority", "confidence"]
    assert d["intent"] in INTENTS
    assert d["priority"] in PRIORITIES
    assert 0.0 <= d["confidence"] <= 1.0
    assert "kyc" in c.to_dict(reasons=True)["reasons"]


def test_deterministic_across_calls_and_retraining():
    texts = [e.text for e in load_examples(HELDOUT)][:80]
    first = [classify(t) for t in texts]
    assert [classify(t) for t in texts] == first
    retrained = train([e for p in training_files() for e in load_examples(p)])
    assert [classify(t, model=retrained) for t in texts] == first


def test_fast_scorer_matches_sklearn():
    model = get_model()
    for e in load_examples(HELDOUT)[:100]:
        text = normalise(e.text)
        fast, fast_h = model.predict(text)
        ref, ref_h = model.predict_sklearn(text)
        assert fast_h == pytest.approx(ref_h, abs=1e-9)
        assert fast == pytest.approx(ref, abs=1e-9)
