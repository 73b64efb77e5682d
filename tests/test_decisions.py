"""After a meeting (rule M9) through the console: minutes out, decisions made and carried out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from bot.admin import verify, verify_tasks
from bot.wiring import App
from core import texts
from core.messages import ChatKind, Outgoing
from storage.export import snapshot
from storage.schema import task
from tests.conftest import SHANGHAI, FakeBot, texts_of

FENGSHU = "枫树湾"


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment of 2026 in Shanghai."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


async def _meeting(bot: FakeBot, day: int, households: str,
                   motions: list[tuple[str, str]]) -> list[Outgoing]:
    """Hold a meeting of 枫树湾 on a November evening; return what /end sent."""
    await bot.say("H01", FENGSHU, f"/meeting 2026-11-{day:02d} 19:30 晒谷坪 修路")
    bot.clock.set(at(11, day, 19, 30))
    await bot.say("H01", FENGSHU, "/open")
    await bot.say("R01", FENGSHU, f"/attend {households}")
    for text, tally in motions:
        await bot.say("H01", FENGSHU, f"/motion {text}")
        await bot.say("R01", FENGSHU, f"/tally {tally}")
        await bot.say("H01", FENGSHU, "/close")
    bot.clock.set(at(11, day, 20, 15))
    await bot.say("R01", FENGSHU, "/minutes 李平杰：村口的路先修，每户出工两天。")
    bot.clock.set(at(11, day, 21))
    return await bot.say("H01", FENGSHU, "/end")


async def test_quorate_meeting_makes_decisions_with_minutes_verbatim(app: App,
                                                                     bot: FakeBot) -> None:
    ended = await _meeting(bot, 6, "1 2 3", [("村口修路", "3 0 0"), ("集资建亭子", "1 2 0")])
    summary = ended[0].text
    assert "形成决议1项，由屋场长在12月6日前办结（/done 编号 说明）：\n决议1号：村口修路" in summary
    assert "集资建亭子" in summary and "决议2号" not in summary
    assert summary.endswith("会议记录（1条，原文）：\n20:15 袁东成：李平杰：村口的路先修，每户出工两天。")
    assert [(message.chat_id, message.text) for message in ended[1:]] == [("C01", summary)]
    listed = await bot.say("V01", FENGSHU, "/decisions")
    assert texts_of(listed) == ["金竹村枫树湾的决议：\n1号 村口修路（11月6日会议）：未办，12月6日前办结"]
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
    assert state["decisions"] == [{"id": 1, "homestead": FENGSHU, "meeting_id": 1,
                                   "text": "村口修路", "status": "open", "due": "2026-12-06",
                                   "report": None}]
    assert [(found["id"], found["kind"], found["owner"], found["due"], found["status"],
             found["subject"]) for found in state["tasks"]] == [
        (1, "decision", "金竹村枫树湾屋场长", "2026-12-06", "open", "村口修路")]
    assert texts_of(await bot.say("T01", "private", "/decisions")) == [
        texts.DECISIONS_NO_HOMESTEAD]
    assert texts_of(await bot.say("T01", FENGSHU, "/decisions"))[0].startswith(
        "金竹村枫树湾的决议：")


async def test_motions_of_a_meeting_below_quorum_make_no_decision(bot: FakeBot) -> None:
    ended = await _meeting(bot, 6, "1 2", [("村口修路", "2 0 0")])
    assert "村口修路：通过（赞成2/反对0/弃权0）（不具约束力）" in ended[0].text
    assert "决议" not in ended[0].text
    assert texts_of(await bot.say("V01", FENGSHU, "/decisions")) == [
        texts.DECISIONS_NONE.format(homestead="金竹村枫树湾")]


async def test_head_reports_a_decision_done_and_the_group_is_told(app: App,
                                                                  bot: FakeBot) -> None:
    await _meeting(bot, 6, "1 2 3", [("村口修路", "3 0 0")])
    bot.clock.set(at(11, 20))
    assert texts_of(await bot.say("V01", FENGSHU, "/done 1 修好了")) == [
        texts.ROLE_REFUSED.format(role="村民", command="/done")]
    assert texts_of(await bot.say("H01", FENGSHU, "/done 1")) == [texts.DONE_USAGE]
    assert texts_of(await bot.say("H01", FENGSHU, "/done 7 修好了")) == [
        texts.DONE_UNKNOWN.format(number=7)]
    # 杨家湾's head cannot report 枫树湾's decision: it is not among his.
    assert texts_of(await bot.say("H02", "private", "/done 1 修好了")) == [
        texts.DONE_UNKNOWN.format(number=1)]
    done = await bot.say("H01", "private", "/done 1 路面已硬化，验收合格")
    text = texts.DONE_RECORDED.format(number=1, text="村口修路", report="路面已硬化，验收合格")
    assert [(message.chat_kind, message.text) for message in done] == [
        (ChatKind.PRIVATE, text), (ChatKind.GROUP, text)]
    assert texts_of(await bot.say("H01", FENGSHU, "/done 1 再报")) == [
        texts.DONE_ALREADY.format(number=1, report="路面已硬化，验收合格")]
    assert texts_of(await bot.say("R01", FENGSHU, "/decisions"))[0].endswith(
        "：已办结：路面已硬化，验收合格")
    assert await verify(app) == (None, [])
    assert await verify_tasks(app) == []
    async with app.context.db.write() as connection:
        await connection.execute(update(task).values(status="open"))
    assert await verify_tasks(app) == [1]


async def test_overdue_decisions_at_the_next_opening_and_in_the_heads_reminders(
        bot: FakeBot) -> None:
    await _meeting(bot, 6, "1 2 3", [("村口修路", "3 0 0"), ("清理水塘", "3 0 0")])
    bot.clock.set(at(12, 1, 9))
    await bot.say("H01", FENGSHU, "/done 2 水塘清好了")
    # Due on 12-06: not yet late that day.
    bot.clock.set(at(12, 6, 9))
    assert "未办，12月6日前办结" in texts_of(await bot.say("V01", FENGSHU, "/decisions"))[0]
    bot.clock.set(at(12, 7, 9))
    assert "超期未办（应在12月6日前办结）" in texts_of(
        await bot.say("V01", FENGSHU, "/decisions"))[0]
    await bot.say("H01", FENGSHU, "/meeting 2026-12-09 19:30 晒谷坪 年终议事")
    evening = await bot.tick(at(12, 8, 19, 1))
    late = "决议1号 村口修路（应在12月6日前办结）"
    head = [message for message in evening if message.chat_id == "H01"]
    assert texts_of(head) == [texts.OVERDUE_DECISIONS_HEAD.format(homestead="金竹村枫树湾")
                              + "\n" + late]
    assert [message for message in await bot.tick(at(12, 9, 18, 45))
            if message.chat_id == "H01"] == []
    bot.clock.set(at(12, 9, 19, 30))
    opened = await bot.say("H01", FENGSHU, "/open")
    assert texts_of(opened[1:]) == [f"{texts.OVERDUE_DECISIONS}\n{late}"]


async def test_missing_meeting_reminder_lists_overdue_decisions(bot: FakeBot) -> None:
    await _meeting(bot, 6, "1 2 3", [("村口修路", "3 0 0")])
    reminded = await bot.tick(at(12, 20, 9))
    (head,) = [message for message in reminded if message.chat_id == "H01"]
    assert head.text == "\n".join([
        texts.REMIND_NO_MEETING.format(month=12, homestead="金竹村枫树湾"),
        texts.OVERDUE_DECISIONS, "决议1号 村口修路（应在12月6日前办结）"])


async def test_long_minutes_go_out_in_pieces_a_phone_shows(bot: FakeBot) -> None:
    await bot.say("H01", FENGSHU, "/meeting 2026-11-06 19:30 晒谷坪 修路")
    bot.clock.set(at(11, 6, 19, 30))
    await bot.say("H01", FENGSHU, "/open")
    said = [f"第{number}位村民发言：" + "路要修宽一点，" * 40 for number in range(20)]
    for text in said:
        await bot.say("R01", FENGSHU, f"/minutes {text}")
    ended = await bot.say("H01", FENGSHU, "/end")
    group = [message.text for message in ended if message.chat_kind is ChatKind.GROUP]
    cadre = [message.text for message in ended if message.chat_id == "C01"]
    assert len(group) > 1 and cadre == group
    assert all(len(part) <= 4096 for part in group)
    joined = "\n".join(group)
    assert all(f"19:30 袁东成：{text}" in joined for text in said)
