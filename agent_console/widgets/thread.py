"""A ticket's thread: one widget per message, kinds told apart by CSS class, RTL-aware text."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.widgets import Static

from ..text import base_is_rtl, has_rtl, visual

KIND_LABEL = {
    "player": "player",
    "reply": "reply",
    "note": "internal note",
    "bot": "bot",
    "system": "system",
}


def exact_time(value: str | None) -> str:
    """Local time with seconds and the UTC offset, e.g. 2026-11-25 18:16:24 +02:00."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(value).astimezone()
    except ValueError:
        return value
    offset = dt.strftime("%z")
    return dt.strftime("%Y-%m-%d %H:%M:%S ") + (offset[:3] + ":" + offset[3:] if offset else "")


def local_time(tz: str | None) -> str:
    if not tz:
        return "—"
    try:
        now = datetime.now(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return f"? ({tz})"
    return now.strftime("%H:%M %a") + f" ({tz})"


class BidiText:
    """Wraps in logical order, then shows each line in visual order; right-to-left
    paragraphs are right-aligned."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text = text
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        for para in self.text.split("\n"):
            rtl = base_is_rtl(para)
            lines = Text(para).wrap(console, width) if para else [Text("")]
            for line in lines:
                plain = line.plain.rstrip() if rtl else line.plain
                shown = visual(plain) if has_rtl(plain) else plain
                yield Text(shown, style=self.style, justify="right" if rtl else "left", end="\n")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, options.max_width)


class MessageView(Static):
    """One message: a header line (exact time, author, kind, channel) and the body.

    The ticket screen keeps a pool of these and reloads them in place when it shows another
    ticket; a view with no message is hidden (class `msg-pooled`) and matches no `.msg-*`
    kind selector.
    """

    def __init__(self, message: dict[str, Any] | None = None) -> None:
        super().__init__(classes=self._css_classes_for(message))
        self.message = message
        if message is not None:
            self.border_title = self._title()

    @staticmethod
    def _css_classes_for(message: dict[str, Any] | None) -> str:
        if message is None:
            return "msg-pooled"
        classes = f"msg msg-{message.get('kind') or 'system'}"
        return classes + " -retracted" if message.get("retracted") else classes

    def _title(self) -> str:
        m = self.message or {}
        who = (
            m.get("author_name")
            or m.get("author")
            or ("system" if m.get("kind") == "system" else "")
        )
        parts = [
            exact_time(m.get("created_at")),
            who,
            KIND_LABEL.get(m.get("kind", ""), m.get("kind", "")),
        ]
        if m.get("channel"):
            parts.append(m["channel"])
        if m.get("quote_id"):
            parts.append(f"quotes {m['quote_id']}")
        parts.append(f"#{m.get('id')}")
        return " · ".join(p for p in parts if p)

    def on_mount(self) -> None:
        if self.message is not None:
            self._draw()

    def refresh_message(self, message: dict[str, Any] | None) -> None:
        """Shows this message (or nothing: `None` hides the view); a no-op when unchanged."""
        if message == self.message:
            return
        self.message = message
        self._draw()

    def _draw(self) -> None:
        message = self.message
        classes = self._css_classes_for(message)
        if set(classes.split()) != set(self.classes):
            self.set_classes(classes)  # one style update, not one per class
        if message is None:
            self.border_title = self.border_subtitle = None
            self.update("")
            return
        self.border_title = self._title()
        if message.get("retracted"):
            reason = message.get("retract_reason") or ""
            self.border_subtitle = f"retracted {exact_time(message.get('retracted_at'))} {reason}"
        else:
            self.border_subtitle = None
        self.update(BidiText(message.get("body") or ""))
