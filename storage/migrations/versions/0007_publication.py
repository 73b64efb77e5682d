"""Publication: notices and 公示, who read them (by household), objections and answers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("township_id", sa.Integer, sa.ForeignKey("township.id"), nullable=False),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id")),
        sa.Column("homestead_id", sa.Integer, sa.ForeignKey("homestead.id")),
        sa.Column("kind", sa.String(32)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("publisher_id", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("publicity", sa.Boolean, nullable=False),
        sa.Column("days", sa.Integer),
        sa.Column("ends_at", sa.DateTime),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("corrects_id", sa.Integer, sa.ForeignKey("notice.id")),
        sa.Column("subject", sa.String(100)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime),
        sa.Column("ended_at", sa.DateTime),
    )
    op.create_index("ix_notice_due", "notice", ["status", "ends_at"])
    op.create_index("ix_notice_publisher", "notice", ["publisher_id", "id"])
    op.create_index("ix_notice_subject", "notice", ["subject", "id"])
    op.create_table(
        "notice_read",
        sa.Column("notice_id", sa.Integer, sa.ForeignKey("notice.id"), primary_key=True),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id"),
                  primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "notice_objection",
        sa.Column("notice_id", sa.Integer, sa.ForeignKey("notice.id"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("answer", sa.Text),
        sa.Column("answered_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("answered_at", sa.DateTime),
    )

