"""Hot-path INSERTs on SQLite, run straight on the DBAPI cursor of the same connection.

A ticket create writes six to eight rows; through `Connection.execute` each INSERT costs about
85 µs of Python (execution context, events, result wrapping), on the cursor about 15 µs.
SQLAlchemy still does the typed work: it renders the statement once per table and key set,
and its own bind processors convert each value (datetimes, JSON, booleans) exactly as
`Connection.execute` would. PostgreSQL goes through `Connection.execute` unchanged.

The statement runs in the connection's current transaction (the writer's batch), so it commits
or rolls back with the rest of the batch. DBAPI errors are re-raised as SQLAlchemy's, like
`Connection.execute` does, so callers see one kind of error either way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, DateTime, Insert, Select, Table, Update, exc, insert
from sqlalchemy.dialects.sqlite.base import DATETIME as SQLITE_DATETIME


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    keys: tuple[str, ...]  # parameter order
    processors: tuple[Callable[[Any], Any] | None, ...]
    defaults: tuple[tuple[str, Any], ...]  # Python-side column defaults for keys not given


_plans: dict[tuple[int, str, frozenset[str]], _Plan] = {}


def _plan(conn: Connection, table: Table, keys: frozenset[str]) -> _Plan:
    cache_key = (id(conn.dialect), table.name, keys)
    plan = _plans.get(cache_key)
    if plan is None:
        compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(keys))
        order = tuple(compiled.positiontup or ())
        binds = compiled._bind_processors
        defaults = []
        for col in compiled.insert_prefetch:
            default = col.default
            if default is None or not (default.is_scalar or default.is_callable):
                raise ValueError(f"{table.name}.{col.key}: a default fast inserts cannot compute")
            defaults.append((col.key, default))
        procs = tuple(_quicker(table.c[k].type, binds.get(k)) for k in order)
        plan = _Plan(compiled.string, order, procs, tuple(defaults))
        _plans[cache_key] = plan
    return plan


# SQLAlchemy's SQLite DATETIME default storage format, which `datetime_text` reproduces.
_DEFAULT_DATETIME_FORMAT = SQLITE_DATETIME._storage_format


def _quicker(type_: Any, proc: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """SQLite datetimes are the create's most frequent bind: the default storage format, written
    by `datetime.isoformat` (C) instead of a %-format over a dict; other values go to `proc`."""
    if proc is None or not isinstance(type_, DateTime) or isinstance(type_, SQLITE_DATETIME):
        return proc  # (a DATETIME declared with its own storage format keeps it)

    def datetime_text(value: Any) -> Any:
        global _last_datetime
        last = _last_datetime
        if value is last[0]:  # a write stamps most of its rows with the one `now`
            return last[1]
        if value is None:
            return None
        if type(value) is datetime and value.year >= 1000:
            text = value.replace(tzinfo=None).isoformat(" ", "microseconds")
            _last_datetime = (value, text)  # one tuple: a reader on another thread sees a pair
            return text
        return proc(value)

    return datetime_text


# The last datetime written and its text (holding the value: its id cannot be reused). It
# starts with a value nothing is: `None` must reach the processor (SQL NULL).
_NO_DATETIME: tuple[Any, str] = (object(), "")
_last_datetime = _NO_DATETIME


def _params(plan: _Plan, values: dict[str, Any]) -> tuple[Any, ...]:
    if plan.defaults:
        values = dict(values)
        for key, default in plan.defaults:
            values[key] = default.arg if default.is_scalar else default.arg(None)
    return tuple(
        [
            values[k] if proc is None else proc(values[k])
            for k, proc in zip(plan.keys, plan.processors, strict=True)
        ]
    )


@lru_cache(maxsize=64)
def _returning(table: Table) -> Insert:
    return insert(table).returning(*table.primary_key.columns)


def _raw(conn: Connection) -> Any:
    return conn.connection.driver_connection


def insert_one(conn: Connection, table: Table, values: dict[str, Any]) -> int:
    """INSERT one row and return its integer primary key."""
    if conn.dialect.name != "sqlite":
        return conn.execute(_returning(table), values).scalar_one()
    plan = _plan(conn, table, frozenset(values))
    params = _params(plan, values)
    try:
        return _raw(conn).execute(plan.sql, params).lastrowid  # type: ignore[no-any-return]
    except Exception as e:
        raise _wrapped(e, plan.sql, params) from e


def insert_many(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT rows that all have the same keys."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), list(rows))
        return
    plan = _plan(conn, table, frozenset(rows[0]))
    params = [_params(plan, row) for row in rows]
    try:
        _raw(conn).executemany(plan.sql, params)
    except Exception as e:
        raise _wrapped(e, plan.sql, params) from e


def _wrapped(e: Exception, sql: str, params: Any) -> Exception:
    if isinstance(e, sqlite3.Error):
        return exc.DBAPIError.instance(sql, params, e, sqlite3.Error)
    return e


@dataclass(frozen=True, slots=True)
class _Query:
    sql: str
    keys: tuple[str, ...]  # parameter order
    binds: tuple[Callable[[Any], Any] | None, ...]
    names: tuple[str, ...]  # result columns
    results: tuple[Callable[[Any], Any] | None, ...]
    fixed: dict[str, Any]  # the values of the statement's own literals (`id == 1`)


Statement = Select[Any] | Update
_queries: dict[tuple[int, Statement], _Query] = {}  # the key keeps the statement alive


def first(conn: Connection, statement: Statement, params: dict[str, Any]) -> dict[str, Any] | None:
    """The first row of a prebuilt SELECT (or UPDATE … RETURNING; an UPDATE without returns
    None) as a dict (None if none), typed as SQLAlchemy would type it. `statement` must be
    built once (module level): a plan is kept per statement."""
    if conn.dialect.name != "sqlite":
        result = conn.execute(statement, params)
        if not result.returns_rows:
            return None
        row = result.mappings().first()
        return dict(row) if row else None
    key = (id(conn.dialect), statement)
    query = _queries.get(key)
    if query is None:
        compiled = statement.compile(dialect=conn.dialect)
        order = tuple(compiled.positiontup or ())
        columns = list(statement.exported_columns)  # a SELECT's columns, or RETURNING's
        query = _Query(
            compiled.string,
            order,
            tuple(compiled._bind_processors.get(k) for k in order),
            tuple(c.key for c in columns),
            tuple(c.type._cached_result_processor(conn.dialect, None) for c in columns),
            {
                k: b.effective_value
                for k, b in compiled.binds.items()
                if k in order and not b.required
            },
        )
        _queries[key] = query
    if query.fixed:
        params = {**query.fixed, **params}
    args = tuple(
        params[k] if proc is None else proc(params[k])
        for k, proc in zip(query.keys, query.binds, strict=True)
    )
    try:
        raw = _raw(conn).execute(query.sql, args).fetchone()
    except Exception as e:
        raise _wrapped(e, query.sql, args) from e
    if raw is None:
        return None
    return {
        name: value if proc is None else proc(value)
        for name, proc, value in zip(query.names, query.results, raw, strict=True)
    }
