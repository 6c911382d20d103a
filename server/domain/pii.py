"""Masking payment and personal data in player messages: pure functions, no I/O.

`mask_pii(text)` finds card numbers, card security codes (CVV/CVC) and PINs written next to card
words, IBANs, phone numbers and e-mail addresses, and returns the text with them masked plus a
list of findings (kind and position, never the value) that a caller can log.

Rules, in the order they are applied (a later rule never touches what an earlier one masked):

* ``iban``: two letters, two check digits and the country's BBAN length (with or without single
  spaces), valid under ISO 13616 mod-97. Country code and last 4 characters stay visible.
* ``card``: 13–19 digits that pass Luhn. Contiguous runs always count (wherever they appear: a
  Luhn-valid 13–19 digit run is treated as a card even inside an identifier, fail-closed);
  grouped numbers count when the groups are joined by single spaces or dashes and each group has
  3–8 digits (``4111 1111 1111 1111``, ``5500-0000-0000-0004``, Amex ``3782 822463 10005``). The
  last 4 digits stay visible.
* ``phone``: ``+`` and 8–15 digits in any grouping; local numbers with separators
  (``8 (701) 234-56-78``, ``0412 345 678``, ``234-56-78``: 7–12 digits in at least 3 groups,
  starting with a trunk prefix or a 3–4 digit code, so "7 17 27 32 36" stays a list of bets);
  contiguous national mobile numbers (``87012345678``, ``09121234567``, ``0412345678``…); any
  7–12 digit number right after a phone word (phone, телефон, تلفن, τηλέφωνο, telefon, утас…).
  Dates, times, amounts in thousands (``1 500 000``), year ranges, ticket numbers (``#10023``) and
  numbers next to a currency are left alone. The last 2 digits stay visible.
* ``email``: the local part is masked except its first character (``j•••@example.com``).
* ``cvv``: a lone 3–4 digit number within a few words of CVV/CVC/CVV2/"security code" (or their
  Russian, Ukrainian, Kazakh, Persian, Greek, Turkish, Mongolian names), or of a bare "code" word
  ("код", "کد", "κωδικός", "kod"…) when a card word ("card", "карта", "کارت"…) is nearby and
  the code is not an error/decline code ("error code 051", "код ошибки").
* ``pin``: a lone 4–6 digit number within a few words of PIN (ПИН, پین, "رمز کارت",
  "kart şifresi"…).

Masking replaces characters one for one with ``•`` (separators are kept), so ``Finding.start`` and
``Finding.end`` index both the input and the output. Persian, Arabic-Indic and other Unicode
decimal digits are recognised like ASCII ones; visible digits keep their original script.
The result is a fixpoint: ``mask_pii(mask_pii(x).text).text == mask_pii(x).text``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

MASK = "•"

CARD = "card"
CVV = "cvv"
PIN = "pin"
IBAN = "iban"
PHONE = "phone"
EMAIL = "email"
KINDS = (IBAN, CARD, PHONE, EMAIL, CVV, PIN)


@dataclass(frozen=True)
class Finding:
    """One masked item: what it was and where (indexes into the input and the output)."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class MaskResult:
    text: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def kinds(self) -> set[str]:
        return {f.kind for f in self.findings}


# --------------------------------------------------------------------------- text views


def ascii_digits(text: str) -> str:
    """Every Unicode decimal digit (Persian ۰-۹, Arabic-Indic ٠-٩, fullwidth…) as ASCII 0-9.

    One character in, one character out, so indexes are preserved.
    """
    if text.isascii():
        return text
    return "".join(_digit_char(ch) for ch in text)


@lru_cache(maxsize=1024)
def _digit_char(ch: str) -> str:
    if "0" <= ch <= "9" or not ch.isdigit():
        return ch
    value = unicodedata.decimal(ch, None)
    return ch if value is None else str(value)


