# ruff: noqa: E501
"""The phrase corpus of the demo data: what players write and what the desk answers.

Eight languages, each written natively (not machine-glued): English (Australian market),
Russian, Ukrainian, Kazakh, Persian, Greek, Mongolian and Turkish. Each language has the same
twelve scenarios (SEEDS 000/001/002: payments, KYC, 2FA, disconnects, responsible gambling,
VIP bookings and the stop-list cases), with subjects, first messages, a player follow-up, the
agent's working reply and the resolution, plus the desk's common phrases (greeting,
clarification request, bot receipt, closing) and the player's (nudge, thanks, "still broken").
Internal notes are in English, as the desk writes them.

Templates use `str.format_map` fields; `TEMPLATE_FIELDS` lists every field a template may
use, and the seeder always supplies all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGS: tuple[str, ...] = ("en", "ru", "uk", "kk", "fa", "el", "mn", "tr")

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "ru": "Russian",
    "uk": "Ukrainian",
    "kk": "Kazakh",
    "fa": "Persian",
    "el": "Greek",
    "mn": "Mongolian",
    "tr": "Turkish",
}

# Every field a template below may use.
TEMPLATE_FIELDS: tuple[str, ...] = (
    "name",  # the player's first name
    "agent",  # the agent's first name (in the reply's language where we have one)
    "id",  # the ticket number, without '#'
    "eta",  # a local time (HH:MM) in the player's time zone
    "time",  # a local time (HH:MM)
    "amount",  # a formatted amount
    "cur",  # currency code
    "ref",  # a transaction / round reference
    "game",  # a game name
    "days",  # 2..4
    "pct",  # 20..90
    "tag",  # the topic label in the message's language
)

PARTS: tuple[str, ...] = ("subject", "body", "followup", "reply", "resolve")
COMMON_PARTS: tuple[str, ...] = (
    "ack",
    "clarify",
    "nudge",
    "thanks",
    "reopen",
    "bot",
    "closing",
)


@dataclass(frozen=True, slots=True)
class Scenario:
    """One kind of player problem and how the desk usually handles it."""

    key: str
    tags: tuple[str, ...]
    priorities: tuple[str, ...]  # drawn uniformly: repeat a value to weight it
    channels: tuple[str, ...]
    vip: bool  # a VIP/VVIP service case (bookings, hotel, transfer)
    ref_prefix: str | None  # transaction/round reference prefix, if the case has one
    escalate_to: str | None  # the queue it goes to when L1 cannot close it (complaints: the lead)
    game_kind: str | None = None  # "slot" or "table": which games {game} draws from


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "withdrawal",
        ("payment",),
        ("P2", "P3", "P3"),
        ("web_chat", "telegram", "email", "api"),
        False,
        "WD",
        "payments",
    ),
    Scenario(
        "deposit",
        ("payment",),
        ("P2", "P2", "P3"),
        ("web_chat", "telegram", "email", "api"),
        False,
        "DEP",
        "payments",
    ),
    Scenario(
        "bonus",
        ("bonus",),
        ("P3", "P3", "P4"),
        ("web_chat", "telegram", "email"),
        False,
        None,
        "l2",
        "slot",
    ),
    Scenario(
        "kyc",
        ("kyc", "account"),
        ("P3", "P3", "P4"),
        ("email", "web_chat", "api"),
        False,
        None,
        "l2",
    ),
    Scenario(
        "2fa",
        ("security", "account"),
        ("P2", "P2", "P1"),
        ("email", "phone", "web_chat"),
        False,
        None,
        "payments",
    ),
    Scenario(
        "disconnect",
        ("game",),
        ("P1", "P2", "P2"),
        ("web_chat", "telegram", "api"),
        False,
        "RND",
        "l2",
        "slot",
    ),
    Scenario(
        "selfexclusion",
        ("account",),
        ("P2", "P3"),
        ("web_chat", "email", "phone"),
        False,
        None,
        None,
    ),
    Scenario(
        "table",
        ("vip",),
        ("P3", "P3", "P4"),
        ("phone", "telegram", "on_site", "email"),
        True,
        None,
        None,
        "table",
    ),
    Scenario(
        "hotel", ("vip", "complaint"), ("P1", "P1", "P2"), ("on_site", "phone"), True, None, None
    ),
    Scenario("transfer", ("vip",), ("P1", "P1", "P2"), ("phone", "telegram"), True, None, None),
    Scenario(
        "complaint",
        ("complaint",),
        ("P3", "P3", "P4"),
        ("email", "web_chat", "telegram"),
        False,
        None,
        None,
    ),
    Scenario(
        "idea", ("features", "ideas"), ("P4",), ("telegram", "email", "web_chat"), False, None, None
    ),
)
SCENARIO_BY_KEY: dict[str, Scenario] = {s.key: s for s in SCENARIOS}

SLOT_GAMES: tuple[str, ...] = (
    "Sweet Bonanza",
    "Gates of Olympus",
    "Book of Dead",
    "Lightning Roulette",
    "Crazy Time",
    "Big Bass Bonanza",
    "Reactoonz",
    "Mega Wheel",
)

# Table games, in the form the "table" templates of each language need.
TABLE_GAMES: dict[str, tuple[str, ...]] = {
    "en": ("baccarat", "blackjack", "roulette", "poker"),
    "ru": ("баккара", "блэкджек"),
    "uk": ("баккара", "блекджек"),
    "kk": ("баккара", "блэкджек", "покер"),
    "fa": ("باکارا", "بلک‌جک", "رولت", "پوکر"),
    "el": ("μπακαρά", "μπλακτζάκ", "πόκερ"),
    "mn": ("баккара", "блэкжек", "покер"),
    "tr": ("bakara", "blackjack", "poker"),
}

TOPIC_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "payment": "Payments",
        "security": "Security",
        "kyc": "Verification",
        "account": "Account",
        "game": "Games",
        "bonus": "Bonuses",
        "complaint": "Complaint",
        "vip": "VIP service",
        "features": "Features",
        "ideas": "Ideas",
    },
    "ru": {
        "payment": "Платежи",
        "security": "Безопасность",
        "kyc": "Верификация",
        "account": "Аккаунт",
        "game": "Игры",
        "bonus": "Бонусы",
        "complaint": "Жалоба",
        "vip": "VIP-сервис",
        "features": "Функции",
        "ideas": "Идеи",
    },
    "uk": {
        "payment": "Платежі",
        "security": "Безпека",
        "kyc": "Верифікація",
        "account": "Акаунт",
        "game": "Ігри",
        "bonus": "Бонуси",
        "complaint": "Скарга",
        "vip": "VIP-сервіс",
        "features": "Функції",
        "ideas": "Ідеї",
    },
    "kk": {
        "payment": "Төлемдер",
        "security": "Қауіпсіздік",
        "kyc": "Верификация",
        "account": "Аккаунт",
        "game": "Ойындар",
        "bonus": "Бонустар",
        "complaint": "Шағым",
        "vip": "VIP қызмет",
        "features": "Мүмкіндіктер",
        "ideas": "Ұсыныстар",
    },
    "fa": {
        "payment": "پرداخت",
        "security": "امنیت",
        "kyc": "احراز هویت",
        "account": "حساب کاربری",
        "game": "بازی‌ها",
        "bonus": "بونوس",
        "complaint": "شکایت",
        "vip": "خدمات VIP",
        "features": "امکانات",
        "ideas": "ایده‌ها",
    },
    "el": {
        "payment": "Πληρωμές",
        "security": "Ασφάλεια",
        "kyc": "Επαλήθευση",
        "account": "Λογαριασμός",
        "game": "Παιχνίδια",
        "bonus": "Μπόνους",
        "complaint": "Παράπονο",
        "vip": "Υπηρεσία VIP",
        "features": "Λειτουργίες",
        "ideas": "Ιδέες",
    },
    "mn": {
        "payment": "Төлбөр",
        "security": "Аюулгүй байдал",
        "kyc": "Баталгаажуулалт",
        "account": "Бүртгэл",
        "game": "Тоглоом",
        "bonus": "Бонус",
        "complaint": "Гомдол",
        "vip": "VIP үйлчилгээ",
        "features": "Боломжууд",
        "ideas": "Санал",
    },
    "tr": {
        "payment": "Ödeme",
        "security": "Güvenlik",
        "kyc": "Doğrulama",
        "account": "Hesap",
        "game": "Oyunlar",
        "bonus": "Bonus",
        "complaint": "Şikâyet",
        "vip": "VIP hizmet",
        "features": "Özellikler",
        "ideas": "Fikirler",
    },
}

# Players of the demo: (full name, the first name an agent addresses them by), per language.
PLAYER_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("Jack Thompson", "Jack"),
        ("Olivia Nguyen", "Olivia"),
        ("Liam O'Connor", "Liam"),
        ("Charlotte Walker", "Charlotte"),
        ("Noah Patel", "Noah"),
    ),
    "ru": (
        ("Дмитрий Волков", "Дмитрий"),
        ("Анна Соколова", "Анна"),
        ("Сергей Морозов", "Сергей"),
        ("Екатерина Лебедева", "Екатерина"),
        ("Максим Орлов", "Максим"),
    ),
    "uk": (
        ("Олександр Коваленко", "Олександр"),
        ("Оксана Шевчук", "Оксана"),
        ("Тарас Мельник", "Тарас"),
        ("Ірина Бондар", "Ірина"),
        ("Андрій Ткаченко", "Андрій"),
    ),
    "kk": (
        ("Нұрлан Ахметов", "Нұрлан"),
        ("Гүлнар Жұмабаева", "Гүлнар"),
        ("Дәурен Сәрсенбаев", "Дәурен"),
        ("Айжан Қасымова", "Айжан"),
        ("Ержан Омаров", "Ержан"),
    ),
    "fa": (
        ("مریم رضایی", "مریم"),
        ("علی محمدی", "علی"),
        ("سارا حسینی", "سارا"),
        ("رضا کریمی", "رضا"),
        ("نگار احمدی", "نگار"),
    ),
    "el": (
        ("Γιώργος Παπαδόπουλος", "Γιώργο"),
        ("Ελένη Γεωργίου", "Ελένη"),
        ("Νίκος Οικονόμου", "Νίκο"),
        ("Μαρία Δημητρίου", "Μαρία"),
        ("Κώστας Νικολάου", "Κώστα"),
    ),
    "mn": (
        ("Батбаяр Ганболд", "Батбаяр"),
        ("Сарангэрэл Дорж", "Сарангэрэл"),
        ("Төмөрбаатар Бат", "Төмөрбаатар"),
        ("Оюунчимэг Лхагва", "Оюунчимэг"),
        ("Ганзориг Цэрэн", "Ганзориг"),
    ),
    "tr": (
        ("Mehmet Yıldız", "Mehmet"),
        ("Ayşe Kaya", "Ayşe"),
        ("Burak Şahin", "Burak"),
        ("Zeynep Çelik", "Zeynep"),
        ("Emre Doğan", "Emre"),
    ),
}

# How a desk user signs a message in a language, where it differs from their display name.
AGENT_NAMES: dict[str, dict[str, str]] = {
    "demo": {
        "ru": "Алекс",
        "uk": "Алекс",
        "kk": "Алекс",
        "mn": "Алекс",
        "el": "Άλεξ",
        "fa": "الکس",
    },
    "aigerim": {"kk": "Әйгерім", "ru": "Айгерим", "mn": "Айгерим", "uk": "Айгерім"},
    "emre": {},
    "nikos": {"el": "Νίκος"},
    "shirin": {"fa": "شیرین"},
    "bat": {"mn": "Батбаяр", "ru": "Батбаяр", "kk": "Батбаяр"},
    "oleksii": {"uk": "Олексій", "ru": "Алексей", "kk": "Алексей", "mn": "Алексей"},
    "sofia": {"el": "Σοφία", "ru": "София", "uk": "Софія"},
    "chloe": {"fa": "کلویی", "el": "Κλόη"},
    "arman": {"kk": "Арман", "ru": "Арман", "uk": "Арман", "mn": "Арман"},
    "lead": {"ru": "Лена", "uk": "Олена", "kk": "Лена", "mn": "Лена", "el": "Έλενα", "fa": "لنا"},
}

# TEXTS[lang][scenario][part] → variants.
TEXTS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    # ------------------------------------------------------------------ English (Australia)
    "en": {
        "withdrawal": {
            "subject": ("Withdrawal pending for {days} days", "Where is my withdrawal {ref}?"),
            "body": (
                "Hi, I requested a withdrawal of {amount} {cur} {days} days ago and it still says pending. Reference {ref}. When will I get my money?",
                "My cash-out {ref} ({amount} {cur}) has been stuck in 'processing' since the weekend. Nobody tells me anything. Can you check it please?",
            ),
            "followup": ("Any news about my withdrawal? It still shows pending in my account.",),
            "reply": (
                "Thanks for waiting, {name}. I've checked withdrawal {ref}: it is with our finance team for a routine review. Could you confirm the last four digits of the card or the wallet it should be paid to?",
            ),
            "resolve": (
                "Good news: withdrawal {ref} for {amount} {cur} has been approved and sent. Banks usually credit it within 1–3 business days.",
            ),
        },
        "deposit": {
            "subject": ("Deposit not credited", "Paid {amount} {cur} but balance is 0"),
            "body": (
                "I deposited {amount} {cur} about an hour ago. The money has left my bank account but my casino balance hasn't changed. Transaction {ref}.",
                "Deposit {ref} failed on your side but my bank charged me {amount} {cur}. Please fix it, I want to play tonight.",
            ),
            "followup": (
                "Here's the screenshot from my banking app, the payment went through at {time}.",
            ),
            "reply": (
                "Sorry for the trouble, {name}. Please send a screenshot of the bank receipt showing the date, amount and reference. Cover the card number: we never need the full number or the PIN.",
            ),
            "resolve": (
                "The payment provider confirmed deposit {ref}: {amount} {cur} is now on your balance. Sorry for the wait.",
            ),
        },
        "bonus": {
            "subject": ("Bonus wagering not counting", "Wagering progress stuck at {pct}%"),
            "body": (
                "I activated the welcome bonus but my bets on {game} don't count towards the wagering. The progress has been stuck at {pct}% all evening.",
                "Why did my bonus disappear? I was at {pct}% of the wagering and now it says the bonus is forfeited.",
            ),
            "followup": (
                "I only played slots, no live games, and the progress bar still hasn't moved.",
            ),
            "reply": (
                "I can see the bonus on your account, {name}. Bets above the maximum stake per spin, and some games like {game}, count only partly towards wagering. I've asked the bonus team to recalculate your progress.",
            ),
            "resolve": (
                "The bonus team has recalculated your wagering: the missing bets are now counted and the progress is updated. Good luck!",
            ),
        },
        "kyc": {
            "subject": ("KYC documents rejected", "Verification rejected again"),
            "body": (
                "My passport was rejected in verification twice, but the photo is clear. I can't withdraw until this is done. What's wrong?",
                "You rejected my proof of address. It's an official bank statement from last month. Please explain what you need.",
            ),
            "followup": ("I've uploaded the passport again and a utility bill from last month.",),
            "reply": (
                "The document was declined because the corners of the page are cut off. Please upload a photo of the whole page in good light, and a proof of address no older than 3 months. Use only the secure upload in your account, never the chat.",
            ),
            "resolve": (
                "Your documents are approved: verification is complete and withdrawals are unlocked.",
            ),
        },
        "2fa": {
            "subject": ("Lost access to 2FA", "Can't log in: new phone, no authenticator"),
            "body": (
                "I changed my phone and lost the authenticator app, now I can't log in. Please reset my two-factor authentication.",
                "The 2FA code is always 'invalid' and I'm locked out of my account. I have money on the balance, please help.",
            ),
            "followup": ("I've sent the selfie with my ID as you asked.",),
            "reply": (
                "To keep your account safe, we reset 2FA only after a check: please answer the security questions in the email we've just sent and upload a selfie holding your ID. We will never ask for your password or card PIN.",
            ),
            "resolve": (
                "2FA has been reset. Log in with your password and set up the authenticator again straight away.",
            ),
        },
        "disconnect": {
            "subject": ("Game disconnected mid-spin", "{game} froze, bet lost"),
            "body": (
                "{game} froze and disconnected in the middle of a spin with a {amount} {cur} bet. The balance went down and the result never showed.",
                "Lost connection during a round on {game}. When I came back my bet was gone. Round {ref}.",
            ),
            "followup": ("It happened at about {time}, round ID {ref}.",),
            "reply": (
                "I've asked the game provider for the log of round {ref}. If the round wasn't completed, the bet goes back to your balance automatically; I'll update you as soon as they answer.",
            ),
            "resolve": (
                "The provider checked round {ref}: it wasn't completed, so your {amount} {cur} bet has been returned to your balance.",
            ),
        },
        "selfexclusion": {
            "subject": ("Please set a cooling-off period", "I want to self-exclude"),
            "body": (
                "I want to take a break from gambling. Please set a 30-day cooling-off and block deposits on my account.",
                "I'm playing too much lately. How do I close my account for six months? Please do it today.",
            ),
            "followup": (
                "Yes, I confirm. And please keep the lower deposit limit after the break.",
            ),
            "reply": (
                "Thank you for telling us, {name} — it's a good decision. I can apply a cooling-off right now: you won't be able to log in to play or deposit during it. Please reply 'yes' to confirm. Free, confidential help is also available at Gambling Help Online, 1800 858 858.",
            ),
            "resolve": (
                "Done: your cooling-off is active and deposits are blocked. Your deposit limit stays in place afterwards. Take care of yourself.",
            ),
        },
        "table": {
            "subject": ("Private table booking for Saturday", "Please book the {game} salon"),
            "body": (
                "Please book a private {game} table for Saturday at {time} for four guests, limits as usual.",
                "Arriving Friday with two friends. Can you hold the {game} salon for us from {time}?",
            ),
            "followup": ("Could we also have dinner at the restaurant afterwards?",),
            "reply": (
                "Of course, {name}. I'm holding the private salon with your usual limits; I'll confirm the dealer and the exact time within the hour.",
            ),
            "resolve": (
                "Confirmed: private {game} table on Saturday at {time}, your usual limits, and dinner booked for 11 pm. Your host will meet you at the VIP entrance.",
            ),
        },
        "hotel": {
            "subject": ("Hotel room overbooked", "No room at check-in"),
            "body": (
                "We've just arrived and the hotel says there is no room for my booking. We're standing at reception with our luggage.",
                "Reception says my suite was given away, overbooked. It's after midnight. Fix this now please.",
            ),
            "followup": ("Still at reception, it's been 20 minutes.",),
            "reply": (
                "I'm very sorry, {name}. The duty manager is on it: you are being upgraded to a suite and dinner is on us. Someone from reception will take your luggage in 5 minutes.",
            ),
            "resolve": (
                "You're checked into the suite. The upgrade and the food and beverage credit are recorded on your profile; a written summary will follow by email.",
            ),
        },
        "transfer": {
            "subject": ("Airport transfer didn't arrive", "No driver at arrivals"),
            "body": (
                "I landed 40 minutes ago and the car you booked isn't here. The driver doesn't answer the phone.",
                "Where is my transfer? I'm at arrivals with my family and nobody is here.",
            ),
            "followup": ("Still waiting in the arrivals hall.",),
            "reply": (
                "Apologies, {name}. A new car is on its way and will be at arrivals in 15 minutes; the driver will call you. If you take a taxi meanwhile, we'll refund it.",
            ),
            "resolve": (
                "The driver picked you up at {time}. The failed transfer has been refunded and noted on your profile.",
            ),
        },
        "complaint": {
            "subject": ("Complaint about support", "Nobody answers my ticket"),
            "body": (
                "I've been waiting for an answer for two days and the chat agent simply closed my conversation. This is unacceptable.",
                "Third time writing about the same problem. Every agent asks the same questions and nothing happens. I want a manager.",
            ),
            "followup": ("I want a manager to review this.",),
            "reply": (
                "I'm sorry for the wait and for the closed chat, {name}. I've taken your case myself and will update you by {eta}.",
            ),
            "resolve": (
                "I've reviewed your case with the team lead: the issue is resolved and we've added a note so this doesn't happen again. Thank you for telling us.",
            ),
        },
        "idea": {
            "subject": ("Suggestion: Telegram notifications", "Idea for the app"),
            "body": (
                "It would be great to get withdrawal status notifications in Telegram. And a dark theme in the app, please!",
                "Small idea: show the bonus wagering progress on the home screen, I always have to search for it.",
            ),
            "followup": ("Also, it would be nice to see my ticket history in the app.",),
            "reply": (
                "Thank you for the idea, {name}! I've passed it to the product team — we review players' suggestions every week.",
            ),
            "resolve": (
                "Your suggestion is in the product backlog. Thanks again for helping us improve!",
            ),
        },
    },
    # ------------------------------------------------------------------ Russian
    "ru": {
        "withdrawal": {
            "subject": ("Вывод средств в ожидании уже {days} дня", "Где мой вывод {ref}?"),
            "body": (
                "Здравствуйте! Заявка на вывод {amount} {cur} создана {days} дня назад, а статус до сих пор «в ожидании». Номер заявки {ref}. Когда придут деньги?",
                "Мой вывод {ref} на {amount} {cur} с выходных висит в статусе «обрабатывается». Никто ничего не объясняет. Проверьте, пожалуйста.",
            ),
            "followup": ("Есть новости по выводу? В личном кабинете всё ещё «в ожидании».",),
            "reply": (
                "Спасибо за ожидание, {name}. Мы проверили вывод {ref}: он на стандартной проверке в финансовом отделе. Подтвердите, пожалуйста, последние четыре цифры карты или кошелёк, на который нужно выплатить.",
            ),
            "resolve": (
                "Хорошие новости: вывод {ref} на {amount} {cur} одобрен и отправлен. Обычно банк зачисляет деньги за 1–3 рабочих дня.",
            ),
        },
        "deposit": {
            "subject": ("Депозит не зачислен", "Оплата {amount} {cur} прошла, а баланс 0"),
            "body": (
                "С карты списали {amount} {cur} час назад, а на балансе казино пусто. Транзакция {ref}.",
                "Депозит {ref} у вас отклонён, а банк списал {amount} {cur}. Разберитесь, пожалуйста, хочу сегодня играть.",
            ),
            "followup": ("Вот скриншот из банковского приложения, платёж прошёл в {time}.",),
            "reply": (
                "Извините за неудобства, {name}. Пришлите, пожалуйста, скриншот чека из банка с датой, суммой и номером операции. Номер карты закройте: полный номер и PIN-код мы никогда не запрашиваем.",
            ),
            "resolve": (
                "Платёжный провайдер подтвердил депозит {ref}: {amount} {cur} зачислены на баланс. Извините за ожидание.",
            ),
        },
        "bonus": {
            "subject": ("Ставки не идут в отыгрыш бонуса", "Отыгрыш застрял на {pct}%"),
            "body": (
                "Бонус на депозит активирован, но ставки в {game} не засчитываются в отыгрыш. Прогресс весь вечер стоит на {pct}%.",
                "Куда пропал мой бонус? Было {pct}% отыгрыша, а теперь пишет, что бонус аннулирован.",
            ),
            "followup": ("Играю только в слоты, никакого лайва, а шкала так и не сдвинулась.",),
            "reply": (
                "Вижу бонус на вашем счёте, {name}. Ставки выше максимальной ставки за спин и некоторые игры, например {game}, засчитываются в отыгрыш лишь частично. Мы передали ваш запрос бонусному отделу на перерасчёт.",
            ),
            "resolve": (
                "Бонусный отдел пересчитал отыгрыш: недостающие ставки засчитаны, прогресс обновлён. Удачи!",
            ),
        },
        "kyc": {
            "subject": ("Документы KYC отклонены", "Снова отказ в верификации"),
            "body": (
                "Мой паспорт дважды отклонили при верификации, хотя фото чёткое. Без этого не могу вывести деньги. В чём проблема?",
                "Вы отклонили подтверждение адреса, а это официальная выписка из банка за прошлый месяц. Объясните, что именно нужно.",
            ),
            "followup": (
                "Паспорт загружен повторно, плюс квитанция за коммунальные услуги за прошлый месяц.",
            ),
            "reply": (
                "Документ отклонён, потому что на фото обрезаны углы страницы. Загрузите, пожалуйста, фото всего разворота при хорошем освещении и подтверждение адреса не старше 3 месяцев — только через защищённую загрузку в личном кабинете, не в чат.",
            ),
            "resolve": ("Документы одобрены: верификация пройдена, вывод средств доступен.",),
        },
        "2fa": {
            "subject": (
                "Потерян доступ к 2FA",
                "Не могу войти: новый телефон, нет аутентификатора",
            ),
            "body": (
                "После смены телефона пропало приложение-аутентификатор, и теперь не могу войти. Сбросьте, пожалуйста, двухфакторную аутентификацию.",
                "Код 2FA всё время «неверный», аккаунт заблокирован. На балансе есть деньги, помогите.",
            ),
            "followup": ("Селфи с паспортом отправлено, как вы просили.",),
            "reply": (
                "Ради безопасности аккаунта мы сбрасываем 2FA только после проверки: ответьте на контрольные вопросы в письме, которое мы только что отправили, и загрузите селфи с документом в руке. Мы никогда не просим пароль или PIN-код карты.",
            ),
            "resolve": (
                "2FA сброшена. Войдите с паролем и сразу заново настройте аутентификатор.",
            ),
        },
        "disconnect": {
            "subject": ("Игра оборвалась посреди спина", "{game} зависла, ставка пропала"),
            "body": (
                "{game} зависла и отключилась посреди спина со ставкой {amount} {cur}. Баланс уменьшился, а результата так и не было.",
                "Пропало соединение во время раунда в {game}, после переподключения ставки нет. Раунд {ref}.",
            ),
            "followup": ("Это было примерно в {time}, ID раунда {ref}.",),
            "reply": (
                "Мы запросили у провайдера игры лог раунда {ref}. Если раунд не был завершён, ставка автоматически вернётся на баланс; сообщу, как только они ответят.",
            ),
            "resolve": (
                "Провайдер проверил раунд {ref}: он не был завершён, поэтому ставка {amount} {cur} возвращена на ваш баланс.",
            ),
        },
        "selfexclusion": {
            "subject": ("Прошу установить перерыв (cooling-off)", "Хочу самоисключение"),
            "body": (
                "Хочу сделать перерыв в игре. Установите, пожалуйста, паузу на 30 дней и заблокируйте пополнения на моём аккаунте.",
                "В последнее время играю слишком много. Как закрыть аккаунт на полгода? Сделайте это сегодня, пожалуйста.",
            ),
            "followup": (
                "Да, подтверждаю. И оставьте, пожалуйста, пониженный лимит депозита после перерыва.",
            ),
            "reply": (
                "Спасибо, что написали, {name}, — это правильное решение. Можем включить паузу прямо сейчас: на это время вход в игру и пополнения будут недоступны. Ответьте «да», чтобы подтвердить. Если захотите поговорить со специалистом, пришлём контакты бесплатной и анонимной помощи.",
            ),
            "resolve": (
                "Готово: пауза активна, пополнения заблокированы. Лимит депозита продолжит действовать и после неё. Берегите себя.",
            ),
        },
        "table": {
            "subject": ("Бронь приватного стола на субботу", "Забронируйте зал {game}, пожалуйста"),
            "body": (
                "Пожалуйста, забронируйте приватный стол {game} на субботу в {time} на четырёх гостей, лимиты как обычно.",
                "Приезжаем в пятницу втроём. Можете придержать для нас зал {game} с {time}?",
            ),
            "followup": ("А можно ещё ужин в ресторане после игры?",),
            "reply": (
                "Конечно, {name}. Держим для вас приватный зал с вашими обычными лимитами; дилера и точное время подтвержу в течение часа.",
            ),
            "resolve": (
                "Подтверждено: приватный стол {game} в субботу в {time}, ваши обычные лимиты, ужин забронирован на 23:00. Ваш хост встретит вас у VIP-входа.",
            ),
        },
        "hotel": {
            "subject": ("Овербукинг в отеле", "Нет номера при заселении"),
            "body": (
                "Мы только что приехали, а в отеле говорят, что номера по моей брони нет. Стоим на ресепшене с чемоданами.",
                "На ресепшене говорят, что мой люкс отдали — овербукинг. Уже за полночь. Решите это срочно.",
            ),
            "followup": ("Всё ещё на ресепшене, уже 20 минут.",),
            "reply": (
                "Приносим извинения, {name}. Дежурный менеджер уже занимается: вам предоставят люкс повышенной категории, ужин за наш счёт. Сотрудник ресепшена заберёт багаж через 5 минут.",
            ),
            "resolve": (
                "Вы заселены в люкс. Повышение категории и кредит на еду и напитки отмечены в вашем профиле; письменное резюме придёт на почту.",
            ),
        },
        "transfer": {
            "subject": ("Трансфер из аэропорта не приехал", "Водителя нет в зоне прилёта"),
            "body": (
                "Приземлились 40 минут назад, заказанной машины нет, водитель не берёт трубку.",
                "Где мой трансфер? Стою в зоне прилёта с семьёй, никого нет.",
            ),
            "followup": ("Всё ещё ждём в зале прилёта.",),
            "reply": (
                "Извините, {name}. Новая машина уже в пути и будет в зоне прилёта через 15 минут, водитель позвонит. Если возьмёте такси, мы компенсируем.",
            ),
            "resolve": (
                "Водитель встретил вас в {time}. Стоимость сорванного трансфера возвращена, случай отмечен в профиле.",
            ),
        },
        "complaint": {
            "subject": ("Жалоба на работу поддержки", "Никто не отвечает на мою заявку"),
            "body": (
                "Жду ответа уже два дня, а оператор в чате просто закрыл диалог. Это недопустимо.",
                "Пишу по одной и той же проблеме третий раз. Каждый оператор задаёт одни и те же вопросы, и ничего не происходит. Хочу поговорить с руководителем.",
            ),
            "followup": ("Прошу, чтобы это рассмотрел руководитель.",),
            "reply": (
                "Извините за ожидание и закрытый чат, {name}. Я лично веду ваше обращение и напишу вам до {eta}.",
            ),
            "resolve": (
                "Мы разобрали ваше обращение с руководителем смены: вопрос решён, и мы сделали пометку, чтобы такое не повторилось. Спасибо, что сообщили.",
            ),
        },
        "idea": {
            "subject": ("Предложение: уведомления в Telegram", "Идея для приложения"),
            "body": (
                "Было бы здорово получать уведомления о статусе вывода в Telegram. И тёмную тему в приложении, пожалуйста!",
                "Небольшая идея: показывайте прогресс отыгрыша бонуса на главном экране, его всё время приходится искать.",
            ),
            "followup": ("И ещё было бы удобно видеть историю обращений в приложении.",),
            "reply": (
                "Спасибо за идею, {name}! Передали её команде продукта — мы разбираем предложения игроков каждую неделю.",
            ),
            "resolve": (
                "Ваше предложение добавлено в план продукта. Спасибо, что помогаете нам стать лучше!",
            ),
        },
    },
    # ------------------------------------------------------------------ Ukrainian
    "uk": {
        "withdrawal": {
            "subject": ("Виведення коштів в очікуванні вже {days} дні", "Де моє виведення {ref}?"),
            "body": (
                "Добрий день! Заявку на виведення {amount} {cur} створено {days} дні тому, а статус досі «в очікуванні». Номер заявки {ref}. Коли надійдуть гроші?",
                "Моє виведення {ref} на {amount} {cur} з вихідних висить у статусі «обробляється». Ніхто нічого не пояснює. Перевірте, будь ласка.",
            ),
            "followup": ("Є новини щодо виведення? В особистому кабінеті досі «в очікуванні».",),
            "reply": (
                "Дякуємо за очікування, {name}. Ми перевірили виведення {ref}: воно на стандартній перевірці у фінансовому відділі. Підтвердьте, будь ласка, останні чотири цифри картки або гаманець, на який потрібно виплатити.",
            ),
            "resolve": (
                "Гарні новини: виведення {ref} на {amount} {cur} схвалено й відправлено. Зазвичай банк зараховує кошти протягом 1–3 робочих днів.",
            ),
        },
        "deposit": {
            "subject": ("Депозит не зараховано", "Оплата {amount} {cur} пройшла, а баланс 0"),
            "body": (
                "З картки списали {amount} {cur} годину тому, а на балансі казино порожньо. Транзакція {ref}.",
                "Депозит {ref} у вас відхилено, а банк списав {amount} {cur}. Розберіться, будь ласка, хочу сьогодні грати.",
            ),
            "followup": ("Ось скриншот із банківського застосунку, платіж пройшов о {time}.",),
            "reply": (
                "Вибачте за незручності, {name}. Надішліть, будь ласка, скриншот квитанції з банку з датою, сумою та номером операції. Номер картки закрийте: повний номер і PIN-код ми ніколи не запитуємо.",
            ),
            "resolve": (
                "Платіжний провайдер підтвердив депозит {ref}: {amount} {cur} зараховано на баланс. Вибачте за очікування.",
            ),
        },
        "bonus": {
            "subject": ("Ставки не йдуть у відіграш бонусу", "Відіграш застряг на {pct}%"),
            "body": (
                "Бонус на депозит активовано, але ставки в {game} не зараховуються у відіграш. Прогрес увесь вечір стоїть на {pct}%.",
                "Куди зник мій бонус? Було {pct}% відіграшу, а тепер пише, що бонус анульовано.",
            ),
            "followup": ("Граю лише в слоти, жодного лайву, а шкала так і не зрушила.",),
            "reply": (
                "Бачу бонус на вашому рахунку, {name}. Ставки, вищі за максимальну ставку за спін, і деякі ігри, наприклад {game}, зараховуються у відіграш лише частково. Ми передали ваш запит бонусному відділу на перерахунок.",
            ),
            "resolve": (
                "Бонусний відділ перерахував відіграш: відсутні ставки зараховано, прогрес оновлено. Успіхів!",
            ),
        },
        "kyc": {
            "subject": ("Документи KYC відхилено", "Знову відмова у верифікації"),
            "body": (
                "Мій паспорт двічі відхилили під час верифікації, хоча фото чітке. Без цього не можу вивести гроші. У чому проблема?",
                "Ви відхилили підтвердження адреси, а це офіційна виписка з банку за минулий місяць. Поясніть, що саме потрібно.",
            ),
            "followup": (
                "Паспорт завантажено повторно, а також рахунок за комунальні послуги за минулий місяць.",
            ),
            "reply": (
                "Документ відхилено, бо на фото обрізано кути сторінки. Завантажте, будь ласка, фото всього розвороту при гарному освітленні та підтвердження адреси не старше 3 місяців — лише через захищене завантаження в особистому кабінеті, не в чат.",
            ),
            "resolve": ("Документи схвалено: верифікацію пройдено, виведення коштів доступне.",),
        },
        "2fa": {
            "subject": (
                "Втрачено доступ до 2FA",
                "Не можу увійти: новий телефон, немає автентифікатора",
            ),
            "body": (
                "Після зміни телефона зник застосунок-автентифікатор, і тепер не можу увійти. Скиньте, будь ласка, двофакторну автентифікацію.",
                "Код 2FA весь час «невірний», акаунт заблоковано. На балансі є гроші, допоможіть.",
            ),
            "followup": ("Селфі з паспортом надіслано, як ви просили.",),
            "reply": (
                "Задля безпеки акаунта ми скидаємо 2FA лише після перевірки: дайте відповідь на контрольні запитання в листі, який ми щойно надіслали, і завантажте селфі з документом у руці. Ми ніколи не просимо пароль чи PIN-код картки.",
            ),
            "resolve": (
                "2FA скинуто. Увійдіть із паролем і одразу знову налаштуйте автентифікатор.",
            ),
        },
        "disconnect": {
            "subject": ("Гра обірвалася посеред спіна", "{game} зависла, ставка зникла"),
            "body": (
                "{game} зависла й відключилася посеред спіна зі ставкою {amount} {cur}. Баланс зменшився, а результату так і не було.",
                "Під час раунду в {game} зникло з'єднання, після перепідключення ставки немає. Раунд {ref}.",
            ),
            "followup": ("Це було приблизно о {time}, ID раунду {ref}.",),
            "reply": (
                "Ми запросили в провайдера гри лог раунду {ref}. Якщо раунд не завершився, ставка автоматично повернеться на баланс; повідомлю, щойно вони дадуть відповідь.",
            ),
            "resolve": (
                "Провайдер перевірив раунд {ref}: його не було завершено, тож ставку {amount} {cur} повернуто на ваш баланс.",
            ),
        },
        "selfexclusion": {
            "subject": ("Прошу встановити перерву (cooling-off)", "Хочу самовиключення"),
            "body": (
                "Хочу зробити перерву в грі. Встановіть, будь ласка, паузу на 30 днів і заблокуйте поповнення на моєму акаунті.",
                "Останнім часом граю забагато. Як закрити акаунт на пів року? Зробіть це сьогодні, будь ласка.",
            ),
            "followup": (
                "Так, підтверджую. І залиште, будь ласка, знижений ліміт депозиту після перерви.",
            ),
            "reply": (
                "Дякуємо, що написали, {name}, — це правильне рішення. Можемо ввімкнути паузу просто зараз: на цей час вхід у гру й поповнення будуть недоступні. Дайте відповідь «так», щоб підтвердити. Якщо захочете поговорити з фахівцем, надішлемо контакти безкоштовної та анонімної допомоги.",
            ),
            "resolve": (
                "Готово: паузу активовано, поповнення заблоковано. Ліміт депозиту діятиме й після неї. Бережіть себе.",
            ),
        },
        "table": {
            "subject": (
                "Бронювання приватного столу на суботу",
                "Забронюйте зал {game}, будь ласка",
            ),
            "body": (
                "Будь ласка, забронюйте приватний стіл {game} на суботу о {time} на чотирьох гостей, ліміти як завжди.",
                "Приїжджаємо в п'ятницю втрьох. Чи можете притримати для нас зал {game} з {time}?",
            ),
            "followup": ("А можна ще вечерю в ресторані після гри?",),
            "reply": (
                "Звісно, {name}. Тримаємо для вас приватний зал із вашими звичними лімітами; дилера й точний час підтверджу протягом години.",
            ),
            "resolve": (
                "Підтверджено: приватний стіл {game} у суботу о {time}, ваші звичні ліміти, вечерю заброньовано на 23:00. Ваш хост зустріне вас біля VIP-входу.",
            ),
        },
        "hotel": {
            "subject": ("Овербукінг у готелі", "Немає номера під час заселення"),
            "body": (
                "Ми щойно приїхали, а в готелі кажуть, що номера за моїм бронюванням немає. Стоїмо на рецепції з валізами.",
                "На рецепції кажуть, що мій люкс віддали — овербукінг. Уже після півночі. Розв'яжіть це терміново.",
            ),
            "followup": ("Досі на рецепції, вже 20 хвилин.",),
            "reply": (
                "Перепрошуємо, {name}. Черговий менеджер уже займається: вам нададуть люкс вищої категорії, вечеря за наш рахунок. Працівник рецепції забере багаж за 5 хвилин.",
            ),
            "resolve": (
                "Вас заселено в люкс. Підвищення категорії та кредит на їжу й напої зазначено у вашому профілі; письмове резюме надійде на пошту.",
            ),
        },
        "transfer": {
            "subject": ("Трансфер з аеропорту не приїхав", "Водія немає в зоні прильоту"),
            "body": (
                "Приземлилися 40 хвилин тому, замовленої машини немає, водій не бере слухавку.",
                "Де мій трансфер? Стою в зоні прильоту з родиною, нікого немає.",
            ),
            "followup": ("Досі чекаємо в залі прильоту.",),
            "reply": (
                "Вибачте, {name}. Нова машина вже в дорозі й буде в зоні прильоту за 15 хвилин, водій зателефонує. Якщо візьмете таксі, ми компенсуємо.",
            ),
            "resolve": (
                "Водій зустрів вас о {time}. Вартість зірваного трансферу повернуто, випадок зазначено в профілі.",
            ),
        },
        "complaint": {
            "subject": ("Скарга на роботу підтримки", "Ніхто не відповідає на мою заявку"),
            "body": (
                "Чекаю на відповідь уже два дні, а оператор у чаті просто закрив діалог. Це неприпустимо.",
                "Пишу про ту саму проблему втретє. Кожен оператор ставить ті самі запитання, і нічого не відбувається. Хочу поговорити з керівником.",
            ),
            "followup": ("Прошу, щоб це розглянув керівник.",),
            "reply": (
                "Вибачте за очікування й закритий чат, {name}. Я особисто веду ваше звернення й напишу вам до {eta}.",
            ),
            "resolve": (
                "Ми розібрали ваше звернення з керівником зміни: питання вирішено, і ми зробили позначку, щоб таке не повторилося. Дякуємо, що повідомили.",
            ),
        },
        "idea": {
            "subject": ("Пропозиція: сповіщення в Telegram", "Ідея для застосунку"),
            "body": (
                "Було б чудово отримувати сповіщення про статус виведення в Telegram. І темну тему в застосунку, будь ласка!",
                "Невелика ідея: показуйте прогрес відіграшу бонусу на головному екрані, його весь час доводиться шукати.",
            ),
            "followup": ("І ще було б зручно бачити історію звернень у застосунку.",),
            "reply": (
                "Дякуємо за ідею, {name}! Передали її команді продукту — ми розглядаємо пропозиції гравців щотижня.",
            ),
            "resolve": (
                "Вашу пропозицію додано до плану продукту. Дякуємо, що допомагаєте нам ставати кращими!",
            ),
        },
    },
    # ------------------------------------------------------------------ Kazakh
    "kk": {
        "withdrawal": {
            "subject": ("Қаражатты шығару {days} күннен бері күтуде", "{ref} шығаруым қайда?"),
            "body": (
                "Сәлеметсіз бе! {days} күн бұрын {amount} {cur} шығаруға өтінім бердім, бірақ мәртебесі әлі «күтуде». Өтінім нөмірі {ref}. Ақша қашан түседі?",
                "{ref} шығаруым ({amount} {cur}) демалыстан бері «өңделуде» күйінде тұр. Ешкім ештеңе түсіндірмейді. Тексеріп беріңізші.",
            ),
            "followup": ("Шығару бойынша жаңалық бар ма? Жеке кабинетте әлі «күтуде» деп тұр.",),
            "reply": (
                "Күткеніңізге рақмет, {name}. {ref} шығаруын тексердік: ол қаржы бөлімінде стандартты тексеруден өтіп жатыр. Төлем түсетін картаның соңғы төрт цифрын немесе әмиянды растаңызшы.",
            ),
            "resolve": (
                "Жақсы жаңалық: {amount} {cur} сомасындағы {ref} шығаруы мақұлданып, жіберілді. Әдетте банк қаражатты 1–3 жұмыс күні ішінде түсіреді.",
            ),
        },
        "deposit": {
            "subject": ("Депозит есепке түспеді", "{amount} {cur} төледім, бірақ баланс 0"),
            "body": (
                "Бір сағат бұрын картамнан {amount} {cur} шегерілді, бірақ казинодағы баланс өзгерген жоқ. Транзакция {ref}.",
                "Сіздерде {ref} депозиті қабылданбады, ал банк {amount} {cur} шегеріп алды. Шешіп беріңізші, бүгін ойнағым келеді.",
            ),
            "followup": ("Міне, банк қосымшасынан скриншот, төлем сағат {time} шамасында өтті.",),
            "reply": (
                "Қолайсыздық үшін кешіріңіз, {name}. Күні, сомасы және операция нөмірі көрсетілген банк түбіртегінің скриншотын жіберіңізші. Карта нөмірін жабыңыз: толық нөмірді және PIN-кодты біз ешқашан сұрамаймыз.",
            ),
            "resolve": (
                "Төлем провайдері {ref} депозитін растады: {amount} {cur} балансыңызға түсті. Күттіргеніміз үшін кешіріңіз.",
            ),
        },
        "bonus": {
            "subject": (
                "Ставкалар бонусты ойнап шығаруға есептелмейді",
                "Ойнап шығару прогресі {pct} пайызда тұрып қалды",
            ),
            "body": (
                "Депозит бонусын іске қостым, бірақ {game} ойынындағы ставкалар ойнап шығаруға есептелмейді. Прогресс кеш бойы {pct} пайызда тұр.",
                "Бонусым қайда жоғалды? Ойнап шығару {pct} пайыз болған еді, енді бонус жойылды деп тұр.",
            ),
            "followup": ("Тек слоттар ойнаймын, лайв ойындар жоқ, бірақ шкала әлі қозғалмады.",),
            "reply": (
                "Шотыңыздағы бонусты көріп тұрмын, {name}. Бір спинге рұқсат етілген ең жоғары ставкадан асатын ставкалар және кейбір ойындар, мысалы {game}, ойнап шығаруға тек ішінара есептеледі. Прогресті қайта есептеу үшін сұрауыңызды бонус бөліміне жібердік.",
            ),
            "resolve": (
                "Бонус бөлімі ойнап шығаруды қайта есептеді: жетіспеген ставкалар есептеліп, прогресс жаңартылды. Сәттілік!",
            ),
        },
        "kyc": {
            "subject": ("KYC құжаттары қабылданбады", "Верификациядан тағы бас тартылды"),
            "body": (
                "Фотосы анық болса да, төлқұжатымды верификация кезінде екі рет қабылдамады. Онсыз ақша шығара алмаймын. Мәселе неде?",
                "Мекенжайды растайтын құжатымды қабылдамадыңыздар, ал бұл өткен айдағы ресми банк үзіндісі. Нақты не керек екенін түсіндіріңізші.",
            ),
            "followup": (
                "Төлқұжатты қайта жүктедім, сонымен қатар өткен айдағы коммуналдық төлем түбіртегін қостым.",
            ),
            "reply": (
                "Құжат қабылданбады, себебі фотода беттің бұрыштары кесіліп қалған. Бүкіл беттің жақсы жарықта түсірілген фотосын және 3 айдан аспаған мекенжай растамасын жүктеңізші — тек жеке кабинеттегі қорғалған жүктеу арқылы, чатқа емес.",
            ),
            "resolve": ("Құжаттарыңыз мақұлданды: верификация аяқталды, ақша шығару қолжетімді.",),
        },
        "2fa": {
            "subject": (
                "2FA қолжетімділігі жоғалды",
                "Кіре алмаймын: жаңа телефон, аутентификатор жоқ",
            ),
            "body": (
                "Телефонымды ауыстырғаннан кейін аутентификатор қосымшасы жоғалды, енді кіре алмаймын. Екі факторлы аутентификацияны қайта орнатуға көмектесіңізші.",
                "2FA коды үнемі «қате» деп шығады, аккаунт бұғатталды. Балансымда ақша бар, көмектесіңіз.",
            ),
            "followup": ("Сұрағаныңыздай, құжатпен түскен селфиді жібердім.",),
            "reply": (
                "Аккаунтыңыздың қауіпсіздігі үшін 2FA-ны тек тексеруден кейін қайта орнатамыз: жаңа ғана жіберген хатымыздағы бақылау сұрақтарына жауап беріп, құжатты қолыңызға ұстап түскен селфиді жүктеңіз. Біз ешқашан құпиясөзді немесе карта PIN-кодын сұрамаймыз.",
            ),
            "resolve": (
                "2FA қайта орнатылды. Құпиясөзбен кіріп, аутентификаторды бірден қайта баптаңыз.",
            ),
        },
        "disconnect": {
            "subject": ("Ойын спин ортасында үзіліп қалды", "{game} қатып қалды, ставка жоғалды"),
            "body": (
                "{game} спин ортасында қатып, {amount} {cur} ставкасымен ажырап кетті. Баланс азайды, ал нәтижесі көрсетілмеді.",
                "{game} ойынында раунд кезінде байланыс үзілді, қайта қосылғаннан кейін ставка жоқ. Раунд {ref}.",
            ),
            "followup": ("Бұл шамамен сағат {time} кезінде болды, раунд ID {ref}.",),
            "reply": (
                "Ойын провайдерінен {ref} раундының логын сұрадық. Егер раунд аяқталмаса, ставка балансыңызға автоматты түрде қайтарылады; жауап келген бойда хабарлаймын.",
            ),
            "resolve": (
                "Провайдер {ref} раундын тексерді: ол аяқталмаған, сондықтан {amount} {cur} ставкасы балансыңызға қайтарылды.",
            ),
        },
        "selfexclusion": {
            "subject": ("Үзіліс (cooling-off) орнатуды сұраймын", "Өзімді ойыннан шектегім келеді"),
            "body": (
                "Ойыннан үзіліс алғым келеді. Аккаунтыма 30 күнге үзіліс орнатып, толықтыруды бұғаттаңызшы.",
                "Соңғы кезде тым көп ойнап жүрмін. Аккаунтты жарты жылға қалай жабуға болады? Бүгін жасап беріңізші.",
            ),
            "followup": (
                "Иә, растаймын. Үзілістен кейін де төмендетілген депозит лимитін қалдырыңызшы.",
            ),
            "reply": (
                "Жазғаныңызға рақмет, {name}, бұл дұрыс шешім. Үзілісті дәл қазір қоса аламыз: осы уақытта ойынға кіру және толықтыру қолжетімсіз болады. Растау үшін «иә» деп жауап беріңіз. Маманмен сөйлескіңіз келсе, тегін әрі анонимді көмек байланыстарын жібереміз.",
            ),
            "resolve": (
                "Дайын: үзіліс іске қосылды, толықтыру бұғатталды. Депозит лимиті үзілістен кейін де күшінде қалады. Өзіңізді күтіңіз.",
            ),
        },
        "table": {
            "subject": ("Сенбіге жеке үстел брондау", "{game} залын брондап беріңізші"),
            "body": (
                "Сенбі күні сағат {time} үшін төрт қонаққа жеке {game} үстелін брондап беріңізші, лимиттер әдеттегідей.",
                "Жұма күні үшеуміз келеміз. {game} залын кешкі ойынға бізге ұстап тұра аласыз ба? Шамамен сағат {time}.",
            ),
            "followup": ("Ойыннан кейін мейрамханада кешкі ас ұйымдастыруға бола ма?",),
            "reply": (
                "Әрине, {name}. Әдеттегі лимиттеріңізбен жеке залды сізге ұстап тұрмыз; дилер мен нақты уақытты бір сағат ішінде растаймын.",
            ),
            "resolve": (
                "Расталды: сенбі күні сағат {time}, жеке {game} үстелі, әдеттегі лимиттеріңіз, кешкі ас 23:00-ге брондалды. Хостыңыз сізді VIP кіреберісте күтіп алады.",
            ),
        },
        "hotel": {
            "subject": ("Қонақүйде овербукинг", "Тіркелу кезінде бөлме жоқ"),
            "body": (
                "Жаңа ғана келдік, ал қонақүйде менің броным бойынша бөлме жоқ дейді. Жүктерімізбен ресепшнде тұрмыз.",
                "Ресепшнде менің люксімді басқаға беріп қойғанын айтады — овербукинг. Түн ортасынан асты. Мұны тез шешіңіз.",
            ),
            "followup": ("Әлі ресепшнде тұрмыз, 20 минут болды.",),
            "reply": (
                "Кешірім сұраймыз, {name}. Кезекші менеджер айналысып жатыр: сізге жоғары санатты люкс беріледі, кешкі ас біздің есебімізден. Ресепшн қызметкері 5 минуттан кейін жүктеріңізді алады.",
            ),
            "resolve": (
                "Сіз люкске орналастырылдыңыз. Санатты көтеру және тамақ пен сусынға арналған кредит профиліңізде белгіленді; жазбаша қорытынды поштаға келеді.",
            ),
        },
        "transfer": {
            "subject": ("Әуежайдан трансфер келмеді", "Келу аймағында жүргізуші жоқ"),
            "body": (
                "40 минут бұрын қондық, тапсырыс берілген көлік жоқ, жүргізуші телефон көтермейді.",
                "Трансферім қайда? Отбасыммен келу аймағында тұрмын, ешкім жоқ.",
            ),
            "followup": ("Әлі келу залында күтіп тұрмыз.",),
            "reply": (
                "Кешіріңіз, {name}. Жаңа көлік жолда, 15 минуттан кейін келу аймағында болады, жүргізуші сізге қоңырау шалады. Егер такси алсаңыз, шығынын өтейміз.",
            ),
            "resolve": (
                "Жүргізуші сізді сағат {time} кезінде қарсы алды. Болмай қалған трансфердің құны қайтарылды, оқиға профиліңізде белгіленді.",
            ),
        },
        "complaint": {
            "subject": ("Қолдау қызметіне шағым", "Өтінішіме ешкім жауап бермейді"),
            "body": (
                "Екі күннен бері жауап күтіп жүрмін, ал чаттағы оператор диалогты жай ғана жауып тастады. Бұл жол берілмейді.",
                "Бір мәселе бойынша үшінші рет жазып отырмын. Әр оператор бірдей сұрақтар қояды, бірақ ештеңе өзгермейді. Басшымен сөйлескім келеді.",
            ),
            "followup": ("Мұны басшы қарауын сұраймын.",),
            "reply": (
                "Күттіргеніміз және чат жабылғаны үшін кешіріңіз, {name}. Өтінішіңізді өзім жүргізіп отырмын, сізге бүгін сағат {eta} шамасында жазамын.",
            ),
            "resolve": (
                "Өтінішіңізді ауысым жетекшісімен бірге қарадық: мәселе шешілді және мұндай жағдай қайталанбауы үшін белгі қойдық. Хабарлағаныңызға рақмет.",
            ),
        },
        "idea": {
            "subject": ("Ұсыныс: Telegram-да хабарландырулар", "Қосымшаға арналған идея"),
            "body": (
                "Ақша шығару мәртебесі туралы хабарландыруларды Telegram-да алу керемет болар еді. Қосымшаға қараңғы тақырып та қосыңызшы!",
                "Шағын идея: бонусты ойнап шығару прогресін басты экранда көрсетіңіз, оны үнемі іздеуге тура келеді.",
            ),
            "followup": ("Сондай-ақ қосымшада өтініштер тарихын көру ыңғайлы болар еді.",),
            "reply": (
                "Идеяңызға рақмет, {name}! Оны өнім командасына жібердік — ойыншылардың ұсыныстарын апта сайын қарастырамыз.",
            ),
            "resolve": (
                "Ұсынысыңыз өнім жоспарына қосылды. Бізге жақсаруға көмектескеніңізге рақмет!",
            ),
        },
    },
    # ------------------------------------------------------------------ Persian
    "fa": {
        "withdrawal": {
            "subject": ("برداشت وجه {days} روز است در انتظار مانده", "برداشت {ref} من کجاست؟"),
            "body": (
                "سلام، {days} روز پیش درخواست برداشت {amount} {cur} ثبت کردم و هنوز وضعیتش «در انتظار» است. شماره درخواست {ref}. پولم کی می‌رسد؟",
                "برداشت {ref} من به مبلغ {amount} {cur} از آخر هفته در وضعیت «در حال پردازش» مانده. هیچ‌کس توضیحی نمی‌دهد. لطفاً بررسی کنید.",
            ),
            "followup": ("خبری از برداشتم نشد؟ هنوز در حساب کاربری «در انتظار» نشان می‌دهد.",),
            "reply": (
                "{name} عزیز، ممنون از صبرتان. برداشت {ref} را بررسی کردیم: در بخش مالی در حال بررسی معمول است. لطفاً چهار رقم آخر کارت یا کیف پولی را که باید به آن واریز شود تأیید کنید.",
            ),
            "resolve": (
                "خبر خوب: برداشت {ref} به مبلغ {amount} {cur} تأیید و ارسال شد. معمولاً بانک ظرف ۱ تا ۳ روز کاری آن را واریز می‌کند.",
            ),
        },
        "deposit": {
            "subject": (
                "واریزم به حساب اضافه نشد",
                "{amount} {cur} پرداخت کردم ولی موجودی صفر است",
            ),
            "body": (
                "یک ساعت پیش {amount} {cur} از کارتم کسر شد ولی موجودی کازینو تغییری نکرده. تراکنش {ref}.",
                "واریز {ref} در سیستم شما ناموفق شده ولی بانک {amount} {cur} از حسابم برداشته. لطفاً رسیدگی کنید، می‌خواهم امشب بازی کنم.",
            ),
            "followup": ("این هم اسکرین‌شات از اپلیکیشن بانک، پرداخت ساعت {time} انجام شد.",),
            "reply": (
                "{name} عزیز، بابت این مشکل عذرخواهی می‌کنیم. لطفاً اسکرین‌شات رسید بانکی را با تاریخ، مبلغ و شماره پیگیری بفرستید. شماره کارت را بپوشانید: ما هرگز شماره کامل کارت یا رمز آن را درخواست نمی‌کنیم.",
            ),
            "resolve": (
                "ارائه‌دهنده پرداخت، واریز {ref} را تأیید کرد: {amount} {cur} به موجودی شما اضافه شد. بابت انتظار عذرخواهی می‌کنیم.",
            ),
        },
        "bonus": {
            "subject": ("شرط‌هایم در گردش بونوس حساب نمی‌شود", "پیشرفت گردش بونوس روی {pct}٪ مانده"),
            "body": (
                "بونوس خوشامدگویی را فعال کردم ولی شرط‌هایم در {game} در گردش بونوس حساب نمی‌شود. پیشرفت تمام شب روی {pct}٪ مانده است.",
                "بونوسم کجا رفت؟ {pct}٪ از گردش را انجام داده بودم و حالا نوشته بونوس باطل شده.",
            ),
            "followup": (
                "فقط اسلات بازی کردم، هیچ بازی زنده‌ای نه، ولی نوار پیشرفت هنوز تکان نخورده.",
            ),
            "reply": (
                "{name} عزیز، بونوس را در حساب شما می‌بینم. شرط‌های بالاتر از حداکثر مبلغ مجاز هر اسپین و بعضی بازی‌ها مثل {game} فقط تا حدی در گردش حساب می‌شوند. درخواست شما برای محاسبه دوباره به بخش بونوس ارسال شد.",
            ),
            "resolve": (
                "بخش بونوس گردش شما را دوباره محاسبه کرد: شرط‌های جاافتاده حساب شد و پیشرفت به‌روز شد. موفق باشید!",
            ),
        },
        "kyc": {
            "subject": ("مدارک احراز هویت رد شد", "دوباره احراز هویتم رد شد"),
            "body": (
                "پاسپورتم دو بار در احراز هویت رد شده، در حالی که عکس کاملاً واضح است. تا این کار انجام نشود نمی‌توانم برداشت کنم. مشکل چیست؟",
                "مدرک تأیید آدرسم را رد کردید، در حالی که صورت‌حساب رسمی بانک مربوط به ماه گذشته است. لطفاً توضیح دهید دقیقاً چه چیزی لازم است.",
            ),
            "followup": (
                "پاسپورت را دوباره بارگذاری کردم و یک قبض آب و برق ماه گذشته را هم اضافه کردم.",
            ),
            "reply": (
                "مدرک رد شد چون گوشه‌های صفحه در عکس بریده شده است. لطفاً عکس کل صفحه را در نور کافی و یک مدرک آدرس که بیش از ۳ ماه از تاریخ آن نگذشته باشد بارگذاری کنید؛ فقط از طریق بخش بارگذاری امن در حساب کاربری، نه در چت.",
            ),
            "resolve": ("مدارک شما تأیید شد: احراز هویت کامل است و برداشت فعال شد.",),
        },
        "2fa": {
            "subject": (
                "دسترسی به تأیید دومرحله‌ای را از دست دادم",
                "نمی‌توانم وارد شوم: گوشی جدید، بدون اپ احراز هویت",
            ),
            "body": (
                "گوشی‌ام را عوض کردم و اپلیکیشن احراز هویت از دست رفت، حالا نمی‌توانم وارد شوم. لطفاً تأیید دومرحله‌ای را بازنشانی کنید.",
                "کد 2FA همیشه «نامعتبر» است و حسابم قفل شده. در حسابم موجودی دارم، لطفاً کمک کنید.",
            ),
            "followup": ("همان‌طور که خواسته بودید، سلفی با مدرک شناسایی را فرستادم.",),
            "reply": (
                "برای امنیت حساب شما، تأیید دومرحله‌ای را فقط پس از بررسی بازنشانی می‌کنیم: لطفاً به سؤالات امنیتی ایمیلی که همین الان فرستادیم پاسخ دهید و یک سلفی در حالی که مدرک شناسایی را در دست دارید بارگذاری کنید. ما هرگز رمز عبور یا رمز کارت شما را نمی‌خواهیم.",
            ),
            "resolve": (
                "تأیید دومرحله‌ای بازنشانی شد. با رمز عبورتان وارد شوید و فوراً اپ احراز هویت را دوباره تنظیم کنید.",
            ),
        },
        "disconnect": {
            "subject": ("بازی وسط اسپین قطع شد", "{game} هنگ کرد و شرطم از بین رفت"),
            "body": (
                "{game} وسط اسپین با شرط {amount} {cur} هنگ کرد و قطع شد. موجودی کم شد ولی نتیجه هیچ‌وقت نمایش داده نشد.",
                "وسط یک دست در {game} اتصال قطع شد و وقتی برگشتم شرطم نبود. شماره دست {ref}.",
            ),
            "followup": ("حدود ساعت {time} اتفاق افتاد، شناسه دست {ref}.",),
            "reply": (
                "گزارش دست {ref} را از ارائه‌دهنده بازی درخواست کردیم. اگر دست کامل نشده باشد، شرط به‌طور خودکار به موجودی شما برمی‌گردد؛ به محض پاسخ آن‌ها به شما خبر می‌دهم.",
            ),
            "resolve": (
                "ارائه‌دهنده دست {ref} را بررسی کرد: کامل نشده بود، بنابراین شرط {amount} {cur} به موجودی شما برگشت.",
            ),
        },
        "selfexclusion": {
            "subject": (
                "لطفاً دوره استراحت (cooling-off) فعال کنید",
                "درخواست محرومیت داوطلبانه از بازی",
            ),
            "body": (
                "می‌خواهم مدتی از بازی فاصله بگیرم. لطفاً یک دوره استراحت ۳۰ روزه فعال کنید و واریز را روی حسابم مسدود کنید.",
                "این اواخر زیادی بازی می‌کنم. چطور می‌توانم حسابم را برای شش ماه ببندم؟ لطفاً همین امروز انجامش دهید.",
            ),
            "followup": (
                "بله، تأیید می‌کنم. لطفاً بعد از این دوره هم سقف واریز پایین‌تر را نگه دارید.",
            ),
            "reply": (
                "{name} عزیز، ممنون که به ما گفتید؛ تصمیم درستی است. می‌توانیم همین الان دوره استراحت را فعال کنیم: در این مدت ورود برای بازی و واریز امکان‌پذیر نیست. برای تأیید «بله» بنویسید. اگر بخواهید با یک متخصص صحبت کنید، راه‌های ارتباطی کمک رایگان و محرمانه را برایتان می‌فرستیم.",
            ),
            "resolve": (
                "انجام شد: دوره استراحت فعال است و واریز مسدود شد. سقف واریز بعد از آن هم برقرار می‌ماند. مراقب خودتان باشید.",
            ),
        },
        "table": {
            "subject": ("رزرو میز خصوصی برای شنبه", "لطفاً سالن {game} را رزرو کنید"),
            "body": (
                "لطفاً یک میز خصوصی {game} برای شنبه ساعت {time} برای چهار مهمان رزرو کنید، با همان سقف‌های همیشگی.",
                "جمعه با دو نفر از دوستانم می‌رسیم. می‌توانید سالن {game} را از ساعت {time} برای ما نگه دارید؟",
            ),
            "followup": ("می‌شود بعد از بازی شام هم در رستوران داشته باشیم؟",),
            "reply": (
                "حتماً {name} عزیز. سالن خصوصی را با سقف‌های همیشگی‌تان نگه داشته‌ایم؛ دیلر و ساعت دقیق را تا یک ساعت دیگر تأیید می‌کنم.",
            ),
            "resolve": (
                "تأیید شد: میز خصوصی {game}، شنبه ساعت {time}، با سقف‌های همیشگی شما، و شام برای ساعت ۲۳ رزرو شد. میزبان شما کنار ورودی VIP منتظرتان است.",
            ),
        },
        "hotel": {
            "subject": ("اتاق هتل بیش از ظرفیت رزرو شده", "هنگام پذیرش اتاقی وجود ندارد"),
            "body": (
                "همین الان رسیدیم و هتل می‌گوید برای رزرو من اتاقی نیست. با چمدان‌ها جلوی پذیرش ایستاده‌ایم.",
                "پذیرش می‌گوید سوئیت من را به کس دیگری داده‌اند، رزرو بیش از ظرفیت. از نیمه‌شب گذشته. لطفاً فوراً حلش کنید.",
            ),
            "followup": ("هنوز جلوی پذیرش هستیم، ۲۰ دقیقه شده.",),
            "reply": (
                "{name} عزیز، واقعاً متأسفیم. مدیر شیفت پیگیری می‌کند: اتاق شما به سوئیت ارتقا پیدا می‌کند و شام مهمان ما هستید. همکار پذیرش تا ۵ دقیقه دیگر چمدان‌ها را می‌برد.",
            ),
            "resolve": (
                "در سوئیت مستقر شدید. ارتقای اتاق و اعتبار غذا و نوشیدنی در پروفایل شما ثبت شد؛ خلاصه کتبی هم به ایمیلتان ارسال می‌شود.",
            ),
        },
        "transfer": {
            "subject": ("ترانسفر فرودگاه نیامد", "راننده در سالن ورودی نیست"),
            "body": (
                "۴۰ دقیقه پیش فرود آمدیم، ماشینی که رزرو کرده بودید نیامده و راننده تلفن را جواب نمی‌دهد.",
                "ترانسفر من کجاست؟ با خانواده در سالن ورودی ایستاده‌ام و کسی نیامده.",
            ),
            "followup": ("هنوز در سالن ورودی منتظریم.",),
            "reply": (
                "{name} عزیز، عذرخواهی می‌کنیم. ماشین جدید در راه است و ۱۵ دقیقه دیگر در سالن ورودی خواهد بود؛ راننده با شما تماس می‌گیرد. اگر در این فاصله تاکسی بگیرید، هزینه‌اش را برمی‌گردانیم.",
            ),
            "resolve": (
                "راننده ساعت {time} شما را سوار کرد. هزینه ترانسفر ناموفق برگشت داده شد و در پروفایل شما ثبت شد.",
            ),
        },
        "complaint": {
            "subject": ("شکایت از پشتیبانی", "کسی به درخواستم جواب نمی‌دهد"),
            "body": (
                "دو روز است منتظر جوابم و اپراتور چت خیلی راحت گفتگو را بست. این قابل قبول نیست.",
                "بار سوم است که درباره یک مشکل می‌نویسم. هر اپراتور همان سؤال‌ها را می‌پرسد و هیچ اتفاقی نمی‌افتد. می‌خواهم با مدیر صحبت کنم.",
            ),
            "followup": ("می‌خواهم یک مدیر این موضوع را بررسی کند.",),
            "reply": (
                "{name} عزیز، بابت انتظار و بسته شدن چت عذرخواهی می‌کنم. پرونده شما را خودم پیگیری می‌کنم و تا ساعت {eta} به شما خبر می‌دهم.",
            ),
            "resolve": (
                "پرونده شما را با سرپرست شیفت بررسی کردیم: مشکل حل شد و یادداشتی گذاشتیم که دیگر تکرار نشود. ممنون که به ما اطلاع دادید.",
            ),
        },
        "idea": {
            "subject": ("پیشنهاد: اعلان‌ها در تلگرام", "ایده‌ای برای اپلیکیشن"),
            "body": (
                "خیلی خوب می‌شد اگر اعلان وضعیت برداشت را در تلگرام دریافت می‌کردیم. تم تیره هم برای اپلیکیشن اضافه کنید لطفاً!",
                "یک ایده کوچک: پیشرفت گردش بونوس را در صفحه اصلی نشان دهید، همیشه باید دنبالش بگردم.",
            ),
            "followup": ("ضمناً دیدن سابقه درخواست‌ها در اپلیکیشن هم خیلی راحت‌تر می‌شد.",),
            "reply": (
                "{name} عزیز، ممنون از ایده‌تان! آن را به تیم محصول دادیم؛ پیشنهادهای بازیکنان را هر هفته بررسی می‌کنیم.",
            ),
            "resolve": (
                "پیشنهاد شما به برنامه محصول اضافه شد. ممنون که به بهتر شدن ما کمک می‌کنید!",
            ),
        },
    },
    # ------------------------------------------------------------------ Greek
    "el": {
        "withdrawal": {
            "subject": (
                "Η ανάληψη εκκρεμεί εδώ και {days} ημέρες",
                "Πού είναι η ανάληψή μου {ref};",
            ),
            "body": (
                "Γεια σας, πριν από {days} ημέρες έκανα αίτημα ανάληψης {amount} {cur} και ακόμα εμφανίζεται «σε εκκρεμότητα». Αριθμός αιτήματος {ref}. Πότε θα λάβω τα χρήματά μου;",
                "Η ανάληψη {ref} ({amount} {cur}) έχει κολλήσει σε «επεξεργασία» από το Σαββατοκύριακο. Κανείς δεν μου εξηγεί τίποτα. Μπορείτε να το ελέγξετε;",
            ),
            "followup": (
                "Υπάρχουν νέα για την ανάληψή μου; Στον λογαριασμό εξακολουθεί να γράφει «σε εκκρεμότητα».",
            ),
            "reply": (
                "Ευχαριστούμε για την αναμονή, {name}. Ελέγξαμε την ανάληψη {ref}: βρίσκεται σε τυπικό έλεγχο από το οικονομικό τμήμα. Μπορείτε να επιβεβαιώσετε τα τέσσερα τελευταία ψηφία της κάρτας ή το πορτοφόλι όπου θα γίνει η πληρωμή;",
            ),
            "resolve": (
                "Καλά νέα: η ανάληψη {ref} ύψους {amount} {cur} εγκρίθηκε και στάλθηκε. Συνήθως η τράπεζα την πιστώνει μέσα σε 1–3 εργάσιμες ημέρες.",
            ),
        },
        "deposit": {
            "subject": (
                "Η κατάθεση δεν πιστώθηκε",
                "Πλήρωσα {amount} {cur} αλλά το υπόλοιπο είναι 0",
            ),
            "body": (
                "Πριν από μία ώρα χρεώθηκαν {amount} {cur} από την κάρτα μου, αλλά το υπόλοιπο στο καζίνο δεν άλλαξε. Συναλλαγή {ref}.",
                "Η κατάθεση {ref} απορρίφθηκε σε εσάς, αλλά η τράπεζα μου χρέωσε {amount} {cur}. Παρακαλώ διορθώστε το, θέλω να παίξω απόψε.",
            ),
            "followup": (
                "Ορίστε το στιγμιότυπο από την εφαρμογή της τράπεζας, η πληρωμή έγινε στις {time}.",
            ),
            "reply": (
                "Λυπούμαστε για την ταλαιπωρία, {name}. Στείλτε μας, παρακαλώ, στιγμιότυπο της απόδειξης της τράπεζας με ημερομηνία, ποσό και αριθμό συναλλαγής. Καλύψτε τον αριθμό της κάρτας: δεν ζητάμε ποτέ ολόκληρο τον αριθμό ή το PIN.",
            ),
            "resolve": (
                "Ο πάροχος πληρωμών επιβεβαίωσε την κατάθεση {ref}: τα {amount} {cur} πιστώθηκαν στο υπόλοιπό σας. Συγγνώμη για την αναμονή.",
            ),
        },
        "bonus": {
            "subject": (
                "Τα στοιχήματα δεν μετράνε στον τζίρο του μπόνους",
                "Ο τζίρος του μπόνους κόλλησε στο {pct}%",
            ),
            "body": (
                "Ενεργοποίησα το μπόνους καλωσορίσματος, αλλά τα στοιχήματά μου στο {game} δεν μετράνε στον τζίρο. Η πρόοδος έμεινε όλο το βράδυ στο {pct}%.",
                "Πού πήγε το μπόνους μου; Είχα φτάσει στο {pct}% του τζίρου και τώρα γράφει ότι το μπόνους ακυρώθηκε.",
            ),
            "followup": (
                "Έπαιξα μόνο κουλοχέρηδες, καθόλου live παιχνίδια, και η μπάρα προόδου ακόμα δεν κουνήθηκε.",
            ),
            "reply": (
                "Βλέπω το μπόνους στον λογαριασμό σας, {name}. Στοιχήματα πάνω από το μέγιστο πόνταρισμα ανά περιστροφή και ορισμένα παιχνίδια, όπως το {game}, μετράνε μόνο εν μέρει στον τζίρο. Ζητήσαμε από το τμήμα μπόνους να υπολογίσει ξανά την πρόοδό σας.",
            ),
            "resolve": (
                "Το τμήμα μπόνους υπολόγισε ξανά τον τζίρο σας: τα στοιχήματα που έλειπαν μετρήθηκαν και η πρόοδος ενημερώθηκε. Καλή επιτυχία!",
            ),
        },
        "kyc": {
            "subject": ("Απορρίφθηκαν τα έγγραφα KYC", "Νέα απόρριψη στην επαλήθευση"),
            "body": (
                "Το διαβατήριό μου απορρίφθηκε δύο φορές στην επαλήθευση, ενώ η φωτογραφία είναι καθαρή. Χωρίς αυτό δεν μπορώ να κάνω ανάληψη. Ποιο είναι το πρόβλημα;",
                "Απορρίψατε το αποδεικτικό διεύθυνσης, ενώ είναι επίσημη κατάσταση λογαριασμού της τράπεζας από τον περασμένο μήνα. Εξηγήστε μου τι ακριβώς χρειάζεστε.",
            ),
            "followup": (
                "Ανέβασα ξανά το διαβατήριο και έναν λογαριασμό ρεύματος του περασμένου μήνα.",
            ),
            "reply": (
                "Το έγγραφο απορρίφθηκε επειδή στη φωτογραφία λείπουν οι γωνίες της σελίδας. Ανεβάστε, παρακαλώ, φωτογραφία ολόκληρης της σελίδας με καλό φωτισμό και αποδεικτικό διεύθυνσης που δεν είναι παλαιότερο από 3 μήνες — μόνο μέσω της ασφαλούς μεταφόρτωσης στον λογαριασμό σας, όχι στο chat.",
            ),
            "resolve": (
                "Τα έγγραφά σας εγκρίθηκαν: η επαλήθευση ολοκληρώθηκε και οι αναλήψεις ξεκλειδώθηκαν.",
            ),
        },
        "2fa": {
            "subject": (
                "Έχασα την πρόσβαση στο 2FA",
                "Δεν μπορώ να συνδεθώ: νέο κινητό, χωρίς εφαρμογή ταυτοποίησης",
            ),
            "body": (
                "Άλλαξα κινητό και έχασα την εφαρμογή ταυτοποίησης, τώρα δεν μπορώ να συνδεθώ. Παρακαλώ επαναφέρετε τον έλεγχο ταυτότητας δύο παραγόντων.",
                "Ο κωδικός 2FA βγαίνει συνέχεια «μη έγκυρος» και ο λογαριασμός μου κλειδώθηκε. Έχω χρήματα στο υπόλοιπο, βοηθήστε με.",
            ),
            "followup": ("Έστειλα τη selfie με την ταυτότητα, όπως ζητήσατε.",),
            "reply": (
                "Για την ασφάλεια του λογαριασμού σας, επαναφέρουμε το 2FA μόνο μετά από έλεγχο: απαντήστε στις ερωτήσεις ασφαλείας στο email που μόλις στείλαμε και ανεβάστε μια selfie κρατώντας την ταυτότητά σας. Δεν θα σας ζητήσουμε ποτέ τον κωδικό πρόσβασης ή το PIN της κάρτας.",
            ),
            "resolve": (
                "Το 2FA επαναφέρθηκε. Συνδεθείτε με τον κωδικό σας και ρυθμίστε αμέσως ξανά την εφαρμογή ταυτοποίησης.",
            ),
        },
        "disconnect": {
            "subject": (
                "Το παιχνίδι αποσυνδέθηκε στη μέση της περιστροφής",
                "Το {game} κόλλησε και χάθηκε το πόνταρισμα",
            ),
            "body": (
                "Το {game} πάγωσε και αποσυνδέθηκε στη μέση μιας περιστροφής με πόνταρισμα {amount} {cur}. Το υπόλοιπο μειώθηκε, αλλά το αποτέλεσμα δεν εμφανίστηκε ποτέ.",
                "Χάθηκε η σύνδεση κατά τη διάρκεια ενός γύρου στο {game}. Όταν επανασυνδέθηκα, το πόνταρισμα είχε χαθεί. Γύρος {ref}.",
            ),
            "followup": ("Έγινε γύρω στις {time}, ID γύρου {ref}.",),
            "reply": (
                "Ζητήσαμε από τον πάροχο του παιχνιδιού το αρχείο καταγραφής του γύρου {ref}. Αν ο γύρος δεν ολοκληρώθηκε, το πόνταρισμα επιστρέφει αυτόματα στο υπόλοιπό σας· θα σας ενημερώσω μόλις απαντήσουν.",
            ),
            "resolve": (
                "Ο πάροχος έλεγξε τον γύρο {ref}: δεν είχε ολοκληρωθεί, οπότε το πόνταρισμα των {amount} {cur} επιστράφηκε στο υπόλοιπό σας.",
            ),
        },
        "selfexclusion": {
            "subject": ("Παρακαλώ ορίστε περίοδο αποχής (cooling-off)", "Θέλω αυτοαποκλεισμό"),
            "body": (
                "Θέλω να κάνω ένα διάλειμμα από το παιχνίδι. Ορίστε, παρακαλώ, περίοδο αποχής 30 ημερών και μπλοκάρετε τις καταθέσεις στον λογαριασμό μου.",
                "Τελευταία παίζω υπερβολικά. Πώς μπορώ να κλείσω τον λογαριασμό μου για έξι μήνες; Κάντε το σήμερα, παρακαλώ.",
            ),
            "followup": (
                "Ναι, το επιβεβαιώνω. Και κρατήστε, παρακαλώ, το χαμηλότερο όριο κατάθεσης και μετά το διάλειμμα.",
            ),
            "reply": (
                "Ευχαριστούμε που μας το είπατε, {name} — είναι σωστή απόφαση. Μπορούμε να ενεργοποιήσουμε την περίοδο αποχής αμέσως: σε αυτό το διάστημα δεν θα μπορείτε να συνδεθείτε για παιχνίδι ούτε να καταθέσετε. Απαντήστε «ναι» για επιβεβαίωση. Αν θέλετε να μιλήσετε με έναν ειδικό, θα σας στείλουμε στοιχεία δωρεάν και εμπιστευτικής βοήθειας.",
            ),
            "resolve": (
                "Έγινε: η περίοδος αποχής είναι ενεργή και οι καταθέσεις μπλοκαρίστηκαν. Το όριο κατάθεσης θα ισχύει και μετά. Να προσέχετε τον εαυτό σας.",
            ),
        },
        "table": {
            "subject": (
                "Κράτηση ιδιωτικού τραπεζιού για το Σάββατο",
                "Κλείστε μου τη σάλα {game}, παρακαλώ",
            ),
            "body": (
                "Παρακαλώ κλείστε ένα ιδιωτικό τραπέζι {game} για το Σάββατο στις {time} για τέσσερις καλεσμένους, με τα συνηθισμένα όρια.",
                "Φτάνουμε την Παρασκευή, τρία άτομα. Μπορείτε να μας κρατήσετε τη σάλα {game} από τις {time};",
            ),
            "followup": ("Θα μπορούσαμε να έχουμε και δείπνο στο εστιατόριο μετά το παιχνίδι;",),
            "reply": (
                "Βεβαίως, {name}. Κρατάμε για εσάς την ιδιωτική σάλα με τα συνηθισμένα σας όρια· θα επιβεβαιώσω τον ντίλερ και την ακριβή ώρα μέσα στην επόμενη ώρα.",
            ),
            "resolve": (
                "Επιβεβαιώθηκε: ιδιωτικό τραπέζι {game} το Σάββατο στις {time}, με τα συνηθισμένα σας όρια, και δείπνο στις 23:00. Ο οικοδεσπότης σας θα σας υποδεχτεί στην είσοδο VIP.",
            ),
        },
        "hotel": {
            "subject": ("Υπεράριθμη κράτηση στο ξενοδοχείο", "Δεν υπάρχει δωμάτιο στο check-in"),
            "body": (
                "Μόλις φτάσαμε και το ξενοδοχείο λέει ότι δεν υπάρχει δωμάτιο για την κράτησή μου. Στεκόμαστε στη ρεσεψιόν με τις βαλίτσες.",
                "Η ρεσεψιόν λέει ότι τη σουίτα μου την έδωσαν σε άλλον — υπεράριθμες κρατήσεις. Είναι μετά τα μεσάνυχτα. Λύστε το αμέσως.",
            ),
            "followup": ("Είμαστε ακόμα στη ρεσεψιόν, 20 λεπτά τώρα.",),
            "reply": (
                "Λυπούμαστε πολύ, {name}. Ο υπεύθυνος βάρδιας το αναλαμβάνει: σας αναβαθμίζουμε σε σουίτα και το δείπνο είναι κερασμένο. Ένας υπάλληλος της ρεσεψιόν θα πάρει τις αποσκευές σας σε 5 λεπτά.",
            ),
            "resolve": (
                "Κάνατε check-in στη σουίτα. Η αναβάθμιση και η πίστωση για φαγητό και ποτό καταγράφηκαν στο προφίλ σας· θα ακολουθήσει γραπτή σύνοψη με email.",
            ),
        },
        "transfer": {
            "subject": ("Δεν ήρθε η μεταφορά από το αεροδρόμιο", "Κανένας οδηγός στις αφίξεις"),
            "body": (
                "Προσγειωθήκαμε πριν από 40 λεπτά, το αυτοκίνητο που κλείσατε δεν είναι εδώ και ο οδηγός δεν απαντά στο τηλέφωνο.",
                "Πού είναι η μεταφορά μου; Περιμένω στις αφίξεις με την οικογένειά μου και δεν έχει έρθει κανείς.",
            ),
            "followup": ("Περιμένουμε ακόμα στην αίθουσα αφίξεων.",),
            "reply": (
                "Συγγνώμη, {name}. Ένα νέο αυτοκίνητο είναι καθ' οδόν και θα είναι στις αφίξεις σε 15 λεπτά· ο οδηγός θα σας τηλεφωνήσει. Αν πάρετε ταξί στο μεταξύ, θα σας επιστρέψουμε το κόστος.",
            ),
            "resolve": (
                "Ο οδηγός σας παρέλαβε στις {time}. Το κόστος της αποτυχημένης μεταφοράς επιστράφηκε και το περιστατικό καταγράφηκε στο προφίλ σας.",
            ),
        },
        "complaint": {
            "subject": ("Παράπονο για την εξυπηρέτηση", "Κανείς δεν απαντά στο αίτημά μου"),
            "body": (
                "Περιμένω απάντηση δύο μέρες και ο εκπρόσωπος στο chat απλώς έκλεισε τη συνομιλία. Αυτό είναι απαράδεκτο.",
                "Γράφω τρίτη φορά για το ίδιο πρόβλημα. Κάθε εκπρόσωπος κάνει τις ίδιες ερωτήσεις και δεν γίνεται τίποτα. Θέλω να μιλήσω με υπεύθυνο.",
            ),
            "followup": ("Θέλω να το εξετάσει ένας υπεύθυνος.",),
            "reply": (
                "Ζητώ συγγνώμη για την αναμονή και για το κλείσιμο της συνομιλίας, {name}. Ανέλαβα προσωπικά την υπόθεσή σας και θα σας ενημερώσω έως τις {eta}.",
            ),
            "resolve": (
                "Εξετάσαμε την υπόθεσή σας με τον υπεύθυνο βάρδιας: το θέμα λύθηκε και προσθέσαμε σημείωση ώστε να μην ξανασυμβεί. Ευχαριστούμε που μας ενημερώσατε.",
            ),
        },
        "idea": {
            "subject": ("Πρόταση: ειδοποιήσεις στο Telegram", "Ιδέα για την εφαρμογή"),
            "body": (
                "Θα ήταν υπέροχο να λαμβάνουμε ειδοποιήσεις για την κατάσταση της ανάληψης στο Telegram. Και ένα σκοτεινό θέμα στην εφαρμογή, παρακαλώ!",
                "Μια μικρή ιδέα: δείξτε την πρόοδο του τζίρου του μπόνους στην αρχική οθόνη, πάντα πρέπει να την ψάχνω.",
            ),
            "followup": (
                "Επίσης θα ήταν βολικό να βλέπουμε το ιστορικό των αιτημάτων στην εφαρμογή.",
            ),
            "reply": (
                "Ευχαριστούμε για την ιδέα, {name}! Τη διαβιβάσαμε στην ομάδα προϊόντος — εξετάζουμε τις προτάσεις των παικτών κάθε εβδομάδα.",
            ),
            "resolve": (
                "Η πρότασή σας μπήκε στο πλάνο του προϊόντος. Ευχαριστούμε που μας βοηθάτε να γινόμαστε καλύτεροι!",
            ),
        },
    },
    # ------------------------------------------------------------------ Mongolian
    "mn": {
        "withdrawal": {
            "subject": (
                "Мөнгө татах хүсэлт {days} хоног хүлээгдэж байна",
                "Миний {ref} таталт хаана байна?",
            ),
            "body": (
                "Сайн байна уу? {days} хоногийн өмнө {amount} {cur} татах хүсэлт гаргасан боловч төлөв нь одоо хүртэл «хүлээгдэж буй» байна. Хүсэлтийн дугаар {ref}. Мөнгө хэзээ орох вэ?",
                "Миний {ref} таталт ({amount} {cur}) амралтын өдрөөс хойш «боловсруулж байна» төлөвт гацсан. Хэн ч юу ч тайлбарлахгүй байна. Шалгаж өгнө үү.",
            ),
            "followup": (
                "Мөнгө татах хүсэлтийн талаар мэдээ байна уу? Хувийн хэсэгт одоо ч «хүлээгдэж буй» гэж харагдаж байна.",
            ),
            "reply": (
                "Хүлээсэнд баярлалаа, {name}. {ref} таталтыг шалгалаа: санхүүгийн хэлтэст ердийн шалгалтад байна. Мөнгө шилжүүлэх картын сүүлийн дөрвөн орон эсвэл түрийвчээ баталгаажуулна уу.",
            ),
            "resolve": (
                "Сайн мэдээ: {ref} дугаартай {amount} {cur} таталт батлагдаж, илгээгдлээ. Банк ихэвчлэн 1–3 ажлын өдрийн дотор мөнгийг оруулдаг.",
            ),
        },
        "deposit": {
            "subject": ("Цэнэглэлт дансанд ороогүй", "{amount} {cur} төлсөн ч үлдэгдэл 0 байна"),
            "body": (
                "Нэг цагийн өмнө картаас {amount} {cur} хасагдсан ч казиногийн үлдэгдэл өөрчлөгдөөгүй байна. Гүйлгээ {ref}.",
                "Танай талд {ref} цэнэглэлт амжилтгүй болсон ч банк {amount} {cur} хассан байна. Шийдэж өгнө үү, өнөө орой тоглох гэсэн юм.",
            ),
            "followup": ("Банкны аппын дэлгэцийн зургийг илгээлээ, төлбөр {time} цагт хийгдсэн.",),
            "reply": (
                "Төвөг учруулсанд уучлаарай, {name}. Огноо, дүн, гүйлгээний дугаар харагдах банкны баримтын дэлгэцийн зургийг илгээнэ үү. Картын дугаараа далдлаарай: бид картын бүтэн дугаар болон ПИН кодыг хэзээ ч асуудаггүй.",
            ),
            "resolve": (
                "Төлбөрийн үйлчилгээ үзүүлэгч {ref} цэнэглэлтийг баталгаажууллаа: {amount} {cur} таны үлдэгдэлд орлоо. Хүлээлгэсэнд уучлаарай.",
            ),
        },
        "bonus": {
            "subject": (
                "Бооцоо бонусын эргэлтэд тооцогдохгүй байна",
                "Бонусын эргэлт {pct}% дээр гацсан",
            ),
            "body": (
                "Угтах бонусыг идэвхжүүлсэн ч {game} дээрх бооцоо эргэлтэд тооцогдохгүй байна. Явц орой турш {pct}% дээр зогсож байна.",
                "Миний бонус хаашаа алга болов? Эргэлтийн {pct}% хийсэн байтал одоо бонус цуцлагдсан гэж байна.",
            ),
            "followup": (
                "Зөвхөн слот тоглосон, амьд тоглоом огт тоглоогүй, гэтэл явцын мөр хөдлөхгүй байна.",
            ),
            "reply": (
                "Таны дансанд бонус харагдаж байна, {name}. Нэг эргэлтийн дээд бооцооноос их бооцоо болон {game} зэрэг зарим тоглоом эргэлтэд зөвхөн хэсэгчлэн тооцогддог. Явцыг дахин тооцуулахаар таны хүсэлтийг бонусын хэлтэст дамжууллаа.",
            ),
            "resolve": (
                "Бонусын хэлтэс таны эргэлтийг дахин тооцлоо: дутуу байсан бооцоонууд тооцогдож, явц шинэчлэгдлээ. Амжилт хүсье!",
            ),
        },
        "kyc": {
            "subject": ("KYC баримт бичиг татгалзагдсан", "Баталгаажуулалтаас дахин татгалзсан"),
            "body": (
                "Зураг нь тод байхад миний паспортыг баталгаажуулалтаар хоёр удаа татгалзсан. Үүнгүйгээр мөнгө татаж чадахгүй байна. Асуудал юунд байна вэ?",
                "Та нар миний хаягийн баталгааг татгалзсан, гэтэл энэ бол өнгөрсөн сарын банкны албан ёсны хуулга. Яг юу хэрэгтэйг тайлбарлана уу.",
            ),
            "followup": (
                "Паспортоо дахин байршууллаа, мөн өнгөрсөн сарын ашиглалтын төлбөрийн баримт нэмлээ.",
            ),
            "reply": (
                "Зураг дээр хуудасны булангууд тасарсан тул баримтыг татгалзсан байна. Хуудсыг бүтнээр нь сайн гэрэлтүүлэгтэй газар авсан зураг болон 3 сараас хэтрээгүй хаягийн баталгааг зөвхөн хувийн хэсгийн хамгаалалттай байршуулалтаар илгээнэ үү, чатаар биш.",
            ),
            "resolve": (
                "Таны баримт бичиг батлагдлаа: баталгаажуулалт дуусч, мөнгө татах боломжтой боллоо.",
            ),
        },
        "2fa": {
            "subject": (
                "2FA-д хандах эрхээ алдсан",
                "Нэвтэрч чадахгүй байна: шинэ утас, баталгаажуулагч апп алга",
            ),
            "body": (
                "Утсаа сольсноор баталгаажуулагч апп алга болж, одоо нэвтэрч чадахгүй байна. Хоёр шатлалт баталгаажуулалтыг шинэчилж өгнө үү.",
                "2FA код үргэлж «буруу» гэж гарч, данс минь түгжигдсэн. Үлдэгдэлд мөнгө байгаа, тусална уу.",
            ),
            "followup": ("Хүссэний дагуу иргэний үнэмлэхтэйгээ авахуулсан селфи зургаа илгээлээ.",),
            "reply": (
                "Таны дансны аюулгүй байдлын үүднээс бид 2FA-г зөвхөн шалгалтын дараа шинэчилдэг: саяхан илгээсэн имэйл дэх хамгаалалтын асуултад хариулж, бичиг баримтаа гартаа барин авахуулсан селфи зургаа байршуулна уу. Бид нууц үг эсвэл картын ПИН кодыг хэзээ ч асуухгүй.",
            ),
            "resolve": (
                "2FA шинэчлэгдлээ. Нууц үгээрээ нэвтэрч, баталгаажуулагч аппаа даруй дахин тохируулна уу.",
            ),
        },
        "disconnect": {
            "subject": ("Тоглоом эргэлтийн дундуур тасарсан", "{game} гацаж, бооцоо алга болсон"),
            "body": (
                "{game} эргэлтийн дундуур гацаж тасарсан, бооцоо {amount} {cur} байсан. Үлдэгдэл багассан ч үр дүн огт харагдаагүй.",
                "{game} тоглож байхад раундын дундуур холболт тасарсан, дахин холбогдоход бооцоо алга болсон байна. Раунд {ref}.",
            ),
            "followup": ("Ойролцоогоор {time} цагт болсон, раундын ID {ref}.",),
            "reply": (
                "Тоглоомын нийлүүлэгчээс {ref} раундын логийг авахаар хүсэлт илгээлээ. Хэрэв раунд дуусаагүй бол бооцоо таны үлдэгдэлд автоматаар буцаж орно; хариу ирмэгц мэдэгдэнэ.",
            ),
            "resolve": (
                "Нийлүүлэгч {ref} раундыг шалгасан: раунд дуусаагүй байсан тул {amount} {cur} бооцоог таны үлдэгдэлд буцааж оруулсан.",
            ),
        },
        "selfexclusion": {
            "subject": (
                "Завсарлага (cooling-off) тогтоож өгнө үү",
                "Өөрийгөө тоглоомоос хасуулмаар байна",
            ),
            "body": (
                "Тоглоомоос түр завсарлага авмаар байна. Миний дансанд 30 хоногийн завсарлага тогтоож, цэнэглэлтийг хааж өгнө үү.",
                "Сүүлийн үед хэт их тоглох болсон. Дансаа хагас жилээр яаж хаах вэ? Өнөөдөр хийж өгнө үү.",
            ),
            "followup": (
                "Тийм, баталж байна. Завсарлагын дараа ч бууруулсан цэнэглэлтийн хязгаарыг хэвээр үлдээнэ үү.",
            ),
            "reply": (
                "Бидэнд хэлсэнд баярлалаа, {name}. Энэ бол зөв шийдвэр. Завсарлагыг яг одоо идэвхжүүлж болно: энэ хугацаанд тоглоомд нэвтрэх болон цэнэглэх боломжгүй. Баталгаажуулахын тулд «тийм» гэж хариулна уу. Мэргэжилтэнтэй ярилцахыг хүсвэл үнэ төлбөргүй, нууцлалтай тусламжийн холбоо барих мэдээллийг илгээнэ.",
            ),
            "resolve": (
                "Боллоо: завсарлага идэвхжиж, цэнэглэлт хаагдлаа. Цэнэглэлтийн хязгаар дараа нь ч хүчинтэй хэвээр байна. Өөртөө анхаарал тавиарай.",
            ),
        },
        "table": {
            "subject": ("Бямба гаригт хувийн ширээ захиалах", "{game} танхимыг захиалж өгнө үү"),
            "body": (
                "Бямба гаригт {time} цагт дөрвөн зочинд зориулж хувийн {game} ширээ захиалж өгнө үү, хязгаар ердийнхөөрөө.",
                "Баасан гаригт гурвуулаа ирнэ. {game} танхимыг {time} цагаас бидэнд барьж өгч болох уу?",
            ),
            "followup": ("Тоглоомын дараа ресторанд оройн хоол идэж болох уу?",),
            "reply": (
                "Мэдээж, {name}. Таны ердийн хязгаартай хувийн танхимыг танд барьж байна; дилер болон яг цагийг нэг цагийн дотор баталгаажуулна.",
            ),
            "resolve": (
                "Баталгаажлаа: бямба гаригт {time} цагт хувийн {game} ширээ, таны ердийн хязгаар, оройн хоол 23:00 цагт захиалагдсан. Таны хост VIP хаалган дээр угтан авна.",
            ),
        },
        "hotel": {
            "subject": ("Зочид буудал илүү захиалга авсан", "Бүртгүүлэх үед өрөө байхгүй"),
            "body": (
                "Бид дөнгөж ирлээ, гэтэл зочид буудал миний захиалгаар өрөө байхгүй гэж байна. Ачаа тээштэйгээ хүлээн авах хэсэгт зогсож байна.",
                "Хүлээн авах хэсэг миний люкс өрөөг өөр хүнд өгчихсөн гэж байна, илүү захиалга авсан гэнэ. Шөнө дунд болчихлоо. Яаралтай шийдэж өгнө үү.",
            ),
            "followup": ("Одоо ч хүлээн авах хэсэгт байна, 20 минут боллоо.",),
            "reply": (
                "Уучлаарай, {name}. Жижүүр менежер шийдэж байна: танд илүү зэрэглэлийн люкс өрөө олгож, оройн хоолыг манай зардлаар гаргана. Хүлээн авах хэсгийн ажилтан 5 минутын дараа ачааг тань авна.",
            ),
            "resolve": (
                "Та люкс өрөөнд байрлалаа. Өрөөний зэрэглэл ахиулсан болон хоол, ундааны кредитийг таны профайлд тэмдэглэсэн; бичгээр тайлан имэйлээр ирнэ.",
            ),
        },
        "transfer": {
            "subject": ("Нисэх буудлын тээвэр ирээгүй", "Ирэх хэсэгт жолооч алга"),
            "body": (
                "40 минутын өмнө газардсан, захиалсан машин алга, жолооч утсаа авахгүй байна.",
                "Миний тээвэр хаана байна? Гэр бүлийнхэнтэйгээ ирэх хэсэгт зогсож байна, хэн ч алга.",
            ),
            "followup": ("Одоо ч ирэх танхимд хүлээж байна.",),
            "reply": (
                "Уучлаарай, {name}. Шинэ машин замдаа гарсан, 15 минутын дараа ирэх хэсэгт очно, жолооч тань руу залгана. Хэрэв такси барьвал зардлыг нь буцаан олгоно.",
            ),
            "resolve": (
                "Жолооч таныг {time} цагт тосож авлаа. Бүтэлгүйтсэн тээврийн төлбөрийг буцааж, энэ тохиолдлыг таны профайлд тэмдэглэлээ.",
            ),
        },
        "complaint": {
            "subject": ("Тусламжийн үйлчилгээнд гомдол", "Миний хүсэлтэд хэн ч хариулахгүй байна"),
            "body": (
                "Хоёр хоног хариу хүлээж байгаа, гэтэл чатын оператор зүгээр л харилцааг хаачихлаа. Энэ бол хүлээн зөвшөөрөхийн аргагүй.",
                "Нэг асуудлаар гурав дахь удаагаа бичиж байна. Оператор бүр ижил асуулт асуугаад юу ч өөрчлөгдөхгүй байна. Удирдлагатай ярилцмаар байна.",
            ),
            "followup": ("Үүнийг удирдлага хянаж үзэхийг хүсэж байна.",),
            "reply": (
                "Хүлээлгэсэн болон чат хаагдсанд уучлаарай, {name}. Таны хүсэлтийг би өөрөө хариуцаж байгаа бөгөөд {eta} цагаас өмнө мэдэгдэнэ.",
            ),
            "resolve": (
                "Таны хүсэлтийг ээлжийн ахлагчтай хамт хянасан: асуудал шийдэгдэж, дахин давтагдахгүйн тулд тэмдэглэл хийлээ. Мэдэгдсэнд баярлалаа.",
            ),
        },
        "idea": {
            "subject": ("Санал: Telegram-аар мэдэгдэл авах", "Аппликейшнд зориулсан санаа"),
            "body": (
                "Мөнгө татах хүсэлтийн төлвийн мэдэгдлийг Telegram-аар авдаг бол их сайхан байна. Аппад бараан загвар нэмээрэй!",
                "Жижиг санаа: бонусын эргэлтийн явцыг нүүр дэлгэц дээр харуулаач, үргэлж хайх хэрэгтэй болдог.",
            ),
            "followup": ("Мөн аппаас хүсэлтийн түүхээ харж болдог бол тун тохиромжтой байна.",),
            "reply": (
                "Санал өгсөнд баярлалаа, {name}! Бүтээгдэхүүний багт дамжууллаа — тоглогчдын саналыг долоо хоног бүр хэлэлцдэг.",
            ),
            "resolve": (
                "Таны саналыг бүтээгдэхүүний төлөвлөгөөнд нэмлээ. Биднийг сайжрахад тусалсанд дахин баярлалаа!",
            ),
        },
    },
    # ------------------------------------------------------------------ Turkish
    "tr": {
        "withdrawal": {
            "subject": (
                "Para çekme talebim {days} gündür beklemede",
                "{ref} numaralı çekim nerede?",
            ),
            "body": (
                "Merhaba, {days} gün önce {amount} {cur} çekim talebi oluşturdum ama durum hâlâ «beklemede». Talep numarası {ref}. Param ne zaman gelecek?",
                "{ref} numaralı {amount} {cur} çekimim hafta sonundan beri «işleniyor» durumunda takılı kaldı. Kimse bir açıklama yapmıyor. Kontrol eder misiniz lütfen?",
            ),
            "followup": (
                "Çekimimle ilgili bir gelişme var mı? Hesabımda hâlâ «beklemede» görünüyor.",
            ),
            "reply": (
                "Beklediğiniz için teşekkürler, {name}. {ref} numaralı çekimi kontrol ettik: finans ekibimizde rutin incelemede. Ödemenin yapılacağı kartın son dört hanesini veya cüzdanı teyit edebilir misiniz?",
            ),
            "resolve": (
                "Güzel haber: {amount} {cur} tutarındaki {ref} numaralı çekiminiz onaylandı ve gönderildi. Bankalar genellikle 1–3 iş günü içinde hesaba geçirir.",
            ),
        },
        "deposit": {
            "subject": ("Yatırım hesaba geçmedi", "{amount} {cur} ödedim ama bakiye 0"),
            "body": (
                "Bir saat önce kartımdan {amount} {cur} çekildi ama casino bakiyem değişmedi. İşlem {ref}.",
                "{ref} numaralı yatırım sizde başarısız görünüyor ama banka {amount} {cur} tahsil etti. Lütfen düzeltin, bu akşam oynamak istiyorum.",
            ),
            "followup": (
                "Banka uygulamasından ekran görüntüsü burada, ödeme saat {time} civarında gerçekleşti.",
            ),
            "reply": (
                "Yaşadığınız sorun için özür dileriz, {name}. Lütfen tarih, tutar ve işlem numarası görünen banka dekontunun ekran görüntüsünü gönderin. Kart numarasını kapatın: tam kart numarasını veya şifreyi asla istemeyiz.",
            ),
            "resolve": (
                "Ödeme sağlayıcısı {ref} numaralı yatırımı onayladı: {amount} {cur} bakiyenize eklendi. Beklettiğimiz için özür dileriz.",
            ),
        },
        "bonus": {
            "subject": (
                "Bahisler bonus çevrimine sayılmıyor",
                "Bonus çevrim ilerlemesi takıldı (%{pct})",
            ),
            "body": (
                "Hoş geldin bonusunu aktif ettim ama {game} oyunundaki bahislerim çevrime sayılmıyor. İlerleme bütün akşam %{pct} seviyesinde kaldı.",
                "Bonusum nereye gitti? Çevrimin %{pct} kadarını tamamlamıştım, şimdi bonusun iptal edildiği yazıyor.",
            ),
            "followup": (
                "Sadece slot oynadım, hiç canlı oyun yok, ama ilerleme çubuğu hâlâ kıpırdamadı.",
            ),
            "reply": (
                "Hesabınızda bonusu görüyorum, {name}. Spin başına izin verilen maksimum bahsi aşan bahisler ve {game} gibi bazı oyunlar çevrime yalnızca kısmen sayılır. İlerlemenizin yeniden hesaplanması için talebinizi bonus ekibine ilettik.",
            ),
            "resolve": (
                "Bonus ekibi çevriminizi yeniden hesapladı: eksik bahisler sayıldı ve ilerleme güncellendi. Bol şans!",
            ),
        },
        "kyc": {
            "subject": ("KYC belgelerim reddedildi", "Doğrulama yine reddedildi"),
            "body": (
                "Pasaportum doğrulamada iki kez reddedildi, oysa fotoğraf gayet net. Bu tamamlanmadan para çekemiyorum. Sorun ne?",
                "Adres belgemi reddettiniz, oysa geçen aya ait resmi banka hesap özeti. Tam olarak neye ihtiyacınız olduğunu açıklar mısınız?",
            ),
            "followup": ("Pasaportu tekrar yükledim, ayrıca geçen aya ait bir fatura da ekledim.",),
            "reply": (
                "Belge, fotoğrafta sayfanın köşeleri kesik olduğu için reddedildi. Lütfen sayfanın tamamının iyi ışıkta çekilmiş fotoğrafını ve 3 aydan eski olmayan bir adres belgesini yalnızca hesabınızdaki güvenli yükleme alanından gönderin, sohbetten değil.",
            ),
            "resolve": (
                "Belgeleriniz onaylandı: doğrulama tamamlandı ve para çekme işlemleri açıldı.",
            ),
        },
        "2fa": {
            "subject": (
                "2FA erişimimi kaybettim",
                "Giriş yapamıyorum: yeni telefon, doğrulama uygulaması yok",
            ),
            "body": (
                "Telefonumu değiştirdim ve doğrulama uygulaması gitti, şimdi giriş yapamıyorum. Lütfen iki adımlı doğrulamayı sıfırlayın.",
                "2FA kodu sürekli «geçersiz» çıkıyor ve hesabım kilitlendi. Bakiyemde para var, lütfen yardım edin.",
            ),
            "followup": ("İstediğiniz gibi kimliğimle çektiğim selfie'yi gönderdim.",),
            "reply": (
                "Hesabınızın güvenliği için 2FA'yı yalnızca bir kontrolden sonra sıfırlıyoruz: az önce gönderdiğimiz e-postadaki güvenlik sorularını yanıtlayın ve kimliğinizi elinizde tutarak çektiğiniz bir selfie yükleyin. Şifrenizi veya kart PIN'inizi asla istemeyiz.",
            ),
            "resolve": (
                "2FA sıfırlandı. Şifrenizle giriş yapın ve doğrulama uygulamasını hemen yeniden kurun.",
            ),
        },
        "disconnect": {
            "subject": ("Oyun spin ortasında koptu", "{game} dondu, bahis kayboldu"),
            "body": (
                "{game} bir spinin ortasında {amount} {cur} bahisle dondu ve bağlantı koptu. Bakiye düştü ama sonuç hiç görünmedi.",
                "{game} oyununda bir el sırasında bağlantı koptu, tekrar bağlandığımda bahsim yoktu. El numarası {ref}.",
            ),
            "followup": ("Saat {time} civarında oldu, el kimliği {ref}.",),
            "reply": (
                "Oyun sağlayıcısından {ref} numaralı elin kaydını istedik. El tamamlanmadıysa bahis otomatik olarak bakiyenize iade edilir; yanıt gelir gelmez size haber vereceğim.",
            ),
            "resolve": (
                "Sağlayıcı {ref} numaralı eli kontrol etti: el tamamlanmamış, bu yüzden {amount} {cur} bahsiniz bakiyenize iade edildi.",
            ),
        },
        "selfexclusion": {
            "subject": (
                "Lütfen bir mola süresi (cooling-off) tanımlayın",
                "Kendimi oyundan uzaklaştırmak istiyorum",
            ),
            "body": (
                "Oyuna bir süre ara vermek istiyorum. Lütfen hesabıma 30 günlük mola tanımlayın ve para yatırmayı engelleyin.",
                "Son zamanlarda çok fazla oynuyorum. Hesabımı altı aylığına nasıl kapatabilirim? Lütfen bugün yapın.",
            ),
            "followup": (
                "Evet, onaylıyorum. Moladan sonra da düşük yatırım limitini koruyun lütfen.",
            ),
            "reply": (
                "Bize yazdığınız için teşekkürler, {name}; bu doğru bir karar. Molayı hemen şimdi başlatabiliriz: bu sürede oyun için giriş yapamaz ve para yatıramazsınız. Onaylamak için «evet» yazmanız yeterli. Bir uzmanla konuşmak isterseniz ücretsiz ve gizli destek hatlarının bilgilerini gönderebiliriz.",
            ),
            "resolve": (
                "Tamamlandı: mola süreniz aktif ve para yatırma engellendi. Yatırım limitiniz sonrasında da geçerli olacak. Kendinize iyi bakın.",
            ),
        },
        "table": {
            "subject": ("Cumartesi için özel masa rezervasyonu", "{game} salonunu ayırır mısınız?"),
            "body": (
                "Lütfen cumartesi saat {time} için dört misafire özel bir {game} masası ayırın, limitler her zamanki gibi.",
                "Cuma günü üç kişi geliyoruz. {game} salonunu saat {time} itibarıyla bize ayırabilir misiniz?",
            ),
            "followup": ("Oyundan sonra restoranda akşam yemeği de ayarlayabilir miyiz?",),
            "reply": (
                "Elbette, {name}. Özel salonu her zamanki limitlerinizle sizin için tutuyoruz; krupiyeyi ve kesin saati bir saat içinde teyit edeceğim.",
            ),
            "resolve": (
                "Onaylandı: cumartesi saat {time}, özel {game} masası, her zamanki limitleriniz ve saat 23:00 için akşam yemeği rezervasyonu. Sizinle ilgilenen host'unuz sizi VIP girişinde karşılayacak.",
            ),
        },
        "hotel": {
            "subject": ("Otelde fazla rezervasyon (overbooking)", "Girişte oda yok"),
            "body": (
                "Az önce geldik, otel rezervasyonum için oda olmadığını söylüyor. Bavullarımızla resepsiyonda bekliyoruz.",
                "Resepsiyon süitimin başkasına verildiğini söylüyor, overbooking olmuş. Gece yarısını geçti. Lütfen hemen çözün.",
            ),
            "followup": ("Hâlâ resepsiyondayız, 20 dakika oldu.",),
            "reply": (
                "Çok üzgünüz, {name}. Nöbetçi müdür ilgileniyor: odanız süite yükseltiliyor ve akşam yemeği bizden. Resepsiyondan bir görevli 5 dakika içinde bavullarınızı alacak.",
            ),
            "resolve": (
                "Süitinize yerleştiniz. Oda yükseltmesi ve yiyecek-içecek kredisi profilinize işlendi; yazılı özet e-postayla gelecek.",
            ),
        },
        "transfer": {
            "subject": ("Havalimanı transferi gelmedi", "Gelen yolcu salonunda şoför yok"),
            "body": (
                "40 dakika önce indik, ayırttığınız araç burada değil ve şoför telefonu açmıyor.",
                "Transferim nerede? Ailemle gelen yolcu salonunda bekliyorum, kimse yok.",
            ),
            "followup": ("Hâlâ gelen yolcu salonunda bekliyoruz.",),
            "reply": (
                "Özür dileriz, {name}. Yeni bir araç yola çıktı, 15 dakika içinde gelen yolcu salonunda olacak; şoför sizi arayacak. Bu arada taksiye binerseniz ücretini iade edeceğiz.",
            ),
            "resolve": (
                "Şoför sizi saat {time} civarında aldı. Aksayan transferin ücreti iade edildi ve durum profilinize not edildi.",
            ),
        },
        "complaint": {
            "subject": ("Destek hizmeti hakkında şikâyet", "Talebime kimse yanıt vermiyor"),
            "body": (
                "İki gündür yanıt bekliyorum ve canlı destek temsilcisi sohbeti öylece kapattı. Bu kabul edilemez.",
                "Aynı sorun için üçüncü kez yazıyorum. Her temsilci aynı soruları soruyor ve hiçbir şey olmuyor. Bir yöneticiyle görüşmek istiyorum.",
            ),
            "followup": ("Bunu bir yöneticinin incelemesini istiyorum.",),
            "reply": (
                "Beklettiğimiz ve sohbet kapatıldığı için özür dilerim, {name}. Talebinizi bizzat üstlendim; size bugün saat {eta} sularında dönüş yapacağım.",
            ),
            "resolve": (
                "Talebinizi vardiya sorumlusuyla birlikte inceledik: sorun çözüldü ve tekrarlanmaması için not düştük. Bize bildirdiğiniz için teşekkür ederiz.",
            ),
        },
        "idea": {
            "subject": ("Öneri: Telegram bildirimleri", "Uygulama için bir fikir"),
            "body": (
                "Çekim durumu bildirimlerini Telegram'dan almak harika olurdu. Uygulamaya karanlık tema da ekleyin lütfen!",
                "Küçük bir fikir: bonus çevrim ilerlemesini ana ekranda gösterin, her seferinde aramak zorunda kalıyorum.",
            ),
            "followup": ("Ayrıca uygulamada talep geçmişini görebilmek de çok pratik olurdu.",),
            "reply": (
                "Fikriniz için teşekkürler, {name}! Ürün ekibine ilettik; oyuncu önerilerini her hafta değerlendiriyoruz.",
            ),
            "resolve": (
                "Öneriniz ürün planına eklendi. Gelişmemize yardımcı olduğunuz için tekrar teşekkürler!",
            ),
        },
    },
}

# COMMON[lang][part] → variants: the desk's and the player's everyday phrases.
COMMON: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "ack": (
            "Hi {name}! I'm {agent}. I can see ticket #{id} and I'm already checking it.",
            "Hello {name}, {agent} here. Thanks for your patience — I'm on ticket #{id} now.",
        ),
        "clarify": (
            "To move forward I need a little more information: could you send a screenshot and roughly what time it happened? Just reply to this message.",
        ),
        "nudge": ("Hello? Any update?", "Is anyone looking at this?"),
        "thanks": ("Thank you, that's sorted!", "Great, thanks for the help."),
        "reopen": (
            "It's happening again, the problem isn't solved.",
            "Sorry, it's still not working.",
        ),
        "bot": (
            "Ticket #{id} created. Topic: {tag}. ETA: {eta}. We'll message you when the status changes.",
        ),
        "closing": (
            "If you have any other questions, just write. Please rate the answer: it takes 2 seconds.",
        ),
    },
    "ru": {
        "ack": (
            "Здравствуйте, {name}! Меня зовут {agent}. Вижу заявку #{id}, уже проверяю.",
            "Добрый день, {name}, на связи {agent}. Спасибо за терпение — занимаюсь заявкой #{id}.",
        ),
        "clarify": (
            "Чтобы продвинуться дальше, нужно чуть больше информации: пришлите, пожалуйста, скриншот и примерное время, когда это произошло. Просто ответьте на это сообщение.",
        ),
        "nudge": ("Здравствуйте? Есть новости?", "Кто-нибудь смотрит мою заявку?"),
        "thanks": ("Спасибо, всё решилось!", "Отлично, спасибо за помощь."),
        "reopen": ("Опять то же самое, проблема не решена.", "Извините, но всё ещё не работает."),
        "bot": (
            "Заявка #{id} создана. Тема: {tag}. Ориентировочное время ответа: {eta}. Мы сообщим, когда статус изменится.",
        ),
        "closing": (
            "Если останутся вопросы — пишите. Оцените, пожалуйста, ответ: это займёт 2 секунды.",
        ),
    },
    "uk": {
        "ack": (
            "Вітаю, {name}! Мене звати {agent}. Бачу заявку #{id}, уже перевіряю.",
            "Добрий день, {name}, на зв'язку {agent}. Дякую за терпіння — займаюся заявкою #{id}.",
        ),
        "clarify": (
            "Щоб рухатися далі, потрібно трохи більше інформації: надішліть, будь ласка, скриншот і приблизний час, коли це сталося. Просто дайте відповідь на це повідомлення.",
        ),
        "nudge": ("Добрий день? Є новини?", "Хтось дивиться мою заявку?"),
        "thanks": ("Дякую, усе вирішилося!", "Чудово, дякую за допомогу."),
        "reopen": ("Знову те саме, проблему не вирішено.", "Вибачте, але досі не працює."),
        "bot": (
            "Заявку #{id} створено. Тема: {tag}. Орієнтовний час відповіді: {eta}. Ми повідомимо, коли статус зміниться.",
        ),
        "closing": (
            "Якщо залишаться запитання — пишіть. Оцініть, будь ласка, відповідь: це займе 2 секунди.",
        ),
    },
    "kk": {
        "ack": (
            "Сәлеметсіз бе, {name}! Менің атым {agent}. #{id} өтінімін көріп тұрмын, қазір тексеріп жатырмын.",
            "Қайырлы күн, {name}, байланыста {agent}. Шыдамдылығыңызға рақмет — #{id} өтінімімен айналысып жатырмын.",
        ),
        "clarify": (
            "Әрі қарай жылжу үшін сәл көбірек ақпарат керек: скриншотты және бұл шамамен қашан болғанын жіберіңізші. Осы хабарламаға жай ғана жауап беріңіз.",
        ),
        "nudge": ("Сәлеметсіз бе? Жаңалық бар ма?", "Менің өтінімімді біреу қарап жатыр ма?"),
        "thanks": ("Рақмет, бәрі шешілді!", "Керемет, көмегіңізге рақмет."),
        "reopen": (
            "Тағы да сол жағдай, мәселе шешілмеді.",
            "Кешіріңіз, бірақ әлі де жұмыс істемейді.",
        ),
        "bot": (
            "#{id} өтінімі құрылды. Тақырыбы: {tag}. Жауаптың болжамды уақыты: {eta}. Мәртебе өзгергенде хабарлаймыз.",
        ),
        "closing": ("Сұрақтарыңыз қалса, жазыңыз. Жауапты бағалаңызшы: бұл 2 секунд алады.",),
    },
    "fa": {
        "ack": (
            "سلام {name}! من {agent} هستم. درخواست #{id} را می‌بینم و در حال بررسی‌اش هستم.",
            "وقت بخیر {name}، {agent} هستم. ممنون از صبرتان؛ الان روی درخواست #{id} کار می‌کنم.",
        ),
        "clarify": (
            "برای ادامه کار کمی اطلاعات بیشتر لازم داریم: لطفاً یک اسکرین‌شات و زمان تقریبی وقوع مشکل را بفرستید. کافی است به همین پیام پاسخ دهید.",
        ),
        "nudge": ("سلام؟ خبری نشد؟", "کسی درخواست من را بررسی می‌کند؟"),
        "thanks": ("ممنون، مشکل حل شد!", "عالی، ممنون از کمکتان."),
        "reopen": ("دوباره همان مشکل پیش آمد، حل نشده.", "ببخشید، ولی هنوز درست نشده."),
        "bot": (
            "درخواست #{id} ثبت شد. موضوع: {tag}. زمان تقریبی پاسخ: {eta}. هر وقت وضعیت تغییر کند به شما اطلاع می‌دهیم.",
        ),
        "closing": (
            "اگر سؤال دیگری دارید، بنویسید. لطفاً به پاسخ ما امتیاز دهید؛ فقط ۲ ثانیه طول می‌کشد.",
        ),
    },
    "el": {
        "ack": (
            "Γεια σας, {name}! Εδώ {agent}. Βλέπω το αίτημα #{id} και το ελέγχω ήδη.",
            "Καλησπέρα, {name}, εδώ {agent} από την υποστήριξη. Ευχαριστώ για την υπομονή — ασχολούμαι τώρα με το αίτημα #{id}.",
        ),
        "clarify": (
            "Για να προχωρήσουμε χρειαζόμαστε λίγες ακόμα πληροφορίες: στείλτε μας, παρακαλώ, ένα στιγμιότυπο οθόνης και την κατά προσέγγιση ώρα που συνέβη. Αρκεί να απαντήσετε σε αυτό το μήνυμα.",
        ),
        "nudge": ("Γεια σας; Υπάρχουν νέα;", "Ασχολείται κανείς με το αίτημά μου;"),
        "thanks": ("Ευχαριστώ, λύθηκε!", "Τέλεια, ευχαριστώ για τη βοήθεια."),
        "reopen": ("Το ίδιο πρόβλημα ξανά, δεν λύθηκε.", "Συγγνώμη, αλλά ακόμα δεν λειτουργεί."),
        "bot": (
            "Το αίτημα #{id} δημιουργήθηκε. Θέμα: {tag}. Εκτιμώμενος χρόνος απάντησης: {eta}. Θα σας ειδοποιήσουμε όταν αλλάξει η κατάσταση.",
        ),
        "closing": (
            "Αν έχετε άλλες ερωτήσεις, γράψτε μας. Βαθμολογήστε, παρακαλώ, την απάντηση: παίρνει 2 δευτερόλεπτα.",
        ),
    },
    "mn": {
        "ack": (
            "Сайн байна уу, {name}! Намайг {agent} гэдэг. #{id} хүсэлтийг харлаа, одоо шалгаж байна.",
            "Сайн байна уу, {name}, {agent} холбогдож байна. Тэвчээртэй хүлээсэнд баярлалаа — #{id} хүсэлт дээр ажиллаж байна.",
        ),
        "clarify": (
            "Цааш ахихын тулд бага зэрэг нэмэлт мэдээлэл хэрэгтэй байна: дэлгэцийн зураг болон энэ нь ойролцоогоор хэдэн цагт болсныг илгээнэ үү. Энэ мессежид хариулахад л хангалттай.",
        ),
        "nudge": ("Сайн байна уу? Мэдээ байна уу?", "Миний хүсэлтийг хэн нэгэн харж байна уу?"),
        "thanks": ("Баярлалаа, асуудал шийдэгдлээ!", "Гайхалтай, тусалсанд баярлалаа."),
        "reopen": (
            "Дахиад л ижил зүйл боллоо, асуудал шийдэгдээгүй.",
            "Уучлаарай, гэхдээ одоо ч ажиллахгүй байна.",
        ),
        "bot": (
            "#{id} хүсэлт үүслээ. Сэдэв: {tag}. Хариу өгөх хугацаа: {eta}. Төлөв өөрчлөгдөхөд мэдэгдэнэ.",
        ),
        "closing": ("Өөр асуулт байвал бичээрэй. Хариултыг үнэлнэ үү: ердөө 2 секунд болно.",),
    },
    "tr": {
        "ack": (
            "Merhaba {name}! Ben {agent}. #{id} numaralı talebinizi görüyorum, hemen kontrol ediyorum.",
            "İyi günler {name}, ben {agent}. Sabrınız için teşekkürler; şu anda #{id} numaralı talebinizle ilgileniyorum.",
        ),
        "clarify": (
            "İlerleyebilmemiz için biraz daha bilgiye ihtiyacımız var: lütfen bir ekran görüntüsü ve sorunun yaklaşık olarak ne zaman yaşandığını gönderin. Bu mesajı yanıtlamanız yeterli.",
        ),
        "nudge": ("Merhaba? Bir gelişme var mı?", "Talebime bakan biri var mı?"),
        "thanks": ("Teşekkürler, sorun çözüldü!", "Harika, yardımınız için teşekkürler."),
        "reopen": ("Yine aynı şey oldu, sorun çözülmemiş.", "Kusura bakmayın ama hâlâ çalışmıyor."),
        "bot": (
            "#{id} numaralı talep oluşturuldu. Konu: {tag}. Tahmini yanıt süresi: {eta}. Durum değiştiğinde size haber vereceğiz.",
        ),
        "closing": (
            "Başka sorunuz olursa yazın. Lütfen yanıtımızı puanlayın: sadece 2 saniye sürer.",
        ),
    },
}

# Internal notes: English, as the desk writes them.
NOTES: dict[str, tuple[str, ...]] = {
    "withdrawal": (
        "Finance: WD {ref} held for a routine source-of-funds check. Player verified, no AML flags.",
        "Checked with payments: {ref} is in today's provider batch.",
    ),
    "deposit": (
        "PSP shows {ref} as 'authorised, not captured'. Raised with the acquirer.",
        "Bank receipt matches {ref}; asked payments to credit it manually.",
    ),
    "bonus": (
        "Bets over the max stake were excluded correctly; a few bets on a 10% game. Asked bonus team for a goodwill recalculation.",
        "Bonus forfeited by the system after a withdrawal request — check T&C 4.2 before answering.",
    ),
    "kyc": (
        "Passport image cropped; PoA is an e-statement without the address. Ask for a utility bill.",
        "Documents look fine to me; needs a manual L2 review.",
    ),
    "2fa": (
        "Identity check passed (KBA 3/3 + selfie match). 2FA reset through the admin tool.",
        "Security: failed logins from a new country just before the request. Verify through the host / callback only.",
    ),
    "disconnect": (
        "Provider ticket opened for round {ref}; logs requested.",
        "Round {ref} is not settled on the provider side: refund expected within 24 h.",
    ),
    "selfexclusion": (
        "RG: cooling-off requested. Apply now, stop all marketing, no bonus offers.",
        "RG flag: deposit frequency up 3x this month. Help resources offered.",
    ),
    "table": (
        "Salon 3 held until 19:00; pit boss informed.",
        "Player prefers dealer Anna, non-smoking salon. Check the roster.",
    ),
    "hotel": (
        "Stop-list: hotel overbooking. Duty manager called; suite upgrade approved by the VIP director.",
        "Recovery matrix: upgrade + F&B credit logged. Written summary to follow.",
    ),
    "transfer": (
        "Stop-list: failed transfer. Backup car sent from the hotel fleet.",
        "Transfer company says the driver was at the wrong terminal; refund approved.",
    ),
    "complaint": (
        "The previous chat was closed by the bot after the 24 h timeout. Check the auto-close rule.",
        "Offered a callback; shift lead informed.",
    ),
    "idea": (
        "Logged on the product feedback board.",
        "Duplicate of an existing idea; added +1 and the player's use case.",
    ),
}
GENERIC_NOTES: tuple[str, ...] = (
    "Second contact about this in a week; keep the answer short and concrete.",
    "Handover to the next shift: waiting on the provider.",
    "Called the player, no answer; left a voicemail.",
    "Player is polite but frustrated. Priority card checked: prefers messages, no calls.",
    "Checked the transaction history: nothing unusual.",
)
ESCALATION_NOTES: dict[str, str] = {
    "l2": "Escalated to L2: needs a manual check beyond the L1 scripts.",
    "payments": "Escalated to Security/Payments: needs a payment trace / account security check.",
    "lead": "Player asked for a manager; shift lead takes over.",
    "priority": "Priority raised: player blocked, and the first answer is overdue.",
}
RETRACT_REASONS: tuple[str, ...] = (
    "Sent to the wrong ticket",
    "Wrong macro",
    "Wrong player name",
    "Contained internal details",
)
