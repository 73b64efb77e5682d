"""Flags F9-F13: item scores, review and objections, special points, vetoes' grounds.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flag_item_score",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), primary_key=True),
        sa.Column("category", sa.String(32), primary_key=True),
        sa.Column("item", sa.String(32), primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("entered_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("entered_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("flag_item_score")
