"""Write jobs and reads that combine the domain rules with storage.

Each write job is a function of a WriteContext, run on the database's writer thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain.errors import Forbidden, NotFound
from ..domain.permissions import Perm, can, ticket_in_scope
from ..store.database import WriteContext


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: a signed-in desk user, their queues, and where the request came from."""

    id: int
    username: str
    display_name: str
    role: str
    queues: tuple[str, ...] = ()
    ip: str | None = None

    def can(self, perm: Perm) -> bool:
        return can(self.role, perm)

    def require(self, perm: Perm, doing: str) -> None:
        if not can(self.role, perm):
            raise Forbidden(
                f"your role ({self.role}) may not {doing}; ask a shift lead or an admin",
                {"permission": perm.value, "role": self.role},
            )

    def sees_ticket(self, queue: str, player_host: str | None) -> bool:
        return ticket_in_scope(self.role, self.username, self.queues, queue, player_host)

    def require_ticket(self, ticket_id: int, queue: str, player_host: str | None) -> None:
        """Tickets outside the actor's queues look like tickets that do not exist."""
        if not self.sees_ticket(queue, player_host):
            raise NotFound(
                f"ticket {ticket_id} does not exist or is not in your queues",
                {"ticket_id": ticket_id},
            )


# The server itself (demo seeding, jobs, the CLI): every permission, every queue.
SYSTEM = Actor(0, "system", "System", "admin")


def audit(
    ctx: WriteContext,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | str | None,
    *,
    before: Any = None,
    after: Any = None,
) -> None:
    """Record who did what to which entity, from where, with the values before and after."""
    ctx.audit(
        action,
        entity,
        entity_id,
        who=(actor.id or None, actor.username, actor.role, actor.ip),
        before=before,
        after=after,
    )
