"""player data protection: retention anonymisation markers, pending TOTP enrolment

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # When the retention policy anonymised the row (None: never). Tickets keep their number,
    # times, status and SLA facts; attachments keep their metadata, the blob is deleted.
    for table in ("tickets", "players", "attachments"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("anonymised_at", TZ, nullable=True))
    # A TOTP secret enrolled over the API waits here until a code from it confirms it.
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("totp_pending_secret", sa.String(64), nullable=True))
        batch.add_column(sa.Column("totp_pending_at", TZ, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("totp_pending_at")
        batch.drop_column("totp_pending_secret")
    for table in ("attachments", "players", "tickets"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("anonymised_at")
