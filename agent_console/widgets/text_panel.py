"""A scrollable panel of rich text on Textual's Line API (the ticket screen's player card).

A `Static` with `height: auto` inside a `VerticalScroll` makes every content change a layout
change: the screen measures the text, sizes the static, then lays out the scroll view again.
This panel has a fixed size; new text only changes its virtual height (the scrollbar) and
repaints its own lines, so showing another ticket's card costs no layout pass.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.segment import Segment
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class TextPanel(ScrollView, can_focus=False):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text = Text()
        self._lines: list[Strip] = []
        self._wrapped_for = -1

    def set_text(self, text: Text) -> None:
        """Shows this text (wrapped to the panel's width), scrolled to the top."""
        if text == self.text and self._wrapped_for == self.scrollable_content_region.width:
            return
        self.text = text
        self._wrapped_for = -1
        self._wrap()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    @property
    def plain(self) -> str:
        return self.text.plain

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._wrapped_for:
            return
        console: Console = self.app.console
        lines = self.text.wrap(console, width, no_wrap=False)
        base = self.rich_style
        strips = []
        for line in lines:
            segments = [
                Segment(s.text, base + s.style if s.style else base)
                for s in line.render(console)
                if s.text != "\n"
            ]
            strips.append(Strip(segments).adjust_cell_length(width, base))
        self._lines = strips
        self._wrapped_for = width
        self.virtual_size = Size(width, len(strips))

    def on_resize(self) -> None:
        self._wrap()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._wrapped_for = -1

    def render_line(self, y: int) -> Strip:
        self._wrap()
        width = self.scrollable_content_region.width
        row = int(self.scroll_y) + y
        if 0 <= row < len(self._lines):
            return self._lines[row]
        return Strip.blank(width, self.rich_style)
