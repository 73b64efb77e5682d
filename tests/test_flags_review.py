"""Flags F9-F13 through the real handlers and the CLI: items, review, objections and more."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.files.scheme import load_scheme
from bot.wiring import App
from core import texts
from core.clock import ManualClock
from storage.export import snapshot
from storage.schema import flag_confirmation
from tests.conftest import SHANGHAI, FakeBot, run_cli, texts_of
from tests.test_flags import (
    MONTH,
    OFFICIAL,
    _environment,
    _imported,
    _roster,
    written,
)

SCHEME = load_scheme("monthly")
PARTY, HOME, SMART, CIVIL, ECONOMY = SCHEME.categories


def say(bot: FakeBot, text: str, who: str = OFFICIAL) -> Any:
    return bot.say(who, "private", text)


# --- F9: scored items -------------------------------------------------------------------

async def test_items_are_entered_one_by_one_and_a_total_replaces_them(
        app: App, bot: FakeBot) -> None:
    assert texts_of(await say(bot, f"/score {MONTH} 金竹村 洁化 20")) == [
        texts.ITEM_SCORE_RECORDED.format(
            month=MONTH, village="金竹村", category=HOME, item="洁化", score=20, note="",
            progress=texts.ITEM_PROGRESS.format(category=HOME, items="绿化、序化、美化"))]
    before = await written(app)
    assert texts_of(await say(bot, f"/score {MONTH} 金竹村 绿化 25.5")) == [
        texts.ITEM_SCORE_BAD.format(item="绿化", value="25.5", high=25)]
    assert await written(app) == before
    for item, score in (("绿化", 25), ("序化", 0)):
        await say(bot, f"/score {MONTH} 金竹村 {item} {score}")
    assert texts_of(await say(bot, f"/score {MONTH} 金竹村 美化 15")) == [
        texts.ITEM_SCORE_RECORDED.format(
            month=MONTH, village="金竹村", category=HOME, item="美化", score=15, note="",
            progress=texts.ITEM_COMPLETE.format(category=HOME, total=60))]
    draft = texts_of(await say(bot, f"/flags {MONTH}"))[0]
    assert texts.FLAGS_ITEM_LINE.format(village="金竹村", category=HOME,
                                        items="洁化20 绿化25 序化0 美化15") in draft
    assert f"金竹村{HOME}" not in draft.split(texts.FLAGS_INDICATORS)[0]
    # A total entered for the category replaces its items, and entering an item again
    # replaces the total: the category is missing until every item is in.
    await say(bot, f"/score {MONTH} 金竹村 {HOME} 70")
    draft = texts_of(await say(bot, f"/flags {MONTH}"))[0]
    assert texts.FLAGS_ITEMS not in draft
    assert texts_of(await say(bot, f"/score {MONTH} 金竹村 洁化 10")) == [
        texts.ITEM_SCORE_RECORDED.format(
            month=MONTH, village="金竹村", category=HOME, item="洁化", score=10,
            note="",
            progress=texts.ITEM_PROGRESS.format(category=HOME, items="绿化、序化、美化"))]
    assert f"金竹村{HOME}" in texts_of(await say(bot, f"/flags {MONTH}"))[0]


def test_scores_template_and_import_by_item(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    _environment(monkeypatch, tmp_path)
    header = run_cli("scores", "template")
    assert header.exit_code == 0, header.output
    columns = header.stdout.strip().split(",")
    assert columns[:5] == ["月份", "村", "组织战斗力强", "执行力强", "思考力强"]
    assert len(columns) == 2 + 3 + 4 + 4 + 5 + 3
    _roster(tmp_path)
    good = tmp_path / "items.csv"
    good.write_text(f"月份,村,洁化,绿化,序化,美化,{PARTY}\n"
                    f"{MONTH},金竹村,20,20,20,20,90\n", encoding="utf-8")
    assert _imported(run_cli("scores", "import", str(good)), 5)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"月份,村,洁化,{HOME},绿化\n"
                   f"{MONTH},金竹村,20,80,\n"
                   f"{MONTH},丰收村,,,26\n", encoding="utf-8")
    result = run_cli("scores", "import", str(bad))
    assert result.exit_code == 1
    assert texts.ITEM_AND_TOTAL.format(category=HOME, item="洁化") in result.output
    assert texts.ITEM_SCORE_BAD.format(item="绿化", value="26", high=25) in result.output


# --- F10: review and objections ----------------------------------------------------------

REVIEWER, CADRE = "T04", "C01"  # T04: an official of 金溪镇 who enters no score


async def test_review_objections_answers_then_confirm_with_the_meeting_day(
        app: App, bot_with_more: FakeBot, clock: ManualClock) -> None:
    bot = bot_with_more
    for village, score in (("金竹村", 90), ("丰收村", 80)):
        for category in SCHEME.categories:
            await say(bot, f"/score {MONTH} {village} {category} {score}")
    assert texts_of(await say(bot, f"/confirm {MONTH}")) == [
        texts.CONFIRM_NOT_REVIEWED.format(month=MONTH)]
    assert texts_of(await say(bot, f"/appeal {MONTH} {HOME} 分数偏低", CADRE)) == [
        texts.APPEAL_NOT_REVIEWED.format(month=MONTH)]
    assert texts_of(await say(bot, f"/review {MONTH}")) == [
        texts.REVIEW_OWN_SCORES.format(month=MONTH)]

    # Reviewed on Thursday 5 November: objections until Monday 9 November.
    reviewed = await say(bot, f"/review {MONTH}", REVIEWER)
    assert [m.text for m in reviewed if m.chat_id == REVIEWER] == [
        texts.REVIEWED.format(month=MONTH, until="11月9日", days=2)]
    to_cadre = [m.text for m in reviewed if m.chat_id == CADRE]
    assert to_cadre == [texts.REVIEW_TO_VILLAGE.format(
        month=MONTH, village="金竹村", until="11月9日", lines="\n".join(
            texts.REVIEW_LINE.format(category=category, score="90分", rank=1, of=1, flag="")
            for category in SCHEME.categories))]
    assert texts_of(await say(bot, f"/review {MONTH}", REVIEWER)) == [
        texts.REVIEW_ALREADY.format(month=MONTH, day="11月5日", until="11月9日")]

    assert texts_of(await say(bot, f"/appeal {MONTH} 卫生 分数偏低", CADRE)) == [
        texts.CATEGORY_UNKNOWN.format(name="卫生", categories="、".join(SCHEME.categories))]
    clock.set(datetime(2026, 11, 9, 23, 59, tzinfo=SHANGHAI))  # the last day, still in time
    appealed = await say(bot, f"/appeal {MONTH} {HOME} 洁化打分偏低", CADRE)
    assert [m.text for m in appealed if m.chat_id == CADRE] == [
        texts.APPEAL_RECORDED.format(number=1)]
    assert [m.text for m in appealed if m.chat_id == REVIEWER] == [
        texts.APPEAL_TO_OFFICIALS.format(village="金竹村", month=MONTH, category=HOME,
                                         number=1, text="洁化打分偏低")]
    clock.set(datetime(2026, 11, 10, 0, 0, tzinfo=SHANGHAI))
    before = await written(app)
    assert texts_of(await say(bot, f"/appeal {MONTH} {HOME} 再提", CADRE)) == [
        texts.APPEAL_TOO_LATE.format(month=MONTH, until="11月9日")]
    assert texts_of(await say(bot, f"/confirm {MONTH}")) == [
        texts.CONFIRM_UNANSWERED.format(month=MONTH, count=1, numbers="1")]
    assert await written(app) == before

    assert texts_of(await say(bot, "/respond 2 已核")) == [
        texts.RESPOND_UNKNOWN.format(number="2")]
    answered = await say(bot, "/respond 1 经复核，洁化得分维持")
    assert [m.text for m in answered if m.chat_id == CADRE] == [
        texts.RESPONSE_TO_VILLAGE.format(month=MONTH, category=HOME, number=1,
                                         answer="经复核，洁化得分维持")]
    assert texts_of(await say(bot, "/respond 1 再答")) == [
        texts.RESPOND_ALREADY.format(number=1, answer="经复核，洁化得分维持")]

    assert texts_of(await say(bot, f"/confirm {MONTH} 2026-11-11")) == [
        texts.CONFIRM_BAD_MEETING_DAY.format(value="2026-11-11")]
    confirmed = await say(bot, f"/confirm {MONTH} 2026-11-09")
    assert confirmed[0].text == texts.CONFIRMED.format(month=MONTH, version=1)
    async with app.context.db.read() as connection:
        days = (await connection.execute(select(flag_confirmation.c.meeting_date))).scalars()
        assert list(days) == [date(2026, 11, 9)]
        document = await snapshot(connection, SHANGHAI)
    assert document["appeals"] == [{"id": 1, "month": MONTH, "village": "金竹村",
                                    "category": HOME, "text": "洁化打分偏低",
                                    "answer": "经复核，洁化得分维持"}]
