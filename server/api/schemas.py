"""Request and response shapes of the REST API (pydantic). Unknown fields are refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import orjson
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..domain.values import Channel, Priority, Status, Tier


def _clean_text(value: str) -> str:
    # NUL cannot be stored by PostgreSQL and lone surrogates cannot be encoded: refuse both
    # here, as bad input, instead of failing later in the database driver.
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from exc
    return value


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    # Every change is encoded with orjson: refuse what it cannot encode (lone surrogates,
    # integers beyond 64 bits) here, as bad input.
    try:
        orjson.dumps(value)
    except TypeError as exc:
        raise ValueError(f"cannot be stored as JSON: {exc}") from exc
    return value


Clean = AfterValidator(_clean_text)
Text = Annotated[str, AfterValidator(_clean_text)]
Profile = Annotated[dict[str, Any], AfterValidator(_json_safe)]
ShortText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_clean_text)]
Subject = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_clean_text)]
Body = Annotated[str, Field(min_length=1, max_length=65_536), AfterValidator(_clean_text)]
Name = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_clean_text)]
Lang = Annotated[
    str, Field(min_length=2, max_length=16, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
]
ExternalId = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_clean_text)]
Tag = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_clean_text)]
Ref = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_clean_text)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlayerIn(Strict):
    external_id: ExternalId
    name: ShortText | None = None
    tier: Tier | None = None
    host: Name | None = None
    languages: list[Lang] | None = Field(default=None, max_length=20)
    timezone: Annotated[str, Field(max_length=64), Clean] | None = None
    preferred_channels: list[Channel] | None = Field(default=None, max_length=10)
    quiet_mode: bool | None = None
    currency: Annotated[str, Field(min_length=3, max_length=8), Clean] | None = None
    kyc_state: Annotated[str, Field(max_length=32), Clean] | None = None
    profile: Profile | None = None
    code_word: Annotated[str, Field(min_length=1, max_length=200), Clean] | None = Field(
        default=None, description="Stored hashed; never returned."
    )


class PlayerUpsert(Strict):
    """PUT /players/{external_id}: the body names the fields to set."""

    name: ShortText | None = None
    tier: Tier | None = None
    host: Name | None = None
    languages: list[Lang] | None = Field(default=None, max_length=20)
    timezone: Annotated[str, Field(max_length=64), Clean] | None = None
    preferred_channels: list[Channel] | None = Field(default=None, max_length=10)
    quiet_mode: bool | None = None
    currency: Annotated[str, Field(min_length=3, max_length=8), Clean] | None = None
    kyc_state: Annotated[str, Field(max_length=32), Clean] | None = None
    profile: Profile | None = None
    code_word: Annotated[str, Field(min_length=1, max_length=200), Clean] | None = None


class PlayerCorrection(PlayerUpsert):
    """PATCH /players/{external_id}: correct an existing player's fields (null clears one)."""

    reason: Annotated[str, Field(min_length=1, max_length=1000), Clean] | None = Field(
        default=None, description="Why (e.g. the player's request): kept on the audit trail"
    )


class TicketCreate(Strict):
    subject: Subject
    body: Body
    channel: Channel
    queue: Name | None = None
    priority: Priority | None = None
    language: Lang | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    transaction_refs: list[Ref] | None = Field(default=None, max_length=20)
    player: PlayerIn


class TicketPatch(Strict):
    """Only `assignee` may be null (unassign); the other fields, when sent, need a value."""

    @model_validator(mode="after")
    def _no_nulls(self) -> TicketPatch:
        nulls = sorted(
            f for f in self.model_fields_set if f != "assignee" and getattr(self, f) is None
        )
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null; leave the field out instead")
        return self

    status: Status | None = None
    priority: Priority | None = None
    queue: Name | None = None
    assignee: Name | None = Field(default=None, description="A username; null unassigns.")
    tags: list[Tag] | None = Field(default=None, max_length=20)
    subject: Subject | None = None
    transaction_refs: list[Ref] | None = Field(default=None, max_length=20)


