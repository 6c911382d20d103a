"""The queue screen: queues with open counts on the left, tickets in work order on the right."""

from __future__ import annotations

import heapq
from collections import Counter
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from .. import sla_view
from ..cache import Applied
from ..commands import Command
from ..widgets.key_bar import KeyBar
from ..widgets.queue_list import QueueList
from ..widgets.status_bar import StatusBar
from ..widgets.ticket_table import COLUMNS, TicketTable, sort_value
from .actions import TicketActions

ALL, MINE, UNASSIGNED = "__all__", "__mine__", "__unassigned__"
NO_HEALTH = (0, 0)


def search_text(t: dict[str, Any]) -> str:
    p = t.get("player") or {}
    parts = [
        t.get("display_number") or "",
        str(t.get("id", "")),
        t.get("subject") or "",
        p.get("name") or "",
        p.get("external_id") or "",
        p.get("tier") or "",
        t.get("assignee") or "unassigned",
        t.get("status") or "",
        t.get("priority") or "",
        t.get("queue") or "",
        t.get("language") or "",
        t.get("channel") or "",
        " ".join(t.get("tags") or []),
        "waiting:" + (t.get("waiting_on") or ""),
    ]
    return " ".join(parts).lower()


class QueueScreen(TicketActions, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="queue.filter"),
        Binding("r", "refresh", "Refresh", id="queue.refresh"),
        Binding("a", "assign_me", "Assign me", id="queue.assign_me"),
        Binding("A", "assign_to", "Assign to…", id="queue.assign_to"),
        Binding("p", "status('needs_clarification')", "Pending", id="queue.pending"),
        Binding("d", "status('resolved')", "Resolved", id="queue.resolved"),
        Binding("s", "status_menu", "Status", id="queue.status"),
        Binding("e", "escalate", "Escalate", show=False, id="queue.escalate"),
        Binding("t", "tags", "Tags", show=False, id="queue.tags"),
        Binding("dollar_sign", "transaction_refs", "Transaction refs", show=False, id="queue.tx"),
        Binding("escape", "clear", "Clear", show=False, id="queue.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = ALL
        self.filter_text = ""
        self.sort_key: str | None = None
        self.sort_reverse = False
        self._search: dict[int, tuple[Any, str]] = {}
        self._last_index = 0
        self._around: tuple[int | None, int | None] = (None, None)
        # what the list was built from, so a live change moves one row instead of
        # filtering and sorting 10,000 tickets again (see `_update_order`)
        self._order_keys: dict[int, Any] = {}
        # open tickets per queue and per assignee, kept up to date change by change
        self._counted: dict[int, tuple[str, Any]] = {}
        self._by_queue: Counter[str] = Counter()
        self._by_assignee: Counter[Any] = Counter()
        self._queue_names: list[str] | None = None
        self._queue_rows_shown: list[tuple[str, str, int, tuple[int, int]]] = []
        self._title_shown = ""
        self._health: dict[str, tuple[int, int]] = {}
        self._hstate: dict[int, tuple[tuple[str, ...], int]] = {}
        self._hcounts: dict[str, list[int]] = {}
        self._hheap: list[tuple[float, int]] = []
        self._health_counted = False
        self._behind = False

    @property
    def store(self) -> dict[int, dict[str, Any]]:
        return self.app.tickets  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Horizontal(id="queue-body"):
            yield QueueList(id="queue-list")
            with Vertical(id="ticket-pane"):
                yield Static("", id="list-title")
                yield TicketTable(self.store, id="tickets")
                yield Input(
                    placeholder="filter: words, #number, p1, vip, waiting:agent …", id="filter"
                )
        yield StatusBar(id="status-bar")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self._count()
        self._fill_queues()
        self.recompute()
        table = self.query_one(TicketTable)
        table.focus()
        # the health counts move on with the table's 1 s tick: one frame for both
        table.after_tick = lambda now: self._tick_health()
        self.outbox_changed({e.ticket_id for e in self.app.cache.outbox()})  # type: ignore[attr-defined]
        app: Any = self.app
        if app.first_paint is None:
            self.call_after_refresh(self._painted)

    def _covered(self) -> bool:
        """True while an opaque screen (the ticket screen) lies over this one: the queue list
        and the title wait (`_behind`) instead of repainting under it."""
        if self.query_one(TicketTable).hidden:
            self._behind = True
            return True
        return False

    def on_screen_resume(self) -> None:
        # back from the ticket screen: what changed while it covered the list, in one frame
        if not self.is_mounted:
            return
        if self._behind:
            self._behind = False
            self._fill_queues()
            self._update_title()
        self.query_one(TicketTable).shown_again()

    def _painted(self) -> None:
        import time

        app: Any = self.app
        app.first_paint = time.perf_counter() - app.started_at
        app.freeze_heap()
        # after the first paint, while the agent reads the list: the ticket screen
        self.set_timer(0.05, app.prebuild_ticket_screen)

    # -- queues -----------------------------------------------------------------------------
    def _count(self, ids: Any = None) -> None:
        """Brings the open counts up to date for these tickets (None: recount all)."""
        if ids is None:
            self._counted.clear()
            self._by_queue.clear()
            self._by_assignee.clear()
            ids = self.store.keys()
        for tid in ids:
            old = self._counted.pop(tid, None)
            if old is not None:
                self._by_queue[old[0]] -= 1
                self._by_assignee[old[1]] -= 1
            t = self.store.get(tid)
            if t is not None and self._is_open(t):
                facts = (t.get("queue") or "?", t.get("assignee") or None)
                self._counted[tid] = facts
                self._by_queue[facts[0]] += 1
                self._by_assignee[facts[1]] += 1

    # -- SLA health: warning / breached counts, kept up to date ticket by ticket ----------
    def _health_keys(self, queue: str, assignee: Any) -> tuple[str, ...]:
        me = self.app.username  # type: ignore[attr-defined]
        keys = [ALL, queue]
        if not assignee:
            keys.append(UNASSIGNED)
        elif me and assignee == me:
            keys.append(MINE)
        return tuple(keys)

    def _sla_health(self, ids: Any = None) -> None:
        """Brings the counts up to date for these tickets (None: all). Each ticket counted
        leaves the next instant its state moves on in a heap, so the 1 s tick recounts only
        the tickets whose warning or due time has just passed, never all 10,000."""
        table = self.query_one(TicketTable)
        now = table.now()
        if ids is None:
            self._hstate.clear()
            self._hcounts.clear()
            self._hheap.clear()
            ids = list(self._counted)
        for tid in ids:
            old = self._hstate.pop(tid, None)
            if old is not None:
                for key in old[0]:
                    self._hcounts[key][old[1]] -= 1
            facts = self._counted.get(tid)
            if facts is None:
                continue
            f = table.sla_facts(tid)
            if not f.state:
                continue
            state = sla_view.state_at(f, now)
            upcoming = [t for t in (f.change, f.due) if t is not None and t > now]
            if upcoming:
                heapq.heappush(self._hheap, (min(upcoming), tid))
            if state in ("warning", "breached"):
                i = 0 if state == "warning" else 1
                keys = self._health_keys(*facts)
                for key in keys:
                    self._hcounts.setdefault(key, [0, 0])[i] += 1
                self._hstate[tid] = (keys, i)
        self._health = {k: (v[0], v[1]) for k, v in self._hcounts.items() if v[0] or v[1]}
        self._health_counted = True

    def recount_sla(self) -> None:
        """Counts every ticket again (e.g. after the clock was set)."""
        self._sla_health()
        self._fill_queues()
        self._update_title()

    def _tick_health(self) -> None:
        table = self.query_one(TicketTable)
        if table.hidden:
            return  # caught up when shown again: the heap keeps what passed meanwhile
        now = table.now()
        due: set[int] = set()
        while self._hheap and self._hheap[0][0] <= now:
            due.add(heapq.heappop(self._hheap)[1])
        if due:
            self._sla_health(due)
            self._fill_queues()
            self._update_title()

    def _queue_rows(self) -> list[tuple[str, str, int, tuple[int, int]]]:
        app: Any = self.app
        if self._queue_names is None:
            self._queue_names = [q["name"] for q in app.cache.queues()]
        if not self._health_counted:
            self._sla_health()
        me = app.username
        h = self._health.get
        rows = [
            (ALL, "All open", len(self._counted), h(ALL, NO_HEALTH)),
            (MINE, "Mine", self._by_assignee[me] if me else 0, h(MINE, NO_HEALTH)),
            (UNASSIGNED, "Unassigned", self._by_assignee[None], h(UNASSIGNED, NO_HEALTH)),
        ]
        counts = {name: n for name, n in self._by_queue.items() if n}
        for name in sorted(set(self._queue_names) | set(counts)):
            rows.append((name, name, counts.get(name, 0), h(name, NO_HEALTH)))
        return rows

    def _fill_queues(self) -> None:
        if self._covered():
            return
        rows = self._queue_rows()
        if rows == self._queue_rows_shown:
            return
        self._queue_rows_shown = rows
        self.query_one(QueueList).set_rows(
            [(r[0], self._queue_prompt(*r[1:])) for r in rows], highlight=self.view
        )

    @staticmethod
    def _queue_prompt(title: str, n: int, health: tuple[int, int] = NO_HEALTH) -> Text:
        """'l1-en          12 ⚠ 3 ✖ 1': open tickets, then SLA warnings and breaches."""
        text = Text(f"{title[:14]:<14}")
        text.append(f"{n:>5}", style="bold" if n else "dim")
        warning, breached = health
        text.append(f" ⚠{warning:>3}" if warning else "     ", style="bold")
        text.append(f" ✖{breached:>3}" if breached else "", style="bold reverse")
        return text

    def on_queue_list_highlighted(self, event: QueueList.Highlighted) -> None:
        if event.row_id != self.view:
            self.view = event.row_id
            self.recompute()

    def on_queue_list_selected(self, event: QueueList.Selected) -> None:
        self.query_one(TicketTable).focus()

    # -- the list ---------------------------------------------------------------------------
    @staticmethod
    def _is_open(t: dict[str, Any]) -> bool:
        return t.get("status") not in ("resolved", "closed")

    def _matches_view(self, t: dict[str, Any]) -> bool:
        if self.view == ALL:
            return True
        if self.view == MINE:
            return t.get("assignee") == self.app.username  # type: ignore[attr-defined]
        if self.view == UNASSIGNED:
            return not t.get("assignee")
        return t.get("queue") == self.view

    def _text(self, tid: int, t: dict[str, Any]) -> str:
        stamp = (t.get("version"), t.get("updated_at"), t.get("assignee"), t.get("waiting_on"))
        cached = self._search.get(tid)
        if cached and cached[0] == stamp:
            return cached[1]
        text = search_text(t)
        self._search[tid] = (stamp, text)
        return text

    def _wanted(self, tid: int, t: dict[str, Any], terms: list[str]) -> bool:
        return (
            self._is_open(t)
            and self._matches_view(t)
            and (not terms or all(term in self._text(tid, t) for term in terms))
        )

    def _order_key(self, tid: int) -> Any:
        keys = self.app.work_keys  # type: ignore[attr-defined]
        if self.sort_key:
            return (sort_value(self.sort_key, self.store[tid]), keys[tid])
        return keys[tid]

    def visible_ids(self) -> list[int]:
        terms = self.filter_text.lower().split()
        ids = [tid for tid, t in self.store.items() if self._wanted(tid, t, terms)]
        order = {tid: self._order_key(tid) for tid in ids}
        ids.sort(key=order.__getitem__, reverse=self.sort_reverse)
        self._order_keys = order
        return ids

    def recompute(self) -> None:
        table = self.query_one(TicketTable)
        table.sort_key, table.sort_reverse = self.sort_key, self.sort_reverse
        table.set_order(self.visible_ids())
        self._update_title()

    def _update_order(self, changed: set[int]) -> None:
        """Live changes to a few tickets: only those that enter, leave or move in the list
        are taken out and put back in place (binary search on the keys the list was sorted
        by); a change that keeps a ticket where it was costs nothing here (its row was
        repainted by `invalidate`)."""
        if len(changed) > 200:
            self.recompute()
            return
        terms = self.filter_text.lower().split()
        leave: set[int] = set()
        enter: list[tuple[int, Any]] = []
        for tid in changed:
            t = self.store.get(tid)
            new = self._order_key(tid) if t is not None and self._wanted(tid, t, terms) else None
            old = self._order_keys.get(tid)
            if old == new:
                continue
            if old is not None:
                leave.add(tid)
            if new is not None:
                enter.append((tid, new))
        if not leave and not enter:
            return
        table = self.query_one(TicketTable)
        ids = [tid for tid in table.ids if tid not in leave] if leave else list(table.ids)
        keys = self._order_keys
        for tid in leave:
            del keys[tid]
        for tid, key in enter:
            lo, hi = 0, len(ids)
            while lo < hi:  # first position whose key sorts after this one
                mid = (lo + hi) // 2
                k = keys[ids[mid]]
                if (k > key) if self.sort_reverse else (k < key):
                    lo = mid + 1
                else:
                    hi = mid
            ids.insert(lo, tid)
            keys[tid] = key
        table.set_order(ids)
        self._update_title()

    def _update_title(self) -> None:
        if self._covered():
            return
        table = self.query_one(TicketTable)
        view = {ALL: "All open", MINE: "Mine", UNASSIGNED: "Unassigned"}.get(self.view, self.view)
        sort = "work order"
        if self.sort_key:
            title = next(c.title for c in COLUMNS if c.key == self.sort_key)
            sort = f"{title.lower()} {'▼' if self.sort_reverse else '▲'}"
        parts = [f"{view} — {len(table.ids)} tickets", f"sorted by {sort}"]
        warning, breached = self._health.get(self.view, NO_HEALTH)
        if warning or breached:
            parts.append(f"SLA {warning} warning, {breached} breached")
        if self.filter_text:
            parts.append(f"filter “{self.filter_text}”")
        if table.marked:
            parts.append(f"{len(table.marked)} marked")
        title = " · ".join(parts)
        if title != self._title_shown:
            self._title_shown = title
            self.query_one("#list-title", Static).update(title, layout=False)

    def store_changed(self, applied: Applied) -> None:
        table = self.query_one(TicketTable)
        if applied.queues:
            self._queue_names = None
        if applied.tickets:
            table.invalidate(applied.tickets)
            self._update_order(applied.tickets)
            few = len(applied.tickets) <= 200
            self._count(applied.tickets if few else None)
            self._sla_health(applied.tickets if few else None)
        if applied.tickets or applied.queues:
            self._fill_queues()

    def outbox_changed(self, ticket_ids: set[int]) -> None:
        table = self.query_one(TicketTable)
        changed = table.outbox_ids ^ ticket_ids
        table.outbox_ids = set(ticket_ids)
        table.invalidate(changed)

    def on_ticket_table_sort_requested(self, event: TicketTable.SortRequested) -> None:
        if self.sort_key != event.key:
            self.sort_key, self.sort_reverse = event.key, False
        elif not self.sort_reverse:
            self.sort_reverse = True
        else:
            self.sort_key, self.sort_reverse = None, False
        self.recompute()

    def on_ticket_table_opened(self, event: TicketTable.Opened) -> None:
        self.open_ticket(event.ticket_id)

    def open_ticket(self, ticket_id: int) -> None:
        index = self.query_one(TicketTable).index_of(ticket_id)
        if index is not None:
            self._remember(index)
        self.app.open_ticket(ticket_id)  # type: ignore[attr-defined]

    def _remember(self, index: int) -> None:
        """The row of the ticket being worked on, and who was around it then."""
        ids = self.query_one(TicketTable).ids
        self._last_index = index
        self._around = (
            ids[index - 1] if index > 0 else None,
            ids[index + 1] if index + 1 < len(ids) else None,
        )

    def neighbour(self, ticket_id: int, step: int) -> int | None:
        """The next (step=1) or previous (-1) ticket in the list's order, as the agent saw it
        when the ticket was opened: setting it pending moves it down the work order (and
        resolving takes it out), and "next" is still the ticket that followed it."""
        table = self.query_one(TicketTable)
        ids = table.ids
        index = table.index_of(ticket_id)
        target: int | None = None
        if index is not None and index == self._last_index:
            pos = index + step
            while 0 <= pos < len(ids) and target is None:
                target = ids[pos] if ids[pos] != ticket_id else None
                pos += step
        else:  # it moved or left: whoever was beside it, else whoever took its place
            beside = self._around[0 if step < 0 else 1]
            if beside is not None and table.index_of(beside) is not None:
                target = beside
            else:
                others = [i for i in ids if i != ticket_id]
                pos = self._last_index if step > 0 else self._last_index - 1
                target = others[pos] if 0 <= pos < len(others) else None
        if target is None:
            return None
        new_index = table.index_of(target)
        assert new_index is not None
        self._remember(new_index)
        table.set_cursor(new_index)
        return target

    # -- actions ----------------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.filter_text = event.value.strip()
            self.recompute()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            event.stop()
            if not event.value.strip():
                event.input.display = False
            self.query_one(TicketTable).focus()

    def action_clear(self) -> None:
        box = self.query_one("#filter", Input)
        table = self.query_one(TicketTable)
        if box.has_focus or self.filter_text:
            box.value = ""
            box.display = False
            self.filter_text = ""
            self.recompute()
            table.focus()
        elif table.marked:
            table.clear_marks()
            self._update_title()
        else:
            table.focus()

    def action_refresh(self) -> None:
        app: Any = self.app
        app.wake_live()
        app.wake_outbox()
        self.notify("refreshing …", timeout=1)

    # -- TicketActions: the cursor row, or every marked row ------------------------------
    def _targets(self) -> list[int]:
        return self.query_one(TicketTable).target_ids()

    def _done_with_marks(self) -> None:
        table = self.query_one(TicketTable)
        if table.marked:
            table.clear_marks()
            self._update_title()

    def _apply(self, changes: dict[str, Any], label: str) -> None:
        app: Any = self.app
        ids = self._targets()
        if not ids:
            return
        n = app.change_tickets(ids, changes)
        self._done_with_marks()
        self.notify(f"{label}: {n} ticket(s)", timeout=2)

    def _apply_each(self, change: Any, label: str) -> None:
        app: Any = self.app
        n = 0
        for tid in self._targets():
            t = app.ticket(tid)
            if t is not None:
                n += app.change_tickets([tid], change(t))
        self._done_with_marks()
        if n:
            self.notify(f"{label}: {n} ticket(s)", timeout=2)

    def run_screen_command(self, cmd: Command) -> bool:
        if cmd.name == "open":
            self.open_ticket(int(cmd.arg))
        elif cmd.name == "sync":
            self.action_refresh()
        elif cmd.name in ("retract", "attach"):
            self.notify(f"open the ticket to {cmd.name}", severity="warning")
        else:
            return False
        return True
