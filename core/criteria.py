"""Criteria checklists (DESIGN §3): a standard of numbered criteria, applied for and reviewed.

Built once and reused: the 五面红旗 award (rules A1-A3, a village or community applies
for a flag) and the 五个好 party-branch standard (rule Y4, a branch self-checks and the
township inspects). The subject is generic (a kind and an id); a scheme is plain data;
a figure may name a provider that fills it from the bot's own records.

A criterion is one of three kinds (rule A1): yes/no; a number against a threshold,
≥ or >, where two figures joined by OR meet it when either does (seed 000: "流转土地实施
规模化经营面积占总面积的30%以上，或流转土地农户占农户总数的30%以上"); or "none happened",
which any incident of its listed types recorded against the subject in the period breaks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a criterion asks."""

    YES_NO = "yes_no"
    NUMBER = "number"
    NONE_HAPPENED = "none_happened"


class Compare(StrEnum):
    """How a figure meets its threshold: at least (≥, the seeds' "以上"/"达到") or above (>)."""

    AT_LEAST = "at_least"
    ABOVE = "above"

    @property
    def sign(self) -> str:
        """The sign people read."""
        return "≥" if self is Compare.AT_LEAST else ">"


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure a number criterion asks for, with its threshold.

    ``source`` names a provider that fills it from the bot's records (None: typed in).
    """

    key: str
    label: str
    threshold: float
    compare: Compare = Compare.AT_LEAST
    unit: str = ""
    source: str | None = None

    def meets(self, value: float) -> bool:
        """Whether ``value`` meets the threshold: exactly at it meets ≥, not >."""
        if self.compare is Compare.AT_LEAST:
            return value >= self.threshold
        return value > self.threshold


@dataclass(frozen=True, slots=True)
class Criterion:
    """One numbered criterion of a standard, as the seed words it."""

    number: int
    title: str
    text: str
    kind: Kind
    figures: tuple[Figure, ...] = ()  # NUMBER: one figure, or two joined by OR (or AND)
    either: bool = True  # two figures: either meeting its threshold is enough (the seed's 或)
    incidents: tuple[str, ...] = ()  # NONE_HAPPENED: the incident types that break it

    @property
    def recorded(self) -> frozenset[str]:
        """The keys of its figures the bot's own records fill (a ``source``): never typed."""
        return frozenset(figure.key for figure in self.figures if figure.source)

    @property
    def typed(self) -> bool:
        """Whether the applicant answers it: not a criterion whose every figure is recorded."""
        return not self.figures or len(self.recorded) < len(self.figures)


@dataclass(frozen=True, slots=True)
class Checklist:
    """A standard (one flag, or the 五个好): its name and numbered criteria."""

    name: str
    criteria: tuple[Criterion, ...]

    def criterion(self, number: int) -> Criterion | None:
        """The criterion with this number, if any."""
        return next((found for found in self.criteria if found.number == number), None)

    @property
    def incident_types(self) -> tuple[str, ...]:
        """Every incident type any of its none-happened criteria lists, in order."""
        seen: dict[str, None] = {}
        for found in self.criteria:
            seen.update(dict.fromkeys(found.incidents))
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Scheme:
    """Named checklists for each class of subject (e.g. 村 and 社区), as a file gives them."""

    name: str
    classes: Mapping[str, tuple[Checklist, ...]]

    def checklists(self, subject_class: str) -> tuple[Checklist, ...]:
        """The checklists a subject of this class may apply for (the first class if unknown)."""
        if subject_class in self.classes:
            return self.classes[subject_class]
        return next(iter(self.classes.values()), ())

    def checklist(self, subject_class: str, name: str) -> Checklist | None:
        """The checklist named ``name`` for this class of subject."""
        return next((found for found in self.checklists(subject_class) if found.name == name),
                    None)


@dataclass(frozen=True, slots=True)
class Subject:
    """Who applies: ``kind`` says what (village, branch), ``id`` which one."""

    kind: str
    id: int


@dataclass(frozen=True, slots=True)
class Answer:
    """What the applicant says of one criterion: yes/no, figures, a note."""

    criterion: int
    value: bool | None = None
    figures: Mapping[str, float] = field(default_factory=dict)
    note: str | None = None

    def plain(self) -> dict[str, Any]:
        """The answer as stored and logged."""
        return {"value": self.value, "figures": dict(self.figures), "note": self.note}


@dataclass(frozen=True, slots=True)
class Incident:
    """An incident recorded against a subject (e.g. 刑事案件), breaking none-happened criteria."""

    type: str
    text: str
    on: date


class Review(StrEnum):
    """The township's verdict on one criterion (rule A2)."""

    MET = "met"
    NOT_MET = "not_met"
    SENT_BACK = "sent_back"


