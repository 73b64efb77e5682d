"""Dates and times as heads type them on a Chinese phone keyboard: 明天 19点30, 下周三, 12-21.

Pure functions over the local ``today``; the caller refuses a moment that has passed.
Full-width digits and punctuation (１９：３０, ／) are read as their ASCII forms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, time, timedelta

WEEKDAY_NUMBERS = {name: number for number, name in enumerate("一二三四五六日")} | {"天": 6}
RELATIVE_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
AFTERNOON = ("下午", "晚上")
NOON = "中午"  # 中午12点 is noon, 中午1点 and 中午2点 are 13:00 and 14:00
RECENT = timedelta(days=7)  # a month-day gone by this recently is the past, not next year
YEARS_AHEAD = 2  # a day further ahead than this is a typing slip (9999-12-31), refused


class DateTooFar(Exception):
    """A day more than ``YEARS_AHEAD`` years after today: refused with its own reply.

    Not a ValueError, so that a handler's "bad date" reply does not hide it; the router
    answers it (texts.DATE_TOO_FAR).
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _within_reach(day: date, today: date, text: str) -> date:
    """``day``, unless it lies more than ``YEARS_AHEAD`` years after ``today``."""
    limit_year = today.year + YEARS_AHEAD
    limit = date(limit_year, today.month, 28 if (today.month, today.day) == (2, 29)
                 else today.day)
    if day > limit:
        raise DateTooFar(text)
    return day

_FULL_DATE = r"(?P<year>\d{4})[-/.年](?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})[日号]?"
_MONTH_DAY = r"(?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})[日号]?"
_RELATIVE = "(?P<relative>" + "|".join(sorted(RELATIVE_DAYS, key=len, reverse=True)) + ")"
_WEEKDAY = r"(?P<next>下个?)?(?:周|星期|礼拜)(?P<weekday>[一二三四五六日天])"
_TIME = re.compile(r"(?P<part>上午|早上|中午|下午|晚上)?(?P<hour>\d{1,2})"
                   r"(?:[:](?P<minute>\d{2})|[点时](?:(?P<half>半)|(?P<minutes>\d{1,2})分?)?)")


def _normal(text: str) -> str:
    """Full-width forms to ASCII (１９：３０ → 19:30), spaces removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _full(found: re.Match[str], today: date) -> date:
    return date(int(found["year"]), int(found["month"]), int(found["day"]))


def _month_day(found: re.Match[str], today: date) -> date:
    """The next such day from today on, unless it went by within the last ``RECENT`` days.

    Over New Year 1-2 is next January, and 12-31 typed in March is this December; a
    day just gone (11-04 on 11-05) stays behind today, so that it is refused as past
    rather than moved a year on in silence.
    """
    month, day = int(found["month"]), int(found["day"])
    days = [date(year, month, day) for year in (today.year - 1, today.year, today.year + 1)
            if _valid(year, month, day)]
    if not days:
        raise ValueError(found.group())
    ahead = [candidate for candidate in days if candidate >= today]
    recent = [candidate for candidate in days if today - RECENT <= candidate < today]
    return recent[-1] if recent else ahead[0]


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _relative(found: re.Match[str], today: date) -> date:
    return today + timedelta(days=RELATIVE_DAYS[found["relative"]])


def _weekday(found: re.Match[str], today: date) -> date:
    """周三: the coming Wednesday (today if it is one); 下周三: Wednesday of next week."""
    wanted = WEEKDAY_NUMBERS[found["weekday"]]
    if found["next"]:
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=wanted)
    return today + timedelta(days=(wanted - today.weekday()) % 7)


_DAYS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], date], date]], ...] = (
    (re.compile(_FULL_DATE), _full),
    (re.compile(_MONTH_DAY), _month_day),
    (re.compile(_RELATIVE), _relative),
    (re.compile(_WEEKDAY), _weekday),
)


def _day_prefix(text: str, today: date) -> tuple[date, str]:
    """The day a text starts with, and the rest of the text."""
    for pattern, build in _DAYS:
        found = pattern.match(text)
        if found is not None:
            return build(found, today), text[found.end():]
    raise ValueError(text)


def parse_day(text: str, today: date) -> date:
    """A day: 2026-12-21, 2026年12月21日, 12-21, 12月21日, 今天, 明天, 后天, 周三, 下周三.

    A month and day without a year is the nearest such day (12-21, 1-2 over New Year).
    Raise ValueError for anything else, or a day that does not exist.
    """
    day, rest = _day_prefix(_normal(text), today)
    if rest:
        raise ValueError(text)
    return _within_reach(day, today, text)


def parse_time(text: str) -> time:
    """A time of day: 19:30, 19：30, 19点30, 19点30分, 19点半, 19点, 晚上7点半.

    下午 and 晚上 move 1 to 11 o'clock into the afternoon, 中午 1 and 2 o'clock too.
    晚上12点 (midnight, or noon?) is refused as unclear. Raise ValueError otherwise.
    """
    found = _TIME.fullmatch(_normal(text))
    if found is None:
        raise ValueError(text)
    hour = int(found["hour"])
    minute = 30 if found["half"] else int(found["minute"] or found["minutes"] or 0)
    if found["part"] in AFTERNOON and hour == 12:
        raise ValueError(text)
    if (found["part"] in AFTERNOON and 1 <= hour < 12) or (found["part"] == NOON
                                                           and 1 <= hour <= 2):
        hour += 12
    return time(hour, minute)


def parse_moment(words: Sequence[str], today: date) -> tuple[date, time, int]:
    """The day and time that ``words`` start with, and how many words they took.

    Either two words (``明天 19点30``) or one (``明天19点30``). Raise ValueError if
    neither reads as a day and a time.
    """
    if len(words) >= 2:
        try:
            return parse_day(words[0], today), parse_time(words[1]), 2
        except ValueError:
            pass
    if words:
        try:
            day, rest = _day_prefix(_normal(words[0]), today)
            return _within_reach(day, today, words[0]), parse_time(rest), 1
        except ValueError:
            pass
    raise ValueError(" ".join(words[:2]))
