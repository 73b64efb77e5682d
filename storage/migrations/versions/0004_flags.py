"""Monthly flags: scores, vetoes, on-site meetings and confirmed results with versions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flag_score",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), primary_key=True),
        sa.Column("category", sa.String(32), primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("entered_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("entered_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "flag_veto",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("entered_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("entered_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_flag_veto_month", "flag_veto", ["month", "village_id"])
    op.create_table(
        "flag_onsite",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), primary_key=True),
        sa.Column("entered_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("entered_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "flag_confirmation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("township_id", sa.Integer, sa.ForeignKey("township.id"), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("confirmed_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("confirmed_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("township_id", "month", "version"),
    )
    op.create_table(
        "flag_result",
        sa.Column("confirmation_id", sa.Integer, sa.ForeignKey("flag_confirmation.id"),
                  primary_key=True),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), primary_key=True),
        sa.Column("category", sa.String(32), primary_key=True),
        sa.Column("score", sa.Float),
        sa.Column("flag", sa.String(8)),
    )
    op.create_table(
        "flag_settlement",
        sa.Column("confirmation_id", sa.Integer, sa.ForeignKey("flag_confirmation.id"),
                  primary_key=True),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), primary_key=True),
        sa.Column("reds", sa.Integer, nullable=False),
        sa.Column("yellows", sa.Integer, nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("consequences", sa.Text, nullable=False),
    )
