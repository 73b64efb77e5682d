"""Command menus per chat: the menu each chat was last sent (issue 21 item 6).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_menu",
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("chat_id", sa.String(128), primary_key=True),
        sa.Column("member", sa.String(128), primary_key=True),
        sa.Column("chat_kind", sa.String(8), nullable=False),
        sa.Column("menu", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(16), nullable=False),
        sa.Column("queued_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("chat_menu")
