"""Who may answer for a place (rules I8 and Y3 share it) and the surveys' rules, as pure functions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core import texts
from core.issues import RoundTally
from core.models import Person
from core.permissions import Place
from core.roles import Role
from core.surveys import (
    Asked,
    Ineligible,
    SubjectKind,
    card_buttons,
    card_holders,
    ineligible,
    read_subject,
    read_threshold,
    reminder_at,
    shown_rate,
    survey_passed,
)

HOME = 100
HERE = Place(1, 10, HOME)
VILLAGE = Place(1, 10)


def _person(role: Role = Role.VILLAGER, age: int = 40, homestead_id: int | None = HOME,
            person_id: int = 7) -> Person:
    return Person(id=person_id, code=f"P{person_id}", name="某人", role=role, age=age,
                  party_member=False, township_id=1, township="金溪镇", village_id=10,
                  village="金竹村", homestead_id=homestead_id, homestead="枫树湾",
                  household=3 if homestead_id else None, phone=None)


@pytest.mark.parametrize("role", [Role.VILLAGER, Role.HEAD, Role.RECORDER])
def test_the_villagers_of_the_place_aged_18_may_answer(role: Role) -> None:
    assert ineligible(_person(role, age=18), HERE) is None
    assert ineligible(_person(role, age=90), HERE, assessed={8, 9}) is None


@pytest.mark.parametrize("age", [16, 17])
def test_under_18_may_not(age: int) -> None:
    assert ineligible(_person(age=age), HERE) is Ineligible.UNDER_AGE


@pytest.mark.parametrize("homestead_id", [HOME + 1, None])
def test_someone_of_another_place_may_not(homestead_id: int | None) -> None:
    assert ineligible(_person(homestead_id=homestead_id), HERE) is Ineligible.NOT_OF_PLACE
    # Not of the place comes first, even for a minor or a cadre.
    assert ineligible(_person(Role.VILLAGE_CADRE, age=15, homestead_id=homestead_id),
                      HERE) is Ineligible.NOT_OF_PLACE


@pytest.mark.parametrize("role", [Role.HEAD, Role.VILLAGER, Role.VILLAGE_CADRE])
def test_the_one_assessed_may_not(role: Role) -> None:
    assert ineligible(_person(role), HERE, assessed={7}) is Ineligible.ASSESSED


@pytest.mark.parametrize("role", [Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICIAL])
def test_cadres_and_officials_living_there_may_not(role: Role) -> None:
    assert ineligible(_person(role), HERE) is Ineligible.CADRE
    assert ineligible(_person(role, age=17), HERE) is Ineligible.UNDER_AGE


def test_every_reason_has_its_text() -> None:
    shown = {reason: reason.refusal.format(place="金竹村枫树湾", role="村干部")
             for reason in Ineligible}
    assert shown == {
        Ineligible.NOT_OF_PLACE: texts.RATE_NOT_MEMBER.format(place="金竹村枫树湾"),
        Ineligible.UNDER_AGE: texts.RATE_UNDER_AGE.format(place="金竹村枫树湾"),
        Ineligible.ASSESSED: texts.RATE_ASSESSED,
        Ineligible.CADRE: texts.RATE_CADRE.format(role="村干部"),
    }
    assert len(set(shown.values())) == len(Ineligible)
    surveyed = {reason.survey_refusal.format(place="石门村", role="村干部") for reason in Ineligible}
    assert len(surveyed) == len(Ineligible) and not surveyed & set(shown.values())


# --- surveys (rule Y3) -------------------------------------------------------------------

@pytest.mark.parametrize(("tally", "threshold", "passed"), [
    (RoundTally(9, 0, 1), 90, True),  # exactly 90% passes
    (RoundTally(5, 4, 1), 90, True),  # 基本满意 counts as satisfied
    (RoundTally(8, 0, 1), 90, False),  # 88.9%
    (RoundTally(17, 0, 2), 90, False),  # 89.47%
    (RoundTally(179, 0, 21), 90, False),  # 89.5%, shown as 89%
    (RoundTally(10, 0, 0), 100, True),
    (RoundTally(99, 0, 1), 100, False),
    (RoundTally(0, 0, 1), 1, False),
    (RoundTally(0, 0, 0), 1, False),  # nobody answered: no rate, not passed
])
def test_a_survey_passes_at_its_threshold_and_not_below(tally: RoundTally, threshold: int,
                                                        passed: bool) -> None:
    assert survey_passed(tally, threshold) is passed
    shown = shown_rate(tally, threshold)
    assert shown == "—" if tally.raters == 0 else (int(shown[:-1]) >= threshold) is passed


def test_the_rate_shown_is_never_rounded_up_to_the_threshold() -> None:
    assert shown_rate(RoundTally(8, 0, 1), 90) == "89%"
    assert shown_rate(RoundTally(179, 0, 21), 90) == "89%"
    assert shown_rate(RoundTally(9, 0, 1), 90) == "90%"
    assert shown_rate(RoundTally(179, 0, 21), 80) == "90%"  # away from the line: rounded


@pytest.mark.parametrize(("typed", "threshold"), [
    ("90", 90), ("90%", 90), ("90％", 90), ("1", 1), ("100", 100), ("100%", 100)])
def test_a_threshold_is_a_whole_percentage(typed: str, threshold: int) -> None:
    assert read_threshold(typed) == threshold


@pytest.mark.parametrize("typed", ["0", "101", "９０", "90.5", "", "%", "-5", "九十", "90%%"])
def test_anything_else_is_not_a_threshold(typed: str) -> None:
    with pytest.raises(ValueError):
        read_threshold(typed)


@pytest.mark.parametrize(("typed", "asked"), [
    ("两委", Asked(SubjectKind.COMMITTEE)),
    ("石门村两委", Asked(SubjectKind.COMMITTEE, village="石门村")),
    ("党员", Asked(SubjectKind.PARTY)),
    ("金竹村党员", Asked(SubjectKind.PARTY, village="金竹村")),
    ("H01", Asked(SubjectKind.PERSON, code="H01")),
])
def test_the_subject_is_a_code_the_committee_or_the_members(typed: str, asked: Asked) -> None:
    assert read_subject(typed) == asked


def test_one_card_per_household_for_those_who_may_answer() -> None:
    def member(person_id: int, household: int, age: int = 40, role: Role = Role.VILLAGER,
               homestead_id: int = HOME) -> Person:
        return replace(_person(role, age, homestead_id, person_id), household_id=household)

    persons = [member(1, 31), member(2, 31), member(3, 32, age=17), member(4, 33),
               member(5, 34, role=Role.VILLAGE_CADRE), member(6, 35, homestead_id=HOME + 1),
               member(7, 36, role=Role.HEAD), replace(member(8, 0), household_id=None)]
    # Village-wide: 屋场 HOME + 1 lies in the village too.
    assert card_holders(persons, VILLAGE, assessed={4}) == {31: [1, 2], 35: [6], 36: [7]}
    assert card_holders(persons, HERE, assessed={1}) == {31: [2], 33: [4], 36: [7]}


def test_the_reminder_goes_a_day_before_the_end_or_halfway() -> None:
    opened = datetime(2026, 11, 5, 19, tzinfo=UTC)
    assert reminder_at(opened, opened + timedelta(days=7)) == opened + timedelta(days=6)
    assert reminder_at(opened, opened + timedelta(days=1)) == opened + timedelta(hours=12)


def test_the_card_has_a_row_per_subject() -> None:
    assert [[(button.label, button.payload) for button in row]
            for row in card_buttons([(5, "石门村两委")])] == [
        [("满意", "svote:5:satisfied"), ("基本满意", "svote:5:basically"),
         ("不满意", "svote:5:dissatisfied")]]
    assert [[button.label for button in row] for row in card_buttons([(5, "甲"), (6, "乙")])] \
        == [["1满意", "1基本满意", "1不满意"], ["2满意", "2基本满意", "2不满意"]]
