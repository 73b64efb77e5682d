"""Foundation: organisation, identities, bindings, invites, event log, outbox, jobs.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "township",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "grid",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("township_id", sa.Integer, sa.ForeignKey("township.id"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.UniqueConstraint("township_id", "name"),
    )
    op.create_table(
        "village",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("township_id", sa.Integer, sa.ForeignKey("township.id"), nullable=False),
        sa.Column("grid_id", sa.Integer, sa.ForeignKey("grid.id"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.UniqueConstraint("township_id", "name"),
    )
    op.create_table(
        "homestead",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.UniqueConstraint("village_id", "name"),
    )
    op.create_table(
        "household",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("homestead_id", sa.Integer, sa.ForeignKey("homestead.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("at_home", sa.Boolean, nullable=False),
        sa.UniqueConstraint("homestead_id", "number"),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("township_id", sa.Integer, sa.ForeignKey("township.id"), nullable=False),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id")),
        sa.Column("homestead_id", sa.Integer, sa.ForeignKey("homestead.id")),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id")),
        sa.Column("age", sa.Integer, nullable=False),
        sa.Column("party_member", sa.Boolean, nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("phone", sa.String(20)),
    )
    op.create_index("ix_person_homestead", "person", ["homestead_id"])
    op.create_index("ix_person_village", "person", ["village_id"])
    op.create_table(
        "invite",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False,
                  unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("used_at", sa.DateTime),
        sa.Column("used_channel", sa.String(16)),
        sa.Column("used_user_id", sa.String(128)),
    )
    op.create_table(
        "chat_identity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("external_user_id", sa.String(128), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("bound_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("channel", "external_user_id"),
        sa.UniqueConstraint("channel", "person_id"),
    )
    op.create_table(
        "chat_binding",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("external_chat_id", sa.String(128), nullable=False),
        sa.Column("homestead_id", sa.Integer, sa.ForeignKey("homestead.id"), nullable=False),
        sa.Column("bound_at", sa.DateTime, nullable=False),
        sa.Column("bound_by", sa.Integer, sa.ForeignKey("person.id")),
        sa.UniqueConstraint("channel", "external_chat_id"),
    )
    op.create_index("ix_chat_binding_homestead", "chat_binding", ["homestead_id"])
    op.create_table(
        "event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("stream", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("person.id")),
        sa.Column("channel", sa.String(16)),
        sa.Column("chat_id", sa.String(128)),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_event_stream", "event", ["stream", "id"])
    op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_event_id", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.execute(
        "INSERT INTO chain_head (id, last_event_id, last_hash) "
        f"VALUES (1, 0, '{'0' * 64}')"
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("chat_id", sa.String(128), nullable=False),
        sa.Column("chat_kind", sa.String(8), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("not_before", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", sa.DateTime),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "not_before"])
    op.create_table(
        "console_message",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.String(128), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("buttons", sa.Text, nullable=False),
    )
    op.create_index("ix_console_message_chat", "console_message", ["chat_id", "id"])
    op.create_table(
        "job_run",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("last_started_at", sa.DateTime),
        sa.Column("last_finished_at", sa.DateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("runs", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    )
