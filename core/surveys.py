"""Who may answer for a place, and the surveys (民主测评) built on it (rules I8, Y3).

Issue ratings (I8) and surveys (Y3) share ``ineligible``: the 群众 of the place aged
18+ answer, never the people assessed, nor a 村干部 or 镇干部. A survey sends one
anonymous card per household of its scope; its rate is (满意 + 基本满意) over the
cards answered, held against a threshold (seed 001: 90%).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction

from core import texts
from core.issues import Rating, RoundTally, percent
from core.meetings import may_participate
from core.messages import Button
from core.models import Person
from core.permissions import Place
from core.roles import Role

# The cadres and officials answer for the work being assessed; the 群众 assess it.
ASSESSING_ROLES = frozenset({Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICIAL})
MAX_WINDOW_DAYS = 60
REMIND_BEFORE = timedelta(days=1)  # the one reminder, this long before the window ends
COMMITTEE_WORD = "两委"
PARTY_WORD = "党员"
PERCENT_MARKS = ("%", "％")
MAX_SUBJECT = 40  # characters of a subject's name as stored and shown


class Ineligible(StrEnum):
    """Why a person may not answer: not of the place, under 18, assessed, or a cadre."""

    NOT_OF_PLACE = "not_of_place"
    UNDER_AGE = "under_age"
    ASSESSED = "assessed"
    CADRE = "cadre"

    @property
    def refusal(self) -> str:
        """What a rater of an issue is told; ``{place}`` is the 屋场, ``{role}`` their role."""
        return {
            Ineligible.NOT_OF_PLACE: texts.RATE_NOT_MEMBER,
            Ineligible.UNDER_AGE: texts.RATE_UNDER_AGE,
            Ineligible.ASSESSED: texts.RATE_ASSESSED,
            Ineligible.CADRE: texts.RATE_CADRE,
        }[self]

    @property
    def survey_refusal(self) -> str:
        """What a survey's rater is told; ``{place}`` is the scope, ``{role}`` their role."""
        return {
            Ineligible.NOT_OF_PLACE: texts.SURVEY_NOT_OF_PLACE,
            Ineligible.UNDER_AGE: texts.SURVEY_UNDER_AGE,
            Ineligible.ASSESSED: texts.SURVEY_ASSESSED,
            Ineligible.CADRE: texts.SURVEY_CADRE,
        }[self]


def ineligible(person: Person, scope: Place,
               assessed: Collection[int] = ()) -> Ineligible | None:
    """Why ``person`` may not answer for ``scope``, or None if they may (rules I8, Y3).

    ``scope`` is the issue's 屋场 or the survey's village or township. Those who
    answer are the villagers (群众) living there aged 18+, never the people whose work
    is assessed (``assessed``: person ids), nor a 村干部 or 镇干部.
    """
    if person.homestead_id is None or not scope.contains(person.place):
        return Ineligible.NOT_OF_PLACE
    if not may_participate(person.age):
        return Ineligible.UNDER_AGE
    if person.id in assessed:
        return Ineligible.ASSESSED
    if person.role in ASSESSING_ROLES:
        return Ineligible.CADRE
    return None


def card_holders(persons: Iterable[Person], scope: Place,
                 assessed: Collection[int]) -> dict[int, list[int]]:
    """The households of ``scope`` that get a survey card, each with who may answer it (Y3).

    A household gets one card when at least one of its members may answer
    (``ineligible``); the card goes to each of them, and the first to answer uses it.
    """
    holders: dict[int, list[int]] = {}
    for person in persons:
        if person.household_id is not None and ineligible(person, scope, assessed) is None:
            holders.setdefault(person.household_id, []).append(person.id)
    return holders


# --- what /survey asks for -------------------------------------------------------------

class SubjectKind(StrEnum):
    """What a survey assesses: one person, a village's 两委, or every party member of a branch."""

    PERSON = "person"
    COMMITTEE = "committee"
    PARTY = "party"


@dataclass(frozen=True, slots=True)
class Asked:
    """The subject as typed: its kind, a person's 编号, or the village named before 两委/党员."""

    kind: SubjectKind
    code: str | None = None
    village: str | None = None


def read_subject(word: str) -> Asked:
    """Read ``编号``, ``两委``, ``村名两委``, ``党员`` or ``村名党员``."""
    for ending, kind in ((COMMITTEE_WORD, SubjectKind.COMMITTEE), (PARTY_WORD, SubjectKind.PARTY)):
        if word.endswith(ending):
            return Asked(kind, village=word[:-len(ending)] or None)
    return Asked(SubjectKind.PERSON, code=word)


def read_threshold(word: str) -> int:
    """A threshold typed as 90, 90% or 90％: a whole percentage 1-100; ValueError otherwise."""
    digits = word.removesuffix(PERCENT_MARKS[0]).removesuffix(PERCENT_MARKS[1])
    if not digits.isascii() or not digits.isdecimal() or not 1 <= int(digits) <= 100:
        raise ValueError(word)
    return int(digits)


def card_title(kind: SubjectKind, village: str, subjects: Sequence[str]) -> str:
    """What a card rates, as people read it: a person's name, 金竹村两委, 金竹村党员（5人）."""
    if kind is SubjectKind.PARTY:
        return texts.SURVEY_PARTY.format(village=village, count=len(subjects))
    return subjects[0]


# --- the card, the window and the result -----------------------------------------------

def card_buttons(surveys: list[tuple[int, str]]) -> tuple[tuple[Button, ...], ...]:
    """The card's buttons: 满意 / 基本满意 / 不满意, a row for each subject (id, name).

    With several subjects each button is numbered as the card lists them (1满意).
    """
    numbered = len(surveys) > 1
    return tuple(
        tuple(Button(f"{position}{choice.label}" if numbered else choice.label,
                     f"svote:{survey_id}:{choice.value}") for choice in Rating)
        for position, (survey_id, _) in enumerate(surveys, start=1))


def reminder_at(opened: datetime, closes: datetime) -> datetime:
    """When the one reminder goes: a day before the window ends, or halfway if shorter."""
    return closes - min(REMIND_BEFORE, (closes - opened) / 2)


def survey_passed(tally: RoundTally, threshold: int) -> bool:
    """Whether the rate reaches the threshold: exactly at it passes (rule Y3).

    The rate is (满意 + 基本满意) / cards answered; a survey nobody answered has none
    and does not pass.
    """
    rate = tally.rate
    return rate is not None and rate * 100 >= threshold


def shown_rate(tally: RoundTally, threshold: int) -> str:
    """The rate as people read it, never rounded up to the threshold it misses."""
    return percent(tally.rate, line=Fraction(threshold, 100))


def result_line(subject: str, tally: RoundTally, threshold: int) -> str:
    """One subject's result: its rate, counts and whether it reached the threshold."""
    if tally.raters == 0:
        return texts.SURVEY_RESULT_NONE.format(subject=subject)
    verdict = texts.SURVEY_PASSED if survey_passed(tally, threshold) else texts.SURVEY_FAILED
    return texts.SURVEY_RESULT_LINE.format(
        subject=subject, rate=shown_rate(tally, threshold), satisfied=tally.satisfied,
        basically=tally.basically, dissatisfied=tally.dissatisfied, cards=tally.raters,
        verdict=verdict.format(threshold=threshold))