_FOLD_SPECIAL = {
    "İ": "i",
    "ı": "i",
    "ς": "σ",
    "ي": "ی",
    "ى": "ی",
    "ئ": "ی",
    "ك": "ک",
    "ة": "ه",
    "ۀ": "ه",
    "ؤ": "و",
    "ٱ": "ا",
    "\u200c": " ",
    "\u200d": " ",
    "\u00a0": " ",
    "\u202f": " ",
    "’": "'",
    "ʼ": "'",
    "`": "'",
    "‘": "'",
    "‐": "-",
    "‑": "-",
    "–": "-",
    "—": "-",
    "\u037e": ";",
}


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """Lower case, no diacritics, one Persian/Arabic letter variant, ASCII digits: one char."""
    special = _FOLD_SPECIAL.get(ch)
    if special is not None:
        return special
    low = ch.lower()
    if len(low) != 1:
        low = ch
    decomposed = unicodedata.normalize("NFKD", low)
    if len(decomposed) == 1:
        low = decomposed.lower() if len(decomposed.lower()) == 1 else decomposed
    elif all(unicodedata.combining(c) for c in decomposed[1:]):
        low = decomposed[0]
    low = _FOLD_SPECIAL.get(low, low)
    return _digit_char(low)


class _FoldTable(dict[int, str]):
    """`str.translate` table filled on first sight of each code point (one char each)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """A length-preserving search view of `text`: see `fold_char`."""
    if len(_FOLD_TABLE) > 65_536:  # a flood of distinct code points must not grow it forever
        _FOLD_TABLE.clear()
    return text.translate(_FOLD_TABLE)


# --------------------------------------------------------------------------- checksums


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check over a string of ASCII digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# ISO 13616 registry lengths (plus IR, which banks in the region use).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IR": 26, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip


def iban_ok(iban: str) -> bool:
    """Mod-97 check and country length for an IBAN without spaces (any letter case)."""
    iban = iban.upper()
    if len(iban) < 15 or not iban.isascii() or not iban.isalnum():
        return False
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit():
        return False
    moved = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


# --------------------------------------------------------------------------- detectors
#
# Each detector gets `s` (ASCII digits, original letters), `f` (folded view) and `claimed`
# (one bool per character: already part of a finding) and returns (kind, start, end) spans.

Span = tuple[str, int, int]

_IBAN_START = re.compile(r"(?<![A-Za-z0-9•])[A-Za-z]{2}[0-9]{2}")


def _find_ibans(s: str, claimed: list[bool]) -> list[Span]:
    out: list[Span] = []
    for m in _IBAN_START.finditer(s):
        country = m.group()[:2].upper()
        want = IBAN_LENGTHS.get(country)
        if want is None:
            continue
        chars: list[str] = []
        i = m.start()
        end = i
        while i < len(s) and len(chars) < want:
            ch = s[i]
            if ch.isascii() and ch.isalnum():
                chars.append(ch)
                end = i + 1
                i += 1
            elif ch == " " and chars and i + 1 < len(s) and s[i + 1].isascii():
                i += 1
            else:
                break
        if len(chars) != want:
            continue
        if end < len(s) and (s[end].isalnum() or s[end] == MASK):
            continue
        if any(claimed[m.start() : end]) or not iban_ok("".join(chars)):
            continue
        out.append((IBAN, m.start(), end))
    return out


# Digit groups joined by single spaces or dashes, not glued to other digits or to a mask.
_GROUPED = re.compile(r"(?<![0-9•])(?<![0-9•][ \-])[0-9]+(?:[ \-][0-9]+)*(?![0-9•])")
_RUN = re.compile(r"(?<![0-9])[0-9]{13,19}(?![0-9])")
_DIGITS = re.compile(r"[0-9]+")


def _standard_grouping(sizes: list[int]) -> bool:
    if len(sizes) == 1:
        return True
    if sizes == [4, 6, 5] or sizes == [4, 6, 4]:
        return True
    return all(n == 4 for n in sizes[:-1]) and 1 <= sizes[-1] <= 4


def _card_groups(sizes: list[int]) -> bool:
    """Groups a card is written in: 3–8 digits each, or 4s ending in a short group (4-4-4-1)."""
    if all(3 <= n <= 8 for n in sizes):
        return True
    return all(n == 4 for n in sizes[:-1]) and sizes[-1] >= 1


def _find_cards(s: str, claimed: list[bool]) -> list[Span]:
    out: list[Span] = []
    for m in _GROUPED.finditer(s):
        token = m.group()
        if len(token) - token.count(" ") - token.count("-") < 13:  # too few digits for a card
            continue
        groups = [(g.start() + m.start(), g.end() + m.start()) for g in _DIGITS.finditer(token)]
        after_plus = m.start() > 0 and s[m.start() - 1] == "+"
        candidates: list[tuple[tuple[int, int, int], int, int]] = []
        for i in range(len(groups)):
            total = 0
            for j in range(i, len(groups)):
                size = groups[j][1] - groups[j][0]
                total += size
                if total > 19:
                    break
                if j > i and not _card_groups([b - a for a, b in groups[i : j + 1]]):
                    continue
                if total < 13 or (after_plus and i == 0):
                    continue
                digits = "".join(s[a:b] for a, b in groups[i : j + 1])
                if not luhn_ok(digits):
                    continue
                sizes = [b - a for a, b in groups[i : j + 1]]
                score = (0 if _standard_grouping(sizes) else 1, -total, groups[i][0])
                candidates.append((score, groups[i][0], groups[j][1]))
        taken: list[tuple[int, int]] = []
        for _, a, b in sorted(candidates):
            if any(a < tb and ta < b for ta, tb in taken) or any(claimed[a:b]):
                continue
            taken.append((a, b))
            out.append((CARD, a, b))
    return out


def _find_card_runs(s: str, claimed: list[bool]) -> list[Span]:
    """Fail-closed pass: any contiguous Luhn-valid 13–19 digit run, wherever it is."""
    out: list[Span] = []
    for m in _RUN.finditer(s):
        if not any(claimed[m.start() : m.end()]) and luhn_ok(m.group()):
            out.append((CARD, m.start(), m.end()))
    return out


_EMAIL = re.compile(
    r"(?<![\w.%+\-@•'])([^\W_][\w.%+\-']*)@([^\W_][\w\-]*(?:\.[\w\-]+)+)",
)


def _find_emails(s: str, claimed: list[bool]) -> list[Span]:
    out: list[Span] = []
    for m in _EMAIL.finditer(s):
        labels = m.group(2).split(".")
        # Drop trailing labels until the last one looks like a TLD ("a@b.com.1" → "a@b.com").
        while len(labels) > 1 and not (labels[-1].isalpha() and len(labels[-1]) >= 2):
            labels.pop()
        if len(labels) < 2 or any(not lab or lab[0] == "-" or lab[-1] == "-" for lab in labels):
            continue
        end = m.start(2) + len(".".join(labels))
        if any(claimed[m.start() : end]):
            continue
        out.append((EMAIL, m.start(), end))
    return out


def _p(*alternatives: str) -> re.Pattern[str]:
    """A case-folded alternation of word patterns with letter boundaries on both sides."""
    body = "|".join(_fold_pattern(a) for a in alternatives)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def _fold_pattern(pattern: str) -> str:
    return "".join(ch if ch.isascii() else fold_char(ch) for ch in pattern)


# Words that make a nearby 3–4 digit number a card security code.
_CVV_STRONG = _p(
    r"cvv2?",
    r"cvc2?",
    r"cvn",
    r"csc",
    r"cid",
    r"(?:card\s+)?security\s+code",
    r"(?:three|3)[\s-]digit\s+code",
    r"код\w*\s+безопасности",
    r"код\w*\s+безпеки",
    r"(?:три|3)\s+цифр\w*\s+на\s+(?:оборот\w*|зворот\w*)",
    r"(?:код|цифр\w*)\s+(?:с|на|із|з)\s+(?:обратной|зворотн\w*)\s+(?:сторон\w*|бок\w*)",
    r"қауіпсіздік\s+код\w*",
    r"کد\s*امنیتی",
    r"سی\s*وی\s*وی\s*2?",
    r"κωδικ\w*\s+ασφαλειας",
    r"guvenlik\s+kod\w*",
    r"аюулгүй\w*\s+(?:байдлын\s+)?код\w*",
)
_CODE_WEAK = _p(r"code", r"код\w*", r"کد", r"κωδικ\w*", r"kod\w*", r"коды")
# "error code 051", "код ошибки 05": bank decline codes are not security codes.
_ERROR_WORD = _p(
    r"error",
    r"decline\w*",
    r"response",
    r"reason",
    r"ошибк\w*",
    r"отказ\w*",
    r"помилк\w*",
    r"відмов\w*",
    r"қате\w*",
    r"خطا",
    r"σφαλματ\w*",
    r"σφαλμα",
    r"hata\w*",
    r"red\w*",
    r"алдаа\w*",
)
_CARD_WORD = _p(
    r"cards?",
    r"карт\w*",
    r"карточк\w*",
    r"кәртішке\w*",
    r"کارت\w*",
    r"καρτ\w*",
    r"kart\w*",
)
_PIN_WORD = _p(
    r"pin(?:[\s-]*(?:code|kodu?|код\w*))?",
    r"пин(?:[\s-]*код\w*)?",
    r"пін(?:[\s-]*код\w*)?",
    r"پین(?:\s*کد)?",
    r"رمز\s*(?:اول\s*)?(?:کارت|عابر\s*بانک)",
    r"kart\s+sifre\w*",
    r"нууц\s+код\w*",
)
_PHONE_WORD = _p(
    r"phone",
    r"tel",
    r"mobile",
    r"cell",
    r"whatsapp",
    r"viber",
    r"telegram",
    r"call",
    r"телефон\w*",
    r"тел",
    r"моб\w*",
    r"ватсап\w*",
    r"вайбер\w*",
    r"звонит\w*",
    r"ұялы",
    r"تلفن\w*",
    r"موبایل",
    r"همراه",
    r"τηλ",
    r"τηλεφων\w*",
    r"κινητ\w*",
    r"telefon\w*",
    r"cep",
    r"gsm",
    r"утас\w*",
)
_SENTENCE_BREAK = re.compile(r"[.!?\n؟;]")


def _lone_number(lo: int, hi: int) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w•#+/.,:])(?<![0-9•][ \-])[0-9]{{{lo},{hi}}}"
        r"(?![\w•])(?![ \-][0-9•])(?![.,/:][0-9])"
    )


_CVV_NUMBER = _lone_number(3, 4)
_PIN_NUMBER = _lone_number(4, 6)


def _near(f: str, word: re.Match[str], a: int, b: int, *, after: int, before: int) -> bool:
    """Is the number at [a, b) close to `word`: in the same sentence, few words between?"""
    if word.end() <= a:
        gap = f[word.end() : a]
        limit, words = after, 4
    elif b <= word.start():
        gap = f[b : word.start()]
        limit, words = before, 2
    else:
        return False
    if len(gap) > limit or _SENTENCE_BREAK.search(gap):
        return False
    return len(re.findall(r"[^\W\d_]+", gap)) <= words


class _LazyFold:
    """The folded view of `s`, built only when a detector gets far enough to need it."""

    __slots__ = ("_f", "s")

    def __init__(self, s: str) -> None:
        self.s = s
        self._f: str | None = None

    def get(self) -> str:
        if self._f is None:
            self._f = fold(self.s)
        return self._f


def _find_codes(s: str, view: _LazyFold, claimed: list[bool]) -> list[Span]:
    out: list[Span] = []
    # Every code is a lone 3–6 digit number: without one, the word scans are not needed.
    if _CVV_NUMBER.search(s) is None and _PIN_NUMBER.search(s) is None:
        return out
    f = view.get()
    strong = list(_CVV_STRONG.finditer(f))
    errors = [e.span() for e in _ERROR_WORD.finditer(f)]
    weak = [
        w
        for w in _CODE_WEAK.finditer(f)
        if not any(abs(w.start() - eb) <= 12 or abs(ea - w.end()) <= 12 for ea, eb in errors)
    ]
    cards = list(_CARD_WORD.finditer(f))
    pins = list(_PIN_WORD.finditer(f))
    for m in _CVV_NUMBER.finditer(s):
        a, b = m.span()
        if any(claimed[a:b]):
            continue
        if any(_near(f, w, a, b, after=30, before=15) for w in strong) or (
            any(_near(f, w, a, b, after=30, before=12) for w in weak)
            and any(abs(c.start() - a) <= 60 for c in cards)
        ):
            out.append((CVV, a, b))
            claimed[a:b] = [True] * (b - a)
    for m in _PIN_NUMBER.finditer(s):
        a, b = m.span()
        if any(claimed[a:b]):
            continue
        if any(_near(f, w, a, b, after=30, before=15) for w in pins):
            out.append((PIN, a, b))
            claimed[a:b] = [True] * (b - a)
    return out


# A phone-shaped token: an optional '+', digit groups joined by one space or dash, with at
# most one parenthesised group. No quantifier nesting that could backtrack badly.
_PHONE = re.compile(
    r"(?<![\w•+#@])(?<![0-9•][ \-])(?<![0-9][.,/:])"
    r"(\+ ?)?\(?[0-9]+\)?(?:(?:[ \-]|(?<=\))|(?=\())\(?[0-9]+\)?)*"
    r"(?![\w•])(?![.,/:][0-9])"
)
_CURRENCY_AFTER = re.compile(
    _fold_pattern(
        r"\s?(?:[₸$€£₽₴₺₮﷼%]|тг|тенге|руб\w*|р\.|грн|usd|eur|aud|kzt|rub|uah|try|tl|irr|irt"
        r"|تومان|ریال|mnt|төгрөг\w*|евро|доллар\w*|dollars?|euros?|lira|лир\w*|ευρω)(?!\w)"
    )
)
_CURRENCY_BEFORE = re.compile(r"(?:[₸$€£₽₴₺₮﷼]|usd|eur|aud|kzt|rub|uah|try|mnt)\s?$")
_MOBILE = re.compile(
    r"^(?:[78]7[0-9]{9}|[78]9[0-9]{9}|0[1-9][0-9]{8,9}|69[0-9]{8}|380[0-9]{9}"
    r"|98[0-9]{10}|90[0-9]{10}|61[0-9]{9}|30[0-9]{10}|976[0-9]{8})$"
)


def _is_date(groups: list[str]) -> bool:
    """A date as its digit groups: dd.mm.yyyy, yyyy-mm-dd, or either inside a longer token."""
    for i in range(len(groups) - 2):
        y, m, d = groups[i : i + 3]
        if len(y) == 4 and len(m) == 2 and len(d) == 2 and 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
            return True
        d, m, y = groups[i : i + 3]
        if len(y) == 4 and len(m) == 2 and len(d) <= 2 and 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
            return True
    if len(groups) != 3:
        return False
    nums = [int(g) for g in groups]
    sizes = [len(g) for g in groups]
    if sizes[0] == 4 and sizes[1] <= 2 and sizes[2] <= 2:
        return 1 <= nums[1] <= 12 and 1 <= nums[2] <= 31
    if sizes[2] in (2, 4) and sizes[0] <= 2 and sizes[1] <= 2:
        day_month = 1 <= nums[0] <= 31 and 1 <= nums[1] <= 12
        month_day = 1 <= nums[0] <= 12 and 1 <= nums[1] <= 31
        return day_month or month_day
    return False


def _find_phones(s: str, view: _LazyFold, claimed: list[bool]) -> list[Span]:
    out: list[Span] = []
    for m in _PHONE.finditer(s):
        a, b = m.span()
        token = m.group()
        groups = _DIGITS.findall(token)
        digits = "".join(groups)
        n = len(digits)
        if n < 7:  # every rule below needs 7 digits or more: most tokens stop here
            continue
        if any(claimed[a:b]):
            continue
        if token.count("(") != token.count(")") or token.count("(") > 1:
            continue
        if "(" in token and token.index("(") > token.index(")"):
            continue
        f = view.get()
        if token.startswith("+"):
            if 8 <= n <= 15:
                out.append((PHONE, a, b))
            continue
        if _CURRENCY_AFTER.match(f, b) or _CURRENCY_BEFORE.search(f[max(0, a - 4) : a]):
            continue
        keyword = any(
            w.end() <= a
            and len(f[w.end() : a]) <= 25
            and not _SENTENCE_BREAK.search(f[w.end() : a])
            for w in _PHONE_WORD.finditer(f, max(0, a - 60), a)
        )
        if _is_date(groups):
            continue
        thousands = re.fullmatch(r"[0-9]{1,3}(?: [0-9]{3})+", token) is not None
        if thousands and not keyword:
            continue
        if len(groups) == 1:
            if (10 <= n <= 12 and _MOBILE.match(digits)) or (keyword and 7 <= n <= 12):
                out.append((PHONE, a, b))
            continue
        if not 7 <= n <= 12:
            continue
        parens = "(" in token
        # A local number starts with a trunk prefix (8, 0…) or a 3–4 digit area/operator code
        # and has a group of 3+ digits; lists such as roulette numbers ("7 17 27 32 36") or
        # bet sizes ("5 10 25 50 100") do not.
        first = groups[0]
        prefix_ok = parens or len(first) in (3, 4) or first in ("7", "8") or first[0] == "0"
        shaped = (len(groups) >= 3 or parens) and all(len(g) <= 4 for g in groups[:-1])
        if keyword or (shaped and prefix_ok and max(len(g) for g in groups) >= 3):
            out.append((PHONE, a, b))
    return out


# --------------------------------------------------------------------------- masking


def _visible(kind: str, s: str, start: int, end: int) -> set[int]:
    """Indexes inside a finding that stay visible."""
    if kind == CARD:
        keep = [i for i in range(start, end) if s[i].isdigit()][-4:]
        return set(keep)
    if kind == PHONE:
        return set([i for i in range(start, end) if s[i].isdigit()][-2:])
    if kind == IBAN:
        alnum = [i for i in range(start, end) if s[i].isalnum()]
        return set(alnum[:2] + alnum[-4:])
    if kind == EMAIL:
        return {start}
    return set()


def _mask_char(kind: str, ch: str) -> str:
    if kind == EMAIL:
        return MASK if ch != "@" else ch
    return MASK if ch.isalnum() else ch


def _one_pass(text: str) -> tuple[str, list[Finding]]:
    s = ascii_digits(text)
    view = _LazyFold(s)
    claimed = [False] * len(s)
    spans: list[Span] = []

    def claim(found: list[Span]) -> None:
        for kind, a, b in found:
            claimed[a:b] = [True] * (b - a)
            if kind == EMAIL:
                b = s.index("@", a)  # the finding is the local part; the domain stays
            spans.append((kind, a, b))

    # Gates on what each kind needs at the least (cards 13 digits, phones 7, codes 3, an
    # e-mail its '@'): most messages hold a few digits at most and skip the detectors.
    n_digits = sum(map(s.count, "0123456789"))
    if n_digits >= 2:
        claim(_find_ibans(s, claimed))
    if n_digits >= 13:
        claim(_find_cards(s, claimed))
        claim(_find_card_runs(s, claimed))
    if "@" in s:
        claim(_find_emails(s, claimed))
    if n_digits >= 3:
        claim(_find_codes(s, view, claimed))
    if n_digits >= 7:
        claim(_find_phones(s, view, claimed))

    if not spans:
        return text, []
    out = list(text)
    findings: list[Finding] = []
    for kind, a, b in spans:
        keep = _visible(kind, s, a, b)
        changed = False
        for i in range(a, b):
            if i in keep:
                continue
            new = _mask_char(kind, s[i])
            if new != out[i]:
                out[i] = new
                changed = True
        if changed:
            findings.append(Finding(kind, a, b))
    return "".join(out), findings


def mask_pii(text: str) -> MaskResult:
    """Mask cards, CVV/PIN codes, IBANs, phone numbers and e-mail addresses in `text`.

    Findings are sorted by position; an e-mail finding covers its local part only.
    """
    findings: list[Finding] = []
    current = text
    while True:
        masked, found = _one_pass(current)
        findings.extend(found)
        if masked == current:
            break
        current = masked
    findings.sort(key=lambda x: (x.start, x.end, x.kind))
    return MaskResult(current, findings)


def contains_pii(text: str) -> bool:
    """Would `mask_pii` change anything?"""
    return bool(mask_pii(text).findings)
