"""The outbox screen: every write not yet on the server — waiting (offline, or being sent),
refused by the server (failed), or met by a newer version (conflict) — with retry and
discard. Reachable with `o` everywhere, `:outbox` and the palette."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..cache import OutboxEntry
from ..followup import span
from ..widgets.key_bar import KeyBar
from ..widgets.status_bar import StatusBar

STATE_LABEL = {"pending": "waiting", "failed": "refused", "conflict": "conflict"}
STATE_STYLE = {"pending": "dim", "failed": "bold reverse", "conflict": "bold reverse"}


def entry_prompt(e: OutboxEntry, now: float) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{STATE_LABEL.get(e.state, e.state):<9}", style=STATE_STYLE.get(e.state, ""))
    text.append(f" #{e.ticket_id:<7} ", style="bold")
    text.append(f"{span(int(now - e.created_at)) + ' ago':>9}  ", style="dim")
    text.append(e.summary)
    if e.error:
        text.append(f" — {e.error}", style="italic")
    return text


class OutboxScreen(Screen[None]):
    """j/k move, r retry (a conflict opens its dialog), x discard (asks first), enter opens
    the ticket, escape back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry", id="outbox.retry"),
        Binding("x,delete", "discard", "Discard", id="outbox.discard"),
        Binding("enter", "open", "Open ticket", id="outbox.open"),
        Binding("j", "move(1)", "Down", show=False, id="outbox.down"),
        Binding("k", "move(-1)", "Up", show=False, id="outbox.up"),
        Binding("escape", "back", "Back", id="outbox.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[OutboxEntry] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="outbox-title")
        yield OptionList(id="outbox-list")
        yield Static("", id="outbox-detail")
        yield StatusBar(id="status-bar")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    def outbox_changed(self, _ticket_ids: set[int]) -> None:
        """Called by the app whenever the outbox changes."""
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        app: Any = self.app
        ol = self.query_one(OptionList)
        keep = self.selected.key if self.selected else None
        index = ol.highlighted or 0
        self.entries = app.cache.outbox()
        now = time.time()
        ol.clear_options()
        ol.add_options([Option(entry_prompt(e, now), id=e.key) for e in self.entries])
        keys = [e.key for e in self.entries]
        if self.entries:
            ol.highlighted = keys.index(keep) if keep in keys else min(index, len(keys) - 1)
        counts = {s: sum(1 for e in self.entries if e.state == s) for s in STATE_LABEL}
        title = (
            f"Outbox — {len(self.entries)} write(s): {counts['pending']} waiting, "
            f"{counts['failed']} refused, {counts['conflict']} conflict(s)"
            if self.entries
            else "Outbox — empty: everything you did is on the server"
        )
        self.query_one("#outbox-title", Static).update(title)
        self._detail()

    @property
    def selected(self) -> OutboxEntry | None:
        ol = self.query_one(OptionList)
        if ol.highlighted is None or not 0 <= ol.highlighted < len(self.entries):
            return None
        return self.entries[ol.highlighted]

    def _detail(self) -> None:
        e = self.selected
        box = self.query_one("#outbox-detail", Static)
        if e is None:
            box.update("")
            return
        text = Text()
        text.append(f"{e.op} on #{e.ticket_id}", style="bold")
        text.append(f"  (you saw version {e.base.get('version', '?')})\n", style="dim")
        for key, value in e.payload.items():
            if value is not None and key != "path":
                text.append(f"{key}: ", style="dim")
                text.append(f"{value}\n")
        if e.op == "attach":
            text.append("file: ", style="dim")
            text.append(f"{e.payload.get('path')}\n")
        if e.error:
            text.append(f"server: {e.error}\n", style="bold")
        hint = {
            "pending": "waits for the connection; r sends now",
            "failed": "refused by the server: r sends it again, x discards it",
            "conflict": "the ticket changed meanwhile: r shows both versions, x discards yours",
        }.get(e.state, "")
        text.append(hint, style="italic")
        box.update(text)

    def on_option_list_option_highlighted(self) -> None:
        self._detail()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_move(self, step: int) -> None:
        ol = self.query_one(OptionList)
        if ol.option_count:
            ol.highlighted = max(0, min(ol.option_count - 1, (ol.highlighted or 0) + step))

    def action_retry(self) -> None:
        app: Any = self.app
        e = self.selected
        if e is None:
            return
        app.retry_outbox(e.key)
        if e.state != "conflict":
            self.notify(f"#{e.ticket_id}: {e.summary} — sending again", timeout=2)

    def action_discard(self) -> None:
        from .modals import ConfirmScreen

        app: Any = self.app
        e = self.selected
        if e is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                app.discard_outbox(e.key)
                self.notify(f"#{e.ticket_id}: {e.summary} — discarded", timeout=2)

        app.push_screen(
            ConfirmScreen(
                f"Discard this {STATE_LABEL.get(e.state, e.state)} write on #{e.ticket_id}?\n"
                f"{e.summary}\nIt will not be sent; this cannot be undone."
            ),
            answer,
        )

    def action_open(self) -> None:
        app: Any = self.app
        e = self.selected
        if e is not None:
            app.open_ticket(e.ticket_id)

    def action_back(self) -> None:
        self.app.pop_screen()
