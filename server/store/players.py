"""Players: looked up and upserted by their external id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from .tables import players

_BY_EXTERNAL_ID = select(players).where(players.c.external_id == bindparam("external_id"))


def get_by_external_id(conn: Connection, external_id: str) -> dict[str, Any] | None:
    row = conn.execute(_BY_EXTERNAL_ID, {"external_id": external_id}).mappings().first()
    return dict(row) if row else None


def get_by_id(conn: Connection, player_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(players).where(players.c.id == player_id)).mappings().first()
    return dict(row) if row else None


_INSERT = insert(players).returning(players.c.id)  # built once: a hot path of intake


def create(conn: Connection, values: dict[str, Any]) -> int:
    return conn.execute(_INSERT, values).scalar_one()


def update_fields(conn: Connection, player_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(players).where(players.c.id == player_id).values(**values))
