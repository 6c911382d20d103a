"""Macros: the SEEDS templates in English, Russian and Ukrainian; never a half-filled message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.macros import (
    SHIPPED,
    Macro,
    MacroBook,
    MacroError,
    MissingVariables,
    UnknownMacro,
    format_eta,
    local_time,
    render_template,
    template_variables,
)

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
SEEDS_MACROS = {"receipt", "data_request", "resolution", "escalation"}
TEMPLATES = {"bot_receipt", "first_dm", "closing"}
VALUES = {
    "number": "#12345",
    "eta": "in 30 min",
    "tag": "payment",
    "field": "a screenshot of the receipt",
    "what": "the deposit is credited",
    "next_steps": "check the balance",
    "name": "Aigerim",
    "agent": "Alex",
    "detail": "the transaction id",
    "local_time": "20:00",
}


@pytest.fixture
def book():
    return MacroBook()


def test_every_seeds_macro_ships_in_en_ru_uk(book):
    assert set(book.ids()) >= SEEDS_MACROS | TEMPLATES
    for m in SHIPPED:
        assert {"en", "ru", "uk"} <= set(m.bodies), m.id
        # the same variables in every language
        assert len({frozenset(m.variables(lang)) for lang in m.bodies}) == 1, m.id


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
@pytest.mark.parametrize("macro_id", sorted(SEEDS_MACROS | TEMPLATES | {"after_hours"}))
def test_render_every_macro(book, macro_id, lang):
    r = book.render(macro_id, lang, VALUES)
    assert r.lang == lang and "{" not in r.text and "}" not in r.text
    for var in book.get(macro_id).variables(lang):
        assert str(VALUES[var]) in r.text


def test_exact_texts(book):
    assert book.render("receipt", "en", VALUES).text == (
        "Accepted: ticket #12345. ETA: in 30 min. Status → [Open]"
    )
    assert book.render("first_dm", "ru", VALUES).text == (
        "Здравствуйте, Aigerim! Я Alex. Вижу заявку #12345, уже проверяю. "
        "Если удобно, пришлите the transaction id."
    )
    assert book.render("data_request", "uk", {"field": "фото чека"}).text.startswith(
        "Нам потрібно: фото чека."
    )


def test_missing_variables_are_named_and_nothing_is_rendered(book):
    with pytest.raises(MissingVariables) as info:
        book.render("first_dm", "uk", {"name": "Олена", "agent": "", "number": None})
    err = info.value
    assert err.details["missing"] == ["agent", "number", "detail"]
    assert "{agent}" in err.message and "first_dm" in err.message
    assert err.status == 422


def test_language_fallback_and_unknown_macro(book):
    assert book.render("closing", "kk", {}).lang == "en"
    with pytest.raises(UnknownMacro):
        book.render("nope", "en", {})


def test_templates_are_checked_when_defined():
    with pytest.raises(MacroError, match="stray"):
        Macro("bad", {}, {"en": "Hello {name"})
    with pytest.raises(MacroError, match="stray"):
        Macro("bad", {}, {"en": "Hello {user.__class__}"})
    with pytest.raises(MacroError, match="stray"):
        Macro("bad", {}, {"en": "{0}"})
    m = Macro("ok", {}, {"en": "Literal {{braces}} and {x}"})
    assert render_template(m.bodies["en"], {"x": 1}) == "Literal {braces} and 1"
    assert template_variables("{a} {b} {a}") == ("a", "b")


@given(st.dictionaries(st.sampled_from(sorted(VALUES)), st.text(min_size=1).filter(str.strip)))
def test_render_is_all_or_nothing(values):
    book = MacroBook()
    for macro_id in book.ids():
        needed = set(book.get(macro_id).variables("en"))
        if needed <= set(values):
            text = book.render(macro_id, "en", values).text
            assert all(values[v] in text for v in needed)
        else:
            with pytest.raises(MissingVariables) as info:
                book.render(macro_id, "en", values)
            assert set(info.value.details["missing"]) == needed - set(values)


def test_eta_and_local_time_for_the_player():
    tz = "Asia/Almaty"  # UTC+5
    assert format_eta(NOW + timedelta(minutes=29, seconds=10), NOW, tz, "en") == "in 30 min"
    assert format_eta(NOW + timedelta(minutes=30), NOW, tz, "ru") == "через 30 мин"
    assert format_eta(NOW + timedelta(minutes=30), NOW, tz, "uk") == "за 30 хв"
    assert format_eta(NOW + timedelta(hours=2), NOW, tz, "en") == "by 17:00"
    assert format_eta(NOW + timedelta(minutes=30), NOW, tz, "ru", style="clock") == "до 15:30"
    assert format_eta(NOW + timedelta(hours=20), NOW, tz, "uk") == "до 05.05 11:00"
    assert local_time(NOW, "Australia/Sydney") == "20:00"
