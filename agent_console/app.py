"""The Textual app: owns the config, the API client, the cache and the in-memory tickets.

Workers (`live`, `outbox_loop`, fetches) talk to the server through `Sync`/`ApiClient` and
to SQLite through `Cache`; they never touch widgets: they post the small messages below and
the handlers here update the ticket store and tell the screens which tickets changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import Iterable
from typing import Any, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive, var
from textual.screen import Screen

from .cache import Applied, Cache, OutboxEntry, work_key
from .client import ApiClient, Offline, Unauthorized
from .config import ConfigError, ConsoleConfig, forget_token, save_token
from .sync import FlushResult, Sync

IDLE_GC_AFTER_S = 1.0
"""A full garbage collection waits until no key came for this long …"""
IDLE_GC_EVERY_S = 10.0
"""… and runs at most this often when idle (at least every `IDLE_GC_FORCE_S`)."""
IDLE_GC_FORCE_S = 15.0

AUDIT_ROLES = ("shift_lead", "compliance", "admin")
"""Who may read the audit trail (the server checks it too: others get 403)."""


class Synced(Message):
    """The cache took changes (from /changes, SSE or our own writes)."""

    def __init__(self, applied: Applied) -> None:
        super().__init__()
        self.applied = applied


class ConnectionChanged(Message):
    def __init__(self, online: bool, detail: str = "") -> None:
        super().__init__()
        self.online = online
        self.detail = detail


class OutboxFlushed(Message):
    def __init__(self, result: FlushResult) -> None:
        super().__init__()
        self.result = result


class SessionExpired(Message):
    pass


class MeLoaded(Message):
    def __init__(self, me: dict[str, Any]) -> None:
        super().__init__()
        self.me = me


class AgentConsole(App[None]):
    """The agent console."""

    CSS_PATH = "app.tcss"
    TITLE = "Agent Console"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("colon", "command_line", "Command", id="app.command"),
        Binding("q", "quit_console", "Quit", id="app.quit"),
        Binding("o", "outbox", "Outbox", show=False, id="app.outbox"),
    ]

    # `var`, not `reactive`: a change must not repaint the whole screen (it did, on every
    # synced event); the status bar watches these and redraws its one line
    online: reactive[bool] = var(False)
    """True while the event stream is connected."""
    last_sync: reactive[float | None] = var(None)
    """When the cache last took changes from the server (epoch seconds)."""
    outbox_count: reactive[int] = var(0)
    """Writes waiting in the outbox."""
    conflicts: reactive[int] = var(0)
    """Outbox entries that met a newer server version and wait for the agent."""
    failed: reactive[int] = var(0)
    """Outbox entries the server refused; kept for the agent to retry or discard."""
    agent_name: reactive[str] = var("")
    """Who is signed in, for the status bar."""

    def __init__(self, config: ConsoleConfig, client: ApiClient, cache: Cache) -> None:
        super().__init__()
        self.config = config
        self.client = client
        self.cache = cache
        self.sync = Sync(client, cache)
        self.tickets: dict[int, dict[str, Any]] = {}
        self.work_keys: dict[int, tuple[Any, ...]] = {}
        self.me: dict[str, Any] | None = None
        self._wake_live: asyncio.Event | None = None
        self._wake_outbox: asyncio.Event | None = None
        self._shown_conflicts: set[str] = set()
        self.started_at = time.perf_counter()
        self.first_paint: float | None = None
        self._ticket_screen: Any = None
        self._last_key = time.monotonic()
        self._last_full_gc = time.monotonic()
        self._gc_threshold: tuple[int, int, int] | None = None

    # -- start ------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self._collect_when_idle()
        self.theme = self.config.theme if self.config.theme in self.available_themes else self.theme
        self.set_keymap(self.config.keymap)
        self._wake_live = asyncio.Event()
        self._wake_outbox = asyncio.Event()
        self.last_sync = self.cache.last_sync
        self._refresh_outbox_state()
        if self.client.token:
            me = self.cache.get_meta("me")
            if me:
                import json

                self._set_me(json.loads(me))
            self.start_session()
        else:
            from .screens.login import LoginScreen

            self.push_screen(LoginScreen(self.config.server, self.config.username))

    def _set_me(self, me: dict[str, Any]) -> None:
        self.me = me
        self.agent_name = f"{me.get('display_name') or me.get('username')} ({me.get('username')})"

    @property
    def username(self) -> str:
        return (self.me or {}).get("username") or self.config.username

    def signed_in(self, data: dict[str, Any], server: str) -> None:
        """The login screen got a token: keep it in the keyring and open the queue."""
        import json

        user = data.get("user") or {}
        self._set_me(user)
        self.cache.set_meta("me", json.dumps(user))
        self.config.username = user.get("username", self.config.username)
        try:
            save_token(server, self.config.username, data["token"], data.get("expires_at"))
        except Exception as exc:  # no keyring backend: work on, ask again next start
            self.notify(f"token not saved (keyring: {exc})", severity="warning")
        self.start_session()

    def start_session(self) -> None:
        from .screens.queue import QueueScreen

        self.load_store()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(QueueScreen())
        self.live()
        self.outbox_loop()

    def load_store(self) -> None:
        self.tickets.clear()
        for t in self.cache.tickets(open_only=True):
            self.tickets[t["id"]] = t
        self.work_keys = {tid: work_key(t) for tid, t in self.tickets.items()}
        self.freeze_heap()

    @staticmethod
    def freeze_heap() -> None:
        """Move everything alive now out of the collector's sight.

        With 10,000 tickets in memory a full (generation 2) collection walks a few hundred
        thousand objects and took 60-70 ms, landing on a random keystroke now and then. The
        loaded store lives for the whole session, so it is frozen after loading (and again
        after the first paint, for the widget tree); later garbage is still collected, and
        tickets replaced by sync are freed by reference counting as before.
        """
        gc.freeze()

    def _collect_when_idle(self) -> None:
        """Full (generation 2) collections run when the agent is not typing.

        Even with the store frozen, a full collection walks every widget, strip and cache
        alive (~30,000 objects, 15-30 ms); Python starts one whenever enough objects have
        survived, which is, by chance, in the middle of a keystroke now and then: the slowest
        1 % of ticket opens were those. So Python's own trigger for generation 2 is set out of
        reach (generations 0 and 1 work as before, and catch most garbage), and this app runs
        the full collection itself after a second without keys, every 10 s, or after 15 s in
        any case (so memory stays bounded while someone types on and on). The old threshold
        comes back when the app ends."""
        self._gc_threshold = gc.get_threshold()
        young, middle, _ = self._gc_threshold
        gc.set_threshold(young, middle, 1_000_000)
        self.set_interval(1.0, self._idle_gc)

    def _idle_gc(self) -> None:
        now = time.monotonic()
        since = now - self._last_full_gc
        idle = now - self._last_key >= IDLE_GC_AFTER_S
        if (idle and since >= IDLE_GC_EVERY_S) or since >= IDLE_GC_FORCE_S:
            gc.collect()
            self._last_full_gc = time.monotonic()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        await super().on_event(event)

    # -- workers ----------------------------------------------------------------------------
    @work(exclusive=True, group="live")
    async def live(self) -> None:
        """Catch up through /changes, then follow the event stream; reconnect when it breaks."""
        first = True
        assert self._wake_live is not None
        while True:
            try:
                me = await self.client.me()
                self.post_message(MeLoaded(me))
                applied = await (self.sync.initial() if first else self.sync.catch_up())
                await self.sync.refresh_queues()
                applied.queues = True
                first = False
                self.post_message(ConnectionChanged(True))
                self.post_message(Synced(applied))
                self.wake_outbox()
                async for batch in self.sync.stream():
                    self.post_message(Synced(batch))
            except Offline as exc:
                self.post_message(ConnectionChanged(False, str(exc)))
            except Unauthorized:
                self.post_message(SessionExpired())
                return
            self._wake_live.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake_live.wait(), self.config.reconnect_seconds)

    @work(exclusive=True, group="outbox")
    async def outbox_loop(self) -> None:
        """Sends queued writes in order whenever woken (a new entry, or back online)."""
        assert self._wake_outbox is not None
        while True:
            await self._wake_outbox.wait()
            self._wake_outbox.clear()
            if not self.cache.outbox("pending"):
                continue
            try:
                result = await self.sync.flush()
            except Offline as exc:
                self.post_message(ConnectionChanged(False, str(exc)))
                self.wake_live()
                continue
            except Unauthorized:
                self.post_message(SessionExpired())
                return
            self.post_message(OutboxFlushed(result))

    def wake_outbox(self) -> None:
        if self._wake_outbox is not None:
            self._wake_outbox.set()
        self._refresh_outbox_state()

    def wake_live(self) -> None:
        if self._wake_live is not None:
            self._wake_live.set()

    # -- message handlers -------------------------------------------------------------------
    def on_me_loaded(self, message: MeLoaded) -> None:
        import json

        self._set_me(message.me)
        self.cache.set_meta("me", json.dumps(message.me))

    def on_connection_changed(self, message: ConnectionChanged) -> None:
        was = self.online
        self.online = message.online
        if was and not message.online:
            self.notify("offline — changes are kept in the outbox", severity="warning")

    def on_synced(self, message: Synced) -> None:
        self.apply_to_store(message.applied)

    def apply_to_store(self, applied: Applied) -> None:
        self.last_sync = self.cache.last_sync
        ids = set(applied.tickets)
        alerts = []
        if ids:
            fresh = self.cache.tickets_by_ids(ids)
            me = self.username
            my_queues = set((self.me or {}).get("queues") or [])
            for tid, t in fresh.items():
                old = self.tickets.get(tid)
                if me and t.get("assignee") == me and (old is None or old.get("assignee") != me):
                    if old is not None or tid in applied.created:
                        alerts.append(f"{t.get('display_number')} assigned to you")
                elif tid in applied.created and t.get("queue") in my_queues:
                    alerts.append(f"new {t.get('display_number')} in {t.get('queue')}")
                self.tickets[tid] = t
                self.work_keys[tid] = work_key(t)
        for screen in self.screen_stack:
            handler = getattr(screen, "store_changed", None)
            if handler is not None:
                handler(applied)
        if alerts and self.online:
            if self.config.bell:
                self.bell()
            self.notify("; ".join(alerts[:3]) + (" …" if len(alerts) > 3 else ""), title="New")

    def on_outbox_flushed(self, message: OutboxFlushed) -> None:
        result = message.result
        for e in result.failed:
            # kept in the outbox (state "failed") until the agent retries or discards it
            self.notify(
                f"#{e.ticket_id}: {e.summary} — refused: {e.error}  (o: outbox)",
                severity="error",
                timeout=8,
            )
        self.apply_to_store(result.applied)
        self._refresh_outbox_state()
        if result.sent and not self.cache.outbox("pending"):
            self.notify(f"sent {len(result.sent)} change(s)", timeout=2)
        for e in result.conflicts:
            self.show_conflict(e)

    def on_session_expired(self) -> None:
        from .screens.login import LoginScreen

        forget_token(self.config.server)
        self.client.token = None
        self.online = False
        self.push_screen(
            LoginScreen(self.config.server, self.username, "your session expired: sign in again")
        )

    def _refresh_outbox_state(self) -> None:
        entries = self.cache.outbox()
        self.outbox_count = len(entries)
        self.conflicts = sum(1 for e in entries if e.state == "conflict")
        self.failed = sum(1 for e in entries if e.state == "failed")
        pending = {e.ticket_id for e in entries}
        for screen in self.screen_stack:
            handler = getattr(screen, "outbox_changed", None)
            if handler is not None:
                handler(pending)

    # -- screens ----------------------------------------------------------------------------
    def open_ticket(self, ticket_id: int) -> None:
        """Shows a ticket. There is one ticket screen for the session, installed so that
        leaving it keeps it: opening a ticket reloads its content in place instead of
        composing, mounting and styling a new screen (that took ~150-400 ms)."""
        screen = self._ticket_screen
        if screen is None:
            screen = self._build_ticket_screen(ticket_id)
        else:
            screen.show(ticket_id)
        if self.screen is screen:
            return
        if screen in self.screen_stack:
            while self.screen is not screen:
                self.pop_screen()
            return
        self.push_screen(screen)

    def _build_ticket_screen(self, ticket_id: int, prebuild: bool = False) -> Any:
        from .screens.ticket import TicketScreen

        screen = self._ticket_screen = TicketScreen(ticket_id, prebuild=prebuild)
        self.install_screen(screen, "ticket")
        return screen

    def prebuild_ticket_screen(self) -> None:
        """Composes, mounts and styles the ticket screen off the stack once the queue is on
        screen, so the first `enter` of the session only fills it in (as every later one
        does) instead of building it (~40-60 ms). `_get_screen` is what `push_screen` runs
        first (Textual 8.2); it registers the screen without showing it. A ticket with a
        cached thread is drawn on it, so the message views get their styles now too."""
        if self._ticket_screen is not None:
            return
        ticket_id = self.cache.a_cached_thread() or next(iter(self.tickets), None)
        if ticket_id is None:
            return
        screen = self._build_ticket_screen(ticket_id, prebuild=True)
        _, mounted = self._get_screen(screen)

        async def lay_out() -> None:
            # the first layout at the terminal's size and the first render of every widget
            # (what the first push would do), while nobody waits for it
            await mounted
            if self.screen is not screen and screen.is_attached:
                screen._refresh_layout(self.size)
                screen._compositor.render_update(full=True)

        self.call_later(lay_out)

    # -- writes (every one goes through the outbox) ----------------------------------------
    def ticket(self, ticket_id: int) -> dict[str, Any] | None:
        return self.tickets.get(ticket_id) or self.cache.ticket(ticket_id)

    def change_tickets(self, ids: Iterable[int], changes: dict[str, Any]) -> int:
        n = 0
        for tid in ids:
            t = self.ticket(tid)
            if t is None:
                continue
            self.sync.enqueue_patch(t, changes)
            n += 1
        self.wake_outbox()
        return n

    def send_message(
        self, ticket_id: int, kind: str, body: str, quote_id: int | None = None
    ) -> OutboxEntry | None:
        t = self.ticket(ticket_id)
        if t is None:
            return None
        entry = self.sync.enqueue_message(t, kind, body, quote_id)
        self.wake_outbox()
        return entry

    def attach_file(self, ticket_id: int, path: str) -> OutboxEntry | None:
        """Queues a file upload; raises `sync.AttachmentError` for a file that cannot go."""
        t = self.ticket(ticket_id)
        if t is None:
            return None
        entry = self.sync.enqueue_attachment(t, path)
        self.wake_outbox()
        return entry

    def retract(self, ticket_id: int, message_id: int) -> None:
        t = self.ticket(ticket_id)
        if t is not None:
            self.sync.enqueue_retract(t, message_id, "retracted by the agent")
            self.wake_outbox()

    def show_conflict(self, entry: OutboxEntry) -> None:
        from .screens.modals import ConflictScreen

        if entry.key in self._shown_conflicts:
            return
        self._shown_conflicts.add(entry.key)

        def chosen(choice: str | None) -> None:
            self._shown_conflicts.discard(entry.key)
            if choice:
                self.sync.resolve(entry.key, choice)
                self.wake_outbox()

        self.push_screen(ConflictScreen(entry), chosen)

    def action_outbox(self) -> None:
        """The outbox screen: every queued, refused and conflicting write."""
        from .screens.outbox import OutboxScreen

        if isinstance(self.screen, OutboxScreen):
            return
        self.push_screen(OutboxScreen())

    def retry_outbox(self, key: str) -> None:
        entry = self.cache.outbox_get(key)
        if entry is None:
            return
        if entry.state == "conflict":
            self.show_conflict(entry)
            return
        self.cache.outbox_retry(key)
        self.wake_outbox()

    def discard_outbox(self, key: str) -> None:
        self.sync.discard(key)
        self._shown_conflicts.discard(key)
        self._refresh_outbox_state()

    def may_read_audit(self) -> bool:
        return (self.me or {}).get("role") in AUDIT_ROLES

    def action_audit(self) -> None:
        """The audit trail (shift leads, compliance, admins)."""
        from .screens.audit import AuditScreen

        if not self.may_read_audit():
            role = (self.me or {}).get("role") or "unknown"
            self.notify(
                f"the audit trail is for shift leads, compliance and admins; you are {role}",
                severity="error",
            )
            return
        if not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen())

    # -- app-wide actions -------------------------------------------------------------------
    def action_quit_console(self) -> None:
        from .screens.modals import ConfirmScreen

        n = self.cache.outbox_count()
        if not n:
            self.exit()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(
            ConfirmScreen(
                f"{n} change(s) are still waiting in the outbox. Quit anyway?\n"
                "They stay queued and are sent the next time the console connects."
            ),
            answer,
        )

    def action_command_line(self) -> None:
        from .screens.modals import CommandLine

        screen = self.screen

        def run(text: str | None) -> None:
            if text and text.strip():
                handler = getattr(screen, "run_command", None)
                if handler is not None:
                    handler(text)

        self.push_screen(CommandLine(), run)

    def binding_rows(self, screen: Screen[Any]) -> list[tuple[str, str, str]]:
        """(keys, description, id) for the bindings of this screen, its widgets and the app."""
        rows = []
        seen = set()
        nodes: list[Any] = [screen, *screen.query("*"), self]
        for node in nodes:
            for b in getattr(type(node), "BINDINGS", []):
                if not isinstance(b, Binding) or not b.id or b.id in seen:
                    continue
                seen.add(b.id)
                keys = self._keymap.get(b.id, b.key) if hasattr(self, "_keymap") else b.key
                rows.append((self._show_keys(keys), b.description or b.action, b.id))
        rows.append(("ctrl+p", "command palette", "(textual)"))
        return rows

    @staticmethod
    def _show_keys(keys: str) -> str:
        names = {"question_mark": "?", "colon": ":", "slash": "/", "space": "space"}
        return ", ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))

    def action_help(self) -> None:
        from .screens.modals import HelpScreen

        screen = self.screen
        self.push_screen(
            HelpScreen(self.binding_rows(screen), f"Keys — {screen.__class__.__name__}")
        )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette lists every action of the screen (with its key) and the app's."""
        yield from super().get_system_commands(screen)
        nodes: list[Any] = [screen, *screen.query("*")]
        seen = set()
        for node in nodes:
            for b in getattr(type(node), "BINDINGS", []):
                if not isinstance(b, Binding) or not b.id or b.id in seen:
                    continue
                seen.add(b.id)
                keys = self._show_keys(self._keymap.get(b.id, b.key))

                def run(node: Any = node, action: str = b.action) -> None:
                    self.call_later(node.run_action, action)

                yield SystemCommand(f"{b.description or b.action}", f"{keys}  ·  {b.id}", run)
        yield SystemCommand(
            "Outbox: queued, refused and conflicting writes", "o  ·  :outbox", self.action_outbox
        )
        if self.may_read_audit():
            yield SystemCommand("Audit trail", ":audit", self.action_audit)
        yield SystemCommand("Sync now", "reconnect and catch up", self.wake_live)

    async def on_unmount(self) -> None:
        if self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)
            self._gc_threshold = None
        await self.client.aclose()


