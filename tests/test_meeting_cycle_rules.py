"""Rules M8-M9 and the follow-up task mechanism as pure functions, at their edges."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from core.meetings import (
    PollSyntaxError,
    meeting_wanted,
    meeting_wanted_now,
    parse_poll,
    request_window_start,
)
from core.messages import split_for_phone
from core.models import Person
from core.permissions import Place
from core.roles import Role
from core.tasks import (
    Task,
    TaskKind,
    TaskStatus,
    decision_due,
    may_report,
    office_at,
    overdue_decisions,
    task_overdue,
)
from tests.conftest import SHANGHAI

TODAY = date(2026, 11, 5)


def test_poll_reads_the_days_and_times_heads_type() -> None:
    assert parse_poll("明天 19点半 11月12日 晚上7点", SHANGHAI, TODAY) == [
        datetime(2026, 11, 6, 19, 30, tzinfo=SHANGHAI),
        datetime(2026, 11, 12, 19, 0, tzinfo=SHANGHAI)]


def _times(count: int) -> str:
    return " ".join(f"2026-11-1{day} 19:30" for day in range(count))


def test_poll_takes_two_to_four_distinct_times() -> None:
    assert parse_poll("2026-11-10 19:30 2026年11月12日 19：30", SHANGHAI, TODAY) == [
        datetime(2026, 11, 10, 19, 30, tzinfo=SHANGHAI),
        datetime(2026, 11, 12, 19, 30, tzinfo=SHANGHAI)]
    assert len(parse_poll(_times(4), SHANGHAI, TODAY)) == 4


@pytest.mark.parametrize(("text", "bad"), [
    ("2026-11-10 19:30", "2026-11-10 19:30"),
    ("2026-11-10 19:30 2026-11-12", "2026-11-10 19:30 2026-11-12"),
    (_times(5), _times(5)),
    ("2026-11-10 19:30 2026-02-30 19:30", "2026-02-30 19:30"),
    ("2026-11-10 19:30 明天 晚上", "明天 晚上"),
    ("2026-11-10 25:30 2026-11-12 19:30", "2026-11-10 25:30"),
    ("2026-11-10 19:30 2026-11-10 19:30", "2026-11-10 19:30 2026-11-10 19:30"),
])
def test_poll_refuses_what_it_cannot_read(text: str, bad: str) -> None:
    with pytest.raises(PollSyntaxError) as raised:
        parse_poll(text, SHANGHAI, TODAY)
    assert raised.value.args[0] == bad


@pytest.mark.parametrize(("asking", "resident", "wanted"), [
    (2, 4, False),  # exactly half is not enough
    (3, 4, True),
    (1, 3, False),
    (2, 3, True),
    (0, 0, False),
    (1, 1, True),
])
def test_meeting_wanted_past_half(asking: int, resident: int, wanted: bool) -> None:
    assert meeting_wanted(asking, resident) is wanted


def test_told_once_per_crossing() -> None:
    assert meeting_wanted_now(2, 3, 4)
    assert not meeting_wanted_now(3, 3, 4)  # the same household asked again
    assert not meeting_wanted_now(3, 4, 4)  # already past half
    assert not meeting_wanted_now(1, 2, 4)


def test_requests_count_for_thirty_days_since_the_last_meeting() -> None:
    now = datetime(2026, 11, 30, 9, tzinfo=SHANGHAI)
    assert request_window_start(now, None) == now - timedelta(days=30)
    ended = datetime(2026, 11, 20, 21, tzinfo=SHANGHAI)
    assert request_window_start(now, ended) == ended
    assert request_window_start(now, ended - timedelta(days=40)) == now - timedelta(days=30)


def _task(status: TaskStatus, due: date) -> Task:
    place = Place(1, 2, 3)
    return Task(1, TaskKind.DECISION, "修路", "motion", 5, place,
                office_at(Role.HEAD, place, "屋场长"), due, status, None,
                datetime(2026, 11, 6, tzinfo=SHANGHAI), None, None)


def test_decision_due_thirty_days_after_its_meeting_and_late_the_day_after() -> None:
    due = decision_due(date(2026, 11, 6))
    assert due == date(2026, 12, 6)
    assert not task_overdue(_task(TaskStatus.OPEN, due), date(2026, 12, 6))
    assert task_overdue(_task(TaskStatus.OPEN, due), date(2026, 12, 7))
    assert not task_overdue(_task(TaskStatus.DONE, due), date(2027, 1, 7))
    assert overdue_decisions([_task(TaskStatus.OPEN, due)]) == "决议1号 修路（应在12月6日前办结）"


def _person(role: Role, homestead: int | None, person_id: int = 7) -> Person:
    return Person(person_id, "X", "某人", role, 40, True, 1, "镇", 2, "村", homestead, "屋场",
                  1, None)


def test_office_narrows_to_the_role_and_only_its_holder_reports() -> None:
    place = Place(1, 2, 3)
    assert office_at(Role.VILLAGE_CADRE, place, "村干部").place == Place(1, 2)
    assert office_at(Role.TOWNSHIP_OFFICIAL, place, "镇干部").place == Place(1)
    task = _task(TaskStatus.OPEN, date(2026, 12, 6))
    assert may_report(task, _person(Role.HEAD, 3))
    assert not may_report(task, _person(Role.HEAD, 4))
    assert not may_report(task, _person(Role.RECORDER, 3))
    named = office_at(Role.TOWNSHIP_OFFICIAL, place, "王明", person_id=9)
    assert named.held_by(_person(Role.TOWNSHIP_OFFICIAL, None, 9))
    assert not named.held_by(_person(Role.TOWNSHIP_OFFICIAL, None, 8))


def test_split_for_phone_between_lines_and_inside_a_long_one() -> None:
    assert split_for_phone("短") == ["短"]
    lines = ["字" * 10] * 5
    assert split_for_phone("\n".join(lines), limit=31) == [
        "\n".join(lines[:2]), "\n".join(lines[2:4]), lines[4]]
    assert split_for_phone("字" * 70, limit=32) == ["字" * 32, "字" * 32, "字" * 6]
    exactly = "\n".join(["字" * 15, "字" * 16])
    assert split_for_phone(exactly, limit=32) == [exactly]
