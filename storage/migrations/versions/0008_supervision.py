"""Supervision: points the township adds to a village's quarter (rule S3).

Talks (约谈, rule S2) are follow-up tasks of their own kind and need no table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_bonus",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("quarter", sa.String(8), nullable=False),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), nullable=False),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("entered_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("entered_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_assessment_bonus_quarter", "assessment_bonus", ["quarter", "village_id"])


def downgrade() -> None:
    op.drop_index("ix_assessment_bonus_quarter", table_name="assessment_bonus")
    op.drop_table("assessment_bonus")
