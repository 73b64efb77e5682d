"""Issue 13 through the console: when the village's clock starts (I9), who is responsible
(I10), and the list (I5, 问题清单制)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.admin import import_roster_file
from bot.wiring import App
from core import texts
from core.issues import CountedFrom, Level, Status
from core.messages import PAGE_LIMIT, text_length
from storage import issues, org
from storage.events import Actor
from storage.export import snapshot
from tests.conftest import SHANGHAI, FakeBot, texts_of
from tests.test_issues import (
    FENGSHU,
    _about,
    _group,
    _issue,
    _ledger,
    _meeting_issue,
    _raise,
    _refused,
    _say_refused,
    _to,
    _to_township,
    _to_village,
    _window,
    at,
)

# Two more officials of 金溪镇, one sharing a name (I10), and a cadre of 金竹村's.
MORE_OFFICIALS = ("编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机\n"
                  "T03,吴干事,金溪镇,,,,,,否,30,镇干部,13800000011\n"
                  "T04,吴干事,金溪镇,,,,,,否,31,镇干部,13800000012\n")


# --- I9: the 5 working days count from the later of the meeting and the day it arrived ----

async def test_a_promise_broken_late_gives_the_village_its_five_days(
        app: App, bot: FakeBot) -> None:
    """Issue 13's case: promised at the 12-01 meeting, escalated on 12-16, not late at once."""
    number = await _meeting_issue(bot, "H01", FENGSHU, date(2026, 12, 1), "V01", "水渠堵了")
    bot.clock.set(at(12, 1, 21))
    await bot.say("H01", FENGSHU, f"/promise {number} 2026-12-10 请人来疏通")
    await bot.tick(at(12, 11, 0, 5))
    assert (await _issue(app, number)).overdue

    bot.clock.set(at(12, 16, 9))
    escalated = await bot.say("H01", FENGSHU, f"/escalate {number} 屋场疏通不了")
    window = _window("12月16日")
    notice = texts.ESCALATED_TO_VILLAGE.format(number=number, title="水渠堵了", window=window,
                                               deadline="12月23日", reason="屋场疏通不了")
    assert notice.startswith(f"{number}号问题“水渠堵了”已上报村里。"
                             "自12月16日（到村之日）起5个工作日内，村里须在12月23日前")
    group = await _group(app, FENGSHU)
    assert sorted((message.chat_id, message.text) for message in escalated) == sorted(
        [(group, notice), ("C01", notice)])
    found = await _issue(app, number)
    assert (found.level, found.deadline, found.deadline_start, found.deadline_from,
            found.overdue) == (Level.VILLAGE, date(2026, 12, 23), date(2026, 12, 16),
                               CountedFrom.VILLAGE, False)

    # Not escalated that night as the village's fault, nor before its deadline has passed.
    overdue = texts.ESCALATED_OVERDUE.format(number=number, title="水渠堵了", window=window,
                                             deadline="12月23日")
    for moment in (at(12, 16, 23, 59), at(12, 17, 0, 5), at(12, 23, 23, 59)):
        assert _about(await bot.tick(moment), overdue) == []
    assert (await _issue(app, number)).level is Level.VILLAGE
    status = (await bot.say("V02", FENGSHU, f"/status {number}"))[0].text.split("\n")
    assert texts.STATUS_REPORT_DEADLINE.format(day="2026-12-23", window=window) in status
    assert "期限：2026-12-23，自12月16日（到村之日）起5个工作日" in status
    async with app.context.db.read() as connection:
        exported = await _exported(app, connection, number)
    assert (exported["deadline"], exported["deadline_start"], exported["deadline_from"]) == (
        "2026-12-23", "2026-12-16", "village")
    escalation = [event for event in exported["events"] if event["kind"] == "issue.escalated"]
    assert escalation[0]["details"]["deadline_start"] == "2026-12-16"

    # Past it, the sweep says which start it counted from.
    swept = _about(await bot.tick(at(12, 24, 0, 5)), overdue)
    assert sorted(message.chat_id for message in swept) == sorted(["T01", "C01", group])
    assert "自12月16日（到村之日）起5个工作日内村里未解决（期限12月23日）" in overdue
    found = await _issue(app, number)
    assert (found.level, found.overdue, found.overdue_on) == (
        Level.TOWNSHIP, True, date(2026, 12, 23))
    async with app.context.db.read() as connection:
        exported = await _exported(app, connection, number)
    assert (exported["deadline_start"], exported["report_window"]) == (
        None, {"start": "2026-12-16", "from": "village", "deadline": "2026-12-23"})


