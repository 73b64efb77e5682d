"""Rules M1-M7 as pure functions, on their edges."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.files.rules import RulesFileError, parse_rules
from core.meetings import (
    AttendanceSyntaxError,
    Blackout,
    blackout_for,
    evening_before,
    has_party_group,
    households_over_adults,
    households_required,
    may_participate,
    motion_passed,
    parse_attendance,
    quorum_met,
    votes_required,
)


@pytest.mark.parametrize(("present", "resident", "met"), [
    (8, 10, True),     # exactly 80%
    (7, 10, False),
    (32, 40, True),    # exactly 80% of 40
    (31, 40, False),
    (26, 32, True),    # 81.25%
    (25, 32, False),   # 78.1%
    (4, 5, True),
    (3, 5, False),
    (1, 1, True),
    (0, 0, False),     # no resident household: never quorate
    (5, 0, False),
])
def test_quorum_at_exactly_eighty_percent(present: int, resident: int, met: bool) -> None:
    assert quorum_met(present, resident) is met


def test_households_living_away_are_outside_the_denominator() -> None:
    # 40 households, 8 live away: 32 resident, 26 needed (25.6 rounded up).
    assert households_required(32) == 26
    assert quorum_met(26, 32)
    assert not quorum_met(26, 40)


@pytest.mark.parametrize(("resident", "required"), [(0, 0), (1, 1), (5, 4), (10, 8), (32, 26),
                                                    (33, 27), (50, 40)])
def test_households_required(resident: int, required: int) -> None:
    assert households_required(resident) == required


@given(st.integers(0, 500), st.integers(0, 500))
def test_required_matches_quorum(present: int, resident: int) -> None:
    if resident > 0:
        assert quorum_met(present, resident) == (present >= households_required(resident))


@pytest.mark.parametrize(("yes", "persons", "passed"), [
    (8, 10, True),     # exactly 80% of persons present passes
    (7, 10, False),
    (40, 50, True),
    (39, 50, False),
    (4, 5, True),
    (1, 1, True),
    (0, 0, False),     # nobody present: nothing passes
    (3, 0, False),
])
def test_motion_at_exactly_eighty_percent(yes: int, persons: int, passed: bool) -> None:
    assert motion_passed(yes, persons) is passed


def test_eighty_percent_of_votes_cast_is_not_enough() -> None:
    # 10 present, 5 voted: 4 yes is 80% of votes cast but 40% of persons present.
    assert not motion_passed(4, 10)
    assert votes_required(10) == 8


@given(st.integers(0, 300), st.integers(0, 300))
def test_votes_required_matches_motion_passed(yes: int, persons: int) -> None:
    if persons > 0:
        assert motion_passed(yes, persons) == (yes >= votes_required(persons))


def test_participants_are_adults_and_party_groups_need_three() -> None:
    assert may_participate(18) and not may_participate(17)
    assert has_party_group(3) and not has_party_group(2)


@pytest.mark.parametrize(("text", "expected"), [
    ("3 5*2 7", {3: 1, 5: 2, 7: 1}),
    ("3，5×2、7", {3: 1, 5: 2, 7: 1}),
    ("12x3", {12: 3}),
    ("4*0", {4: 0}),
    ("3 3*2", {3: 2}),
])
def test_parse_attendance(text: str, expected: dict[int, int]) -> None:
    assert parse_attendance(text) == expected


@pytest.mark.parametrize("text", ["", "三号", "3*", "*2", "0", "3*21", "3-5", "3.5"])
def test_parse_attendance_refuses(text: str) -> None:
    with pytest.raises(AttendanceSyntaxError):
        parse_attendance(text)


def test_blackout_yearly_and_one_off() -> None:
    spring = Blackout("春耕", date(2000, 4, 1), date(2000, 4, 30), yearly=True)
    rush = Blackout("双抢", date(2026, 7, 10), date(2026, 8, 10), yearly=False, village="金竹村")
    winter = Blackout("冬修", date(2000, 12, 20), date(2000, 1, 10), yearly=True)
    assert spring.covers(date(2027, 4, 30), "任何村")
    assert not spring.covers(date(2027, 5, 1), "任何村")
    assert rush.covers(date(2026, 7, 10), "金竹村")
    assert not rush.covers(date(2026, 7, 10), "丰收村")
    assert not rush.covers(date(2027, 7, 20), "金竹村")
    assert winter.covers(date(2026, 12, 31), "x") and winter.covers(date(2027, 1, 10), "x")
    assert not winter.covers(date(2027, 1, 11), "x")
    assert blackout_for([rush, spring], date(2026, 4, 2), "金竹村") is spring
    assert blackout_for([rush, spring], date(2026, 5, 2), "金竹村") is None


def test_evening_before_crosses_month_ends() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    start = datetime(2026, 12, 1, 19, 30, tzinfo=zone)
    assert evening_before(start, 19) == datetime(2026, 11, 30, 19, 0, tzinfo=zone)


def test_rules_file_parses_and_validates() -> None:
    rules = parse_rules({"meetings": {"missing_meeting_day": 15},
                         "blackout": [{"from": "04-01", "to": "04-30"},
                                      {"from": "2026-07-10", "to": "2026-08-10",
                                       "village": "金竹村", "name": "双抢"}]})
    assert rules.missing_meeting_day == 15
    assert [season.name for season in rules.blackouts] == ["农忙", "双抢"]
    assert rules.blackouts[0].yearly and not rules.blackouts[1].yearly
    for bad in ({"blackout": [{"from": "04-01"}]},
                {"blackout": [{"from": "04-01", "to": "2026-05-01"}]},
                {"blackout": [{"from": "2026-05-01", "to": "2026-04-01"}]},
                {"blackout": [{"from": "13-01", "to": "13-02"}]},
                {"meetings": {"missing_meeting_day": 31}}):
        with pytest.raises(RulesFileError):
            parse_rules(bad)


AGES = {1: [44], 3: [25, 78, 16], 4: [48, 17], 5: [12]}


@pytest.mark.parametrize(("counts", "over"), [
    ({1: 1, 3: 2, 4: 1}, {}),             # exactly the adults: accepted
    ({3: 3}, {3: 2}),                     # the 16-year-old does not count
    ({4: 2, 1: 2}, {1: 1, 4: 1}),         # every household over is named, in order
    ({5: 1}, {5: 0}),                     # only children in the roster
    ({9: 1}, {9: 0}),                     # a household the roster does not know
    ({5: 0, 3: 0}, {}),                   # withdrawing is never over
])
def test_households_over_adults(counts: dict[int, int], over: dict[int, int]) -> None:
    assert households_over_adults(counts, AGES) == over  # rule M7
