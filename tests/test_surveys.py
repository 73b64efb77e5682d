"""Surveys (民主测评, rule Y3) through the real handlers: cards, who answers, window, result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.channels.console import CHANNEL
from bot.files.rules import RulesFileError, parse_rules
from bot.wiring import App
from core import texts
from core.messages import ChatKind, Incoming, Outgoing
from storage.export import snapshot
from storage.schema import survey_card
from tests.conftest import SHANGHAI, FakeBot, joined, texts_of
from tests.test_issues import _group, at

# 石门村 of 金溪镇: one 屋场 (上屋) of 11 households with adults who may answer, a minor,
# a second adult in household 2, a party member beside a villager in household 3, the
# head (a party member) in household 1, and the village's two 村干部 (K01 a party member
# and the branch's 支部书记, who may start surveys; K02 may not).
SHIMEN_ROSTER = "\n".join([
    "编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机,党内职务",
    "S01,石大山,金溪镇,东片网格,石门村,上屋,1,是,是,40,屋场长,,",
    "S21,石小宝,金溪镇,东片网格,石门村,上屋,1,是,否,16,,,",
    "S02,石二,金溪镇,东片网格,石门村,上屋,2,是,否,50,,,",
    "S12,石二嫂,金溪镇,东片网格,石门村,上屋,2,是,否,48,,,",
    "S03,石三,金溪镇,东片网格,石门村,上屋,3,是,否,33,,,",
    "P01,石红,金溪镇,东片网格,石门村,上屋,3,是,是,30,,,",
    *(f"S{number:02d},石{number}号,金溪镇,东片网格,石门村,上屋,{number},否,否,60,,,"
      for number in range(4, 12)),
    "K01,石书记,金溪镇,东片网格,石门村,上屋,20,是,是,52,村干部,,支部书记",
    "K02,石主任,金溪镇,东片网格,石门村,上屋,21,是,否,47,村干部,,",
    # 金竹村's 杨村官 of the small roster, restated as his branch's 支部书记.
    "C01,杨村官,金溪镇,东片网格,金竹村,杨家湾,9,是,是,40,村干部,13800000002,支部书记",
]) + "\n"
SHIMEN = "上屋"
OPENED = at(11, 5, 19)  # the clock of every test starts here
CLOSES = at(11, 12, 19)  # 7 days later, the default window
REMIND = at(11, 11, 19)  # a day before the end
HOUSEHOLD_HEADS = ["S01", "S02", "S03", *(f"S{number:02d}" for number in range(4, 12))]
CARD_LABELS = ["满意", "基本满意", "不满意"]


@pytest.fixture
async def shimen(bot: FakeBot, tmp_path: Path) -> FakeBot:
    """The bot with 石门村 on the roster, everyone bound."""
    return await joined(bot, tmp_path / "shimen.csv", SHIMEN_ROSTER)


async def _press_as(bot: FakeBot, code: str, payload: str) -> list[Outgoing]:
    """A press of a card's button by someone the card was not sent to (forwarded, shared)."""
    return await bot.app.answer(Incoming(channel=CHANNEL, chat_id=code,
                                         chat_kind=ChatKind.PRIVATE, user_id=code,
                                         payload=payload))


async def _refused(bot: FakeBot, replies: list[Outgoing], expected: str) -> None:
    assert texts_of(replies) == [expected]
    assert replies[0].toast


async def _answer(bot: FakeBot, answers: list[tuple[str, str]]) -> None:
    for code, label in answers:
        replies = await bot.press(code, "private", label)
        assert texts_of(replies) == [texts.SURVEY_THANKS], code
        assert replies[0].toast


def _to(messages: list[Outgoing], chat_id: str) -> list[Outgoing]:
    return [message for message in messages if message.chat_id == chat_id]


async def _surveys(app: App) -> list[dict[str, Any]]:
    async with app.context.db.read() as connection:
        found: list[dict[str, Any]] = (await snapshot(connection, SHANGHAI))["surveys"]
    return found


def _result(number: int, subject: str, scope: str, threshold: int, lines: list[str],
            households: int) -> str:
    return "\n".join([texts.SURVEY_RESULT_TITLE.format(number=number, subject=subject,
                                                       scope=scope, threshold=threshold),
                      *lines, texts.SURVEY_RESULT_FOOTER.format(households=households)])