async def test_escalated_at_the_meeting_counts_from_the_meeting(app: App, bot: FakeBot) -> None:
    # Friday 11-06's meeting raises two; one is escalated that evening: 11-09 .. 11-13.
    await bot.say("H01", FENGSHU, "/meeting 2026-11-06 19:30 村部 议事")
    bot.clock.set(at(11, 6, 19, 30))
    await bot.say("H01", FENGSHU, "/open")
    number = await _raise(bot, "V01", FENGSHU, "水渠堵了", "基建加强")
    other = await _raise(bot, "V02", FENGSHU, "水井要清淤", "生活改善")
    await bot.say("H01", FENGSHU, "/end")
    bot.clock.set(at(11, 6, 21))
    escalated = await bot.say("H01", FENGSHU, f"/escalate {number}")
    assert escalated[0].text == texts.ESCALATED_TO_VILLAGE.format(
        number=number, title="水渠堵了", deadline="11月13日", reason="",
        window=_window("11月6日", texts.COUNTED_FROM_MEETING))
    # The other, escalated on Saturday, counts from Saturday: still 11-13.
    assert (await _issue(app, other)).meeting_id is not None
    bot.clock.set(at(11, 7, 10))
    escalated = await bot.say("H01", FENGSHU, f"/escalate {other}")
    assert escalated[0].text == texts.ESCALATED_TO_VILLAGE.format(
        number=other, title="水井要清淤", deadline="11月13日", reason="",
        window=_window("11月7日"))
    found = await _issue(app, other)
    assert (found.deadline_start, found.deadline_from) == (date(2026, 11, 7),
                                                           CountedFrom.VILLAGE)


async def _exported(app: App, connection: AsyncConnection, number: int) -> dict[str, object]:
    document = await snapshot(connection, SHANGHAI)
    (found,) = [entry for entry in document["issues"] if entry["id"] == number]
    assert isinstance(found, dict)
    return found


# --- I10: the 责任人 is a 镇干部 of the roster, by 编号 or unique name ----------------------

