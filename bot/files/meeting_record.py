"""The printable record of one meeting (台账): what the PDF and the spreadsheet both show."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core import texts
from core.meetings import households_required, quorum_met
from core.tasks import FROM_MOTION, TaskStatus
from storage import issues, meeting_attendance, meeting_prep, meetings, org, tasks
from storage.context import Context

Row = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    """A meeting as the village files it, every value already a text to print."""

    title: str
    head: list[tuple[str, str]]  # label, value: 屋场, time, place, topic, village topic
    quorum: str
    attendance: list[Row]
    motions: list[Row]
    decisions: list[Row]
    minutes: list[Row]
    issues: list[Row]


class UnknownMeeting(LookupError):
    """No meeting has this id."""


class MeetingNotHeld(LookupError):
    """The meeting has not ended (scheduled, open or cancelled): it has no record yet."""


async def load_record(context: Context, meeting_id: int) -> MeetingRecord:
    """Read one meeting and all it produced, in one read transaction."""
    async with context.db.read() as connection:
        found = await meetings.get(connection, meeting_id)
        if found is None:
            raise UnknownMeeting(meeting_id)
        if found.status != meetings.ENDED:
            raise MeetingNotHeld(meeting_id)
        homestead = await org.homestead_by_id(connection, found.homestead_id)
        assert homestead is not None
        local = context.local(found.starts_at)
        village_topic = await meeting_prep.topic_of(connection, homestead.village_id,
                                                    f"{local:%Y-%m}")
        present = await meeting_attendance.attendance(connection, meeting_id)
        names = await meeting_attendance.checked_in_names(connection, meeting_id)
        resident = (found.resident_households if found.resident_households is not None
                    else await meetings.resident_households(connection, homestead.id))
        motions = await meetings.motions_of(connection, meeting_id)
        made = await tasks.from_origins(connection, FROM_MOTION, [motion.id for motion in motions])
        minutes = await meetings.minutes_of(connection, meeting_id)
        raised = await issues.raised_in_meeting(connection, meeting_id)
    values = {"homestead": homestead.full_name, "when": texts.format_when(local),
              "place": found.place, "topic": found.topic,
              "village_topic": village_topic or texts.RECORD_NONE}
    met = quorum_met(present.households_present, resident)  # rule M3
    motion_rows: list[Row] = []
    for number, motion in enumerate(motions, start=1):
        yes, no, abstain = motion.result or motion.tally or (0, 0, 0)
        verdict = (texts.FAILED if not motion.passed else
                   texts.PASSED if motion.binding else texts.RECORD_NOT_BINDING)
        motion_rows.append((str(number), motion.text, str(yes), str(no), str(abstain),
                            str(motion.persons_present or 0), verdict))
    return MeetingRecord(
        title=f"{homestead.full_name}{texts.RECORD_TITLE}",
        head=[(label, template.format(**values)) for label, template in texts.RECORD_HEAD],
        quorum=texts.RECORD_QUORUM.format(
            resident=resident, required=households_required(resident),
            present=present.households_present, persons=present.persons_present,
            quorum=texts.SUMMARY_QUORUM_MET if met else texts.SUMMARY_QUORUM_MISSED),
        attendance=[(str(number), str(persons), "、".join(names.get(number, [])))
                    for number, persons in present.persons_by_household.items()],
        motions=motion_rows,
        decisions=[(str(decision.id), decision.subject, texts.format_day(decision.due),
                    texts.DECISION_DONE.format(report=decision.report or "")
                    if decision.status is TaskStatus.DONE else texts.DECISION_OPEN.format(
                        due=texts.format_day(decision.due)))
                   for decision in made],
        minutes=[(f"{context.local(at):%H:%M}", name, text) for at, name, text in minutes],
        issues=[(str(issue.id), issue.title, issue.category or texts.NO_CATEGORY)
                for issue in raised],
    )


def sections(record: MeetingRecord) -> list[tuple[str, Row, list[Row]]]:
    """The record's tables in print order: heading, column names, rows."""
    return [
        (texts.RECORD_ATTENDANCE, texts.RECORD_ATTENDANCE_COLUMNS, record.attendance),
        (texts.RECORD_MOTIONS, texts.RECORD_MOTION_COLUMNS, record.motions),
        (texts.RECORD_DECISIONS, texts.RECORD_DECISION_COLUMNS, record.decisions),
        (texts.RECORD_MINUTES, texts.RECORD_MINUTE_COLUMNS, record.minutes),
        (texts.RECORD_ISSUES, texts.RECORD_ISSUE_COLUMNS, record.issues),
    ]


async def write_record(context: Context, meeting_id: int, path: Path) -> None:
    """Write a meeting's record to ``path``: PDF or xlsx by its suffix (ValueError if neither).

    The file is drawn after the read transaction has ended.
    """
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ValueError(path)
    record = await load_record(context, meeting_id)
    if suffix == ".pdf":
        from bot.files.minutes_pdf import write_pdf

        write_pdf(record, path)
    else:
        from bot.files.minutes_xlsx import write_xlsx

        write_xlsx(record, path)
