"""The anti-phishing guard on agent replies: pure functions, no I/O.

The desk's hard rule (SEEDS.md §9): support never asks a player for a PIN, a password, a CVV/CVC,
a full card number or a one-time (SMS/2FA) code. `check_agent_reply(text)` returns a
`PhishingHit` when a reply *asks* for one of those, and None otherwise. Warnings ("we will never
ask for your PIN", "никому не сообщайте PIN-код") are the desk's daily bread and must pass.

How a reply is read, sentence by sentence (languages: en, ru, uk, kk, fa, el, tr, mn):

1. Normalise: lower case, no diacritics (ё→е, й→и, ş→s, ά→α), one form of the Persian/Arabic
   letters (ي→ی, ك→ک), ZWNJ as a space, every script's digits as ASCII. See `pii.fold`.
2. Find a sensitive object (PIN, password, CVV, card number, one-time code) and a request: an
   imperative or polite request verb (send, tell, write, give, provide, share, confirm…), a
   "we need your …" phrase or a "what is your …?" question. They must be at most
   `WINDOW` words apart in the same sentence.
3. Refuse to count it when a negation or warning governs the request: a negator right before
   the verb ("do not send", "не сообщайте", "μην στέλνετε", "битгий илгээгээрэй"), a
   never/no-one/fraud/"if someone asks" marker earlier in the sentence (not cut off by "but"),
   a negator between the verb and the object ("send the last digits, not the card number"),
   a negation right after the object ("номер карты присылать не нужно"), or "whether/if"
   between them ("tell us whether the SMS code arrived" asks about a fact, not the code).
   Turkish, Kazakh and Persian negate inside the verb (paylaşmayın, жібермеңіз, نفرستید): the
   negative forms simply are not request verbs.
4. Exceptions: the last 4 digits of a card ("send the last 4 digits of the card" is allowed:
   they identify a card and are printed on every receipt), "a card ending in 1234", password
   reset / change / recovery, and "enter/type it on the site, in the app, via the link, at the
   ATM" (a safe channel) unless the same clause says "to us / here / in this chat". "Enter"
   verbs ("enter your PIN") only count when the reply says where: here, in this chat, to us.

The English explanation is always in `PhishingHit.message`; when the reply is in another of the
desk's languages, the same explanation follows in that language.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from .errors import Invalid
from .pii import fold, fold_char

PIN = "pin"
PASSWORD = "password"
CVV = "cvv"
CARD_NUMBER = "card_number"
OTP = "otp"
KINDS = (CARD_NUMBER, CVV, OTP, PIN, PASSWORD)  # the order in which overlapping objects win
LANGUAGES = ("en", "ru", "uk", "kk", "fa", "el", "tr", "mn")

WINDOW = 10  # words between the request verb and the object


@dataclass(frozen=True)
class PhishingHit:
    kind: str  # one of KINDS
    language_guess: str  # one of LANGUAGES
    matched_text: str  # the reply's words from the request to the object, as written
    message: str  # why the reply was refused and what to do instead, for the agent


class PhishingRefused(Invalid):
    """An agent reply that asks for a secret; the API answers 422 with this code."""

    code = "phishing_refused"


# --------------------------------------------------------------------------- patterns


def _fold_pattern(pattern: str) -> str:
    return "".join(ch if ch.isascii() else fold_char(ch) for ch in pattern)


def _words(*alternatives: str) -> re.Pattern[str]:
    body = "|".join(_fold_pattern(a) for a in alternatives)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


# Sensitive objects; shared Latin abbreviations (pin, cvv, otp…) work in every language.
_OBJECTS: dict[str, re.Pattern[str]] = {
    CARD_NUMBER: _words(
        # en
        r"(?:full|complete|entire|whole|long)\s+(?:\w+\s+)?(?:card\s+)?(?:number|digits)",
        r"card\s*(?:number|no|num|#)s?",
        r"number\s+(?:on|of)\s+(?:the\s+front\s+of\s+)?(?:your|the)\s+(?:\w+\s+)?card",
        r"(?:16|sixteen)[\s-]digits?(?:\s+(?:card\s+)?number)?",
        r"all\s+(?:the\s+)?(?:16\s+)?(?:digits|numbers)\s+(?:of|on|from)\s+(?:your|the)\s+card",
        r"card\s+details",
        # ru
        r"номер\w*\s+(?:(?:вашей|своей|твоей|банковской|платежной|этой)\s+)*карт\w*",
        r"полн\w*\s+номер\w*(?:\s+(?:(?:вашей|своей|банковской)\s+)*карт\w*)?",
        r"(?:все|16)\s+цифр\w*(?:\s+(?:номера\s+)?(?:вашей\s+)?карт\w*)?",
        r"(?:данные|реквизиты)\s+(?:(?:вашей|своей|банковской)\s+)*карт\w*",
        # uk
        r"номер\w*\s+(?:(?:вашої|своєї|твоєї|банківської|платіжної)\s+)*картк\w*",
        r"(?:усі|всі|16)\s+цифр\w*(?:\s+(?:вашої\s+)?картк\w*)?",
        r"(?:дані|реквізити)\s+(?:(?:вашої|своєї|банківської)\s+)*картк\w*",
        # kk
        r"карта\w*\s+(?:толық\s+)?нөмір\w*",
        r"карточка\w*\s+(?:толық\s+)?нөмір\w*",
        r"толық\s+нөмір\w*",
        r"16\s+сан\w*",
        r"карта\w*\s+(?:деректер|мәлімет)\w*",
        # fa
        r"شماره\s*(?:ی\s*)?(?:کامل\s*)?(?:کارت|حساب\s*کارت)\w*",
        r"16\s*رقم\w*",
        r"(?:اطلاعات|مشخصات)\s*(?:کامل\s*)?کارت\w*",
        # el
        r"αριθμ\w*\s+(?:της\s+)?(?:\w+\s+)?καρτας",
        r"πληρη\s+αριθμ\w*",
        r"16ψηφι\w*(?:\s+αριθμ\w*)?",
        r"(?:ολα\s+τα\s+)?ψηφια\s+της\s+καρτας",
        r"στοιχει\w*\s+(?:της\s+)?(?:\w+\s+)?καρτας",
        # tr
        r"kart\w*\s+(?:numara|no\b)\w*",
        r"kart\s+bilgi\w*",
        r"16\s+haneli\w*(?:\s+\w+)?",
        r"(?:tum|butun)\s+(?:kart\s+)?(?:numara|rakam|hane)\w*",
        # mn
        r"карт\w*\s+(?:бүтэн\s+)?дугаар\w*",
        r"бүтэн\s+дугаар\w*",
        r"16\s+оронт\w*",
        r"картын\s+мэдээл\w*",
    ),
    CVV: _words(
        r"cvv2?",
        r"cvc2?",
        r"cvn",
        r"csc",
        r"(?:card\s+)?security\s+code",
        r"(?:three|3)[\s-]digit\s+code",
        r"(?:three|3)\s+digits\s+on\s+the\s+back",
        r"код\w*\s+безопасности",
        r"(?:три|3)\s+цифр\w*\s+(?:на|с)\s+(?:оборот\w*|обратн\w*\s+сторон\w*)",
        r"тр[её]хзначн\w*\s+код\w*",
        r"код\w*\s+безпеки",
        r"(?:три|3)\s+цифр\w*\s+(?:на|із|з)\s+(?:зворот\w*|звороті)",
        r"тризначн\w*\s+код\w*",
        r"қауіпсіздік\s+код\w*",
        r"(?:үш|3)\s+сан\w*",
        r"کد\s*امنیتی",
        r"کد\s*سه\s*رقمی",
        r"سی\s*وی\s*وی\s*2?",
        r"κωδικ\w*\s+ασφαλειας",
        r"(?:τρια|3)\s+ψηφια\s+(?:στο\s+)?πισω\w*",
        r"guvenlik\s+kod\w*",
        r"(?:3|uc)\s+haneli\s+kod\w*",
        r"аюулгүй\s+байдлын\s+код\w*",
    ),
    OTP: _words(
        r"(?:one[\s-]time|verification|confirmation|sms|text|2fa|two[\s-]factor"
        r"|authenticat\w*|login|otp)\s+(?:pass)?code",
        r"otp",
        r"code\s+(?:from|in)\s+(?:the\s+)?(?:sms|text|message)",
        r"code,?\s+(?:\w+\s+){0,4}(?:by|via|in\s+an?)\s+(?:sms|text)",
        r"код\w*,?\s+(?:\w+\s+){0,3}(?:в|по|через|у|із|з)\s+(?:смс|sms|сообщени\w*|повідомленн\w*)",
        r"код\w*\s+(?:из|с)\s+(?:смс|sms|сообщени\w*)",
        r"(?:смс|sms)[\s-]*код\w*",
        r"код\w*\s+подтверждени\w*",
        r"одноразов\w*\s+(?:код|парол)\w*",
        r"код\w*\s+(?:з|із)\s+(?:смс|sms|повідомлен\w*)",
        r"код\w*\s+підтвердженн\w*",
        r"одноразов\w*\s+код\w*",
        r"растау\s+код\w*",
        r"бір\s+реттік\s+(?:код|құпия\s+сөз)\w*",
        r"(?:смс|sms)\w*\s+(?:арқылы\s+)?келген\s+код\w*",
        r"رمز\s*(?:پویا|یک\s*بار\s*مصرف)",
        r"کد\s*(?:تایید|پیامک\w*|ارسال\s*شده|یک\s*بار\s*مصرف)",
        r"κωδικ\w*\s+(?:μιας\s+χρησης|επιβεβαιωσης|επαληθευσης|sms|otp)",
        r"sms\s+κωδικ\w*",
        r"(?:sms|dogrulama|onay)\s+kod\w*",
        r"tek\s+kullanimlik\s+(?:sifre|kod)\w*",
        r"(?:мессеж|sms|смс)\w*\s+(?:ирсэн\s+)?код\w*",
        r"баталгаажуулах\s+код\w*",
        r"нэг\s+удаагийн\s+код\w*",
    ),
    PIN: _words(
        r"pin(?:[\s-]*(?:code|number|kodu?|код\w*))?s?",
        r"personal\s+identification\s+number",
        r"пин(?:[\s-]*код\w*)?",
        r"пін(?:[\s-]*код\w*)?",
        r"پین(?:\s*کد)?",
        r"رمز\s*(?:اول\s*)?(?:کارت|عابر\s*بانک)\w*",
        r"رمز\s*اول",
        r"kart\w*\s+sifre\w*",
        r"atm\s+sifre\w*",
        r"нууц\s+код\w*",
    ),
    PASSWORD: _words(
        r"pass(?:word|code|phrase)s?",
        r"парол\w*",
        r"құпия\s*сөз\w*",
        r"رمز\s*(?:عبور|دوم|اینترنتی|حساب)\w*",
        r"رمز\w*",
        r"کلمه\s*(?:ی\s*)?عبور",
        r"پسورد\w*",
        r"گذرواژه\w*",
        r"κωδικ\w*\s+(?:προσβασης|εισοδου|του\s+λογαριασμου)",
        r"συνθηματικ\w*",
        r"sifre\w*",
        r"parola\w*",
        r"нууц\s+үг\w*",
    ),
}

# A few words, not crossing "and"/"or": how far a "last 4 digits" qualifier reaches.
_AND = r"(?:and|or|plus|и|или|та|і|або|және|мен|немесе|و|یا|και|ή|ve|veya|ile|ба|болон|эсвэл)"
_RUN = rf"(?:\s+(?!{_AND}(?!\w))\w+){{0,6}}"
_LEAD = rf"(?:(?!{_AND}(?!\w))[\w']+\s+){{0,5}}"

# An object inside one of these is not a secret being asked for.
_NOT_SECRET: dict[str, re.Pattern[str]] = {
    CARD_NUMBER: _words(
        rf"{_LEAD}last\s+(?:4|four){_RUN}",
        rf"{_LEAD}(?:ending|ends)\s+(?:in|with)",
        rf"{_LEAD}последн\w*\s+(?:4|четыре|четырех){_RUN}",
        rf"{_LEAD}(?:оканчива|заканчива)\w*\s+на",
        rf"{_LEAD}останн\w*\s+(?:4|чотири|чотирьох){_RUN}",
        rf"{_LEAD}закінчу\w*\s+на",
        rf"{_LEAD}соңғы\s+(?:4|төрт)\s+сан\w*{_RUN}",
        rf"{_LEAD}(?:4|چهار)\s*رقم\s*(?:اخر|آخر){_RUN}",
        rf"{_LEAD}τελευται\w*\s+(?:4|τεσσερα){_RUN}",
        rf"{_LEAD}son\s+(?:4|dort)\s+(?:hane|rakam)\w*{_RUN}",
        rf"{_LEAD}сүүлийн\s+(?:4|дөрвөн)\s+орон\w*{_RUN}",
    ),
    PASSWORD: _words(
        r"(?:reset|change|forgot(?:ten)?|recover|restore)\s+(?:your\s+|the\s+)?password",
        r"password[\s-]+(?:reset|change|recovery)\w*",
        r"(?:восстановлени|сброс|смен|изменени|восстанов)\w*\s+парол\w*",
        r"парол\w*\s+(?:можно\s+)?(?:сбросить|восстановить|сменить|изменить)",
        r"(?:відновлен|скидан|змін)\w*\s+парол\w*",
        r"құпия\s*сөз\w*\s+(?:қалпына|өзгерт|ауыстыр)\w*",
        r"(?:بازیابی|تغییر|فراموشی)\s*(?:رمز|کلمه\s*عبور)\w*",
        r"(?:επαναφορα|αλλαγη|ανακτηση)\w*\s+(?:του\s+)?κωδικ\w*(?:\s+προσβασης)?",
        r"sifre\w*\s+(?:sifirla|yenile|degistir|unut)\w*",
        r"нууц\s+үг\w*\s+(?:сэргээ|солих|солино)\w*",
    ),
}

# Request verbs: imperatives, polite requests, "we need your …", "what is your …?".
_REQUEST: dict[str, re.Pattern[str]] = {
    "en": _words(
        r"send|give|tell|type|write(?!\s+(?:it\s+)?down)|provide|share|confirm|submit|forward",
        r"dictate|read\s+(?:out|it\s+out|me|us)|spell\s+out|text\s+(?:us|me)|drop\s+(?:us|me)",
        r"let\s+(?:me|us)\s+know|reply\s+with|respond\s+with",
        r"(?:what\s+is|what's|whats|what\s+are)\s+(?:your|the)",
        r"(?:i|we)\s+(?:will\s+|would\s+|'ll\s+)?(?:need|require)\s+(?:your|the|to\s+(?:have|get|know))",
        r"(?:may|can|could)\s+(?:i|we)\s+(?:have|get|know)",
    ),
    "ru": _words(
        r"(?:при|от|вы|пере)шлите|пришли|присылайте|высылайте|отправ(?:ьте|ь|ляйте)",
        r"скиньте|скинь|скидывайте|сбросьте",
        r"сообщите|сообщи|сообщайте|скажите|скажи|говорите|назовите|назови|называйте",
        r"напишите|напиши|пишите|продиктуйте|продиктуй|диктуйте|укажите|укажи|указывайте",
        r"предоставьте|предоставь|дайте|подтвердите|подтверди|уточните|уточни|прикрепите",
        r"(?:нужно|надо|необходимо|требуется|прошу|просим|попрошу|можете|могли\s+бы|нужен|нужна|нужны)"
        r"(?:\s+\w+){0,2}?\s+(?:прислать|отправить|скинуть|сообщить|сказать|назвать|написать"
        r"|продиктовать|указать|предоставить|дать|подтвердить|переслать|выслать)",
        r"(?:мне|нам)\s+(?:\w+\s+)?(?:нужен|нужна|нужно|нужны|необходим\w*|требуется|потребуется)",
        r"(?:нужен|нужна|нужно|нужны|необходим\w*|требуется)\s+(?:\w+\s+)?(?:ваш\w*|тво\w*)",
        r"какой\s+(?:у\s+вас|ваш|у\s+тебя|твой)|какие\s+(?:у\s+вас|ваши)",
        r"не\s+забудьте\s+(?:\w+\s+)?(?:прислать|отправить|указать|сообщить|написать)",
    ),
    "uk": _words(
        r"надішліть|надішли|надсилайте|відправте|відправ|відправляйте|пришліть|перешліть",
        r"скиньте|скинь|повідомте|повідом|повідомляйте|скажіть|скажи|кажіть|назвіть|назви",
        r"напишіть|напиши|пишіть|продиктуйте|вкажіть|вкажи|зазначте|надайте|дайте|підтвердіть",
        r"(?:потрібно|треба|необхідно|прошу|просимо|можете|могли\s+б|потрібен|потрібна)"
        r"(?:\s+\w+){0,2}?\s+(?:надіслати|відправити|скинути|повідомити|сказати|назвати"
        r"|написати|продиктувати|вказати|надати|дати|підтвердити)",
        r"(?:мені|нам)\s+(?:\w+\s+)?(?:потрібен|потрібна|потрібно|потрібні|необхідн\w*)",
        r"(?:потрібен|потрібна|потрібно|потрібні|необхідн\w*)\s+(?:\w+\s+)?(?:ваш\w*|тві\w*|твоя)",
        r"який\s+(?:у\s+вас|ваш)|яка\s+(?:у\s+вас|ваша)",
        r"не\s+забудьте\s+(?:\w+\s+)?(?:надіслати|відправити|вказати|повідомити|написати)",
    ),
    "kk": _words(
        r"жібер(?:іңіз|іңізші|ші|сеңіз|іп\s+жіберіңіз)",
        r"жолда(?:ңыз|ңызшы|саңыз)",
        r"айт(?:ыңыз|ыңызшы|саңыз|ып\s+беріңіз)",
        r"жаз(?:ыңыз|ыңызшы|саңыз|ып\s+жіберіңіз)",
        r"бер(?:іңіз|іңізші|сеңіз)",
        r"көрсет(?:іңіз|іңізші)",
        r"хабарла(?:ңыз|ңызшы)",
        r"раста(?:ңыз|ңызшы)",
        r"(?:жіберу|айту|жазу|беру|көрсету|хабарлау)\s+(?:керек|қажет)",
        r"(?:бізге|маған)\s+(?:\w+\s+){0,3}?(?:керек|қажет)",
        r"қандай",
    ),
    "fa": _words(
        r"بفرست(?:ید|ین|)",
        r"(?:ارسال|اعلام|تایید|پیامک)\s*(?:کنید|کنین|کن|نمایید|بفرمایید|فرمایید)",
        r"بفرمایید",
        r"بگو(?:یید|ید|ین|)",
        r"بنویس(?:ید|ین|)",
        r"بد(?:هید|ید|ه)",
        r"در\s*اختیار\s*(?:ما\s*)?(?:قرار\s*(?:دهید|بدهید)|بگذارید)",
        r"(?:نیاز|احتیاج)\s*داریم",
        r"چیست|چیه",
    ),
    "el": _words(
        r"στειλ(?:τε|ε|ετε)|στελν(?:ετε|ε)|ξαναστειλτε",
        r"γραψ(?:τε|ε|ετε)|γραφετε",
        r"πειτε|πες|λετε|δωσ(?:τε|ε|ετε)|διν(?:ετε|ε)|αναφερ(?:ετε)",
        r"επιβεβαιωσ(?:τε|ετε)|πληκτρολογησ(?:τε|ετε)|μοιραστ(?:ειτε)|κοινοποιησ(?:τε|ετε)",
        r"υποβαλ(?:ετε)|χρειαζομαστε|χρειαζομαι|θα\s+χρειαστουμε",
        r"ποιος\s+ειναι\s+ο|ποιο\s+ειναι\s+το|ποιοι\s+ειναι\s+οι",
    ),
    "tr": _words(
        r"gonder(?:in|iniz|ir\s+misiniz|ebilir\s+misiniz)",
        r"yolla(?:yin|yiniz|r\s+misiniz|yabilir\s+misiniz)",
        r"ilet(?:in|iniz|ir\s+misiniz|ebilir\s+misiniz)",
        r"yaz(?:in|iniz|ar\s+misiniz|abilir\s+misiniz)",
        r"soyle(?:yin|yiniz|r\s+misiniz|yebilir\s+misiniz)",
        r"ver(?:in|iniz|ir\s+misiniz|ebilir\s+misiniz)",
        r"paylas(?:in|iniz|ir\s+misiniz|abilir\s+misiniz)",
        r"bildir(?:in|iniz|ir\s+misiniz|ebilir\s+misiniz)",
        r"belirt(?:in|iniz|ir\s+misiniz|ebilir\s+misiniz)",
        r"onayla(?:yin|yiniz)|dogrula(?:yin|yiniz)",
        r"ihtiyacimiz\s+var|gerekiyor|nedir",
        r"(?:gonder|yolla|ilet|yaz|paylas|bildir)meyi\s+unutmayin",
    ),
    "mn": _words(
        r"илгээ(?:нэ\s+үү|гээрэй|эрэй|ж\s+өгнө\s+үү|х\s+(?:шаардлагатай|хэрэгтэй))",
        r"явуул(?:на\s+уу|аарай|ж\s+өгнө\s+үү)",
        r"бич(?:нэ\s+үү|ээрэй|иж\s+өгнө\s+үү|иж\s+илгээнэ\s+үү)",
        r"хэл(?:нэ\s+үү|ээрэй|ж\s+өгнө\s+үү)",
        r"өг(?:нө\s+үү|өөрэй)",
        r"мэдэгд(?:энэ\s+үү|ээрэй)",
        r"баталгаажуул(?:на\s+уу|аарай)",
        r"(?:хэд|юу)\s+вэ",
    ),
}

# "Enter" verbs: a request only when the reply says the value goes to us (here, in this chat).
_ENTER: dict[str, re.Pattern[str]] = {
    "en": _words(r"enter|input|key\s+in"),
    "ru": _words(r"введите|вводите|введи"),
    "uk": _words(r"введіть|вводьте|введи"),
    "kk": _words(r"енгізіңіз|енгізіңізші|теріңіз"),
    "fa": _words(r"وارد\s*(?:کنید|کنین|کن|نمایید)"),
    "el": _words(r"εισαγ(?:ετε)|καταχωρ(?:ιστε|ειστε|ησετε)"),
    "tr": _words(r"girin|giriniz|tuslayin|tuslayiniz|girer\s+misiniz"),
    "mn": _words(r"оруул(?:на\s+уу|аарай)"),
}

_TO_US = _words(
    r"here|to\s+us|to\s+me|us|me|in\s+(?:this|the)\s+chat|in\s+(?:your\s+)?(?:reply|answer)"
    r"|below|back\s+to\s+us",
    r"нам|мне|сюда|здесь|тут|в\s+(?:этот\s+)?чат\w*|в\s+ответ\w*|ниже|в\s+(?:личн\w*|лс)",
    r"мені|сюди|тут|(?:в|у)\s+(?:цей\s+)?чат\w*|у\s+відповід\w*|нижче",
    r"бізге|маған|осында|осы\s+жерге|чатқа|жауап\s+ретінде",
    r"اینجا|همین\s*جا|برای\s+ما|به\s+ما|در\s+(?:این\s+)?(?:چت|گفتگو)|در\s+پاسخ",
    r"εδω|σε\s+μας|μας|στο\s+chat|στη\s+συνομιλια|σε\s+απαντηση",
    r"buraya|bize|bana|sohbete|bu\s+sohbet\w*|yanit\w*|cevap\w*",
    r"энд|бидэнд|надад|чат\w*",
)

_SAFE_CHANNEL = _words(
    r"(?:on|at|in|via|through|using)\s+(?:the\s+|our\s+|your\s+)?(?:official\s+|secure\s+)?"
    r"(?:website|site|app|application|page|login\s+page|payment\s+page|cashier|atm|terminal"
    r"|link|form|portal|bank(?:'s)?\s+app)",
    r"на\s+(?:официальн\w*\s+)?сайт\w*|в\s+приложени\w*|по\s+ссылке|в\s+банкомат\w*"
    r"|на\s+(?:защищенн\w*\s+)?страниц\w*|в\s+кассе|в\s+личном\s+кабинет\w*|в\s+терминал\w*",
    r"на\s+(?:офіційн\w*\s+)?сайт\w*|(?:у|в)\s+застосунк\w*|(?:у|в)\s+додатк\w*"
    r"|за\s+посиланням|(?:у|в)\s+банкомат\w*|на\s+сторінц\w*|(?:у|в)\s+особистому\s+кабінет\w*",
    r"сайт(?:та|қа)|қосымша(?:да|ға)|сілтеме\s+арқылы|банкомат(?:та|қа)|бетте"
    r"|жеке\s+кабинет\w*",
    r"در\s+(?:سایت|وب\s*سایت|اپلیکیشن|برنامه|درگاه|صفحه|دستگاه\s+عابر)\w*"
    r"|از\s+طریق\s+(?:لینک|درگاه|سایت)|درگاه\s+پرداخت",
    r"στην?\s+(?:επισημη\s+)?(?:ιστοσελιδα|εφαρμογη|σελιδα|πυλη)|στον\s+ιστοτοπο"
    r"|μεσω\s+(?:του\s+|της\s+)?(?:συνδεσμου|link|εφαρμογης)|στο\s+atm|στο\s+ταμειο",
    r"(?:resmi\s+)?(?:sitede|sitemizde|web\s+sitesinde|uygulamada|uygulamamizda|sayfada"
    r"|sayfasinda|atm'?de|kasada)|(?:baglanti|link)\s+uzerinden|linkten",
    r"сайт\s+дээр|апп\s+дээр|аппликейшн\w*|холбоос\w*|банкомат\w*|atm",
)

# A negator that governs a verb right after it (at most one word between).
_NEGATOR = _words(
    r"do\s+not|don'?t|dont|never|not|no\s+need\s+to|must\s+not|mustn'?t|should\s+not"
    r"|shouldn'?t|(?:do|does|did)n'?t\s+(?:need|have)\s+to|will\s+not|won'?t",
    r"не|нельзя|не\s+нужно|не\s+надо|не\s+требуется|не\s+стоит|ни",
    r"не\s+треба|не\s+потрібно|ні",
    r"μην?|δεν|ουτε|οχι",
    r"бүү|битгий",
)
# A negation after the object: "номер карты присылать не нужно", "göndermenize gerek yok".
_POST_NEGATOR = _words(
    r"not\s+(?:needed|required|necessary)|no\s+need",
    r"не\s+(?:нужно|надо|нужен|нужна|требуется|стоит|обязательно)|нельзя",
    r"не\s+(?:потрібно|треба|потрібен|потрібна|варто|обов'?язково)",
    r"(?:қажеті|керегі)\s+жоқ|жоқ|емес",
    r"(?:نیازی|لازم)\s+نیست|نیست",
    r"δεν\s+(?:χρειαζεται|ειναι\s+απαραιτητ\w*)",
    r"gerek\s+yok|gerekmez|yok|degil",
    r"шаардлагагүй|хэрэггүй",
)
# A negator followed by one of these does not negate a request ("don't worry, send…").
_NEGATOR_NEUTRAL = _words(
    r"(?:do\s+not|don'?t|dont)\s+(?:worry|hesitate|forget|wait|panic|be\s+afraid)",
    r"не\s+(?:могли|могли\s+бы|подскажете|забудьте|забудь|забывайте|волнуйтесь|переживайте"
    r"|беспокойтесь|стесняйтесь|бойтесь|торопитесь|сочтите|откажите|затруднит)",
    r"не\s+(?:могли\s+б|забудьте|забувайте|хвилюйтеся|турбуйтеся|соромтеся|бійтеся|переживайте"
    r"|поспішайте|відмовте)",
    r"(?:μην?)\s+(?:ανησυχειτε|ξεχασετε|ξεχνατε|διστασετε|δισταζετε)",
)
# A warning that governs everything after it in the sentence (until "but").
_WARNING = _words(
    r"never|nobody|no\s+one|no-one|anyone|anybody|under\s+no\s+circumstances"
    r"|under\s+any\s+circumstances|scam\w*|fraud\w*|phishing|impostor\w*|if\s+(?:someone|somebody"
    r"|anyone|a\s+message|you\s+(?:get|receive))",
    r"никогда|никому|ни\s+в\s+коем\s+случае|ни\s+при\s+каких\s+(?:условиях|обстоятельствах)"
    r"|мошенник\w*|злоумышленник\w*|фишинг\w*|третьим\s+лицам"
    r"|если\s+(?:кто-?то|кто-?нибудь|кто-?либо|вас\s+попрос\w*|у\s+вас\s+попрос\w*|вам\s+\w+ят)",
    r"ніколи|нікому|в\s+жодному\s+разі|за\s+жодних\s+умов|шахра\w*|зловмисник\w*|фішинг\w*"
    r"|третім\s+особам|якщо\s+(?:хтось|вас\s+попрос\w*|у\s+вас\s+попрос\w*)",
    r"ешқашан|ешкімге|ешкім|ешбір\s+жағдайда|алаяқ\w*|егер\s+біреу",
    r"هرگز|هیچ\s*وقت|هیچ\s*گاه|به\s+هیچ\s+(?:عنوان|وجه)|هیچ\s*کس|کلاهبردار\w*|فیشینگ"
    r"|اگر\s+کسی",
    r"ποτε|ουδεποτε|σε\s+κανεναν|κανεις|σε\s+καμια\s+περιπτωση|απατεων\w*|απατη\w*"
    r"|(?:αν|εαν)\s+καποιος",
    r"asla|hicbir\s+(?:zaman|sekilde|kosulda)|kimse(?:yle|ye)?|dolandirici\w*|eger\s+biri"
    r"|biri\s+sizden",
    r"хэзээ\s+ч|хэнд\s+ч|хэнтэй\s+ч|луйвар\w*|хэрэв\s+хэн\s+нэгэн",
)
# Between the verb and the object these turn the request into a yes/no question about a fact:
# "tell us whether the SMS code arrived", "сообщите, если код не пришёл".
_WHETHER = _words(
    r"whether|if",
    r"ли|если",
    r"чи|якщо",
    r"егер",
    r"آیا|اگر",
    r"αν|εαν",
    r"eger",
    r"хэрэв",
)
_CONTRAST = _words(
    r"but|however|instead|though|although",
    r"но|однако|а|зато|вместо\s+этого",
    r"але|проте|натомість",
    r"бірақ|алайда|оның\s+орнына",
    r"اما|ولی|بلکه|در\s+عوض",
    r"αλλα|ομως|αντιθετα|αντι\s+γι'?\s*αυτο",
    r"ama|fakat|ancak|bunun\s+yerine",
    r"гэхдээ|харин|оронд\s+нь",
)
# English: "we send", "I'll give you" are the agent's own actions, not requests.
_EN_AGENT_SUBJECT = {"we", "i", "ll", "will", "shall", "have", "has", "had", "they", "it"}
_SENTENCES = re.compile(r"[^.!?;\n؟؛…]+")
_WORD = re.compile(r"\w+")


# --------------------------------------------------------------------------- messages

_KIND_NAMES: dict[str, dict[str, str]] = {
    "en": {
        PIN: "a PIN",
        PASSWORD: "a password",
        CVV: "a CVV/CVC code",
        CARD_NUMBER: "the full card number",
        OTP: "a one-time (SMS/2FA) code",
    },
    "ru": {
        PIN: "PIN-код",
        PASSWORD: "пароль",
        CVV: "код CVV/CVC",
        CARD_NUMBER: "полный номер карты",
        OTP: "одноразовый код (SMS/2FA)",
    },
    "uk": {
        PIN: "PIN-код",
        PASSWORD: "пароль",
        CVV: "код CVV/CVC",
        CARD_NUMBER: "повний номер картки",
        OTP: "одноразовий код (SMS/2FA)",
    },
    "kk": {
        PIN: "PIN-код",
        PASSWORD: "құпия сөз",
        CVV: "CVV/CVC коды",
        CARD_NUMBER: "картаның толық нөмірі",
        OTP: "бір реттік код (SMS/2FA)",
    },
    "fa": {
        PIN: "رمز کارت (PIN)",
        PASSWORD: "رمز عبور",
        CVV: "کد CVV/CVC",
        CARD_NUMBER: "شماره کامل کارت",
        OTP: "کد یک‌بارمصرف (پیامک/2FA)",
    },
    "el": {
        PIN: "το PIN",
        PASSWORD: "τον κωδικό πρόσβασης",
        CVV: "τον κωδικό CVV/CVC",
        CARD_NUMBER: "τον πλήρη αριθμό της κάρτας",
        OTP: "κωδικό μιας χρήσης (SMS/2FA)",
    },
    "tr": {
        PIN: "PIN",
        PASSWORD: "şifre",
        CVV: "CVV/CVC kodu",
        CARD_NUMBER: "kartın tam numarası",
        OTP: "tek kullanımlık kod (SMS/2FA)",
    },
    "mn": {
        PIN: "ПИН код",
        PASSWORD: "нууц үг",
        CVV: "CVV/CVC код",
        CARD_NUMBER: "картын бүтэн дугаар",
        OTP: "нэг удаагийн код (SMS/2FA)",
    },
}

_MESSAGES: dict[str, str] = {
    "en": (
        "Reply not sent: it asks the player for {kind}. Support never asks for a PIN, password, "
        "CVV/CVC, full card number or one-time SMS code. Ask the player to use the secure "
        "payment page or to verify through their host; to tell cards apart, the last 4 digits "
        "are enough."
    ),
    "ru": (
        "Ответ не отправлен: в нём у игрока запрашивается {kind}. Поддержка никогда не просит "
        "PIN-код, пароль, CVV/CVC, полный номер карты или одноразовый код из SMS. Предложите "
        "игроку воспользоваться защищённой страницей оплаты или пройти проверку через своего "
        "персонального менеджера; чтобы различить карты, достаточно последних 4 цифр."
    ),
    "uk": (
        "Відповідь не надіслано: у ній у гравця запитують {kind}. Підтримка ніколи не просить "
        "PIN-код, пароль, CVV/CVC, повний номер картки чи одноразовий код із SMS. Запропонуйте "
        "гравцеві скористатися захищеною сторінкою оплати або пройти перевірку через свого "
        "персонального менеджера; щоб розрізнити картки, достатньо останніх 4 цифр."
    ),
    "kk": (
        "Жауап жіберілмеді: онда ойыншыдан {kind} сұралады. Қолдау қызметі ешқашан PIN-кодты, "
        "құпия сөзді, CVV/CVC кодын, картаның толық нөмірін немесе SMS арқылы келген бір "
        "реттік кодты сұрамайды. Ойыншыға қорғалған төлем бетін пайдалануды немесе жеке "
        "менеджері арқылы растаудан өтуді ұсыныңыз; карталарды ажырату үшін соңғы 4 сан жеткілікті."
    ),
    "fa": (
        "این پاسخ ارسال نشد: در آن از بازیکن {kind} خواسته شده است. پشتیبانی هرگز رمز کارت، "
        "رمز عبور، CVV/CVC، شماره کامل کارت یا کد یک‌بارمصرف پیامکی را درخواست نمی‌کند. از "
        "بازیکن بخواهید از صفحه پرداخت امن استفاده کند یا از طریق مدیر اختصاصی خود احراز هویت "
        "شود؛ برای تشخیص کارت، چهار رقم آخر کافی است."
    ),
    "el": (
        "Η απάντηση δεν στάλθηκε: ζητά από τον παίκτη {kind}. Η υποστήριξη δεν ζητά ποτέ PIN, "
        "κωδικό πρόσβασης, CVV/CVC, πλήρη αριθμό κάρτας ή κωδικό μιας χρήσης από SMS. Ζητήστε "
        "από τον παίκτη να χρησιμοποιήσει την ασφαλή σελίδα πληρωμής ή να επαληθευτεί μέσω του "
        "προσωπικού του υπεύθυνου· για να ξεχωρίσετε τις κάρτες αρκούν τα 4 τελευταία ψηφία."
    ),
    "tr": (
        "Yanıt gönderilmedi: oyuncudan {kind} isteniyor. Destek ekibi asla PIN, şifre, CVV/CVC, "
        "kartın tam numarası veya SMS ile gelen tek kullanımlık kod istemez. Oyuncudan güvenli "
        "ödeme sayfasını kullanmasını ya da kişisel temsilcisi aracılığıyla doğrulama yapmasını "
        "isteyin; kartları ayırt etmek için son 4 hane yeterlidir."
    ),
    "mn": (
        "Хариуг илгээсэнгүй: тоглогчоос {kind} асууж байна. Тусламжийн алба хэзээ ч ПИН код, "
        "нууц үг, CVV/CVC, картын бүтэн дугаар эсвэл SMS-ээр ирсэн нэг удаагийн код асуудаггүй. "
        "Тоглогчид төлбөрийн аюулгүй хуудсыг ашиглах эсвэл хувийн менежерээрээ дамжуулан "
        "баталгаажуулахыг санал болгоно уу; картыг ялгахад сүүлийн 4 орон хангалттай."
    ),
}


def explain(kind: str, language: str = "en") -> str:
    """The refusal text for the agent: English, then the reply's language when it differs."""
    english = _MESSAGES["en"].format(kind=_KIND_NAMES["en"][kind])
    if language == "en" or language not in _MESSAGES:
        return english
    return english + "\n\n" + _MESSAGES[language].format(kind=_KIND_NAMES[language][kind])


