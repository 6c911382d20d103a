"""The knowledge base: search and read (every desk role), create and edit (kb.write)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from pydantic import Field
from starlette.responses import Response

from ...domain.permissions import Perm
from ...kb import service as kb
from ...kb import store as kb_store
from ...store.database import WriteContext
from ..deps import CurrentActor, State
from ..errors import BadRequest
from ..responses import json_response, run_idempotent
from ..schemas import ErrorOut, Lang, Strict, Text

router = APIRouter(prefix="/api/v1/kb", tags=["knowledge base"])
ERRORS: dict[int | str, dict[str, Any]] = {
    c: {"model": ErrorOut} for c in (400, 401, 403, 404, 409, 412, 422)
}
ArticleId = Annotated[int, Path(ge=1, le=2**62)]
Slug = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9\-_.]*$")]
Title = Annotated[Text, Field(min_length=1, max_length=300)]
ArticleBody = Annotated[Text, Field(min_length=1, max_length=20_000)]
Keyword = Annotated[Text, Field(min_length=1, max_length=60)]
Topic = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")]


class ArticleCreate(Strict):
    slug: Slug
    lang: Lang
    title: Title
    body: ArticleBody
    topic: Topic | None = None
    keywords: list[Keyword] = Field(default_factory=list, max_length=30)


class ArticlePatch(Strict):
    title: Title | None = None
    body: ArticleBody | None = None
    topic: Topic | None = None
    keywords: list[Keyword] | None = Field(default=None, max_length=30)


@router.get("/articles", responses=ERRORS)
async def list_or_search(
    state: State,
    actor: CurrentActor,
    q: Annotated[str | None, Query(max_length=500, description="Words to search for")] = None,
    lang: Annotated[str | None, Query(max_length=16, pattern=r"^[A-Za-z]{2,3}$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """`{"items": [...]}`: with `q`, the best matches first (each with a `score`); without,
    every article (by slug, then language). `lang` keeps one language."""
    actor.require(Perm.kb_read, "read the knowledge base")
    if q is not None and "\x00" in q:
        raise BadRequest("q must not contain NUL characters", {"param": "q"})
    lang = lang.lower() if lang else None

    def read(conn: Any) -> list[dict[str, Any]]:
        if q and q.strip():
            return kb.search(conn, q, lang, limit)
        return [kb.shape(r) for r in kb_store.list_articles(conn, lang, limit)]

    return json_response({"items": await state.db.read(read)})


@router.get("/articles/{article_id}", responses=ERRORS)
async def read_article(article_id: ArticleId, state: State, actor: CurrentActor) -> Response:
    """One article; the ETag is its version (send it as If-Match when you change it)."""
    actor.require(Perm.kb_read, "read the knowledge base")
    article = await state.db.read(lambda conn: kb.get_article(conn, article_id))
    return json_response(article, headers={"ETag": f'"{article["version"]}"'})


@router.post("/articles", status_code=201, responses=ERRORS)
async def create_article(
    payload: ArticleCreate, request: Request, state: State, actor: CurrentActor
) -> Response:
    """Add an article (shift leads and admins). Accepts `Idempotency-Key`."""
    actor.require(Perm.kb_write, "edit the knowledge base")
    data = payload.model_dump()
    data["lang"] = data["lang"].lower()

    def job(ctx: WriteContext) -> dict[str, Any]:
        return kb.create_article(ctx, actor, data)

    return await run_idempotent(request, state, actor, job, status=201)


@router.patch("/articles/{article_id}", responses=ERRORS)
async def update_article(
    article_id: ArticleId,
    payload: ArticlePatch,
    state: State,
    actor: CurrentActor,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
) -> Response:
    """Change an article's title, body, topic or keywords (shift leads and admins).
    `If-Match: <version>` is optional here; when sent, a stale version answers 412."""
    actor.require(Perm.kb_write, "edit the knowledge base")
    version = None
    if if_match is not None:
        try:
            version = int(if_match.strip().strip('"'))
        except ValueError as exc:
            raise BadRequest("If-Match must be the article's version number") from exc
    nulls = [f for f in payload.model_fields_set if getattr(payload, f) is None]
    if nulls:
        raise BadRequest(f"{', '.join(sorted(nulls))} cannot be null", {"fields": nulls})
    data = payload.model_dump(exclude_unset=True)
    article = await state.db.write(
        lambda ctx: kb.update_article(ctx, actor, article_id, data, version)
    )
    return json_response(article, headers={"ETag": f'"{article["version"]}"'})
