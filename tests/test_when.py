"""Dates and times as typed on a Chinese phone keyboard (core.when), on their edges."""

from __future__ import annotations

from datetime import date, time

import pytest

from core.when import parse_day, parse_moment, parse_time

THURSDAY = date(2026, 11, 5)
NEW_YEARS_EVE = date(2026, 12, 31)  # a Thursday
SUNDAY = date(2026, 11, 8)


@pytest.mark.parametrize(("text", "today", "day"), [
    ("2026-11-20", THURSDAY, date(2026, 11, 20)),
    ("2026/11/20", THURSDAY, date(2026, 11, 20)),
    ("2026年11月20日", THURSDAY, date(2026, 11, 20)),
    ("２０２６－１１－２０", THURSDAY, date(2026, 11, 20)),      # full-width digits
    ("2026-11-04", THURSDAY, date(2026, 11, 4)),              # a past date stays past
    ("12-21", THURSDAY, date(2026, 12, 21)),
    ("12月21日", THURSDAY, date(2026, 12, 21)),
    ("12月21号", THURSDAY, date(2026, 12, 21)),
    ("11-05", THURSDAY, date(2026, 11, 5)),                   # today is not past
    ("11-04", THURSDAY, date(2026, 11, 4)),                   # just gone: refused as past
    ("5-5", THURSDAY, date(2027, 5, 5)),                      # half a year gone: next year
    ("9-1", date(2028, 3, 2), date(2028, 9, 1)),               # 183 days either way: ahead
    ("1-2", NEW_YEARS_EVE, date(2027, 1, 2)),
    ("12-31", NEW_YEARS_EVE, date(2026, 12, 31)),
    ("12-30", date(2027, 1, 3), date(2026, 12, 30)),          # just gone, last year
    ("12-31", date(2026, 3, 2), date(2026, 12, 31)),          # a year-end promise in March
    ("10-20", date(2026, 11, 5), date(2027, 10, 20)),         # gone weeks ago: next year
    ("2-29", date(2027, 3, 1), date(2028, 2, 29)),            # the next leap year
    ("2-29", date(2028, 3, 1), date(2028, 2, 29)),
    ("今天", THURSDAY, THURSDAY),
    ("明天", NEW_YEARS_EVE, date(2027, 1, 1)),
    ("后天", NEW_YEARS_EVE, date(2027, 1, 2)),
    ("大后天", THURSDAY, date(2026, 11, 8)),
    ("周四", THURSDAY, THURSDAY),                              # the coming one: today
    ("周三", THURSDAY, date(2026, 11, 11)),
    ("星期日", THURSDAY, date(2026, 11, 8)),
    ("礼拜天", THURSDAY, date(2026, 11, 8)),
    ("下周三", THURSDAY, date(2026, 11, 11)),
    ("下周一", THURSDAY, date(2026, 11, 9)),
    ("下周日", THURSDAY, date(2026, 11, 15)),
    ("下周日", SUNDAY, date(2026, 11, 15)),                    # on a Sunday: a week on
    ("下周一", SUNDAY, date(2026, 11, 9)),                     # on a Sunday: tomorrow
    ("下星期五", NEW_YEARS_EVE, date(2027, 1, 8)),
    ("下个礼拜一", NEW_YEARS_EVE, date(2027, 1, 4)),
])
def test_parse_day(text: str, today: date, day: date) -> None:
    assert parse_day(text, today) == day


@pytest.mark.parametrize("text", [
    "", "晚上", "2026-02-30", "2-30", "13-01", "12-32", "下周八", "周", "明天19点", "12-21x",
    "2026-11", "昨天"])
def test_parse_day_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_day(text, THURSDAY)


@pytest.mark.parametrize(("text", "moment"), [
    ("19:30", time(19, 30)),
    ("19：30", time(19, 30)),
    ("19点30", time(19, 30)),
    ("19点30分", time(19, 30)),
    ("19点5分", time(19, 5)),
    ("19点半", time(19, 30)),
    ("19点", time(19, 0)),
    ("19时", time(19, 0)),
    ("０:00", time(0, 0)),
    ("23:59", time(23, 59)),
    ("晚上7点半", time(19, 30)),
    ("下午3点", time(15, 0)),
    ("中午12点", time(12, 0)),
    ("中午1点", time(13, 0)),        # not one in the night
    ("中午2点半", time(14, 30)),
    ("上午9点", time(9, 0)),
])
def test_parse_time(text: str, moment: time) -> None:
    assert parse_time(text) == moment


@pytest.mark.parametrize("text", ["", "晚上", "24:00", "19:60", "19点60", "19", "19:3",
                                  "七点", "19点半30", "晚上12点"])  # midnight or noon?
def test_parse_time_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


@pytest.mark.parametrize(("words", "expected"), [
    (["明天", "19点30", "晒谷坪"], (date(2026, 11, 6), time(19, 30), 2)),
    (["明天19点30", "晒谷坪", "修路"], (date(2026, 11, 6), time(19, 30), 1)),
    (["12月21日晚上7点", "晒谷坪"], (date(2026, 12, 21), time(19, 0), 1)),
    (["下周三", "19:30"], (date(2026, 11, 11), time(19, 30), 2)),
])
def test_parse_moment(words: list[str], expected: tuple[date, time, int]) -> None:
    assert parse_moment(words, THURSDAY) == expected


@pytest.mark.parametrize("words", [[], ["明天"], ["明天", "晚上"], ["晒谷坪", "19:30"]])
def test_parse_moment_refuses(words: list[str]) -> None:
    with pytest.raises(ValueError, match=" ".join(words[:2]) or "^$"):
        parse_moment(words, THURSDAY)
