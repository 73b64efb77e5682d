"""Who may answer for a 屋场 (rule I8, shared with the surveys of Y3), as a pure function."""

from __future__ import annotations

import pytest

from core import texts
from core.models import Person
from core.permissions import Place
from core.roles import Role
from core.surveys import Ineligible, ineligible

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
