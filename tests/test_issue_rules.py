"""Rules I1-I7 as pure functions: levels, handlers, satisfaction, rounds, buttons, working days."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import pytest

from bot.files.holidays import HolidayFileError, load_calendar, parse_holidays
from core import texts
from core.calendar import WorkCalendar, report_deadline
from core.issues import (
    CATEGORIES,
    Level,
    Rating,
    RoundOutcome,
    RoundTally,
    decide_round,
    handler_at,
    may_close,
    percent,
    rating_buttons,
    satisfaction_rate,
    show_of_hands_refusal,
    verdict,
)
from core.models import Office, Person
from core.permissions import Place
from core.roles import Role

TELEGRAM_CALLBACK_LIMIT = 64


# --- I1: the ten categories and the levels ----------------------------------------------

def test_the_ten_categories_of_seed_004() -> None:
    assert CATEGORIES == ("政策传达", "产业发展", "基建加强", "设施管护", "环境治理",
                          "乡风净化", "矛盾化解", "困难帮扶", "生活改善", "权益保障")


def test_level_above_goes_homestead_village_township_then_nothing() -> None:
    assert Level.HOMESTEAD.above() is Level.VILLAGE
    assert Level.VILLAGE.above() is Level.TOWNSHIP
    assert Level.TOWNSHIP.above() is None
    assert [level.label for level in Level] == ["屋场", "村", "镇"]


# --- I2-I4: who handles an issue at its level ----------------------------------------------

FENGSHU = Place(township_id=1, village_id=10, homestead_id=100)


def _person(person_id: int, role: Role, township_id: int = 1, village_id: int | None = 10,
            homestead_id: int | None = 100) -> Person:
    return Person(id=person_id, code=f"P{person_id}", name="某人", role=role, age=40,
                  party_member=False, township_id=township_id, township="金溪镇",
                  village_id=village_id, village="金竹村" if village_id else None,
                  homestead_id=homestead_id, homestead="枫树湾" if homestead_id else None,
                  household=1 if homestead_id else None, phone=None)


def test_the_head_of_its_homestead_handles_an_issue_at_the_homestead() -> None:
    assert handler_at(Level.HOMESTEAD, FENGSHU) == Office(Role.HEAD, FENGSHU, "屋场长")


def test_the_village_cadres_handle_an_issue_at_the_village() -> None:
    assert handler_at(Level.VILLAGE, FENGSHU) == Office(Role.VILLAGE_CADRE, Place(1, 10),
                                                        "村干部")


def test_the_township_officials_handle_an_unassigned_issue_at_the_township() -> None:
    assert handler_at(Level.TOWNSHIP, FENGSHU) == Office(Role.TOWNSHIP_OFFICIAL, Place(1),
                                                         "镇里")


def test_the_responsible_person_handles_an_assigned_issue_at_the_township() -> None:
    handler = handler_at(Level.TOWNSHIP, FENGSHU, assigned=7, department="交通站",
                         responsible="周镇长")
    assert handler == Office(Role.TOWNSHIP_OFFICIAL, Place(1), "交通站周镇长", person_id=7)


def test_an_assignment_counts_only_at_the_township() -> None:
    for level in (Level.HOMESTEAD, Level.VILLAGE):
        handler = handler_at(level, FENGSHU, assigned=7, department="交通站",
                             responsible="周镇长")
        assert handler == handler_at(level, FENGSHU)


def test_the_township_title_names_what_is_known() -> None:
    assert handler_at(Level.TOWNSHIP, FENGSHU, department="交通站").title == "交通站镇里"
    assert handler_at(Level.TOWNSHIP, FENGSHU, responsible="周镇长").title == "周镇长"


def test_the_homestead_handler_is_only_its_own_head() -> None:
    handler = handler_at(Level.HOMESTEAD, FENGSHU)
    assert handler.held_by(_person(1, Role.HEAD))
    assert not handler.held_by(_person(2, Role.HEAD, homestead_id=101))
    assert not handler.held_by(_person(3, Role.RECORDER))
    assert not handler.held_by(_person(4, Role.VILLAGE_CADRE, homestead_id=None))


def test_the_village_handler_is_any_cadre_of_that_village() -> None:
    handler = handler_at(Level.VILLAGE, FENGSHU)
    assert handler.held_by(_person(1, Role.VILLAGE_CADRE, homestead_id=None))
    assert handler.held_by(_person(2, Role.VILLAGE_CADRE, homestead_id=105))
    assert not handler.held_by(_person(3, Role.VILLAGE_CADRE, village_id=11, homestead_id=None))
    assert not handler.held_by(_person(4, Role.HEAD))


def test_the_township_handler_is_any_official_there_until_one_is_named() -> None:
    official = _person(1, Role.TOWNSHIP_OFFICIAL, village_id=None, homestead_id=None)
    colleague = _person(2, Role.TOWNSHIP_OFFICIAL, village_id=None, homestead_id=None)
    elsewhere = _person(3, Role.TOWNSHIP_OFFICIAL, township_id=2, village_id=None,
                        homestead_id=None)
    unassigned = handler_at(Level.TOWNSHIP, FENGSHU)
    assert unassigned.held_by(official) and unassigned.held_by(colleague)
    assert not unassigned.held_by(elsewhere)
    assigned = handler_at(Level.TOWNSHIP, FENGSHU, assigned=1)
    assert assigned.held_by(official)
    assert not assigned.held_by(colleague)


# --- I6: satisfaction and closing -------------------------------------------------------

def test_satisfaction_counts_satisfied_and_basically_over_all_ratings() -> None:
    assert satisfaction_rate(1, 2, 1) == Fraction(3, 4)
    assert satisfaction_rate(0, 0, 4) == 0
    assert satisfaction_rate(0, 3, 0) == 1


def test_no_ratings_has_no_satisfaction_and_may_not_close() -> None:
    assert satisfaction_rate(0, 0, 0) is None
    assert may_close(None) is False
    assert percent(None) == "—"


@pytest.mark.parametrize(("satisfied", "basically", "dissatisfied"), [
    (3, 0, 2), (0, 3, 2), (1, 2, 2), (60, 0, 40), (6, 0, 4),
])
def test_exactly_sixty_percent_closes(satisfied: int, basically: int,
                                      dissatisfied: int) -> None:
    rate = satisfaction_rate(satisfied, basically, dissatisfied)
    assert rate == Fraction(3, 5)
    assert may_close(rate) is True


@pytest.mark.parametrize(("satisfied", "basically", "dissatisfied"), [
    (59, 0, 41), (0, 599, 401), (2, 0, 2), (119, 0, 81), (29, 0, 20),
])
def test_just_below_sixty_percent_does_not_close(satisfied: int, basically: int,
                                                 dissatisfied: int) -> None:
    rate = satisfaction_rate(satisfied, basically, dissatisfied)
    assert rate is not None and rate < Fraction(3, 5)
    assert may_close(rate) is False


def test_percent_is_a_whole_percentage() -> None:
    assert percent(Fraction(2, 3)) == "67%"
    assert percent(Fraction(3, 5)) == "60%"
    assert percent(Fraction(0)) == "0%"
    assert percent(Fraction(1)) == "100%"


@pytest.mark.parametrize(("satisfied", "raters"), [(28, 47), (119, 200)])
def test_a_rate_below_sixty_is_never_shown_as_sixty(satisfied: int, raters: int) -> None:
    rate = satisfaction_rate(satisfied, 0, raters - satisfied)
    assert not may_close(rate)
    assert float(percent(rate).rstrip("%")) < 60


# --- I6: rating rounds ------------------------------------------------------------------

def test_too_few_raters_extends_the_round_once() -> None:
    two = RoundTally(satisfied=2)
    assert two.raters == 2
    assert decide_round(two, min_raters=3, already_extended=False) is RoundOutcome.EXTEND
    # I8: still short after the one extension, the round waits for the meeting's hands.
    assert decide_round(two, min_raters=3, already_extended=True) is RoundOutcome.AWAIT_MEETING
    assert decide_round(RoundTally(dissatisfied=2), 3, True) is RoundOutcome.AWAIT_MEETING
    # Exactly min_raters after the extension is decided on its ratings.
    assert decide_round(RoundTally(2, 0, 1), 3, True) is RoundOutcome.CLOSE
    assert decide_round(RoundTally(1, 0, 2), 3, True) is RoundOutcome.REOPEN


def test_nobody_rating_extends_then_waits_for_the_meeting() -> None:
    assert decide_round(RoundTally(), 3, already_extended=False) is RoundOutcome.EXTEND
    assert decide_round(RoundTally(), 3, already_extended=True) is RoundOutcome.AWAIT_MEETING


def test_enough_raters_decides_at_once() -> None:
    assert decide_round(RoundTally(3, 0, 2), 3, False) is RoundOutcome.CLOSE
    assert decide_round(RoundTally(1, 1, 2), 3, False) is RoundOutcome.REOPEN
    assert decide_round(RoundTally(0, 3, 0), 3, False) is RoundOutcome.CLOSE
    assert decide_round(RoundTally(59, 0, 41), 3, False) is RoundOutcome.REOPEN


def test_minimum_raters_is_configurable() -> None:
    four = RoundTally(2, 1, 1)
    assert decide_round(four, min_raters=5, already_extended=False) is RoundOutcome.EXTEND
    assert decide_round(four, min_raters=4, already_extended=False) is RoundOutcome.CLOSE
    assert decide_round(RoundTally(satisfied=1), 1, False) is RoundOutcome.CLOSE


def test_the_show_of_hands_decides_at_sixty_percent_whatever_its_size() -> None:
    assert verdict(RoundTally(3, 0, 2)) is RoundOutcome.CLOSE
    assert verdict(RoundTally(0, 3, 2)) is RoundOutcome.CLOSE
    assert verdict(RoundTally(1, 1, 2)) is RoundOutcome.REOPEN
    assert verdict(RoundTally(satisfied=1)) is RoundOutcome.CLOSE
    assert verdict(RoundTally()) is RoundOutcome.REOPEN


@pytest.mark.parametrize(("tally", "persons", "refusal"), [
    (RoundTally(10, 5, 5), 20, None),
    (RoundTally(10, 5, 6), 20, texts.RATINGS_TOO_MANY.format(total=21, persons=20)),
    (RoundTally(dissatisfied=1), 1, None),
    (RoundTally(), 20, texts.RATINGS_NONE),
    (RoundTally(satisfied=1), 0, texts.RATINGS_TOO_MANY.format(total=1, persons=0)),
])
def test_a_show_of_hands_is_counted_like_tally(tally: RoundTally, persons: int,
                                               refusal: str | None) -> None:
    assert show_of_hands_refusal(tally, persons) == refusal


def test_round_tally_rate() -> None:
    assert RoundTally(1, 1, 1).rate == Fraction(2, 3)
    assert RoundTally().rate is None


def test_rating_buttons_labels_and_payloads_fit_a_telegram_callback() -> None:
    (row,) = rating_buttons(7)
    assert [button.label for button in row] == ["满意", "基本满意", "不满意"]
    assert [button.payload for button in row] == [
        "rate:7:satisfied", "rate:7:basically", "rate:7:dissatisfied"]
    assert [Rating(button.payload.rsplit(":", 1)[1]).label for button in row] == [
        "满意", "基本满意", "不满意"]
    (huge,) = rating_buttons(2**63 - 1)
    assert all(len(button.payload.encode()) <= TELEGRAM_CALLBACK_LIMIT for button in huge)


# --- I3: the report deadline on official working days -------------------------------------

@pytest.fixture(scope="module")
def official() -> WorkCalendar:
    """chinese-calendar alone, without an operator's holiday file."""
    return load_calendar(None)


