"""The ticket screen: the thread, the player card, the compose box and every ticket action."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, Static, TextArea

from ..cache import Applied, human_size
from ..client import ApiError, Offline
from ..commands import Command
from ..followup import due_from_tags, follow_up_text
from ..widgets.key_bar import KeyBar
from ..widgets.status_bar import StatusBar
from ..widgets.text_panel import TextPanel
from ..widgets.thread import MessageView, local_time
from ..widgets.ticket_table import STATUS_LABEL, TIER_BADGE
from .actions import TicketActions

POOL = 16
RG_KEYS = ("responsible_gambling", "self_excluded", "cooling_off_until", "deposit_limit")


def _plain(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return "—"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _profile_entry(text: Text, key: str, value: Any, depth: int) -> None:
    """A profile field; nested tables as indented lines. Responsible-gambling flags stand out."""
    label = "  " * depth + key.replace("_", " ")
    style = "bold" if key in RG_KEYS else "dim"
    if isinstance(value, dict) and value:
        text.append(label + "\n", style=style)
        for k, v in value.items():
            _profile_entry(text, k, v, depth + 1)
        return
    text.append(f"{label:<11} ", style=style)
    flagged = key in RG_KEYS and value not in (None, False, [], {})
    text.append(_plain(value) + "\n", style="reverse" if flagged else "")


class TicketLoaded(Message):
    def __init__(self, ticket_id: int, *, prebuild: bool = False) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.prebuild = prebuild
        """Built in the background before anyone opened a ticket: draw, do not fetch."""


class PlayerLoaded(Message):
    def __init__(self, external_id: str) -> None:
        super().__init__()
        self.external_id = external_id


class TicketScreen(TicketActions, Screen[None]):
    """One instance for the whole session (see `AgentConsole.open_ticket`): opening another
    ticket reloads the header, thread and player card in place (`show`), so no widget is
    composed or styled from scratch on the way."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "compose('reply')", "Reply", id="ticket.reply"),
        Binding("i", "compose('note')", "Note", id="ticket.note"),
        Binding("ctrl+s", "send", "Send", id="ticket.send"),
        Binding("ctrl+enter", "send", "Send", show=False, id="ticket.send_alt"),
        Binding("ctrl+o", "drop_quote", "Drop quote", show=False, id="ticket.drop_quote"),
        Binding("p", "status('needs_clarification')", "Pending", id="ticket.pending"),
        Binding("d", "status('resolved')", "Resolved", id="ticket.resolved"),
        Binding(
            "P", "status_next('needs_clarification')", "Pending+next", id="ticket.pending_next"
        ),
        Binding("D", "status_next('resolved')", "Resolved+next", id="ticket.resolved_next"),
        Binding("J", "go(1)", "Next", id="ticket.next"),
        Binding("K", "go(-1)", "Previous", show=False, id="ticket.previous"),
        Binding("a", "assign_me", "Assign me", id="ticket.assign_me"),
        Binding("A", "assign_to", "Assign to…", show=False, id="ticket.assign_to"),
        Binding("s", "status_menu", "Status", show=False, id="ticket.status"),
        Binding("e", "escalate", "Escalate", show=False, id="ticket.escalate"),
        Binding("t", "tags", "Tags", show=False, id="ticket.tags"),
        Binding("m", "macros", "Macros", id="ticket.macros"),
        Binding("x", "retract", "Retract reply", show=False, id="ticket.retract"),
        Binding("greater_than_sign", "quote", "Quote a message", show=False, id="ticket.quote"),
        Binding("f", "attach", "Attach file", show=False, id="ticket.attach"),
        Binding("w", "download", "Save attachment", show=False, id="ticket.download"),
        Binding("b,ctrl+b", "kb", "Knowledge base", show=False, id="ticket.kb"),
        Binding("dollar_sign", "transaction_refs", "Transaction refs", show=False, id="ticket.tx"),
        Binding("j", "scroll(1)", "Scroll down", show=False, id="ticket.scroll_down"),
        Binding("k", "scroll(-1)", "Scroll up", show=False, id="ticket.scroll_up"),
        Binding("escape", "back", "Back", id="ticket.back"),
        *[
            Binding(str(n), f"macro({n - 1})", f"Macro {n}", show=False, id=f"ticket.macro_{n}")
            for n in range(1, 10)
        ],
    ]

    def __init__(self, ticket_id: int, *, prebuild: bool = False) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.prebuild = prebuild
        """Built in the background before anyone opened a ticket: draw, do not fetch."""
        self.mode = "reply"
        self.quote_id: int | None = None
        self._views: list[MessageView] = []
        self._drafts: dict[int, tuple[str, str, int | None]] = {}
        self.saved: dict[int, str] = {}
        """Attachment id -> where it was saved this session (shown on the card)."""
        self.now: Callable[[], float] = time.time
        """The clock for follow-up times and the SLA countdown (tests freeze it)."""
        self._sla_shown: tuple[str, str] = ("", "")

    @property
    def ticket(self) -> dict[str, Any]:
        return self.app.ticket(self.ticket_id) or {"id": self.ticket_id}  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static("", id="ticket-header")
        with Horizontal(id="ticket-body"):
            # a pool of hidden message views made with the screen (so, when prebuilt, in
            # the background): a thread up to POOL long mounts nothing when it is opened
            self._views = [MessageView() for _ in range(POOL)]
            yield VerticalScroll(*self._views, id="thread")
            yield TextPanel(id="player-card")
        with Vertical(id="compose", classes="hidden"):
            yield Label("", id="compose-label")
            yield TextArea(id="compose-text", soft_wrap=True, show_line_numbers=False)
        yield StatusBar(id="status-bar")
        yield KeyBar()

    def on_mount(self) -> None:
        self._styled_for: Any = self._style_inputs()
        self.set_interval(1.0, self._tick_sla)
        if self.prebuild:
            self.render_ticket()
            self.render_messages(reset=True)
            self.render_player()
            return
        self._reload()

    def _style_inputs(self) -> Any:
        app: Any = self.app
        return (app.theme, app.ansi_color, app.css_monitor is None)

    def on_screen_suspend(self) -> None:
        self._styled_for = self._style_inputs()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Runs before Textual's own resume handler. That one re-applies the CSS to every
        widget of a screen pushed again (~10 ms here), in case the theme or the stylesheet
        changed while it was off the stack; skip that when neither did."""
        if self._styled_for == self._style_inputs() and self._styled_for[2]:
            event.refresh_styles = False

    def show(self, ticket_id: int) -> None:
        """Shows another ticket on this screen: everything is redrawn from the cache in place
        (the draft of the ticket left is kept for when it is opened again)."""
        self.prebuild = False  # opened for real: on_mount (if still to come) loads it
        if not self.is_mounted:
            self.ticket_id = ticket_id
            return
        if ticket_id != self.ticket_id:
            self._stash_draft()
            self.ticket_id = ticket_id
            self._restore_draft()
        self._reload()

    def _reload(self) -> None:
        self.render_ticket()
        self.render_messages(reset=True)
        self.render_player()
        self.query_one("#thread").focus()
        self.load()

    def _stash_draft(self) -> None:
        text = self._text_area().text
        if text.strip():
            self._drafts[self.ticket_id] = (self.mode, text, self.quote_id)
        else:
            self._drafts.pop(self.ticket_id, None)

    def _restore_draft(self) -> None:
        mode, text, quote = self._drafts.pop(self.ticket_id, ("reply", "", None))
        self.mode, self.quote_id = mode, quote
        area = self._text_area()
        if area.text != text:
            area.text = text
            area.move_cursor(area.document.end)
        self._close_compose()

    def _close_compose(self) -> None:
        box = self.query_one("#compose")
        if not box.has_class("hidden"):
            box.add_class("hidden")

    # -- loading ----------------------------------------------------------------------------
    @work(exclusive=True, group="ticket-load")
    async def load(self) -> None:
        app: Any = self.app
        ticket_id = self.ticket_id
        try:
            ticket = await app.sync.fetch_ticket(ticket_id)
            self.post_message(TicketLoaded(ticket_id))
            ext = (ticket.get("player") or {}).get("external_id")
            if ext:
                await app.sync.fetch_player(ext)
                self.post_message(PlayerLoaded(ext))
        except Offline:
            pass  # the cache is what we have
        except ApiError as exc:
            self.notify(f"#{ticket_id}: {exc.message}", severity="error")

    def on_ticket_loaded(self, message: TicketLoaded) -> None:
        app: Any = self.app
        t = app.cache.ticket(message.ticket_id)
        if t:
            app.tickets[message.ticket_id] = t
        if message.ticket_id != self.ticket_id:
            return  # the agent moved on meanwhile
        self.render_ticket()
        self.render_messages()

    def on_player_loaded(self, message: PlayerLoaded) -> None:
        if (self.ticket.get("player") or {}).get("external_id") == message.external_id:
            self.render_player()

    def store_changed(self, applied: Applied) -> None:
        if self.ticket_id in applied.tickets:
            self.render_ticket()
        if self.ticket_id in applied.messages:
            self.render_messages()
        ext = (self.ticket.get("player") or {}).get("external_id")
        if ext in applied.players or self.ticket_id in applied.attachments:
            self.render_player()

    def outbox_changed(self, ticket_ids: set[int]) -> None:
        self.render_ticket()
        self.render_player()  # queued attachments are listed on the card

    # -- rendering --------------------------------------------------------------------------
    def render_ticket(self) -> None:
        t = self.ticket
        app: Any = self.app
        if not self.is_mounted:
            return
        text = Text()
        text.append(f"{t.get('display_number') or '#' + str(self.ticket_id)} ", style="bold")
        text.append(t.get("subject") or "(not cached yet)")
        self._sla_shown = self._sla_text(t)
        if self._sla_shown[0]:
            text.append("  ")
            text.append(*self._sla_shown)
        escalation = t.get("escalation")
        if isinstance(escalation, dict) and escalation.get("level"):
            text.append(f"  escalated L{escalation['level']}", style="bold")
            if escalation.get("name"):
                text.append(f" {escalation['name']}", style="bold")
        text.append("\n")
        status = STATUS_LABEL.get(t.get("status", ""), t.get("status", "?"))
        bits = [
            f"status {status}",
            f"{t.get('priority', '?')}",
            f"queue {t.get('queue', '?')}",
            f"owner {t.get('assignee') or '—'}",
            f"waits on {t.get('waiting_on') or '—'}",
            f"channel {t.get('channel', '?')}",
            f"lang {t.get('language') or '?'}",
            f"v{t.get('version', '?')}",
        ]
        if t.get("tags"):
            bits.append("tags " + ",".join(t["tags"]))
        if t.get("transaction_refs"):
            bits.append("tx " + ",".join(t["transaction_refs"]))
        queued = [e for e in app.cache.outbox() if e.ticket_id == self.ticket_id]
        if queued:
            bits.append(f"↑ {len(queued)} queued")
        text.append(" · ".join(bits), style="dim")
        due = due_from_tags(t.get("tags"))
        if due is not None and t.get("status") == "needs_clarification":
            text.append(" · ")
            now = self.now()
            style = "bold reverse" if due.timestamp() < now else "bold"
            text.append(follow_up_text(due, now), style=style)
        header = self.query_one("#ticket-header", Static)
        # a fixed height (see app.tcss): new text repaints the header, no layout pass
        header.update(text, layout=False)
        header.set_class(t.get("waiting_on") == "agent", "-waiting-agent")

    def _sla_text(self, t: dict[str, Any]) -> tuple[str, str]:
        """("SLA -0:30 breached", style) from the ticket's `sla`, at this second."""
        from .. import sla_view

        cell, state = sla_view.cell(sla_view.facts(t), self.now())
        if not state:
            return "", ""
        label = cell if cell == state else f"{cell} {state}"
        style = {"breached": "bold reverse", "warning": "bold", "paused": "dim"}.get(state, "")
        return f"SLA {label}", style

    def _tick_sla(self) -> None:
        """The header's SLA countdown, redrawn only when its text changed."""
        if self.is_mounted and self.is_current and self._sla_text(self.ticket) != self._sla_shown:
            self.render_ticket()

    def _attachments(self, text: Text) -> None:
        app: Any = self.app
        files = app.cache.attachments(self.ticket_id)
        queued = [
            e for e in app.cache.outbox() if e.ticket_id == self.ticket_id and e.op == "attach"
        ]
        text.append("\nAttachments\n", style="bold")
        if not files and not queued:
            text.append("none (f attaches a file)\n", style="dim")
        for a in files:
            text.append(f"{a.get('filename')} ", style="")
            text.append(f"{human_size(a.get('size'))}\n", style="dim")
            if a.get("id") in self.saved:
                text.append(f"  saved to {self.saved[a['id']]}\n", style="dim italic")
        if files:
            text.append("w saves a file\n", style="dim")
        for e in queued:
            text.append(f"↑ {e.payload.get('filename')} ", style="italic")
            text.append(f"{e.state}\n", style="dim")

    def render_messages(self, reset: bool = False) -> None:
        """The thread from the cache, drawn on a pool of message views: the n-th message goes
        to the n-th view (updated only if it changed); views beyond the thread are hidden;
        new views are mounted only when a thread is longer than any shown before.

        The thread is anchored to its end: the layout pass itself scrolls to the latest
        message (no second frame); scrolling up releases the anchor, so new messages do not
        pull the agent down, and it holds again once back at the end. `reset`: another
        ticket, anchor again."""
        app: Any = self.app
        messages = app.cache.messages(self.ticket_id)
        thread = self.query_one("#thread", VerticalScroll)
        new = []
        for i, m in enumerate(messages):
            if i < len(self._views):
                self._views[i].refresh_message(m)
            else:
                view = MessageView(m)
                self._views.append(view)
                new.append(view)
        for view in self._views[len(messages) :]:
            view.refresh_message(None)
        if new:
            thread.mount_all(new)
        if reset:
            thread.anchor()

    def render_player(self) -> None:
        app: Any = self.app
        t = self.ticket
        ref = t.get("player") or {}
        ext = ref.get("external_id")
        p = app.cache.player(ext) if ext else None
        text = Text()
        text.append((ref.get("name") or ext or "?") + "\n", style="bold")
        tier = (p or ref).get("tier", "standard")
        text.append(
            f"{TIER_BADGE.get(tier) or 'standard'}", style="reverse" if tier != "standard" else ""
        )
        text.append(f"  {ext}\n\n")
        if p:
            rows = [
                ("host", p.get("host") or "—"),
                ("languages", ", ".join(p.get("languages") or []) or "—"),
                ("local time", local_time(p.get("timezone"))),
                ("KYC", p.get("kyc_state") or "—"),
                ("currency", p.get("currency") or "—"),
                ("channels", ", ".join(p.get("preferred_channels") or []) or "—"),
                ("quiet mode", "on" if p.get("quiet_mode") else "off"),
                ("code word", "set" if p.get("has_code_word") else "none"),
            ]
            for key, value in rows:
                text.append(f"{key:<11}", style="dim")
                text.append(f"{value}\n")
            for key, value in (p.get("profile") or {}).items():
                _profile_entry(text, key, value, 0)
        else:
            text.append("profile not cached yet\n", style="dim")
        others = (
            [o for o in app.cache.player_tickets(ext) if o["id"] != self.ticket_id] if ext else []
        )
        text.append("\nOther open tickets\n", style="bold")
        if not others:
            text.append("none\n", style="dim")
        for o in others[:10]:
            status = STATUS_LABEL.get(o.get("status", ""), o.get("status"))
            text.append(f"{o.get('display_number')} {status} {(o.get('subject') or '')[:22]}\n")
        self._attachments(text)
        self.query_one("#player-card", TextPanel).set_text(text)

    # -- composing --------------------------------------------------------------------------
    def _variables(self) -> dict[str, str]:
        t = self.ticket
        app: Any = self.app
        me = app.me or {}
        name = (t.get("player") or {}).get("name") or ""
        return {
            "number": t.get("display_number") or f"#{self.ticket_id}",
            "name": name,
            "first_name": name.split(" ")[0] if name else "",
            "agent": me.get("display_name") or me.get("username") or app.username,
            "subject": t.get("subject") or "",
            "queue": t.get("queue") or "",
        }

    def _text_area(self) -> TextArea:
        return self.query_one("#compose-text", TextArea)

    def action_compose(self, mode: str, body: str | None = None) -> None:
        self.mode = mode
        box = self.query_one("#compose")
        box.remove_class("hidden")
        box.set_class(mode == "note", "-note")
        self._label()
        area = self._text_area()
        if body is not None:
            area.text = body
            area.move_cursor(area.document.end)
        area.focus()

    def _label(self) -> None:
        what = (
            "Reply to the player"
            if self.mode == "reply"
            else "Internal note (not sent to the player)"
        )
        if self.quote_id:
            what += f" — quoting #{self.quote_id} {self._quoted_excerpt()} (ctrl+o drops it)"
        self.query_one("#compose-label", Label).update(
            f"{what} · ctrl+s send · ctrl+b knowledge base · esc leave (draft kept)"
        )

    def _quoted_excerpt(self) -> str:
        app: Any = self.app
        for m in app.cache.messages(self.ticket_id):
            if m.get("id") == self.quote_id:
                body = " ".join((m.get("body") or "").split())
                return f"“{body[:40]}{'…' if len(body) > 40 else ''}”"
        return ""

    def action_drop_quote(self) -> None:
        if self.quote_id is not None:
            self.quote_id = None
            self._label()

    def action_macro(self, index: int) -> None:
        app: Any = self.app
        macros = app.config.macros
        if index >= len(macros):
            self.notify(f"no macro {index + 1} in the config", severity="warning")
            return
        macro = macros[index]
        self.action_compose(macro.kind, macro.render(self._variables()))

    def action_macros(self) -> None:
        from .modals import MacroPicker

        app: Any = self.app

        def chosen(index: int | None) -> None:
            if index is not None:
                self.action_macro(index)

        app.push_screen(MacroPicker(app.config.macros, self._variables()), chosen)

    def action_quote(self) -> None:
        """Pick any message of the thread (starting on the player's last one) to quote."""
        from .modals import MessagePicker

        app: Any = self.app
        messages = [m for m in app.cache.messages(self.ticket_id) if m.get("kind") != "system"]
        if not messages:
            self.notify("no message to quote", severity="warning")
            return
        players = [i for i, m in enumerate(messages) if m.get("kind") == "player"]
        start = players[-1] if players else len(messages) - 1
        ticket_id = self.ticket_id

        def chosen(message_id: int | None) -> None:
            if message_id is None or self.ticket_id != ticket_id:
                return
            self.quote_id = message_id
            self.action_compose("note" if self.mode == "note" else "reply")

        app.push_screen(MessagePicker(messages, start), chosen)

    def action_send(self) -> None:
        app: Any = self.app
        area = self._text_area()
        body = area.text.strip()
        if self.query_one("#compose").has_class("hidden") or not body:
            self.notify("nothing to send: r reply, i note, 1–9 macro", severity="warning")
            return
        app.send_message(self.ticket_id, self.mode, body, self.quote_id)
        area.text = ""
        self.quote_id = None
        self.query_one("#compose").add_class("hidden")
        self.query_one("#thread").focus()
        self.notify("reply queued" if self.mode == "reply" else "note queued", timeout=2)

    def action_back(self) -> None:
        box = self.query_one("#compose")
        if not box.has_class("hidden"):
            box.add_class("hidden")
            self.query_one("#thread").focus()
            return
        self.app.pop_screen()

    def action_scroll(self, step: int) -> None:
        thread = self.query_one("#thread", VerticalScroll)
        thread.scroll_relative(y=step * 3, animate=False)

    # -- knowledge base ---------------------------------------------------------------------
    def action_kb(self) -> None:
        """Search the knowledge base (in the ticket's language first) and insert the chosen
        article's text at the cursor of the reply (opened if it was closed)."""
        from .kb import KbPicker

        t = self.ticket
        ticket_id = self.ticket_id

        def chosen(article: dict[str, Any] | None) -> None:
            if article and self.ticket_id == ticket_id:
                self.insert_text(article.get("body") or "")
                self.notify(f"inserted “{article.get('title')}”", timeout=2)

        self.app.push_screen(KbPicker(t.get("subject") or "", t.get("language")), chosen)

    def insert_text(self, body: str) -> None:
        """Puts text at the compose box's cursor (a blank line apart from what is there)."""
        if self.query_one("#compose").has_class("hidden"):
            self.action_compose(self.mode)
        area = self._text_area()
        before = area.document.get_text_range((0, 0), area.cursor_location)
        if before.strip() and not before.endswith("\n\n"):
            body = ("\n" if before.endswith("\n") else "\n\n") + body
        area.insert(body)
        area.focus()

    # -- attachments: save to disk ---------------------------------------------------------
    def action_download(self) -> None:
        """Save an attachment: pick one (if several), confirm or change where it goes (the
        downloads folder by default), then it is fetched from the server."""
        from .modals import ChoiceScreen

        app: Any = self.app
        files = app.cache.attachments(self.ticket_id)
        if not files:
            self.notify("no attachment on this ticket", severity="warning")
            return
        if len(files) == 1:
            self._ask_where(files[0])
            return
        by_id = {str(a["id"]): a for a in files}

        def picked(value: str | None) -> None:
            if value in by_id:
                self._ask_where(by_id[value])

        choices = [
            (str(a["id"]), f"{a.get('filename')}  ({human_size(a.get('size'))})") for a in files
        ]
        app.push_screen(ChoiceScreen("Save which attachment?", choices), picked)

    def _ask_where(self, attachment: dict[str, Any]) -> None:
        from ..downloads import DownloadError, default_target, resolve_target
        from .modals import PromptScreen

        try:
            target = str(default_target(attachment.get("filename")))
        except OSError:
            target = ""

        def answer(text: str | None) -> None:
            if text is None:
                return
            try:
                path = resolve_target(text, attachment.get("filename"))
            except DownloadError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.download(attachment, path)

        self.app.push_screen(
            PromptScreen(
                f"Save {attachment.get('filename')} ({human_size(attachment.get('size'))}) to",
                target,
                placeholder="a folder or a file path",
            ),
            answer,
        )

    @work(group="downloads")
    async def download(self, attachment: dict[str, Any], path: Any) -> None:
        from ..downloads import DownloadError, save_attachment

        app: Any = self.app
        name = attachment.get("filename")
        try:
            saved = await save_attachment(app.client, attachment, path)
        except Offline:
            self.notify(f"{name}: the server cannot be reached; try again online", severity="error")
            return
        except ApiError as exc:
            self.notify(f"{name}: {exc.message}", severity="error", timeout=8)
            return
        except DownloadError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.saved[int(attachment["id"])] = str(saved)
        self.notify(f"saved {name} to {saved}", timeout=10)
        if attachment.get("ticket_id") == self.ticket_id:
            self.render_player()

    # -- TicketActions: this ticket ---------------------------------------------------------
    def _targets(self) -> list[int]:
        return [self.ticket_id]

    def _apply(self, changes: dict[str, Any], label: str) -> None:
        app: Any = self.app
        app.change_tickets([self.ticket_id], changes)
        self.notify(f"{self.ticket.get('display_number', '')} {label}", timeout=2)

    def _apply_each(self, change: Any, label: str) -> None:
        self._apply(change(self.ticket), label)

    def action_status_next(self, status: str) -> None:
        self.action_status(status)
        self.action_go(1)

    def _queue_screen(self) -> Any:
        from .queue import QueueScreen

        for s in self.app.screen_stack:
            if isinstance(s, QueueScreen):
                return s
        return None

    def action_go(self, step: int) -> None:
        qs = self._queue_screen()
        target = qs.neighbour(self.ticket_id, step) if qs else None
        if target is None:
            self.notify("no more tickets in this list", timeout=2)
            self.app.pop_screen()
            return
        self.show(target)

    def action_retract(self) -> None:
        from .modals import ConfirmScreen

        app: Any = self.app
        mine = [
            m
            for m in app.cache.messages(self.ticket_id)
            if m.get("kind") in ("reply", "note")
            and m.get("author") == app.username
            and not m.get("retracted")
        ]
        if not mine:
            self.notify("no reply of yours to retract", severity="warning")
            return
        target = mine[-1]

        def answer(yes: bool | None) -> None:
            if yes:
                app.retract(self.ticket_id, target["id"])

        body = " ".join((target.get("body") or "").split())[:60]
        app.push_screen(
            ConfirmScreen(f"Retract your {target['kind']} #{target['id']}?\n“{body}”"), answer
        )

    def action_attach(self) -> None:
        from .modals import PromptScreen

        def done(path: str | None) -> None:
            if path and path.strip():
                self.attach(path.strip())

        self.app.push_screen(
            PromptScreen("Attach a file (path)", placeholder="~/Downloads/receipt.pdf"), done
        )

    def attach(self, path: str) -> None:
        from ..sync import AttachmentError

        app: Any = self.app
        try:
            entry = app.attach_file(self.ticket_id, path)
        except AttachmentError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        if entry is not None:
            self.notify(f"{entry.summary} queued", timeout=2)

    def run_screen_command(self, cmd: Command) -> bool:
        app: Any = self.app
        if cmd.name == "open":
            self.show(int(cmd.arg))
        elif cmd.name == "retract":
            self.action_retract()
        elif cmd.name == "attach":
            self.attach(cmd.arg)
        elif cmd.name in ("reply", "note"):
            app.send_message(self.ticket_id, cmd.name, cmd.arg)
            self.notify(f"{cmd.name} queued", timeout=2)
        else:
            return False
        return True
