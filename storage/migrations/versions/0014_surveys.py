"""Surveys (民主测评, rule Y3): cards, subjects, assessed persons, households, answers.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_card",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("township_id", sa.Integer, sa.ForeignKey("township.id"), nullable=False),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id")),
        sa.Column("threshold", sa.Integer, nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("closes_at", sa.DateTime, nullable=False),
        sa.Column("remind_at", sa.DateTime, nullable=False),
        sa.Column("reminded_at", sa.DateTime),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("households", sa.Integer, nullable=False),
        sa.Column("notice_id", sa.Integer, sa.ForeignKey("notice.id")),
    )
    op.create_index("ix_survey_card_due", "survey_card", ["ended_at", "closes_at"])
    op.create_table(
        "survey",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("card_id", sa.Integer, sa.ForeignKey("survey_card.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("satisfied", sa.Integer, nullable=False),
        sa.Column("basically", sa.Integer, nullable=False),
        sa.Column("dissatisfied", sa.Integer, nullable=False),
        sa.UniqueConstraint("card_id", "position"),
    )
    op.create_table(
        "survey_assessed",
        sa.Column("survey_id", sa.Integer, sa.ForeignKey("survey.id"), primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), primary_key=True),
    )
    op.create_table(
        "survey_household",
        sa.Column("card_id", sa.Integer, sa.ForeignKey("survey_card.id"), primary_key=True),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id"),
                  primary_key=True),
    )
    op.create_table(
        "survey_answered",
        sa.Column("survey_id", sa.Integer, sa.ForeignKey("survey.id"), primary_key=True),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id"),
                  primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("survey_answered")
    op.drop_table("survey_household")
    op.drop_table("survey_assessed")
    op.drop_table("survey")
    op.drop_index("ix_survey_card_due", "survey_card")
    op.drop_table("survey_card")
