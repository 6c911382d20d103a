"""Language detection for players' messages: lingua, script-aware, with Russian translit.

How a message is read:

1. Letters are counted per script (Latin, Cyrillic, Greek, Arabic). Letters of a non-Latin
   script weigh 1.5: a Russian or Persian message full of English casino words ("мой
   withdrawal pending") is still Russian or Persian.
2. Greek letters mean Greek and Arabic letters mean Persian (the only configured language of
   each script). Cyrillic goes to a lingua detector built for ru/uk/kk/mn and fed only the
   Cyrillic words; letters that a language does not have rule it out (ы/э/ъ/ё are not
   Ukrainian; і/ї/є/ґ/ә/ғ/қ/ң/ұ/ү/ө/һ are not Russian; ә/ғ/қ/ң/ұ/һ/і are not Mongolian).
3. Latin text goes to a lingua detector built for en/tr/es/pt/de, after dropping English
   casino loanwords when enough other words remain ("welcome bonus ne kadar" is Turkish),
   and to a translit check: Russian typed in Latin letters ("privet, gde moi dengi"), which
   lingua would call English or Turkish, is recognised from a lexicon of transliterated
   Russian words (several spellings each) and Russian endings.
4. No letters (empty, digits, emoji, punctuation), or letters only of scripts no configured
   language uses (CJK, Thai, ...), give `lang=None` — "undetermined".

The lingua detectors are built once, lazily, and shared (`get_detector()`); the language
models load on first use (about 1-2 s in high-accuracy mode, see `warm_up`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from server.bot.stop_phrases import normalise

__all__ = [
    "DEFAULT_LANGUAGES",
    "LanguageDetector",
    "LanguageResult",
    "detect_language",
    "get_detector",
    "translit_score",
]

DEFAULT_LANGUAGES: tuple[str, ...] = (
    "en",
    "ru",
    "uk",
    "kk",
    "fa",
    "el",
    "mn",
    "tr",
    "es",
    "pt",
    "de",
)
_CYRILLIC_LANGS = ("ru", "uk", "kk", "mn")
_LATIN_LANGS = ("en", "tr", "es", "pt", "de")
_NON_LATIN_WEIGHT = 1.5


@dataclass(frozen=True, slots=True)
class LanguageResult:
    lang: str | None  # ISO 639-1, or None when undetermined
    confidence: float  # 0..1
    script: str | None  # "latin", "cyrillic", "greek", "arabic" or None
    translit: bool = False  # Russian written in Latin letters


UNDETERMINED = LanguageResult(None, 0.0, None)


# -- scripts --------------------------------------------------------------------------------
def _script_of(ch: str) -> str | None:
    cp = ord(ch)
    if cp < 0x80:
        return "latin" if ch.isalpha() else None
    if not ch.isalpha():
        return None
    if 0x00C0 <= cp <= 0x024F or 0x1E00 <= cp <= 0x1EFF:
        return "latin"
    if 0x0400 <= cp <= 0x052F:
        return "cyrillic"
    if 0x0370 <= cp <= 0x03FF or 0x1F00 <= cp <= 0x1FFF:
        return "greek"
    if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFEFF:
        return "arabic"
    return "other"


def script_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in text:
        s = _script_of(ch)
        if s is not None:
            counts[s] = counts.get(s, 0) + 1
    return counts


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _words(text: str) -> list[str]:
    return text.split()


def _words_of_script(text: str, script: str) -> str:
    return " ".join(w for w in _WORD.findall(text) if _script_of(w[0]) == script)


# -- Cyrillic: letters that rule a language out ----------------------------------------------
_NOT_UK = set("ыэъё")
_NOT_RU = set("іїєґәғқңұүөһ")
_NOT_KK_MN = set("їєґ")
_NOT_MN = set("әғқңұһі")


def _impossible_cyrillic(text: str) -> set[str]:
    letters = set(text.lower())
    out: set[str] = set()
    if letters & _NOT_UK:
        out.add("uk")
    if letters & _NOT_RU:
        out.add("ru")
    if letters & _NOT_KK_MN:
        out |= {"kk", "mn"}
    if letters & _NOT_MN:
        out.add("mn")
    return out


# -- Latin: English loanwords in other languages' messages -----------------------------------
_LOANWORDS = frozenset(
    _words(
        """withdrawal withdrawals withdraw deposit deposits bonus bonuses cashback cash cashout
        free spin spins freespin freespins pending login password balance crypto welcome vip kyc
        live slot slots error selfie verification email app ok okay promo code casino poker
        blackjack roulette jackpot support chat online wallet skrill neteller paypal visa
        mastercard apple pay google bitcoin btc usdt id account manager host status cancel
        android iphone ios bet bets game games win"""
    )
)


def _strip_loanwords(text: str) -> str:
    words = _WORD.findall(text)
    kept = [w for w in words if w.lower() not in _LOANWORDS]
    if sum(len(w) for w in kept) >= 4 and len(kept) < len(words):
        return " ".join(kept)
    return text


# -- Russian in Latin letters ------------------------------------------------------------------
# Transliterated Russian words; every spelling is folded by `_canon` first (kh/x->h, zh->j,
# y->i, ts->c, yo->e, apostrophes dropped), so "vyvod"/"vivod", "uzhe"/"uje",
# "pozhaluysta"/"pojaluista", "hochu"/"xochu" and "den'gi"/"dengi" are one entry each.
# Strong words weigh 1; words other Latin-script languages share weigh 0.25.
_TRANSLIT_STRONG_WORDS = """
privet privetik zdravstvuyte zdrastvuyte zdrasti zdraste dobryi dobriy vecher utro gde
dengi deneg babki bablo vyvod vyvoda vyvodom vyvel vyvela vyvesti vyvodit vyplata vyplatu
vyplaty vyplat popolnil popolnila popolnenie popolneniya popolnit popolnyal zachislili
zachislilsya zachislilis zachislen zachisleny nachislili nachislen prishli prishlo prishel
prishol prishla prihodit prihodyat pridut pridet pochemu pochemy zachem kogda kagda uzhe
skolko skoka spasibo spasiba pasib pozhaluysta pozhalusta nichego seychas sechas mozhno nelzya
nado nuzhno nuzhen nuzhna nuzhny hochu hotel hotela mogu mozhete zabyl zabyla parol parolya
akkaunt akkaunta akkaunte akk vzlomali vzlom zablokirovali zablokirovan zablokirovali
igra igry igru igre igrat igrayu igral zavisla zavis zavisaet zavislo vyigrysh vyigrysha
vyigral proigral proigrala proigrali vsyo zhit zhizn pomogite pomoch pomogi pomosh otmenili
otmenen otklonili otkloneny dokumenty dokumentov verifikaciya verifikaciyu verifikacii
verifikatsiya proverka proverku proverki schet schete kartu karty karte balansa balanse
balansom spisali spisalis spisano chto shto chtoby chego kto-to chto-to eto etot etogo eti
menya mne tolko ochen segodnya vchera zavtra nedelyu nedelya nedeli dnya dney dni chasov chasa
minut rubley rublei tysyach podderzhka podderzhku podderzhki operatora moshenniki razvod
lohotron kidalovo policiyu zhaloba zhalobu frispiny frispinov keshbek keshbeka promokod
promokoda depozit depozita minimalnyi minimalnaya maksimalnyi sposoby sposob prilozhenie
licenziya licenziyu zavisimost ostanovitsya pokonchit soboi zakroyte postavit postavte pasport
obrabotke ozhidanii odobryat odobrili odobren visit poluchil poluchila poluchit
registraciyu registraciyu rabotaet zapuskaetsya nikto otvechaet otvechayte uzhasnaya uzhasno
budet bylo byla byli eshe eshche opyat snova bolshe bolshoe horosho normalno ladno davay
vsego svyazatsya menedzherom menedzher stat igrokom vosstanovit zashel zashla voyti verni
vernite podam sud postoyanno dlitsya kakie kakoy kakaya kakoe aktivirovat vizhu zhdu pishet
oshibka oshibku oshibki kuda delis propali propal propala proshla proshel proshlo doshlo doshli
dvazhdy dva raza oplata oplatu otvet otveta voobshe vobshe poka srazu bystro dolgo mnogo malo
vsegda nikogda napisal napishu sdelal sdelat poluchilos vopros voprosa problema problemy
stavka stavku stavki kazino ruletka bonusy bonusa vager otygrat turnir uroven lichnyy
personalnyy limity summa summu komissiya valyuta rubli tenge tochno vas vam nas nam ih svoy
tvoy prosto pravda kotoryy esli potomu poetomu tozhe takzhe zdes tam tuda syuda nikak uzhe
dobryy den dela vyhodit vhodit vyigrat kak-to
"""
_TRANSLIT_WEAK_WORDS = """
ne na da i v s k u o a po za ot do no ya ti on ona my vy kak tak pro moi moya moe moy vse
est li bonus limit karta net tut kod sms dobro
"""
_CANON_SUBS = (
    ("'", ""),
    ("shch", "sh"),
    ("sch", "sh"),
    ("kh", "h"),
    ("x", "h"),
    ("zh", "j"),
    ("yo", "e"),
    ("ts", "c"),
    ("y", "i"),
)


def _canon(word: str) -> str:
    for old, new in _CANON_SUBS:
        word = word.replace(old, new)
    return word


_TRANSLIT_STRONG = frozenset(_canon(w) for w in _words(_TRANSLIT_STRONG_WORDS))
_TRANSLIT_WEAK = frozenset(_canon(w) for w in _words(_TRANSLIT_WEAK_WORDS)) - _TRANSLIT_STRONG
_TRANSLIT_SUFFIX = re.compile(
    r"(?:ilsia|alsia|etsia|itsia|aetsia|iutsia|irovat|ovat|nost|ovaia|ennii|skii|ogo|ego|uiu"
    r"|iaet|aiut|iut)$"
)


def translit_score(text: str) -> tuple[float, int]:
    """(Russian-translit evidence, number of non-loanword words) for a Latin-script text.

    Plain ASCII only: Turkish, Spanish, Portuguese and German letters (ç ş ğ ñ ã é ü ß...)
    mean the text is not transliterated Russian.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if not words or not all(w.isascii() for w in words):
        return 0.0, len(words)
    words = [w for w in words if w not in _LOANWORDS]
    score = 0.0
    for w in words:
        c = _canon(w)
        if c in _TRANSLIT_STRONG:
            score += 1.0
        elif c in _TRANSLIT_WEAK:
            score += 0.25
        elif len(c) >= 6 and _TRANSLIT_SUFFIX.search(c):
            score += 0.5
    return score, len(words)


