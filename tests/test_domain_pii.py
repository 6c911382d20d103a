"""PII masking in player messages: cards, CVV/PIN codes, IBANs, phones, e-mails. Pure domain."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.pii import (
    CARD,
    CVV,
    EMAIL,
    IBAN,
    MASK,
    PHONE,
    PIN,
    Finding,
    ascii_digits,
    contains_pii,
    fold,
    iban_ok,
    luhn_ok,
    mask_pii,
)

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def kinds(text: str) -> list[str]:
    return [f.kind for f in mask_pii(text).findings]


def luhn_complete(prefix: str) -> str:
    """`prefix` plus the check digit that makes it Luhn-valid."""
    for d in "0123456789":
        if luhn_ok(prefix + d):
            return prefix + d
    raise AssertionError("unreachable")


# ----------------------------------------------------------------------------- Luhn


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        ("4111111111111111", True),  # Visa test number
        ("4111111111111112", False),  # one digit off
        ("5500000000000004", True),  # Mastercard
        ("378282246310005", True),  # Amex, 15 digits
        ("6011111111111117", True),  # Discover
        ("4222222222222", True),  # 13-digit Visa
        ("6304000000000000", True),  # Maestro
        ("0000000000000000", True),  # all zeros pass Luhn
        ("79927398713", True),  # the textbook example
        ("79927398710", False),
        ("1234567812345678", False),
        ("1234567812345670", True),
    ],
)
def test_luhn(digits, ok):
    assert luhn_ok(digits) is ok


# ----------------------------------------------------------------------------- cards

VISA = "4111111111111111"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("4111 1111 1111 1111", "•••• •••• •••• 1111"),
        ("5500-0000-0000-0004", "••••-••••-••••-0004"),
        ("4111111111111111", "••••••••••••1111"),
        ("card: 4111 1111 1111 1111, exp 12/27", "card: •••• •••• •••• 1111, exp 12/27"),
        ("Amex 3782 822463 10005 please", "Amex •••• •••••• •0005 please"),
        ("13 digits 4222222222222.", "13 digits •••••••••2222."),
        ("19 digits 6304 0000 0000 0000 018", "19 digits •••• •••• •••• •••0 018"),
        ("mixed 4111-1111 1111-1111 ok", "mixed ••••-•••• ••••-1111 ok"),
        ("glued ID4111111111111111x", "glued ID••••••••••••1111x"),  # fail-closed on runs
        ("карта 4111 1111 1111 1111 не проходит", "карта •••• •••• •••• 1111 не проходит"),
        ("4111 1111 1111 1111 12/27", "•••• •••• •••• 1111 12/27"),
        (
            "two: 4111111111111111 and 5500 0000 0000 0004",
            "two: ••••••••••••1111 and •••• •••• •••• 0004",
        ),
    ],
)
def test_cards_are_masked_keeping_last_four(text, masked):
    result = mask_pii(text)
    assert result.text == masked
    assert all(f.kind == CARD for f in result.findings)


def test_card_in_persian_and_arabic_indic_digits_keeps_its_script():
    persian = "شماره کارت من " + "6037 9975 9944 1236".translate(PERSIAN)
    assert luhn_ok("6037997599441236")
    result = mask_pii(persian)
    assert result.text.endswith("•••• •••• •••• ۱۲۳۶")
    assert kinds(persian) == [CARD]
    arabic = "رقم البطاقة " + VISA.translate(ARABIC)
    assert mask_pii(arabic).text.endswith("••••••••••••١١١١")


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # fails Luhn
        "4111111111111112",
        "1234 5678 1234 5678",
        "order 2024051200017",  # 13 digits, not Luhn-valid
        "transaction 9876543210987654321012",  # 22 digits: too long for a card
        "ref 12345678901234567890123",
        "411111111111",  # 12 digits: too short
        "ticket #10023 and #10024",
        "+7 701 234 56 78",
        "8 701 234 56 78 11",  # groups of 1–2 digits never form a card
        "uuid 123e4567-e89b-12d3-a456-426614174000",
    ],
)
def test_not_cards(text):
    assert CARD not in kinds(text)


def test_card_findings_give_positions_not_values():
    text = "pay with 4111 1111 1111 1111 now"
    (finding,) = mask_pii(text).findings
    assert finding == Finding(CARD, 9, 28)
    assert text[finding.start : finding.end] == "4111 1111 1111 1111"
    assert "4111" not in repr(finding)


def test_card_window_prefers_standard_grouping_inside_a_longer_run():
    # An 11-digit phone-like head and a card: the card is found by its grouping.
    text = "0412 345 678 4111 1111 1111 1111"
    assert mask_pii(text).text.endswith("•••• •••• •••• 1111")


# ----------------------------------------------------------------------------- CVV / PIN


@pytest.mark.parametrize(
    "text",
    [
        "cvv 123",
        "CVV: 123",
        "my CVC is 4567",
        "CVV2 = 321",
        "security code 987",
        "123 is the cvv",
        "код CVV 123",
        "код безопасности: 456",
        "код на обороте карты 456",
        "код з зворотного боку картки 789",
        "картаның қауіпсіздік коды 234",
        "کد امنیتی ۱۲۳",
        "cvv2 کارت من ۴۵۶ است",
        "κωδικός ασφαλείας 345",
        "ο κωδικός της κάρτας είναι 345",
        "kartın güvenlik kodu 765",
        "kart kodu 765",
        "картын аюулгүй байдлын код 432",
        "card 4111 1111 1111 1111 exp 12/27 cvv 123",
    ],
)
def test_cvv_next_to_card_words_is_masked(text):
    assert CVV in kinds(text)
    assert not re.search(r"[0-9۰-۹]{3}(?![0-9۰-۹])\D*$", mask_pii(text).text.replace("1111", ""))


@pytest.mark.parametrize(
    "text",
    [
        "код 123",  # a bare "code" without a card word
        "промокод 555",
        "room 123",
        "cvv is on the back. I have 123 chips",  # another sentence
        "my card was charged 123 times",  # no code word
        "код подтверждения 1234",  # OTP codes are not card codes
        "cvv 12345",  # 5 digits
        "cvv 123 456",  # a grouped number, not a code
        "CVV — скажите, где его найти? Номер заказа 7788",
        "card declined, error code 051",  # bank decline codes
        "код ошибки карты 054",
        "kart reddedildi, hata kodu 051",
    ],
)
def test_codes_that_are_not_cvv(text):
    assert CVV not in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "PIN 1234",
        "my pin code is 0000",
        "пин-код 4321",
        "ПІН-код: 9876",
        "رمز کارت ۱۲۳۴",
        "kart şifresi 1234",
    ],
)
def test_pin_next_to_pin_words_is_masked(text):
    assert kinds(text) == [PIN]


# ----------------------------------------------------------------------------- IBAN

VALID_IBANS = [
    "GB82 WEST 1234 5698 7654 32",
    "GB82WEST12345698765432",
    "DE89 3704 0044 0532 0130 00",
    "KZ86 125K ZT50 0410 0100",
    "TR33 0006 1005 1978 6457 8413 26",
    "GR16 0110 1250 0000 0001 2300 695",
    "UA21 3223 1300 0002 6007 2335 6600 1",
    "FR14 2004 1010 0505 0001 3M02 606",
    "gb82west12345698765432",
]


@pytest.mark.parametrize("iban", VALID_IBANS)
def test_valid_ibans_are_masked(iban):
    text = f"IBAN: {iban}, thanks"
    result = mask_pii(text)
    assert [f.kind for f in result.findings] == [IBAN]
    compact = iban.replace(" ", "")
    assert iban_ok(compact)
    masked = result.text[6 : 6 + len(iban)]
    assert masked[:2] == iban[:2]  # country stays
    assert masked.replace(" ", "")[-4:] == compact[-4:]
    assert sum(ch.isalnum() for ch in masked) == 6


@pytest.mark.parametrize(
    "iban",
    [
        "GB82 WEST 1234 5698 7654 33",  # wrong check
        "GB83WEST12345698765432",
        "DE89 3704 0044 0532 0130 01",
        "KZ86 125K ZT50 0410 0101",
        "XX82WEST12345698765432",  # no such country
        "GB82WEST1234569876543",  # one short
    ],
)
def test_invalid_ibans_are_left_alone(iban):
    assert IBAN not in kinds(f"IBAN: {iban}")


# ----------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call +7 701 234 56 78", "call +• ••• ••• •• 78"),
        ("+61 412 345 678", "+•• ••• ••• •78"),
        ("+77012345678", "+•••••••••78"),
        ("+98 912 123 4567", "+•• ••• ••• ••67"),
        ("+30 691 234 5678", "+•• ••• ••• ••78"),
        ("+90 532 123 45 67", "+•• ••• ••• •• 67"),
        ("+976 9911 2233", "+••• •••• ••33"),
        ("8 (701) 234-56-78", "• (•••) •••-••-78"),
        ("0412 345 678", "•••• ••• •78"),
        ("234-56-78", "•••-••-78"),
        ("87012345678", "•••••••••78"),
        ("09121234567", "•••••••••67"),
        ("0501234567", "••••••••67"),
        ("мой телефон 7012345", "мой телефон •••••45"),
        ("شماره تلفن ۰۹۱۲ ۱۲۳ ۴۵۶۷", "شماره تلفن •••• ••• ••۶۷"),
        ("утас: 99112233", "утас: ••••••33"),
    ],
)
def test_phones_are_masked_keeping_last_two(text, masked):
    result = mask_pii(text)
    assert result.text == masked
    assert [f.kind for f in result.findings] == [PHONE]


@pytest.mark.parametrize(
    "text",
    [
        "deposit 1 500 000 тг",
        "withdrew 1 500 000 yesterday",  # thousands grouping
        "$1 250 000",
        "сумма 2 500 000 ₸",
        "on 12.05.2024 at 14:30",
        "2024-05-12",
        "12 05 2024",
        "12/05/2024",
        "ticket #10023",
        "ticket 10023",
        "2023-2024 season",
        "10 000 points",
        "between 9:00 and 18:00",
        "order 12345678",
        "version 1.2.3.4",
        "192.168.1.1",
        "won 150 000,50 EUR",
        "IP 10.0.0.1, build 2024-05-12-01",
        "I bet on 7 17 27 32 36 all night",  # roulette numbers
        "ставки 5 10 25 50 100",
        "transaction 9123456789",
    ],
)
def test_dates_amounts_and_numbers_are_not_phones(text):
    assert PHONE not in kinds(text)
    assert mask_pii(text).text == text


# ----------------------------------------------------------------------------- e-mail


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("john@example.com", "j•••@example.com"),
        (
            "write to John.Smith+vip@mail.example.co.uk.",
            "write to J•••••••••••••@mail.example.co.uk.",
        ),
        ("иван@почта.рф", "и•••@почта.рф"),
        ("a@b.co", "a@b.co"),  # one-letter local part: nothing hidden, nothing to report
        ("(mail: x.y@casino.kz)", "(mail: x••@casino.kz)"),
    ],
)
def test_emails_keep_first_letter_and_domain(text, masked):
    assert mask_pii(text).text == masked


@pytest.mark.parametrize("text", ["@handle", "user@localhost", "a @ b.com", "price@5", "me@"])
def test_not_emails(text):
    assert EMAIL not in kinds(text)


def test_email_finding_covers_local_part_only():
    (f,) = mask_pii("mail: alex@example.com").findings
    assert (f.kind, f.start, f.end) == (EMAIL, 6, 10)


# ----------------------------------------------------------------------------- mixed


def test_mixed_language_message_masks_everything():
    text = (
        "Здравствуйте! Карта 4111 1111 1111 1111, CVV 123, телефон +7 701 234 56 78, "
        "почта player@example.kz, IBAN KZ86 125K ZT50 0410 0100. Тикет #10023, сумма 1 500 000 тг."
    )
    result = mask_pii(text)
    assert sorted(result.kinds) == sorted({CARD, CVV, PHONE, EMAIL, IBAN})
    for secret in ["4111 1111 1111", "123,", "701 234", "player@", "125K"]:
        assert secret not in result.text
    assert "#10023" in result.text and "1 500 000 тг" in result.text
    assert "1111," in result.text and "78," in result.text and "0100." in result.text


def test_persian_message_with_persian_digits():
    text = "سلام، شماره من +۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷ است و مبلغ ۱۵۰۰۰۰۰ تومان واریز کردم"
    result = mask_pii(text)
    assert [f.kind for f in result.findings] == [PHONE]
    assert "۱۵۰۰۰۰۰ تومان" in result.text


def test_contains_pii():
    assert contains_pii("my card 4111111111111111")
    assert contains_pii("mail me: bob@example.com")
    assert not contains_pii("Ticket #10023: deposit of 1 500 000 on 12.05.2024 did not arrive")
    assert not contains_pii("")


def test_fold_and_digits_preserve_length():
    text = "İstanbul ŞİFRE ё й ї ά ς ي ك ۱۲۳ ٤٥٦ ０"
    assert len(fold(text)) == len(text)
    assert ascii_digits("۱۲۳ ٤٥٦ ０") == "123 456 0"
    assert fold("ŞİFRENİZİ") == "sifrenizi"
    assert fold("Ёлка") == "елка"
    assert fold("ΚΆΡΤΑΣ") == "καρτασ"
    assert fold("كد ملي") == "کد ملی"


def test_findings_are_sorted_and_inside_the_text():
    text = "b@example.com 4111111111111111 +7 701 234 56 78"
    result = mask_pii(text)
    starts = [f.start for f in result.findings]
    assert starts == sorted(starts)
    assert all(0 <= f.start < f.end <= len(text) for f in result.findings)
    assert len(result.text) == len(text)


# ----------------------------------------------------------------------------- properties

# An alphabet that makes collisions likely: digits in three scripts, separators, mask dots.
ALPHABET = st.sampled_from(
    list("0123456789") * 4 + list(" -+@.#()/:,") + list("abcxyzAZ") + ["•", "۱", "۵", "٣", "\n"]
)
noisy_text = st.text(ALPHABET, max_size=80)
card_numbers = st.builds(
    luhn_complete,
    st.text(st.sampled_from("0123456789"), min_size=12, max_size=18),
)
separators = st.sampled_from(["", " ", "-"])


@st.composite
def grouped_card(draw):
    digits = draw(card_numbers)
    sep = draw(separators)
    groups = [digits[i : i + 4] for i in range(0, len(digits), 4)]
    return sep.join(groups)


@st.composite
def messages(draw):
    parts = draw(
        st.lists(
            st.one_of(
                noisy_text,
                grouped_card(),
                st.sampled_from(
                    [
                        " cvv ",
                        " код карты ",
                        " PIN ",
                        " phone ",
                        " +7 701 234 56 78 ",
                        " john@example.com ",
                        " GB82 WEST 1234 5698 7654 32 ",
                        " 1 500 000 ",
                        " 12.05.2024 ",
                        " #10023 ",
                    ]
                ),
            ),
            max_size=6,
        )
    )
    return "".join(parts)


RUN = re.compile(r"(?<![0-9])[0-9]{13,19}(?![0-9])")


@settings(max_examples=400, deadline=None)
@given(messages())
def test_masking_is_idempotent(text):
    once = mask_pii(text).text
    assert mask_pii(once).text == once
    assert mask_pii(once).findings == []


@settings(max_examples=400, deadline=None)
@given(messages())
def test_output_never_holds_a_luhn_valid_run(text):
    out = ascii_digits(mask_pii(text).text)
    for m in RUN.finditer(out):
        assert not luhn_ok(m.group()), (text, out)


@settings(max_examples=200, deadline=None)
@given(grouped_card(), noisy_text, noisy_text)
def test_an_embedded_card_never_survives(card, left, right):
    text = f"{left} card: {card} ok {right}"
    start = len(left) + len(" card: ")
    region = mask_pii(text).text[start : start + len(card)]
    assert sum(ch.isdigit() for ch in region) <= 4, (text, region)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200).filter(lambda t: "@" not in t and not any(c.isdigit() for c in t)))
def test_text_without_digits_or_at_is_unchanged(text):
    result = mask_pii(text)
    assert result.text == text
    assert result.findings == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_any_text_masks_to_same_length_and_only_with_mask_dots(text):
    out = mask_pii(text).text
    assert len(out) == len(text)
    assert all(a == b or b == MASK for a, b in zip(text, out, strict=True))
