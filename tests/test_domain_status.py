"""The ticket status machine, tag normalisation and ticket numbers: pure domain logic, no I/O."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.errors import IllegalTransition, Invalid
from server.domain.numbers import FIRST_TICKET_ID, display_number, parse_number
from server.domain.status import (
    TRANSITIONS,
    after_agent_reply,
    after_player_message,
    allowed_next,
    check_transition,
)
from server.domain.validation import MAX_TAG_LEN, MAX_TAGS, normalize_tags
from server.domain.values import Status

S = Status

# The machine as DESIGN.md describes it, written out independently of the implementation:
# new → accepted → in_progress ⇄ needs_clarification → resolved → closed;
# resolved/closed → reopened; a reopened ticket is worked again like an accepted one.
EXPECTED: dict[str, list[str]] = {
    "new": ["accepted", "in_progress", "resolved"],
    "accepted": ["in_progress", "needs_clarification", "resolved"],
    "in_progress": ["needs_clarification", "resolved"],
    "needs_clarification": ["in_progress", "resolved"],
    "resolved": ["closed", "reopened"],
    "closed": ["reopened"],
    "reopened": ["in_progress", "needs_clarification", "resolved"],
}
ALL_PAIRS = list(itertools.product(list(Status), list(Status)))
LEGAL = [(a, b) for a, b in ALL_PAIRS if b.value in EXPECTED[a.value]]
ILLEGAL = [(a, b) for a, b in ALL_PAIRS if a != b and b.value not in EXPECTED[a.value]]


def test_table_covers_every_status():
    assert set(TRANSITIONS) == set(Status)
    assert set(EXPECTED) == {s.value for s in Status}
    # 49 pairs: 7 stay-the-same, the legal moves, and the rest illegal.
    assert len(LEGAL) + len(ILLEGAL) + len(Status) == len(ALL_PAIRS)


@pytest.mark.parametrize("current", list(Status), ids=str)
def test_allowed_next_matches_design_in_stable_order(current):
    got = [s.value for s in allowed_next(current)]
    assert got == EXPECTED[current.value]
    # Stable order = the order of the Status enum.
    order = [s.value for s in Status]
    assert got == sorted(got, key=order.index)


@pytest.mark.parametrize(("current", "target"), LEGAL, ids=lambda s: str(s))
def test_legal_transition_passes(current, target):
    assert check_transition(current, target) is None


@pytest.mark.parametrize("current", list(Status), ids=str)
def test_setting_the_same_status_is_not_a_change(current):
    assert check_transition(current, current) is None


@pytest.mark.parametrize(("current", "target"), ILLEGAL, ids=lambda s: str(s))
def test_illegal_transition_raises_and_lists_allowed(current, target):
    with pytest.raises(IllegalTransition) as info:
        check_transition(current, target)
    exc = info.value
    assert exc.status == 409
    assert exc.code == "illegal_transition"
    assert exc.details == {
        "from": current.value,
        "to": target.value,
        "allowed": EXPECTED[current.value],
    }
    # The message names both ends and every allowed target.
    assert current.value in exc.message and target.value in exc.message
    for allowed in EXPECTED[current.value]:
        assert allowed in exc.message


def test_some_well_known_illegal_moves():
    for current, target in [
        (S.new, S.closed),
        (S.new, S.needs_clarification),
        (S.closed, S.in_progress),
        (S.closed, S.resolved),
        (S.resolved, S.in_progress),
        (S.in_progress, S.new),
        (S.reopened, S.closed),
    ]:
        with pytest.raises(IllegalTransition):
            check_transition(current, target)


AGENT_REPLY = {
    "new": "in_progress",
    "accepted": "in_progress",
    "reopened": "in_progress",
    "in_progress": "in_progress",
    "needs_clarification": "needs_clarification",
    "resolved": "resolved",
    "closed": "closed",
}
PLAYER_MESSAGE = {
    "new": "new",
    "accepted": "accepted",
    "in_progress": "in_progress",
    "needs_clarification": "in_progress",
    "resolved": "reopened",
    "closed": "reopened",
    "reopened": "reopened",
}


@pytest.mark.parametrize("current", list(Status), ids=str)
def test_after_agent_reply(current):
    result = after_agent_reply(current)
    assert result.value == AGENT_REPLY[current.value]
    check_transition(current, result)  # the automatic move is itself a legal one


@pytest.mark.parametrize("current", list(Status), ids=str)
def test_after_player_message(current):
    result = after_player_message(current)
    assert result.value == PLAYER_MESSAGE[current.value]
    check_transition(current, result)


def test_is_open():
    assert {s.value for s in Status if not s.is_open} == {"resolved", "closed"}


@given(st.lists(st.sampled_from(list(Status)), min_size=1, max_size=30))
def test_random_walks_only_through_legal_moves(path):
    """Following allowed_next never produces a move check_transition refuses, and vice versa."""
    current = S.new
    for wanted in path:
        if wanted in allowed_next(current) or wanted == current:
            check_transition(current, wanted)
            current = wanted
        else:
            with pytest.raises(IllegalTransition):
                check_transition(current, wanted)


# -- tags ---------------------------------------------------------------------------------


def test_tags_are_trimmed_lowercased_deduplicated_in_order():
    assert normalize_tags(["  Payment ", "KYC", "payment", "kyc", "vip"]) == [
        "payment",
        "kyc",
        "vip",
    ]


def test_empty_and_blank_tags_are_dropped():
    assert normalize_tags([]) == []
    assert normalize_tags(["", "   ", "\t"]) == []
    assert normalize_tags(["a", " ", "b"]) == ["a", "b"]


@pytest.mark.parametrize(
    "tag", ["a-b", "a_b", "a.b", "a/b", "x1", "1x", "_x", "ставка", "ä", "bonus/welcome-2024"]
)
def test_allowed_tag_shapes(tag):
    assert normalize_tags([tag]) == [tag.lower()]


@pytest.mark.parametrize(
    "tag", ["a b", "-a", ".a", "/a", "a,b", "a#b", "a+b", "a\x00b", "a;b", "é!", "<script>"]
)
def test_refused_tag_shapes(tag):
    with pytest.raises(Invalid) as info:
        normalize_tags([tag])
    assert info.value.status == 422
    assert info.value.details == {"field": "tags", "value": tag}


def test_tag_length_limit():
    ok = "a" * MAX_TAG_LEN
    assert normalize_tags([ok]) == [ok]
    with pytest.raises(Invalid):
        normalize_tags([ok + "a"])
    # Trimming happens before the length check.
    assert normalize_tags(["  " + ok + "  "]) == [ok]


def test_tag_count_limit_counts_unique_tags():
    many = [f"t{i}" for i in range(MAX_TAGS)]
    assert normalize_tags(many) == many
    assert normalize_tags([*many, *[t.upper() for t in many]]) == many
    with pytest.raises(Invalid) as info:
        normalize_tags([*many, "one-more"])
    assert info.value.details == {"field": "tags"}


_tag_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=45)


@given(st.lists(_tag_text, max_size=25))
def test_normalize_is_idempotent_or_refuses(tags):
    try:
        once = normalize_tags(tags)
    except Invalid:
        return
    assert normalize_tags(once) == once
    assert len(once) == len(set(once)) <= MAX_TAGS
    assert all(t == t.strip().lower() and 0 < len(t) <= MAX_TAG_LEN for t in once)


# -- ticket numbers -----------------------------------------------------------------------


def test_display_number():
    assert FIRST_TICKET_ID == 10001
    assert display_number(10001) == "#10001"
    assert display_number(123456) == "#123456"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#10042", 10042),
        ("10042", 10042),
        ("  #10042  ", 10042),
        ("#1", 1),
        ("007", 7),
        ("9" * 18, int("9" * 18)),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "#", "##10042", "# 10042", "10042#", "abc", "#abc", "-5", "#-5", "1e5", "12a", "9" * 19],
)
def test_parse_number_refuses(text):
    assert parse_number(text) is None


@given(st.integers(min_value=1, max_value=10**18 - 1))
def test_number_round_trip(n):
    assert parse_number(display_number(n)) == n
    assert parse_number(str(n)) == n
