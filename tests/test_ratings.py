"""Rule I8 through the real handlers: who rates, and the show of hands at the meeting."""

from __future__ import annotations

from bot.admin import verify
from bot.wiring import App
from core import texts
from core.issues import Status
from storage import issues
from storage.export import snapshot
from tests.conftest import SHANGHAI, FakeBot, texts_of
from tests.test_issues import (
    FENGSHU,
    FENGSHU_FULL,
    _group,
    _issue,
    _ledger,
    _press_refused,
    _raise,
    _rate,
    _refused,
    _say_refused,
    _to,
    _to_village,
    at,
)


async def _raters(app: App, number: int, round_id: int) -> int:
    async with app.context.db.read() as connection:
        return (await issues.tally(connection, number, round_id)).raters


async def test_only_adult_villagers_rate_never_the_solver_nor_a_cadre(
        app: App, bot_with_more: FakeBot) -> None:
    bot = bot_with_more
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    await bot.say("H01", FENGSHU, "/solve 1 换了灯泡")
    # The head who solved it does not rate his own work; minors and cadres living there
    # are told why, and nothing is counted.
    await _press_refused(app, bot, "H01", FENGSHU, "满意", texts.RATE_ASSESSED)
    for minor in ("V06", "V07"):
        await _press_refused(app, bot, minor, FENGSHU, "满意",
                             texts.RATE_UNDER_AGE.format(place=FENGSHU_FULL))
    await _press_refused(app, bot, "C03", FENGSHU, "满意", texts.RATE_CADRE.format(role="村干部"))
    await _press_refused(app, bot, "T04", FENGSHU, "满意", texts.RATE_CADRE.format(role="镇干部"))
    await _press_refused(app, bot, "C01", FENGSHU, "满意",
                         texts.RATE_NOT_MEMBER.format(place=FENGSHU_FULL))
    await _rate(bot, [("V08", "满意"), ("R01", "不满意")])  # 18 years old: a rater
    assert await _raters(app, 1, 1) == 2

    # At the village, the 村干部 who solved it and the one beside him may not rate; the
    # head, who did not handle it this round, may.
    await _raise(bot, "V02", FENGSHU, "水井要清淤", "生活改善")
    await _to_village(bot, 2)
    await bot.say("C03", "private", "/solve 2 已清淤")
    await _press_refused(app, bot, "C03", FENGSHU, "满意", texts.RATE_ASSESSED)
    await _press_refused(app, bot, "C04", FENGSHU, "满意", texts.RATE_CADRE.format(role="村干部"))
    await _rate(bot, [("H01", "满意")])
    assert await _raters(app, 2, 2) == 1
    assert await verify(app) == (None, [])


