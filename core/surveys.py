"""Who may answer for a 屋场: issue ratings (rule I8) and surveys (rule Y3) share this rule."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from core import texts
from core.meetings import may_participate
from core.models import Person
from core.roles import Role

# The cadres and officials answer for the work being assessed; the 群众 assess it.
ASSESSING_ROLES = frozenset({Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICIAL})


class Ineligible(StrEnum):
    """Why a person may not answer: not of the place, under 18, assessed, or a cadre."""

    NOT_OF_PLACE = "not_of_place"
    UNDER_AGE = "under_age"
    ASSESSED = "assessed"
    CADRE = "cadre"

    @property
    def refusal(self) -> str:
        """What the person is told; ``{place}`` is the 屋场, ``{role}`` their role."""
        return {
            Ineligible.NOT_OF_PLACE: texts.RATE_NOT_MEMBER,
            Ineligible.UNDER_AGE: texts.RATE_UNDER_AGE,
            Ineligible.ASSESSED: texts.RATE_ASSESSED,
            Ineligible.CADRE: texts.RATE_CADRE,
        }[self]


def ineligible(person: Person, homestead_id: int,
               assessed: Collection[int] = ()) -> Ineligible | None:
    """Why ``person`` may not answer for the 屋场 ``homestead_id``, or None if they may (I8, Y3).

    Those who answer are the villagers (群众) of that 屋场 aged 18+, never the people
    whose work is assessed (``assessed``: person ids), nor a 村干部 or 镇干部.
    """
    if person.homestead_id != homestead_id:
        return Ineligible.NOT_OF_PLACE
    if not may_participate(person.age):
        return Ineligible.UNDER_AGE
    if person.id in assessed:
        return Ineligible.ASSESSED
    if person.role in ASSESSING_ROLES:
        return Ineligible.CADRE
    return None
