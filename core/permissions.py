"""Who may act where: a person acts in their own 屋场, village or township only."""

from __future__ import annotations

from dataclasses import dataclass

from core.roles import Role


@dataclass(frozen=True, slots=True)
class Place:
    """Where a person belongs, or where a 屋场 lies: ids from the organisation tables."""

    township_id: int
    village_id: int | None = None
    homestead_id: int | None = None

    def contains(self, other: Place) -> bool:
        """Whether ``other`` lies within this place: the same ids where this one has any."""
        return (self.township_id == other.township_id
                and self.village_id in (None, other.village_id)
                and self.homestead_id in (None, other.homestead_id))


def covers(role: Role, home: Place, target: Place) -> bool:
    """Return whether a person of ``role`` living at ``home`` may act at ``target``.

    Villagers, heads and recorders act in their own 屋场, village cadres in every
    屋场 of their village, township officials in every 屋场 of their township.
    """
    if home.township_id != target.township_id:
        return False
    if role is Role.TOWNSHIP_OFFICIAL:
        return True
    if role is Role.VILLAGE_CADRE:
        return home.village_id is not None and home.village_id == target.village_id
    return home.homestead_id is not None and home.homestead_id == target.homestead_id