async def test_assign_refuses_anyone_but_an_official_of_the_township(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    extra.write_text(MORE_OFFICIALS, encoding="utf-8")
    await import_roster_file(app, extra)
    await bot.start(set())
    number = await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    await _to_township(bot, number)

    every = "T01 周镇长、T03 吴干事、T04 吴干事"
    # 王明 is in no roster; 杨村官 is a 村干部; 何镇干 (T02) an official of another township.
    for named in ("王明", "杨村官", "C01", "何镇干", "T02", "周"):
        await _say_refused(app, bot, "T01", "private",
                           f"/assign {number} 水利站 {named} 2026-12-20",
                           texts.ASSIGN_NOT_OFFICIAL.format(name=named, candidates=every))
    await _say_refused(app, bot, "T01", "private", f"/assign {number} 水利站 吴干事 2026-12-20",
                       texts.ASSIGN_AMBIGUOUS.format(count=2, name="吴干事",
                                                     candidates="T03 吴干事、T04 吴干事"))
    assert (await _issue(app, number)).status is Status.ESCALATED

    # By 编号 (in any case) the named official becomes the handler, not the one assigning.
    assigned = await bot.say("T01", "private", f"/assign {number} 水利站 t04 2026-12-20")
    text = texts.ASSIGNED.format(number=number, title="村口路灯坏了", department="水利站",
                                 responsible="吴干事", day="12月20日")
    assert _to(assigned, "T04") == [text] and _to(assigned, "T03") == []
    async with app.context.db.read() as connection:
        t04 = await org.person_by_code(connection, "T04")
    assert t04 is not None
    found = await _issue(app, number)
    assert (found.responsible, found.handler_id) == ("吴干事", t04.id)
    await _say_refused(app, bot, "T01", "private", f"/solve {number} 修好了",
                       texts.SOLVE_NOT_HANDLER.format(number=number, handler="水利站吴干事"))
    # A unique name is enough, and the due date may be typed as on a phone (12月21日).
    reassigned = await bot.say("T04", "private", f"/assign {number} 城建办 周镇长 12月21日")
    assert _to(reassigned, "T01") == [texts.ASSIGNED.format(
        number=number, title="村口路灯坏了", department="城建办", responsible="周镇长",
        day="12月21日")]
    assert (await _issue(app, number)).responsible == "周镇长"


# --- I5: /issues, the list of the 屋场, the village's queue, the township's queue ----------

async def _story(app: App, bot: FakeBot) -> dict[str, int]:
    """Issues at every level and status across two villages, seen on Sunday 11-08."""
    numbers = {
        "promised": await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护"),
        "village": await _raise(bot, "V02", FENGSHU, "水井要清淤", "生活改善"),
        "township": await _raise(bot, "V03", FENGSHU, "祠堂屋顶漏雨", "基建加强"),
        "resolved": await _raise(bot, "V01", FENGSHU, "广场灯不亮", "设施管护"),
        "closed": await _raise(bot, "V01", FENGSHU, "桥栏杆松了", "基建加强"),
        "yang": await _raise(bot, "V04", "杨家湾", "垃圾没人收", "环境治理"),
        "fengshou": await _raise(bot, "V05", "丰收村/老屋场", "水渠堵了", "基建加强"),
    }
    await bot.say("H01", FENGSHU, f"/promise {numbers['promised']} 2026-11-06 买灯泡")
    await _to_village(bot, numbers["village"])
    await _to_township(bot, numbers["township"])
    await bot.say("H02", "杨家湾", f"/escalate {numbers['yang']}")
    await bot.say("H03", "丰收村/老屋场", f"/escalate {numbers['fengshou']}")
    await bot.say("C02", "private", f"/escalate {numbers['fengshou']}")
    await bot.say("H01", FENGSHU, f"/solve {numbers['closed']} 加固了")
    for person in ("V01", "V02", "V03"):
        await bot.press(person, FENGSHU, "满意")
    await bot.say("H01", FENGSHU, f"/solve {numbers['resolved']} 换了灯泡")
    await bot.tick(at(11, 8, 20))
    assert (await _issue(app, numbers["closed"])).status is Status.CLOSED
    assert (await _issue(app, numbers["promised"])).overdue
    await bot.say("T01", "private", f"/assign {numbers['township']} 城建办 T01 2026-11-20")
    return numbers


async def test_issues_for_the_homestead_the_village_and_the_township(
        app: App, bot: FakeBot) -> None:
    n = await _story(app, bot)
    village_window = _window("11月5日")
    homestead = [
        "金竹村枫树湾问题清单：未销号4个",
        f"{n['promised']}号 村口路灯坏了｜在屋场｜待处理｜11月6日前（超期）",
        f"{n['village']}号 水井要清淤｜在村｜已上报｜11月12日前，{village_window}",
        f"{n['township']}号 祠堂屋顶漏雨｜在镇｜已交办｜11月20日前｜城建办周镇长",
        f"{n['resolved']}号 广场灯不亮｜在屋场｜已办结待评价",
    ]
    # Villagers, the head in private, a village cadre in the group: the 屋场's list.
    for person, chat in (("V02", FENGSHU), ("H01", "private"), ("R01", "private"),
                         ("C01", FENGSHU), ("T01", FENGSHU)):
        replies = await bot.say(person, chat, "/issues")
        assert [reply.text.split("\n") for reply in replies] == [homestead], (person, chat)
    # Nobody who raised an issue is named (群众监督 without exposing the raiser).
    assert not any(name in "\n".join(homestead) for name in ("李平杰", "李大娘", "颜荣香"))
    assert texts_of(await bot.say("V02", FENGSHU, "清单")) == ["\n".join(homestead)]
    assert texts_of(await bot.say("V02", FENGSHU, "/issues 超期")) == ["\n".join([
        "金竹村枫树湾问题清单：未销号1个（只看超期）", homestead[1]])]

    # A 村干部 in private: what waits on the village, not other villages' issues.
    assert texts_of(await bot.say("C01", "private", "/issues")) == ["\n".join([
        "金竹村待村里办理的问题2个",
        f"{n['village']}号 枫树湾：水井要清淤｜已上报｜11月12日前，{village_window}",
        f"{n['yang']}号 杨家湾：垃圾没人收｜已上报｜11月12日前，{village_window}",
    ])]
    assert texts_of(await bot.say("C01", "private", "问题清单 超期")) == [
        texts.ISSUES_NONE_OVERDUE.format(place="金竹村")]
    assert texts_of(await bot.say("C02", "private", "/issues")) == [
        texts.ISSUES_NONE_VILLAGE.format(place="丰收村")]

    # A 镇干部: what waits on the township, with its 负责人, the unassigned ones marked.
    township = ["金溪镇待镇里办理的问题2个",
                f"{n['township']}号 金竹村枫树湾：祠堂屋顶漏雨｜已交办｜11月20日前｜城建办周镇长",
                f"{n['fengshou']}号 丰收村老屋场：水渠堵了｜已上报｜待交办"]
    assert texts_of(await bot.say("T01", "private", "/issues")) == ["\n".join(township)]
    assert texts_of(await bot.say("T02", "private", "/issues")) == [
        texts.ISSUES_NONE_TOWNSHIP.format(place="银山镇")]

    # Past 11-12 the village's two go up overdue and come first in the township's queue;
    # past 11-20 the assigned one is overdue too.
    await bot.tick(at(11, 21, 9))
    lines = (await bot.say("T01", "private", "/issues 超期"))[0].text.split("\n")
    assert lines[0] == "金溪镇待镇里办理的问题3个（只看超期）"
    # All three late: the one with a deadline first, then the two not yet assigned.
    assert [int(line.split("号")[0]) for line in lines[1:]] == [
        n["township"], n["village"], n["yang"]]
    assert all(line.endswith(texts.OVERDUE_MARK) for line in lines[1:])
    assert lines[2].endswith(texts.ISSUES_NOT_ASSIGNED + texts.OVERDUE_MARK)


async def test_issues_refusals_change_nothing(app: App, bot: FakeBot) -> None:
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    for person, chat, text in (("V01", FENGSHU, "/issues 全部"), ("C01", "private", "/issues 2"),
                               ("T01", "private", "清单 超期 超期")):
        await _say_refused(app, bot, person, chat, text, texts.ISSUES_USAGE)
    before = await _ledger(app)
    replies = await bot.say("V04", FENGSHU, "/issues")
    await _refused(app, replies, texts.PLACE_REFUSED.format(place="金竹村枫树湾"), before)
    assert texts_of(await bot.say("V05", "private", "/issues")) == [
        texts.ISSUES_NONE.format(place="丰收村老屋场")]


async def test_a_long_list_comes_in_pages_for_a_phone(app: App, bot: FakeBot) -> None:
    async with app.context.db.write() as connection:
        (homestead,) = await org.homesteads_named(connection, FENGSHU)
        villager = await org.person_by_code(connection, "V01")
        assert villager is not None
        for number in range(1, 251):
            await issues.raise_issue(
                connection, homestead_id=homestead.id, meeting_id=None,
                title=f"第{number}处路灯坏了，晚上出门看不见路，老人小孩都不方便",
                actor=Actor(villager.id, None, None), now=bot.clock.now())
    pages = texts_of(await bot.say("V02", FENGSHU, "/issues"))
    assert len(pages) == 3
    assert all(text_length(page) <= PAGE_LIMIT for page in pages)
    assert [page.split("\n")[0] for page in pages] == [
        f"金竹村枫树湾问题清单：未销号250个（第{page}/3页）" for page in (1, 2, 3)]
    lines = [line for page in pages for line in page.split("\n")[1:]]
    assert [int(line.split("号")[0]) for line in lines] == list(range(1, 251))
    assert lines[0] == "1号 第1处路灯坏了，晚上出门看不见路，老人小孩都不方…｜在屋场｜待处理"
