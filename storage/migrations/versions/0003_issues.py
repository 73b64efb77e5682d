"""The problem ledger: issues (a projection of their events) and rating rounds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issue",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("homestead_id", sa.Integer, sa.ForeignKey("homestead.id"), nullable=False),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id")),
        sa.Column("raised_by", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("category", sa.String(16)),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("handler_id", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("department", sa.String(100)),
        sa.Column("responsible", sa.String(100)),
        sa.Column("agreed_date", sa.Date),
        sa.Column("deadline", sa.Date),
        sa.Column("due_date", sa.Date),
        sa.Column("overdue", sa.Boolean, nullable=False),
        sa.Column("overdue_on", sa.Date),
        sa.Column("satisfaction", sa.Float),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime),
    )
    op.create_index("ix_issue_sweep", "issue", ["level", "status", "deadline"])
    op.create_index("ix_issue_homestead", "issue", ["homestead_id", "id"])
    op.create_index("ix_issue_created", "issue", ["created_at"])
    op.create_table(
        "rating_round",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("issue_id", sa.Integer, sa.ForeignKey("issue.id"), nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("closes_at", sa.DateTime, nullable=False),
        sa.Column("extended", sa.Boolean, nullable=False),
        sa.Column("status_before", sa.String(16), nullable=False),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("outcome", sa.String(16)),
    )
    op.create_index("ix_rating_round_due", "rating_round", ["decided_at", "closes_at"])
    op.create_index("ix_rating_round_issue", "rating_round", ["issue_id"])
    op.create_table(
        "rating",
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rating_round.id"), primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), primary_key=True),
        sa.Column("choice", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
