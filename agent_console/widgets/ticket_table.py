"""The ticket list: a Line API widget that draws only the rows on screen.

A `DataTable` with 10,000 rows takes seconds to build; this widget keeps a list of ticket ids
(the order) and a reference to the ticket dicts, and renders each visible line on demand from
a small cache of cell texts keyed by the ticket's version. A live change invalidates just that
ticket's cached cells and repaints the lines it is on; nothing is rebuilt.

Finished row `Strip`s are cached too, keyed by everything a row's look depends on (ticket,
version, width, cursor/focus, mark, outbox, the age text): scrolling by one row repaints every
visible line, and with the cache that is a dict lookup per line instead of styling ~10 cells.

The SLA countdown and the Age column tick: once a second the visible rows whose countdown or
age text changed are repainted, nothing else. A table under an opaque screen (the ticket
screen on top) paints nothing: Textual keeps the screen below "current" and would pass each
repaint on to the screen on top (a whole-screen frame each second for a countdown nobody
sees); repaints asked for meanwhile are done in one go when the table is seen again.

Styles come from component classes (see `app.tcss`), never from colour literals here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .. import sla_view
from ..text import fit

STATUS_LABEL = {
    "new": "new",
    "accepted": "accepted",
    "in_progress": "in progress",
    "needs_clarification": "pending",
    "resolved": "resolved",
    "closed": "closed",
    "reopened": "reopened",
}
TIER_BADGE = {"vvip": "VVIP", "vip": "VIP", "standard": ""}


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # 0: shares the free space by `flex`
    sort_letter: str
    flex: int = 0


COLUMNS: tuple[Column, ...] = (
    Column("number", "Id", 7, "I"),
    Column("priority", "Pri", 3, "P"),
    Column("tier", "Tier", 4, "T"),
    Column("subject", "Subject", 0, "S", flex=3),
    Column("player", "Player", 0, "L", flex=2),
    Column("assignee", "Owner", 10, "O"),
    Column("status", "Status", 11, "U"),
    Column("waiting", "Waits", 6, "W"),
    Column("sla", "SLA due", 8, "D"),
    Column("age", "Age", 5, "E"),
)
SORT_LETTERS = {c.sort_letter: c.key for c in COLUMNS}


def _epoch(value: str | None) -> float:
    if not value:
        return 0.0
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return 0.0


def age_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def cell_values(t: dict[str, Any]) -> dict[str, str]:
    player = t.get("player") or {}
    return {
        "number": t.get("display_number") or f"#{t['id']}",
        "priority": t.get("priority") or "",
        "tier": TIER_BADGE.get(player.get("tier", "standard"), ""),
        "subject": t.get("subject") or "",
        "player": player.get("name") or player.get("external_id") or "",
        "assignee": t.get("assignee") or "—",
        "status": STATUS_LABEL.get(t.get("status", ""), t.get("status", "")),
        "waiting": t.get("waiting_on") or "",
        "sla": "",  # live: drawn from `sla_view.cell` at paint time
    }


def sort_value(key: str, t: dict[str, Any]) -> Any:
    if key == "number":
        return t["id"]
    if key == "tier":
        return {"vvip": 0, "vip": 1}.get((t.get("player") or {}).get("tier", ""), 2)
    if key == "age":
        return t.get("created_at") or ""
    if key == "sla":
        due = sla_view.facts(t).due
        return due if due is not None else float("inf")
    return cell_values(t)[key].lower()


class TicketTable(ScrollView, can_focus=True):
    """Tickets in the order given, a cursor, marks, and a fixed header line."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ticket-table--header",
        "ticket-table--sort-letter",
        "ticket-table--cursor",
        "ticket-table--marked",
        "ticket-table--waiting-agent",
        "ticket-table--waiting-player",
        "ticket-table--p1",
        "ticket-table--tier-vip",
        "ticket-table--tier-vvip",
        "ticket-table--outbox",
        "ticket-table--sla-ok",
        "ticket-table--sla-warning",
        "ticket-table--sla-breached",
        "ticket-table--sla-paused",
        "ticket-table--sla-met",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "top", "Top", show=False, id="list.top"),
        Binding("G,end", "bottom", "Bottom", show=False, id="list.bottom"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("enter", "open", "Open", id="list.open"),
        Binding("space", "mark", "Mark", id="list.mark"),
        Binding("n", "next_match", "Next", show=False, id="list.next_match"),
        Binding("N", "previous_match", "Previous", show=False, id="list.previous_match"),
        *[
            Binding(
                c.sort_letter,
                f"sort('{c.key}')",
                f"Sort by {c.title.lower()}",
                show=False,
                id=f"list.sort_{c.key}",
            )
            for c in COLUMNS
        ],
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    """Index of the highlighted row in `ids`."""

    class Opened(Message):
        def __init__(self, ticket_id: int) -> None:
            super().__init__()
            self.ticket_id = ticket_id

    class SortRequested(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class Highlighted(Message):
        def __init__(self, ticket_id: int | None) -> None:
            super().__init__()
            self.ticket_id = ticket_id

    def __init__(self, tickets: dict[int, dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tickets = tickets
        self.ids: list[int] = []
        self.marked: set[int] = set()
        self.outbox_ids: set[int] = set()
        self.sort_key: str | None = None
        self.sort_reverse = False
        self._cells: dict[int, tuple[Any, int, dict[str, str], float]] = {}
        self._widths: list[int] = []
        self._width_for = -1
        self._index: dict[int, int] = {}
        self._strips: dict[tuple[Any, ...], Strip] = {}
        self._parts: dict[tuple[Any, ...], tuple[list[Segment], Style, int, list[Segment]]] = {}
        self._base_style: Style | None = None
        self._styles: dict[str, Style] = {}
        self.now: Callable[[], float] = time.time
        self._sla: dict[int, tuple[dict[str, Any], sla_view.SlaFacts]] = {}
        self._shown: dict[int, tuple[tuple[str, str], str]] = {}  # (SLA cell, age) drawn
        self._missed = False  # a repaint was asked for while hidden
        self.after_tick: Callable[[float], None] | None = None
        """Called at the end of each tick with its clock (the queue screen counts SLA health
        then, so both land in the same frame)."""

    def on_mount(self) -> None:
        # the SLA countdown and ages: once a second, repaint the visible rows whose text changed
        self.set_interval(1.0, self.tick_sla)

    # -- painting only when seen ------------------------------------------------------------
    @property
    def hidden(self) -> bool:
        """True while an opaque screen lies over this table's screen."""
        try:
            screen = self.screen
        except Exception:  # not mounted yet
            return False
        stack = self.app.screen_stack
        if screen not in stack:
            return False
        for above in reversed(stack):
            if above is screen:
                return False
            if above.styles.background.a >= 1:
                return True
        return False

    def refresh(
        self, *regions: Any, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Any:
        if repaint and not layout and not recompose and self.is_mounted and self.hidden:
            self._missed = True
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def shown_again(self) -> None:
        """The screen on top went away: repaint what changed meanwhile."""
        if self._missed:
            self._missed = False
            self.refresh()
        self.tick_sla()

    def sla_facts(self, tid: int) -> sla_view.SlaFacts:
        t = self.tickets.get(tid)
        if t is None:
            return sla_view.NO_SLA
        cached = self._sla.get(tid)
        if cached is not None and cached[0] is t:  # the store replaces a changed ticket
            return cached[1]
        f = sla_view.facts(t)
        self._sla[tid] = (t, f)
        return f

    def sla_cell(self, tid: int, now: float | None = None) -> tuple[str, str]:
        return sla_view.cell(self.sla_facts(tid), self.now() if now is None else now)

    def tick_sla(self) -> None:
        """Repaints the visible rows whose countdown or age moved on (not while hidden)."""
        now = self.now()
        if not self.hidden:
            top = int(self.scroll_y)
            for row in range(top, min(len(self.ids), top + self.size.height)):
                tid = self.ids[row]
                shown = self._shown.get(tid)
                if shown is not None and shown != self._live_cells(tid, now):
                    self.refresh_line(row - top + 1)
        if self.after_tick is not None:
            self.after_tick(now)

    def _live_cells(self, tid: int, now: float) -> tuple[tuple[str, str], str]:
        """The cells that change with the clock: (SLA text, state) and the age."""
        cached = self._cells.get(tid)
        created = cached[3] if cached else _epoch((self.tickets.get(tid) or {}).get("created_at"))
        return self.sla_cell(tid, now), age_text(now - created)

    # -- data -------------------------------------------------------------------------------
    def set_order(self, ids: list[int], keep: int | None = None) -> None:
        """Shows these tickets in this order; the cursor stays on `keep` (or its ticket)."""
        current = keep if keep is not None else self.cursor_id
        self.ids = ids
        self._index = {tid: i for i, tid in enumerate(ids)}
        self.virtual_size = Size(self.size.width, len(ids) + 1)
        if current is not None and current in self._index:
            index = self._index[current]
        else:
            index = min(self.cursor, max(0, len(ids) - 1))
        self.set_cursor(index)
        self.refresh()

    def invalidate(self, ids: set[int] | list[int]) -> None:
        """These tickets changed: forget their cells and repaint their lines if visible."""
        top = int(self.scroll_y)
        height = self.size.height
        for tid in ids:
            self._cells.pop(tid, None)
            row = self._index.get(tid)
            if row is not None and top <= row < top + height:
                self.refresh_line(row + 1)

    @property
    def cursor_id(self) -> int | None:
        if 0 <= self.cursor < len(self.ids):
            return self.ids[self.cursor]
        return None

    def index_of(self, ticket_id: int) -> int | None:
        return self._index.get(ticket_id)

    def target_ids(self) -> list[int]:
        """What an action applies to: the marked rows, else the row under the cursor."""
        if self.marked:
            return [i for i in self.ids if i in self.marked] + sorted(
                self.marked - set(self._index)
            )
        return [self.cursor_id] if self.cursor_id is not None else []

    # -- cursor -----------------------------------------------------------------------------
    def set_cursor(self, index: int) -> None:
        index = max(0, min(index, len(self.ids) - 1)) if self.ids else 0
        old = self.cursor
        self.cursor = index
        self.refresh_line(old + 1)
        self.refresh_line(index + 1)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self.cursor_id))

    def _scroll_to_cursor(self) -> None:
        rows_visible = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows_visible:
            self.scroll_to(y=self.cursor - rows_visible + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.set_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.set_cursor(self.cursor - 1)

    def action_top(self) -> None:
        self.set_cursor(0)

    def action_bottom(self) -> None:
        self.set_cursor(len(self.ids) - 1)

    def action_page_down(self) -> None:
        self.set_cursor(self.cursor + max(1, self.size.height - 2))

    def action_page_up(self) -> None:
        self.set_cursor(self.cursor - max(1, self.size.height - 2))

    def action_next_match(self) -> None:
        if self.ids:
            self.set_cursor((self.cursor + 1) % len(self.ids))

    def action_previous_match(self) -> None:
        if self.ids:
            self.set_cursor((self.cursor - 1) % len(self.ids))

    def action_open(self) -> None:
        if self.cursor_id is not None:
            self.post_message(self.Opened(self.cursor_id))

    def action_mark(self) -> None:
        tid = self.cursor_id
        if tid is None:
            return
        self.marked.symmetric_difference_update({tid})
        self.refresh_line(self.cursor + 1)
        self.set_cursor(self.cursor + 1)

    def clear_marks(self) -> None:
        self.marked.clear()
        self.refresh()

    def action_sort(self, key: str) -> None:
        self.post_message(self.SortRequested(key))

    # -- rendering --------------------------------------------------------------------------
    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.ids) + 1)
        self._width_for = -1
        self._scroll_to_cursor()

    def _column_widths(self, width: int) -> list[int]:
        if width == self._width_for:
            return self._widths
        gutter = 2
        fixed = sum(c.width + 1 for c in COLUMNS if c.width) + gutter
        free = max(0, width - fixed - sum(1 for c in COLUMNS if not c.width))
        flex_total = sum(c.flex for c in COLUMNS if not c.width) or 1
        widths = []
        given = 0
        flex_cols = [c for c in COLUMNS if not c.width]
        for c in COLUMNS:
            if c.width:
                widths.append(c.width)
            elif c is flex_cols[-1]:
                widths.append(max(4, free - given))
            else:
                w = max(6, free * c.flex // flex_total)
                given += w
                widths.append(w)
        self._widths, self._width_for = widths, width
        return widths

    def _row_cells(self, tid: int, widths: list[int]) -> tuple[Any, dict[str, str], float]:
        """(stamp, fitted cell texts, created epoch) of a ticket's row."""
        t = self.tickets.get(tid)
        if t is None:
            return None, {c.key: "" for c in COLUMNS}, 0.0
        stamp = (t.get("version"), t.get("updated_at"), t.get("assignee"), t.get("waiting_on"))
        cached = self._cells.get(tid)
        if cached and cached[0] == stamp and cached[1] == self._width_for:
            return stamp, cached[2], cached[3]
        values = cell_values(t)
        cells = {
            c.key: fit(values.get(c.key, ""), w)
            for c, w in zip(COLUMNS, widths, strict=True)
            if c.key not in ("age", "sla")
        }
        created = _epoch(t.get("created_at"))
        self._cells[tid] = (stamp, self._width_for, cells, created)
        if len(self._cells) > 4000:
            for key in list(self._cells)[:1000]:
                del self._cells[key]
        return stamp, cells, created

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._strips.clear()
        self._parts.clear()
        self._styles.clear()

    def _component(self, name: str) -> Style:
        """A component class's style, looked up once (per style update)."""
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name, partial=True)
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = self._column_widths(width)
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        if y == 0:
            return self._header(widths, width, base)
        row = int(self.scroll_y) + y - 1
        if row >= len(self.ids):
            return Strip.blank(width, base)
        tid = self.ids[row]
        t = self.tickets.get(tid) or {}
        stamp, cells, created = self._row_cells(tid, widths)
        now = self.now()
        age = age_text(now - created)
        sla = self.sla_cell(tid, now)
        self._shown[tid] = (sla, age)
        cursor = 0 if row != self.cursor else (1 if self.has_focus else 2)
        # Two caches: the row without its SLA cell (styled once: ~10 cells), and the finished
        # strip. The countdown changes every second, and a scroll repaints every visible row:
        # with the styled parts cached that costs one segment and a join per row.
        key = (
            tid,
            stamp,
            width,
            cursor,
            tid in self.marked,
            tid in self.outbox_ids,
            age,
            sla[1] == "breached",
        )
        full_key = (key, sla)
        strip = self._strips.get(full_key)
        if strip is None:
            parts = self._parts.get(key)
            if parts is None:
                parts = self._render_row(t, tid, row, cells, age, sla, widths, width, base)
                if len(self._parts) >= 2000:
                    self._parts.clear()
                self._parts[key] = parts
            before, style, sla_width, after = parts
            cell_style = style
            if sla[1]:
                cell_style = style + self._component(f"ticket-table--sla-{sla[1]}")
            segment = Segment(fit(sla[0], sla_width, align_right=True), cell_style)
            strip = Strip([*before, segment, *after]).adjust_cell_length(width, style)
            if len(self._strips) >= 2000:
                self._strips.clear()
            self._strips[full_key] = strip
        return strip

    def _render_row(
        self,
        t: dict[str, Any],
        tid: int,
        row: int,
        cells: dict[str, str],
        age: str,
        sla: tuple[str, str],
        widths: list[int],
        width: int,
        base: Style,
    ) -> tuple[list[Segment], Style, int, list[Segment]]:
        """The row's segments before and after the SLA cell, the row style, the cell width."""
        style = base
        waiting = t.get("waiting_on")
        if waiting == "agent" or sla[1] == "breached":  # both stand out in red
            style += self._component("ticket-table--waiting-agent")
        elif waiting == "player":
            style += self._component("ticket-table--waiting-player")
        if tid in self.marked:
            style += self._component("ticket-table--marked")
        if row == self.cursor and self.has_focus:
            style += self._component("ticket-table--cursor")
        elif row == self.cursor:
            style += self._component("ticket-table--cursor") + Style(bold=False)
        gutter = ("●" if tid in self.marked else " ") + ("↑" if tid in self.outbox_ids else " ")
        segments = before = [Segment(gutter, style)]
        after: list[Segment] = []
        sla_width = 0
        for c, w in zip(COLUMNS, widths, strict=True):
            if c.key == "sla":
                sla_width = w
                segments = after
                segments.append(Segment(" ", style))
                continue
            text = fit(age, w) if c.key == "age" else cells[c.key]
            cell_style = style
            if c.key == "priority" and t.get("priority") == "P1":
                cell_style = style + self._component("ticket-table--p1")
            elif c.key == "tier" and text.strip():
                tier = (t.get("player") or {}).get("tier", "standard")
                cell_style = style + self._component(f"ticket-table--tier-{tier}")
            segments.append(Segment(text, cell_style))
            segments.append(Segment(" ", style))
        return before, style, sla_width, after

    def _header(self, widths: list[int], width: int, base: Style) -> Strip:
        style = base + self._component("ticket-table--header")
        letter = style + self._component("ticket-table--sort-letter")
        segments = [Segment("  ", style)]
        for c, w in zip(COLUMNS, widths, strict=True):
            title = c.title
            if self.sort_key == c.key:
                title += " ▼" if self.sort_reverse else " ▲"
            text = fit(title, w)
            pos = text.lower().find(c.sort_letter.lower())
            if pos >= 0:
                segments += [
                    Segment(text[:pos], style),
                    Segment(text[pos], letter),
                    Segment(text[pos + 1 :], style),
                ]
            else:
                segments.append(Segment(text, style))
            segments.append(Segment(" ", style))
        return Strip(segments).adjust_cell_length(width, style)

    def on_focus(self) -> None:
        self.refresh_line(self.cursor + 1)

    def on_blur(self) -> None:
        self.refresh_line(self.cursor + 1)
