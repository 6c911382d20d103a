"""One line under every screen: connection, last sync, the signed-in agent, the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual.widgets import Static


def clock(ts: float | None) -> str:
    return datetime.fromtimestamp(ts).strftime("%H:%M:%S") if ts else "never"


class StatusBar(Static):
    """Watches the app's `online`, `last_sync`, `outbox_count`, `conflicts` and `failed`."""

    def on_mount(self) -> None:
        app: Any = self.app
        for name in ("online", "last_sync", "outbox_count", "agent_name", "conflicts", "failed"):
            self.watch(app, name, self._changed, init=False)
        self._changed()

    def _changed(self, *_: Any) -> None:
        app: Any = self.app
        if app.online:
            state = f"● online — synced {clock(app.last_sync)}"
        else:
            state = f"offline — last sync {clock(app.last_sync)}"
        parts = [state, app.agent_name or ""]
        if app.outbox_count:
            parts.append(f"outbox {app.outbox_count}")
        if app.conflicts:
            parts.append(f"{app.conflicts} conflict(s): o")
        if app.failed:
            parts.append(f"{app.failed} refused: o")
        text = " · ".join(p for p in parts if p)
        if text != getattr(self, "_shown", None):
            self._shown = text
            self.update(text, layout=False)  # one line, always: no layout pass needed
        self.set_class(not app.online, "-offline")
        self.set_class(bool(app.conflicts or app.failed), "-conflict")
