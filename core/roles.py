"""Roles of the roster and what each one covers."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A person's role, stored by its English value and shown by its Chinese label."""

    VILLAGER = "villager"
    HEAD = "head"
    RECORDER = "recorder"
    VILLAGE_CADRE = "village_cadre"
    TOWNSHIP_OFFICIAL = "township_official"

    @property
    def label(self) -> str:
        """The Chinese name of the role, as the roster spells it."""
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.VILLAGER: "村民",
    Role.HEAD: "屋场长",
    Role.RECORDER: "记录员",
    Role.VILLAGE_CADRE: "村干部",
    Role.TOWNSHIP_OFFICIAL: "镇干部",
}

ROLE_BY_LABEL: dict[str, Role] = {label: role for role, label in ROLE_LABELS.items()}

EVERYONE: frozenset[Role] = frozenset(Role)
HOMESTEAD_LEADERS: frozenset[Role] = frozenset({Role.HEAD, Role.RECORDER})
OFFICIALS: frozenset[Role] = frozenset({Role.TOWNSHIP_OFFICIAL})