@pytest.mark.parametrize(("meeting_day", "deadline"), [
    # National Day 2026: 10-01..10-07 off, Saturday 10-10 worked (调休).
    (date(2026, 9, 29), date(2026, 10, 12)),
    (date(2026, 9, 28), date(2026, 10, 10)),
    (date(2026, 10, 3), date(2026, 10, 13)),
    # Spring Festival 2026: 02-15..02-23 off, Saturday 02-14 worked.
    (date(2026, 2, 12), date(2026, 2, 26)),
    # An ordinary week: Thursday to the next Thursday.
    (date(2026, 11, 5), date(2026, 11, 12)),
    # Year end: 2027 is unknown, so it counts Monday-Friday (01-01 counted as a workday).
    (date(2026, 12, 28), date(2027, 1, 4)),
])
def test_report_deadline_is_five_official_working_days_later(
        official: WorkCalendar, meeting_day: date, deadline: date) -> None:
    assert report_deadline(meeting_day, official) == deadline


def test_swapped_saturdays_are_workdays_and_holidays_are_not(official: WorkCalendar) -> None:
    assert official.is_workday(date(2026, 10, 10))  # a Saturday
    assert official.is_workday(date(2026, 2, 14))  # a Saturday
    assert not official.is_workday(date(2026, 10, 5))  # a Monday of the holiday
    assert not official.is_workday(date(2026, 10, 11))  # an ordinary Sunday


