"""Read the township's rules file (TOML): busy farming seasons and reminder times."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from core.config import (
    DEFAULT_APPEAL_DAYS,
    DEFAULT_AWARD_SCHEME,
    DEFAULT_EVENING_REMINDER_HOUR,
    DEFAULT_MIN_RATERS,
    DEFAULT_MISSING_MEETING_DAY,
    DEFAULT_RATING_WINDOW_HOURS,
    DEFAULT_RESULTS_DUE_DAY,
    DEFAULT_SCHEME,
    DEFAULT_SURVEY_WINDOW_DAYS,
    Rules,
)
from core.meetings import Blackout
from core.supervision import INDICATORS, SupervisionRules
from core.surveys import MAX_WINDOW_DAYS

LEAP_YEAR = 2000  # a yearly season's 02-29 must parse


class RulesFileError(ValueError):
    """The rules file is malformed; the message names the entry."""


def load_rules(path: Path | None) -> Rules:
    """Read the rules file; no file means the defaults."""
    if path is None or not path.exists():
        return Rules()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RulesFileError(f"{path}: {error}") from None
    return parse_rules(data, str(path))


def parse_rules(data: dict[str, Any], source: str = "rules") -> Rules:
    """Validate the rules of a parsed TOML document."""
    meetings = data.get("meetings", {})
    if not isinstance(meetings, dict):
        raise RulesFileError(f"{source}: [meetings] must be a table")
    missing_day = _int(meetings, "missing_meeting_day", DEFAULT_MISSING_MEETING_DAY, 1, 28,
                       source)
    evening_hour = _int(meetings, "evening_reminder_hour", DEFAULT_EVENING_REMINDER_HOUR, 12, 23,
                        source)
    seasons = data.get("blackout", [])
    if not isinstance(seasons, list):
        raise RulesFileError(f"{source}: blackout must be an array of tables ([[blackout]])")
    blackouts = tuple(_blackout(entry, number, source)
                      for number, entry in enumerate(seasons, start=1))
    issues = data.get("issues", {})
    if not isinstance(issues, dict):
        raise RulesFileError(f"{source}: [issues] must be a table")
    window = _int(issues, "rating_window_hours", DEFAULT_RATING_WINDOW_HOURS, 1, 24 * 30,
                  source, "issues")
    min_raters = _int(issues, "min_raters", DEFAULT_MIN_RATERS, 1, 1000, source, "issues")
    surveys = data.get("surveys", {})
    if not isinstance(surveys, dict):
        raise RulesFileError(f"{source}: [surveys] must be a table")
    survey_days = _int(surveys, "window_days", DEFAULT_SURVEY_WINDOW_DAYS, 1, MAX_WINDOW_DAYS,
                       source, "surveys")
    flags = data.get("flags", {})
    if not isinstance(flags, dict):
        raise RulesFileError(f"{source}: [flags] must be a table")
    scheme = flags.get("scheme", DEFAULT_SCHEME)
    if not isinstance(scheme, str) or not scheme:
        raise RulesFileError(f"{source}: flags.scheme must be a scheme name or a file path")
    due_day = _int(flags, "results_due_day", DEFAULT_RESULTS_DUE_DAY, 1, 28, source, "flags")
    appeal_days = _int(flags, "appeal_days", DEFAULT_APPEAL_DAYS, 1, 20, source, "flags")
    award = data.get("award", {})
    if not isinstance(award, dict):
        raise RulesFileError(f"{source}: [award] must be a table")
    award_scheme = award.get("scheme", DEFAULT_AWARD_SCHEME)
    if not isinstance(award_scheme, str) or not award_scheme:
        raise RulesFileError(f"{source}: award.scheme must be award-000, award-003 or a file path")
    return Rules(award_scheme_name=award_scheme, blackouts=blackouts,
                 missing_meeting_day=missing_day,
                 evening_reminder_hour=evening_hour, rating_window_hours=window,
                 min_raters=min_raters, survey_window_days=survey_days, scheme_name=scheme,
                 results_due_day=due_day, appeal_days=appeal_days,
                 supervision=_supervision(data, source))


def _supervision(data: dict[str, Any], source: str) -> SupervisionRules:
    """The [supervision] table: lag thresholds (S2), talks, quarter weights (S3)."""
    table = data.get("supervision", {})
    if not isinstance(table, dict):
        raise RulesFileError(f"{source}: [supervision] must be a table")
    defaults = SupervisionRules()
    section = "supervision"
    weights = table.get("weights", dict(defaults.weights))
    if not isinstance(weights, dict) or not weights or any(
            name not in INDICATORS or isinstance(value, bool)
            or not isinstance(value, int | float) or value < 0
            for name, value in weights.items()):
        raise RulesFileError(f"{source}: supervision.weights must give numbers ≥ 0 to "
                             f"{', '.join(INDICATORS)}")
    limit = table.get("bonus_limit", defaults.bonus_limit)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or not 0 < limit <= 100:
        raise RulesFileError(f"{source}: supervision.bonus_limit must be a number 0-100")
    return SupervisionRules(
        no_meeting_months=_int(table, "no_meeting_months", defaults.no_meeting_months, 1, 12,
                               source, section),
        quorum_missed_meetings=_int(table, "quorum_missed_meetings",
                                    defaults.quorum_missed_meetings, 1, 12, source, section),
        overdue_working_days=_int(table, "overdue_working_days",
                                  defaults.overdue_working_days, 1, 250, source, section),
        talk_working_days=_int(table, "talk_working_days", defaults.talk_working_days, 1, 250,
                               source, section),
        bonus_limit=float(limit),
        weights={name: float(value) for name, value in weights.items()})


def _int(table: dict[str, Any], key: str, default: int, low: int, high: int, source: str,
         section: str = "meetings") -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise RulesFileError(f"{source}: {section}.{key} must be a whole number {low}-{high}")
    return value


def _blackout(entry: object, number: int, source: str) -> Blackout:
    where = f"{source}: blackout #{number}"
    if not isinstance(entry, dict):
        raise RulesFileError(f"{where} must be a table")
    start, end = entry.get("from"), entry.get("to")
    if not isinstance(start, str) or not isinstance(end, str):
        raise RulesFileError(f"{where} needs from and to, as \"MM-DD\" or \"YYYY-MM-DD\"")
    yearly = len(start) == 5 and len(end) == 5
    if not yearly and (len(start) == 5 or len(end) == 5):
        raise RulesFileError(f"{where}: from and to must both be MM-DD or both YYYY-MM-DD")
    try:
        first = date.fromisoformat(f"{LEAP_YEAR}-{start}" if yearly else start)
        last = date.fromisoformat(f"{LEAP_YEAR}-{end}" if yearly else end)
    except ValueError:
        raise RulesFileError(f"{where}: {start!r} or {end!r} is not a date") from None
    if not yearly and last < first:
        raise RulesFileError(f"{where}: to is before from")
    village = entry.get("village")
    if village is not None and (not isinstance(village, str) or not village):
        raise RulesFileError(f"{where}: village must be a village name (omit it for all)")
    name = entry.get("name", "农忙")
    if not isinstance(name, str):
        raise RulesFileError(f"{where}: name must be text")
    return Blackout(name=name, start=first, end=last, yearly=yearly, village=village)