def _is_translit(score: float, n_words: int, best_latin: float) -> bool:
    if n_words == 0 or score < 1.0:
        return False
    ratio = score / n_words
    if n_words <= 3:
        return ratio >= 0.4
    return score >= 1.5 and ratio >= 0.34 and not (best_latin >= 0.95 and ratio < 0.5)


# Short messages: greetings and function words that give a Latin-script language away.
_LATIN_HINT_WORDS = {
    "en": """the my is are where when why how what please pls thanks thank thx hello hi hey help
    test can you your yes i'm don't didn't won't can't i've not was""",
    "de": """hallo danke bitte ich mein meine meinen ist nicht wo wie warum wann und das der die
    kein keine geld konto guten tag morgen abend euer ihr habe""",
    "es": """hola gracias mi mis donde cuando porque tengo quiero cuenta dinero buenas buenos
    tardes noches usted ustedes hice llega plata""",
    "pt": """oi ola obrigado obrigada meu minha cade nao voce voces conta dinheiro boa bom tudo
    valeu blz vcs tem caiu saque""",
    "tr": """merhaba selam tesekkur tesekkurler sagol sag tamam param hesabim neden nasil lutfen
    iyi gunaydin hesap nerede nerde var yok""",
}
_CYRILLIC_HINT_WORDS = {
    "uk": """який яка яке які що чому коли де мій моя мої мене мені гроші будь ласка дякую привіт
    добрий чи але немає вже ще це програв жити покличте можу зараз тиждень скільки потрібно
    треба рахунок картка картку виграш виведення кошти зробити""",
    "ru": """какой какая какое какие что почему когда где мой моя мои меня мне деньги пожалуйста
    спасибо привет уже еще это как нет могу можно нужно надо сколько счет карта карту выигрыш
    вывод средства сделать""",
}
_LATIN_HINTS: dict[str, str] = {
    word: lang for lang, words in _LATIN_HINT_WORDS.items() for word in _words(words)
}
_CYRILLIC_HINTS: dict[str, str] = {
    normalise(word): lang for lang, words in _CYRILLIC_HINT_WORDS.items() for word in _words(words)
}
_HINT_WEIGHT = 0.5


