"""The audit trail's hash chain: pure functions over rows (dicts), given the server's key.

Each row's `hash` is HMAC-SHA256(key, prev_hash + canonical row). The head (newest id and
hash) has its own HMAC, so removing the newest rows is detected as well.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

GENESIS = "0" * 64
FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_username",
    "actor_role",
    "ip",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
)


def row_hash(key: bytes, prev_hash: str, row: dict[str, Any]) -> str:
    canonical = orjson.dumps([row[f] for f in FIELDS])
    return hmac.new(key, prev_hash.encode() + b"\n" + canonical, hashlib.sha256).hexdigest()


def head_mac(key: bytes, last_id: int, last_hash: str) -> str:
    return hmac.new(key, f"head:{last_id}:{last_hash}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Problem:
    row_id: int | None
    what: str

    def __str__(self) -> str:
        return f"row {self.row_id}: {self.what}" if self.row_id is not None else self.what


def verify(
    key: bytes, rows: Iterable[dict[str, Any]], head: dict[str, Any] | None
) -> tuple[int, list[Problem]]:
    """Walk the rows in id order. Returns (rows checked, problems found)."""
    problems: list[Problem] = []
    expected_prev = GENESIS
    last_id = 0
    count = 0
    for row in rows:
        count += 1
        if row["id"] != last_id + 1:
            problems.append(
                Problem(row["id"], f"rows {last_id + 1}–{row['id'] - 1} are missing (deleted)")
            )
        elif row["prev_hash"] != expected_prev:
            problems.append(
                Problem(row["id"], "does not follow the row before it (a row was replaced)")
            )
        if row_hash(key, row["prev_hash"], row) != row["hash"]:
            problems.append(Problem(row["id"], "was edited or forged: its content fails its HMAC"))
        expected_prev = row["hash"]
        last_id = row["id"]
    if head is None:
        if count:
            problems.append(Problem(None, "the audit head is missing"))
    elif head_mac(key, head["last_id"], head["last_hash"]) != head["mac"]:
        problems.append(Problem(None, "the audit head was edited (its HMAC fails)"))
    elif head["last_id"] != last_id or head["last_hash"] != expected_prev:
        problems.append(
            Problem(
                None,
                f"the newest rows were deleted: the head says row {head['last_id']} is the "
                f"newest, the table ends at row {last_id}",
            )
        )
    return count, problems
