"""The words of the public notice board (公开栏, rule P3), shared by its web page and poster.

Each function turns one item of ``core.board.Board`` into the lines people read, so
the page on a phone and the A4 poster on the wall say the same thing the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from fractions import Fraction

from core import texts
from core.board import (
    BoardDecision,
    BoardFlag,
    BoardIssue,
    BoardMeeting,
    BoardMotion,
    BoardNotice,
    BoardSettlement,
    MeetingState,
)
from core.flags import Flag
from core.issues import percent
from handlers.flags import money_text


def day(value: date) -> str:
    """A date as 2026年11月12日."""
    return texts.BOARD_DAY.format(year=value.year, month=value.month, day=value.day)


def when(value: datetime) -> str:
    """A local time with its year: 2026年11月20日（周五）19:30."""
    return f"{value.year}年{texts.format_when(value)}"


def notice_meta(notice: BoardNotice) -> str:
    """A notice's number, when it was sent and, for a 公示, when it ends."""
    meta = texts.BOARD_NOTICE_META.format(number=notice.id, when=when(notice.sent_at))
    if notice.ends_at is not None:
        meta += "｜" + texts.BOARD_PUBLICITY_ENDS.format(when=when(notice.ends_at))
    if notice.attachments:
        meta += "｜" + texts.BOARD_ATTACHMENTS.format(names="、".join(notice.attachments))
    return meta


def objection_lines(notice: BoardNotice) -> list[str]:
    """A 公示's objections, each with its answer; never who objected (rule P3)."""
    lines = [f"{texts.BOARD_OBJECTION.format(number=found.number, text=found.text)} "
             f"{texts.BOARD_ANSWER.format(text=found.answer or texts.BOARD_UNANSWERED)}"
             for found in notice.objections]
    if notice.publicity and not lines:
        lines.append(texts.BOARD_NO_OBJECTIONS)
    return lines


def issue_title(found: BoardIssue) -> str:
    """12号 村口路灯坏了."""
    return texts.BOARD_ISSUE_TITLE.format(number=found.number, title=found.title)


def issue_meta(found: BoardIssue) -> str:
    """Where an issue is, its status, deadline (with 超期) and satisfaction."""
    meta = texts.BOARD_ISSUE_META.format(
        homestead=found.homestead, category=found.category or texts.NO_CATEGORY,
        level=found.level.label, status=found.status.label)
    if found.deadline is not None:
        meta += "｜" + texts.BOARD_DEADLINE.format(day=day(found.deadline))
    if found.overdue:
        meta += texts.OVERDUE_MARK
    if found.satisfaction is not None:
        meta += "｜" + texts.BOARD_SATISFACTION.format(rate=satisfaction(found))
    return meta


def satisfaction(found: BoardIssue) -> str:
    """The issue's satisfaction as a percentage (rule I6), or — without ratings."""
    if found.satisfaction is None:
        return percent(None)
    return percent(Fraction(found.satisfaction).limit_denominator(10_000))


def meeting_title(found: BoardMeeting) -> str:
    """When, where and what a meeting is about."""
    return texts.BOARD_MEETING_TITLE.format(when=when(found.starts_at),
                                            homestead=found.homestead, topic=found.topic)


def attendance_line(found: BoardMeeting) -> str | None:
    """Households present of those required, and whether that is a quorum (rule M3)."""
    if found.state is MeetingState.SCHEDULED:
        return None
    quorum = texts.SUMMARY_QUORUM_MET if found.quorum_met else texts.SUMMARY_QUORUM_MISSED
    return texts.BOARD_ATTENDANCE.format(present=found.households_present,
                                         required=found.households_required, quorum=quorum)


def motion_line(number: int, motion: BoardMotion) -> str:
    """One motion and its result, in the words of the meeting summary (rule M4)."""
    if motion.passed is None:
        verdict = texts.BOARD_MOTION_OPEN
    else:
        verdict = texts.PASSED if motion.passed else texts.FAILED
    return texts.SUMMARY_MOTION.format(
        number=number, text=motion.text, verdict=verdict, yes=motion.yes, no=motion.no,
        abstain=motion.abstain,
        binding=texts.NOT_BINDING_SHORT if motion.binding is False else "")


def decision_line(found: BoardDecision) -> str:
    """A decision and whether it has been carried out (rule M9)."""
    state = texts.BOARD_DECISION_DONE if found.done else texts.BOARD_DECISION_OPEN
    return (texts.BOARD_DECISION.format(number=found.number, homestead=found.homestead,
                                        text=found.text) + f"（{state}）")


def settlement_heading(settlement: BoardSettlement) -> str:
    """The month and the confirmed version it shows (F8)."""
    return texts.BOARD_FLAG_MONTH.format(month=settlement.month, version=settlement.version)


def settlement_lines(settlement: BoardSettlement, flags: Iterable[BoardFlag]) -> list[str]:
    """A confirmed month: red and yellow categories, money and scores (F6, F8)."""
    month = [found for found in flags if found.month == settlement.month]
    reds = "、".join(found.category for found in month if found.flag is Flag.RED)
    yellows = "、".join(found.category for found in month if found.flag is Flag.YELLOW)
    lines = [texts.BOARD_FLAG_LINE.format(reds=reds or texts.FLAGS_NONE,
                                          yellows=yellows or texts.FLAGS_NONE),
             money_text(settlement.amount)]
    scores = "、".join(f"{found.category}{found.score:g}" for found in month
                       if found.score is not None)
    if scores:
        lines.append(texts.BOARD_SCORES.format(items=scores))
    return lines
