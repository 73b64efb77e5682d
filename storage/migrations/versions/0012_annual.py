"""Issue 17's rest: the officials' liaison villages (roster column 联系村, rule F13).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "liaison",
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), primary_key=True),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), primary_key=True),
    )
    op.create_index("ix_liaison_village", "liaison", ["village_id"])


def downgrade() -> None:
    op.drop_index("ix_liaison_village", "liaison")
    op.drop_table("liaison")
