"""The audit trail (`GET /api/v1/audit`) for shift leads, compliance and admins: newest
first, filtered by entity, id, user and action, with each row's values before and after.

Other roles do not get here (the palette hides it, `:audit` says why); should the server
still refuse (403, e.g. the role changed), the screen shows its message.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..client import ApiError, Offline
from ..widgets.key_bar import KeyBar
from ..widgets.status_bar import StatusBar
from ..widgets.thread import exact_time

FILTER_KEYS = {"entity": "entity", "id": "entity_id", "user": "user", "action": "action"}
PAGE = 1000
MAX_ROWS = 20_000


class FilterError(ValueError):
    pass


def parse_filter(text: str) -> dict[str, str]:
    """'user=maria entity=ticket id=10001 action=ticket.update' → the API's query
    parameters. A bare word is taken as an action (e.g. `auth.login_failed`)."""
    out: dict[str, str] = {}
    for word in text.split():
        key, sep, value = word.partition("=")
        if not sep:
            key, value = "action", word
        if key not in FILTER_KEYS or not value:
            raise FilterError(
                f"unknown filter {word!r}: use entity=, id=, user=, action= (e.g. user=maria)"
            )
        out[FILTER_KEYS[key]] = value
    return out


def _value(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def row_prompt(row: dict[str, Any]) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{exact_time(row.get('at'))[:19]}  ", style="dim")
    who = row.get("actor_username") or "—"
    text.append(f"{who:<10} ", style="bold")
    text.append(f"{(row.get('actor_role') or ''):<11} ", style="dim")
    text.append(f"{row.get('action', ''):<22} ")
    text.append(f"{row.get('entity', '')} {row.get('entity_id') or ''}  ")
    text.append(row.get("ip") or "", style="dim")
    return text


def row_detail(row: dict[str, Any]) -> Text:
    """The fields that changed: before → after."""
    text = Text()
    text.append(f"#{row.get('id')} {row.get('action')} ", style="bold")
    text.append(
        f"by {row.get('actor_username') or '—'} ({row.get('actor_role') or '?'}) "
        f"from {row.get('ip') or '?'} at {exact_time(row.get('at'))}\n",
        style="dim",
    )
    before = row.get("before") or {}
    after = row.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        text.append(f"before: {_value(before)}\nafter: {_value(after)}\n")
        return text
    for key in list(dict.fromkeys([*before, *after])):
        text.append(f"{key}: ", style="dim")
        if key in before:
            text.append(_value(before[key]), style="strike")
            text.append(" → ")
        text.append(_value(after.get(key)) + "\n")
    return text


class AuditLoaded(Message):
    def __init__(self, items: list[dict[str, Any]], error: str = "", more: bool = False) -> None:
        super().__init__()
        self.items = items
        self.error = error
        self.more = more


class AuditScreen(Screen[None]):
    """j/k move, / filter, r fetch newer rows, escape back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="audit.filter"),
        Binding("r", "refresh", "Newer rows", id="audit.refresh"),
        Binding("j", "move(1)", "Down", show=False, id="audit.down"),
        Binding("k", "move(-1)", "Up", show=False, id="audit.up"),
        Binding("escape", "back", "Back", id="audit.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []  # newest first
        self.filters: dict[str, str] = {}
        self.error = ""
        self.truncated = False

    def compose(self) -> ComposeResult:
        yield Static("Audit trail — loading …", id="audit-title")
        yield OptionList(id="audit-list")
        yield Static("", id="audit-detail")
        yield Input(
            placeholder="user=maria entity=ticket id=10001 action=ticket.update", id="audit-filter"
        )
        yield StatusBar(id="status-bar")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#audit-filter", Input).display = False
        self.query_one(OptionList).focus()
        self.fetch(0)

    @property
    def last_id(self) -> int:
        return self.rows[0]["id"] if self.rows else 0

    @work(exclusive=True, group="audit")
    async def fetch(self, after_id: int) -> None:
        """Every row after `after_id` that the filters select, page by page."""
        app: Any = self.app
        items: list[dict[str, Any]] = []
        try:
            while len(items) < MAX_ROWS:
                page = await app.client.audit(after_id=after_id, limit=PAGE, **self.filters)
                items.extend(page["items"])
                if len(page["items"]) < PAGE:
                    break
                after_id = page["last_id"]
            else:
                self.post_message(AuditLoaded(items, more=True))
                return
        except Offline as exc:
            self.post_message(AuditLoaded(items, f"offline: {exc}"))
            return
        except ApiError as exc:
            self.post_message(AuditLoaded(items, exc.message))
            return
        self.post_message(AuditLoaded(items))

    def on_audit_loaded(self, message: AuditLoaded) -> None:
        self.error = message.error
        self.truncated = message.more
        if message.items:
            self.rows = list(reversed(message.items)) + self.rows
            ol = self.query_one(OptionList)
            ol.clear_options()
            ol.add_options([Option(row_prompt(r), id=str(r["id"])) for r in self.rows])
            ol.highlighted = 0
        self._title()
        self._detail()

    def _title(self) -> None:
        parts = [f"Audit trail — {len(self.rows)} row(s), newest first"]
        if self.filters:
            parts.append("filter " + " ".join(f"{k}={v}" for k, v in sorted(self.filters.items())))
        if self.truncated:
            parts.append(f"only the oldest {MAX_ROWS}: narrow the filter")
        if self.error:
            parts.append(self.error)
        self.query_one("#audit-title", Static).update(" · ".join(parts))
        self.query_one("#audit-title").set_class(bool(self.error), "-error")

    def _detail(self) -> None:
        ol = self.query_one(OptionList)
        box = self.query_one("#audit-detail", Static)
        if ol.highlighted is None or not self.rows:
            box.update("")
            return
        box.update(row_detail(self.rows[ol.highlighted]))

    def on_option_list_option_highlighted(self) -> None:
        self._detail()

    def action_move(self, step: int) -> None:
        ol = self.query_one(OptionList)
        if ol.option_count:
            ol.highlighted = max(0, min(ol.option_count - 1, (ol.highlighted or 0) + step))

    def action_refresh(self) -> None:
        self.fetch(self.last_id)

    def action_filter(self) -> None:
        box = self.query_one("#audit-filter", Input)
        box.display = True
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            filters = parse_filter(event.value)
        except FilterError as exc:
            self.notify(str(exc), severity="error")
            return
        event.input.display = bool(event.value.strip())
        self.filters = filters
        self.rows = []
        self.query_one(OptionList).clear_options()
        self.query_one(OptionList).focus()
        self.query_one("#audit-title", Static).update("Audit trail — loading …")
        self.fetch(0)

    def action_back(self) -> None:
        box = self.query_one("#audit-filter", Input)
        if box.has_focus:
            box.display = bool(self.filters)
            self.query_one(OptionList).focus()
            return
        self.app.pop_screen()
