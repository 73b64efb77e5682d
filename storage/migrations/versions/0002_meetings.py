"""Meetings: schedule, attendance by household and check-in, motions, votes, minutes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("homestead_id", sa.Integer, sa.ForeignKey("homestead.id"), nullable=False),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("opened_at", sa.DateTime),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("resident_households", sa.Integer),
    )
    op.create_index("ix_meeting_homestead", "meeting", ["homestead_id", "starts_at"])
    op.create_index("ix_meeting_status", "meeting", ["status", "starts_at"])
    op.create_table(
        "meeting_household",
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id"), primary_key=True),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id"), primary_key=True),
        sa.Column("persons", sa.Integer, nullable=False),
        sa.Column("recorded_by", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "meeting_checkin",
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id"), primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), primary_key=True),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id"), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "motion",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("tally_yes", sa.Integer),
        sa.Column("tally_no", sa.Integer),
        sa.Column("tally_abstain", sa.Integer),
        sa.Column("yes", sa.Integer),
        sa.Column("no", sa.Integer),
        sa.Column("abstain", sa.Integer),
        sa.Column("persons_present", sa.Integer),
        sa.Column("binding", sa.Boolean),
        sa.Column("passed", sa.Boolean),
    )
    op.create_index("ix_motion_meeting", "motion", ["meeting_id", "id"])
    op.create_table(
        "vote",
        sa.Column("motion_id", sa.Integer, sa.ForeignKey("motion.id"), primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), primary_key=True),
        sa.Column("choice", sa.String(8), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "minute",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id"), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_minute_meeting", "minute", ["meeting_id", "id"])
