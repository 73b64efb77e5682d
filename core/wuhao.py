"""The 五个好 village party branch (rule Y4, seed 001): subject, stages, 民主生活会, progress.

The year runs in three stages; the 民主生活会 gives each cadre rectification items; /wuhao
shows the progress against the targets.

The standard itself is a criteria scheme (bot/schemes/wuhao-001.toml, core.criteria): the
branch self-checks it and the township inspects it with the award's review (rule A2).
The subject is the village's party organisation (村党总支 / 党支部), numbered by its village.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core import texts
from core.criteria import Checklist, Criterion, Kind

SUBJECT_KIND = "branch"
BRANCH_CLASS = "党支部"  # the scheme's one class of subject ([[branch]])
MIN_REMEDY_ITEMS = 2  # seed 001: 每位班子成员至少要查找两条以上整改问题
MAX_REMEDY_ITEMS = 10
REMEDY_ITEM_MAX = 200  # characters of one rectification item
REMINDER_DAYS = 3  # a stage reminder missed on the 1st still goes out this many days in
ITEM_SEPARATORS = re.compile(r"[;；\n]+")


# --- the year's three stages (seed 001 §四 方法步骤) ---------------------------------------

class Stage(StrEnum):
    """The stages of a creation year: 宣传动员 Jan-Mar, 组织实施 Apr-Oct, 检查提高 Nov-Mar."""

    MOBILISE = "宣传动员"
    IMPLEMENT = "组织实施"
    INSPECT = "检查提高"


@dataclass(frozen=True, slots=True)
class StageSpan:
    """A stage's first and last month; a last month before the first is in the next year."""

    stage: Stage
    first: int
    last: int


SPANS: tuple[StageSpan, ...] = (StageSpan(Stage.MOBILISE, 1, 3),
                                StageSpan(Stage.IMPLEMENT, 4, 10),
                                StageSpan(Stage.INSPECT, 11, 3))


class Moment(StrEnum):
    """When a stage reminder goes out: at its start, or a month before its end."""

    START = "start"
    ENDING = "ending"


@dataclass(frozen=True, slots=True)
class StageReminder:
    """One reminder due: the stage, which moment, and the creation year it belongs to."""

    stage: Stage
    moment: Moment
    year: int


def stages_of(day: date) -> list[tuple[Stage, int]]:
    """The stages running on ``day`` with their creation year (Jan-Mar runs two)."""
    found = []
    for span in SPANS:
        if span.first <= span.last:
            if span.first <= day.month <= span.last:
                found.append((span.stage, day.year))
        elif day.month >= span.first:  # a stage over New Year: begun this year
            found.append((span.stage, day.year))
        elif day.month <= span.last:  # ... or last year
            found.append((span.stage, day.year - 1))
    return found


def reminders_due(day: date) -> list[StageReminder]:
    """The reminders due on ``day``: each stage's start, and a month before its end.

    Both fall on the 1st of a month; a service that was down then catches up within
    ``REMINDER_DAYS`` days. The job sends each at most once (its outbox key names the
    stage, moment and year).
    """
    if day.day > REMINDER_DAYS:
        return []
    due = []
    for stage, year in stages_of(day):
        span = next(item for item in SPANS if item.stage is stage)
        if day.month == span.first:
            due.append(StageReminder(stage, Moment.START, year))
        if day.month == span.last:  # the last month begins a month before the stage ends
            due.append(StageReminder(stage, Moment.ENDING, year))
    return due


def inspection_year(day: date) -> int:
    """The creation year a self-check or inspection on ``day`` is for (检查提高 runs to March)."""
    return day.year - 1 if day.month <= SPANS[2].last else day.year


# --- the 民主生活会's rectification items (seed 001 领导班子好 4) -------------------------

def read_items(text: str) -> list[str]:
    """The rectification items typed for one cadre, split at ；/; or new lines."""
    return [item.strip() for item in ITEM_SEPARATORS.split(text) if item.strip()]


def items_problem(items: Sequence[str]) -> str | None:
    """Why these items may not be recorded (rule Y4: at least two per cadre), or None."""
    if len(items) < MIN_REMEDY_ITEMS:
        return texts.WUHAO_REMEDY_TOO_FEW.format(count=len(items), least=MIN_REMEDY_ITEMS)
    if len(items) > MAX_REMEDY_ITEMS:
        return texts.WUHAO_REMEDY_TOO_MANY.format(most=MAX_REMEDY_ITEMS)
    if any(len(item) > REMEDY_ITEM_MAX for item in items):
        return texts.WUHAO_REMEDY_TOO_LONG.format(most=REMEDY_ITEM_MAX)
    return None


def fewest_items(roll: Sequence[int], items_by_cadre: Mapping[int, int]) -> int:
    """The fewest rectification items any cadre on the meeting's roll was given (0 if none)."""
    return min((items_by_cadre.get(person_id, 0) for person_id in roll), default=0)


# --- progress against the targets (/wuhao) -------------------------------------------------

def targets(checklist: Checklist) -> list[Criterion]:
    """The checklist's criteria with figures to reach: the targets /wuhao follows."""
    return [found for found in checklist.criteria if found.kind is Kind.NUMBER]


def shown(value: float) -> float:
    """A figure to one decimal, cut down, never rounded up to a threshold it misses."""
    return math.floor(value * 10) / 10


def progress_line(criterion: Criterion, figures: Mapping[str, float]) -> str:
    """One target with the figures reached so far against their thresholds."""
    parts = []
    for figure in criterion.figures:
        value = figures.get(figure.key)
        if value is None:
            parts.append(texts.WUHAO_FIGURE_OPEN.format(
                label=figure.label, sign=figure.compare.sign, threshold=f"{figure.threshold:g}",
                unit=figure.unit))
            continue
        parts.append(texts.WUHAO_FIGURE.format(
            label=figure.label, value=f"{shown(value):g}", sign=figure.compare.sign,
            threshold=f"{figure.threshold:g}", unit=figure.unit,
            mark=texts.WUHAO_REACHED if figure.meets(value) else texts.WUHAO_SHORT))
    return texts.WUHAO_TARGET_LINE.format(number=criterion.number, title=criterion.title,
                                          figures="；".join(parts))
