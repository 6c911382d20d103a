"""Attachment metadata rows (the blobs live on disk: server/blobs.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from .tables import attachments


def insert_attachment(conn: Connection, values: dict[str, Any]) -> int:
    return conn.execute(
        insert(attachments).values(**values).returning(attachments.c.id)
    ).scalar_one()


def get(conn: Connection, attachment_id: int) -> dict[str, Any] | None:
    row = (
        conn.execute(select(attachments).where(attachments.c.id == attachment_id))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def for_ticket(conn: Connection, ticket_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(attachments).where(attachments.c.ticket_id == ticket_id).order_by(attachments.c.id)
    ).mappings()
    return [dict(r) for r in rows]
