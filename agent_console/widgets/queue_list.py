"""The queue list on the left of the queue screen: a Line API widget with one row per queue.

It replaces an `OptionList`, which re-rendered every option (and every blank line under them)
whenever one prompt changed: with SLA data the open and warning/breached counts change about
once a second, and under a stream of live events with nearly every event, and that redraw
took half of each such frame. Here a row is a cached `Strip` keyed by its text, whether it
is highlighted and whether the list has focus; a changed count repaints that one line.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Row = tuple[str, Text]
"""(id, prompt)."""


class QueueList(ScrollView, can_focus=True):
    """Rows of (id, prompt); a highlight that follows the cursor keys; enter selects."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "queue-list--highlighted",
        "queue-list--highlighted-unfocused",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", "Next queue", show=False, id="queues.down"),
        Binding("up,k", "move(-1)", "Previous queue", show=False, id="queues.up"),
        Binding("home,g", "first", "First queue", show=False, id="queues.first"),
        Binding("end,G", "last", "Last queue", show=False, id="queues.last"),
        Binding("enter", "select", "Show this queue", show=False, id="queues.select"),
    ]

    class Highlighted(Message):
        def __init__(self, queue_list: QueueList, row_id: str) -> None:
            super().__init__()
            self.queue_list = queue_list
            self.row_id = row_id

    class Selected(Message):
        def __init__(self, queue_list: QueueList, row_id: str) -> None:
            super().__init__()
            self.queue_list = queue_list
            self.row_id = row_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Row] = []
        self.highlighted = 0
        self._strips: dict[tuple[str, str, int, int], Strip] = {}

    # -- data -------------------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        return [r[0] for r in self.rows]

    @property
    def highlighted_id(self) -> str | None:
        return self.rows[self.highlighted][0] if 0 <= self.highlighted < len(self.rows) else None

    def set_rows(self, rows: list[Row], highlight: str | None = None) -> None:
        """Shows these rows; repaints only the lines that differ. The highlight stays on its
        row id (or moves to `highlight`); no message is posted for it."""
        keep = highlight if highlight is not None else self.highlighted_id
        old = self.rows
        self.rows = list(rows)
        ids = self.ids
        self.highlighted = ids.index(keep) if keep in ids else 0
        if len(old) != len(rows):
            self.virtual_size = Size(self.size.width, len(rows))
            self.refresh()
            return
        for y, (a, b) in enumerate(zip(old, rows, strict=True)):
            if a[0] != b[0] or a[1].plain != b[1].plain or a[1].spans != b[1].spans:
                self.refresh_line(y)

    # -- keys -------------------------------------------------------------------------------
    def _highlight(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        if index == self.highlighted:
            return
        old, self.highlighted = self.highlighted, index
        self.refresh_line(old)
        self.refresh_line(index)
        self.scroll_to_region_of(index)
        self.post_message(self.Highlighted(self, self.rows[index][0]))

    def scroll_to_region_of(self, index: int) -> None:
        top = int(self.scroll_y)
        height = max(1, self.size.height)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)

    def action_move(self, step: int) -> None:
        self._highlight(self.highlighted + step)

    def action_first(self) -> None:
        self._highlight(0)

    def action_last(self) -> None:
        self._highlight(len(self.rows) - 1)

    def action_select(self) -> None:
        row_id = self.highlighted_id
        if row_id is not None:
            self.post_message(self.Selected(self, row_id))

    def on_click(self, event: Click) -> None:
        index = int(self.scroll_y) + event.y
        if 0 <= index < len(self.rows):
            self._highlight(index)
            self.action_select()

    # -- rendering --------------------------------------------------------------------------
    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows))
        self._strips.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def on_focus(self) -> None:
        self.refresh_line(self.highlighted)

    def on_blur(self) -> None:
        self.refresh_line(self.highlighted)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = int(self.scroll_y) + y
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row_id, prompt = self.rows[index]
        look = 0
        if index == self.highlighted:
            look = 1 if self.has_focus else 2
        key = (row_id, prompt.markup, look, width)
        strip = self._strips.get(key)
        if strip is None:
            style: Style = base
            if look:
                name = "queue-list--highlighted" + ("" if look == 1 else "-unfocused")
                style = base + self.get_component_rich_style(name, partial=True)
            segments = [Segment(" ", style)]
            segments += [
                Segment(text, style + seg_style if isinstance(seg_style, Style) else style)
                for text, seg_style, _ in prompt.render(self.app.console)
                if text != "\n"
            ]
            strip = Strip(segments).adjust_cell_length(width, style)
            if len(self._strips) > 500:
                self._strips.clear()
            self._strips[key] = strip
        return strip
