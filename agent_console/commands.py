"""The `:` command line: parsing only (the screens carry the commands out).

:assign me | :assign NAME | :unassign      :prio P1        :queue NAME
:tag a,b (set) | :tag +a,-b (add/remove)   :pending [2h]   :resolve | :status NAME
:tx REF,REF (set) | :tx +REF,-REF           :attach PATH    :escalate
:reply TEXT   :note TEXT   :open NUMBER    :retract   :sync   :outbox   :audit
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

STATUSES = (
    "new",
    "accepted",
    "in_progress",
    "needs_clarification",
    "resolved",
    "closed",
    "reopened",
)
STATUS_ALIASES = {
    "pending": "needs_clarification",
    "progress": "in_progress",
    "open": "in_progress",
}
COMMANDS = (
    "assign",
    "unassign",
    "prio",
    "queue",
    "tag",
    "tx",
    "attach",
    "pending",
    "resolve",
    "status",
    "escalate",
    "reply",
    "note",
    "open",
    "retract",
    "sync",
    "outbox",
    "audit",
    "help",
    "quit",
)

# one-letter forms that were unambiguous before :tx, :attach and :audit came
SHORT = {"a": "assign", "t": "tag"}


class CommandError(ValueError):
    pass


@dataclass
class Command:
    name: str
    arg: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    tags_add: list[str] = field(default_factory=list)
    tags_remove: list[str] = field(default_factory=list)
    refs_add: list[str] = field(default_factory=list)
    refs_remove: list[str] = field(default_factory=list)
    follow_up_seconds: int = 0
    """`:pending 2h`: when to follow up, in seconds from now (0: no follow-up)."""


def _tags(raw: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,\s]+", raw) if t.strip()]


_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}
MAX_FOLLOW_UP_DAYS = 90


def duration_seconds(text: str) -> int:
    """'30m', '2h', '1d', also '1h30m' → seconds; raises `CommandError` on anything else."""
    raw = text.replace(" ", "").lower()
    parts = re.findall(r"(\d+)([mhd])", raw)
    if not raw or not parts or "".join(n + u for n, u in parts) != raw:
        raise CommandError(":pending takes an optional time like 30m, 2h, 1h30m or 1d")
    seconds = sum(int(n) * _UNIT_SECONDS[u] for n, u in parts)
    if not 0 < seconds <= MAX_FOLLOW_UP_DAYS * 86400:
        raise CommandError(f":pending takes a time above 0 and up to {MAX_FOLLOW_UP_DAYS}d")
    return seconds


def _split_changes(items: list[str]) -> tuple[list[str], list[str]] | None:
    """+a,-b → (add, remove); None when the items are a plain list to set."""
    if all(t[0] in "+-" for t in items):
        return [t[1:] for t in items if t[0] == "+" and t[1:]], [
            t[1:] for t in items if t[0] == "-" and t[1:]
        ]
    return None


def parse(text: str, me: str) -> Command:
    text = text.strip().lstrip(":").strip()
    if not text:
        raise CommandError("type a command, e.g. :assign me")
    name, _, arg = text.partition(" ")
    name, arg = name.lower(), arg.strip()
    matches = [c for c in COMMANDS if c.startswith(name)]
    if name in COMMANDS or name in SHORT:
        matches = [SHORT.get(name, name)]
    if len(matches) != 1:
        hint = ", ".join(matches) if matches else ", ".join(COMMANDS)
        raise CommandError(f"unknown command :{name} (try: {hint})")
    name = matches[0]
    cmd = Command(name, arg)
    if name == "assign":
        if not arg:
            raise CommandError(":assign needs a name, or 'me'")
        cmd.changes = {"assignee": me if arg == "me" else arg}
    elif name == "unassign":
        cmd.changes = {"assignee": None}
    elif name == "prio":
        value = arg.upper()
        if value in ("1", "2", "3", "4"):
            value = "P" + value
        if value not in ("P1", "P2", "P3", "P4"):
            raise CommandError(":prio takes P1, P2, P3 or P4")
        cmd.changes = {"priority": value}
    elif name == "queue":
        if not arg:
            raise CommandError(":queue needs a queue name")
        cmd.changes = {"queue": arg}
    elif name == "tag":
        items = _tags(arg)
        if not items:
            raise CommandError(":tag needs tags, e.g. :tag vip,kyc or :tag +kyc,-bonus")
        split = _split_changes(items)
        if split is not None:
            cmd.tags_add, cmd.tags_remove = split
            if not cmd.tags_add and not cmd.tags_remove:
                raise CommandError(":tag needs tags after + or -")
        else:
            cmd.changes = {"tags": [t.lstrip("+") for t in items]}
    elif name == "tx":
        items = [t.strip() for t in re.split(r"[,\s]+", arg) if t.strip()]
        if not items:
            raise CommandError(":tx needs transaction references, e.g. :tx WD-1,WD-2 or :tx +WD-3")
        split = _split_changes(items)
        if split is not None:
            cmd.refs_add, cmd.refs_remove = split
            if not cmd.refs_add and not cmd.refs_remove:
                raise CommandError(":tx needs references after + or -")
        else:
            cmd.changes = {"transaction_refs": items}
    elif name == "attach":
        if not arg:
            raise CommandError(":attach needs a file path, e.g. :attach ~/receipt.pdf")
    elif name == "pending":
        if arg:
            cmd.follow_up_seconds = duration_seconds(arg)
        cmd.changes = {"status": "needs_clarification"}
    elif name == "resolve":
        cmd.changes = {"status": "resolved"}
    elif name == "status":
        value = STATUS_ALIASES.get(arg.lower(), arg.lower())
        if value not in STATUSES:
            raise CommandError(f":status takes one of {', '.join(STATUSES)}")
        cmd.changes = {"status": value}
    elif name in ("reply", "note"):
        if not arg:
            raise CommandError(f":{name} needs the text to send")
    elif name == "open":
        if not arg.lstrip("#").isdigit():
            raise CommandError(":open takes a ticket number, e.g. :open 10517")
        cmd.arg = arg.lstrip("#")
    return cmd


def apply_tags(current: list[str], cmd: Command) -> list[str]:
    out = [t for t in current if t not in cmd.tags_remove]
    out += [t for t in cmd.tags_add if t not in out]
    return out


def apply_list(current: list[str], cmd: Command) -> list[str]:
    """Transaction references after `:tx +a,-b`."""
    out = [t for t in current if t not in cmd.refs_remove]
    out += [t for t in cmd.refs_add if t not in out]
    return out
