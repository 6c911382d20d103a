"""Human ticket numbers: `#10001` style. The number is the ticket's id, which starts at 10001."""

from __future__ import annotations

import re

FIRST_TICKET_ID = 10001
_NUMBER = re.compile(r"^#?(\d{1,18})$")


def display_number(ticket_id: int) -> str:
    return f"#{ticket_id}"


def parse_number(text: str) -> int | None:
    """`#10042`, `10042` → 10042; anything else → None."""
    m = _NUMBER.match(text.strip())
    return int(m.group(1)) if m else None