async def test_a_round_short_after_its_extension_waits_for_the_meeting(
        app: App, bot: FakeBot) -> None:
    group = await _group(app, FENGSHU)
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    await _raise(bot, "V02", FENGSHU, "水井要清淤", "生活改善")
    await _raise(bot, "V03", FENGSHU, "祠堂屋顶漏雨", "基建加强")
    await bot.say("H01", FENGSHU, "/solve 1 换了灯泡")
    await _rate(bot, [("V01", "满意")])
    await bot.say("H01", FENGSHU, "/solve 2 清过了")
    await _rate(bot, [("V01", "不满意"), ("V02", "不满意")])
    await bot.tick(at(11, 8, 19, 10))

    # After the one extension, still short of 3: neither closed nor reopened.
    waiting = await bot.tick(at(11, 11, 19, 20))
    assert sorted(_to(waiting, group)) == sorted([
        texts.ROUND_AWAITS_MEETING.format(number=1, title="村口路灯坏了", raters=1, needed=3),
        texts.ROUND_AWAITS_MEETING.format(number=2, title="水井要清淤", raters=2, needed=3)])
    assert len(waiting) == 2
    assert [(await _issue(app, number)).status for number in (1, 2)] == [Status.RESOLVED] * 2
    assert await bot.tick(at(11, 12, 9)) == []
    await _press_refused(app, bot, "V03", FENGSHU, "满意", texts.RATE_AWAITS_MEETING)
    await _say_refused(app, bot, "R01", FENGSHU, "/ratings 1 3 0 0", texts.RATINGS_NO_MEETING)

    # The next meeting lists them when it opens.
    await bot.say("H01", FENGSHU, "/meeting 2026-11-12 19:30 晒谷坪 讨论修路")
    bot.clock.set(at(11, 12, 19, 30))
    opened = await bot.say("H01", FENGSHU, "/open")
    assert opened[0].button_labels() == ["签到"]
    assert texts_of(opened)[1:] == [texts.MEETING_AWAITING_RATINGS.format(
        issues="1号“村口路灯坏了”、2号“水井要清淤”")]
    await bot.say("R01", FENGSHU, "/attend 1 2 3*2")  # 4 persons present
    await _raise(bot, "V03", FENGSHU, "井盖破了", "设施管护")
    await bot.say("H01", FENGSHU, "/solve 4 换了井盖")

    for person, text, expected in [
        ("V01", "/ratings 1 3 0 0", texts.ROLE_REFUSED.format(role="村民", command="/ratings")),
        ("R01", "/ratings 1 3 0", texts.RATINGS_USAGE),
        ("R01", "/ratings 1 3 0 -1", texts.RATINGS_USAGE),
        ("R01", "/ratings 1 3 0 1.5", texts.RATINGS_USAGE),
        ("R01", "/ratings 1 3 0 ²", texts.RATINGS_USAGE),
        ("R01", "/ratings 1 3 0 1000000", texts.RATINGS_USAGE),
        ("R01", "/ratings 满意 1 0 0", texts.ISSUE_BAD_NUMBER.format(usage=texts.RATINGS_USAGE)),
        ("R01", "/ratings 99 1 0 0", texts.ISSUE_UNKNOWN.format(number=99)),
        ("R01", "/ratings 1 3 1 1", texts.RATINGS_TOO_MANY.format(total=5, persons=4)),
        ("R01", "/ratings 1 0 0 0", texts.RATINGS_NONE),
        ("R01", "/ratings 3 1 0 0", texts.RATINGS_NOT_AWAITING.format(number=3,
                                                                       status="待处理")),
        ("R01", "/ratings 4 1 0 0", texts.RATINGS_IN_WINDOW.format(
            number=4, closes=texts.format_when(at(11, 15, 19, 30)))),
    ]:
        await _say_refused(app, bot, person, FENGSHU, text, expected)
    await _say_refused(app, bot, "H02", "private", "/ratings 1 1 0 0",
                       texts.ISSUE_NOT_YOURS.format(number=1))

    # The recorder records the room's hands: at or above 60% it is closed (销号).
    closed = await bot.say("R01", FENGSHU, "/ratings 1 2 1 1")
    assert texts_of(closed) == [texts.RATINGS_RECORDED.format(
        number=1, satisfied=2, basically=1, dissatisfied=1) + "\n" + texts.ISSUE_CLOSED.format(
        number=1, title="村口路灯坏了", rate="75%", raters=4)]
    assert closed[0].chat_id == group
    found = await _issue(app, 1)
    assert (found.status, found.satisfaction) == (Status.CLOSED, 0.75)
    # The head, from his private chat: below 60% it goes back to him.
    reopened = await bot.say("H01", "private", "/ratings 2 1 0 2")
    verdict = texts.RATINGS_RECORDED.format(
        number=2, satisfied=1, basically=0, dissatisfied=2) + "\n" + texts.ISSUE_REOPENED.format(
        number=2, title="水井要清淤", rate="33%", raters=3, handler=texts.HANDLER_HEAD)
    assert sorted((message.chat_id, message.text) for message in reopened) == sorted([
        ("H01", verdict), (group, verdict), ("H01", texts.ISSUE_REOPENED_HANDLER.format(
            number=2, title="水井要清淤", rate="33%", raters=3))])
    assert (await _issue(app, 2)).status is Status.OPEN
    await _say_refused(app, bot, "R01", FENGSHU, "/ratings 1 1 0 0",
                       texts.RATINGS_NOT_AWAITING.format(number=1, status="已销号"))
    status = texts_of(await bot.say("V02", FENGSHU, "/status 1"))[0].split("\n")
    assert status[-3:] == ["11-11 19:20 系统：评价人数不足，等议事恳谈会举手评价",
                           "11-12 19:30 袁东成：会上举手评价：满意2 基本满意1 不满意1",
                           "11-12 19:30 系统：满意率75%，销号"]

    # The export lists every round with its ratings: by 编号, or "举手" for the hands.
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
    by_id = {entry["id"]: entry for entry in state["issues"]}
    (first,) = by_id[1]["rounds"]
    assert {key: first[key] for key in ("id", "solved_by", "extended", "outcome",
                                        "counted_by", "satisfied", "basically",
                                        "dissatisfied", "rate")} == {
        "id": 1, "solved_by": "H01", "extended": True, "outcome": "close",
        "counted_by": "hands", "satisfied": 2, "basically": 1, "dissatisfied": 1, "rate": 0.75}
    assert [(rating["rater"], rating["rating"], rating["count"], rating["counted"])
            for rating in first["ratings"]] == [
        ("V01", "satisfied", 1, False), ("举手", "satisfied", 2, True),
        ("举手", "basically", 1, True), ("举手", "dissatisfied", 1, True)]
    assert first["decided_at"] == "2026-11-12T19:30:00+08:00"
    assert [(entry["outcome"], entry["counted_by"], entry["rate"])
            for entry in by_id[2]["rounds"]] == [("reopen", "hands", 0.3333)]
    assert [(entry["outcome"], entry["counted_by"], entry["rate"], entry["ratings"])
            for entry in by_id[4]["rounds"]] == [(None, "buttons", None, [])]
    assert by_id[3]["rounds"] == []
    assert await verify(app) == (None, [])