@dataclass(frozen=True, slots=True)
class Verdict:
    """A reviewer's verdict on one criterion; a sent-back one carries a reason and a date."""

    criterion: int
    review: Review
    reason: str | None = None
    due: date | None = None


class Outcome(StrEnum):
    """Where a whole checklist stands after review."""

    INCOMPLETE = "incomplete"  # a criterion not reviewed yet, or sent back
    MET = "met"  # every criterion met
    NOT_MET = "not_met"  # every criterion reviewed, one or more not met


def breaking(criterion: Criterion, incidents: Iterable[Incident]) -> list[Incident]:
    """The incidents that break a none-happened criterion (rule A1); none for other kinds."""
    if criterion.kind is not Kind.NONE_HAPPENED:
        return []
    return [found for found in incidents if found.type in criterion.incidents]


def evaluate(criterion: Criterion, answer: Answer | None,
             incidents: Iterable[Incident] = ()) -> bool | None:
    """Whether the applicant's answer meets the criterion (rule A1); None if unanswered.

    A number criterion with two figures joined by OR is met when either figure meets
    its threshold (one figure given is enough if it meets); joined by AND, both must.
    None happened is met unless an incident of its types was recorded, whatever the
    applicant said.
    """
    if criterion.kind is Kind.NONE_HAPPENED:
        if breaking(criterion, incidents):
            return False
        return None if answer is None or answer.value is None else answer.value
    if answer is None:
        return None
    if criterion.kind is Kind.YES_NO:
        return answer.value
    given = [(figure, answer.figures[figure.key]) for figure in criterion.figures
             if figure.key in answer.figures]
    if not answered(criterion, answer):
        return None
    if criterion.either:
        return any(figure.meets(value) for figure, value in given)
    return all(figure.meets(value) for figure, value in given)


def answered(criterion: Criterion, answer: Answer | None) -> bool:
    """Whether the applicant has said what the criterion asks: yes/no, or a figure."""
    if answer is None:
        return False
    if criterion.kind is Kind.NUMBER:
        given = [figure.key in answer.figures for figure in criterion.figures]
        return any(given) if criterion.either else all(given)
    return answer.value is not None


def unanswered(checklist: Checklist, answers: Mapping[int, Answer]) -> list[int]:
    """The criteria an application may not be submitted without, by number."""
    return [found.number for found in checklist.criteria
            if not answered(found, answers.get(found.number))]


def outcome(checklist: Checklist, verdicts: Mapping[int, Verdict],
            incidents: Iterable[Incident] = ()) -> Outcome:
    """Where the checklist stands (rule A2): met only when every criterion was found met.

    An incident recorded after a none-happened criterion was found met still breaks it.
    """
    happened = list(incidents)
    states: list[Review | None] = []
    for found in checklist.criteria:
        verdict = verdicts.get(found.number)
        if breaking(found, happened):
            states.append(Review.NOT_MET)
        else:
            states.append(verdict.review if verdict is not None else None)
    if Review.NOT_MET in states and all(state in (Review.MET, Review.NOT_MET)
                                        for state in states):
        return Outcome.NOT_MET
    if all(state is Review.MET for state in states):
        return Outcome.MET
    return Outcome.INCOMPLETE


def met_count(checklist: Checklist, verdicts: Mapping[int, Verdict],
              incidents: Iterable[Incident] = ()) -> int:
    """How many criteria the review found met (an incident unmeets a none-happened one)."""
    happened = list(incidents)
    return sum(1 for found in checklist.criteria
               if (verdict := verdicts.get(found.number)) is not None
               and verdict.review is Review.MET and not breaking(found, happened))


def next_open(checklist: Checklist, answers: Mapping[int, Answer],
              after: int = 0) -> Criterion | None:
    """The first criterion after number ``after`` the applicant has not answered yet.

    A criterion whose figures all come from the bot's records is not asked: they fill it.
    """
    left = unanswered(checklist, answers)
    return next((found for found in checklist.criteria
                 if found.number > after and found.number in left and found.typed), None)


def read_figures(criterion: Criterion, words: Sequence[str]) -> dict[str, float]:
    """Typed figures in the criterion's order: a number, or ``-`` to skip one of an OR.

    A trailing ``%`` is allowed. Raise ValueError if a word is not a number or too many
    are given.
    """
    if len(words) > len(criterion.figures) or not words:
        raise ValueError("figures")
    found: dict[str, float] = {}
    for figure, word in zip(criterion.figures, words, strict=False):
        if word in ("-", "－"):
            continue
        value = float(word.rstrip("%％"))
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            raise ValueError(word)
        found[figure.key] = value
    if not found:
        raise ValueError("figures")
    return found
