"""The meeting's cycle: follow-up tasks (decisions), time polls, requests, village topics.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("origin_id", sa.Integer),
        sa.Column("township_id", sa.Integer, sa.ForeignKey("township.id"), nullable=False),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id")),
        sa.Column("homestead_id", sa.Integer, sa.ForeignKey("homestead.id")),
        sa.Column("owner_role", sa.String(32), nullable=False),
        sa.Column("owner_person_id", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("owner_title", sa.String(100), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("report", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("done_at", sa.DateTime),
        sa.Column("done_by", sa.Integer, sa.ForeignKey("person.id")),
    )
    op.create_index("ix_task_place", "task", ["kind", "homestead_id", "id"])
    op.create_index("ix_task_origin", "task", ["origin", "origin_id"])
    op.create_index("ix_task_due", "task", ["status", "due"])
    op.create_table(
        "meeting_poll",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("homestead_id", sa.Integer, sa.ForeignKey("homestead.id"), nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime),
    )
    op.create_index("ix_meeting_poll_homestead", "meeting_poll", ["homestead_id", "id"])
    op.create_table(
        "meeting_poll_option",
        sa.Column("poll_id", sa.Integer, sa.ForeignKey("meeting_poll.id"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("starts_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "meeting_poll_choice",
        sa.Column("poll_id", sa.Integer, sa.ForeignKey("meeting_poll.id"), primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), primary_key=True),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "meeting_request",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("homestead_id", sa.Integer, sa.ForeignKey("homestead.id"), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id"), nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_meeting_request_homestead", "meeting_request", ["homestead_id", "at"])
    op.create_table(
        "village_topic",
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("set_by", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("set_at", sa.DateTime, nullable=False),
    )
