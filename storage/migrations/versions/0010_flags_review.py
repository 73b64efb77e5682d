"""Flags F9-F10: item scores, review and objections, and the 班子会 date of a confirmation.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
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

    with op.batch_alter_table("flag_confirmation") as batch:
        batch.add_column(sa.Column("meeting_date", sa.Date))
    op.create_table(
        "flag_review",
        sa.Column("township_id", sa.Integer, sa.ForeignKey("township.id"), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("reviewed_by", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("reviewed_at", sa.DateTime, nullable=False),
        sa.Column("appeals_until", sa.Date, nullable=False),
    )
    op.create_table(
        "flag_appeal",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("township_id", sa.Integer, sa.ForeignKey("township.id"), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("by", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("answer", sa.Text),
        sa.Column("answered_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("answered_at", sa.DateTime),
    )
    op.create_index("ix_flag_appeal_month", "flag_appeal", ["township_id", "month"])


def downgrade() -> None:
    op.drop_index("ix_flag_appeal_month", "flag_appeal")
    op.drop_table("flag_appeal")
    op.drop_table("flag_review")
    with op.batch_alter_table("flag_confirmation") as batch:
        batch.drop_column("meeting_date")
    op.drop_table("flag_item_score")
