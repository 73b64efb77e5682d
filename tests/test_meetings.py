"""Meetings through the real handlers: the whole flow, every refusal, reminders and export."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.admin import import_roster_file
from bot.channels.console import CHANNEL
from bot.wiring import App
from core import texts
from core.messages import ChatKind, Incoming
from storage import org
from storage.export import snapshot
from storage.schema import homestead, meeting, meeting_checkin, motion, outbox, vote
from tests.conftest import SHANGHAI, FakeBot, texts_of

TOMORROW = "2026-11-06 19:30"
MEETING_AT = datetime(2026, 11, 6, 19, 30, tzinfo=SHANGHAI)


async def _count(app: App, table: object) -> int:
    async with app.context.db.read() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


async def _open_meeting(bot: FakeBot) -> None:
    await bot.say("H01", "枫树湾", f"/meeting {TOMORROW} 晒谷坪 讨论修路")
    bot.clock.set(MEETING_AT)
    replies = await bot.say("H01", "枫树湾", "/open")
    assert replies[0].button_labels() == ["签到"]


async def test_whole_meeting(app: App, bot: FakeBot) -> None:
    scheduled = await bot.say("H01", "枫树湾", f"/meeting {TOMORROW} 晒谷坪 讨论修路")
    assert scheduled[0].text.startswith("已安排议事恳谈会：11月6日（周五）19:30，在晒谷坪。")
    bot.clock.set(MEETING_AT)
    opened = await bot.say("H01", "枫树湾", "/open")
    assert "在家3户，需到会3户（80%）" in opened[0].text
    checked = await bot.press("V01", "枫树湾", "签到")
    assert texts_of(checked)[0] == "李平杰已签到。到会1/3户，1人。"
    assert checked[0].toast and not checked[0].edit
    # The check-in message itself is rewritten with the count, its button kept.
    assert checked[1].edit and checked[1].text.endswith("登记。\n到会1/3户，1人。")
    assert checked[1].button_labels() == ["签到"]
    assert (await bot.press("V01", "枫树湾", "签到"))[0].toast
    assert texts_of(await bot.say("V01", "枫树湾", "签到")) == ["李平杰已经签过到了。"]
    attended = await bot.say("R01", "枫树湾", "/attend 1 2 3*2")
    # Household 3 was counted as 2 by the recorder; 李平杰's check-in is not added on top.
    assert texts_of(attended) == [
        "已登记：1号1人、2号1人、3号2人。到会3/3户，4人。已达到法定户数。"]
    put = await bot.say("H01", "枫树湾", "/motion 每户出资100元修路")
    assert put[0].button_labels() == ["赞成", "反对", "弃权"]
    assert "到会4人，赞成须达4人" in put[0].text
    voted = await bot.press("V01", "枫树湾", "反对")
    assert texts_of(voted) == ["李平杰：已记录反对。"] and voted[0].toast
    assert texts_of(await bot.press("V01", "枫树湾", "赞成")) == ["李平杰：已改为赞成。"]
    closed = await bot.say("H01", "枫树湾", "/close")
    assert closed[0].text == ("表决结果：每户出资100元修路\n赞成1 反对0 弃权0，到会4人，"
                              "须赞成4人：未通过。")
    await bot.say("H01", "枫树湾", "/motion 村口装路灯")
    assert texts_of(await bot.say("R01", "枫树湾", "/tally 4 0 0"))[0].startswith(
        "已登记举手结果：赞成4 反对0 弃权0")
    assert texts_of(await bot.say("H01", "枫树湾", "/close"))[0].endswith("须赞成4人：通过。")
    assert texts_of(await bot.say("R01", "private", "/minutes 李平杰：先修村口。")) == [
        "已记入会议记录（共1条）。"]
    ended = await bot.say("H01", "枫树湾", "/end")
    summary = ended[0].text
    assert "到会3户（在家3户，需3户），4人，达到法定户数。" in summary
    assert "1. 每户出资100元修路：未通过（赞成1/反对0/弃权0）" in summary
    assert "2. 村口装路灯：通过（赞成4/反对0/弃权0）" in summary
    assert ended[1].chat_id == "C01" and ended[1].text == summary
    assert len(ended) == 2  # the other village's cadre C02 gets nothing

    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
    exported = state["meetings"][0]
    assert exported["starts_at"] == "2026-11-06T19:30:00+08:00"
    assert (exported["households_present"], exported["households_required"],
            exported["persons_present"], exported["quorum_met"]) == (3, 3, 4, True)
    assert [(m["text"], m["yes"], m["no"], m["abstain"], m["passed"])
            for m in exported["motions"]] == [("每户出资100元修路", 1, 0, 0, False),
                                             ("村口装路灯", 4, 0, 0, True)]
    assert exported["minutes"][0]["text"] == "李平杰：先修村口。"


async def test_below_quorum_votes_are_not_binding(bot: FakeBot) -> None:
    await _open_meeting(bot)
    await bot.say("R01", "枫树湾", "/attend 1 2")
    await bot.say("H01", "枫树湾", "/motion 修水渠")
    await bot.say("R01", "枫树湾", "/tally 2 0 0")
    closed = await bot.say("H01", "枫树湾", "/close")
    assert closed[0].text.endswith(
        "须赞成2人：通过。\n到会2户，未达在家户数的80%（3户），本次表决不具约束力。")
    ended = await bot.say("H01", "枫树湾", "/end")
    assert "未达法定户数，表决不具约束力" in ended[0].text
    assert "修水渠：通过（赞成2/反对0/弃权0）（不具约束力）" in ended[0].text


async def test_household_living_away_attending_counts_present(bot: FakeBot) -> None:
    await _open_meeting(bot)
    # Households 1 and 2 live at home, 4 lives away: 3 present of 3 resident needed.
    replies = await bot.say("R01", "枫树湾", "/attend 1 2 4")
    assert replies[0].text.endswith("到会3/3户，3人。已达到法定户数。")


async def test_zero_present_nothing_passes(bot: FakeBot) -> None:
    await _open_meeting(bot)
    await bot.say("H01", "枫树湾", "/motion 修桥")
    assert texts_of(await bot.say("R01", "枫树湾", "/tally 1 0 0")) == [
        texts.TALLY_TOO_MANY.format(total=1, persons=0)]
    closed = await bot.say("H01", "枫树湾", "/close")
    assert "到会0人，须赞成0人：未通过。" in closed[0].text


@pytest.mark.parametrize(("text", "reply"), [
    ("/meeting 2026-11-05 18:00 村部 议题", "11月5日（周四）18:00已经过去了，请安排以后的时间。"),
    ("/meeting 2026-11-06 19:30 村部", texts.MEETING_USAGE),
    ("/meeting 明天 晚上 村部 议题", texts.MEETING_BAD_TIME.format(value="明天 晚上")),
    ("/meeting 2026-02-30 19:30 村部 议题", texts.MEETING_BAD_TIME.format(
        value="2026-02-30 19:30")),
    ("/meeting 2028-01-01 19:30 村部 议题", texts.MEETING_TOO_FAR),
])
async def test_meeting_refusals(app: App, bot: FakeBot, text: str, reply: str) -> None:
    assert texts_of(await bot.say("H01", "枫树湾", text)) == [reply]
    assert await _count(app, meeting) == 0


async def test_villager_cannot_use_head_commands(app: App, bot: FakeBot) -> None:
    for command in ("/meeting 2026-11-06 19:30 村部 议题", "/open", "/motion 修路", "/close",
                    "/end"):
        name = command.split()[0]
        assert texts_of(await bot.say("V01", "枫树湾", command)) == [
            texts.ROLE_REFUSED.format(role="村民", command=name)]
    assert texts_of(await bot.say("V01", "枫树湾", "/attend 3")) == [
        texts.ROLE_REFUSED.format(role="村民", command="/attend")]
    assert await _count(app, meeting) == 0


async def test_nothing_open_refusals(bot: FakeBot) -> None:
    assert texts_of(await bot.say("H01", "枫树湾", "/motion 修路")) == [texts.MEETING_NOT_OPEN]
    assert texts_of(await bot.say("R01", "枫树湾", "/attend 3")) == [texts.MEETING_NOT_OPEN]
    assert texts_of(await bot.say("V01", "枫树湾", "签到")) == [texts.MEETING_NOT_OPEN]
    assert texts_of(await bot.say("H01", "枫树湾", "/open")) == [texts.MEETING_NONE_SCHEDULED]
    assert texts_of(await bot.say("R01", "枫树湾", "/minutes 记录")) == [
        texts.MINUTES_NO_MEETING]
    await bot.say("H01", "枫树湾", "/meeting 2026-11-20 19:30 村部 议题")
    assert texts_of(await bot.say("H01", "枫树湾", "/open")) == [
        texts.MEETING_NOT_TODAY.format(when="11月20日（周五）19:30")]


async def _press_checkin(app: App, person: str, chat_id: str, meeting_id: int) -> list[str]:
    """Press a 签到 button naming ``meeting_id``, as an old message in the group may."""
    replies = await app.router.handle(app.context, Incoming(
        channel=CHANNEL, chat_id=chat_id, chat_kind=ChatKind.GROUP, user_id=person,
        payload=f"checkin:{meeting_id}"))
    assert all(reply.toast for reply in replies[:1])
    return texts_of(replies)


async def _checkins(app: App) -> list[tuple[int, str]]:
    async with app.context.db.read() as connection:
        return [(row.meeting_id, row.person_id) for row in await connection.execute(
            select(meeting_checkin).order_by(meeting_checkin.c.meeting_id))]


async def test_old_checkin_buttons_record_nothing(app: App, bot: FakeBot) -> None:
    await _open_meeting(bot)
    async with app.context.db.read() as connection:
        first, homestead_id = (await connection.execute(
            select(meeting.c.id, meeting.c.homestead_id))).one()
    chat_id = f"hs:{homestead_id}"
    await bot.press("V01", "枫树湾", "签到")
    before = await _checkins(app)
    await bot.say("H01", "枫树湾", "/end")
    # No meeting open: the old button says so.
    assert await _press_checkin(app, "V02", chat_id, first) == [texts.MEETING_NOT_OPEN]
    await bot.say("H01", "枫树湾", "/meeting 2026-11-06 20:30 晒谷坪 再议修路")
    bot.clock.set(MEETING_AT + timedelta(hours=1))
    await bot.say("H01", "枫树湾", "/open")
    # The next meeting is open: the first meeting's button neither checks in to it
    # nor to the ended one.
    assert await _press_checkin(app, "V02", chat_id, first) == [texts.MEETING_ENDED_ALREADY]
    # Another 屋场's group cannot check in to this 屋场's meeting by its number.
    async with app.context.db.read() as connection:
        second = await connection.scalar(select(func.max(meeting.c.id)))
        other = await connection.scalar(select(homestead.c.id).where(
            homestead.c.name == "杨家湾"))
    assert await _press_checkin(app, "V04", f"hs:{other}", second) == [texts.MEETING_NOT_OPEN]
    assert await _checkins(app) == before
    checked = await _press_checkin(app, "V02", chat_id, second)
    assert checked[0] == "李大娘已签到。到会1/3户，1人。"
    assert await _press_checkin(app, "V02", chat_id, second) == ["李大娘已经签过到了。"]
    assert len(await _checkins(app)) == len(before) + 1


async def test_attend_refusals_change_nothing(app: App, bot: FakeBot) -> None:
    await _open_meeting(bot)
    assert texts_of(await bot.say("R01", "枫树湾", "/attend 3 五")) == [
        texts.ATTEND_BAD_ITEM.format(item="五")]
    assert texts_of(await bot.say("R01", "枫树湾", "/attend 3 99 98")) == [
        texts.ATTEND_UNKNOWN.format(numbers="98、99")]
    assert texts_of(await bot.say("R01", "枫树湾", "/attend")) == [texts.ATTEND_USAGE]
    replies = await bot.say("R01", "枫树湾", "/attend 1 2")
    assert replies[0].text.endswith("到会2/3户，2人。")
    withdrawn = await bot.say("R01", "枫树湾", "/attend 2*0")
    assert withdrawn[0].text == "已登记：2号撤销。到会1/3户，1人。"


async def test_votes_only_from_those_checked_in_and_not_after_close(app: App,
                                                                    bot: FakeBot) -> None:
    await _open_meeting(bot)
    await bot.press("V01", "枫树湾", "签到")
    await bot.say("H01", "枫树湾", "/motion 修路")
    refused = await bot.press("V02", "枫树湾", "赞成")
    assert texts_of(refused) == [texts.VOTE_NOT_CHECKED_IN] and refused[0].toast
    assert texts_of(await bot.press("V04", "枫树湾", "赞成"))[0].startswith("你不属于")
    await bot.press("V01", "枫树湾", "赞成")
    await bot.say("H01", "枫树湾", "/close")
    assert texts_of(await bot.press("V01", "枫树湾", "反对")) == [texts.VOTE_CLOSED]
    async with app.context.db.read() as connection:
        assert [tuple(row) for row in await connection.execute(
            select(vote.c.choice))] == [("yes",)]


async def test_tally_replaces_buttons_and_checks_numbers(app: App, bot: FakeBot) -> None:
    await _open_meeting(bot)
    await bot.press("V01", "枫树湾", "签到")
    await bot.say("R01", "枫树湾", "/attend 1 2")
    await bot.say("H01", "枫树湾", "/motion 修路")
    await bot.press("V01", "枫树湾", "反对")
    assert texts_of(await bot.say("R01", "枫树湾", "/tally 3")) == [texts.TALLY_USAGE]
    assert texts_of(await bot.say("R01", "枫树湾", "/tally 3 1 -1")) == [texts.TALLY_USAGE]
    assert texts_of(await bot.say("R01", "枫树湾", "/tally 3 1 0")) == [
        texts.TALLY_TOO_MANY.format(total=4, persons=3)]
    await bot.say("R01", "枫树湾", "/tally 3 0 0")
    assert texts_of(await bot.press("V01", "枫树湾", "弃权")) == [texts.VOTE_TALLIED]
    closed = await bot.say("H01", "枫树湾", "/close")
    assert "赞成3 反对0 弃权0，到会3人，须赞成3人：通过。" in closed[0].text


async def test_one_motion_at_a_time_and_end_closes_it(app: App, bot: FakeBot) -> None:
    await _open_meeting(bot)
    await bot.say("H01", "枫树湾", "/motion 修路")
    assert texts_of(await bot.say("H01", "枫树湾", "/motion 修桥")) == [
        texts.MOTION_STILL_OPEN.format(text="修路")]
    ended = await bot.say("H01", "枫树湾", "/end")
    assert ended[0].text.startswith("表决结果：修路")
    async with app.context.db.read() as connection:
        assert await connection.scalar(select(motion.c.status)) == "closed"
    assert texts_of(await bot.say("H01", "枫树湾", "/end")) == [texts.MEETING_NOT_OPEN]


async def test_checkin_only_for_adults_of_the_homestead(app: App, bot: FakeBot,
                                                        tmp_path: Path) -> None:
    extra = tmp_path / "minor.csv"
    extra.write_text("编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机\n"
                     "V09,李小妹,金溪镇,东片网格,金竹村,枫树湾,3,是,否,16,,\n", encoding="utf-8")
    await import_roster_file(app, extra)
    await bot.start(set())
    await _open_meeting(bot)
    assert texts_of(await bot.press("V09", "枫树湾", "签到")) == [texts.CHECKIN_UNDER_AGE]
    assert texts_of(await bot.say("C01", "枫树湾", "签到")) == [texts.CHECKIN_NOT_MEMBER]
    assert texts_of(await bot.say("V04", "枫树湾", "签到"))[0].startswith("你不属于")
    # Pressed, on PostgreSQL the check-in is written with the sender's look-up, before
    # the checks: each refusal undoes it.
    assert texts_of(await bot.press("C01", "枫树湾", "签到")) == [texts.CHECKIN_NOT_MEMBER]
    assert texts_of(await bot.press("V04", "枫树湾", "签到"))[0].startswith("你不属于")
    assert await _checkins(app) == []


async def test_a_press_checks_in_with_the_look_up_of_its_sender_on_postgresql(
        app: App, bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    if app.context.db.is_sqlite:
        pytest.skip("SQLite has no statement that writes in a CTE; its statements run inline")
    await _open_meeting(bot)

    def apart(*_: object) -> None:
        raise AssertionError("the sender was looked up apart from the check-in")

    monkeypatch.setattr(org, "sender_and_group", apart)
    assert texts_of(await bot.press("V01", "枫树湾", "签到"))[0] == "李平杰已签到。到会1/3户，1人。"
    assert texts_of(await bot.press("V01", "枫树湾", "签到")) == ["李平杰已经签过到了。"]
    assert len(await _checkins(app)) == 1


async def test_blackout_needs_confirmation(app: App, busy_bot: FakeBot) -> None:
    bot = busy_bot
    asked = await bot.say("H01", "枫树湾", f"/meeting {TOMORROW} 村部 秋收安排")
    assert asked[0].text.startswith("11月6日（周五）19:30在秋收期间（金竹村的农忙时节）")
    assert asked[0].button_labels() == ["确认安排", "取消"]
    assert texts_of(await bot.press("V01", "枫树湾", "确认安排")) == [
        texts.ROLE_REFUSED.format(role="村民", command="/mconfirm")]
    confirmed = await bot.press("H01", "枫树湾", "确认安排")
    assert confirmed[0].text.startswith("已安排议事恳谈会")
    assert texts_of(await bot.press("H01", "枫树湾", "取消")) == [texts.MEETING_NOT_PENDING]
    # Another village has no busy season then.
    other = await bot.say("H03", "丰收村/老屋场", f"/meeting {TOMORROW} 祠堂 议题")
    assert other[0].text.startswith("已安排")
    cancelled = await bot.say("H01", "枫树湾", "/meeting 2026-11-07 19:30 村部 再议")
    assert cancelled[0].button_labels() == ["确认安排", "取消"]
    assert texts_of(await bot.press("H01", "枫树湾", "取消")) == [texts.MEETING_CANCELLED]
    async with app.context.db.read() as connection:
        statuses = sorted(row[0] for row in await connection.execute(select(meeting.c.status)))
    assert statuses == ["cancelled", "scheduled", "scheduled"]


async def test_head_schedules_privately_and_group_is_told(bot: FakeBot) -> None:
    replies = await bot.say("H01", "private", f"/meeting {TOMORROW} 晒谷坪 讨论修路")
    assert replies[0].chat_kind.value == "private"
    assert replies[1].text == "李勇安排了议事恳谈会：11月6日（周五）19:30，在晒谷坪。\n议题：讨论修路"


async def test_reminders_are_sent_once(app: App, bot: FakeBot) -> None:
    await bot.say("H01", "枫树湾", f"/meeting {TOMORROW} 晒谷坪 讨论修路")
    # The officials' reminder of missing October scores is not what this test is about.
    assert [m for m in await bot.tick(datetime(2026, 11, 5, 18, 59, tzinfo=SHANGHAI))
            if m.chat_id != "T01"] == []
    evening = await bot.tick(datetime(2026, 11, 5, 19, 0, tzinfo=SHANGHAI) + timedelta(
        minutes=1))
    # The meeting was scheduled at 19:00 exactly, when the evening reminder falls due.
    assert evening == []
    await bot.say("H02", "杨家湾", "/meeting 2026-11-07 19:30 祠堂 议题")
    for minute in range(3):
        sent = [message for message in await bot.tick(
            datetime(2026, 11, 6, 19, minute, tzinfo=SHANGHAI)) if message.chat_kind.value == "group"]
        assert [message.text.split("\n")[0] for message in sent] == (
            ["提醒：1小时后（19:30）在晒谷坪召开议事恳谈会。", "提醒：明天19:30在祠堂召开红色屋场议事恳谈会。"]
            if minute == 0 else [])
    assert await bot.tick(datetime(2026, 11, 7, 18, 45, tzinfo=SHANGHAI)) != []
    assert await bot.tick(datetime(2026, 11, 7, 18, 50, tzinfo=SHANGHAI)) == []
    assert await bot.tick(datetime(2026, 11, 7, 20, 0, tzinfo=SHANGHAI)) == []
    async with app.context.db.read() as connection:
        keys = sorted(row[0] for row in await connection.execute(select(outbox.c.key)))
    assert sum(":remind:" in key for key in keys) == 3


async def test_missing_meeting_reminder_once_a_month(bot: FakeBot) -> None:
    await bot.say("H01", "枫树湾", f"/meeting {TOMORROW} 晒谷坪 讨论修路")
    bot.clock.set(MEETING_AT)
    await bot.say("H01", "枫树湾", "/open")  # held: a meeting never opened is 未召开
    bot.clock.set(MEETING_AT + timedelta(hours=1))
    await bot.say("H01", "枫树湾", "/end")
    await bot.tick(MEETING_AT + timedelta(hours=2))  # the summary goes out
    assert await bot.tick(datetime(2026, 11, 19, 9, 0, tzinfo=SHANGHAI)) == []
    sent = await bot.tick(datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI))
    assert sorted(message.chat_id for message in sent) == ["H02", "H03", "H04"]
    assert sent[0].text.startswith("11月")
    assert await bot.tick(datetime(2026, 11, 21, 9, 0, tzinfo=SHANGHAI)) == []
    december = await bot.tick(datetime(2026, 12, 20, 9, 0, tzinfo=SHANGHAI))
    assert len(december) == 4
