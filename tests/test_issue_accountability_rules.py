"""Rules I9, I10 and I5 as pure functions: the window's start, the 责任人, the list, pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from bot.files.holidays import load_calendar
from core import texts
from core.calendar import WorkCalendar
from core.issues import (
    CountedFrom,
    ReportWindow,
    is_late,
    issue_queue,
    named_official,
    report_window,
    report_window_start,
    window_text,
)
from core.messages import PAGE_LIMIT, paginate, text_length
from core.models import Person
from core.roles import Role

MEETING, VILLAGE = CountedFrom.MEETING, CountedFrom.VILLAGE


@pytest.fixture(scope="module")
def official() -> WorkCalendar:
    """chinese-calendar alone, without an operator's holiday file."""
    return load_calendar(None)


# --- I9: the later of the meeting and the day it reached the village ----------------------

@pytest.mark.parametrize(("meeting_day", "reached", "start"), [
    (None, date(2026, 11, 5), (date(2026, 11, 5), VILLAGE)),  # raised between meetings
    (date(2026, 11, 5), date(2026, 11, 5), (date(2026, 11, 5), MEETING)),  # at the meeting
    (date(2026, 11, 5), date(2026, 11, 6), (date(2026, 11, 6), VILLAGE)),  # a day later
    (date(2026, 12, 1), date(2026, 12, 16), (date(2026, 12, 16), VILLAGE)),  # promise broken
    (date(2026, 11, 5), date(2026, 11, 4), (date(2026, 11, 5), MEETING)),  # never earlier
])
def test_the_window_starts_at_the_later_of_meeting_and_arrival(
        meeting_day: date | None, reached: date, start: tuple[date, CountedFrom]) -> None:
    assert report_window_start(meeting_day, reached) == start


@pytest.mark.parametrize(("meeting_day", "reached", "window"), [
    # Issue 13's case: promised at the 12-01 meeting, escalated 12-16: not 12-08 but 12-23.
    (date(2026, 12, 1), date(2026, 12, 16),
     ReportWindow(date(2026, 12, 16), VILLAGE, date(2026, 12, 23))),
    (date(2026, 12, 1), date(2026, 12, 1),
     ReportWindow(date(2026, 12, 1), MEETING, date(2026, 12, 8))),
    # Reached on a holiday (National Day): the days count from the first working day after.
    (date(2026, 9, 29), date(2026, 10, 3),
     ReportWindow(date(2026, 10, 3), VILLAGE, date(2026, 10, 13))),
    # Reached on a Saturday: Monday to Friday of the next week.
    (None, date(2026, 11, 7), ReportWindow(date(2026, 11, 7), VILLAGE, date(2026, 11, 13))),
    # Reached on the swapped Saturday 10-10 (调休): the start itself is never counted.
    (date(2026, 9, 29), date(2026, 10, 10),
     ReportWindow(date(2026, 10, 10), VILLAGE, date(2026, 10, 16))),
    # Reached the day before it: the swapped Saturday is the first of the five.
    (date(2026, 9, 29), date(2026, 10, 9),
     ReportWindow(date(2026, 10, 9), VILLAGE, date(2026, 10, 15))),
])
def test_the_deadline_counts_five_working_days_from_that_start(
        official: WorkCalendar, meeting_day: date | None, reached: date,
        window: ReportWindow) -> None:
    assert report_window(meeting_day, reached, official) == window


def test_every_message_states_the_start() -> None:
    assert window_text(ReportWindow(date(2026, 12, 16), VILLAGE, date(2026, 12, 23))) == \
        "自12月16日（到村之日）起5个工作日"
    assert window_text(ReportWindow(date(2026, 12, 1), MEETING, date(2026, 12, 8))) == \
        "自12月1日（会议之日）起5个工作日"
    # Escalated before rule I9: no start was recorded, only the length is said.
    assert window_text(None) == "5个工作日"
    assert texts.format_day(date(2027, 1, 4)) == "1月4日"


# --- I10: the 责任人 is a 镇干部 of the roster ---------------------------------------------

def _official(code: str, name: str) -> Person:
    return Person(id=int(code[1:]), code=code, name=name, role=Role.TOWNSHIP_OFFICIAL, age=40,
                  party_member=True, township_id=1, township="金溪镇", village_id=None,
                  village=None, homestead_id=None, homestead=None, household=None, phone=None)


ZHOU, WU, WU2 = _official("T01", "周镇长"), _official("T03", "吴干事"), _official("T04", "吴干事")


