"""Follow-up tasks (DESIGN §3): what an office must carry out, by when, and its report.

One mechanism for every system: a meeting's decisions (决议, rule M9) today; a yellow
flag's rectification (整改, F13) and a sent-back award criterion (A2) reuse it. A task
belongs to a place, is owned by an office there (a named person, or whoever holds the
role), falls due on a date and stays open until its owner reports it done (说明).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from core import texts
from core.models import Office, Person
from core.permissions import Place
from core.roles import Role

DECISION_DAYS = 30
FROM_MOTION = "motion"  # the origin of a decision: the motion that passed


class TaskKind(StrEnum):
    """What a task follows up."""

    DECISION = "decision"  # a motion passed at a quorate meeting (rule M9)
    RECTIFICATION = "rectification"  # 整改 after a yellow flag (rule F13)
    CRITERION = "criterion"  # an award criterion sent back (rule A2)
    TALK = "talk"  # a township official's talk (约谈) with a village (rules S2, F7)
    REMEDY = "remedy"  # a cadre's rectification item from the 民主生活会 (rule Y4)


class TaskStatus(StrEnum):
    """A task is open until its owner reports it done."""

    OPEN = "open"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Task:
    """One follow-up task as its projection shows it now.

    ``origin`` and ``origin_id`` name the record it follows up (``motion`` 12);
    ``place`` is where it belongs; ``owner`` who carries it out.
    """

    id: int
    kind: TaskKind
    subject: str
    origin: str
    origin_id: int | None
    place: Place
    owner: Office
    due: date
    status: TaskStatus
    report: str | None
    created_at: datetime
    done_at: datetime | None
    done_by: int | None


def office_at(role: Role, place: Place, title: str, person_id: int | None = None) -> Office:
    """The office of ``role`` over ``place``, narrowed to the role's level.

    A 屋场长 answers for a 屋场, a 村干部 for a village, a 镇干部 for a township; a
    named ``person_id`` makes the office that one person.
    """
    if role is Role.TOWNSHIP_OFFICIAL:
        place = Place(place.township_id)
    elif role is Role.VILLAGE_CADRE:
        place = Place(place.township_id, place.village_id)
    return Office(role, place, title, person_id)


def decision_due(meeting_day: date) -> date:
    """The day a decision must be carried out by: 30 days after its meeting (rule M9)."""
    return meeting_day + timedelta(days=DECISION_DAYS)


def rectification_due(confirmed_on: date) -> date:
    """A yellow flag's rectification falls due on the last day of its month (rule F13)."""
    next_month = date(confirmed_on.year + confirmed_on.month // 12, confirmed_on.month % 12 + 1, 1)
    return next_month - timedelta(days=1)


def task_overdue(task: Task, today: date) -> bool:
    """Whether a task is still open after its due day (rule M9 for decisions)."""
    return task.status is TaskStatus.OPEN and today > task.due


def may_report(task: Task, person: Person) -> bool:
    """Whether ``person`` may report the task done: whoever holds its owning office."""
    return task.owner.held_by(person)


def overdue_decisions(tasks: Sequence[Task]) -> str:
    """Decisions still open after their 30 days, one a line, for the head (rule M9)."""
    return "\n".join(texts.OVERDUE_DECISION.format(
        number=found.id, text=found.subject, due=texts.format_day(found.due)) for found in tasks)
