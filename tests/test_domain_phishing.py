"""The anti-phishing guard: agent replies that ask for secrets are refused; warnings pass."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.phishing import (
    CARD_NUMBER,
    CVV,
    KINDS,
    LANGUAGES,
    OTP,
    PASSWORD,
    PIN,
    PhishingRefused,
    check_agent_reply,
    ensure_not_phishing,
    explain,
    find_phishing,
    guess_language,
)

# (reply, kind asked for). Written as an agent (or a fraudster posing as one) would write them.
PHISHING: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("Please send us your card PIN so we can unlock the withdrawal.", PIN),
        ("To verify the deposit, reply with the full card number.", CARD_NUMBER),
        ("Could you tell me the CVV on the back of your card?", CVV),
        ("What's your password? I'll check the account myself.", PASSWORD),
        ("Kindly provide the 16-digit card number and the expiry date.", CARD_NUMBER),
        ("We need your PIN to release the payout.", PIN),
        ("Please type the one-time code we just texted you here.", OTP),
        ("Can you share your account password with me so I can log in and fix it?", PASSWORD),
        ("Send the code from the SMS to this chat.", OTP),
        ("Please confirm your card number and security code.", CARD_NUMBER),
        ("Drop us the 3 digits on the back of the card and we'll push the payment.", CVV),
        ("Let us know your PIN code and we'll sort it out.", PIN),
        ("Please enter your password here so I can verify the account.", PASSWORD),
    ],
    "ru": [
        ("Пришлите, пожалуйста, полный номер карты, чтобы мы проверили платёж.", CARD_NUMBER),
        ("Для подтверждения личности назовите ПИН-код вашей карты.", PIN),
        ("Напишите CVV с обратной стороны карты.", CVV),
        ("Скажите, пожалуйста, код из СМС, который вам сейчас пришёл.", OTP),
        ("Какой у вас пароль от личного кабинета?", PASSWORD),
        ("Продиктуйте номер вашей банковской карты полностью.", CARD_NUMBER),
        ("Мне нужен ваш PIN, чтобы разблокировать вывод.", PIN),
        ("Не могли бы вы прислать три цифры на обороте карты?", CVV),
        ("Отправьте нам одноразовый код, он пришёл вам по СМС.", OTP),
        ("Укажите в ответе все цифры карты и срок её действия.", CARD_NUMBER),
        ("Введите пароль прямо сюда, в чат.", PASSWORD),
        ("Не забудьте прислать PIN-код, без него вывод не пройдёт.", PIN),
    ],
    "uk": [
        ("Надішліть, будь ласка, повний номер картки для перевірки платежу.", CARD_NUMBER),
        ("Назвіть PIN-код вашої картки.", PIN),
        ("Напишіть CVV-код зі зворотного боку картки.", CVV),
        ("Повідомте код із СМС, який щойно надійшов.", OTP),
        ("Який у вас пароль від особистого кабінету?", PASSWORD),
        ("Продиктуйте, будь ласка, номер картки повністю.", CARD_NUMBER),
        ("Нам потрібен ваш пароль, щоб перевірити акаунт.", PASSWORD),
        ("Скиньте сюди три цифри на звороті картки.", CVV),
        ("Надішліть нам одноразовий код підтвердження.", OTP),
        ("Вкажіть у відповіді всі цифри картки та термін дії.", CARD_NUMBER),
        ("Введіть пароль тут, у чаті.", PASSWORD),
    ],
    "kk": [
        ("Құпия сөзіңізді жіберіңіз, тексеріп берейін.", PASSWORD),
        ("Картаңыздың толық нөмірін жазыңыз.", CARD_NUMBER),
        ("PIN-кодыңызды айтыңызшы.", PIN),
        ("CVV кодын жазып жіберіңіз.", CVV),
        ("SMS арқылы келген кодты бізге жіберіңіз.", OTP),
        ("Растау кодын айтыңыз.", OTP),
        ("Картаның артқы жағындағы үш санды жазыңыз.", CVV),
        ("Бізге сіздің құпия сөзіңіз керек.", PASSWORD),
        ("Карта нөмірін толығымен жіберіңізші.", CARD_NUMBER),
        ("PIN-кодыңыз қандай?", PIN),
        ("Бір реттік кодты осында енгізіңіз.", OTP),
    ],
    "fa": [
        ("لطفاً رمز کارت خود را برای ما بفرستید.", PIN),
        ("شماره کامل کارتتان را اعلام کنید.", CARD_NUMBER),
        ("کد CVV2 پشت کارت را بنویسید.", CVV),
        ("رمز پویا که برایتان پیامک شد را بگویید.", OTP),
        ("رمز عبور حساب کاربری‌تان چیست؟", PASSWORD),
        ("برای تایید هویت، رمز دوم کارت را ارسال کنید.", PASSWORD),
        ("کد تایید پیامک‌شده را همین‌جا وارد کنید.", OTP),
        ("شماره کارت و تاریخ انقضا را در اختیار ما قرار دهید.", CARD_NUMBER),
        ("کد امنیتی سه رقمی کارت را بفرستید.", CVV),
        ("به رمز اینترنتی شما نیاز داریم.", PASSWORD),
        ("لطفا ۱۶ رقم کارت را بنویسید.", CARD_NUMBER),
        ("كد CVV كارت خود را بفرستيد", CVV),  # Arabic ك and ي
    ],
    "el": [
        ("Στείλτε μας το PIN της κάρτας σας για επιβεβαίωση.", PIN),
        ("Παρακαλώ γράψτε τον πλήρη αριθμό της κάρτας σας.", CARD_NUMBER),
        ("Πείτε μου τον κωδικό CVV που βρίσκεται στο πίσω μέρος της κάρτας.", CVV),
        ("Ποιος είναι ο κωδικός πρόσβασης του λογαριασμού σας;", PASSWORD),
        ("Δώστε μας τον κωδικό μιας χρήσης που λάβατε με SMS.", OTP),
        ("Χρειαζόμαστε τον αριθμό της κάρτας σας για να ολοκληρωθεί η ανάληψη.", CARD_NUMBER),
        ("Επιβεβαιώστε τον κωδικό ασφαλείας της κάρτας.", CVV),
        ("Μπορείτε να μας στείλετε τον κωδικό επιβεβαίωσης από το SMS;", OTP),
        ("Πληκτρολογήστε εδώ τον κωδικό PIN.", PIN),
        ("Γράψτε μας τα στοιχεία της κάρτας σας.", CARD_NUMBER),
        ("Στείλτε το συνθηματικό σας στη συνομιλία.", PASSWORD),
        ("ΣΤΕΙΛΤΕ ΜΑΣ ΤΟ PIN ΤΩΡΑ", PIN),
    ],
    "tr": [
        ("Lütfen kart şifrenizi bize gönderin.", PIN),
        ("Kartınızın numarasının tamamını yazın.", CARD_NUMBER),
        ("Kartın arkasındaki CVV kodunu iletir misiniz?", CVV),
        ("Telefonunuza gelen SMS kodunu buraya yazın.", OTP),
        ("Hesap şifreniz nedir?", PASSWORD),
        ("Doğrulama kodunu bizimle paylaşın.", OTP),
        ("16 haneli kart numaranızı söyler misiniz?", CARD_NUMBER),
        ("İşlemi onaylamak için tek kullanımlık şifreyi bize iletin.", OTP),
        ("Kart bilgilerinizi ve güvenlik kodunu gönderir misiniz?", CVV),
        ("Şifrenizi yazar mısınız, hesabı kontrol edeyim.", PASSWORD),
        ("PIN kodunuzu bize bildirin.", PIN),
        ("ŞİFRENİZİ YAZIN", PASSWORD),
    ],
    "mn": [
        ("Картынхаа ПИН кодыг илгээнэ үү.", PIN),
        ("Картын бүтэн дугаараа бичнэ үү.", CARD_NUMBER),
        ("Нууц үгээ хэлнэ үү.", PASSWORD),
        ("Картын ар талд байгаа CVV кодыг явуулна уу.", CVV),
        ("Мессежээр ирсэн кодыг энд бичнэ үү.", OTP),
        ("Баталгаажуулах кодоо бидэнд өгнө үү.", OTP),
        ("Таны нууц үг юу вэ?", PASSWORD),
        ("Нэг удаагийн кодыг илгээгээрэй.", OTP),
        ("Картын мэдээллээ бичиж илгээнэ үү.", CARD_NUMBER),
        ("ПИН кодоо хэлж өгнө үү.", PIN),
    ],
}

# Warnings, allowed requests and ordinary replies: none of these may be refused.
BENIGN: dict[str, list[str]] = {
    "en": [
        "We will never ask for your PIN, password or full card number.",
        "Never share your password with anyone, including our staff.",
        "Please send the last 4 digits of the card you deposited with.",
        "You can reset your password via the link on the login page.",
        "Do not send your CVV in this chat.",
        "Our team will send you a password reset link by e-mail.",
        "Please enter your card number only on the secure payment page.",
        "Is the card ending in 4421 the one you used?",
        "If anyone asks for your one-time code, it is a scam: please report it to us.",
        "Please send us a screenshot of the error; don't include your card number.",
        "Your PIN is set by your bank, we cannot see or change it.",
        "Please confirm the last four digits of your card number.",
        "Please write down your new password and keep it somewhere safe.",
        "We'll send you a one-time code by SMS; type it on the login page.",
    ],
    "ru": [
        "Никогда не сообщайте никому PIN-код и CVV, даже сотрудникам поддержки.",
        "Мы никогда не просим пароль или полный номер карты.",
        "Пришлите, пожалуйста, последние 4 цифры карты, с которой был депозит.",
        "Не отправляйте нам номер карты: достаточно последних четырёх цифр.",
        "Пароль можно сбросить по ссылке на странице входа.",
        "Если кто-то просит у вас код из СМС, это мошенники.",
        "Введите PIN-код только в банкомате или в приложении банка.",
        "Пришлите скриншот ошибки, номер карты присылать не нужно.",
        "Мы отправим вам код подтверждения по СМС.",
        "Смените пароль в личном кабинете, если подозреваете взлом.",
        "Уточните, пожалуйста, номер заказа и дату платежа.",
        "Сотрудники поддержки никогда не попросят CVV, не сообщайте его никому.",
        "Не волнуйтесь, ваш пароль в безопасности: мы его не видим.",
    ],
    "uk": [
        "Ніколи не повідомляйте нікому PIN-код чи CVV.",
        "Не надсилайте нам CVV: він нам не потрібен.",
        "Ми ніколи не просимо пароль або повний номер картки.",
        "Надішліть, будь ласка, останні 4 цифри картки, з якої був депозит.",
        "Пароль можна змінити в особистому кабінеті.",
        "Якщо хтось просить у вас код із СМС, це шахраї.",
        "Введіть PIN-код лише в банкоматі або в застосунку банку.",
        "Ми надішлемо вам посилання для відновлення пароля.",
        "Надішліть скріншот помилки, номер картки надсилати не потрібно.",
        "Будь ласка, не пишіть у чат номер картки повністю.",
        "Уточніть номер транзакції та суму депозиту.",
    ],
    "kk": [
        "Ешқашан PIN-кодыңызды ешкімге айтпаңыз.",
        "Біз ешқашан құпия сөзіңізді сұрамаймыз.",
        "CVV кодын бізге жібермеңіз.",
        "Картаңыздың нөмірінің соңғы 4 санын жіберіңіз.",
        "Құпия сөзді сайттағы сілтеме арқылы қалпына келтіріңіз.",
        "Егер біреу SMS-кодты сұраса, бұл алаяқтар.",
        "PIN-кодты тек банкоматта енгізіңіз.",
        "Қатенің скриншотын жіберіңіз, карта нөмірін жіберудің қажеті жоқ.",
        "Біз сізге растау кодын SMS арқылы жібереміз.",
        "Карта деректерін ешкімге бермеңіз.",
    ],
    "fa": [
        "ما هرگز رمز کارت یا کد CVV شما را درخواست نمی‌کنیم.",
        "رمز کارت خود را به هیچ‌کس ندهید.",
        "لطفاً ۴ رقم آخر شماره کارت را بفرستید.",
        "رمز عبور را از طریق لینک بازیابی در سایت تغییر دهید.",
        "هرگز کد تایید پیامکی را برای کسی نفرستید.",
        "اگر کسی از شما رمز پویا خواست، به ما اطلاع دهید.",
        "رمز کارت را فقط در دستگاه عابر بانک وارد کنید.",
        "لطفاً تصویر خطا را بفرستید؛ نیازی به ارسال شماره کارت نیست.",
        "کد تایید را برای شما پیامک می‌کنیم.",
        "شماره کارت را در درگاه پرداخت امن وارد کنید، نه در چت.",
    ],
    "el": [
        "Ποτέ μην στέλνετε το PIN ή τον κωδικό CVV σε κανέναν.",
        "Δεν θα σας ζητήσουμε ποτέ τον κωδικό πρόσβασης.",
        "Στείλτε μας τα τελευταία 4 ψηφία της κάρτας.",
        "Μην γράφετε τον αριθμό της κάρτας σας στη συνομιλία.",
        "Μπορείτε να αλλάξετε τον κωδικό πρόσβασης μέσω του συνδέσμου.",
        "Αν κάποιος σας ζητήσει τον κωδικό SMS, πρόκειται για απάτη.",
        "Πληκτρολογήστε το PIN μόνο στο ATM.",
        "Θα σας στείλουμε κωδικό επιβεβαίωσης με SMS.",
        "Στείλτε μας ένα στιγμιότυπο οθόνης, όχι τον αριθμό της κάρτας.",
        "Η υποστήριξη δεν ζητά ποτέ PIN, CVV ή πλήρη αριθμό κάρτας.",
    ],
    "tr": [
        "Şifrenizi asla kimseyle paylaşmayın.",
        "Sizden hiçbir zaman kart şifresi veya CVV istemeyiz.",
        "Kart numaranızın son 4 hanesini yazın.",
        "Şifrenizi sıfırlamak için bağlantıya tıklayın.",
        "CVV kodunu bize göndermeyin.",
        "Şifrenizi yalnızca resmi sitemizde girin.",
        "Biri sizden SMS kodu isterse, bu bir dolandırıcılıktır.",
        "Size SMS ile bir doğrulama kodu göndereceğiz.",
        "Lütfen hatanın ekran görüntüsünü gönderin, kart numarası göndermenize gerek yok.",
        "Kart bilgilerinizi sohbete yazmayın.",
        "Destek ekibi PIN, şifre veya tam kart numarası istemez.",
    ],
    "mn": [
        "ПИН кодоо хэнд ч бүү хэл.",
        "Бид хэзээ ч таны нууц үгийг асуухгүй.",
        "Картын дугаарын сүүлийн 4 оронг бичнэ үү.",
        "CVV кодоо битгий илгээгээрэй.",
        "Нууц үгээ сайт дээрх холбоосоор сэргээнэ үү.",
        "Хэрэв хэн нэгэн таны нэг удаагийн кодыг асуувал, энэ бол луйвар.",
        "Бид танд баталгаажуулах кодыг мессежээр илгээнэ.",
        "ПИН кодыг зөвхөн банкоматад оруулна уу.",
        "Алдааны зургийг илгээнэ үү, картын дугаар илгээх шаардлагагүй.",
        "Картын мэдээллээ хэнтэй ч бүү хуваалц.",
    ],
}

PHISHING_CASES = [(lang, text, kind) for lang, cases in PHISHING.items() for text, kind in cases]
BENIGN_CASES = [(lang, text) for lang, cases in BENIGN.items() for text in cases]


def test_every_language_has_enough_cases():
    assert set(PHISHING) == set(LANGUAGES) == set(BENIGN)
    for lang in LANGUAGES:
        assert len(PHISHING[lang]) >= 10, lang
        assert len(BENIGN[lang]) >= 10, lang


@pytest.mark.parametrize(("lang", "text", "kind"), PHISHING_CASES)
def test_requests_for_secrets_are_caught(lang, text, kind):
    hit = check_agent_reply(text)
    assert hit is not None, text
    assert hit.kind == kind
    assert hit.language_guess == lang
    assert hit.matched_text and hit.matched_text in text
    assert hit.message.startswith("Reply not sent")


@pytest.mark.parametrize(("lang", "text"), BENIGN_CASES)
def test_warnings_and_allowed_requests_pass(lang, text):
    assert check_agent_reply(text) is None, find_phishing(text)


@pytest.mark.parametrize(
    "text",
    [
        "Здравствуйте! Please send your CVV so we can finish the deposit.",
        "Hello! Пришлите, пожалуйста, CVV-код.",
        "Salam, لطفا PIN کارت را بفرستید",
        "Send us your PIN-код, please.",
        "Μην ανησυχείτε, απλώς στείλτε μας το PIN.",
        "Не волнуйтесь, просто пришлите номер карты.",
        "Don't worry, just send us your card number.",
        "Please send the last 4 digits of your card and the CVV.",
        "We never ask for your PIN, but please send the CVV.",
        "Никогда не храните PIN рядом с картой, а CVV пришлите нам.",
        "Please send us your card number:\n4111 ...",
    ],
)
def test_mixed_and_tricky_requests_are_caught(text):
    assert check_agent_reply(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Thank you! Your withdrawal is on its way.",
        "Ваш вывод обработан, деньги придут в течение часа.",
        "Please send us a screenshot of the cashier page.",
        "Pin this chat to find us faster.",
        "Please send us your card type (Visa or Mastercard).",
        "Hello — никогда не сообщайте PIN. Thanks!",
        "Please do not, under any circumstances, send your PIN.",
        "Please tell us whether you received the SMS code.",
        "Напишите, пожалуйста, пришёл ли код из СМС.",
        "Сообщите, если вам не пришёл код подтверждения.",
        "Please provide the card number's last 4 digits.",
        "Let us know if the PIN works now.",
        "Мы отправим код в СМС, никому его не сообщайте.",
        "Fraudsters often write 'send us your PIN': never do it.",
    ],
)
def test_ordinary_replies_pass(text):
    assert check_agent_reply(text) is None


def test_mixed_language_hit_reports_the_reply_language():
    hit = check_agent_reply("Здравствуйте! Please send your CVV, и мы закончим депозит.")
    assert hit is not None
    assert hit.kind == CVV
    assert hit.language_guess == "ru"


def test_message_is_english_plus_the_reply_language():
    hit = check_agent_reply("Пришлите, пожалуйста, полный номер карты.")
    assert hit is not None
    english, local = hit.message.split("\n\n")
    assert "Support never asks for a PIN" in english
    assert "secure payment page" in english
    assert "the full card number" in english
    assert "Поддержка никогда не просит" in local
    assert "полный номер карты" in local


def test_english_reply_has_english_message_only():
    hit = check_agent_reply("Please send us your card PIN.")
    assert hit is not None
    assert "\n\n" not in hit.message
    assert "a PIN" in hit.message


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_message_in_every_language(lang, kind):
    message = explain(kind, lang)
    assert message.startswith("Reply not sent")
    assert "{" not in message
    assert (lang == "en") == ("\n\n" not in message)


def test_ensure_not_phishing_raises_a_422_with_details():
    ensure_not_phishing("Your withdrawal is on its way.")
    with pytest.raises(PhishingRefused) as info:
        ensure_not_phishing("Надішліть CVV, будь ласка.")
    exc = info.value
    assert exc.status == 422
    assert exc.code == "phishing_refused"
    assert exc.details["kind"] == CVV
    assert exc.details["language"] == "uk"
    assert "CVV" in exc.details["matched"]


def test_find_phishing_reports_each_sentence():
    hits = find_phishing("Send us your PIN. Also tell me your password. Thanks!")
    assert [h.kind for h in hits] == [PIN, PASSWORD]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Hello there", "en"),
        ("Здравствуйте", "ru"),
        ("Вітаємо, дякуємо за звернення", "uk"),
        ("Сәлеметсіз бе, қалыңыз қалай?", "kk"),
        ("سلام، چطور می‌توانم کمک کنم؟", "fa"),
        ("Καλησπέρα σας", "el"),
        ("Merhaba, size nasıl yardımcı olabilirim?", "tr"),
        ("Сайн байна уу, танд юугаар туслах вэ?", "mn"),
        ("12345", "en"),
    ],
)
def test_guess_language(text, lang):
    assert guess_language(text) == lang


WARNING_PREFIXES = [
    "We will never ask you to ",
    "Never ",
    "Please never ",
    "Do not ",
    "Никогда не ",
]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(WARNING_PREFIXES),
    st.sampled_from(["send", "share", "tell", "give", "сообщайте", "присылайте"]),
    st.sampled_from(["your PIN", "your password", "the CVV", "your card number", "the SMS code"]),
    st.sampled_from(["", " to anyone", " in this chat", ", even to us"]),
)
def test_warnings_built_from_parts_always_pass(prefix, verb, obj, tail):
    assert check_agent_reply(f"{prefix}{verb} {obj}{tail}.") is None


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["Please ", "Kindly ", "", "Hi! Could you "]),
    st.sampled_from(["send us", "tell me", "give us", "type here", "share"]),
    st.sampled_from(
        [
            ("your PIN", PIN),
            ("your password", PASSWORD),
            ("the CVV", CVV),
            ("your card number", CARD_NUMBER),
        ]
    ),
    st.sampled_from(["", " now", " to finish the payout", " and the expiry date"]),
)
def test_requests_built_from_parts_are_caught(prefix, verb, obj, tail):
    hit = check_agent_reply(f"{prefix}{verb} {obj[0]}{tail}.")
    assert hit is not None
    assert hit.kind == obj[1]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes_and_hits_are_substrings(text):
    for hit in find_phishing(text):
        assert hit.matched_text in text
        assert hit.kind in KINDS
        assert hit.language_guess in LANGUAGES