# --------------------------------------------------------------------------- analysis


def guess_language(text: str) -> str:
    """en, ru, uk, kk, fa, el, tr or mn, from the letters the text is written in."""
    counts = {"cyr": 0, "arab": 0, "greek": 0, "latin": 0}
    for ch in text:
        o = ord(ch)
        if 0x0400 <= o <= 0x04FF:
            counts["cyr"] += 1
        elif 0x0600 <= o <= 0x06FF or 0xFB50 <= o <= 0xFEFF:
            counts["arab"] += 1
        elif 0x0370 <= o <= 0x03FF or 0x1F00 <= o <= 0x1FFF:
            counts["greek"] += 1
        elif (ch.isascii() and ch.isalpha()) or ch in "şğıİçöüŞĞÇÖÜ":
            counts["latin"] += 1
    script = max(counts, key=lambda k: counts[k])
    if counts[script] == 0:
        return "en"
    if script == "arab":
        return "fa"
    if script == "greek":
        return "el"
    if script == "latin":
        return "tr" if any(ch in "şğıİçöüŞĞÇÖÜ" for ch in text) else "en"
    low = text.lower()
    if any(ch in "әғқңұһ" for ch in low):
        return "kk"
    if any(ch in "ієїґ" for ch in low):
        return "kk" if "і" in low and any(ch in "үө" for ch in low) else "uk"
    if any(ch in "өү" for ch in low) or _MONGOLIAN_WORDS.search(low):
        return "mn"
    return "ru"


