"""Fast inserts store exactly what `Connection.execute(insert(...))` stores, and fail alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Table, exc, insert, select, text

from server.store import fast
from server.store.database import Database
from server.store.tables import changes, players, ticket_events, tickets

from .conftest import add_user

AT = datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=UTC)


def _player(n: int) -> dict[str, Any]:
    # languages/preferred_channels/quiet_mode/profile left out: their Python defaults apply
    return {"external_id": f"p-{n}", "name": "Ана Ñandú 🂡", "tier": "vip", "created_at": AT,
            "updated_at": AT}  # fmt: skip


def _ticket(player_id: int, n: int) -> dict[str, Any]:
    return {
        "subject": f"Выплата #{n}",
        "status": "new",
        "is_open": True,
        "priority": "P2",
        "priority_rank": 2,
        "tier_rank": 1,
        "topic_rank": 0,
        "queue": "l1",
        "channel": "web_chat",
        "language": "ru",
        "player_id": player_id,
        "assignee_id": None,
        "tags": ["payments", "kz"],
        "transaction_refs": [],
        "escalation_level": 0,
        "version": 1,
        "waiting_on": "agent",
        "waiting_since": AT,
        "created_at": AT,
        "updated_at": AT + timedelta(microseconds=1),
        "last_message_at": AT,
        "message_count": 1,
        "factors": {"stop_list": True},
    }


def _stored(db: Database, table: Table, row_id: int) -> dict[str, Any]:
    """The row as the database holds it (raw SQL, no SQLAlchemy types on the way out)."""

    def read(ctx: Any) -> dict[str, Any]:
        pk = next(iter(table.primary_key.columns)).name
        row = ctx.conn.execute(
            text(f"SELECT * FROM {table.name} WHERE {pk} = :id"), {"id": row_id}
        ).mappings()
        return dict(row.one())

    return db.write_sync(read)


def test_fast_rows_equal_core_rows(db_url: str) -> None:
    db = Database(db_url)
    db.start()
    try:
        pa = db.write_sync(lambda c: fast.insert_one(c.conn, players, _player(1)))
        pb = db.write_sync(
            lambda c: c.conn.execute(
                insert(players).returning(players.c.id), _player(2)
            ).scalar_one()
        )
        a, b = _stored(db, players, pa), _stored(db, players, pb)
        assert {**a, "id": 0, "external_id": ""} == {**b, "id": 0, "external_id": ""}
        assert a["languages"] is not None  # the Python-side default was applied

        ta = db.write_sync(lambda c: fast.insert_one(c.conn, tickets, _ticket(pa, 1)))
        tb = db.write_sync(
            lambda c: c.conn.execute(
                insert(tickets).returning(tickets.c.id), _ticket(pa, 1)
            ).scalar_one()
        )
        assert ta != tb
        assert {**_stored(db, tickets, ta), "id": 0} == {**_stored(db, tickets, tb), "id": 0}
        # Read back through SQLAlchemy's types: the same values that went in.
        got = db.read_sync(
            lambda conn: conn.execute(select(tickets).where(tickets.c.id == ta)).mappings().one()
        )
        assert got["tags"] == ["payments", "kz"] and got["is_open"] is True
        assert got["updated_at"].replace(tzinfo=UTC) == AT + timedelta(microseconds=1)

        events = [
            {"ticket_id": ta, "at": AT, "kind": "created", "status": "new", "reason": None,
             "level": None, "message_id": None},
            {"ticket_id": ta, "at": AT, "kind": "status", "status": "open", "reason": "ok",
             "level": 1, "message_id": None},
        ]  # fmt: skip
        db.write_sync(lambda c: fast.insert_many(c.conn, ticket_events, events))
        rows = db.read_sync(
            lambda conn: conn.execute(
                select(ticket_events.c.kind, ticket_events.c.level)
                .where(ticket_events.c.ticket_id == ta)
                .order_by(ticket_events.c.id)
            ).all()
        )
        assert [tuple(r) for r in rows] == [("created", None), ("status", 1)]
    finally:
        db.close()


def test_a_failing_fast_insert_raises_sqlalchemys_error_and_rolls_back_its_batch(
    db_url: str,
) -> None:
    db = Database(db_url)
    db.start()
    try:
        db.write_sync(lambda c: fast.insert_one(c.conn, players, _player(1)))

        def twice(c: Any) -> None:
            fast.insert_one(c.conn, players, _player(2))
            fast.insert_one(c.conn, players, _player(1))  # external_id is unique

        with pytest.raises(exc.IntegrityError):
            db.write_sync(twice)
        n = db.read_sync(lambda conn: conn.execute(text("SELECT COUNT(*) FROM players")).scalar())
        assert n == 1  # p-2 went with the failed transaction

        row = {"seq": 1, "entity": "x", "entity_id": "1", "op": "create", "data": "{}",
               "queue": None, "host": None, "created_at": AT}  # fmt: skip
        db.write_sync(lambda c: fast.insert_many(c.conn, changes, [row]))
        with pytest.raises(exc.IntegrityError):
            db.write_sync(lambda c: fast.insert_many(c.conn, changes, [row]))
    finally:
        db.close()


def test_fast_first_reads_what_core_reads(db_url: str) -> None:
    from server.store import idempotency
    from server.store import players as player_store

    db = Database(db_url)
    db.start()
    try:
        player = {**_player(1), "languages": ["ru", "kk"], "quiet_mode": True}
        db.write_sync(lambda c: fast.insert_one(c.conn, players, player))

        def both(c: Any) -> tuple[Any, Any]:
            core = (
                c.conn.execute(player_store._BY_EXTERNAL_ID, {"external_id": "p-1"})
                .mappings()
                .first()
            )
            return dict(core), player_store.get_by_external_id(c.conn, "p-1")

        core, quick = db.write_sync(both)
        assert quick == core
        assert quick["languages"] == ["ru", "kk"] and quick["quiet_mode"] is True
        assert db.write_sync(lambda c: player_store.get_by_external_id(c.conn, "none")) is None
        add_user(db_url, "maria")
        uid = db.read_sync(
            lambda conn: conn.execute(
                text("SELECT id FROM users WHERE username = 'maria'")
            ).scalar_one()
        )
        db.write_sync(
            lambda c: idempotency.store(
                c.conn, user_id=uid, key="k", method="POST", path="/x", request_hash="h",
                status_code=201, body=b'{"a": 1}', now=AT,
            )
        )  # fmt: skip
        found = db.write_sync(lambda c: idempotency.find(c.conn, uid, "k"))
        assert found == {"method": "POST", "path": "/x", "request_hash": "h",
                         "status_code": 201, "response_body": b'{"a": 1}'}  # fmt: skip
        assert db.write_sync(lambda c: idempotency.find(c.conn, uid, "other")) is None
    finally:
        db.close()


def test_fast_first_runs_updates_with_returning_and_literals(db_url: str) -> None:
    """The writer's own statements (the seq counter, the audit head) on the cursor: an UPDATE
    … RETURNING answers its row, an UPDATE without returns None, `id == 1` binds itself."""
    from server.store.database import _AUDIT_HEAD, _BUMP_SEQ

    db = Database(db_url)
    db.start()
    try:
        before = db.read_sync(
            lambda conn: conn.execute(text("SELECT last_seq FROM change_counter")).scalar_one()
        )
        got = db.write_sync(lambda c: fast.first(c.conn, _BUMP_SEQ, {"n": 3}))
        assert got == {"last_seq": before + 3}
        assert db.write_sync(lambda c: fast.first(c.conn, _BUMP_SEQ, {"n": 0})) == got
        assert db.write_sync(lambda c: fast.first(c.conn, _AUDIT_HEAD, {})) is None  # no row yet
        with pytest.raises((KeyError, exc.StatementError)):  # left out: an error, not NULL
            db.write_sync(lambda c: fast.first(c.conn, _BUMP_SEQ, {}))
    finally:
        db.close()


def test_a_null_datetime_stays_null_before_any_datetime_was_written(monkeypatch) -> None:
    """The cached last datetime starts as nothing a value can be: None reaches SQL NULL."""
    from sqlalchemy import DateTime

    monkeypatch.setattr(fast, "_last_datetime", fast._NO_DATETIME)
    text = fast._quicker(DateTime(), lambda v: None if v is None else f"other:{v}")
    assert text(None) is None
    assert text(AT) == "2026-03-29 00:59:59.123456"
    assert text(AT) == "2026-03-29 00:59:59.123456"  # from the cache
    assert text(None) is None


def test_json_columns_still_read_what_the_standard_library_wrote() -> None:
    """orjson reads JSON columns; rows the standard library wrote with NaN still read."""
    import math

    from server.store.engine import json_text, json_value

    assert json_value(json_text({"a": [1, "ы"], 2: None})) == {"a": [1, "ы"], "2": None}
    assert math.isnan(json_value('{"score": NaN}')["score"])  # type: ignore[index]
