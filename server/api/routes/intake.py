"""The intake door: `POST /api/v1/intake/messages` for channel adapters and CRMs (API key per
integration), what the bot handled without a ticket (the intake log), and the feedback a
ticket's follow-up collected."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import AfterValidator, Field
from starlette.responses import Response

from ...domain.errors import Invalid, NotFound
from ...domain.permissions import Perm
from ...domain.values import Channel
from ...intake import rules
from ...intake import store as intake_store
from ...intake.followup import feedback_for
from ...intake.identify import Who
from ...intake.pipeline import Incoming, Job, check_size, prepare
from ...intake.runtime import IntakeRuntime
from ...services.tickets import load_ticket_row
from ...store import players as player_store
from ...store.rows import aware
from ..deps import CurrentActor, State
from ..errors import Unauthorized
from ..responses import json_response, run_idempotent
from ..schemas import Clean, ErrorOut, ExternalId, Lang, Ref, ShortText, Strict, Text

router = APIRouter(prefix="/api/v1", tags=["intake"])
ERRORS: dict[int | str, dict[str, Any]] = {
    c: {"model": ErrorOut} for c in (400, 401, 404, 413, 422, 429)
}


def _ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError as exc:
        raise ValueError("client_ip must be an IPv4 or IPv6 address") from exc


class PlayerHints(Strict):
    """What the channel knows about the player; any of it identifies them."""

    external_id: ExternalId | None = Field(
        default=None, description="The casino's own player id, when the integration knows it"
    )
    phone: Annotated[str, Field(min_length=3, max_length=40), Clean] | None = None
    loyalty_card: Annotated[str, Field(min_length=1, max_length=64), Clean] | None = None
    app_token: Annotated[str, Field(min_length=8, max_length=512), Clean] | None = Field(
        default=None, description="The casino app's token for the player; stored hashed"
    )
    name: ShortText | None = None
    languages: list[Lang] | None = Field(default=None, max_length=10)
    timezone: Annotated[str, Field(max_length=64), Clean] | None = None


class MediaIn(Strict):
    kind: Literal["photo", "video", "audio", "voice", "document", "sticker", "file"] = "file"
    filename: Annotated[str, Field(max_length=255), Clean] | None = None
    content_type: Annotated[str, Field(max_length=255), Clean] | None = None
    size: int | None = Field(default=None, ge=0, le=2**40)
    url: Annotated[str, Field(max_length=2000), Clean] | None = None


class IntakeIn(Strict):
    channel: Channel
    channel_user_id: Annotated[str, Field(min_length=1, max_length=100), Clean]
    message_id: Annotated[str, Field(min_length=1, max_length=200), Clean] | None = Field(
        default=None,
        description="The channel's own id of this message: a redelivery with "
        "the same id gets the first answer and changes nothing",
    )
    text: Text = ""
    language: Lang | None = Field(default=None, description="The channel's language hint")
    client_ip: Annotated[str, Field(max_length=64), AfterValidator(_ip)] | None = Field(
        default=None, description="The player's address as the channel saw it (rate limits)"
    )
    transaction_id: Ref | None = None
    player: PlayerHints | None = None
    media: list[MediaIn] = Field(default_factory=list, max_length=50)


def api_key(request: Request) -> str:
    key = request.headers.get("x-api-key", "").strip()
    if not key:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            key = token.strip()
    if not key:
        raise Unauthorized("send the integration's API key as 'X-API-Key: KEY'")
    return key


def incoming(payload: IntakeIn) -> Incoming:
    hints = payload.player or PlayerHints()
    phone = card = None
    if hints.phone is not None:
        phone = rules.normalise_phone(hints.phone)
        if phone is None:
            raise Invalid(
                "player.phone is not a phone number (7–15 digits)", {"field": "player.phone"}
            )
    if hints.loyalty_card is not None:
        card = rules.normalise_card(hints.loyalty_card)
        if card is None:
            raise Invalid(
                "player.loyalty_card must be 4–40 letters and digits",
                {"field": "player.loyalty_card"},
            )
    profile = {
        k: v
        for k, v in (
            ("name", hints.name),
            ("languages", hints.languages),
            ("timezone", hints.timezone),
        )
        if v is not None
    }
    who = Who(
        channel=payload.channel.value,
        channel_user_id=payload.channel_user_id,
        external_id=hints.external_id,
        phone=phone,
        loyalty_card=card,
        app_token=hints.app_token,
        profile=profile,
    )
    return Incoming(
        channel=payload.channel.value,
        channel_user_id=payload.channel_user_id,
        text=payload.text,
        who=who,
        message_id=payload.message_id,
        language=payload.language,
        transaction_id=payload.transaction_id,
        media=[m.model_dump() for m in payload.media],
    )


@router.post("/intake/messages", responses=ERRORS)
async def intake_message(payload: IntakeIn, request: Request, state: State) -> Response:
    """A player's message from a channel: the bot answers it, or opens/updates the player's
    ticket and hands it to a person. Authenticated by the integration's API key
    (`X-API-Key`). Accepts `Idempotency-Key`; a repeated `message_id` gets the first answer.

    Returns `{"outcome","handoff","reply":{"text","lang"},"ticket":{…,"eta"},"player",
    "classification","article_id","duplicate"}`; `outcome` is one of `answered`,
    `ticket_created`, `ticket_updated`, `feedback_recorded`, `clarify`, `greeting`, `refused`.
    """
    rt: IntakeRuntime = request.app.state.intake
    actor, integration_id = await rt.authenticate(api_key(request))
    inc = incoming(payload)
    rt.check_rate(inc.channel, inc.channel_user_id, payload.client_ip)
    check_size(inc, state.settings)
    prep = await prepare(rt, inc, integration_id)
    return await run_idempotent(request, state, actor, Job(state.settings, actor, prep), status=200)


@router.get("/intake/log", responses=ERRORS)
async def intake_log(
    player: Annotated[str, Query(min_length=1, max_length=128)],
    state: State,
    actor: CurrentActor,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """What the bot handled for a player without a ticket (answers, greetings, refusals),
    newest first: `{"items": [{"id","channel","outcome","intent","lang","body","reply",
    "article_id","ticket_id","created_at"}]}`; `ticket_id` is set once a later hand-off
    carried the exchange onto a ticket. Player words are masked for roles without
    `pii.read`. 404 for an unknown player."""
    actor.require(Perm.player_read, "read player profiles")

    def read(conn: Any) -> list[dict[str, Any]] | None:
        row = player_store.get_by_external_id(conn, player)
        if row is None:
            return None
        return intake_store.log_for_player(conn, row["id"], limit)

    rows = await state.db.read(read)
    if rows is None:
        raise NotFound(f"player '{player}' does not exist", {"player": player})
    clear = actor.can(Perm.pii_read)
    items = [
        {
            "id": r["id"],
            "channel": r["channel"],
            "outcome": r["outcome"],
            "intent": r["intent"],
            "lang": r["lang"],
            "body": r["body"] if clear or r["masked_body"] is None else r["masked_body"],
            "reply": r["reply"],
            "article_id": r["article_id"],
            "ticket_id": r["ticket_id"],
            "created_at": aware(r["created_at"]),
        }
        for r in rows
    ]
    return json_response({"items": items})


@router.get("/tickets/{ticket_id}/feedback", responses=ERRORS)
async def ticket_feedback(
    ticket_id: Annotated[int, Path(ge=1, le=2**62)], state: State, actor: CurrentActor
) -> Response:
    """The follow-up of a resolved ticket: `{"state","csat","nps","due_at","asked_at",
    "answered_at"}` (`state`: pending, asked_csat, asked_nps, done, cancelled, expired,
    skipped); 404 when none was scheduled."""
    actor.require(Perm.ticket_read, "read tickets")

    def read(conn: Any) -> dict[str, Any] | None:
        load_ticket_row(conn, ticket_id, actor)
        return feedback_for(conn, ticket_id)

    found = await state.db.read(read)
    if found is None:
        raise_not_found(ticket_id)
    return json_response(found)


def raise_not_found(ticket_id: int) -> None:
    from ...domain.errors import NotFound

    raise NotFound(
        f"ticket {ticket_id} has no follow-up (it is not resolved, or not yet scheduled)",
        {"ticket_id": ticket_id},
    )