_MONGOLIAN_WORDS = re.compile(r"(?<!\w)(?:уу|вэ|бэ|байна|юу|юугаар|бид|танд|таны|энэ бол)(?!\w)")
_SCRIPT = {"en": "latin", "tr": "latin", "ru": "cyr", "uk": "cyr", "kk": "cyr", "mn": "cyr"}
_SCRIPT_DEFAULT = {"en", "ru"}  # what guess_language says when no telltale letter is seen


def _reply_language(guess: str, verb_language: str) -> str:
    """The text's own letters decide, except that a verb can name a language they cannot."""
    same_script = _SCRIPT.get(guess, guess) == _SCRIPT.get(verb_language, verb_language)
    if same_script and guess in _SCRIPT_DEFAULT:
        return verb_language
    return guess


Span = tuple[int, int]


class _Sentence:
    """One sentence of the folded reply, with its words and markers found once."""

    def __init__(self, f: str, lo: int, hi: int) -> None:
        self.f, self.lo, self.hi = f, lo, hi
        self.word_starts = [m.start() for m in _WORD.finditer(f, lo, hi)]
        neutral = [m.span() for m in _NEGATOR_NEUTRAL.finditer(f, lo, hi)]
        self.negators = [
            m.span()
            for m in _NEGATOR.finditer(f, lo, hi)
            if not any(a <= m.start() < b for a, b in neutral)
        ]
        self.post_negators = [m.span() for m in _POST_NEGATOR.finditer(f, lo, hi)]
        self.warnings = [m.span() for m in _WARNING.finditer(f, lo, hi)]
        self.contrasts = [m.start() for m in _CONTRAST.finditer(f, lo, hi)]
        self.whether = [m.start() for m in _WHETHER.finditer(f, lo, hi)]
        self.breaks = [i for i in range(lo, hi) if f[i] in ",،:"]
        self.to_us = [m.start() for m in _TO_US.finditer(f, lo, hi)]
        self.safe = [m.start() for m in _SAFE_CHANNEL.finditer(f, lo, hi)]

    @staticmethod
    def _any_in(starts: list[int], a: int, b: int) -> bool:
        i = bisect_left(starts, a)
        return i < len(starts) and starts[i] < b

    def says_to_us(self, clause: Span) -> bool:
        return self._any_in(self.to_us, *clause)

    def says_safe_channel(self, clause: Span) -> bool:
        return self._any_in(self.safe, *clause)

    def words_between(self, a: int, b: int) -> int:
        """How many words start in [a, b)."""
        if a >= b:
            return 0
        return bisect_left(self.word_starts, b) - bisect_left(self.word_starts, a)

    def clause(self, pos: int) -> Span:
        """The part of the sentence around `pos` between commas (or colons)."""
        i = bisect_left(self.breaks, pos)
        start = self.breaks[i - 1] + 1 if i > 0 else self.lo
        end = self.hi
        for j in range(i, len(self.breaks)):
            if self.f[self.breaks[j]] != ":":
                end = self.breaks[j]
                break
        return start, end

    def negated(self, v: Span, o: Span) -> bool:
        (va, vb), (oa, ob) = v, o
        later = max(vb, ob)
        # "номер карты присылать не нужно": a negation shortly after the object, same clause.
        _, clause_end = self.clause(oa)
        i = bisect_left(self.post_negators, (ob, -1))
        for na, _nb in self.post_negators[i : i + 3]:
            if na < clause_end and self.words_between(ob, na) <= 3:
                return True
        # "do not send", "не сообщайте": a negator right before the verb.
        i = bisect_left(self.negators, (va, -1))
        for _na, nb in self.negators[max(0, i - 2) : i]:
            if nb <= va and self.words_between(nb, va) <= 1:
                return True
        # "tell us whether the code arrived": a question about a fact, not the value.
        if vb <= oa and self._any_in(self.whether, vb, oa):
            return True
        # "send the last digits, not the card number": a negator between verb and object.
        i = bisect_left(self.negators, (min(vb, ob), -1))
        if i < len(self.negators) and self.negators[i][1] <= max(va, oa):
            return True
        # "never …", "if someone asks …": a warning earlier in the sentence, not cut by "but".
        i = bisect_left(self.warnings, (later, -1))
        if i > 0:
            wb = self.warnings[i - 1][1]
            c = bisect_left(self.contrasts, wb)
            cut = c < len(self.contrasts) and self.contrasts[c] < later
            if not cut and self.words_between(wb, min(va, oa)) <= 40:
                return True
        return False


