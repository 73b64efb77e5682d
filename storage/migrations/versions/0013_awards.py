"""Criteria checklists and the 五面红旗 award (rules A1-A3): applications, answers, evidence,
reviews, incidents, awards; the village's kind (村 / 社区, roster 村类型).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("village") as batch:
        batch.add_column(sa.Column("kind", sa.String(8), nullable=False, server_default="村"))
    op.create_table(
        "criteria_application",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scheme", sa.String(64), nullable=False),
        sa.Column("checklist", sa.String(64), nullable=False),
        sa.Column("subject_kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Integer, nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("township_id", sa.Integer, sa.ForeignKey("township.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("cursor", sa.Integer),
        sa.Column("cursor_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("submitted_at", sa.DateTime),
        sa.Column("submitted_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.UniqueConstraint("subject_kind", "subject_id", "checklist", "period"),
    )
    op.create_index("ix_criteria_application_township", "criteria_application",
                    ["township_id", "period"])
    op.create_table(
        "criteria_answer",
        sa.Column("application_id", sa.Integer, sa.ForeignKey("criteria_application.id"),
                  primary_key=True),
        sa.Column("criterion", sa.Integer, primary_key=True),
        sa.Column("value", sa.Boolean),
        sa.Column("figures", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "criteria_evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("criteria_application.id"),
                  nullable=False),
        sa.Column("criterion", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("name", sa.String(255)),
        sa.Column("mime_type", sa.String(127)),
        sa.Column("size", sa.Integer),
        sa.Column("content", sa.LargeBinary),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_criteria_evidence_application", "criteria_evidence",
                    ["application_id", "criterion"])
    op.create_table(
        "criteria_review",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("criteria_application.id"),
                  nullable=False),
        sa.Column("criterion", sa.Integer, nullable=False),
        sa.Column("review", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("due", sa.Date),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("task.id")),
        sa.Column("by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_criteria_review_application", "criteria_review",
                    ["application_id", "criterion"])
    op.create_table(
        "criteria_incident",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subject_kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Integer, nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_criteria_incident_subject", "criteria_incident",
                    ["subject_kind", "subject_id", "period"])
    op.create_table(
        "award",
        sa.Column("application_id", sa.Integer, sa.ForeignKey("criteria_application.id"),
                  primary_key=True),
        sa.Column("notice_id", sa.Integer, sa.ForeignKey("notice.id")),
        sa.Column("awarded_on", sa.Date),
        sa.Column("awarded_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("withdrawn_on", sa.Date),
        sa.Column("withdrawn_reason", sa.Text),
        sa.Column("withdrawn_by", sa.Integer, sa.ForeignKey("person.id")),
    )


def downgrade() -> None:
    op.drop_table("award")
    op.drop_index("ix_criteria_incident_subject", "criteria_incident")
    op.drop_table("criteria_incident")
    op.drop_index("ix_criteria_review_application", "criteria_review")
    op.drop_table("criteria_review")
    op.drop_index("ix_criteria_evidence_application", "criteria_evidence")
    op.drop_table("criteria_evidence")
    op.drop_table("criteria_answer")
    op.drop_index("ix_criteria_application_township", "criteria_application")
    op.drop_table("criteria_application")
    with op.batch_alter_table("village") as batch:
        batch.drop_column("kind")
