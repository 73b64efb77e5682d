"""The tables as SQLAlchemy Core sees them; the migrations under ``migrations/`` create them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and read back as an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store aware datetimes as naive UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Read naive UTC back as aware UTC."""
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


metadata = MetaData()

township = Table(
    "township", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
)

grid = Table(
    "grid", metadata,
    Column("id", Integer, primary_key=True),
    Column("township_id", ForeignKey("township.id"), nullable=False),
    Column("name", String(64), nullable=False),
    UniqueConstraint("township_id", "name"),
)

village = Table(
    "village", metadata,
    Column("id", Integer, primary_key=True),
    Column("township_id", ForeignKey("township.id"), nullable=False),
    Column("grid_id", ForeignKey("grid.id"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("kind", String(8), nullable=False, server_default="村"),  # 村 / 社区 (roster 村类型)
    UniqueConstraint("township_id", "name"),
)

homestead = Table(
    "homestead", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("village.id"), nullable=False),
    Column("name", String(64), nullable=False),
    UniqueConstraint("village_id", "name"),
)

household = Table(
    "household", metadata,
    Column("id", Integer, primary_key=True),
    Column("homestead_id", ForeignKey("homestead.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("at_home", Boolean, nullable=False),
    UniqueConstraint("homestead_id", "number"),
)

person = Table(
    "person", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(64), nullable=False),
    Column("township_id", ForeignKey("township.id"), nullable=False),
    Column("village_id", ForeignKey("village.id")),
    Column("homestead_id", ForeignKey("homestead.id")),
    Column("household_id", ForeignKey("household.id")),
    Column("age", Integer, nullable=False),
    Column("party_member", Boolean, nullable=False),
    Column("role", String(32), nullable=False),
    Column("phone", String(20)),
    Index("ix_person_homestead", "homestead_id"),
    Index("ix_person_village", "village_id"),
)

invite = Table(
    "invite", metadata,
    Column("code", String(16), primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Column("used_channel", String(16)),
    Column("used_user_id", String(128)),
)

chat_identity = Table(
    "chat_identity", metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("external_user_id", String(128), nullable=False),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("bound_at", UTCDateTime, nullable=False),
    UniqueConstraint("channel", "external_user_id"),
    UniqueConstraint("channel", "person_id"),
)

chat_binding = Table(
    "chat_binding", metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("external_chat_id", String(128), nullable=False),
    Column("homestead_id", ForeignKey("homestead.id"), nullable=False),
    Column("bound_at", UTCDateTime, nullable=False),
    Column("bound_by", ForeignKey("person.id")),
    UniqueConstraint("channel", "external_chat_id"),
    Index("ix_chat_binding_homestead", "homestead_id"),
)

event = Table(
    "event", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("stream", String(64), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("actor_id", ForeignKey("person.id")),
    Column("channel", String(16)),
    Column("chat_id", String(128)),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_event_stream", "stream", "id"),
)

chain_head = Table(
    "chain_head", metadata,
    Column("id", Integer, primary_key=True),
    Column("last_event_id", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
)

outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("channel", String(16), nullable=False),
    Column("chat_id", String(128), nullable=False),
    Column("chat_kind", String(8), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("not_before", UTCDateTime, nullable=False),
    Column("status", String(8), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("sent_at", UTCDateTime),
    Index("ix_outbox_due", "status", "not_before"),
    Index("ix_outbox_chat", "channel", "chat_id", "status", "id"),
)

console_message = Table(
    "console_message", metadata,
    Column("id", Integer, primary_key=True),
    Column("chat_id", String(128), nullable=False),
    Column("text", Text, nullable=False),
    Column("buttons", Text, nullable=False),
    Index("ix_console_message_chat", "chat_id", "id"),
)

job_run = Table(
    "job_run", metadata,
    Column("name", String(64), primary_key=True),
    Column("last_started_at", UTCDateTime),
    Column("last_finished_at", UTCDateTime),
    Column("last_error", Text),
    Column("runs", Integer, nullable=False, default=0),
    Column("failures", Integer, nullable=False, default=0),
)

meeting = Table(
    "meeting", metadata,
    Column("id", Integer, primary_key=True),
    Column("homestead_id", ForeignKey("homestead.id"), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("place", String(200), nullable=False),
    Column("topic", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_by", ForeignKey("person.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("opened_at", UTCDateTime),
    Column("ended_at", UTCDateTime),
    Column("resident_households", Integer),
    Index("ix_meeting_homestead", "homestead_id", "starts_at"),
    Index("ix_meeting_status", "status", "starts_at"),
)

meeting_household = Table(
    "meeting_household", metadata,
    Column("meeting_id", ForeignKey("meeting.id"), primary_key=True),
    Column("household_id", ForeignKey("household.id"), primary_key=True),
    Column("persons", Integer, nullable=False),
    Column("recorded_by", ForeignKey("person.id"), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

meeting_checkin = Table(
    "meeting_checkin", metadata,
    Column("meeting_id", ForeignKey("meeting.id"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
    Column("household_id", ForeignKey("household.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

motion = Table(
    "motion", metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meeting.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("status", String(8), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    Column("tally_yes", Integer),
    Column("tally_no", Integer),
    Column("tally_abstain", Integer),
    Column("yes", Integer),
    Column("no", Integer),
    Column("abstain", Integer),
    Column("persons_present", Integer),
    Column("binding", Boolean),
    Column("passed", Boolean),
    Index("ix_motion_meeting", "meeting_id", "id"),
)

vote = Table(
    "vote", metadata,
    Column("motion_id", ForeignKey("motion.id"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
    Column("choice", String(8), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

minute = Table(
    "minute", metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meeting.id"), nullable=False),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_minute_meeting", "meeting_id", "id"),
)

issue = Table(
    "issue", metadata,
    Column("id", Integer, primary_key=True),
    Column("homestead_id", ForeignKey("homestead.id"), nullable=False),
    Column("meeting_id", ForeignKey("meeting.id")),
    Column("raised_by", ForeignKey("person.id"), nullable=False),
    Column("title", Text, nullable=False),
    Column("category", String(16)),
    Column("level", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("handler_id", ForeignKey("person.id")),
    Column("department", String(100)),
    Column("responsible", String(100)),
    Column("agreed_date", Date),
    Column("deadline", Date),
    Column("due_date", Date),
    Column("overdue", Boolean, nullable=False),
    Column("overdue_on", Date),
    Column("satisfaction", Float),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    Column("deadline_start", Date),  # rule I9: the start of the village's window
    Column("deadline_from", String(16)),  # and what it counts from (core.issues.CountedFrom)
    Index("ix_issue_sweep", "level", "status", "deadline"),
    Index("ix_issue_homestead", "homestead_id", "id"),
    Index("ix_issue_created", "created_at"),
)

rating_round = Table(
    "rating_round", metadata,
    Column("id", Integer, primary_key=True),
    Column("issue_id", ForeignKey("issue.id"), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("closes_at", UTCDateTime, nullable=False),
    Column("extended", Boolean, nullable=False),
    Column("status_before", String(16), nullable=False),
    Column("decided_at", UTCDateTime),
    Column("outcome", String(16)),
    Index("ix_rating_round_due", "decided_at", "closes_at"),
    Index("ix_rating_round_issue", "issue_id"),
)

rating = Table(
    "rating", metadata,
    Column("round_id", ForeignKey("rating_round.id"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
    Column("choice", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

flag_score = Table(
    "flag_score", metadata,
    Column("month", String(7), primary_key=True),
    Column("village_id", ForeignKey("village.id"), primary_key=True),
    Column("category", String(32), primary_key=True),
    Column("score", Float, nullable=False),
    Column("entered_by", ForeignKey("person.id")),
    Column("entered_at", UTCDateTime, nullable=False),
)

# A category's standard scored item by item (F9); a category total replaces its items.
flag_item_score = Table(
    "flag_item_score", metadata,
    Column("month", String(7), primary_key=True),
    Column("village_id", ForeignKey("village.id"), primary_key=True),
    Column("category", String(32), primary_key=True),
    Column("item", String(32), primary_key=True),
    Column("score", Float, nullable=False),
    Column("entered_by", ForeignKey("person.id")),
    Column("entered_at", UTCDateTime, nullable=False),
)

flag_veto = Table(
    "flag_veto", metadata,
    Column("id", Integer, primary_key=True),
    Column("month", String(7), nullable=False),
    Column("village_id", ForeignKey("village.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("entered_by", ForeignKey("person.id")),
    Column("entered_at", UTCDateTime, nullable=False),
    Column("ground", String(32)),  # one of seed 002's five grounds, chosen by button (F11)
    Column("withdrawn_reason", Text),
    Column("withdrawn_by", ForeignKey("person.id")),
    Column("withdrawn_at", UTCDateTime),
    Index("ix_flag_veto_month", "month", "village_id"),
)

flag_adjustment = Table(  # special points (特别加扣分) decided by the township meeting (F11)
    "flag_adjustment", metadata,
    Column("id", Integer, primary_key=True),
    Column("month", String(7), nullable=False),
    Column("village_id", ForeignKey("village.id"), nullable=False),
    Column("category", String(32), nullable=False),
    Column("points", Float, nullable=False),
    Column("reason", Text, nullable=False),
    Column("entered_by", ForeignKey("person.id")),
    Column("entered_at", UTCDateTime, nullable=False),
    Index("ix_flag_adjustment_month", "month", "village_id"),
)

flag_onsite = Table(
    "flag_onsite", metadata,
    Column("month", String(7), primary_key=True),
    Column("village_id", ForeignKey("village.id"), primary_key=True),
    Column("entered_by", ForeignKey("person.id")),
    Column("entered_at", UTCDateTime, nullable=False),
)

flag_confirmation = Table(
    "flag_confirmation", metadata,
    Column("id", Integer, primary_key=True),
    Column("township_id", ForeignKey("township.id"), nullable=False),
    Column("month", String(7), nullable=False),
    Column("version", Integer, nullable=False),
    Column("confirmed_by", ForeignKey("person.id")),
    Column("confirmed_at", UTCDateTime, nullable=False),
    Column("meeting_date", Date),  # the 班子会 that decided it (F10)
    UniqueConstraint("township_id", "month", "version"),
)

# The month's review (复核) and the villages' objections (复议) to it (F10).
flag_review = Table(
    "flag_review", metadata,
    Column("township_id", ForeignKey("township.id"), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("reviewed_by", ForeignKey("person.id"), nullable=False),
    Column("reviewed_at", UTCDateTime, nullable=False),
    Column("appeals_until", Date, nullable=False),
)

flag_appeal = Table(
    "flag_appeal", metadata,
    Column("id", Integer, primary_key=True),
    Column("township_id", ForeignKey("township.id"), nullable=False),
    Column("month", String(7), nullable=False),
    Column("village_id", ForeignKey("village.id"), nullable=False),
    Column("category", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("by", ForeignKey("person.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("answer", Text),
    Column("answered_by", ForeignKey("person.id")),
    Column("answered_at", UTCDateTime),
    Index("ix_flag_appeal_month", "township_id", "month"),
)

flag_result = Table(
    "flag_result", metadata,
    Column("confirmation_id", ForeignKey("flag_confirmation.id"), primary_key=True),
    Column("village_id", ForeignKey("village.id"), primary_key=True),
    Column("category", String(32), primary_key=True),
    Column("score", Float),
    Column("flag", String(8)),
)

flag_settlement = Table(
    "flag_settlement", metadata,
    Column("confirmation_id", ForeignKey("flag_confirmation.id"), primary_key=True),
    Column("village_id", ForeignKey("village.id"), primary_key=True),
    Column("reds", Integer, nullable=False),
    Column("yellows", Integer, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("consequences", Text, nullable=False),
)

# Follow-up tasks (DESIGN §3): decisions today, rectifications and sent-back criteria later.
# The row is a projection of the task's events (stream ``task:ID``), like an issue's.
task = Table(
    "task", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("subject", Text, nullable=False),
    Column("origin", String(16), nullable=False),
    Column("origin_id", Integer),
    Column("township_id", ForeignKey("township.id"), nullable=False),
    Column("village_id", ForeignKey("village.id")),
    Column("homestead_id", ForeignKey("homestead.id")),
    Column("owner_role", String(32), nullable=False),
    Column("owner_person_id", ForeignKey("person.id")),
    Column("owner_title", String(100), nullable=False),
    Column("due", Date, nullable=False),
    Column("status", String(8), nullable=False),
    Column("report", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("done_at", UTCDateTime),
    Column("done_by", ForeignKey("person.id")),
    Index("ix_task_place", "kind", "homestead_id", "id"),
    Index("ix_task_origin", "origin", "origin_id"),
    Index("ix_task_due", "status", "due"),
)

# Before a meeting (rule M8): time polls, villagers' requests for a meeting, village topics.
meeting_poll = Table(
    "meeting_poll", metadata,
    Column("id", Integer, primary_key=True),
    Column("homestead_id", ForeignKey("homestead.id"), nullable=False),
    Column("created_by", ForeignKey("person.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    Index("ix_meeting_poll_homestead", "homestead_id", "id"),
)

meeting_poll_option = Table(
    "meeting_poll_option", metadata,
    Column("poll_id", ForeignKey("meeting_poll.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("starts_at", UTCDateTime, nullable=False),
)

meeting_poll_choice = Table(
    "meeting_poll_choice", metadata,
    Column("poll_id", ForeignKey("meeting_poll.id"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
    Column("household_id", ForeignKey("household.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

meeting_request = Table(
    "meeting_request", metadata,
    Column("id", Integer, primary_key=True),
    Column("homestead_id", ForeignKey("homestead.id"), nullable=False),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("household_id", ForeignKey("household.id"), nullable=False),
    Column("topic", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_meeting_request_homestead", "homestead_id", "at"),
)

village_topic = Table(
    "village_topic", metadata,
    Column("village_id", ForeignKey("village.id"), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("text", Text, nullable=False),
    Column("set_by", ForeignKey("person.id"), nullable=False),
    Column("set_at", UTCDateTime, nullable=False),
)

# Publication (rules P1-P2): a notice's scope is the place it went to, as narrow as the
# publisher's office: a 屋场 (all three ids), a village (no 屋场) or a township.
notice = Table(
    "notice", metadata,
    Column("id", Integer, primary_key=True),
    Column("township_id", ForeignKey("township.id"), nullable=False),
    Column("village_id", ForeignKey("village.id")),
    Column("homestead_id", ForeignKey("homestead.id")),
    Column("kind", String(32)),
    Column("text", Text, nullable=False),
    Column("publisher_id", ForeignKey("person.id")),
    Column("publicity", Boolean, nullable=False),
    Column("days", Integer),
    Column("ends_at", UTCDateTime),
    Column("status", String(8), nullable=False),
    Column("corrects_id", ForeignKey("notice.id")),
    Column("subject", String(100)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("ended_at", UTCDateTime),
    Index("ix_notice_due", "status", "ends_at"),
    Index("ix_notice_publisher", "publisher_id", "id"),
    Index("ix_notice_subject", "subject", "id"),
)

notice_read = Table(
    "notice_read", metadata,
    Column("notice_id", ForeignKey("notice.id"), primary_key=True),
    Column("household_id", ForeignKey("household.id"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

notice_objection = Table(
    "notice_objection", metadata,
    Column("notice_id", ForeignKey("notice.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("answer", Text),
    Column("answered_by", ForeignKey("person.id")),
    Column("answered_at", UTCDateTime),
)

# Points the township adds to a village's quarter (季度党建考核加分, rule S3).
assessment_bonus = Table(
    "assessment_bonus", metadata,
    Column("id", Integer, primary_key=True),
    Column("quarter", String(8), nullable=False),
    Column("village_id", ForeignKey("village.id"), nullable=False),
    Column("points", Float, nullable=False),
    Column("reason", Text, nullable=False),
    Column("entered_by", ForeignKey("person.id")),
    Column("entered_at", UTCDateTime, nullable=False),
    Index("ix_assessment_bonus_quarter", "quarter", "village_id"),
)

# A picture or file its publisher sent right after a notice (rule P1), numbered from 1
# per notice; the bytes are kept here (at most MAX_ATTACHMENT), on SQLite and PostgreSQL.
notice_attachment = Table(
    "notice_attachment", metadata,
    Column("notice_id", ForeignKey("notice.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("name", String(255), nullable=False),
    Column("mime_type", String(127), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

liaison = Table(  # a 镇干部's liaison villages (roster 联系村), who owns their 整改 (F13)
    "liaison", metadata,
    Column("person_id", ForeignKey("person.id"), primary_key=True),
    Column("village_id", ForeignKey("village.id"), primary_key=True),
    Index("ix_liaison_village", "village_id"),
)

# Criteria checklists (DESIGN §3; rules A1-A3, Y4): a subject (a village, a branch) applies
# for a checklist (a flag, the 五个好) for a period; answers, evidence and the reviewers'
# verdicts are kept per criterion, verdicts append-only (the newest counts).
criteria_application = Table(
    "criteria_application", metadata,
    Column("id", Integer, primary_key=True),
    Column("scheme", String(64), nullable=False),
    Column("checklist", String(64), nullable=False),
    Column("subject_kind", String(16), nullable=False),
    Column("subject_id", Integer, nullable=False),
    Column("period", String(16), nullable=False),
    Column("township_id", ForeignKey("township.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("cursor", Integer),
    Column("cursor_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("submitted_at", UTCDateTime),
    Column("submitted_by", ForeignKey("person.id")),
    UniqueConstraint("subject_kind", "subject_id", "checklist", "period"),
    Index("ix_criteria_application_township", "township_id", "period"),
)

criteria_answer = Table(
    "criteria_answer", metadata,
    Column("application_id", ForeignKey("criteria_application.id"), primary_key=True),
    Column("criterion", Integer, primary_key=True),
    Column("value", Boolean),
    Column("figures", Text, nullable=False),  # JSON {key: number}
    Column("note", Text),
    Column("by", ForeignKey("person.id")),
    Column("at", UTCDateTime, nullable=False),
)

criteria_evidence = Table(
    "criteria_evidence", metadata,
    Column("id", Integer, primary_key=True),
    Column("application_id", ForeignKey("criteria_application.id"), nullable=False),
    Column("criterion", Integer, nullable=False),
    Column("kind", String(8), nullable=False),  # note / picture / file
    Column("text", Text),
    Column("name", String(255)),
    Column("mime_type", String(127)),
    Column("size", Integer),
    Column("content", LargeBinary),
    Column("person_id", ForeignKey("person.id")),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_criteria_evidence_application", "application_id", "criterion"),
)

criteria_review = Table(
    "criteria_review", metadata,
    Column("id", Integer, primary_key=True),
    Column("application_id", ForeignKey("criteria_application.id"), nullable=False),
    Column("criterion", Integer, nullable=False),
    Column("review", String(16), nullable=False),
    Column("reason", Text),
    Column("due", Date),
    Column("task_id", ForeignKey("task.id")),
    Column("by", ForeignKey("person.id")),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_criteria_review_application", "application_id", "criterion"),
)

criteria_incident = Table(
    "criteria_incident", metadata,
    Column("id", Integer, primary_key=True),
    Column("subject_kind", String(16), nullable=False),
    Column("subject_id", Integer, nullable=False),
    Column("period", String(16), nullable=False),
    Column("type", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("on", Date, nullable=False),
    Column("by", ForeignKey("person.id")),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_criteria_incident_subject", "subject_kind", "subject_id", "period"),
)

# The 五面红旗 award (rules A2-A3): an application whose every criterion was met, its 公示,
# its award (授牌) and its withdrawal (摘牌).
award = Table(
    "award", metadata,
    Column("application_id", ForeignKey("criteria_application.id"), primary_key=True),
    Column("notice_id", ForeignKey("notice.id")),
    Column("awarded_on", Date),
    Column("awarded_by", ForeignKey("person.id")),
    Column("withdrawn_on", Date),
    Column("withdrawn_reason", Text),
    Column("withdrawn_by", ForeignKey("person.id")),
)

# Surveys (民主测评, rule Y3). One /survey is a card (survey_card) sent once to each
# household of its scope (survey_household); it rates one subject or several (survey,
# a row each, with the assessed persons in survey_assessed). Anonymity: survey_answered
# records only that a household used its card for a subject (no time, no person, no
# choice); the choices are only counts on the survey row, every count of the card
# written in each answer, so neither ids, times nor the event log join a vote to anyone.
survey_card = Table(
    "survey_card", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("township_id", ForeignKey("township.id"), nullable=False),
    Column("village_id", ForeignKey("village.id")),
    Column("threshold", Integer, nullable=False),
    Column("created_by", ForeignKey("person.id"), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("closes_at", UTCDateTime, nullable=False),
    Column("remind_at", UTCDateTime, nullable=False),
    Column("reminded_at", UTCDateTime),
    Column("ended_at", UTCDateTime),
    Column("households", Integer, nullable=False),
    Column("notice_id", ForeignKey("notice.id")),
    Index("ix_survey_card_due", "ended_at", "closes_at"),
)

survey = Table(
    "survey", metadata,
    Column("id", Integer, primary_key=True),
    Column("card_id", ForeignKey("survey_card.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("subject", String(80), nullable=False),
    Column("person_id", ForeignKey("person.id")),
    Column("satisfied", Integer, nullable=False),
    Column("basically", Integer, nullable=False),
    Column("dissatisfied", Integer, nullable=False),
    UniqueConstraint("card_id", "position"),
)

survey_assessed = Table(
    "survey_assessed", metadata,
    Column("survey_id", ForeignKey("survey.id"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
)

survey_household = Table(
    "survey_household", metadata,
    Column("card_id", ForeignKey("survey_card.id"), primary_key=True),
    Column("household_id", ForeignKey("household.id"), primary_key=True),
)

survey_answered = Table(
    "survey_answered", metadata,
    Column("survey_id", ForeignKey("survey.id"), primary_key=True),
    Column("household_id", ForeignKey("household.id"), primary_key=True),
)

# --- the party organisation (rules Y1, Y2) ---

# The roster's optional party columns of one person; 联系党员 (liaison_id) is the party
# member who liaises with this person's household.
party_roster = Table(
    "party_roster", metadata,
    Column("person_id", ForeignKey("person.id"), primary_key=True),
    Column("branch", String(64)),
    Column("post", String(16)),
    Column("reserve_cadre", Boolean, nullable=False),
    Column("activist", Boolean, nullable=False),
    Column("mobile", Boolean, nullable=False),
    Column("position", String(64)),
    Column("liaison_id", ForeignKey("person.id")),
)

# A party meeting (三会一课, 主题党日, 中心组学习); homestead_id for a 党小组会.
party_lesson = Table(
    "party_lesson", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("village.id"), nullable=False),
    Column("branch", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("topic", Text, nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("homestead_id", ForeignKey("homestead.id")),
    Column("called_by", ForeignKey("person.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_party_lesson_starts", "starts_at"),
)

# Who was expected at a party meeting, fixed when it was called; a 流动党员 is excused.
party_roll = Table(
    "party_roll", metadata,
    Column("lesson_id", ForeignKey("party_lesson.id"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
    Column("excused", Boolean, nullable=False),
    Column("present_at", UTCDateTime),
    Column("recorded_by", ForeignKey("person.id")),
)

# A party member's visit to a household they liaise with (党员联系户).
party_visit = Table(
    "party_visit", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("household_id", ForeignKey("household.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_party_visit_person", "person_id"),
)

# 党费 paid by a member for a month, in fen; kept, never edited: the newest row counts.
party_dues = Table(
    "party_dues", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("month", String(7), nullable=False),
    Column("amount", Integer, nullable=False),
    Column("recorded_by", ForeignKey("person.id")),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_party_dues_month", "month", "person_id"),
)

# --- durable intake and several workers (issue 22 items 4, 7, 13) ---

# Every update or callback a platform delivered, written before it is answered 200;
# handled from here, and kept a while after as the seen-ids of the replay guard.
inbox = Table(
    "inbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("key", String(200), nullable=False),
    Column("chat_id", String(128), nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("not_before", UTCDateTime, nullable=False),
    Column("status", String(8), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("handled_at", UTCDateTime),
    Column("last_error", Text),
    UniqueConstraint("channel", "key", name="uq_inbox_key"),
    Index("ix_inbox_due", "status", "not_before"),
    Index("ix_inbox_chat", "channel", "chat_id", "status", "id"),
)

# One row per run of a timed job and due time: the worker that inserts it runs the job.
job_claim = Table(
    "job_claim", metadata,
    Column("name", String(64), primary_key=True),
    Column("due_at", UTCDateTime, primary_key=True),
    Column("claimed_at", UTCDateTime, nullable=False),
    Column("worker", String(128), nullable=False),
)

# A role one worker holds at a time (Telegram polling), for as long as it renews it.
lease = Table(
    "lease", metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(128), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

# The command menu each chat (or one member in a group, ``member``; "" for the chat) was
# last sent, by name and digest of its entries: menus are queued only where they differ.
chat_menu = Table(
    "chat_menu", metadata,
    Column("channel", String(16), primary_key=True),
    Column("chat_id", String(128), primary_key=True),
    Column("member", String(128), primary_key=True),
    Column("chat_kind", String(8), nullable=False),
    Column("menu", String(64), nullable=False),
    Column("digest", String(16), nullable=False),
    Column("queued_at", UTCDateTime, nullable=False),
)
