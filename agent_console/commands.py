"""The `:` command line: parsing only (the screens carry the commands out).

:assign me | :assign NAME | :unassign      :prio P1        :queue NAME
:tag a,b (set) | :tag +a,-b (add/remove)   :pending [2h]   :resolve | :status NAME
:escalate   :reply TEXT   :note TEXT       :open NUMBER    :retract   :sync   :outbox
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
    "help",
    "quit",
)


class CommandError(ValueError):
    pass


@dataclass
class Command:
    name: str
    arg: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    tags_add: list[str] = field(default_factory=list)
    tags_remove: list[str] = field(default_factory=list)


def _tags(raw: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,\s]+", raw) if t.strip()]


def parse(text: str, me: str) -> Command:
    text = text.strip().lstrip(":").strip()
    if not text:
        raise CommandError("type a command, e.g. :assign me")
    name, _, arg = text.partition(" ")
    name, arg = name.lower(), arg.strip()
    matches = [c for c in COMMANDS if c.startswith(name)]
    if name in COMMANDS:
        matches = [name]
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
        if all(t[0] in "+-" for t in items):
            cmd.tags_add = [t[1:] for t in items if t[0] == "+"]
            cmd.tags_remove = [t[1:] for t in items if t[0] == "-"]
        else:
            cmd.changes = {"tags": [t.lstrip("+") for t in items]}
    elif name == "pending":
        if arg and not re.fullmatch(r"\d+\s*[mhd]", arg):
            raise CommandError(":pending takes an optional time like 30m, 2h or 1d")
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
