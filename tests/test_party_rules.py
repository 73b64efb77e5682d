"""core.party (rules Y1, Y2, M6): the roster's party columns, 联帮带 limits, groups, attendance."""

from __future__ import annotations

import pytest

from core import texts
from core.models import Person
from core.party import (
    CADRE_MOST_MEMBERS,
    MEMBER_MOST_HOUSEHOLDS,
    LessonKind,
    Member,
    PartyInfo,
    Post,
    RollEntry,
    arrears,
    attendance_rate,
    expected,
    group_warnings,
    household_liaison_warnings,
    may_call,
    parse_amount,
    party_groups,
)
from core.roles import Role
from core.roster import RosterInvalid, validate_roster

HEADER = ["编号", "姓名", "镇", "网格", "村", "屋场", "户号", "党员", "年龄", "角色",
          "党支部", "党内职务", "后备干部", "入党积极分子", "流动党员", "岗位", "联系党员"]


def person(number: int, *, household: int | None = None, party_member: bool = True,
           role: Role = Role.VILLAGER, homestead: int = 1) -> Person:
    """Person ``number`` of 金竹村, household id ``household`` (default: their own)."""
    return Person(id=number, code=f"P{number:03d}", name=f"人{number}", role=role, age=40,
                  party_member=party_member, township_id=1, township="金溪镇", village_id=1,
                  village="金竹村", homestead_id=homestead, homestead="枫树湾",
                  household=household or number, phone=None, household_id=household or number)


def row(code: str, household: int, *, member: str = "是", role: str = "", **party: str
        ) -> dict[str, str]:
    cells = {"编号": code, "姓名": code, "镇": "金溪镇", "网格": "东片网格", "村": "金竹村",
             "屋场": "枫树湾", "户号": str(household), "党员": member, "年龄": "40",
             "角色": role}
    return cells | party


def errors_of(rows: list[dict[str, str]]) -> list[str]:
    with pytest.raises(RosterInvalid) as caught:
        validate_roster(HEADER, rows)
    return [str(error) for error in caught.value.errors]


def test_the_party_columns_are_read() -> None:
    rows = validate_roster(HEADER, [
        row("H01", 1, role="屋场长", 党支部="第一支部", 党内职务="支部书记", 岗位="政策法律宣传岗"),
        row("V01", 2, member="否", 入党积极分子="是", 后备干部="是", 联系党员="H01"),
        row("V02", 3, 流动党员="是", 联系党员="H01"),
    ])
    assert rows[0].party == PartyInfo(branch="第一支部", post=Post.SECRETARY,
                                      position="政策法律宣传岗")
    assert rows[1].party == PartyInfo(reserve_cadre=True, activist=True, liaison="H01")
    assert rows[2].party.mobile and rows[2].party.liaison == "H01"


def test_party_only_columns_on_a_non_member_are_errors() -> None:
    assert errors_of([row("V01", 1, member="否", 党支部="第一支部", 党内职务="支委",
                          流动党员="是", 岗位="林业管护岗")]) == [
        "第2行：" + texts.ROSTER_PARTY_ONLY.format(columns="党支部、党内职务、流动党员、岗位")]


def test_an_activist_who_is_a_member_and_a_bad_post_are_errors() -> None:
    assert errors_of([row("H01", 1, 入党积极分子="是", 党内职务="书记", 流动党员="不")]) == [
        "第2行：" + texts.ROSTER_BAD_POST.format(value="书记",
                                               allowed="总支书记、支部书记、支委、党小组长"),
        "第2行：" + texts.ROSTER_BAD_YES_NO.format(column="流动党员", value="不"),
        "第2行：" + texts.ROSTER_ACTIVIST_MEMBER]


def test_a_liaison_is_a_party_member_of_the_same_village_one_per_household() -> None:
    other_village = row("X01", 1) | {"村": "丰收村", "网格": "西片网格"}
    assert errors_of([
        row("H01", 1), row("V01", 2, member="否"), other_village,
        row("V02", 3, member="否", 联系党员="V01"),   # not a member
        row("V03", 4, member="否", 联系党员="X01"),   # another village
        row("V04", 5, member="否", 联系党员="Z99"),   # nobody
        row("V05", 6, member="否", 联系党员="H01"),
        row("V06", 6, member="否", 联系党员="C01") | {"户号": "6"},  # same household, another
    ]) == ["第5行：" + texts.ROSTER_BAD_LIAISON.format(code="V01"),
           "第6行：" + texts.ROSTER_BAD_LIAISON.format(code="X01"),
           "第7行：" + texts.ROSTER_BAD_LIAISON.format(code="Z99"),
           "第9行：" + texts.ROSTER_BAD_LIAISON.format(code="C01"),
           "第9行：" + texts.ROSTER_LIAISON_CLASH.format(code="C01", other="H01", first=8)]


