"""When the village's 5 working days start (rule I9): the start and what it counts from.

Issues escalated before this revision keep both empty: their events recorded no start.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issue") as batch:
        batch.add_column(sa.Column("deadline_start", sa.Date))
        batch.add_column(sa.Column("deadline_from", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("issue") as batch:
        batch.drop_column("deadline_from")
        batch.drop_column("deadline_start")