class MessageCreate(Strict):
    kind: Literal["reply", "note", "player", "bot"] = Field(
        description="reply: public answer to the player; note: internal; player / bot: a "
        "channel integration relaying the player's own words or the bot's answers"
    )
    body: Body
    quote_id: int | None = Field(default=None, ge=1, le=2**62)


class RetractIn(Strict):
    reason: Annotated[str, Field(max_length=1000), AfterValidator(_clean_text)] | None = None


class LoginIn(Strict):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    totp: Annotated[str, Field(pattern=r"^[0-9]{6}$")] | None = Field(
        default=None, description="The 6-digit code, for users enrolled in two-factor sign-in"
    )


# -- responses (documentation; handlers return JSON built by server.shapes) ----------------


class PlayerRef(BaseModel):
    external_id: str
    name: str | None
    tier: Tier
    host: str | None


class MessageOut(BaseModel):
    id: int
    ticket_id: int
    kind: str
    author: str | None
    author_name: str | None
    channel: str | None
    body: str
    quote_id: int | None
    created_at: datetime
    retracted: bool
    retracted_at: datetime | None
    retract_reason: str | None
    masked: bool = Field(
        default=False,
        description="true: card numbers, IBANs, phones and e-mails in this player message are "
        "masked for you (roles with pii.read see them in clear)",
    )


class AttachmentOut(BaseModel):
    id: int
    ticket_id: int
    message_id: int | None
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    url: str
    anonymised_at: datetime | None = Field(
        default=None, description="set: the retention policy deleted the file (metadata kept)"
    )


class SlaOut(BaseModel):
    policy: str = Field(description="the SLA policy version the ticket runs under")
    first_response_due_at: datetime | None
    next_update_due_at: datetime | None
    resolution_due_at: datetime | None
    state: Literal["ok", "warning", "breached", "paused", "met"]
    remaining_s: int | None = Field(
        description="business seconds to the nearest due time (negative: overdue)"
    )
    eta: datetime | None = Field(description="when the player hears from us next")
    exempt: bool
    exempt_reason: str | None = None
    paused: bool = False
    next_change_at: datetime | None = Field(
        description="the next warning or due instant (the SLA job fires then)"
    )
    predicted_breach: bool = False


class EscalationOut(BaseModel):
    level: int
    name: str
    roles: list[str]
    next_level: int | None
    next_at: datetime | None
    handoff: bool
    tracks: dict[str, dict[str, Any]]


class FeedbackOut(BaseModel):
    state: Literal["asked_csat", "asked_nps", "done"]
    csat: int | None = Field(description="1–5, once answered")
    nps: int | None = Field(description="0–10, once answered")
    asked_at: datetime | None
    answered_at: datetime | None


class TicketOut(BaseModel):
    id: int
    number: int
    display_number: str
    subject: str
    status: Status
    priority: Priority
    queue: str
    channel: Channel
    language: str | None
    player: PlayerRef
    assignee: str | None
    team: str | None
    tags: list[str]
    transaction_refs: list[str]
    escalation_level: int
    version: int
    created_at: datetime
    updated_at: datetime
    waiting_on: Literal["agent", "player"] | None = Field(
        description="agent: the player waits on us; player: we wait on the player"
    )
    waiting_since: datetime
    last_message_at: datetime | None
    message_count: int
    allowed_transitions: list[Status]
    sla: SlaOut | None = None
    escalation: EscalationOut | None = None
    messages: list[MessageOut] | None = None
    attachments: list[AttachmentOut] | None = None
    anonymised_at: datetime | None = Field(
        default=None, description="set: the retention policy anonymised this closed ticket"
    )
    feedback: FeedbackOut | None = Field(
        default=None, description="the bot's follow-up after resolution, once asked"
    )


class TicketPage(BaseModel):
    items: list[TicketOut]
    next_cursor: str | None


class PlayerOut(BaseModel):
    external_id: str
    name: str | None
    tier: Tier
    host: str | None
    languages: list[str]
    timezone: str | None
    preferred_channels: list[str]
    quiet_mode: bool
    currency: str | None
    kyc_state: str | None
    profile: dict[str, Any]
    has_code_word: bool
    created_at: datetime
    updated_at: datetime


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    languages: list[str]
    queues: list[str]


