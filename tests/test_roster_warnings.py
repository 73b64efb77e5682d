"""core.roster.roster_warnings (rule M10): warned, never refused, at each edge."""

from __future__ import annotations

import pytest

from core import texts
from core.models import Homestead, Person
from core.roles import Role
from core.roster import FEWEST_HOUSEHOLDS, MOST_HOUSEHOLDS, roster_warnings

FENGSHU = Homestead(id=1, name="枫树湾", village_id=1, village="金竹村", township_id=1,
                    township="金溪镇", grid="东片网格")
LAOWU = Homestead(id=2, name="老屋场", village_id=2, village="丰收村", township_id=1,
                  township="金溪镇", grid="西片网格")


def member(number: int, household: int | None, *, place: Homestead | None = FENGSHU,
           role: Role = Role.VILLAGER, party_member: bool = False,
           name: str | None = None) -> Person:
    """Person ``number`` of ``place`` in ``household``; None places a 镇干部 nowhere."""
    return Person(
        id=number, code=f"P{number:03d}", name=name or f"村民{number}", role=role, age=40,
        party_member=party_member, township_id=1, township="金溪镇",
        village_id=place.village_id if place else None, village=place.village if place else None,
        homestead_id=place.id if place else None, homestead=place.name if place else None,
        household=household, phone=None)


def homestead_of(households: int, place: Homestead = FENGSHU, *,
                 head_party_member: bool = True, recorder: bool = True) -> list[Person]:
    """A 屋场 of ``households`` households, one person each: head in 1, recorder in 2."""
    people = [member(place.id * 1000 + number, number, place=place)
              for number in range(1, households + 1)]
    if households >= 1:
        people[0] = member(place.id * 1000 + 1, 1, place=place, role=Role.HEAD,
                           party_member=head_party_member, name="李勇")
    if households >= 2 and recorder:
        people[1] = member(place.id * 1000 + 2, 2, place=place, role=Role.RECORDER)
    return people


def few(households: int, place: Homestead = FENGSHU) -> str:
    return texts.ROSTER_FEW_HOUSEHOLDS.format(
        homestead=place.full_name, households=households, fewest=30, most=50)


def many(households: int, place: Homestead = FENGSHU) -> str:
    return texts.ROSTER_MANY_HOUSEHOLDS.format(
        homestead=place.full_name, households=households, fewest=30, most=50)


def test_the_seed_says_30_to_50_households() -> None:
    assert (FEWEST_HOUSEHOLDS, MOST_HOUSEHOLDS) == (30, 50)
    assert few(3) == "金竹村枫树湾只有3户，屋场一般为30–50户。"


@pytest.mark.parametrize("households", [30, 31, 49, 50])
def test_a_homestead_of_30_to_50_households_with_recorder_and_party_head_is_fine(
        households: int) -> None:
    assert roster_warnings([FENGSHU], homestead_of(households)) == []


def test_29_households_are_too_few() -> None:
    assert roster_warnings([FENGSHU], homestead_of(29)) == [few(29)]


def test_51_households_are_too_many() -> None:
    assert roster_warnings([FENGSHU], homestead_of(51)) == [many(51)]


def test_households_are_distinct_household_numbers_not_persons() -> None:
    people = homestead_of(29)
    people += [member(900 + number, number) for number in range(3, 29)]
    assert len(people) == 55
    assert roster_warnings([FENGSHU], people) == [few(29)]


def test_the_same_household_number_in_another_homestead_is_another_household() -> None:
    people = homestead_of(30) + homestead_of(30, LAOWU)
    assert roster_warnings([FENGSHU, LAOWU], people) == []


def test_persons_without_a_homestead_count_for_none() -> None:
    people = [*homestead_of(30), member(1, None, place=None, role=Role.TOWNSHIP_OFFICIAL),
              member(2, None, place=None, role=Role.RECORDER)]
    assert roster_warnings([FENGSHU], people) == []


def test_a_homestead_without_a_recorder_is_named() -> None:
    assert roster_warnings([FENGSHU], homestead_of(40, recorder=False)) == [
        "金竹村枫树湾没有记录员，每个屋场要确定一名记录员。"]


def test_a_recorder_of_another_homestead_does_not_count() -> None:
    people = homestead_of(40, recorder=False) + homestead_of(40, LAOWU)
    assert roster_warnings([FENGSHU, LAOWU], people) == [
        texts.ROSTER_NO_RECORDER.format(homestead="金竹村枫树湾")]


def test_a_head_who_is_not_a_party_member_is_named() -> None:
    assert roster_warnings([FENGSHU], homestead_of(40, head_party_member=False)) == [
        "金竹村枫树湾的屋场长李勇（P1001）不是党员，屋场长应由党员担任。"]


def test_a_party_member_who_is_no_head_does_not_stand_in() -> None:
    people = homestead_of(40, head_party_member=False)
    people.append(member(999, 3, party_member=True))
    assert len(roster_warnings([FENGSHU], people)) == 1


def test_a_homestead_without_a_head_is_not_an_m10_finding() -> None:
    people = [member(number, number) for number in range(1, 41)]
    people[1] = member(2, 2, role=Role.RECORDER)
    assert roster_warnings([FENGSHU], people) == []


def test_a_homestead_with_no_one_left_has_0_households_and_no_recorder() -> None:
    assert roster_warnings([FENGSHU], []) == [
        few(0), texts.ROSTER_NO_RECORDER.format(homestead="金竹村枫树湾")]


def test_every_finding_is_listed_homestead_by_homestead_in_the_given_order() -> None:
    people = (homestead_of(3, head_party_member=False, recorder=False)
              + homestead_of(52, LAOWU, head_party_member=False))
    assert roster_warnings([LAOWU, FENGSHU], people) == [
        many(52, LAOWU),
        "丰收村老屋场的屋场长李勇（P2001）不是党员，屋场长应由党员担任。",
        few(3),
        texts.ROSTER_NO_RECORDER.format(homestead="金竹村枫树湾"),
        "金竹村枫树湾的屋场长李勇（P1001）不是党员，屋场长应由党员担任。",
    ]