def test_the_calendar_knows_2026_but_not_2027(official: WorkCalendar) -> None:
    assert official.knows(2026)
    assert not official.knows(2027)
    assert official.unknown_years([date(2026, 12, 28), date(2027, 1, 4)]) == {2027}
    assert official.is_workday(date(2027, 1, 1))  # a Friday, counted as worked


def _holiday_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "holidays.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_holiday_file_adds_a_year(tmp_path: Path) -> None:
    calendar = load_calendar(_holiday_file(tmp_path, (
        '[2027]\nholidays = ["2027-01-01", "2027-02-06/2027-02-12"]\n'
        'workdays = ["2027-02-14"]\n')))
    assert calendar.knows(2027) and calendar.knows(2026)
    assert report_deadline(date(2026, 12, 28), calendar) == date(2027, 1, 5)
    assert not any(calendar.is_workday(date(2027, 2, 6) + timedelta(days=offset))
                   for offset in range(7))
    assert calendar.is_workday(date(2027, 2, 14))  # a Sunday worked
    # 2026 still comes from chinese-calendar.
    assert report_deadline(date(2026, 9, 29), calendar) == date(2026, 10, 12)


def test_holiday_file_overrides_a_known_year(tmp_path: Path) -> None:
    calendar = load_calendar(_holiday_file(tmp_path, "[2026]\nholidays = []\n"))
    assert report_deadline(date(2026, 9, 29), calendar) == date(2026, 10, 6)
    assert not calendar.is_workday(date(2026, 10, 10))


