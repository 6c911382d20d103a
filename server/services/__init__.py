"""Write jobs and reads that combine the domain rules with storage.

Each write job is a function of a WriteContext, run on the database's writer thread.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: a signed-in desk user."""

    id: int
    username: str
    display_name: str
    role: str