def _objects(s: _Sentence) -> list[tuple[str, int, int]]:
    f, lo, hi = s.f, s.lo, s.hi
    taken = bytearray(hi - lo)
    found: list[tuple[str, int, int]] = []
    for kind in KINDS:
        exclude = _NOT_SECRET.get(kind)
        allowed = bytearray(hi - lo)
        if exclude is not None:
            for e in exclude.finditer(f, lo, hi):
                allowed[e.start() - lo : e.end() - lo] = b"\x01" * (e.end() - e.start())
        for m in _OBJECTS[kind].finditer(f, lo, hi):
            a, b = m.start() - lo, m.end() - lo
            if all(allowed[a:b]) or any(taken[a:b]):
                continue  # "last 4 digits of the card", or a more specific object covers it
            taken[a:b] = b"\x01" * (b - a)
            found.append((kind, m.start(), m.end()))
    return sorted(found, key=lambda x: x[1])


def _en_agent_is_subject(f: str, a: int, b: int, lo: int) -> bool:
    """English "we will send you…", "I'll give you…": the agent acts, nobody is asked."""
    before = _WORD.findall(f, max(lo, a - 40), a)[-3:]
    for word in reversed(before):
        if word in {"you", "please", "kindly"}:
            return False
        if word in _EN_AGENT_SUBJECT:
            return True
    after = _WORD.findall(f, b, min(len(f), b + 12))
    return bool(after) and after[0] == "you"