def _line(subject: str, rate: str, counts: tuple[int, int, int], verdict: str,
          threshold: int = 90) -> str:
    return texts.SURVEY_RESULT_LINE.format(
        subject=subject, rate=rate, satisfied=counts[0], basically=counts[1],
        dissatisfied=counts[2], cards=sum(counts), verdict=verdict.format(threshold=threshold))


async def test_the_committee_survey_at_exactly_the_threshold_passes(
        app: App, shimen: FakeBot) -> None:
    bot = shimen
    started = await bot.say("K01", "private", "/survey 两委 90")
    closes = texts.format_when(CLOSES)
    assert texts_of(_to(started, "K01")) == [texts.SURVEY_STARTED.format(
        number=1, subject="石门村两委", scope="石门村", households=11, closes=closes,
        threshold=90)]
    # One card per household, to each of its adults who may answer: not the minor, not
    # the 村干部 (assessed), never in a group.
    cards = [message for message in started if message.chat_id != "K01"]
    assert sorted(message.chat_id for message in cards) == sorted(
        [*HOUSEHOLD_HEADS, "S12", "P01"])
    assert {message.text for message in cards} == {texts.SURVEY_CARD.format(
        number=1, subject="石门村两委", closes=closes)}
    assert all(message.chat_kind is ChatKind.PRIVATE and message.button_labels() == CARD_LABELS
               for message in cards)

    await _answer(bot, [("S01", "满意"), ("S02", "满意"), ("S03", "基本满意"),
                        *((f"S{number:02d}", "满意") for number in range(4, 10)),
                        ("S10", "不满意")])
    # Household 2 has answered: its second adult is told so; nothing more is counted.
    await _refused(bot, await bot.press("S12", "private", "满意"),
                   texts.SURVEY_ALREADY.format(subject="石门村两委"))
    payload = "svote:1:satisfied"
    for code, expected in [
            ("K02", texts.SURVEY_ASSESSED), ("K01", texts.SURVEY_ASSESSED),
            ("S21", texts.SURVEY_UNDER_AGE),
            ("C01", texts.SURVEY_NOT_OF_PLACE.format(place="石门村")),
            ("T01", texts.SURVEY_NOT_OF_PLACE.format(place="石门村"))]:
        await _refused(bot, await _press_as(bot, code, payload), expected)
    # While it runs the export counts the cards answered and shows no rate.
    (running,) = await _surveys(app)
    assert (running["status"], running["cards"], running["rate"], running["passed"],
            running["satisfied"]) == ("open", 10, None, None, None)

    # One reminder, a day before the end, to the adults of households yet to answer.
    assert await bot.tick(at(11, 11, 18, 59)) == []
    reminded = await bot.tick(REMIND)
    assert [(message.chat_id, message.text, message.button_labels()) for message in reminded] == [
        ("S11", texts.SURVEY_REMINDER.format(number=1, subject="石门村两委", closes=closes),
         CARD_LABELS)]
    assert await bot.tick(at(11, 12, 9)) == []

    # At the end: 9 of 10 cards answered 满意 or 基本满意 is exactly 90%, which passes.
    ended = await bot.tick(CLOSES)
    result = _result(1, "石门村两委", "石门村", 90,
                     [_line("石门村两委", "90%", (8, 1, 1), texts.SURVEY_PASSED)], 11)
    group = await _group(app, SHIMEN)
    assert [(message.text, message.button_labels()) for message in _to(ended, group)] == [
        (texts.PUBLICITY_TEXT.format(kind="考评结果", scope="石门村", number=1, text=result,
                                     publisher="石书记（村干部）", correction="", ends="11月19日"),
         ["已阅", "异议"])]
    assert texts_of(_to(ended, "K01")) == [texts.SURVEY_RESULT_SENDER.format(
        number=1, scope="石门村", notice=1, result=result)]
    assert len(ended) == 2
    assert await bot.tick(at(11, 12, 20)) == []
    await _refused(bot, await bot.press("S11", "private", "满意"),
                   texts.SURVEY_CLOSED.format(number=1))

    (done,) = await _surveys(app)
    assert done == {
        "id": 1, "card": 1, "kind": "committee", "subject": "石门村两委", "scope": "石门村",
        "threshold": 90, "status": "ended", "opened": OPENED.isoformat(),
        "closes": CLOSES.isoformat(), "households": 11, "cards": 10, "satisfied": 8,
        "basically": 1, "dissatisfied": 1, "rate": 0.9, "passed": True, "notice": 1}
    async with app.context.db.read() as connection:
        notices = (await snapshot(connection, SHANGHAI))["notices"]
    assert [(found["kind"], found["scope"], found["publicity"], found["text"])
            for found in notices] == [("考评结果", "石门村", True, result)]