def liaised(liaison: Person, households: int, *, members_each: bool = False) -> list[Member]:
    """``liaison`` and ``households`` households liaised by them, one person each."""
    people = [Member(liaison, PartyInfo())]
    people += [Member(person(100 + number, party_member=members_each),
                      PartyInfo(liaison=liaison.code)) for number in range(households)]
    return people


def test_the_seed_says_6_and_10() -> None:
    assert (CADRE_MOST_MEMBERS, MEMBER_MOST_HOUSEHOLDS) == (6, 10)


def test_a_member_may_liaise_with_10_households_not_11() -> None:
    liaison = person(1)
    assert household_liaison_warnings(liaised(liaison, 10)) == []
    assert household_liaison_warnings(liaised(liaison, 11)) == [texts.ROSTER_MEMBER_TOO_MANY.format(
        name="人1", code="P001", count=11, most=10)]


def test_a_cadre_may_liaise_with_6_party_members_not_7() -> None:
    cadre = person(1, role=Role.VILLAGE_CADRE)
    assert household_liaison_warnings(liaised(cadre, 6, members_each=True)) == []
    assert household_liaison_warnings(liaised(cadre, 7, members_each=True)) == [
        texts.ROSTER_CADRE_TOO_MANY.format(name="人1", code="P001", count=7, most=6)]
    # Households without party members count toward the cadre's 10, not the 6.
    assert household_liaison_warnings(liaised(cadre, 10)) == []


def test_a_party_group_from_exactly_3_members() -> None:
    two = [person(1, role=Role.HEAD), person(2), person(3, party_member=False)]
    three = [*two, person(4)]
    assert party_groups(two) == {}
    assert [found.id for found in party_groups(three)[1]] == [1, 2, 4]


def test_a_group_whose_head_is_not_a_member_is_warned() -> None:
    members = [person(1, role=Role.HEAD, party_member=False), person(2), person(3)]
    assert group_warnings({1: "金竹村枫树湾"}, members) == []  # 2 members: no group
    members.append(person(4))
    assert group_warnings({1: "金竹村枫树湾"}, members) == [
        texts.ROSTER_GROUP_NO_LEADER.format(homestead="金竹村枫树湾", members=3)]
    members[0] = person(1, role=Role.HEAD)
    assert group_warnings({1: "金竹村枫树湾"}, members) == []


def test_who_may_call_and_who_is_expected() -> None:
    secretary = Member(person(1), PartyInfo(post=Post.SECRETARY))
    committee = Member(person(2), PartyInfo(post=Post.COMMITTEE))
    plain = Member(person(3), PartyInfo())
    away = Member(person(4, homestead=2), PartyInfo(mobile=True))
    other = Member(person(5), PartyInfo(branch="第二支部"))
    village = [secretary, committee, plain, away, other,
               Member(person(6, party_member=False), PartyInfo())]
    assert may_call(LessonKind.THEME_DAY, secretary, None, village)
    assert not may_call(LessonKind.THEME_DAY, committee, None, village)
    assert may_call(LessonKind.GROUP, plain, 1, village)
    assert not may_call(LessonKind.GROUP, plain, None, village)
    assert expected(LessonKind.THEME_DAY, secretary, village, None) == [
        secretary, committee, plain, away]
    assert expected(LessonKind.COMMITTEE, secretary, village, None) == [secretary, committee]
    assert expected(LessonKind.GROUP, plain, village, 1) == [secretary, committee, plain, other]


def test_an_excused_mobile_member_is_not_absent() -> None:
    entries = [RollEntry(1, False, True), RollEntry(2, False, False), RollEntry(3, True, False)]
    assert attendance_rate(entries) == 0.5
    assert attendance_rate([*entries, RollEntry(4, True, True)]) == 2 / 3
    assert attendance_rate([RollEntry(3, True, False)]) is None


def test_amounts_and_arrears() -> None:
    assert parse_amount("12") == 1200 and parse_amount("12.5") == 1250
    assert parse_amount("0.01") == 1
    assert [parse_amount(text) for text in ("0", "-1", "1.234", "abc", "1e3")] == [None] * 5
    members = [Member(person(1), PartyInfo()), Member(person(2), PartyInfo()),
               Member(person(3, party_member=False), PartyInfo())]
    assert arrears(members, {1: {"2026-10", "2026-11"}, 2: {"2026-11"}},
                   ["2026-10", "2026-11"]) == {2: ["2026-10"]}
