"""automation (player-silence reminders, follow-up due times)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # slot reserved; filled by the work it names


def downgrade() -> None:
    pass
