"""privacy follow-ups (retention of events and intake texts, TOTP replay guard)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # slot reserved; filled by the work it names


def downgrade() -> None:
    pass