async def test_a_person_just_below_the_threshold_fails_and_may_not_rate_themself(
        app: App, shimen: FakeBot) -> None:
    bot = shimen
    await _say_refused(bot, "T01", "/survey 两委 90",
                       texts.SURVEY_NEEDS_VILLAGE.format(word="两委"))
    started = await bot.say("T01", "private", "/survey K01 90%")
    assert texts_of(_to(started, "T01")) == [texts.SURVEY_STARTED.format(
        number=1, subject="石书记", scope="石门村", households=11,
        closes=texts.format_when(CLOSES), threshold=90)]
    # The person assessed tries to rate themself: refused, and told why.
    await _refused(bot, await _press_as(bot, "K01", "svote:1:satisfied"),
                   texts.SURVEY_ASSESSED)
    await _answer(bot, [*((f"S{number:02d}", "满意") for number in range(1, 9)),
                        ("S09", "不满意")])
    ended = await bot.tick(CLOSES)
    # 8 of 9 is 88.9%: shown as 89%, never rounded up to the 90% it misses.
    result = _result(1, "石书记", "石门村", 90,
                     [_line("石书记", "89%", (8, 0, 1), texts.SURVEY_FAILED)], 11)
    assert texts_of(_to(ended, "T01")) == [texts.SURVEY_RESULT_SENDER.format(
        number=1, scope="石门村", notice=1, result=result)]
    assert texts_of(_to(ended, await _group(app, SHIMEN))) == [texts.PUBLICITY_TEXT.format(
        kind="考评结果", scope="石门村", number=1, text=result, publisher="周镇长（镇干部）",
        correction="", ends="11月19日")]
    (done,) = await _surveys(app)
    assert (done["kind"], done["cards"], done["passed"]) == ("person", 9, False)
    assert done["rate"] == pytest.approx(8 / 9)


async def test_a_party_survey_rates_each_member_on_one_card_per_household(
        app: App, shimen: FakeBot) -> None:
    bot = shimen
    started = await bot.say("K01", "private", "/survey 党员 90")
    title = texts.SURVEY_PARTY.format(village="石门村", count=3)
    # Every party member is assessed: household 1 (the head and a minor) and household 3's
    # member get no card; 石三 answers for household 3.
    cards = [message for message in started if message.chat_id != "K01"]
    assert sorted(message.chat_id for message in cards) == sorted(
        ["S02", "S12", "S03", *(f"S{number:02d}" for number in range(4, 12))])
    assert cards[0].text == texts.SURVEY_CARD.format(
        number=1, subject=title, closes=texts.format_when(CLOSES)) + "\n" + "\n".join(
        [texts.SURVEY_CARD_ROWS, "1. 石书记", "2. 石红", "3. 石大山"])
    assert [[button.label for button in row] for row in cards[0].buttons] == [
        [f"{position}{label}" for label in CARD_LABELS] for position in (1, 2, 3)]
    await _refused(bot, await _press_as(bot, "P01", "svote:2:satisfied"), texts.SURVEY_ASSESSED)
    await _answer(bot, [("S03", "1满意"), ("S03", "2不满意"), ("S03", "3基本满意")])
    await _refused(bot, await bot.press("S03", "private", "1满意"),
                   texts.SURVEY_ALREADY.format(subject="石书记"))
    reminded = await bot.tick(REMIND)
    assert sorted(message.chat_id for message in reminded) == sorted(
        ["S02", "S12", *(f"S{number:02d}" for number in range(4, 12))])
    await _answer(bot, [("S04", "1满意")])
    ended = await bot.tick(CLOSES)
    result = _result(1, title, "石门村", 90, [
        _line("石书记", "100%", (2, 0, 0), texts.SURVEY_PASSED),
        _line("石红", "0%", (0, 0, 1), texts.SURVEY_FAILED),
        _line("石大山", "100%", (0, 1, 0), texts.SURVEY_PASSED)], 10)
    assert texts_of(_to(ended, "K01")) == [texts.SURVEY_RESULT_SENDER.format(
        number=1, scope="石门村", notice=1, result=result)]
    assert [(found["id"], found["subject"], found["cards"], found["rate"], found["passed"])
            for found in await _surveys(app)] == [
        (1, "石书记", 2, 1.0, True), (2, "石红", 1, 0.0, False), (3, "石大山", 1, 1.0, True)]


