"""The party organisation through the bot (rules Y1, Y2, M6): roster, groups, meetings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.admin import import_roster_file
from core import texts
from core.messages import Outgoing
from core.party import PartyGroup, Post, is_secretary
from storage import notify, org, party
from storage.export import snapshot
from tests.conftest import SHANGHAI, FakeBot, joined, texts_of

PARTY_ROSTER = (
    "编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机,"
    "党支部,党内职务,后备干部,入党积极分子,流动党员,岗位,联系党员\n"
    "C01,杨村官,金溪镇,东片网格,金竹村,杨家湾,9,是,是,40,村干部,13800000002,"
    ",支部书记,,,,,\n"
    "H01,李勇,金溪镇,东片网格,金竹村,枫树湾,1,是,是,44,屋场长,13800000003,"
    ",党小组长,,,,,\n"
    "R01,袁东成,金溪镇,东片网格,金竹村,枫树湾,2,是,否,56,记录员,13800000004,"
    ",,是,,,,P02\n"
    "V01,李平杰,金溪镇,东片网格,金竹村,枫树湾,3,是,否,25,,13800000005,,,,是,,,P02\n"
    "V02,李大娘,金溪镇,东片网格,金竹村,枫树湾,3,是,否,78,,,,,,,,,P02\n"
    "P01,李外出,金溪镇,东片网格,金竹村,枫树湾,5,否,是,35,,13800000011,,,,,是,,\n"
    "P02,李联户,金溪镇,东片网格,金竹村,枫树湾,6,是,是,50,,13800000012,,,,,,政策法律宣传岗,\n"
)


@pytest.fixture
async def party_bot(bot: FakeBot, tmp_path: Path) -> FakeBot:
    """The bot after 枫树湾 grew a party group of 3 (H01, P01 流动党员, P02) and C01 became
    the 支部书记 of 金竹村党支部."""
    return await joined(bot, tmp_path / "party.csv", PARTY_ROSTER)


async def test_the_party_columns_are_stored_and_read_back(party_bot: FakeBot) -> None:
    async with party_bot.app.context.db.read() as connection:
        secretary = await org.person_by_code(connection, "C01")
        villager = await org.person_by_code(connection, "V01")
        assert secretary is not None and villager is not None
        found = await party.member(connection, secretary)
        activist = await party.member(connection, villager)
    assert found.info.post is Post.SECRETARY and is_secretary(found)
    assert found.branch == "金竹村党支部"
    assert activist.info.activist and activist.info.liaison == "P02"
    assert not is_secretary(activist)


async def test_a_reimport_replaces_a_persons_party_columns(party_bot: FakeBot,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "again.csv"
    path.write_text(PARTY_ROSTER.replace(",支部书记,", ",支委,"), encoding="utf-8")
    await import_roster_file(party_bot.app, path)
    async with party_bot.app.context.db.read() as connection:
        secretary = await org.person_by_code(connection, "C01")
        assert secretary is not None
        assert (await party.member(connection, secretary)).info.post is Post.COMMITTEE


async def test_the_party_group_is_an_audience_of_its_members(party_bot: FakeBot) -> None:
    async with party_bot.app.context.db.write() as connection:
        [fengshu] = await org.homesteads_named(connection, "枫树湾")
        [yangjia] = await org.homesteads_named(connection, "杨家湾")
        ids = await notify.persons(connection, [PartyGroup(fengshu.id)])
        codes = sorted([(await org.person_by_id(connection, found)).code  # type: ignore[union-attr]
                        for found in ids])
        assert codes == ["H01", "P01", "P02"]
        assert await notify.persons(connection, [PartyGroup(yangjia.id)]) == []
        assert await notify.tell(connection, [PartyGroup(fengshu.id)], key="party:test",
                                 text="党小组通知", now=party_bot.clock.now()) == 3


async def test_a_group_whose_head_left_the_party_is_warned(party_bot: FakeBot,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "head.csv"
    path.write_text(PARTY_ROSTER.replace(
        "H01,李勇,金溪镇,东片网格,金竹村,枫树湾,1,是,是,44,屋场长,13800000003,,党小组长,",
        "H01,李勇,金溪镇,东片网格,金竹村,枫树湾,1,是,否,44,屋场长,13800000003,,,")
        + "P03,李新党,金溪镇,东片网格,金竹村,枫树湾,7,是,是,30,,,,,,,,,\n", encoding="utf-8")
    result = await import_roster_file(party_bot.app, path)
    assert texts.ROSTER_GROUP_NO_LEADER.format(homestead="金竹村枫树湾", members=3) \
        in result.warnings


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


async def test_a_theme_day_with_an_excused_mobile_member(party_bot: FakeBot) -> None:
    called = await party_bot.say("C01", "private", "/lesson 主题党日 2026-11-10 19:30 学习党章")
    assert texts_of(called)[0] == "\n".join([
        texts.LESSON_CALLED.format(number=1, kind="主题党日", when="11月10日（周二）19:30",
                                   topic="学习党章", expected=5),
        texts.LESSON_EXCUSED.format(names="李外出")])
    assert sorted(message.chat_id for message in called[1:]) == [
        "H01", "H02", "H04", "P01", "P02"]
    evening = await party_bot.tick(at(11, 9, 20, 30))
    assert sorted(message.chat_id for message in evening) == ["C01", "H01", "H02", "H04", "P02"]
    hour = await party_bot.tick(at(11, 10, 18, 30))
    assert "P01" not in {message.chat_id for message in hour}  # excused, not nagged
    assert all(message.buttons for message in hour)
    pressed = await party_bot.press("H01", "private", texts.CHECKIN_BUTTON)
    assert texts_of(pressed) == [texts.LESSON_CHECKED_IN.format(name="李勇", kind="主题党日")]
    refused = await party_bot.say("C01", "private", "/attend H02 V01")
    assert texts_of(refused) == [texts.LESSON_ATTEND_UNKNOWN.format(codes="V01",
                                                                    kind="主题党日")]
    recorded = await party_bot.say("C01", "private", "/attend H02、H04")
    assert texts_of(recorded) == [texts.LESSON_ATTEND_RECORDED.format(
        kind="主题党日", codes="H02、H04",
        progress=texts.LESSON_PROGRESS.format(present=3, expected=5, excused=1))]
    shown = texts_of(await party_bot.say("C01", "private", "/lessons"))[0]
    assert texts.LESSON_BRANCH_RATE.format(branch="金竹村党支部", rate="60%") in shown
    assert texts.LESSON_MEMBER_RATE.format(name="李外出", rate=texts.NO_RATE) in shown
    assert texts.LESSON_MEMBER_RATE.format(name="李联户", rate="0%") in shown
    own = texts_of(await party_bot.say("H01", "private", "/lessons"))[0]
    assert texts.LESSON_OWN_RATE.format(rate="100%") in own


async def test_only_a_secretary_or_the_group_leader_calls(party_bot: FakeBot) -> None:
    refused = await party_bot.say("P02", "private", "/lesson 党课 2026-11-10 19:30 党史")
    assert texts_of(refused) == [texts.LESSON_NOT_ALLOWED.format(kind="党课")]
    refused = await party_bot.say("H02", "private", "/lesson 党小组会 2026-11-10 19:30 议事")
    assert texts_of(refused) == [texts.LESSON_NOT_ALLOWED.format(kind="党小组会")]  # no group
    group = await party_bot.say("H01", "private", "/lesson 党小组会 2026-11-10 19:30 议事")
    assert "应到2人" in texts_of(group)[0]
    bad = await party_bot.say("C01", "private", "/lesson 茶话会 2026-11-10 19:30 聊天")
    assert texts_of(bad)[0].startswith("没有“茶话会”这种会议")


async def test_attend_is_still_the_homestead_leaders_outside_a_party_meeting(
        party_bot: FakeBot) -> None:
    refused = await party_bot.say("P02", "private", "/attend 3")
    assert texts_of(refused) == [texts.ROLE_REFUSED.format(role="村民", command="/attend")]


async def test_the_20th_reminds_a_branch_without_its_monthly_meetings(
        party_bot: FakeBot) -> None:
    await party_bot.say("C01", "private", "/lesson 主题党日 2026-11-12 19:30 学习党章")
    assert missing(await party_bot.tick(at(11, 19, 9))) == []
    assert missing(await party_bot.tick(at(11, 20, 9))) == [
        ("C01", texts.LESSON_MISSING.format(month=11, branch="金竹村党支部", kind="中心组学习"))]
    assert missing(await party_bot.tick(at(11, 21, 9))) == []
    assert missing(await party_bot.tick(at(12, 20, 9))) == [
        ("C01", texts.LESSON_MISSING.format(month=12, branch="金竹村党支部", kind=kind))
        for kind in ("主题党日", "中心组学习")]


def missing(sent: list[Outgoing]) -> list[tuple[str, str]]:
    """The missing-party-meeting reminders among what a tick sent."""
    return [(message.chat_id, message.text) for message in sent if "已过20日" in message.text]


async def test_a_visit_to_a_household_one_liaises_with(party_bot: FakeBot) -> None:
    refused = await party_bot.say("P02", "private", "/visit 4 了解情况")
    assert texts_of(refused) == [texts.VISIT_NOT_YOURS.format(
        number="4", households="枫树湾2号、枫树湾3号")]
    assert texts_of(await party_bot.say("H01", "private", "/visit 3 了解情况")) == [
        texts.VISIT_NO_HOUSEHOLDS]
    assert texts_of(await party_bot.say("V01", "private", "/visit 3 了解情况")) == [
        texts.VISIT_NOT_MEMBER]
    recorded = await party_bot.say("P02", "private", "/visit 枫树湾/3 春耕用工")
    assert texts_of(recorded) == [texts.VISIT_RECORDED.format(household="枫树湾3号")]
    mine = texts_of(await party_bot.say("P02", "private", "/visits"))[0]
    assert mine.splitlines() == [
        texts.VISITS_MINE_HEADER.format(count=2),
        texts.VISITS_LINE.format(household="枫树湾2号", last=texts.VISITS_NEVER),
        texts.VISITS_LINE.format(household="枫树湾3号", last=texts.VISITS_LAST.format(
            day="11月5日", text="春耕用工"))]


async def test_the_cadre_sees_households_without_liaison_and_idle_members(
        party_bot: FakeBot) -> None:
    shown = texts_of(await party_bot.say("C01", "private", "/visits"))[0].splitlines()
    assert shown[-2] == texts.VISITS_NO_LIAISON.format(count=8, households=(
        "杨家湾1号、杨家湾2号、杨家湾9号、枫树湾1号、枫树湾4号、枫树湾5号、枫树湾6号、老屋场1号"))
    assert shown[-1] == texts.VISITS_IDLE.format(count=1, names="李联户")
    await party_bot.say("P02", "private", "/visit 2 春耕用工")
    shown = texts_of(await party_bot.say("C01", "private", "/visits"))[0].splitlines()
    assert shown[-1] == texts.VISITS_IDLE.format(count=0, names=texts.VISITS_NONE)


async def test_an_issue_raised_by_a_household_tells_its_liaison(party_bot: FakeBot) -> None:
    sent = await party_bot.say("V01", "枫树湾", "/issue 路灯坏了")
    assert [(message.chat_id, message.text) for message in sent if message.chat_id == "P02"] \
        == [("P02", texts.VISIT_ISSUE_RAISED.format(household="枫树湾3号", name="李平杰",
                                                    number=1, title="路灯坏了"))]
    sent = await party_bot.say("H01", "枫树湾", "/issue 水渠堵了")  # no liaison
    assert all(message.chat_id != "P02" for message in sent)


async def test_dues_arrears_and_the_months_public_total(party_bot: FakeBot) -> None:
    assert texts_of(await party_bot.say("P02", "private", "/dues 2026-11 P02 10")) == [
        texts.DUES_NOT_SECRETARY]
    assert texts_of(await party_bot.say("C01", "private", "/dues 2026-11 V01 10")) == [
        texts.DUES_NOT_MEMBER.format(code="V01")]
    assert texts_of(await party_bot.say("C01", "private", "/dues 2026-13 P02 10")) == [
        texts.DUES_BAD_MONTH.format(value="2026-13")]
    assert texts_of(await party_bot.say("C01", "private", "/dues 2026-11 P02 -1")) == [
        texts.DUES_BAD_AMOUNT.format(value="-1")]
    for month in (f"2026-{number:02d}" for number in range(1, 12)):
        for code in ("C01", "H01", "H02", "H04", "P01"):
            await party_bot.say("C01", "private", f"/dues {month} {code} 10")
    await party_bot.say("C01", "private", "/dues 2026-11 P01 8")  # a correction: the newest
    for month in ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
                  "2026-07", "2026-08", "2026-09", "2026-11"):
        await party_bot.say("C01", "private", f"/dues {month} P02 12.5")
    own = texts_of(await party_bot.say("P02", "private", "/dues"))
    assert own[0].startswith("你2026年的党费：2026-01 12.50元、")
    shown = texts_of(await party_bot.say("C01", "private", "/dues"))[0].splitlines()
    assert shown[1:] == [texts.DUES_ARREARS_HEADER.format(count=1),
                         texts.DUES_ARREARS_LINE.format(name="李联户", months="10月")]
    sent = await party_bot.say("C01", "private", "/dues 公开 2026-11")
    public = texts.DUES_PUBLIC.format(village="金竹村", month="2026-11", members=6, paid=6,
                                      total="60.50")
    assert texts_of(sent)[0] == texts.DUES_PUBLISHED.format(number=1, text=public)
    assert len(sent[1:]) == 3  # the groups of 金竹村's three 屋场
    assert all(message.text.startswith(public) for message in sent[1:])


async def test_the_export_has_the_party(party_bot: FakeBot) -> None:
    await party_bot.say("C01", "private", "/lesson 主题党日 2026-11-10 19:30 学习党章")
    await party_bot.tick(at(11, 10, 19, 0))
    await party_bot.say("C01", "private", "/attend H01 P02")
    await party_bot.say("P02", "private", "/visit 3 春耕用工")
    await party_bot.say("C01", "private", "/dues 2026-11 P02 12.5")
    async with party_bot.app.context.db.read() as connection:
        state = (await snapshot(connection, SHANGHAI))["party"]
    assert state["groups"] == [{"homestead": "枫树湾", "village": "金竹村", "leader": "H01",
                                "members": ["H01", "P01", "P02"]}]
    assert state["meetings"] == [{
        "id": 1, "kind": "主题党日", "branch": "金竹村党支部", "topic": "学习党章",
        "starts_at": "2026-11-10T19:30:00+08:00", "called_by": "C01",
        "attended": ["H01", "P02"], "excused": ["P01"],
        "expected": ["C01", "H01", "H02", "H04", "P01", "P02"]}]
    assert [(visit["person"], visit["household"], visit["text"])
            for visit in state["visits"]] == [("P02", "金竹村枫树湾3号", "春耕用工")]
    assert state["dues"] == [{"person": "P02", "month": "2026-11", "amount": 12.5}]
    codes = {member["code"]: member for member in state["members"]}
    assert codes["V01"]["activist"] and not codes["V01"]["party_member"]
    assert codes["C01"]["post"] == "支部书记" and codes["P01"]["mobile"]
