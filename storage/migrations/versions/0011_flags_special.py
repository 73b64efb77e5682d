"""Flags F11: special points (特别加扣分) and each veto's ground and withdrawal.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flag_adjustment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("entered_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("entered_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_flag_adjustment_month", "flag_adjustment", ["month", "village_id"])
    with op.batch_alter_table("flag_veto") as batch:
        batch.add_column(sa.Column("ground", sa.String(32)))
        batch.add_column(sa.Column("withdrawn_reason", sa.Text))
        batch.add_column(sa.Column("withdrawn_by", sa.Integer, sa.ForeignKey(
            "person.id", name="fk_flag_veto_withdrawn_by")))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime))


def downgrade() -> None:
    with op.batch_alter_table("flag_veto") as batch:
        batch.drop_column("withdrawn_at")
        batch.drop_column("withdrawn_by")
        batch.drop_column("withdrawn_reason")
        batch.drop_column("ground")
    op.drop_index("ix_flag_adjustment_month", "flag_adjustment")
    op.drop_table("flag_adjustment")
