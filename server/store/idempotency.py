"""Stored first responses of writes made with an Idempotency-Key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from . import fast
from .tables import idempotency_keys as ik

_FIND = select(
    ik.c.method, ik.c.path, ik.c.request_hash, ik.c.status_code, ik.c.response_body
).where(ik.c.user_id == bindparam("user_id"), ik.c.key == bindparam("key"))


def find(conn: Connection, user_id: int, key: str) -> dict[str, Any] | None:
    return fast.first(conn, _FIND, {"user_id": user_id, "key": key})


def store(
    conn: Connection,
    *,
    user_id: int,
    key: str,
    method: str,
    path: str,
    request_hash: str,
    status_code: int,
    body: bytes,
    now: datetime,
) -> None:
    fast.insert_many(
        conn,
        ik,
        [
            {
                "user_id": user_id,
                "key": key,
                "method": method,
                "path": path,
                "request_hash": request_hash,
                "status_code": status_code,
                "response_body": body,
                "created_at": now,
            }
        ],
    )