async def test_a_show_of_hands_only_at_the_meeting_of_that_homestead(
        app: App, bot: FakeBot) -> None:
    """A round left waiting stays so through a meeting that does not rate it."""
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    await bot.say("H01", FENGSHU, "/solve 1 换了灯泡")
    await bot.tick(at(11, 8, 19, 10))
    await bot.tick(at(11, 11, 19, 20))
    # A meeting of another 屋场 does not list it, nor let its head rate it.
    await bot.say("H02", "杨家湾", "/meeting 2026-11-12 19:30 祠堂 修路")
    await bot.say("H01", FENGSHU, "/meeting 2026-11-12 19:30 晒谷坪 修路")
    bot.clock.set(at(11, 12, 19, 30))
    assert len(await bot.say("H02", "杨家湾", "/open")) == 1
    await _say_refused(app, bot, "H02", "杨家湾", "/ratings 1 1 0 0",
                       texts.ISSUE_NOT_YOURS.format(number=1))
    await _say_refused(app, bot, "R01", FENGSHU, "/ratings 1 1 0 0", texts.RATINGS_NO_MEETING)
    opened = await bot.say("H01", FENGSHU, "/open")
    assert texts_of(opened)[1:] == [texts.MEETING_AWAITING_RATINGS.format(
        issues="1号“村口路灯坏了”")]
    await bot.say("H01", FENGSHU, "/end")
    # Nobody rated it at that meeting: the next one lists it again.
    await bot.say("H01", FENGSHU, "/meeting 2026-12-10 19:30 晒谷坪 年底议事")
    bot.clock.set(at(12, 10, 19, 30))
    before = await _ledger(app)
    opened = await bot.say("H01", FENGSHU, "/open")
    assert texts_of(opened)[1:] == [texts.MEETING_AWAITING_RATINGS.format(
        issues="1号“村口路灯坏了”")]
    assert (await _ledger(app))[1:] == before[1:]
    await bot.say("V01", FENGSHU, "签到")
    replies = await bot.say("R01", FENGSHU, "举手评价 1 1 0 0")  # the Chinese keyword
    assert texts_of(replies)[0].endswith(texts.ISSUE_CLOSED.format(
        number=1, title="村口路灯坏了", rate="100%", raters=1))
    await _refused(app, await bot.say("R01", FENGSHU, "/ratings 1 1 0 0"),
                   texts.RATINGS_NOT_AWAITING.format(number=1, status="已销号"),
                   await _ledger(app))
