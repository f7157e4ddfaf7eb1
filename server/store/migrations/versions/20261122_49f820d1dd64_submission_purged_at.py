"""submission purged_at: when retention removed a decided submission's personal data

Revision ID: 49f820d1dd64
Revises: 911024bbd610
Create Date: 2026-11-22 00:10:04.727245
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "49f820d1dd64"
down_revision = "911024bbd610"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("purged_at")
