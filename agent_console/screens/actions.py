"""Ticket actions shared by the queue screen (the cursor row, or every marked row) and the
ticket screen (the ticket shown): assign, status, escalate, tags, transaction references and
the command line. A screen says which tickets an action is for (`_targets`) and how a change
is queued and announced (`_apply`); everything else is here, once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..commands import Command, CommandError, apply_list, apply_tags, parse
from ..followup import follow_up_tags
from ..widgets.ticket_table import STATUS_LABEL

STATUS_CHOICES = [
    ("accepted", "accepted"),
    ("in_progress", "in progress"),
    ("needs_clarification", "pending (waiting on the player)"),
    ("resolved", "resolved"),
    ("closed", "closed"),
    ("reopened", "reopened"),
]


class TicketActions:
    """Mixed into a `Screen`; the screen provides `_targets` and `_apply`."""

    app: Any
    notify: Any  # the screen's

    def _targets(self) -> list[int]:
        """The tickets an action applies to."""
        raise NotImplementedError

    def _apply(self, changes: dict[str, Any], label: str) -> None:
        """Queues `changes` for every target and says so."""
        raise NotImplementedError

    def _apply_each(self, change: Any, label: str) -> None:
        """Queues a per-ticket change (`change(ticket) -> dict`), e.g. tags added to what
        each ticket already has."""
        raise NotImplementedError

    def _target_tickets(self) -> list[dict[str, Any]]:
        app = self.app
        return [t for t in (app.ticket(tid) for tid in self._targets()) if t]

    # -- actions ----------------------------------------------------------------------------
    def action_assign_me(self) -> None:
        self._apply({"assignee": self.app.username}, "assigned to you")

    def action_assign_to(self) -> None:
        from .modals import PromptScreen

        def done(name: str | None) -> None:
            if name and name.strip():
                self._apply({"assignee": name.strip()}, f"assigned to {name.strip()}")

        self.app.push_screen(PromptScreen("Assign to (username)"), done)

    def action_status(self, status: str) -> None:
        self._apply({"status": status}, f"→ {STATUS_LABEL.get(status, status)}")

    def action_status_menu(self) -> None:
        from .modals import ChoiceScreen

        tickets = self._target_tickets()
        if not tickets:
            return
        # only the changes legal for every target (the server refuses the others with 409)
        allowed = set(tickets[0].get("allowed_transitions") or [])
        for t in tickets[1:]:
            allowed &= set(t.get("allowed_transitions") or [])
        choices = [c for c in STATUS_CHOICES if c[0] in allowed] or STATUS_CHOICES

        def done(value: str | None) -> None:
            if value:
                self.action_status(value)

        self.app.push_screen(ChoiceScreen("Set status", choices), done)

    def action_escalate(self) -> None:
        queue = self.app.config.escalate_queue
        self._apply({"queue": queue}, f"escalated to {queue}")

    def action_tags(self) -> None:
        from .modals import PromptScreen

        tickets = self._target_tickets()
        if not tickets:
            return
        current = ",".join(tickets[0].get("tags") or [])

        def done(value: str | None) -> None:
            if value is None:
                return
            if not value.strip():
                self._apply({"tags": []}, "tags cleared")
            else:
                self.run_command("tag " + value)

        self.app.push_screen(
            PromptScreen("Tags (comma-separated; +a,-b adds and removes)", current), done
        )

    def action_transaction_refs(self) -> None:
        from .modals import PromptScreen

        tickets = self._target_tickets()
        if not tickets:
            return
        current = ",".join(tickets[0].get("transaction_refs") or [])

        def done(value: str | None) -> None:
            if value is None:
                return
            if not value.strip():
                self._apply({"transaction_refs": []}, "transaction references cleared")
            else:
                self.run_command("tx " + value)

        self.app.push_screen(
            PromptScreen(
                "Transaction references (comma-separated; +ref adds, -ref removes)",
                current,
                placeholder="e.g. WD-88231, DEP-1207",
            ),
            done,
        )

    def pending_for(self, duration: str, seconds: int) -> None:
        """Pending (waiting on the player) with a follow-up time, kept as a tag."""
        due = datetime.now(UTC).timestamp() + seconds

        def change(t: dict[str, Any]) -> dict[str, Any]:
            return {
                "status": "needs_clarification",
                "tags": follow_up_tags(t.get("tags") or [], due),
            }

        self._apply_each(change, f"pending, follow up in {duration}")

    # -- the command line -------------------------------------------------------------------
    def run_command(self, text: str) -> None:
        app = self.app
        try:
            cmd = parse(text, app.username)
        except CommandError as exc:
            self.notify(str(exc), severity="error")
            return
        if self.run_screen_command(cmd):
            return
        if cmd.name == "sync":
            app.wake_live()
            app.wake_outbox()
            self.notify("refreshing …", timeout=1)
        elif cmd.name == "outbox":
            app.action_outbox()
        elif cmd.name == "audit":
            app.action_audit()
        elif cmd.name == "help":
            app.action_help()
        elif cmd.name == "quit":
            app.action_quit_console()
        elif cmd.name == "escalate":
            self.action_escalate()
        elif cmd.name in ("reply", "note"):
            for tid in self._targets():
                app.send_message(tid, cmd.name, cmd.arg)
        elif cmd.name == "pending" and cmd.follow_up_seconds:
            self.pending_for(cmd.arg, cmd.follow_up_seconds)
        elif cmd.tags_add or cmd.tags_remove:
            self._apply_list("tags", cmd, apply_tags)
        elif cmd.refs_add or cmd.refs_remove:
            self._apply_list("transaction_refs", cmd, apply_list)
        elif cmd.changes:
            self._apply(cmd.changes, text.strip().lstrip(":"))

    def _apply_list(self, name: str, cmd: Command, merge: Any) -> None:
        label = "tags" if name == "tags" else "transaction references"

        def change(t: dict[str, Any]) -> dict[str, Any]:
            return {name: merge(t.get(name) or [], cmd)}

        self._apply_each(change, f"{label} changed")

    def run_screen_command(self, cmd: Command) -> bool:
        """Commands only this screen knows (e.g. :open, :attach); True when handled."""
        return False