def all_binding_ids() -> set[str]:
    """Every binding id a keymap may name."""
    from .screens import modals
    from .screens.audit import AuditScreen
    from .screens.kb import KbPicker
    from .screens.login import LoginScreen
    from .screens.outbox import OutboxScreen
    from .screens.queue import QueueScreen
    from .screens.ticket import TicketScreen
    from .widgets.queue_list import QueueList
    from .widgets.ticket_table import TicketTable

    classes: list[Any] = [
        AgentConsole,
        LoginScreen,
        QueueScreen,
        TicketScreen,
        TicketTable,
        QueueList,
        OutboxScreen,
        AuditScreen,
        KbPicker,
    ]
    classes += [
        getattr(modals, n)
        for n in dir(modals)
        if isinstance(getattr(modals, n), type) and issubclass(getattr(modals, n), Screen)
    ]
    ids = set()
    for cls in classes:
        for b in getattr(cls, "BINDINGS", []):
            if isinstance(b, Binding) and b.id:
                ids.add(b.id)
    return ids


def check_keymap(keymap: dict[str, str]) -> None:
    known = all_binding_ids()
    unknown = sorted(set(keymap) - known)
    if unknown:
        raise ConfigError(
            f"[console.keymap]: unknown binding id(s) {', '.join(unknown)}; "
            "press ? in the console to see every id"
        )
    for binding_id, keys in keymap.items():
        if not keys.strip() or any(not k.strip() for k in keys.split(",")):
            raise ConfigError(f'[console.keymap].{binding_id}: give keys like "ctrl+w" or "x,y"')


def make_app(
    config: ConsoleConfig, client: ApiClient | None = None, cache: Cache | None = None
) -> AgentConsole:
    """Builds the console (tests pass a client pointed at a test server and a temp cache)."""
    check_keymap(config.keymap)
    client = client or ApiClient(config.server)
    cache = cache or Cache(config.cache_path)
    return AgentConsole(config, client, cache)
