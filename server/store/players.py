"""Players: looked up and upserted by their external id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from . import fast
from .tables import players

_BY_EXTERNAL_ID = select(players).where(players.c.external_id == bindparam("external_id"))


def get_by_external_id(conn: Connection, external_id: str) -> dict[str, Any] | None:
    return fast.first(conn, _BY_EXTERNAL_ID, {"external_id": external_id})


def get_by_id(conn: Connection, player_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(players).where(players.c.id == player_id)).mappings().first()
    return dict(row) if row else None


def create(conn: Connection, values: dict[str, Any]) -> int:
    return fast.insert_one(conn, players, values)  # a hot path of creates and intake


def update_fields(conn: Connection, player_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(players).where(players.c.id == player_id).values(**values))
