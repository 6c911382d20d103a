"""The value sets of the wire contract (DESIGN.md) and their ranks."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    web_chat = "web_chat"
    telegram = "telegram"
    email = "email"
    phone = "phone"
    api = "api"
    on_site = "on_site"


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def rank(self) -> int:
        """1 for P1 (blocker) … 4 for P4: lower is worked first."""
        return int(self.value[1])


class Status(StrEnum):
    new = "new"
    accepted = "accepted"
    in_progress = "in_progress"
    needs_clarification = "needs_clarification"
    resolved = "resolved"
    closed = "closed"
    reopened = "reopened"

    @property
    def is_open(self) -> bool:
        return self not in (Status.resolved, Status.closed)


class Tier(StrEnum):
    standard = "standard"
    vip = "vip"
    vvip = "vvip"

    @property
    def rank(self) -> int:
        """0 for VVIP, 1 for VIP, 2 for standard: lower is worked first."""
        return {"vvip": 0, "vip": 1, "standard": 2}[self.value]


class MessageKind(StrEnum):
    player = "player"
    reply = "reply"
    note = "note"
    bot = "bot"
    system = "system"


class Role(StrEnum):
    """Roles of desk users; the permission matrix that uses them is its own piece of work."""

    l1_agent = "l1_agent"
    l2_agent = "l2_agent"
    payments = "payments"
    compliance = "compliance"
    vip_host = "vip_host"
    shift_lead = "shift_lead"
    admin = "admin"
    # Channel adapters and CRMs that bring players' messages in (not a person).
    integration = "integration"


# Topic tags in the order the desk works them when everything else is equal (SEEDS 002/004:
# payment / account / features / complaint / ideas, with security and KYC beside payments).
TOPIC_ORDER: tuple[str, ...] = (
    "payment",
    "security",
    "kyc",
    "account",
    "game",
    "bonus",
    "complaint",
    "vip",
    "features",
    "ideas",
)
UNKNOWN_TOPIC_RANK = len(TOPIC_ORDER)


def topic_rank(tags: list[str] | tuple[str, ...]) -> int:
    """The rank of the most urgent topic among a ticket's tags."""
    ranks = [TOPIC_ORDER.index(t) for t in tags if t in TOPIC_ORDER]
    return min(ranks, default=UNKNOWN_TOPIC_RANK)
