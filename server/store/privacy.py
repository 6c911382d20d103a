"""SQL of a player's data export: their tickets, and the audit rows about what they hold."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from .tables import audit_log, tickets

CHUNK = 500  # ids per IN list: SQLite and PostgreSQL both take far more; plans stay simple


def ticket_ids_of_player(conn: Connection, player_id: int) -> list[int]:
    q = select(tickets.c.id).where(tickets.c.player_id == player_id).order_by(tickets.c.id)
    return list(conn.execute(q).scalars())


def audit_rows_about(conn: Connection, wanted: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Audit rows whose entity is one of these (entity → ids), oldest first."""
    rows: dict[int, dict[str, Any]] = {}
    for entity, ids in wanted.items():
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            q = select(audit_log).where(
                audit_log.c.entity == entity, audit_log.c.entity_id.in_(chunk)
            )
            for r in conn.execute(q).mappings():
                rows[r["id"]] = {str(k): v for k, v in r.items()}
    return [rows[k] for k in sorted(rows)]
