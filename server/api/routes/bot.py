"""The bot's classifier: language, intent, hand-off and a suggested priority."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter
from pydantic import Field
from starlette.responses import Response

from ...bot import classify
from ..deps import CurrentActor, State
from ..responses import json_response
from ..schemas import ClassifyOut, ErrorOut, Strict, Text

router = APIRouter(prefix="/api/v1/bot", tags=["bot"])


class ClassifyIn(Strict):
    text: Annotated[Text, Field(max_length=65_536)]


@router.post(
    "/classify",
    response_model=ClassifyOut,
    responses={c: {"model": ErrorOut} for c in (400, 401, 422)},
)
async def classify_text(payload: ClassifyIn, state: State, actor: CurrentActor) -> Response:
    """`{"lang","intent","handoff","priority","confidence"}` for one player message.

    `lang` is null when the text carries no language (empty, emoji only, junk)."""
    result = await asyncio.to_thread(classify, payload.text)
    return json_response(result.to_dict())
