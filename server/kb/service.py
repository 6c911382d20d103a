"""Knowledge-base reads and write jobs: search, get, create, update, seed the starter set."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from ..domain.errors import Conflict, Invalid, NotFound, VersionMismatch
from ..domain.permissions import Perm
from ..services import SYSTEM, Actor, audit
from ..store.database import WriteContext
from ..store.rows import aware
from . import store
from .text import search_text

DATA_DIR = Path(__file__).parent / "data"
EDITABLE = ("title", "body", "keywords", "topic")


def shape(row: dict[str, Any], *, score: float | None = None) -> dict[str, Any]:
    out = {
        "id": row["id"],
        "slug": row["slug"],
        "lang": row["lang"],
        "topic": row["topic"],
        "title": row["title"],
        "body": row["body"],
        "keywords": row["keywords"] or [],
        "version": row["version"],
        "created_at": aware(row["created_at"]),
        "updated_at": aware(row["updated_at"]),
        "updated_by": row["updated_by"],
    }
    if score is not None:
        out["score"] = round(score, 6)
    return out


def search(
    conn: Connection, query: str, lang: str | None = None, limit: int = 10
) -> list[dict[str, Any]]:
    return [shape(row, score=score) for row, score in store.search(conn, query, lang, limit)]


def get_article(conn: Connection, article_id: int) -> dict[str, Any]:
    row = store.get(conn, article_id)
    if row is None:
        raise NotFound(f"article {article_id} does not exist", {"article_id": article_id})
    return shape(row)


def create_article(ctx: WriteContext, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    actor.require(Perm.kb_write, "edit the knowledge base")
    if store.get_by_slug(ctx.conn, data["slug"], data["lang"]) is not None:
        raise Conflict(
            f"an article '{data['slug']}' in '{data['lang']}' exists already; change it with "
            "PATCH instead",
            {"slug": data["slug"], "lang": data["lang"]},
        )
    keywords = list(data.get("keywords") or [])
    values = {
        "slug": data["slug"],
        "lang": data["lang"],
        "topic": data.get("topic"),
        "title": data["title"],
        "body": data["body"],
        "keywords": keywords,
        "search_text": search_text(data["title"], keywords, data["body"]),
        "version": 1,
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "updated_by": actor.username,
    }
    article_id = store.insert_article(ctx.conn, values)
    article = shape({**values, "id": article_id})
    ctx.record("kb_article", article_id, "create", article)
    audit(ctx, actor, "kb.create", "kb_article", article_id, after={"slug": values["slug"]})
    return article


def update_article(
    ctx: WriteContext, actor: Actor, article_id: int, data: dict[str, Any], if_match: int | None
) -> dict[str, Any]:
    actor.require(Perm.kb_write, "edit the knowledge base")
    row = store.get(ctx.conn, article_id)
    if row is None:
        raise NotFound(f"article {article_id} does not exist", {"article_id": article_id})
    if if_match is not None and row["version"] != if_match:
        raise VersionMismatch(
            f"article {article_id} is at version {row['version']}, not {if_match}: someone "
            "changed it; reload it and apply your change again",
            {"current": shape(row)},
        )
    changes = {k: data[k] for k in EDITABLE if k in data and data[k] != row[k]}
    if not changes:
        return shape(row)
    merged = {**row, **changes}
    changes["search_text"] = search_text(merged["title"], merged["keywords"], merged["body"])
    changes.update(version=row["version"] + 1, updated_at=ctx.now, updated_by=actor.username)
    store.update_article(ctx.conn, article_id, changes)
    article = shape({**row, **changes})
    ctx.record("kb_article", article_id, "update", article)
    audit(
        ctx,
        actor,
        "kb.update",
        "kb_article",
        article_id,
        before={k: row[k] for k in EDITABLE if k in changes},
        after={k: changes[k] for k in EDITABLE if k in changes},
    )
    return article


def starter_articles() -> list[dict[str, Any]]:
    """The shipped FAQ set: the top topics in the desk's eleven languages."""
    out: list[dict[str, Any]] = []
    for path in sorted(DATA_DIR.glob("articles_*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        out.extend(doc.get("article", []))
    for art in out:
        if not art.get("slug") or not art.get("lang") or not art.get("title"):
            raise Invalid(f"starter article without slug, lang or title: {art!r}")
    return out


def seed_articles(ctx: WriteContext, actor: Actor = SYSTEM) -> tuple[int, int]:
    """Add the starter articles that are missing, leave edited ones alone: (added, kept)."""
    added = kept = 0
    for art in starter_articles():
        if store.get_by_slug(ctx.conn, art["slug"], art["lang"]) is not None:
            kept += 1
            continue
        create_article(ctx, actor, {**art, "body": art["body"].strip()})
        added += 1
    return added, kept