def test_missing_holiday_file_means_chinese_calendar_only(tmp_path: Path) -> None:
    calendar = load_calendar(tmp_path / "absent.toml")
    assert not calendar.knows(2027) and calendar.knows(2026)


@pytest.mark.parametrize(("body", "message"), [
    ('[abc]\nholidays = ["2027-01-01"]\n', "[abc] is not a year"),
    ('[1999]\nholidays = ["1999-01-01"]\n', "[1999] is not a year"),
    ('[2027]\nholidays = ["2026-12-31"]\n', "must lie in 2027"),
    ('[2027]\nholidays = ["2027-12-30/2028-01-02"]\n', "must lie in 2027"),
    ('[2027]\nworkdays = ["2027-01-04"]\n', "workday 2027-01-04 is not a weekend day"),
    ('[2027]\nholidays = ["2027-01-09"]\nworkdays = ["2027-01-09"]\n',
     "2027-01-09 is both a holiday and a workday"),
    ('[2027]\nholidays = ["2027-02-12/2027-02-06"]\n', "from before to"),
    ('[2027]\nholidays = ["2027-13-01"]\n', "is not YYYY-MM-DD or a from/to range"),
    ('[2027]\nholidays = "2027-01-01"\n', "must be a list of dates"),
    ('[2027]\nholidays = [20270101]\n', "is not a date"),
    ('[2027]\nholiday = ["2027-01-01"]\n', "may hold only holidays and workdays"),
    ('[2027\nholidays = []\n', "holidays.toml"),
])
def test_holiday_file_errors_name_the_problem(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(HolidayFileError) as raised:
        load_calendar(_holiday_file(tmp_path, body))
    assert message in str(raised.value)


def test_parse_holidays_returns_days_per_year() -> None:
    parsed = parse_holidays({"2027": {"holidays": ["2027-10-01/2027-10-03"],
                                      "workdays": ["2027-09-26"]}})
    assert parsed == {2027: ({date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3)},
                             {date(2027, 9, 26)})}
