"""Notices and 公示 through the console channel: send, 已阅, object, answer, end (P1-P2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.wiring import App
from core import texts
from core.clock import ManualClock
from core.messages import Capabilities, ChatKind, Outgoing
from core.permissions import Place
from storage import events, org, publication
from storage.export import snapshot
from storage.schema import notice, notice_objection, notice_read, outbox
from tests.conftest import SHANGHAI, FakeBot, reviewed, texts_of

HEAD, RECORDER, VILLAGER, SAME_HOUSEHOLD, AWAY = "H01", "R01", "V01", "V02", "V03"
OTHER_HEAD, OTHER_VILLAGER = "H02", "V04"  # 金竹村杨家湾
CADRE, OFFICIAL, OTHER_OFFICIAL = "C01", "T01", "T02"
FENGSHU, YANGJIA = "枫树湾", "杨家湾"
JINZHU_OLD, FENGSHOU_OLD = "金竹村/老屋场", "丰收村/老屋场"
ROAD = "明天上午修村口的路，请各户把车挪开"
LIST = "2026年低保名单：3号户、4号户"


def group_texts(messages: list[Outgoing]) -> list[str]:
    return [message.text for message in messages if message.chat_kind is ChatKind.GROUP]


async def rows(app: App, table: Any) -> int:
    async with app.context.db.read() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


async def written(app: App) -> list[int]:
    return [await rows(app, table) for table in (notice, notice_read, notice_objection, outbox)]


async def send(bot: FakeBot, person: str, chat: str, command: str, kind: str = "村务公开",
               ) -> tuple[int, list[Outgoing]]:
    """Draft a notice or 公示 and press its kind; return its number and what went out."""
    drafted = await bot.say(person, chat, command)
    assert [button for message in drafted for button in message.button_labels()][:2] == [
        "政策宣讲", "村务公开"], texts_of(drafted)
    number = int(drafted[0].text.split("第", 1)[1].split("号", 1)[0])
    return number, await bot.press(person, chat, kind)


async def test_a_head_notice_reaches_the_homestead_group_and_counts_households(
        app: App, bot: FakeBot) -> None:
    drafted = await bot.say(HEAD, FENGSHU, f"/notice {ROAD}")
    assert texts_of(drafted) == [texts.NOTICE_CHOOSE_KIND.format(
        number=1, what=texts.NOTICE_WHAT, excerpt="明天上午修村口的路，请各户把车挪…")]
    assert drafted[0].button_labels() == ["政策宣讲", "村务公开", "党务公开", "财务公开",
                                          "农技信息", "市场信息", "好人好事"]
    assert all(len(button.payload.encode()) <= 64
               for row in drafted[0].buttons for button in row)
    # Only the sender chooses the kind.
    assert texts_of(await bot.press(VILLAGER, FENGSHU, "村务公开")) == [
        texts.NOTICE_KIND_NOT_YOURS]
    sent = await bot.press(HEAD, FENGSHU, "村务公开")
    expected = texts.NOTICE_TEXT.format(kind="村务公开", scope="金竹村枫树湾", number=1,
                                        correction="", text=ROAD, publisher="李勇（屋场长）")
    assert texts_of(sent) == [
        texts.NOTICE_SENT.format(number=1, what=texts.NOTICE_WHAT, kind="村务公开",
                                 scope="金竹村枫树湾", groups=1),
        expected]
    assert sent[1].chat_id == sent[0].chat_id and sent[1].button_labels() == ["已阅"]
    assert texts_of(await bot.press(HEAD, FENGSHU, "好人好事")) == [
        texts.NOTICE_ALREADY_SENT.format(number=1)]

    # 已阅 counts households, once each: 李平杰 and 李大娘 are both of household 3.
    assert texts_of(await bot.press(VILLAGER, FENGSHU, "已阅")) == [texts.READ_RECORDED]
    assert texts_of(await bot.press(SAME_HOUSEHOLD, FENGSHU, "已阅")) == [texts.READ_ALREADY]
    assert texts_of(await bot.press(HEAD, FENGSHU, "已阅")) == [texts.READ_RECORDED]
    # 枫树湾 has four households, each with a member bound (household 4 lives away: it counts).
    listing = await bot.say(HEAD, "private", "/notices")
    assert texts_of(listing) == ["\n".join([
        texts.NOTICES_HEADER.format(count=1),
        texts.NOTICES_LINE.format(number=1, kind="村务公开", state="（通知）",
                                  excerpt="明天上午修村口的路，请各户把车挪…", read=2, bound=4,
                                  objections="")])]
    async with app.context.db.read() as connection:
        kinds = [entry.kind for entry in await events.stream_events(connection, "notice:1")]
    assert kinds == ["notice.drafted", "notice.sent", "notice.read", "notice.read"]


async def test_households_bound_means_a_member_bound_on_any_channel(
        app: App, clock: ManualClock) -> None:
    partly = FakeBot(app, clock)
    # Household 3 keeps 李大娘 bound; household 4's only member, 颜荣香, is not bound.
    await partly.start({VILLAGER, AWAY})
    await send(partly, HEAD, FENGSHU, f"/notice {ROAD}")
    assert "已阅0/3户" in texts_of(await partly.say(HEAD, "private", "/notices"))[0]
    async with app.context.db.read() as connection:
        homestead = (await org.homesteads_named(connection, FENGSHU))[0]
        village = await publication.households_bound(
            connection, Place(homestead.township_id, homestead.village_id))
        township = await publication.households_bound(connection, Place(homestead.township_id))
    # 金竹村: 枫树湾 3, 杨家湾 3 (households 1, 2 and the cadre's 9), 老屋场 1; and 丰收村 3.
    assert (village, township) == (7, 10)


async def test_a_cadre_reaches_the_village_and_an_official_the_township(
        app: App, bot: FakeBot) -> None:
    _, sent = await send(bot, CADRE, "private", "/notice 秋冬季防火，请勿野外用火", "政策宣讲")
    assert sorted(bot.replayer.console.chat_name(message) for message in sent
                  if message.chat_kind is ChatKind.GROUP) == sorted([JINZHU_OLD, FENGSHU, YANGJIA])
    assert sent[0].text == texts.NOTICE_SENT.format(
        number=1, what=texts.NOTICE_WHAT, kind="政策宣讲", scope="金竹村", groups=3)
    # A cadre's own household counts; a villager of another village cannot press here.
    assert texts_of(await bot.press(CADRE, YANGJIA, "已阅")) == [texts.READ_RECORDED]

    _, sent = await send(bot, OFFICIAL, "private", "/通知 本周五开展农技培训", "农技信息")
    assert sorted(bot.replayer.console.chat_name(message) for message in sent
                  if message.chat_kind is ChatKind.GROUP) == sorted([
        JINZHU_OLD, FENGSHOU_OLD, FENGSHU, YANGJIA])
    assert texts_of(await bot.press("V05", FENGSHOU_OLD, "已阅")) == [texts.READ_RECORDED]
    # An official has no household: reading is counted by household.
    assert texts_of(await bot.press(OFFICIAL, FENGSHU, "已阅")) == [
        texts.READ_NOT_MEMBER.format(scope="金溪镇")]
    # 银山镇 has no 屋场 groups: published, but it says nobody got it.
    _, sent = await send(bot, OTHER_OFFICIAL, "private", "/notice 银山镇通知")
    assert texts_of(sent) == [texts.NOTICE_NO_GROUPS.format(
        number=3, what=texts.NOTICE_WHAT, kind="村务公开", scope="银山镇")]


async def test_refusals_change_nothing(app: App, bot: FakeBot) -> None:
    await send(bot, HEAD, FENGSHU, f"/notice {ROAD}")
    drafted = await bot.say(HEAD, FENGSHU, "/notice 还没选类别的通知")
    assert drafted[0].buttons
    before = await written(app)
    refusals = {
        (HEAD, "/notice"): texts.NOTICE_USAGE,
        (HEAD, "/notice   "): texts.NOTICE_USAGE,
        (HEAD, "/publicize"): texts.PUBLICIZE_USAGE,
        (HEAD, "/publicize 5"): texts.PUBLICIZE_USAGE,
        (HEAD, "/publicize 0 名单"): texts.PUBLICIZE_BAD_DAYS.format(value="0", most=30),
        (HEAD, "/publicize 31 名单"): texts.PUBLICIZE_BAD_DAYS.format(value="31", most=30),
        (HEAD, "/notice " + "长" * 2001): texts.NOTICE_TOO_LONG.format(most=2000),
        (HEAD, "/notice 更正 一 改期"): texts.CORRECTION_USAGE,
        (HEAD, "/notice 更正 99 改期"): texts.NOTICE_UNKNOWN.format(number=99),
        (HEAD, "/notice 更正 2 改期"): texts.NOTICE_UNKNOWN.format(number=2),  # a draft
        (OTHER_HEAD, "/notice 更正 1 改期"): texts.CORRECTION_NOT_YOURS.format(number=1),
        (VILLAGER, "/notice 通知"): texts.ROLE_REFUSED.format(role="村民", command="/notice"),
        (RECORDER, "/publicize 名单"): texts.ROLE_REFUSED.format(role="记录员",
                                                               command="/publicize"),
        (VILLAGER, "/object"): texts.OBJECT_USAGE,
        (VILLAGER, "/object 第一 理由"): texts.NOTICE_BAD_NUMBER.format(usage=texts.OBJECT_USAGE),
        (VILLAGER, "/object 99 理由"): texts.NOTICE_UNKNOWN.format(number=99),
        (VILLAGER, "/object 2 理由"): texts.NOTICE_UNKNOWN.format(number=2),
        (VILLAGER, "/object 1"): texts.OBJECT_USAGE,
        (VILLAGER, "/object 1 理由"): texts.OBJECT_NOT_PUBLICITY.format(number=1),
        (OTHER_VILLAGER, "/object 1 理由"): texts.NOTICE_NOT_YOURS.format(number=1),
        (VILLAGER, "/answer 1 1 好"): texts.ROLE_REFUSED.format(role="村民", command="/answer"),
        (HEAD, "/answer 1 1 好"): texts.ANSWER_NOT_PUBLICITY.format(number=1),
        (HEAD, "/answer 99 1 好"): texts.NOTICE_UNKNOWN.format(number=99),
        (HEAD, "/answer"): texts.ANSWER_USAGE,
    }
    for (person, command), expected in refusals.items():
        assert texts_of(await bot.say(person, "private", command)) == [expected], command
    assert await written(app) == before


async def test_publicity_with_objections_answers_and_its_end(app: App, bot: FakeBot) -> None:
    # Thursday 5 November, 19:00: 3 working days are Friday 6, Monday 9 and Tuesday 10.
    number, sent = await send(bot, HEAD, FENGSHU, f"/公示 3 {LIST}", "财务公开")
    assert number == 1
    assert group_texts(sent)[-1] == texts.PUBLICITY_TEXT.format(
        kind="财务公开", scope="金竹村枫树湾", number=1, ends="11月10日", correction="",
        text=LIST, publisher="李勇（屋场长）")
    assert sent[-1].button_labels() == ["已阅", "异议"]
    assert texts_of(await bot.press(VILLAGER, FENGSHU, "异议")) == [
        texts.OBJECT_HOW.format(number=1, ends="11月10日")]

    # The publisher hears of it at once, not who raised it.
    objected = await bot.say(VILLAGER, FENGSHU, "/object 1 名单漏了5号户")
    assert texts_of(objected) == [
        texts.OBJECTED.format(number=1, sequence=1),
        texts.OBJECTION_TO_PUBLISHER.format(number=1, excerpt="2026年低保名单：3号户、4号…",
                                            sequence=1, text="名单漏了5号户")]
    assert objected[1].chat_id == HEAD and "李平杰" not in objected[1].text
    assert texts_of(await bot.say(SAME_HOUSEHOLD, "private", "/异议 1 4号户家里有车"))[0] == \
        texts.OBJECTED.format(number=1, sequence=2)

    # Answered by the publisher (or the office of the scope), the objector is told.
    assert texts_of(await bot.say(OTHER_HEAD, "private", "/answer 1 1 已核实")) == [
        texts.ANSWER_NOT_YOURS.format(number=1, role="屋场长")]
    assert texts_of(await bot.say(CADRE, "private", "/answer 1 1 已核实")) == [
        texts.ANSWER_NOT_YOURS.format(number=1, role="屋场长")]
    assert texts_of(await bot.say(HEAD, "private", "/answer 1 3 已核实")) == [
        texts.OBJECTION_UNKNOWN.format(number=1, sequence=3, count=2)]
    assert texts_of(await bot.say(HEAD, "private", "/answer 1 一 已核实")) == [
        texts.ANSWER_USAGE]
    assert texts_of(await bot.say(HEAD, "private", "/answer 1 1")) == [texts.ANSWER_USAGE]
    answered = await bot.say(HEAD, "private", "/答复 1 1 已核实，补上5号户")
    assert texts_of(answered) == [
        texts.ANSWERED.format(number=1, sequence=1),
        texts.ANSWER_TO_OBJECTOR.format(number=1, excerpt="2026年低保名单：3号户、4号…",
                                        text="名单漏了5号户", answer="已核实，补上5号户")]
    assert answered[1].chat_id == VILLAGER
    assert texts_of(await bot.say(HEAD, "private", "/answer 1 1 再答一次")) == [
        texts.OBJECTION_ANSWERED_ALREADY.format(number=1, sequence=1)]
    assert "（公示，11月10日止）" in texts_of(await bot.say(HEAD, "private", "/notices"))[0]

    # Still running on the last day; over at midnight after it.
    assert await bot.tick(datetime(2026, 11, 10, 23, 59, tzinfo=SHANGHAI)) == []
    ended = await bot.tick(datetime(2026, 11, 11, 0, 0, tzinfo=SHANGHAI))
    summary = "\n".join([
        texts.PUBLICITY_ENDED.format(number=1, kind="财务公开",
                                     excerpt="2026年低保名单：3号户、4号…"),
        texts.PUBLICITY_OBJECTIONS.format(count=2),
        "1. 名单漏了5号户", texts.OBJECTION_ANSWER.format(answer="已核实，补上5号户"),
        "2. 4号户家里有车", texts.OBJECTION_NO_ANSWER,
        texts.PUBLICITY_UNANSWERED.format(count=1, numbers="2")])
    assert sorted((message.chat_kind.value, message.chat_id) for message in ended) == sorted(
        [("private", HEAD), ("group", sent[-1].chat_id)])
    assert texts_of(ended) == [summary, summary]
    assert not any(name in summary for name in ("李平杰", "李大娘"))
    assert await bot.tick(datetime(2026, 11, 11, 0, 5, tzinfo=SHANGHAI)) == []

    assert texts_of(await bot.say(VILLAGER, "private", "/object 1 还有意见")) == [
        texts.OBJECT_ENDED.format(number=1, ends="11月10日")]
    assert texts_of(await bot.press(VILLAGER, FENGSHU, "异议")) == [
        texts.OBJECT_ENDED.format(number=1, ends="11月10日")]
    # An objection may still be answered after the end.
    assert texts_of(await bot.say(HEAD, "private", "/answer 1 2 车已登记，不影响"))[0] == \
        texts.ANSWERED.format(number=1, sequence=2)
    async with app.context.db.read() as connection:
        kinds = [entry.kind for entry in await events.stream_events(connection, "notice:1")]
        state = await snapshot(connection, SHANGHAI)
    assert kinds == ["notice.drafted", "notice.sent", "notice.objected", "notice.objected",
                     "notice.answered", "notice.ended", "notice.answered"]
    assert state["notices"] == [{
        "id": 1, "kind": "财务公开", "scope": "金竹村枫树湾", "text": LIST, "publicity": True,
        "ends": "2026-11-11T00:00:00+08:00", "status": "ended",
        "objections": [{"text": "名单漏了5号户", "answer": "已核实，补上5号户"},
                       {"text": "4号户家里有车", "answer": "车已登记，不影响"}],
        "households_read": 0, "attachments": []}]


async def test_a_publicity_with_every_objection_answered_or_none_says_so(
        app: App, bot: FakeBot) -> None:
    await send(bot, CADRE, "private", "/publicize 1 村道硬化工程验收结果")
    await send(bot, CADRE, "private", "/publicize 1 村集体经济收支")
    await bot.say(OTHER_VILLAGER, YANGJIA, "/object 1 验收没有村民代表")
    await bot.say(CADRE, "private", "/answer 1 1 下周补请村民代表复验")
    ended = await bot.tick(datetime(2026, 11, 7, 0, 0, tzinfo=SHANGHAI))
    to_cadre = [message.text for message in ended if message.chat_id == CADRE]
    assert to_cadre == [
        "\n".join([texts.PUBLICITY_ENDED.format(number=1, kind="村务公开",
                                                excerpt="村道硬化工程验收结果"),
                   texts.PUBLICITY_OBJECTIONS.format(count=1), "1. 验收没有村民代表",
                   texts.OBJECTION_ANSWER.format(answer="下周补请村民代表复验"),
                   texts.PUBLICITY_ALL_ANSWERED]),
        "\n".join([texts.PUBLICITY_ENDED.format(number=2, kind="村务公开",
                                                excerpt="村集体经济收支"),
                   texts.PUBLICITY_NO_OBJECTIONS])]
    # Each summary goes to every group of the village.
    assert len([message for message in ended if message.chat_kind is ChatKind.GROUP]) == 6


async def test_a_publicity_ends_after_working_days_across_a_holiday(
        app: App, bot: FakeBot, clock: ManualClock) -> None:
    # Monday 28 September 2026: the 29th and 30th, then the National Day holiday to
    # 7 October, then the 8th, the 9th and Saturday the 10th, a swapped workday (调休).
    clock.set(datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI))
    _, sent = await send(bot, HEAD, FENGSHU, f"/publicize {LIST}")
    assert "（第1号，10月10日止）" in group_texts(sent)[-1]
    assert await bot.tick(datetime(2026, 10, 10, 23, 59, tzinfo=SHANGHAI)) == []
    ended = await bot.tick(datetime(2026, 10, 11, 0, 0, tzinfo=SHANGHAI))
    assert len(ended) == 2 and ended[0].text.startswith("第1号公示期满")


async def test_a_year_without_known_holidays_warns_the_officials(
        app: App, bot: FakeBot, clock: ManualClock) -> None:
    clock.set(datetime(2031, 3, 3, 10, 0, tzinfo=SHANGHAI))
    _, sent = await send(bot, HEAD, FENGSHU, f"/publicize {LIST}")
    warnings = [message for message in sent if message.chat_id == OFFICIAL]
    assert texts_of(warnings) == [texts.CALENDAR_UNKNOWN.format(year=2031)]
    # Monday 3 March 2031: five weekdays later is Monday 10 March.
    assert "（第1号，3月10日止）" in group_texts(sent)[-1]


async def test_a_correction_is_a_new_notice_naming_the_old_one(app: App, bot: FakeBot) -> None:
    await send(bot, HEAD, FENGSHU, f"/notice {ROAD}")
    number, sent = await send(bot, HEAD, FENGSHU, "/notice 更正 1 修路改到后天上午")
    assert number == 2
    assert group_texts(sent)[-1] == texts.NOTICE_TEXT.format(
        kind="村务公开", scope="金竹村枫树湾", number=2,
        correction=texts.NOTICE_CORRECTS.format(number=1), text="修路改到后天上午",
        publisher="李勇（屋场长）")
    # The village's cadres speak for the village, not for a 屋场: a correction keeps the scope.
    _, sent = await send(bot, CADRE, "private", "/notice 全村停水一天")
    assert texts_of(await bot.say(HEAD, "private", "/notice 更正 3 停水改为半天")) == [
        texts.CORRECTION_NOT_YOURS.format(number=3)]
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
    assert [(item["id"], item["text"]) for item in state["notices"]] == [
        (1, ROAD), (2, "修路改到后天上午"), (3, "全村停水一天")]
    assert all(set(item) == {"id", "kind", "scope", "text", "publicity", "ends", "status",
                             "objections", "households_read", "attachments"}
               for item in state["notices"])
    assert state["notices"][0]["status"] == "open" and state["notices"][0]["ends"] is None


async def test_the_notice_board_sees_what_a_village_may_see(app: App, bot: FakeBot,
                                                            clock: ManualClock) -> None:
    await send(bot, HEAD, FENGSHU, f"/notice {ROAD}", "政策宣讲")  # 1: 金竹村枫树湾
    await bot.press(VILLAGER, FENGSHU, "已阅")
    await send(bot, CADRE, "private", "/publicize 2 全村停水一天")  # 2: 金竹村, until 11月9日
    await send(bot, OFFICIAL, "private", "/notice 本周五开展农技培训", "农技信息")  # 3: 金溪镇
    await send(bot, "C02", "private", "/notice 丰收村的通知")  # 4: 丰收村
    await send(bot, OTHER_OFFICIAL, "private", "/notice 银山镇的通知")  # 5: 银山镇
    await bot.say(HEAD, "private", "/notice 没选类别")  # 6: a draft
    await bot.say(OTHER_VILLAGER, YANGJIA, "/object 2 停水要提前三天通知")
    async with app.context.db.read() as connection:
        jinzhu = (await org.homesteads_named(connection, FENGSHU))[0].village_id
        fengshou = (await org.homesteads_named(connection, FENGSHOU_OLD))[0].village_id
        board = await publication.board_notices(connection, jinzhu, clock.now())
        other = await publication.board_notices(connection, fengshou, clock.now())
        later = await publication.board_notices(
            connection, jinzhu, datetime(2026, 11, 10, 0, 0, tzinfo=SHANGHAI))
    assert [(item.id, item.kind, item.scope) for item in board] == [
        (3, "农技信息", "金溪镇"), (2, "村务公开", "金竹村"), (1, "政策宣讲", "金竹村枫树湾")]
    assert [item.id for item in other] == [4, 3]
    assert board[1].publicity and board[1].ends_at == datetime(2026, 11, 10, 0, 0,
                                                                tzinfo=SHANGHAI)
    assert [(item.number, item.text, item.answer) for item in board[1].objections] == [
        (1, "停水要提前三天通知", None)]
    assert board[2].households_read == 1 and board[2].sent_at == clock.now()
    # The 公示 is over on the board once its period has run out, sweep or not.
    assert [item.id for item in later] == [3, 1]


async def test_buttons_go_to_each_member_where_groups_cannot_show_them(
        app: App, bot: FakeBot) -> None:
    app.context.channels["console"] = Capabilities(group_buttons=False)
    _, sent = await send(bot, HEAD, "private", f"/publicize {LIST}")
    in_group = [message for message in sent if message.chat_kind is ChatKind.GROUP]
    assert len(in_group) == 1 and not in_group[0].buttons
    assert in_group[0].text.endswith(texts.BUTTONS_SENT_PRIVATELY)
    privately = {message.chat_id for message in sent
                 if message.chat_kind is ChatKind.PRIVATE and message.button_labels() == [
                     "已阅", "异议"]}
    assert privately == {HEAD, RECORDER, VILLAGER, SAME_HOUSEHOLD, AWAY}
    assert texts_of(await bot.press(AWAY, "private", "已阅")) == [texts.READ_RECORDED]


async def test_help_lists_the_publication_commands_by_role(app: App, bot: FakeBot) -> None:
    head = texts_of(await bot.say(HEAD, "private", "/help"))[0]
    villager = texts_of(await bot.say(VILLAGER, "private", "/help"))[0]
    for usage in ("/notice 内容", "/publicize [天数] 内容", "/answer 编号 序号 答复", "/notices"):
        assert usage in head and usage not in villager
    assert "/object 编号 理由" in villager and "/object 编号 理由" in head


async def test_confirmed_flags_are_published_as_results(app: App, bot: FakeBot) -> None:
    month = "2026-10"
    for village, score in (("金竹村", 90), ("丰收村", 80)):
        for category in app.context.rules.scheme.categories:
            await bot.say(OFFICIAL, "private", f"/score {month} {village} {category} {score}")
    await reviewed(app, month)
    assert texts_of(await bot.say(OFFICIAL, "private", f"/confirm {month}"))[0] == \
        texts.CONFIRMED.format(month=month, version=1)
    category = app.context.rules.scheme.categories[0]
    await bot.say(OFFICIAL, "private", f"/score {month} 丰收村 {category} 85")
    assert texts_of(await bot.say(OFFICIAL, "private", f"/confirm {month}"))[0] == \
        texts.CONFIRMED.format(month=month, version=2)
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
        fengshou = (await org.homesteads_named(connection, FENGSHOU_OLD))[0].village_id
        board = await publication.board_notices(connection, fengshou, bot.clock.now())
        kinds = [entry.kind for entry in await events.stream_events(connection, "notice:1")]
    title = texts.FLAGS_TITLE.format(month=month, state=texts.FLAGS_CONFIRMED.format(version=1))
    assert [(item["id"], item["kind"], item["scope"], item["status"], item["publicity"])
            for item in state["notices"]] == [(1, "考评结果", "金溪镇", "open", False),
                                              (2, "考评结果", "金溪镇", "open", False)]
    assert state["notices"][0]["text"].startswith(title + "\n" + texts.FLAGS_GRID.format(
        grid="东片网格"))
    assert state["notices"][1]["text"].startswith(
        texts.VILLAGE_RESULT_CORRECTION.format(version=2))
    assert [(item.id, item.corrects) for item in board] == [(2, 1), (1, None)]
    assert kinds == ["notice.sent"]
    # The official who confirmed finds them among their notices.
    assert texts_of(await bot.say(OFFICIAL, "private", "/notices"))[0].count("考评结果") == 2
