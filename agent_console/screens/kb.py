"""The knowledge-base picker: search the server's articles from the ticket screen and pick one
to insert into the reply. Like the macro picker: type to search, arrows move, the highlighted
article is previewed whole, enter inserts, escape cancels. The knowledge base lives on the
server only (it is not cached): offline, the picker says so."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..client import ApiError, Offline

DEBOUNCE_S = 0.25
"""Typing pauses this long before a search goes to the server."""


class KbPicker(ModalScreen[dict[str, Any] | None]):
    """Returns the chosen article (its JSON: `title`, `body`, `lang` …) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="kb.cancel"),
        Binding("down", "move(1)", show=False, id="kb.down"),
        Binding("up", "move(-1)", show=False, id="kb.up"),
        Binding("ctrl+l", "toggle_lang", "Ticket's language / all", id="kb.lang"),
    ]

    def __init__(self, query: str = "", lang: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.query_text = query
        self.lang = (lang or "").lower() or None
        self.all_languages = self.lang is None
        self.articles: list[dict[str, Any]] = []
        self._debounce: Timer | None = None
        self.searches = 0
        """Searches answered (tests wait on it)."""
        self.answered: str | None = None
        """The words of the last search answered."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog kb-picker"):
            yield Label(
                "Knowledge base — type to search, enter inserts, ctrl+l language, esc cancels",
                classes="dialog-title",
            )
            yield Input(self.query_text, placeholder="search words", id="kb-query")
            yield Static("searching …", id="kb-status", classes="dialog-hint")
            yield OptionList(id="kb-list")
            with VerticalScroll(id="kb-preview-box"):
                yield Static("", id="kb-preview")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.search(self.query_text)

    # -- searching --------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        value = event.value
        self._debounce = self.set_timer(DEBOUNCE_S, lambda: self.search(value))

    def action_toggle_lang(self) -> None:
        if self.lang is None:
            return
        self.all_languages = not self.all_languages
        self.search(self.query_one(Input).value)

    def _scope(self) -> str:
        return "all languages" if self.all_languages or not self.lang else f"language {self.lang}"

    @work(exclusive=True, group="kb-search")
    async def search(self, query: str) -> None:
        client = self.app.client  # type: ignore[attr-defined]
        status = self.query_one("#kb-status", Static)
        lang = None if self.all_languages else self.lang
        try:
            items = await client.kb_articles(query, lang)
            widened = False
            if not items and lang is not None:  # nothing in the ticket's language: any
                items = await client.kb_articles(query, None)
                widened = bool(items)
        except Offline:
            self._show([])
            status.update(
                Text("the knowledge base needs the server, and it cannot be reached (offline)")
            )
            self.searches += 1
            self.answered = query
            return
        except ApiError as exc:
            self._show([])
            status.update(Text(f"knowledge base: {exc.message}"))
            self.searches += 1
            self.answered = query
            return
        self._show(items)
        what = f"{len(items)} article(s)" if items else "no article matches"
        where = "all languages (none in " + str(lang) + ")" if widened else self._scope()
        status.update(Text(f"{what} · {where}"))
        self.searches += 1
        self.answered = query

    def _show(self, items: list[dict[str, Any]]) -> None:
        self.articles = items
        ol = self.query_one(OptionList)
        ol.clear_options()
        for i, a in enumerate(items):
            label = Text(f"{a.get('title') or a.get('slug')}")
            label.append(f"  {a.get('lang', '')}", style="dim")
            if a.get("topic"):
                label.append(f" · {a['topic']}", style="dim")
            ol.add_option(Option(label, id=str(i)))
        if items:
            ol.highlighted = 0
        self._preview()

    # -- picking ----------------------------------------------------------------------------
    def _preview(self) -> None:
        ol = self.query_one(OptionList)
        preview = self.query_one("#kb-preview", Static)
        if ol.highlighted is None or not self.articles:
            preview.update("")
            return
        preview.update(Text(self.articles[ol.highlighted].get("body") or ""))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._preview()

    def action_move(self, step: int) -> None:
        ol = self.query_one(OptionList)
        if ol.option_count:
            ol.highlighted = ((ol.highlighted or 0) + step) % ol.option_count

    def _chosen(self) -> dict[str, Any] | None:
        ol = self.query_one(OptionList)
        if ol.highlighted is None or not self.articles:
            return None
        return self.articles[ol.highlighted]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        article = self._chosen()
        if article is None:
            self.notify("no article to insert", severity="warning")
            return
        self.dismiss(article)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.articles[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)
