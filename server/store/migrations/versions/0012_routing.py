"""routing (agent profile: capacity, experience, cost, presence; assignment times)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # slot reserved; filled by the work it names


def downgrade() -> None:
    pass
