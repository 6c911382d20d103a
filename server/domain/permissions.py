"""Who may do what: the permission matrix (README "Security") and queue scoping.

Least privilege: each role gets only what its work needs. Scoping: a role without
`ticket.read_all` sees the tickets of its own queues (a queue `l1` also covers its regional
queues `l1-en`, `l1-ru`, …) and, for VIP hosts, the tickets of the players they host.
"""

from __future__ import annotations

from enum import StrEnum

from .values import Role


class Perm(StrEnum):
    ticket_read = "ticket.read"  # tickets in scope
    ticket_read_all = "ticket.read_all"  # every queue
    ticket_create = "ticket.create"
    ticket_update = "ticket.update"  # status, priority, tags, queue
    ticket_assign_any = "ticket.assign_any"  # assign to someone else (not only to me)
    message_reply = "message.reply"
    message_note = "message.note"
    message_player = "message.player"  # relay a player's own words (channel integrations)
    message_retract_any = "message.retract_any"
    attachment_upload = "attachment.upload"
    player_read = "player.read"
    player_read_sensitive = "player.read_sensitive"  # KYC state, source of funds / wealth
    player_write = "player.write"
    player_export = "player.export"  # everything held on a player (right of access)
    pii_read = "pii.read"  # card numbers, phones, e-mails unmasked in messages
    audit_read = "audit.read"
    users_admin = "users.admin"  # create users, revoke anyone's sessions
    kb_read = "kb.read"  # search and read knowledge-base articles
    kb_write = "kb.write"  # create and edit knowledge-base articles
    ticket_escalate = "ticket.escalate"  # raise a ticket's escalation level by hand
    sla_manage = "sla.manage"  # exempt a ticket from its SLA, override its targets or policy
    sla_policy_admin = "sla.policy_admin"  # upload SLA policies
    agent_read = "agent.read"  # list agents with presence and load; set one's own presence
    agent_manage = "agent.manage"  # change an agent's routing profile (capacity, queues, …)


P = Perm
_AGENT = {
    P.ticket_read,
    P.ticket_create,
    P.ticket_update,
    P.ticket_assign_any,  # handing a ticket over to a colleague is everyday work
    P.message_reply,
    P.message_note,
    P.attachment_upload,
    P.player_read,
    P.player_write,  # contact preferences, languages, time zone as players tell them
    P.kb_read,
    P.ticket_escalate,
    P.agent_read,
}

ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.l1_agent: frozenset(_AGENT),
    Role.l2_agent: frozenset(_AGENT),
    Role.payments: frozenset(_AGENT | {P.player_read_sensitive, P.pii_read}),
    Role.compliance: frozenset(
        {
            P.ticket_read,
            P.ticket_read_all,
            P.message_note,
            P.player_read,
            P.player_read_sensitive,
            P.player_write,
            P.player_export,
            P.pii_read,
            P.audit_read,
            P.kb_read,
            P.agent_read,
        }
    ),
    Role.vip_host: frozenset(_AGENT),
    Role.shift_lead: frozenset(
        _AGENT
        | {P.ticket_read_all, P.message_retract_any, P.audit_read, P.kb_write, P.sla_manage}
        | {P.agent_manage}
    ),
    Role.admin: frozenset(Perm),
    # A channel adapter finds a player's tickets and relays messages both ways; PII stays masked.
    Role.integration: frozenset(
        {
            P.ticket_read,
            P.ticket_read_all,
            P.ticket_create,
            P.message_player,
            P.attachment_upload,
            P.player_read,
            P.player_write,
            P.kb_read,
        }
    ),
}


def can(role: str, perm: Perm) -> bool:
    try:
        return perm in ROLE_PERMS[Role(role)]
    except ValueError:  # an unknown role (a newer server wrote it) gets nothing
        return False


def queue_in_scope(queue: str, user_queues: tuple[str, ...] | list[str]) -> bool:
    """`l1` in the user's queues covers `l1` and its regional queues `l1-…`."""
    return any(queue == q or queue.startswith(q + "-") for q in user_queues)


def ticket_in_scope(
    role: str,
    username: str,
    user_queues: tuple[str, ...] | list[str],
    queue: str,
    player_host: str | None,
) -> bool:
    if can(role, Perm.ticket_read_all):
        return True
    if not can(role, Perm.ticket_read):
        return False
    if player_host is not None and player_host == username and role == Role.vip_host:
        return True
    return queue_in_scope(queue, user_queues)


def sees_host_tickets(role: str) -> bool:
    return role == Role.vip_host


def sees_sensitive_player_data(role: str, username: str, player_host: str | None) -> bool:
    """KYC and source of funds/wealth: compliance, payments, admin, and the player's own host."""
    if can(role, Perm.player_read_sensitive):
        return True
    return role == Role.vip_host and player_host is not None and player_host == username
