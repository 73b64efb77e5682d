"""The pure rules of publication at their edges: scope (P1), 公示 end and summary (P2)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core import texts
from core.calendar import WorkCalendar
from core.models import Office, Person
from core.permissions import Place
from core.publication import (
    MAX_TEXT,
    Kind,
    Notice,
    Objection,
    Published,
    Status,
    excerpt,
    office_for,
    publicity_ends_on,
    reaches,
    read_request,
    scope_for,
    summary_text,
    unanswered,
)
from core.roles import Role

HOME = Place(1, 10, 100)
OTHER_HOMESTEAD = Place(1, 10, 101)
OTHER_VILLAGE = Place(1, 11, 110)


def person(role: Role, place: Place, person_id: int = 7) -> Person:
    return Person(id=person_id, code="X", name="某人", role=role, age=40, party_member=True,
                  township_id=place.township_id, township="金溪镇", village_id=place.village_id,
                  village="金竹村", homestead_id=place.homestead_id, homestead="枫树湾",
                  household=1, phone=None)


@pytest.mark.parametrize(("role", "home", "scope"), [
    (Role.HEAD, HOME, HOME),
    (Role.HEAD, Place(1, 10), None),  # a head without a 屋场 reaches no group
    (Role.VILLAGE_CADRE, HOME, Place(1, 10)),
    (Role.VILLAGE_CADRE, Place(1), None),
    (Role.TOWNSHIP_OFFICIAL, Place(1), Place(1)),
    (Role.TOWNSHIP_OFFICIAL, HOME, Place(1)),
    (Role.RECORDER, HOME, None),
    (Role.VILLAGER, HOME, None),
])
def test_scope_for_each_role(role: Role, home: Place, scope: Place | None) -> None:
    # rule P1: head -> the 屋场 group, cadre -> the village's, official -> the township's.
    assert scope_for(role, home) == scope


def test_the_office_of_a_scope_answers_for_it() -> None:
    assert office_for(HOME) == Office(Role.HEAD, HOME)
    assert office_for(Place(1, 10)) == Office(Role.VILLAGE_CADRE, Place(1, 10))
    assert office_for(Place(1)) == Office(Role.TOWNSHIP_OFFICIAL, Place(1))
    village_notice = notice(scope=Place(1, 10), publisher_id=99)
    assert village_notice.managed_by(person(Role.VILLAGE_CADRE, OTHER_HOMESTEAD))
    assert not village_notice.managed_by(person(Role.VILLAGE_CADRE, OTHER_VILLAGE))
    assert not village_notice.managed_by(person(Role.HEAD, HOME))
    assert village_notice.managed_by(person(Role.HEAD, HOME, person_id=99))  # its sender
    assert village_notice.publisher() == 99
    assert notice(scope=Place(1), publisher_id=None).publisher() == Office(
        Role.TOWNSHIP_OFFICIAL, Place(1))


def test_who_is_of_a_scope() -> None:
    assert reaches(HOME, HOME)
    assert not reaches(HOME, OTHER_HOMESTEAD)
    assert not reaches(HOME, Place(1, 10))  # a cadre without a 屋场 is not of a 屋场
    assert reaches(Place(1, 10), OTHER_HOMESTEAD)
    assert not reaches(Place(1, 10), OTHER_VILLAGE)
    assert reaches(Place(1), Place(1))
    assert not reaches(Place(1), Place(2, 20, 200))


@pytest.mark.parametrize(("args", "publicity", "wanted"), [
    ("修路", False, Published("修路")),
    ("  修路  通知 ", False, Published("修路  通知")),
    ("5 户名单", False, Published("5 户名单")),  # days only for a 公示
    ("1 名单", True, Published("名单", days=1)),
    ("30 名单", True, Published("名单", days=30)),
    ("2026年名单", True, Published("2026年名单")),
    ("更正 12 改期", False, Published("改期", corrects=12)),
    ("更正 #12 改期", False, Published("改期", corrects=12)),
    ("3 更正 12 改期", True, Published("改期", days=3, corrects=12)),
    ("更正名单", True, Published("更正名单")),
])
def test_read_request(args: str, publicity: bool, wanted: Published) -> None:
    assert read_request(args, publicity=publicity) == wanted


@pytest.mark.parametrize(("args", "publicity", "message"), [
    ("", False, texts.NOTICE_USAGE),
    ("", True, texts.PUBLICIZE_USAGE),
    ("5", True, texts.PUBLICIZE_USAGE),
    ("0 名单", True, texts.PUBLICIZE_BAD_DAYS.format(value="0", most=30)),
    ("31 名单", True, texts.PUBLICIZE_BAD_DAYS.format(value="31", most=30)),
    ("更正 改期", False, texts.CORRECTION_USAGE),
    ("更正 12", False, texts.NOTICE_USAGE),
    ("长" * (MAX_TEXT + 1), False, texts.NOTICE_TOO_LONG.format(most=MAX_TEXT)),
])
def test_read_request_refuses(args: str, publicity: bool, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        read_request(args, publicity=publicity)


def test_a_text_of_the_longest_length_is_taken() -> None:
    assert read_request("长" * MAX_TEXT, publicity=False) == Published("长" * MAX_TEXT)


def test_publicity_ends_after_official_working_days() -> None:
    # rule P2, with I3's calendar: Thursday 1 October is a holiday, Saturday 10 a workday.
    calendar = WorkCalendar(holidays=frozenset({date(2026, 10, 1), date(2026, 10, 2)}),
                            workdays=frozenset({date(2026, 10, 10)}),
                            known_years=frozenset({2026}))
    assert publicity_ends_on(date(2026, 9, 30), 1, calendar) == date(2026, 10, 5)
    assert publicity_ends_on(date(2026, 9, 30), 5, calendar) == date(2026, 10, 9)
    assert publicity_ends_on(date(2026, 9, 30), 6, calendar) == date(2026, 10, 10)
    # Published on a day off, the count starts with the next working day.
    assert publicity_ends_on(date(2026, 10, 3), 1, calendar) == date(2026, 10, 5)


def notice(*, scope: Place = HOME, publisher_id: int | None = 7) -> Notice:
    return Notice(id=12, kind=Kind.FINANCES, scope=scope, text="2026年低保名单：3号户、4号户、7号户",
                  publisher_id=publisher_id, publicity=True, days=5, ends_at=None,
                  status=Status.OPEN, corrects=None, sent_at=None)


def test_the_summary_at_the_end() -> None:
    title = texts.PUBLICITY_ENDED.format(number=12, kind="财务公开",
                                         excerpt="2026年低保名单：3号户、4号…")
    assert summary_text(notice(), []) == f"{title}\n{texts.PUBLICITY_NO_OBJECTIONS}"
    answered = [Objection(1, "漏了5号户", "已补上")]
    assert summary_text(notice(), answered) == "\n".join([
        title, texts.PUBLICITY_OBJECTIONS.format(count=1), "1. 漏了5号户",
        texts.OBJECTION_ANSWER.format(answer="已补上"), texts.PUBLICITY_ALL_ANSWERED])
    waiting = [*answered, Objection(2, "7号户有车", None), Objection(3, "名单太长", None)]
    assert unanswered(waiting) == waiting[1:]
    assert summary_text(notice(), waiting).endswith(
        texts.PUBLICITY_UNANSWERED.format(count=2, numbers="2、3"))


def test_excerpt() -> None:
    assert excerpt("短") == "短"
    assert excerpt("一二三四五六七八九十一二三四五六") == "一二三四五六七八九十一二三四五六"
    assert excerpt("一二三四五六七八九十一二三四五六七") == "一二三四五六七八九十一二三四五六…"
    assert excerpt("第一行\n第二行") == "第一行 第二行"
