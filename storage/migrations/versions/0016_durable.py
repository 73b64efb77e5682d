"""Durable intake and several workers: the inbox, claimed job runs, leases (issue 22).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("chat_id", sa.String(128), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("not_before", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("handled_at", sa.DateTime),
        sa.Column("last_error", sa.Text),
        sa.UniqueConstraint("channel", "key", name="uq_inbox_key"),
    )
    op.create_index("ix_inbox_due", "inbox", ["status", "not_before"])
    op.create_index("ix_inbox_chat", "inbox", ["channel", "chat_id", "status", "id"])
    op.create_index("ix_outbox_chat", "outbox", ["channel", "chat_id", "status", "id"])
    op.create_table(
        "job_claim",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("due_at", sa.DateTime, primary_key=True),
        sa.Column("claimed_at", sa.DateTime, nullable=False),
        sa.Column("worker", sa.String(128), nullable=False),
    )
    op.create_table(
        "lease",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(128), nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("lease")
    op.drop_table("job_claim")
    op.drop_index("ix_outbox_chat", "outbox")
    op.drop_table("inbox")