def _requests(s: _Sentence) -> list[tuple[str, int, int]]:
    f, lo, hi = s.f, s.lo, s.hi
    found: list[tuple[str, int, int]] = []
    for lang in LANGUAGES:
        for m in _REQUEST[lang].finditer(f, lo, hi):
            if lang == "en" and _en_agent_is_subject(f, m.start(), m.end(), lo):
                continue
            clause = s.clause(m.start())
            if s.says_safe_channel(clause) and not s.says_to_us(clause):
                continue  # "type it on the login page", "enter it at the ATM"
            found.append((lang, *m.span()))
        for m in _ENTER[lang].finditer(f, lo, hi):
            if s.says_to_us(s.clause(m.start())):
                found.append((lang, *m.span()))
    return found


def find_phishing(text: str) -> list[PhishingHit]:
    """Every request for a secret in `text`, in reading order (one per sentence at most)."""
    f = fold(text)
    hits: list[PhishingHit] = []
    reply_language = guess_language(text)
    for match in _SENTENCES.finditer(f):
        s = _Sentence(f, *match.span())
        objects = _objects(s)
        if not objects:
            continue
        starts = [a for _, a, _ in objects]
        best: tuple[int, str, str, int, int] | None = None
        for lang, va, vb in _requests(s):
            # Only objects that can be within WINDOW words of the verb.
            window_lo = s.word_starts[max(0, bisect_left(s.word_starts, va) - WINDOW - 10)]
            k = bisect_left(s.word_starts, vb) + WINDOW + 1
            window_hi = s.word_starts[k] if k < len(s.word_starts) else s.hi
            for kind, oa, ob in objects[bisect_left(starts, window_lo) :]:
                if oa > window_hi:
                    break
                gap = s.words_between(min(vb, ob), max(va, oa))
                if gap > WINDOW or s.negated((va, vb), (oa, ob)):
                    continue
                candidate = (gap, kind, lang, min(va, oa), max(vb, ob))
                if best is None or candidate < best:
                    best = candidate
        if best is not None:
            _, kind, lang, a, b = best
            language = _reply_language(reply_language, lang)
            hits.append(PhishingHit(kind, language, text[a:b], explain(kind, language)))
    return hits


def check_agent_reply(text: str) -> PhishingHit | None:
    """The first request for a PIN, password, CVV, full card number or one-time code, if any."""
    hits = find_phishing(text)
    return hits[0] if hits else None


def ensure_not_phishing(text: str) -> None:
    """Raise `PhishingRefused` (422) when the reply asks for a secret."""
    hit = check_agent_reply(text)
    if hit is not None:
        raise PhishingRefused(
            hit.message,
            {"kind": hit.kind, "language": hit.language_guess, "matched": hit.matched_text},
        )
