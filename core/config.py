"""The township's configurable rules, as plain values (read from the rules file by ``bot``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.calendar import WorkCalendar
from core.criteria import Scheme as AwardScheme
from core.flags import Scheme
from core.meetings import Blackout
from core.supervision import SupervisionRules

DEFAULT_MISSING_MEETING_DAY = 20
DEFAULT_EVENING_REMINDER_HOUR = 19
DEFAULT_RATING_WINDOW_HOURS = 72
DEFAULT_MIN_RATERS = 3
DEFAULT_SURVEY_WINDOW_DAYS = 7  # days households have to answer a survey's card (Y3)
DEFAULT_RESULTS_DUE_DAY = 5
DEFAULT_SCHEME = "monthly"
DEFAULT_AWARD_SCHEME = "award-003"  # the 五面红旗 award (rule A1), `[award] scheme`
DEFAULT_WUHAO_SCHEME = "wuhao-001"  # the 五个好 branch standard (rule Y4, seed 001)
DEFAULT_APPEAL_DAYS = 2  # working days the villages may object to a reviewed draft (F10)


@dataclass(frozen=True, slots=True)
class Rules:
    """What a township may configure: seasons, reminders, ratings, flags, supervision."""

    blackouts: tuple[Blackout, ...] = ()
    missing_meeting_day: int = DEFAULT_MISSING_MEETING_DAY
    evening_reminder_hour: int = DEFAULT_EVENING_REMINDER_HOUR
    rating_window_hours: int = DEFAULT_RATING_WINDOW_HOURS
    min_raters: int = DEFAULT_MIN_RATERS
    survey_window_days: int = DEFAULT_SURVEY_WINDOW_DAYS  # a survey's window (rule Y3)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    scheme_name: str = DEFAULT_SCHEME
    results_due_day: int = DEFAULT_RESULTS_DUE_DAY
    scheme: Scheme = field(default_factory=lambda: Scheme("", ()))
    appeal_days: int = DEFAULT_APPEAL_DAYS
    supervision: SupervisionRules = field(default_factory=SupervisionRules)
    award_scheme_name: str = DEFAULT_AWARD_SCHEME
    award: AwardScheme = field(default_factory=lambda: AwardScheme("", {}))
    wuhao: AwardScheme = field(default_factory=lambda: AwardScheme("", {}))
