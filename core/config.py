"""The township's configurable rules, as plain values (read from the rules file by ``bot``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.meetings import Blackout

DEFAULT_MISSING_MEETING_DAY = 20
DEFAULT_EVENING_REMINDER_HOUR = 19


@dataclass(frozen=True, slots=True)
class Rules:
    """What a township may configure: busy seasons and reminder times."""

    blackouts: tuple[Blackout, ...] = ()
    missing_meeting_day: int = DEFAULT_MISSING_MEETING_DAY
    evening_reminder_hour: int = DEFAULT_EVENING_REMINDER_HOUR
    extra: dict[str, object] = field(default_factory=dict)