async def _say_refused(bot: FakeBot, code: str, text: str, expected: str) -> None:
    async with bot.app.context.db.read() as connection:
        before = await connection.scalar(select(func.count()).select_from(survey_card))
    assert texts_of(await bot.say(code, "private", text)) == [expected]
    async with bot.app.context.db.read() as connection:
        assert await connection.scalar(select(func.count()).select_from(survey_card)) == before


async def test_who_may_survey_what_and_a_threshold_is_a_percentage(
        app: App, shimen: FakeBot) -> None:
    bot = shimen
    for code, text, expected in [
            ("V01", "/survey 两委 90", texts.SURVEY_NOT_ALLOWED),
            ("H01", "/survey 两委 90", texts.SURVEY_NOT_ALLOWED),
            ("K02", "/survey 两委 90", texts.SURVEY_NOT_ALLOWED),
            ("K01", "/survey 两委", texts.SURVEY_USAGE),
            ("K01", "/survey 两委 90 100", texts.SURVEY_USAGE),
            ("K01", "/survey 两委 0", texts.SURVEY_BAD_THRESHOLD.format(value="0")),
            ("K01", "/survey 两委 101", texts.SURVEY_BAD_THRESHOLD.format(value="101")),
            ("K01", "/survey 两委 9０", texts.SURVEY_BAD_THRESHOLD.format(value="9０")),
            ("K01", "/survey 两委 八十", texts.SURVEY_BAD_THRESHOLD.format(value="八十")),
            ("K01", "/survey 两委 -90", texts.SURVEY_BAD_THRESHOLD.format(value="-90")),
            ("K01", "/survey 两委 90.5", texts.SURVEY_BAD_THRESHOLD.format(value="90.5")),
            ("K01", "/survey X99 90", texts.SURVEY_PERSON_UNKNOWN.format(code="X99")),
            ("K01", "/survey V01 90", texts.SURVEY_PERSON_NOT_YOURS.format(name="李平杰")),
            ("K01", "/survey 金竹村两委 90", texts.SURVEY_OTHER_VILLAGE.format(word="两委")),
            ("K01", "/survey 金竹村党员 90", texts.SURVEY_OTHER_VILLAGE.format(word="党员")),
            ("T01", "/survey 党员 90", texts.SURVEY_NEEDS_VILLAGE.format(word="党员")),
            ("T01", "/survey 天堂村两委 90", texts.VILLAGE_UNKNOWN.format(name="天堂村")),
            ("T02", "/survey K01 90", texts.SURVEY_PERSON_NOT_YOURS.format(name="石书记"))]:
        await _say_refused(bot, code, text, expected)
    # An official names the village; a second survey of the same subject waits for the first.
    started = await bot.say("T01", "private", "/survey 石门村两委 90％")
    assert texts_of(_to(started, "T01"))[0].startswith("第1号民主测评已发出：石门村两委")
    await _say_refused(bot, "K01", "/survey 两委 80", texts.SURVEY_RUNNING.format(
        subject="石门村两委", number=1, closes=texts.format_when(CLOSES)))
    # A branch secretary surveys a person of the village, or the branch's party members.
    assert texts_of(_to(await bot.say("C01", "private", "/survey H01 85"), "C01"))[0] \
        .startswith("第2号民主测评已发出：李勇，金竹村")
    # 李勇 is a party member: the branch's survey waits until his own has ended.
    await _say_refused(bot, "C01", "/survey 党员 85", texts.SURVEY_RUNNING.format(
        subject="李勇", number=2, closes=texts.format_when(CLOSES)))
    await bot.tick(CLOSES)
    assert texts_of(_to(await bot.say("C01", "private", "/survey 党员 85"), "C01"))[0] \
        .startswith("第3号民主测评已发出：金竹村党员（4人）")
    help_lines = texts_of(await bot.say("K01", "private", "/help"))[0]
    assert texts.HELP_SURVEY.usage in help_lines
    assert texts.HELP_SURVEY.usage not in texts_of(await bot.say("V01", "private", "/help"))[0]


def test_the_window_is_a_rules_file_setting() -> None:
    assert parse_rules({}).survey_window_days == 7
    assert parse_rules({"surveys": {"window_days": 3}}).survey_window_days == 3
    for bad in (0, 61, "7", True):
        with pytest.raises(RulesFileError, match=r"surveys\.window_days"):
            parse_rules({"surveys": {"window_days": bad}})
    with pytest.raises(RulesFileError, match=r"\[surveys\]"):
        parse_rules({"surveys": 7})
