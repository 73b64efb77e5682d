"""The party organisation (Y1, Y2): roster party columns, party meetings, visits, dues.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "party_roster",
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), primary_key=True),
        sa.Column("branch", sa.String(64)),
        sa.Column("post", sa.String(16)),
        sa.Column("reserve_cadre", sa.Boolean, nullable=False),
        sa.Column("activist", sa.Boolean, nullable=False),
        sa.Column("mobile", sa.Boolean, nullable=False),
        sa.Column("position", sa.String(64)),
        sa.Column("liaison_id", sa.Integer, sa.ForeignKey("person.id")),
    )
    op.create_table(
        "party_lesson",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), nullable=False),
        sa.Column("branch", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("homestead_id", sa.Integer, sa.ForeignKey("homestead.id")),
        sa.Column("called_by", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_party_lesson_starts", "party_lesson", ["starts_at"])
    op.create_table(
        "party_roll",
        sa.Column("lesson_id", sa.Integer, sa.ForeignKey("party_lesson.id"), primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), primary_key=True),
        sa.Column("excused", sa.Boolean, nullable=False),
        sa.Column("present_at", sa.DateTime),
        sa.Column("recorded_by", sa.Integer, sa.ForeignKey("person.id")),
    )
    op.create_table(
        "party_visit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_party_visit_person", "party_visit", ["person_id"])
    op.create_table(
        "party_dues",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("recorded_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_party_dues_month", "party_dues", ["month", "person_id"])


def downgrade() -> None:
    op.drop_index("ix_party_dues_month", "party_dues")
    op.drop_table("party_dues")
    op.drop_index("ix_party_visit_person", "party_visit")
    op.drop_table("party_visit")
    op.drop_table("party_roll")
    op.drop_index("ix_party_lesson_starts", "party_lesson")
    op.drop_table("party_lesson")
    op.drop_table("party_roster")
