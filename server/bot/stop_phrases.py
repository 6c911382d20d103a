"""Stop-phrases: rules that send a player to a person, in all eleven configured languages.

The rules run on `normalise(text)`: case-folded, diacritics removed (é→e, ё→е, й→и, ş→s,
tonos dropped), Persian/Arabic letter variants unified (ي→ی, ك→ک, ة→ه, ZWNJ removed),
Turkish dotless ı→i, Arabic-Indic digits→ASCII, whitespace collapsed. The patterns are written
in their natural spelling and normalised the same way when compiled, so "Verifizierung
abgelehnt", "verifizierung ABGELEHNT" and "verıfızıerung abgelehnt" hit the same rule.

Every pattern is matched against every message whatever its detected language: a player whose
language is misdetected must still reach a person. A hit carries a category; the category
decides the hand-off, the most urgent priority it implies and which intent it speaks for.

Categories (see CATEGORIES): money_missing, payment_failed (P1, the seed's "payment
failed"), security (P1, the seed's "security"), self_harm (P1), gambling_harm (P2),
kyc (P2, the seed's "KYC"), account_blocked (P2, a stop-list factor in seed 001),
regulator (P2: complaints to a regulator, court, police), fraud (P2: "you are scammers"),
human (P2: the player asks for a person), and vip (no hand-off of its own; a hint).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["CATEGORIES", "Category", "Hit", "is_smalltalk", "match", "normalise"]

# -- normalisation ------------------------------------------------------------------------

_CHAR_MAP = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh -> Persian yeh
        "ى": "ی",  # alef maksura
        "ئ": "ی",
        "ك": "ک",  # Arabic kaf -> Persian keheh
        "ة": "ه",
        "ۀ": "ه",
        "ؤ": "و",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ـ": None,  # tatweel
        "\u200c": None,  # ZWNJ (Persian half-space): "نمی‌خوام" == "نمیخوام"
        "ı": "i",  # Turkish dotless i (people type both)
        "’": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "‘": "'",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
    }
)
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Case, diacritics and letter variants folded; one space between words."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # NFKD splits й/ї/ё into base + mark; the marks are gone, so й->и, ї->і, ё->е.
    text = text.translate(_CHAR_MAP)
    return _SPACES.sub(" ", text).strip()


# -- categories ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    handoff: bool
    priority: str | None  # the most urgent priority a hit implies
    intent: str | None = None  # the intent the rule speaks for
    boost: float = 0.0  # added to that intent's score (1.0 decides it)


CATEGORIES: dict[str, Category] = {
    c.name: c
    for c in (
        Category("self_harm", True, "P1", "responsible_gambling", 1.0),
        Category("money_missing", True, "P1"),
        Category("payment_failed", True, "P1", "deposit_problem", 0.4),
        Category("security", True, "P1", "account_access", 0.6),
        Category("gambling_harm", True, "P2", "responsible_gambling", 0.6),
        Category("regulator", True, "P2", "complaint", 0.6),
        Category("fraud", True, "P2", "complaint", 0.3),
        Category("kyc", True, "P2", "verification_kyc", 0.4),
        Category("account_blocked", True, "P2", "account_access", 0.2),
        Category("human", True, "P2", "other", 0.5),
        Category("vip", False, None, "vip_services", 0.3),
        Category("dissatisfied", False, None, "complaint", 0.35),
        Category("faq", False, None, "general_faq", 0.3),
        Category("smalltalk", False, None, "other", 0.8),
        Category("login", False, None, "account_access", 0.3),
    )
}


@dataclass(frozen=True, slots=True)
class Hit:
    category: str
    lang: str  # the language whose rule matched
    phrase: str  # the matched text (normalised)


# -- the rules ------------------------------------------------------------------------------
# Money-missing is built per language from three parts: a money noun and a "did not arrive /
# disappeared / was charged" verb in the same sentence, within 50 characters, in either
# order; plus direct "where is my money" phrases.
_GAP = r"[^.!?\n]{0,50}?"

_MONEY: dict[str, tuple[str, str, str]] = {
    # lang: (money nouns, missing/charged verbs, direct phrases)
    "en": (
        r"money|funds|cash|deposit\w*|withdraw\w*|payout\w*|cash ?out|payment\w*|winnings"
        r"|win|won|balance|transfer\w*|bet|stake|btc|crypto|usdt",
        r"disappeared|vanished|gone|missing|never (?:arrived|came|showed|got)"
        r"|not (?:arrived|received|credited|showing|shown|there|reflected|updated|added|paid)"
        r"|(?:didn'?t|did not|hasn'?t|has not|haven'?t|have not|wasn'?t|was not|never|isn'?t"
        r"|is not|not)(?: been| yet| even)? (?:arrive\w*|come|received?|credited|show\w*"
        r"|go(?:ne)? through|get it|got it|update\w*|added|reflect\w*|paid|appear\w*)"
        r"|charged|debited|deducted|(?:was|were|got|been) taken|taken from|on hold"
        r"|nothing (?:arrived|on my)|still (?:0|zero|empty)",
        r"where(?:'s|s| is| are)? (?:is |are )?(?:my|the) (?:money|funds|cash|winnings|balance"
        r"|deposit)|where did (?:my|the) (?:money|funds|cash|winnings|balance) go"
        r"|(?:my|the) money (?:is )?gone|missing (?:money|funds|deposit|withdrawal|payment)",
    ),
    "ru": (
        r"деньг\w*|денег|бабк\w*|бабло|средств\w*|вывод\w*|выплат\w*|депозит\w*|пополнени\w*"
        r"|платеж\w*|оплат\w*|выигрыш\w*|баланс\w*|перевод\w*|ставк\w*"
        r"|den'?g\w*|deneg|vyvod\w*|vivod\w*|vyplat\w*|depozit\w*|popolneni\w*|platezh\w*"
        r"|oplat\w*|vyigrysh\w*|balans\w*",
        r"пропал\w*|исчез\w*|не пришл\w*|не приход\w*|не приш\w*|не дошл\w*|не дош\w*"
        r"|не поступ\w*|не зачисл\w*|не начисл\w*|не отобража\w*|не получил\w*|не вижу"
        r"|не обнов\w*|списал\w*|списан\w*|сняли|задвоил\w*|дважды|два раза|нет на"
        r"|так и не|на балансе ноль"
        r"|propal\w*|ischez\w*|ne prish\w*|ne prih\w*|ne doshl\w*|ne doshel|ne postup\w*"
        r"|ne zachisl\w*|ne nachisl\w*|spisal\w*|spisan\w*|dvazhdy",
        r"где (?:мои |моя |мой )?(?:деньги|бабки|бабло|выигрыш|средства)"
        r"|куда (?:делись|пропали|ушли|подевались) (?:мои )?деньги"
        r"|gde (?:moi |moya )?(?:den'?gi|babki|vyigrysh)|kuda delis|kuda propali",
    ),
    "uk": (
        r"грош\w*|кошт\w*|виведен\w*|вивід|виплат\w*|депозит\w*|поповнен\w*|платіж|платеж\w*"
        r"|оплат\w*|виграш\w*|баланс\w*|ставк\w*|переказ\w*",
        r"зник\w*|пропал\w*|не прийшл\w*|не приход\w*|не надійш\w*|не дійшл\w*|не зарахов\w*"
        r"|не нарахов\w*|не відобража\w*|не отрима\w*|не оновив\w*|списал\w*|списан\w*|зняли"
        r"|двічі|два рази|немає на|баланс не змінився",
        r"де (?:мої )?(?:гроші|кошти|виграш)|куди (?:поділися|зникли|пропали) (?:мої )?"
        r"(?:гроші|кошти)",
    ),
    "kk": (
        r"ақша\w*|қаражат\w*|шығару\w*|төлем\w*|депозит\w*|толтыру\w*|ұтыс\w*|баланс\w*"
        r"|ставка\w*|аударым\w*",
        r"жоғал\w*|түспеді|түскен жоқ|түспей\w*|келмеді|келген жоқ|келмей\w*|есептелмеді"
        r"|есептелген жоқ|көрінбейді|алынды|шешілді|шегерілді|екі рет|жаңармады",
        r"ақша\w* қайда|қайда кетті|ақша жоқ",
    ),
    "fa": (
        r"پول\w*|وجه|مبلغ|برداشت\w*|واریز\w*|شارژ|موجودی\w*|برد\w*|شرط\w*|تراکنش\w*|پرداخت\w*",
        r"نیومده|نیامده|نرسیده|نرسید|نشده|نشد|غیب شد|گم شد\w*|ناپدید|کم شد|کسر شد\w*|کم کرد"
        r"|رفت|حساب نکرد|آپدیت نشد|نیومد|نمیاد|دوبار|دو بار|صفره",
        r"پول\w*(?: من)? (?:کجاست|کجا رفت|کو)\b|پولمو (?:پس )?بدید",
    ),
    "el": (
        r"λεφτα|χρηματα|χρημα|ποσο|αναληψ\w*|καταθεσ\w*|πληρωμ\w*|κερδ\w*|υπολοιπο|στοιχημα",
        r"χαθηκ\w*|εξαφανιστ\w*|δεν (?:ηρθ\w*|ερχ\w*|πιστωθηκ\w*|πιστωνετ\w*|εμφανιζετ\w*"
        r"|φαινετ\w*|ελαβα|πηρα|ενημερωθηκ\w*)|χρεωθηκ\w*|πηραν τα|διπλη χρεωση|δυο φορεσ"
        r"|μηδεν",
        r"που (?:ειναι |πηγαν )?τα (?:λεφτα|χρηματα|κερδη)",
    ),
    "mn": (
        r"мөнгө\w*|төлбөр\w*|цэнэглэ\w*|татах|татсан|хожил\w*|үлдэгдэл\w*|баланс\w*"
        r"|бооцоо\w*|данс\w*",
        r"алга|ороогүи|орсонгүи|орж ирээгүи|ирээгүи|ирсэнгүи|хасагдсан|хасагдаад"
        r"|суутгагдсан|суутгасан|шинэчлэгдээгүи|харагдахгүи|хоёр удаа|өөрчлөгдөөгүи",
        r"мөнгө\w*(?: минь| маань)? хаана|мөнгө хаашаа",
    ),
    "tr": (
        r"para\w*|bakiye\w*|yatirim\w*|cekim\w*|odeme\w*|kazanc\w*|bahis\w*|bahsim|havale\w*"
        r"|deposit\w*|balance\w*",
        r"gelmedi|gelmiyor|yatmadi|yansimadi|gecmedi|gorunmuyor|kayboldu|yok oldu|gitti"
        r"|cekildi|kesildi|dustu|guncellenmedi|iki (?:kez|kere|defa)|alindi",
        r"param ner(?:e)?de|para(?:m|miz)? nereye gitti",
    ),
    "es": (
        r"dinero|plata|fondos|saldo|retiro\w*|deposit\w*|pago\w*|ganancia\w*|premio\w*"
        r"|apuesta\w*|transferencia\w*|balance",
        r"desaparec\w*|no (?:me )?(?:ha |han |se )?(?:llego|llegado|llega|aparece|aparecio"
        r"|acredit\w*|reflej\w*|recibi\w*|pagaron|actualiz\w*)|me (?:cobraron|descontaron"
        r"|quitaron)|cobrado|descontad\w*|dos veces|sigue en cero|no hay nada",
        r"donde (?:esta|estan|quedo|fue) (?:mi|mis|el) (?:dinero|plata|retiro|ganancias|saldo)"
        r"|a donde fue mi (?:dinero|plata)",
    ),
    "pt": (
        r"dinheiro|grana|saldo|saque\w*|deposit\w*|pagamento\w*|pix|ganho\w*|premio\w*"
        r"|aposta\w*|transferencia\w*|fundos|valor",
        r"sumiu|sumiram|desaparec\w*|nao (?:caiu|chegou|entrou|apareceu|aparece|foi creditad\w*"
        r"|creditou|recebi|atualizou|pagaram|tem nada)|so entrou uma|debitad\w*|descontad\w*"
        r"|cobrad\w*|descontaram|cobraram|duas vezes",
        r"cade (?:o )?(?:meu|minha|meus) (?:dinheiro|saque|grana|saldo|ganhos)"
        r"|onde (?:esta|foi parar) (?:o )?meu dinheiro|pra onde foi (?:o )?meu dinheiro",
    ),
    "de": (
        r"geld\w*|guthaben|kontostand|auszahlung\w*|einzahlung\w*|zahlung\w*|gewinn\w*"
        r"|einsatz|betrag|uberweisung\w*",
        r"verschwunden|weg|fehlt|nicht (?:angekommen|erhalten|gutgeschrieben|sichtbar"
        r"|aktualisiert|da|bekommen|ausgezahlt)|nie angekommen|nichts angekommen|abgebucht"
        r"|abgezogen|doppelt|zweimal|belastet|ist 0",
        r"wo (?:ist|bleibt) (?:mein|das) (?:geld|gewinn|guthaben)|wohin ist mein geld",
    ),
}

_RULES: dict[str, dict[str, str]] = {
    "payment_failed": {
        "en": r"payment (?:has )?(?:failed|declined|rejected|error)|(?:card|payment|transaction"
        r"|deposit) (?:was |got |is |has )?(?:declined|failed|rejected)|failed (?:payment"
        r"|deposit|transaction)|charged twice|double charged|error \d{3} at checkout",
        "ru": r"(?:платеж\w*|оплат\w*|депозит\w*|пополнени\w*|транзакци\w*) не прош\w*"
        r"|не прош\w* (?:платеж|оплата)|ошибка (?:платежа|оплаты|банка)|банк отклонил"
        r"|отклонил\w* (?:платеж|оплат\w*)|платеж завис|oplata ne proshla|platezh ne proshel"
        r"|ne proshla oplata",
        "uk": r"(?:платіж|оплата|депозит|поповнення) не пройш\w*|не пройш\w* (?:платіж|оплата)"
        r"|банк відхилив|помилка (?:платежу|оплати)",
        "kk": r"(?:төлем|толтыру) (?:өтпеді|өтпей\w*|қабылданбады)|банк қабылдамады",
        "fa": r"(?:پرداخت|تراکنش) ناموفق|(?:پرداخت|واریز) انجام نشد|درگاه\w* (?:پرداخت )?خطا"
        r"|بانک رد کرد",
        "el": r"(?:πληρωμη|καταθεση|συναλλαγη) (?:απετυχε|απορριφθηκε|δεν περασε)"
        r"|απορριφθηκε απο την τραπεζα|αποτυχια πληρωμησ",
        "mn": r"(?:төлбөр|цэнэглэлт) (?:амжилтгүи|хийгдсэнгүи)|банк (?:төлбөрийг )?татгалзсан",
        "tr": r"(?:odeme|yatirim|islem) (?:basarisiz|reddedildi|olmadi)|banka reddetti",
        "es": r"(?:pago|deposito|transaccion) (?:fallo|rechazad\w*|fue rechazado|no paso)"
        r"|fallo el pago|error en el pago|tarjeta rechazada|rechazado por el banco",
        "pt": r"(?:pagamento|deposito|transacao|pix) (?:falhou|recusad\w*|foi recusado"
        r"|nao passou|nao foi aprovado)|cartao recusado|erro no pagamento",
        "de": r"(?:zahlung|einzahlung|transaktion|karte) (?:ist |wurde )?(?:fehlgeschlagen"
        r"|abgelehnt)|fehlgeschlagene (?:zahlung|einzahlung)|von der bank abgelehnt",
    },
    "security": {
        "en": r"hack\w*|someone (?:logged|got into|entered|accessed|used|changed)|not me\b"
        r"|wasn'?t me|didn'?t make|unauthori[sz]ed|phishing|stolen (?:card|account|identity)"
        r"|security|unknown device|without my (?:permission|knowledge|consent)",
        "ru": r"взлом\w*|кто[- ]?то (?:зашел|вошел|вывел|заходил|воспользовал\w*)|это не я"
        r"|без (?:моего ведома|моего согласия|спроса)|чуж\w* (?:устройств\w*|карт\w*)"
        r"|фишинг|безопасност\w*|украл\w*|vzlom\w*|kto-?to zash\w*",
        "uk": r"злам\w*|хтось (?:зайшов|увійшов|вивів)|це не я|без мого (?:відома|дозволу)"
        r"|фішинг|безпек\w*|вкрал\w*",
        "kk": r"бұзып|бұзды|біреу (?:кірді|кірген|кіріп)|бұл мен емес|менсіз|рұқсатсыз"
        r"|қауіпсіздік\w*|ұрла\w*",
        "fa": r"هک|یکی (?:وارد|رمز)|من نبودم|بدون (?:اطلاع|اجازه)|فیشینگ|امنیت\w*|دزدید\w*",
        "el": r"χακαρ\w*|καποιοσ (?:μπηκε|συνδεθηκε)|δεν ημουν εγω|χωρισ (?:αδεια|την αδεια)"
        r"|ασφαλει\w*|κλεψαν|υποκλοπ\w*",
        "mn": r"хакерд\w*|хак\w*|хэн нэгэн|би биш|зөвшөөрөлгүи|аюулгүи байдал\w*|хулгайл\w*",
        "tr": r"hack\w*|hesabima (?:baskasi|biri) gir\w*|biri (?:hesabima )?gir\w*|ben degildim"
        r"|izinsiz|guvenlik|calindi|calinmis|oltalama",
        "es": r"hacke\w*|jaque\w*|alguien (?:entro|inicio sesion|accedio|uso)|no fui yo"
        r"|sin (?:mi )?(?:permiso|autorizacion|consentimiento)|seguridad"
        r"|robaron (?:mi|la) (?:cuenta|tarjeta)|suplantacion",
        "pt": r"hacke\w*|invadi\w*|alguem (?:entrou|acessou|usou)|nao fui eu"
        r"|sem (?:minha )?(?:permissao|autorizacao)|seguranca|clonaram"
        r"|roubaram (?:minha )?conta",
        "de": r"gehackt|hack\w*|jemand hat sich|war nicht ich|ich war es nicht|ich war das nicht"
        r"|ohne (?:meine )?(?:erlaubnis|zustimmung|wissen)|sicherheit\w*|gestohlen",
    },
    "self_harm": {
        "en": r"kill myself|suicid\w*|end (?:it all|my life|it tonight)|going to end it"
        r"|want to die|wanna die|(?:don'?t|do not) want to live|no reason to live"
        r"|no point (?:in )?(?:living|anymore)|(?:can'?t|cannot) go on|take my (?:own )?life"
        r"|hurt myself|self[- ]harm",
        "ru": r"покончить с собои|убить себя|убью себя|суицид\w*|самоубииств\w*|не хочу жить"
        r"|жить (?:больше )?не хочу|смысла жить|все законч\w*|повешусь|выпрыгну"
        r"|pokonchit s soboi|ne hochu zhit|ubit sebya|suicid\w*",
        "uk": r"покінчити з собою|вбити себе|суіцид\w*|самогубств\w*|не хочу жити"
        r"|сенсу жити",
        "kk": r"өзімді өлтір\w*|өзіме қол салу\w*|өмір сүргім келмеиді|өмірдің мәні жоқ"
        r"|өлгім келеді|суицид\w*",
        "fa": r"خودکشی|خودمو بکشم|خودم را بکشم|نمی ?خوام زندگی کنم|زندگی برام معنی نداره"
        r"|نمی ?خوام زنده باشم|میخوام بمیرم",
        "el": r"αυτοκτον\w*|θελω να πεθανω|δεν θελω να ζω|τελειωσω τη ζωη μου"
        r"|δεν εχει νοημα η ζωη|βλαψω τον εαυτο μου",
        "mn": r"амиа хорло\w*|амиа егүүтгэ\w*|амьдрах хүсэлгүи|амьдрах утгагүи|үхмээр баина"
        r"|өөрийгөө ала\w*",
        "tr": r"intihar\w*|kendimi oldur\w*|olmek istiyorum|yasamak istemiyorum"
        r"|yasamanin anlami yok|canima kiy\w*",
        "es": r"suicid\w*|me quiero matar|quitarme la vida|matarme|no quiero vivir"
        r"|la vida no tiene sentido|quiero morir\w*",
        "pt": r"suicid\w*|me matar|quero morrer|nao quero (?:mais )?viver"
        r"|tirar (?:a )?minha (?:propria )?vida|a vida nao tem sentido",
        "de": r"umbringen|suizid\w*|selbstmord|nicht mehr leben|will sterben"
        r"|leben hat keinen sinn|mir (?:was|etwas) antun",
    },
    "gambling_harm": {
        "en": r"self[- ]?exclu\w*|cooling[- ]off|cool[- ]off|addict\w*|gambling problem"
        r"|problem gambling|(?:can'?t|cannot) stop|lost everything|ruin\w* my life"
        r"|block me from|break from gambling|in debt|loss limit|deposit limit|gamstop|gamcare",
        "ru": r"самоисключ\w*|самоограничен\w*|зависимост\w*|лудоман\w*|не могу остановит\w*"
        r"|не могу перестать|проиграл\w* (?:все|зарплату|последн\w*)|в долгах"
        r"|лимит на (?:депозит\w*|пополнени\w*|ставки|проигрыш)|паузу"
        r"|заблокируите меня|zavisimost\w*|ne mogu ostanovit\w*|ludoman\w*|samoisklyuch\w*"
        r"|proigral\w* vse",
        "uk": r"самовиключ\w*|самообмеж\w*|залежніст\w*|лудоман\w*|не можу зупинит\w*"
        r"|програв\w* (?:все|зарплату)|в боргах|ліміт на (?:депозит\w*|поповнен\w*)|паузу"
        r"|заблокуите мене",
        "kk": r"тәуелді\w*|лудоман\w*|тоқтаи алмаи\w*|өзімді (?:оиыннан )?шекте\w*"
        r"|шектеу қои\w*|лимит қои\w*|үзіліс\w*|бәрін ұтылдым|жалақымды ұтыл\w*|қарызға бат\w*",
        "fa": r"اعتیاد|معتاد|محروم کنم|خود ?محرومی|نمیتونم (?:دست بکشم|جلوی خودمو بگیرم"
        r"|تمومش کنم|بس کنم)|سقف واریز|محدودیت (?:واریز|شرط|باخت)|همه چیز?(?:مو|و) باختم"
        r"|حقوقمو باختم|زیر بار قرض",
        "el": r"αυτοαποκλεισ\w*|αποκλεισω τον εαυτο μου|εθισ\w*|δεν μπορω να σταματησω"
        r"|οριο (?:καταθεσ\w*|απωλει\w*)|παυση|τα εχασα ολα|χρωσταω",
        "mn": r"донт\w*|өөрийгөө (?:тоглоомоос )?хасуул\w*|зогсож чадахгүи|хязгаар тогтоо\w*"
        r"|лимит тогтоо\w*|завсарлага|бүгдийг (?:нь )?алдсан|өрөнд орсон",
        "tr": r"bagiml\w*|kendimi (?:oyundan )?(?:men|engelle|yasakla)\w*|duramiyorum"
        r"|birakamiyorum|ara vermek|limit koy\w*|yatirim limiti|her seyimi kaybettim"
        r"|her seyi kaybettim|borc icinde\w*|hesabimi (?:\w+ )?(?:kapatin|dondurun)",
        "es": r"autoexclu\w*|excluirme|adicci\w*|ludopat\w*|no puedo (?:parar|dejar)"
        r"|limite de deposito|pausa de|perdi todo|endeudad\w*|juego demasiado",
        "pt": r"autoexclu\w*|me excluir|vicio|viciad\w*|nao consigo parar|limite de deposito"
        r"|pausa de|perdi tudo|endividad\w*|aposto demais",
        "de": r"sperren lassen|selbst ?ausschlie\w*|selbstsperre|spielsucht\w*|suchtig"
        r"|kann nicht aufhoren|einzahlungslimit|verlustlimit|pause von|alles verloren"
        r"|schulden",
    },
    "regulator": {
        "en": r"regulator|gambling commission|ukgc|\bmga\b|curacao|ombudsman|lawyer|attorney"
        r"|\bsue\b|court|police|legal action|chargeback|askgamblers|trustpilot|report you"
        r"|consumer protection",
        "ru": r"регулятор\w*|\bсуд\b|в суд|судом|юрист\w*|адвокат\w*|полици\w*|прокуратур\w*"
        r"|роспотребнадзор|кюрасао|v sud|policiy\w*|prokuratur\w*|regulyator\w*",
        "uk": r"регулятор\w*|краіл|\bсуд\b|до суду|юрист\w*|адвокат\w*|поліці\w*"
        r"|прокуратур\w*",
        "kk": r"реттеуші\w*|сотқа|сотта|\bсот\b|заңгер\w*|адвокат\w*|полиция\w*"
        r"|прокуратура\w*",
        "fa": r"شکایت (?:میکنم|خواهم کرد)|دادگاه|وکیل|پلیس|فتا|نهاد نظارت\w*",
        "el": r"εεεπ|ρυθμιστ\w*|δικαστ\w*|δικηγορ\w*|αστυνομ\w*|καταγγελ\w*|καταγγειλ\w*"
        r"|εισαγγελ\w*",
        "mn": r"зохицуулах байгууллага\w*|шүүх\w*|хуульч\w*|өмгөөлөгч\w*|цагдаа\w*"
        r"|прокурор\w*",
        "tr": r"lisans kurum\w*|sikayet edecegim|mahkeme\w*|avukat\w*|polis\w*|savcilik\w*"
        r"|tuketici|sikayetvar|\bdava\b",
        "es": r"autoridad (?:de juego|del juego)|regulador\w*|dgoj|coljuegos|demand(?:ar|are)\w*"
        r"|denunci\w*|abogad\w*|policia|tribunal\w*|juzgado|profeco",
        "pt": r"procon|reclame aqui|reclameaqui|regulador\w*|processar (?:voces|vcs)"
        r"|vou processar|advogad\w*|policia|justica|tribunal",
        "de": r"glucksspielbehorde|behorde|aufsicht\w*|anwalt|anwaltin|gericht\w*|verklag\w*"
        r"|polizei|anzeige|verbraucherschutz",
    },
    "fraud": {
        "en": r"scam\w*|fraud\w*|rigged|thie(?:f|ves)|\bstole\b|cheat\w*",
        "ru": r"мошенни\w*|обман\w*|развод\w*|лохотрон\w*|кидал\w*|кидаете|\bворы\b|жулик\w*"
        r"|moshenni\w*|razvod\w*|obman\w*|lohotron",
        "uk": r"шахра\w*|обман\w*|злодіі|лохотрон",
        "kk": r"алаяқ\w*|алдау\w*|алдап|ұры\w*",
        "fa": r"کلاه ?بردار\w*|دزد\w*|تقلب\w*",
        "el": r"απατ\w*|κλεφτ\w*|κλοπη",
        "mn": r"луивар\w*|хулгаич\w*|хууран мэхл\w*|залил\w*",
        "tr": r"dolandirici\w*|dolandiricilik|sahtekar\w*|hirsiz\w*",
        "es": r"estaf\w*|fraude\w*|ladron\w*|\brobo\b|trampa\w*",
        "pt": r"golpe\w*|golpista\w*|fraude\w*|ladr(?:ao|oes)|\broubo\b|roubaram",
        "de": r"betrug\w*|betruger\w*|abzocke\w*|\bdiebe\b|manipuliert",
    },
    "kyc": {
        "en": r"\bkyc\b|\baml\b|source of (?:funds|wealth)"
        r"|(?:verif\w*|documents?|\bid\b|passport)[^.!?\n]{0,40}(?:rejected|declined|failed"
        r"|stuck|pending|not accepted|refused)|(?:rejected|declined|refused)[^.!?\n]{0,20}"
        r"(?:documents?|verification|\bid\b)",
        "ru": r"источник\w* средств|(?:верификац\w*|документ\w*|паспорт\w*|проверк\w*)"
        r"[^.!?\n]{0,40}(?:отклон\w*|не прох\w*|не принял\w*|завис\w*|висит)"
        r"|отклонил\w*[^.!?\n]{0,20}(?:документ\w*|верификац\w*|фото)"
        r"|(?:dokument\w*|verifikac\w*)[^.!?\n]{0,30}(?:otklon\w*|ne proh\w*|visit)"
        r"|otklonil\w*[^.!?\n]{0,20}(?:dokument\w*|verifikac\w*)",
        "uk": r"джерел\w* коштів|(?:верифікац\w*|документ\w*|паспорт\w*|перевірк\w*)"
        r"[^.!?\n]{0,40}(?:відхил\w*|не прох\w*|не приинял\w*|завис\w*|висить)"
        r"|відхилил\w*[^.!?\n]{0,20}(?:документ\w*|верифікац\w*)",
        "kk": r"қаражат көз\w*|(?:верификаци\w*|құжат\w*)[^.!?\n]{0,40}(?:қабылдамады"
        r"|өте алма\w*|қаиырып жіберді|қаитарып жіберді|бас тарт\w*)|верификациядан өте алма\w*",
        "fa": r"منبع (?:درآمد|وجوه)|(?:احراز هویت\w*|مدارک\w*)[^.!?\n]{0,30}(?:رد شد|تایید نشد"
        r"|انجام نمیشه|در انتظار)",
        "el": r"προελευσ\w* (?:χρηματων|κεφαλαιων)|(?:επαληθευσ\w*|ταυτοποιησ\w*|εγγραφ\w*)"
        r"[^.!?\n]{0,40}(?:απορριφθ\w*|αποτυγχαν\w*|εκκρεμ\w*)"
        r"|απερριψαν[^.!?\n]{0,30}(?:εγγραφ\w*|ταυτοποιησ\w*|επαληθευσ\w*)",
        "mn": r"орлогын эх үүсвэр\w*|(?:баталгаажуулалт\w*|бичиг баримт\w*)[^.!?\n]{0,40}"
        r"(?:татгалз\w*|амжилтгүи|буцаас\w*|удаж)|(?:татгалзсан|буцаасан)[^.!?\n]{0,20}"
        r"бичиг баримт",
        "tr": r"gelir kaynag\w*|kaynak belgesi|(?:dogrulama\w*|belge\w*|kimli\w*)[^.!?\n]{0,40}"
        r"(?:reddedil\w*|basarisiz|onaylanmadi)",
        "es": r"origen de (?:los )?fondos|justificante de fondos|(?:verificacion\w*|documento\w*"
        r"|\bdni\b)[^.!?\n]{0,40}(?:rechaz\w*|fall\w*|pendiente)"
        r"|rechazaron[^.!?\n]{0,20}(?:documento\w*|verificacion)",
        "pt": r"origem dos fundos|comprovante de renda|(?:verificacao|documento\w*)[^.!?\n]{0,40}"
        r"(?:recusad\w*|falh\w*|pendente|rejeitad\w*)|recusaram[^.!?\n]{0,20}"
        r"(?:documento\w*|verificacao)",
        "de": r"herkunftsnachweis|mittelherkunft|(?:verifizierung\w*|dokument\w*|ausweis\w*)"
        r"[^.!?\n]{0,40}(?:abgelehnt|fehl\w*|ausstehend)|abgelehnt[^.!?\n]{0,20}"
        r"(?:dokument\w*|verifizierung)",
    },
    "account_blocked": {
        "en": r"account (?:is |was |got |has been )?(?:blocked|locked|suspended|frozen|closed"
        r"|disabled|banned)|(?:blocked|locked|suspended|banned|closed) my account",
        "ru": r"(?:аккаунт\w*|акк\w*|учетн\w* запис\w*|профил\w*|счет)[^.!?\n]{0,20}"
        r"(?:заблокир\w*|заморож\w*|забанил\w*|закрыт\w*)|(?:заблокировали|забанили)"
        r" (?:мои )?(?:аккаунт|акк)|(?:akkaunt|akk)[^.!?\n]{0,15}(?:zablokir\w*|zabanil\w*)",
        "uk": r"(?:акаунт\w*|обліков\w*|профіл\w*)[^.!?\n]{0,20}(?:заблок\w*|заморож\w*"
        r"|закрит\w*)|заблокували (?:міи )?акаунт\w*",
        "kk": r"(?:аккаунт\w*|есептік жазба\w*)[^.!?\n]{0,20}(?:бұғатта\w*|жабыл\w*)"
        r"|бұғаттап тастады",
        "fa": r"(?:حساب\w*|اکانت\w*)[^.!?\n]{0,15}(?:مسدود|بسته شد|بلاک)",
        "el": r"λογαριασμ\w*[^.!?\n]{0,20}(?:μπλοκαρ\w*|κλειδωμεν\w*|κλειδωθηκ\w*|ανεστα\w*)"
        r"|(?:εκλεισαν|μπλοκαραν) τον λογαριασμο",
        "mn": r"(?:акаунт\w*|данс\w*|бүртгэл\w*)[^.!?\n]{0,20}(?:блоклогд\w*|түгжигд\w*"
        r"|хаагд\w*|хаасан)",
        "tr": r"hesab\w*[^.!?\n]{0,20}(?:kilitlen\w*|bloke|askiya|donduruldu|kapattiniz"
        r"|kapatildi|engellen\w*)",
        "es": r"cuenta[^.!?\n]{0,20}(?:bloquead\w*|suspendid\w*|congelad\w*|cerrad\w*"
        r"|inhabilitad\w*)|(?:cerraron|bloquearon|suspendieron) (?:mi |la )?cuenta",
        "pt": r"conta[^.!?\n]{0,20}(?:bloquead\w*|suspens\w*|congelad\w*|fechad\w*"
        r"|desativad\w*)|(?:fecharam|bloquearam|suspenderam) (?:minha |a )?conta",
        "de": r"konto[^.!?\n]{0,20}(?:gesperrt|blockiert|geschlossen|eingefroren|deaktiviert)"
        r"|(?:gesperrt|geschlossen) (?:mein )?konto",
    },
    "human": {
        "en": r"(?:real|live|actual) (?:person|human|agent)|(?:talk|speak|chat) (?:to|with) "
        r"(?:a |an )?(?:human|person|agent|operator|someone)|\boperator\b|\bhuman\b",
        "ru": r"оператор\w*|живо\w* человек\w*|живым человеком|позовите|operator\w*"
        r"|zhiv\w* chelovek\w*",
        "uk": r"оператор\w*|жив\w* люд\w*|покличте",
        "kk": r"оператор\w*|тірі адам\w*",
        "fa": r"اپراتور|آدم واقعی|انسان واقعی|کارشناس",
        "el": r"με ανθρωπο|εκπροσωπ\w*|πραγματικο ατομο",
        "mn": r"оператор\w*|амьд хүн\w*",
        "tr": r"canli (?:temsilci|destek|kisi)|gercek (?:bir )?insan|operator",
        "es": r"agente humano|persona real|hablar con (?:un |una )?(?:persona|humano|agente"
        r"|operador)|operador\w*",
        "pt": r"atendente humano|pessoa de verdade|pessoa real|falar com (?:um |uma )?"
        r"(?:atendente|pessoa|humano)|operador\w*",
        "de": r"mit einem menschen|echten menschen|mitarbeiter sprechen|verbinden sie mich"
        r"|mit einem mitarbeiter|operator",
    },
    "vip": {
        "*": r"\bvip\b|\bвип\b|\bвіп\b|\bβιπ\b|وی ?آی ?پی|high ?roller|хаироллер"
        r"|персональн\w* менеджер|персональн\w* менеджер|жеке менеджер|хувийн менежер"
        r"|personal (?:account )?manager|gestor de cuenta|gerente de conta|kundenbetreuer"
        r"|hesap yonetici\w*|مدیر حساب",
    },
}


# Soft hints: no hand-off of their own, they lean the intent.
_RULES["dissatisfied"] = {
    "en": r"complain\w*|complaint|terrible|awful|horrible|worst|useless|unacceptable"
    r"|disgusting|unhappy|dissatisfied|ridiculous|rude|pathetic|shameful",
    "ru": r"жалоб\w*|пожалу[юй]\w*|ужасн\w*|отвратительн\w*|худш\w*|недовол\w*|безобрази\w*"
    r"|хамств\w*|позор\w*|кошмар\w*|uzhasn\w*|zhalob\w*",
    "uk": r"скарг\w*|поскарж\w*|жахлив\w*|огидн\w*|незадовол\w*|найгірш\w*|ганьб\w*",
    "kk": r"шағым\w*|нашар|жаман|көңілім толмаиды|наразы\w*|масқара",
    "fa": r"شکایت|افتضاح|ضعیف|راضی نیستم|بدترین|مزخرف",
    "el": r"παραπον\w*|χαλια|απαραδεκτ\w*|δυσαρεστημεν\w*|χειροτερ\w*|αισχο\w*",
    "mn": r"гомдол\w*|аймшигтаи|сэтгэл хангалуун бус|муу баина|муухаи",
    "tr": r"sikayet\w*|berbat|rezalet|memnun degil\w*|en kotu|skandal",
    "es": r"queja\w*|reclam\w*|pesim\w*|malisim\w*|horrible|insatisfech\w*|\bpeor\b|verguenza",
    "pt": r"reclama\w*|pessim\w*|horrivel|insatisfeit\w*|\bpior\b|vergonha|absurdo",
    "de": r"beschwer\w*|katastrophe|miserabel\w*|unzufrieden|schlechteste\w*|unverschamt"
    r"|frechheit|unmoglich",
}
_RULES["faq"] = {
    "en": r"minimum|maximum|\bfees?\b|commission|licen[cs]\w*|\bapp\b|android|iphone|24/7"
    r"|currenc\w*|payment methods|which countries|opening hours",
    "ru": r"минимальн\w*|максимальн\w*|комисси\w*|лицензи\w*|приложени\w*|валют\w*"
    r"|способ\w* (?:пополнения|оплаты|вывода)|круглосуточно|minimaln\w*|prilozheni\w*"
    r"|licenzi\w*",
    "uk": r"мінімальн\w*|максимальн\w*|комісі\w*|ліцензі\w*|додаток|додатк\w*|валют\w*"
    r"|цілодобово|способи оплати",
    "kk": r"ең аз|ең көп|комиссия\w*|лицензия\w*|қосымша\w*|валюта\w*|тәулік бойы"
    r"|төлем әдіс\w*",
    "fa": r"حداقل|حداکثر|کارمزد|مجوز|اپلیکیشن|\bاپ\b|ارز\w*|24 ساعته|روش ?های پرداخت",
    "el": r"ελαχιστ\w*|μεγιστ\w*|προμηθει\w*|αδεια λειτουργιασ|εφαρμογ\w*|νομισμ\w*"
    r"|24 ωρ\w*|τροποι πληρωμ\w*",
    "mn": r"хамгийн бага|хамгийн их|шимтгэл|тусгаи зөвшөөрөл\w*|апп|валют\w*|24 цаг"
    r"|төлбөрийн арга\w*",
    "tr": r"minimum|en az|maksimum|komisyon|lisans\w*|uygulama\w*|7/24|para birimi"
    r"|odeme yontem\w*",
    "es": r"minimo|maximo|comision|licencia|aplicacion|\bapp\b|moneda\w*|24 horas|horario"
    r"|metodos de pago",
    "pt": r"minimo|maximo|\btaxa\b|licenca|aplicativo|\bapp\b|moeda\w*|24 horas|horario"
    r"|formas de pagamento",
    "de": r"mindest\w*|maximal\w*|gebuhr\w*|lizenz|\bapp\b|wahrung\w*|rund um die uhr"
    r"|zahlungsmethoden|zahlungsarten",
}

_RULES["login"] = {
    "en": r"password|log ?in|sign ?in|2fa|two[- ]factor|sms code|reset (?:link|email)"
    r"|email address|phone number|(?:can'?t|cannot|unable to) (?:log|sign|get) in",
    "ru": r"парол\w*|войти|зайти|вход\w*|логин\w*|смс|не приходит код|код подтверждения"
    r"|почт\w*|номер телефона|parol\w*|voiti|zaiti|voyti",
    "uk": r"парол\w*|увіити|заити|вхід|логін|смс|не приходить код|пошт\w*|номер телефону",
    "kk": r"құпия сөз\w*|кіре алма\w*|кіру|смс|sms|пошта\w*|код келмеиді",
    "fa": r"رمز\w*|وارد (?:حساب|بشم|شدن)|ورود|پیامک|کد تایید|ایمیل\w*",
    "el": r"κωδικ\w*|συνδεθ\w*|να μπω|sms|email",
    "mn": r"нууц үг\w*|нэвтэр\w*|имэил\w*|мессежээр код|код ирэхгүи",
    "tr": r"sifre\w*|giris yap\w*|sms|e-posta|dogrulama kodu",
    "es": r"contrasena|iniciar sesion|no puedo entrar|codigo por sms|correo",
    "pt": r"senha|login|nao consigo (?:entrar|acessar)|codigo por sms|e-mail",
    "de": r"passwort\w*|einloggen|anmelden|login|sms-code|e-mail",
}

# Whole-message small talk: greetings, thanks, "ok", "solved" — every word from this list.
_SMALLTALK_WORDS = frozenset(
    normalise(
        """hi hello hey hiya yo good morning afternoon evening day night thanks thank you thx ty
        much many ok okay k fine great cool all solved resolved sorted never mind nevermind got
        it bye goodbye cheers understood perfect nice now is
        привет приветик здравствуйте здравствуй добрый день утро вечер доброе ночи спасибо
        спасибки благодарю большое огромное ок окей хорошо понятно понял поняла ясно ладно все
        разобрался разобралась решено пока до свидания отлично супер
        привіт вітаю доброго дня ранку вечора добрий дякую щиро зрозуміло зрозумів зрозуміла
        гаразд добре все розібрався вирішено бувайте чудово
        сәлем сәлеметсіз бе қаиырлы күн таң кеш рахмет көп үлкен жақсы түсінікті болды
        түсіндім шешілді сау болыңыз
        سلام درود وقت بخیر روز شب صبح عصر ممنون مرسی سپاس خیلی ممنونم باشه حله حل شد اوکی
        فهمیدم عالی خداحافظ
        γεια σας σου καλημερα καλησπερα καληνυχτα ευχαριστω πολυ ευχαριστουμε οκ εντάξει
        ενταξει λυθηκε κατάλαβα καταλαβα τελεια αντιο
        саин баина уу байна сайн өглөөний мэнд оройн баярлалаа их за ойлголоо ойлгосон
        шиидэгдлээ сонин баяртаи
        merhaba selam gunaydin iyi aksamlar geceler gunler tesekkurler tesekkur ederim cok
        sagol sag ol tamam anladim cozuldu hallettim gorusuruz harika
        hola buenas buenos dias tardes noches gracias muchas muchisimas vale ok listo entendido
        solucionado resuelto adios perfecto genial
        oi ola bom boa dia tarde noite obrigado obrigada muito valeu blz beleza ok certo
        entendi resolvido pronto tchau perfeito otimo
        hallo servus moin guten morgen tag abend danke vielen dank schon ok okay alles klar
        verstanden erledigt gelost tschuss super prima
        help please pls test помогите помогите пожалуйста тест допоможіть будь ласка
        көмектесіңізші көмектесіңіз көмек کمک لطفا βοήθεια παρακαλω тусламж туслаарай yardim
        lutfen ayuda por favor ajuda hilfe bitte pomogite pozhaluysta"""
    ).split()
)
_SMALLTALK_TOKEN = re.compile(r"[^\W\d_]+")


def is_smalltalk(normalised: str) -> bool:
    """True when every word of a short message is a greeting, thanks or acknowledgement."""
    words = _SMALLTALK_TOKEN.findall(normalised)
    return 0 < len(words) <= 6 and all(w in _SMALLTALK_WORDS for w in words)


def _build() -> list[tuple[str, re.Pattern[str]]]:
    """One compiled alternation per category; the named group that matched tells the language.

    One pass per category instead of one per (category, language): a 10,000-character
    message costs about a tenth as much.
    """
    sources: dict[str, list[tuple[str, str]]] = {}
    for lang, (nouns, verbs, direct) in _MONEY.items():
        n, v = f"(?:{nouns})", f"(?:{verbs})"
        sources.setdefault("money_missing", []).extend(
            [
                (f"{lang}_0", f"{n}\\b{_GAP}(?<!\\w){v}"),
                (f"{lang}_1", f"{v}\\b{_GAP}(?<!\\w){n}\\b"),
                (f"{lang}_2", direct),
            ]
        )
    for category, by_lang in _RULES.items():
        sources.setdefault(category, []).extend(
            (lang.replace("*", "any"), source) for lang, source in by_lang.items()
        )
    return [
        (
            category,
            re.compile(
                "(?<!\\w)(?:"
                + "|".join(f"(?P<{name}>{normalise(src)})" for name, src in parts)
                + ")"
            ),
        )
        for category, parts in sources.items()
    ]


_COMPILED = _build()


def match(normalised: str) -> list[Hit]:
    """Every category that fires on an already `normalise`d text, one hit per category."""
    hits: dict[str, Hit] = {}
    for category, pattern in _COMPILED:
        m = pattern.search(normalised)
        if m is not None:
            lang = (m.lastgroup or "").split("_")[0]
            hits[category] = Hit(category, lang, m.group(0))
    if is_smalltalk(normalised):
        hits["smalltalk"] = Hit("smalltalk", "*", normalised)
    return list(hits.values())
