"""Plain records of the organisation, as the rest of the code passes them around."""

from __future__ import annotations

from dataclasses import dataclass

from core.permissions import Place
from core.roles import Role


@dataclass(frozen=True, slots=True)
class Homestead:
    """A 屋场 with the names of the village and township it lies in."""

    id: int
    name: str
    village_id: int
    village: str
    township_id: int
    township: str
    grid: str

    @property
    def place(self) -> Place:
        """Where this 屋场 lies."""
        return Place(self.township_id, self.village_id, self.id)

    @property
    def full_name(self) -> str:
        """Village and 屋场, as people say it: 金竹村枫树湾."""
        return f"{self.village}{self.name}"


@dataclass(frozen=True, slots=True)
class Person:
    """A person of the roster with where they live and their role."""

    id: int
    code: str
    name: str
    role: Role
    age: int
    party_member: bool
    township_id: int
    township: str
    village_id: int | None
    village: str | None
    homestead_id: int | None
    homestead: str | None
    household: int | None
    phone: str | None
    household_id: int | None = None

    @property
    def place(self) -> Place:
        """Where this person belongs."""
        return Place(self.township_id, self.village_id, self.homestead_id)

    @property
    def place_name(self) -> str:
        """The unit this person's role speaks for: 屋场, village or township."""
        if self.role is Role.TOWNSHIP_OFFICIAL or self.village is None:
            return self.township
        if self.role is Role.VILLAGE_CADRE or self.homestead is None:
            return self.village
        return f"{self.village}{self.homestead}"


@dataclass(frozen=True, slots=True)
class Office:
    """Who answers for something: the person named to it, else everyone of ``role`` in ``place``.

    ``place`` is as narrow as the office: a 屋场 for its 屋场长, a village for its
    村干部, a township for its 镇干部. ``title`` is how people are told who that is.
    """

    role: Role
    place: Place
    title: str = ""
    person_id: int | None = None

    def held_by(self, person: Person) -> bool:
        """Whether ``person`` is the one named, or with nobody named, of the role in the place."""
        if self.person_id is not None:
            return person.id == self.person_id
        return person.role is self.role and self.place.contains(person.place)