class MeOut(UserOut):
    totp: bool = Field(description="true: this user signs in with a two-factor (TOTP) code")


class LoginOut(BaseModel):
    token: str
    expires_at: datetime
    user: UserOut


class QueueOut(BaseModel):
    name: str
    title: str
    description: str
    region: str | None
    language: str | None
    open_count: int
    by_status: dict[str, int]
    by_priority: dict[str, int]
    by_sla: dict[str, int] = Field(
        default_factory=dict, description="open tickets by SLA state (ok, warning, breached …)"
    )


class ChangeOut(BaseModel):
    seq: int
    entity: str
    id: str
    op: str
    data: dict[str, Any]


class ChangesOut(BaseModel):
    changes: list[ChangeOut]
    last_seq: int
    head_seq: int
    has_more: bool


class HealthOut(BaseModel):
    status: Literal["ok"]


class ReadyOut(BaseModel):
    status: Literal["ready"]
    last_seq: int


class AuditRow(BaseModel):
    id: int
    at: str = Field(description="ISO 8601 with offset, exactly as hashed")
    actor_id: int | None
    actor_username: str | None
    actor_role: str | None
    ip: str | None
    action: str
    entity: str
    entity_id: str | None
    before: Any
    after: Any
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditRow]
    last_id: int


class ClassifyOut(BaseModel):
    lang: str | None = Field(description="null when the text carries no language")
    intent: str
    handoff: bool
    priority: Priority
    confidence: float


class RevokeOut(BaseModel):
    username: str
    revoked_sessions: int


class ExportedPlayer(PlayerOut):
    anonymised_at: datetime | None


class ExportedAuditRow(BaseModel):
    id: int
    at: str
    actor_id: int | None
    actor_username: str | None
    actor_role: str | None
    ip: str | None
    action: str
    entity: str
    entity_id: str | None
    before: Any
    after: Any


class PlayerExport(BaseModel):
    format: Literal["agent-console.player-export/1"]
    generated_at: datetime
    generated_by: str
    player: ExportedPlayer
    tickets: list[TicketOut]
    audit: list[ExportedAuditRow]


TotpCode = Annotated[str, Field(pattern=r"^[0-9]{6}$", description="the 6-digit code")]
Password = Annotated[str, Field(min_length=1, max_length=1024)]


class TotpEnrollIn(Strict):
    password: Password = Field(description="Your password again: a token alone cannot enroll")
    username: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None,
        description="Without a bearer token (a role that must enroll before it can sign in)",
    )
    code: TotpCode | None = Field(
        default=None, description="Already enrolled: a code from the current secret to replace it"
    )


class TotpEnrollOut(BaseModel):
    secret: str = Field(description="base32; shown once")
    otpauth_uri: str
    expires_at: datetime = Field(description="confirm before this, or enroll again")


class TotpConfirmIn(Strict):
    code: TotpCode
    password: Password | None = Field(default=None, description="Without a bearer token")
    username: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class TotpConfirmOut(BaseModel):
    username: str
    totp_enrolled: Literal[True]


class TotpRemoveIn(Strict):
    code: TotpCode


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorOut(BaseModel):
    error: ErrorBody


class TicketSlaIn(BaseModel):
    """A shift lead's change to a ticket's SLA; the reason goes on the ticket's history."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)
    exempt: bool | None = Field(default=None, description="true: no SLA; false: SLA again")
    policy: str | None = Field(default=None, max_length=64, description="a loaded version")
    targets: (
        dict[Literal["first_response", "next_update", "resolution", "stabilise"], str | None] | None
    ) = Field(
        default=None,
        description='target overrides such as {"resolution": "8h"}; null: back to the policy',
    )


class EscalateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: int | None = Field(default=None, ge=1, le=9, description="default: one level up")
    reason: str = Field(min_length=1, max_length=2000)


class SlaPolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1, max_length=500_000, description="the policy as TOML")
    make_current: bool = True


class SlaPolicyOut(BaseModel):
    version: str
    digest: str
    description: str
    current: bool
    source: str | None = None


class SlaPolicyList(BaseModel):
    current: str
    versions: list[SlaPolicyOut]