def test_named_by_code_in_any_case_or_by_a_unique_name() -> None:
    officials = [ZHOU, WU, WU2]
    assert named_official("T03", officials) == (WU, ())
    assert named_official("t04", officials) == (WU2, ())
    assert named_official(" 周镇长 ", officials) == (ZHOU, ())
    # An exact 编号 wins over one that differs only in case.
    lower = _official("t03", "郑干事")
    assert named_official("t03", [WU, lower]) == (lower, ())
    assert named_official("T03", [WU, lower]) == (WU, ())


def test_an_ambiguous_name_lists_those_who_share_it() -> None:
    assert named_official("吴干事", [ZHOU, WU, WU2]) == (None, (WU, WU2))
    assert named_official("吴干事", [ZHOU, WU]) == (WU, ())


def test_an_unknown_name_lists_every_official() -> None:
    assert named_official("王明", [ZHOU, WU]) == (None, (ZHOU, WU))
    assert named_official("周", [ZHOU]) == (None, (ZHOU,))  # no partial names
    assert named_official("", [ZHOU]) == (None, (ZHOU,))


# --- I5: the order of a list ---------------------------------------------------------------

@dataclass(frozen=True)
class _Queued:
    id: int
    overdue: bool
    current_deadline: date | None


TODAY = date(2026, 11, 10)


def test_late_means_marked_or_past_its_deadline_not_on_it() -> None:
    assert is_late(True, None, TODAY)
    assert is_late(False, date(2026, 11, 9), TODAY)
    assert not is_late(False, TODAY, TODAY)
    assert not is_late(False, None, TODAY)


def test_overdue_first_then_by_deadline_then_without_one() -> None:
    marked = _Queued(5, True, date(2026, 11, 20))
    passed = _Queued(6, False, date(2026, 11, 9))
    soon = _Queued(2, False, date(2026, 11, 12))
    today = _Queued(7, False, TODAY)
    none_a, none_b = _Queued(1, False, None), _Queued(3, False, None)
    found = [none_b, soon, marked, none_a, today, passed]
    assert issue_queue(found, TODAY) == [passed, marked, today, soon, none_a, none_b]
    assert issue_queue(found, TODAY, only_overdue=True) == [passed, marked]
    assert issue_queue([], TODAY) == []


# --- pages for a phone ---------------------------------------------------------------------

MARKER = texts.ISSUES_PAGE


def test_a_short_list_is_one_page_without_a_marker() -> None:
    assert paginate("清单", ["1号", "2号"], MARKER) == ["清单\n1号\n2号"]
    assert paginate("清单", [], MARKER) == ["清单"]
    exact = "字" * (PAGE_LIMIT - len("清单\n"))
    assert paginate("清单", [exact], MARKER) == [f"清单\n{exact}"]


def test_a_long_list_is_cut_between_lines_and_every_page_is_marked() -> None:
    lines = [f"{number}号 " + "路" * 40 for number in range(1, 301)]
    pages = paginate("金竹村问题清单", lines, MARKER)
    assert len(pages) == 4
    assert all(text_length(page) <= PAGE_LIMIT for page in pages)
    assert [page.split("\n")[0] for page in pages] == [
        f"金竹村问题清单（第{page}/4页）" for page in range(1, 5)]
    assert [line for page in pages for line in page.split("\n")[1:]] == lines


def test_telegram_counts_an_emoji_as_two() -> None:
    lines = ["🔥" * 1000] * 3  # 2,000 units each: two fit beside the header, not three
    pages = paginate("清单", lines, MARKER)
    assert len(pages) == 2
    assert all(text_length(page) <= PAGE_LIMIT for page in pages)
    assert len(pages[0]) < PAGE_LIMIT // 2 + 100


def test_a_line_longer_than_a_page_is_cut_with_an_ellipsis() -> None:
    pages = paginate("清单", ["长" * 10_000, "短"], MARKER)
    assert len(pages) == 2
    assert all(text_length(page) <= PAGE_LIMIT for page in pages)
    assert pages[0].endswith("长…") and pages[1].endswith("\n短")
    (alone,) = paginate("清单", ["长" * 10_000], MARKER)
    assert alone.startswith("清单\n长") and alone.endswith("长…")
    assert text_length(alone) <= PAGE_LIMIT
    with pytest.raises(ValueError):
        paginate("头" * PAGE_LIMIT, ["1"], MARKER)
