"""The annual 五面红旗 award (rules A1-A3) on the criteria checklists of core.criteria.

A village (or community) applies for a flag for a year; the township reviews each
criterion; a flag with every criterion met goes to 公示; after the 公示 with every
objection answered it is awarded (授牌); an incident breaking a none-happened criterion
or a failed re-review withdraws it (摘牌). It runs beside the monthly flags of
core.flags and shares nothing with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from core import texts
from core.criteria import Answer, Checklist, Criterion, Kind, Outcome, Subject
from core.publication import Notice, Objection, unanswered

SUBJECT_KIND = "village"  # the award's subject: a village or community (roster 村类型)
VILLAGE_CLASS = "村"
REMINDER_MONTH = 1  # rule A3: in January the officials re-review the flags awarded
EVIDENCE_WINDOW_MINUTES = 30  # a picture this soon after a criterion is shown is its evidence


def subject(village_id: int) -> Subject:
    """The criteria subject of a village."""
    return Subject(SUBJECT_KIND, village_id)


class Status(StrEnum):
    """Where a village's flag stands (export ``awards[].status``)."""

    DRAFT = "draft"
    APPLIED = "applied"
    REVIEWING = "reviewing"
    PUBLICIZED = "publicized"
    AWARDED = "awarded"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """The Chinese name of the status."""
        return texts.AWARD_STATUS[self.value]


@dataclass(frozen=True, slots=True)
class Record:
    """A flag's 公示, award and withdrawal, once its every criterion was met."""

    application_id: int
    notice_id: int | None
    awarded_on: date | None
    withdrawn_on: date | None
    withdrawn_reason: str | None


def status(submitted: bool, reviewed: bool, outcome: Outcome, record: Record | None) -> Status:
    """A flag's status from its application, its review and its record (rules A2-A3)."""
    if record is not None and record.withdrawn_on is not None:
        return Status.WITHDRAWN
    if record is not None and record.awarded_on is not None:
        return Status.AWARDED
    if outcome is Outcome.NOT_MET:
        return Status.REFUSED
    if record is not None and record.notice_id is not None and outcome is Outcome.MET:
        return Status.PUBLICIZED
    if not submitted:
        return Status.DRAFT
    return Status.REVIEWING if reviewed else Status.APPLIED


def holdup(notice: Notice, objections: Sequence[Objection], now: datetime) -> str | None:
    """Why a publicized flag may not be awarded yet (rule A2), or None when it may.

    The 公示 must have run its whole period and every objection must be answered.
    """
    if notice.running(now):
        return texts.AWARD_HELD_RUNNING.format(number=notice.id)
    waiting = unanswered(objections)
    if waiting:
        return texts.AWARD_HELD_OBJECTIONS.format(
            number=notice.id, sequences="、".join(str(item.number) for item in waiting))
    return None


def breaks(checklist: Checklist, incident_type: str) -> bool:
    """Whether an incident of this type breaks one of the flag's none-happened criteria (A3)."""
    return incident_type in checklist.incident_types


def incident_types(checklists: Sequence[Checklist]) -> tuple[str, ...]:
    """Every incident type the flags list, in order, each once."""
    seen: dict[str, None] = {}
    for checklist in checklists:
        seen.update(dict.fromkeys(checklist.incident_types))
    return tuple(seen)


def parse_year(word: str, this_year: int) -> int | None:
    """A YYYY year from 2000 up to this year, or None."""
    if len(word) == 4 and word.isdecimal() and 2000 <= int(word) <= this_year:
        return int(word)
    return None


def figures_text(criterion: Criterion) -> str:
    """The figures a number criterion asks for, with their thresholds, joined as the seed."""
    joiner = texts.AWARD_OR if criterion.either else texts.AWARD_AND
    return joiner.join(f"{figure.label}{figure.compare.sign}{figure.threshold:g}{figure.unit}"
                       for figure in criterion.figures)


def answer_text(criterion: Criterion, answer: Answer | None) -> str:
    """What the applicant said of a criterion, short."""
    if answer is None:
        return texts.AWARD_NOT_ANSWERED
    if criterion.kind is Kind.NUMBER:
        return "、".join(f"{figure.label}{answer.figures[figure.key]:g}{figure.unit}"
                        for figure in criterion.figures if figure.key in answer.figures)
    if criterion.kind is Kind.NONE_HAPPENED:
        return texts.AWARD_NONE_YES if answer.value else texts.AWARD_NONE_NO
    return texts.AWARD_YES if answer.value else texts.AWARD_NO
