"""intake follow-ups (bot-answered message log, feedback on tickets)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # slot reserved; filled by the work it names


def downgrade() -> None:
    pass
