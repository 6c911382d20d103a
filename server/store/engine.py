"""Engines for SQLite (WAL, the embedded default) and PostgreSQL, from one URL."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool


def normalize_url(url: str) -> str:
    """Accept `postgresql://` as users write it; use the psycopg 3 driver for it."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def json_text(value: object) -> str:
    """JSON columns' text: orjson (UTF-8 as is, no spaces) writes it several times faster than
    the standard library, and every create writes five JSON values."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def json_value(text: str | bytes) -> object:
    """A JSON column's value: orjson, or the standard library for what it refuses (NaN and
    Infinity, which the standard library wrote into rows before orjson did)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def make_engine(
    url: str, *, writer: bool = True, synchronous: str = "NORMAL", pool_size: int = 8
) -> Engine:
    """An engine with the settings the server relies on.

    SQLite: WAL so readers never block the writer; `synchronous=NORMAL` keeps every
    committed transaction across a killed process (only a power cut can lose the last
    ones; set FULL for that); a busy timeout so a second process (the CLI) waits instead of
    failing. A writer engine starts transactions with BEGIN IMMEDIATE so a write never
    upgrades a read lock half-way (the cause of SQLITE_BUSY under concurrency); a reader
    engine uses plain BEGIN, so reads never wait for the writer.
    """
    url = normalize_url(url)
    if is_sqlite(url):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            json_serializer=json_text,
            json_deserializer=json_value,
            poolclass=QueuePool,
            pool_size=pool_size,
            max_overflow=pool_size,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

        return engine
    return create_engine(
        url,
        json_serializer=json_text,
        json_deserializer=json_value,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
    )
