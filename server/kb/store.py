"""SQL of the knowledge base. Search uses FTS5 on SQLite and a tsvector on PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, text, update

from ..store.tables_intake import kb_articles
from . import text as kbtext


def get(conn: Connection, article_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(kb_articles).where(kb_articles.c.id == article_id)).mappings().first()
    return dict(row) if row else None


def get_by_slug(conn: Connection, slug: str, lang: str) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(kb_articles).where(kb_articles.c.slug == slug, kb_articles.c.lang == lang)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


_BY_TOPIC = select(kb_articles).where(
    kb_articles.c.topic == bindparam("topic"), kb_articles.c.lang == bindparam("lang")
)


def for_topic(conn: Connection, topic: str, lang: str) -> dict[str, Any] | None:
    row = conn.execute(_BY_TOPIC, {"topic": topic, "lang": lang}).mappings().first()
    return dict(row) if row else None


def insert_article(conn: Connection, values: dict[str, Any]) -> int:
    return conn.execute(
        insert(kb_articles).values(**values).returning(kb_articles.c.id)
    ).scalar_one()


def update_article(conn: Connection, article_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(kb_articles).where(kb_articles.c.id == article_id).values(**values))


def list_articles(conn: Connection, lang: str | None, limit: int) -> list[dict[str, Any]]:
    stmt = select(kb_articles).order_by(kb_articles.c.slug, kb_articles.c.lang).limit(limit)
    if lang:
        stmt = stmt.where(kb_articles.c.lang == lang)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(kb_articles)).scalar_one()


def search(
    conn: Connection, query: str, lang: str | None, limit: int
) -> list[tuple[dict[str, Any], float]]:
    """Articles matching any query word (as a prefix), best first, with a score (higher is
    better; comparable within one backend only)."""
    terms = kbtext.query_terms(query)
    if not terms:
        return []
    if conn.dialect.name == "sqlite":
        sql = (
            "SELECT a.id, -bm25(kb_fts) AS score FROM kb_fts JOIN kb_articles a "
            "ON a.id = kb_fts.rowid WHERE kb_fts MATCH :q"
            + (" AND a.lang = :lang" if lang else "")
            + " ORDER BY bm25(kb_fts), a.id LIMIT :limit"
        )
        params: dict[str, Any] = {"q": kbtext.fts5_query(terms), "limit": limit}
    else:
        sql = (
            "SELECT a.id, ts_rank(a.search, q) AS score FROM kb_articles a, "
            "to_tsquery('simple', :q) q WHERE a.search @@ q"
            + (" AND a.lang = :lang" if lang else "")
            + " ORDER BY score DESC, a.id LIMIT :limit"
        )
        params = {"q": kbtext.tsquery(terms), "limit": limit}
    if lang:
        params["lang"] = lang
    hits = [(r[0], float(r[1])) for r in conn.execute(text(sql), params)]
    if not hits:
        return []
    rows = {
        r["id"]: dict(r)
        for r in conn.execute(
            select(kb_articles).where(kb_articles.c.id.in_([h[0] for h in hits]))
        ).mappings()
    }
    return [(rows[i], score) for i, score in hits if i in rows]
