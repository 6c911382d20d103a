"""privacy follow-ups (retention of events and intake texts, TOTP replay guard)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The TOTP time step (unix time // 30) of the last code accepted for the user: a code of
    # that step or an older one is refused, so a code seen over a shoulder cannot be replayed.
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    # The retention policy rewrites the change-log entries of the rows it anonymises: found
    # by entity and id instead of a scan of the whole log per batch.
    op.create_index("ix_changes_entity_entity_id", "changes", ["entity", "entity_id"])


def downgrade() -> None:
    op.drop_index("ix_changes_entity_entity_id", table_name="changes")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("totp_last_step")