# -- the detector ----------------------------------------------------------------------------
class LanguageDetector:
    """Detects one of `languages` (ISO 639-1) for a message; None when undetermined."""

    def __init__(
        self,
        languages: Iterable[str] = DEFAULT_LANGUAGES,
        *,
        low_accuracy: bool = False,
        preload: bool = False,
    ) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        self.languages = tuple(dict.fromkeys(code.lower() for code in languages))
        self.low_accuracy = low_accuracy
        self._lingua_by_iso = {}
        for code in self.languages:
            iso = getattr(IsoCode639_1, code.upper(), None)
            if iso is None:
                raise ValueError(f"unknown ISO 639-1 language code: {code!r}")
            self._lingua_by_iso[code] = Language.from_iso_code_639_1(iso)

        def build(codes: tuple[str, ...]):
            langs = [self._lingua_by_iso[c] for c in codes if c in self._lingua_by_iso]
            if len(langs) < 2:
                return None
            builder = LanguageDetectorBuilder.from_languages(*langs)
            if low_accuracy:
                builder = builder.with_low_accuracy_mode()
            if preload:
                builder = builder.with_preloaded_language_models()
            return builder.build()

        self._cyrillic = build(_CYRILLIC_LANGS)
        self._latin = build(_LATIN_LANGS)

    # lingua's confidence values as {iso: value}
    @staticmethod
    def _confidences(detector, text: str) -> dict[str, float]:
        if detector is None or not text:
            return {}
        return {
            cv.language.iso_code_639_1.name.lower(): cv.value
            for cv in detector.compute_language_confidence_values(text)
        }

    def _only(self, codes: tuple[str, ...]) -> list[str]:
        return [c for c in codes if c in self.languages]

    def detect(self, text: str) -> LanguageResult:
        counts = script_counts(text)
        if not counts:
            return UNDETERMINED
        weighted = dict(counts)
        for s in weighted:
            if s not in ("latin", "other"):
                weighted[s] *= _NON_LATIN_WEIGHT
        if "latin" in weighted and len(weighted) > 1:
            # English casino words inside another script's message count half.
            loan = sum(len(w) for w in _WORD.findall(text) if w.lower() in _LOANWORDS)
            weighted["latin"] -= loan / 2
        script = max(weighted, key=lambda s: (weighted[s], s != "other"))
        if script == "other":
            return UNDETERMINED
        share = counts[script] / sum(counts.values())
        if script == "greek":
            return self._single("el", share, script)
        if script == "arabic":
            return self._single("fa", share, script)
        if script == "cyrillic":
            return self._detect_cyrillic(_words_of_script(text, "cyrillic"), share)
        return self._detect_latin(_words_of_script(text, "latin"), share)

    def _single(self, code: str, share: float, script: str) -> LanguageResult:
        if code not in self.languages:
            return LanguageResult(None, 0.0, script)
        return LanguageResult(code, round(min(1.0, 0.5 + share / 2), 4), script)

    def _detect_cyrillic(self, text: str, share: float) -> LanguageResult:
        allowed = self._only(_CYRILLIC_LANGS)
        candidates = [c for c in allowed if c not in _impossible_cyrillic(text)] or allowed
        if not candidates:
            return LanguageResult(None, 0.0, "cyrillic")
        if len(candidates) == 1:
            return LanguageResult(candidates[0], round(share, 4), "cyrillic")
        conf = self._confidences(self._cyrillic, text)
        for w in _WORD.findall(text):
            hint = _CYRILLIC_HINTS.get(normalise(w))
            if hint in conf:
                conf[hint] += _HINT_WEIGHT / 2
        best = max(candidates, key=lambda c: conf.get(c, 0.0))
        total = sum(conf.get(c, 0.0) for c in candidates) or 1.0
        return LanguageResult(best, round(conf.get(best, 0.0) / total * share, 4), "cyrillic")

    def _detect_latin(self, text: str, share: float) -> LanguageResult:
        candidates = self._only(_LATIN_LANGS)
        words = [normalise(w) for w in _WORD.findall(text)]
        if "ru" in self.languages:
            score, n_words = translit_score(text)
            if _is_translit(score, n_words, 0.0):
                ratio = min(1.0, score / n_words)
                return LanguageResult("ru", round(ratio * share, 4), "latin", translit=True)
        if not candidates:
            return LanguageResult(None, 0.0, "latin")
        if len(candidates) == 1:
            return LanguageResult(candidates[0], round(share, 4), "latin")
        if words and all(w in _LOANWORDS for w in words):
            # "bonus?", "KYC", "withdrawal pending": the casino's lingua franca.
            code = "en" if "en" in candidates else candidates[0]
            return LanguageResult(code, round(0.5 * share, 4), "latin")
        conf = self._confidences(self._latin, _strip_loanwords(text))
        for w in words:
            hint = _LATIN_HINTS.get(w)
            if hint in conf:
                conf[hint] += _HINT_WEIGHT
        best = max(candidates, key=lambda c: conf.get(c, 0.0))
        total = sum(conf.get(c, 0.0) for c in candidates) or 1.0
        return LanguageResult(best, round(conf.get(best, 0.0) / total * share, 4), "latin")


_default: LanguageDetector | None = None
_lock = threading.Lock()


def get_detector() -> LanguageDetector:
    """The shared detector for the configured languages, built on first use."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = LanguageDetector()
    return _default


def set_detector(detector: LanguageDetector | None) -> None:
    """Replace the shared detector (other languages, low-accuracy mode); None resets it."""
    global _default
    with _lock:
        _default = detector


def detect_language(text: str) -> LanguageResult:
    return get_detector().detect(text)
