"""Alembic environment: runs migrations on the connection `server.store.migrate` passes in."""

from __future__ import annotations

from alembic import context

from server.store.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` run by hand: use the URL from alembic's own config
    from sqlalchemy import create_engine

    from server.store.engine import normalize_url

    engine = create_engine(normalize_url(config.get_main_option("sqlalchemy.url") or ""))
    connection = engine.connect()

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
