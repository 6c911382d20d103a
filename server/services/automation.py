"""Acting on the automation timers (``domain.automation``) when the SLA clock fires them,
and on escalation steps that move the ticket (routing on escalation).

* ``automation:silence`` / ``reminder`` — the bot reminds the player, in their language, that
  the desk waits for their answer (a bot message on the ticket: the channel delivers it);
* ``automation:silence`` / ``auto_resolve`` — the ticket is resolved by the system, with a
  line on its history saying why (the bot's CSAT follow-up then runs as for any resolution);
* ``automation:follow_up`` / ``due`` — the follow-up time an agent set (``:pending 2h``) has
  come: a history line and an ``automation`` event for the consoles.

Each also goes out on the change feed as ``automation`` / <event>. The rules (hours, quiet
hours) are installed from the settings at start (:func:`install`).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from ..domain.automation import FOLLOW_UP, SILENCE, AutomationRules
from ..domain.quiet_hours import QuietWindow
from ..domain.ticket_clock import Firing
from ..intake.replies import pick_lang
from ..store import tickets as ticket_store
from ..store.database import WriteContext
from . import SYSTEM, routing

_lock = threading.Lock()
_rules: AutomationRules | None = AutomationRules()

REMINDER = {
    "en": "Hello! We are still waiting for your answer about ticket #{number}. "
    "Reply here and we will carry on; without an answer we will close it in {hours} hours.",
    "ru": "Здравствуйте! Мы всё ещё ждём вашего ответа по обращению #{number}. "
    "Ответьте здесь, и мы продолжим; без ответа мы закроем его через {hours} ч.",
    "uk": "Вітаємо! Ми досі чекаємо на вашу відповідь щодо звернення #{number}. "
    "Відповідайте тут, і ми продовжимо; без відповіді ми закриємо його через {hours} год.",
    "kk": "Сәлеметсіз бе! Біз әлі де #{number} өтініші бойынша жауабыңызды күтеміз. "
    "Осында жауап беріңіз; жауап болмаса, {hours} сағаттан кейін жабамыз.",
    "fa": "سلام! ما هنوز منتظر پاسخ شما درباره درخواست #{number} هستیم. "
    "همین‌جا پاسخ دهید؛ بدون پاسخ، آن را پس از {hours} ساعت می‌بندیم.",
    "el": "Γεια σας! Περιμένουμε ακόμη την απάντησή σας για το αίτημα #{number}. "
    "Απαντήστε εδώ· χωρίς απάντηση θα το κλείσουμε σε {hours} ώρες.",
    "mn": "Сайн байна уу! Бид #{number} хүсэлтийн талаарх таны хариуг хүлээсээр байна. "
    "Энд хариулна уу; хариу ирэхгүй бол {hours} цагийн дараа хаана.",
    "tr": "Merhaba! #{number} numaralı talebiniz için hâlâ yanıtınızı bekliyoruz. "
    "Buradan yanıtlayın; yanıt gelmezse {hours} saat sonra kapatacağız.",
    "es": "¡Hola! Seguimos esperando su respuesta sobre el ticket #{number}. "
    "Responda aquí y continuaremos; sin respuesta lo cerraremos en {hours} horas.",
    "pt": "Olá! Ainda aguardamos a sua resposta sobre o pedido #{number}. "
    "Responda aqui e continuaremos; sem resposta, fecharemos em {hours} horas.",
    "de": "Hallo! Wir warten noch auf Ihre Antwort zu Ticket #{number}. "
    "Antworten Sie hier, dann machen wir weiter; ohne Antwort schließen wir es in {hours} Stunden.",
}


def install(rules: AutomationRules | None) -> None:
    global _rules
    with _lock:
        _rules = rules


def rules() -> AutomationRules | None:
    return _rules


def rules_from(settings: Any) -> AutomationRules | None:
    """The rules the settings ask for (None when both timers are off)."""
    remind = settings.automation_remind_hours
    resolve = settings.automation_resolve_hours
    if not remind and not resolve:
        return None
    return AutomationRules(
        remind_after=timedelta(hours=remind) if remind else None,
        resolve_after=timedelta(hours=resolve) if resolve else None,
        quiet=QuietWindow.parse(settings.quiet_hours),
    )


def run(ctx: WriteContext, row: Mapping[str, Any], firings: Sequence[Firing]) -> None:
    """Carry out the automation firings of one ticket (their keys are already stored)."""
    from .tickets import add_message, add_system_message, scope_of, update_ticket

    ticket_id = row["id"]
    for f in firings:
        if f.clock.startswith("escalation:"):
            # only cheapest-first queues re-route: no read of the ticket otherwise
            if f.detail.get("level") and routing.routes_on_escalation(ctx, row["queue"]):
                current = ticket_store.get(ctx.conn, ticket_id)
                if current is not None and current["is_open"]:
                    routing.on_escalation(ctx, current, int(f.detail["level"]))
            continue
        current = ticket_store.get(ctx.conn, ticket_id)
        if current is None:
            return
        scope = scope_of(current)
        data = {
            "ticket_id": ticket_id,
            "number": ticket_id,
            "clock": f.clock,
            "event": f.event,
            "due_at": f.due_at.isoformat(),
            "fired_at": ctx.now.isoformat(),
            "late_s": f.late_s(ctx.now),
        }
        if f.clock == SILENCE and current["status"] != "needs_clarification":
            continue  # the player answered, or someone moved it on, in the same breath
        if f.clock == SILENCE and f.event == "reminder":
            from ..intake.keys import bot_actor

            hours = 0.0
            if _rules is not None and _rules.remind_after and _rules.resolve_after:
                resolve_at = f.started_at + _rules.remind_after + _rules.resolve_after
                hours = max(1.0, round((resolve_at - ctx.now) / timedelta(hours=1)))
            lang = pick_lang(current.get("language"))
            text = REMINDER[lang].format(number=ticket_id, hours=f"{hours:g}")
            add_message(ctx, bot_actor(ctx), ticket_id, {"kind": "bot", "body": text})
        elif f.clock == SILENCE and f.event == "auto_resolve":
            add_system_message(
                ctx,
                ticket_id,
                "Resolved automatically: no answer from the player since "
                f"{f.key[1][:16].replace('T', ' ')} UTC",
                scope,
            )
            update_ticket(ctx, SYSTEM, ticket_id, current["version"], {"status": "resolved"})
        elif f.clock == FOLLOW_UP:
            who = current.get("assignee_username") or "the queue"
            data["assignee"] = current.get("assignee_username")
            add_system_message(
                ctx,
                ticket_id,
                f"Follow-up due: {who} planned to come back to this ticket at "
                f"{f.due_at.isoformat(timespec='minutes')}",
                scope,
            )
        ctx.record("automation", ticket_id, f.event, data, scope)
