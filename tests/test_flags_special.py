"""Special points (特别加扣分) and vetoes with their grounds and withdrawal (F4, F11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.files.scheme import load_scheme
from bot.wiring import App
from core import texts
from core.flags import VETO_GROUNDS
from storage import events
from storage.export import snapshot
from tests.conftest import SHANGHAI, FakeBot, texts_of
from tests.test_flags import MONTH, OFFICIAL, WEST, add_villages, category_line, written

SCHEME = load_scheme("monthly")
PARTY, HOME = SCHEME.categories[:2]


def say(bot: FakeBot, text: str) -> Any:
    return bot.say(OFFICIAL, "private", text)


async def west_party_line(bot: FakeBot) -> str:
    """The 党建 line of 西片网格 in the draft (丰收村 and 红星村: one red, one yellow)."""
    draft = texts_of(await say(bot, f"/flags {MONTH}"))[0]
    west = draft.split(texts.FLAGS_GRID.format(grid=WEST))[1]
    return next(line for line in west.splitlines() if line.startswith(PARTY))


async def test_special_points_move_the_score_in_their_category_only(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    await add_villages(app, bot, tmp_path)
    await say(bot, f"/score {MONTH} 丰收村 {PARTY} 80")
    await say(bot, f"/score {MONTH} 红星村 {PARTY} 78")
    assert await west_party_line(bot) == category_line(PARTY, "丰收村", "红星村")
    before = await written(app)
    for command, refusal in {
        f"/adjust {MONTH} 红星村 {PARTY} +5": texts.ADJUST_USAGE,
        f"/adjust {MONTH} 红星村 卫生 +5 事由": texts.CATEGORY_UNKNOWN.format(
            name="卫生", categories="、".join(SCHEME.categories)),
        f"/adjust {MONTH} 红星村 {PARTY} 0 事由": texts.ADJUST_BAD_POINTS.format(
            value="0", most=100),
        f"/adjust {MONTH} 红星村 {PARTY} +101 事由": texts.ADJUST_BAD_POINTS.format(
            value="+101", most=100),
        f"/adjust {MONTH} 红星村 {PARTY} nan 事由": texts.ADJUST_BAD_POINTS.format(
            value="nan", most=100),
        f"/adjust {MONTH} 月亮村 {PARTY} +5 事由": texts.VILLAGE_UNKNOWN.format(name="月亮村"),
    }.items():
        assert texts_of(await say(bot, command)) == [refusal], command
    assert await written(app) == before
    # +2 makes a tie at 80 (broken by total, then name: 丰收村 first); +2.5 passes it.
    assert texts_of(await say(bot, f"/adjust {MONTH} 红星村 {PARTY} +2 承办区级观摩")) == [
        texts.ADJUSTED.format(month=MONTH, village="红星村", category=PARTY, points=2,
                              reason="承办区级观摩", note="")]
    assert await west_party_line(bot) == category_line(PARTY, "丰收村", "红星村")
    await say(bot, f"/adjust {MONTH} 红星村 {PARTY} 0.5 补记")
    assert await west_party_line(bot) == category_line(PARTY, "红星村", "丰收村")
    # Points in a category without a score leave it missing; a deduction counts too.
    await say(bot, f"/adjust {MONTH} 红星村 {HOME} -3 垃圾分类检查不合格")
    draft = texts_of(await say(bot, f"/flags {MONTH}"))[0]
    assert texts.FLAGS_ADJUSTMENT_LINE.format(village="红星村", category=PARTY,
                                              points=2.5) in draft
    assert texts.FLAGS_ADJUSTMENT_LINE.format(village="红星村", category=HOME,
                                              points=-3) in draft
    async with app.context.db.read() as connection:
        document = await snapshot(connection, SHANGHAI, SCHEME)
        history = await events.stream_events(connection, f"flags:{MONTH}")
    assert document["adjustments"] == [
        {"month": MONTH, "village": "红星村", "category": PARTY, "points": 2.0,
         "reason": "承办区级观摩"},
        {"month": MONTH, "village": "红星村", "category": PARTY, "points": 0.5,
         "reason": "补记"},
        {"month": MONTH, "village": "红星村", "category": HOME, "points": -3.0,
         "reason": "垃圾分类检查不合格"}]
    assert [found.kind for found in history].count("flags.adjust") == 3
    west = next(row for row in document["flags"]
                if row["village"] == "红星村" and row["category"] == PARTY)
    assert (west["score"], west["flag"]) == (80.5, "red")
    assert [row["score"] for row in document["flags"]
            if row["village"] == "红星村" and row["category"] == HOME] == [None]


async def test_veto_is_classified_by_button_once_and_withdrawn_with_a_reason(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    await add_villages(app, bot, tmp_path)
    await say(bot, f"/score {MONTH} 丰收村 {PARTY} 80")
    await say(bot, f"/score {MONTH} 红星村 {PARTY} 78")
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 误报")) == [
        texts.UNVETO_NONE.format(village="丰收村", month=MONTH)]
    recorded = await say(bot, f"/veto {MONTH} 丰收村 群众到省上访")
    assert texts_of(recorded) == [
        texts.VETO_RECORDED.format(month=MONTH, village="丰收村", reason="群众到省上访"),
        texts.VETO_GROUND_ASK]
    assert [button.label for row in recorded[1].buttons for button in row] == list(VETO_GROUNDS)
    # Recorded at once: 丰收村 has no red even before its ground is chosen.
    assert await west_party_line(bot) == category_line(PARTY, "", "红星村")
    assert texts_of(await bot.press(OFFICIAL, "private", "非正常上访")) == [
        texts.VETO_GROUND_SET.format(village="丰收村", month=MONTH, ground="非正常上访")]
    pressed_again = await bot.press(OFFICIAL, "private", "媒体曝光")
    assert texts_of(pressed_again) == [texts.VETO_GROUND_ALREADY.format(ground="非正常上访")]
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村")) == [texts.UNVETO_USAGE]
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 经核实非本村责任")) == [
        texts.UNVETOED.format(village="丰收村", month=MONTH, number=1, was="群众到省上访",
                              reason="经核实非本村责任", note="")]
    assert await west_party_line(bot) == category_line(PARTY, "丰收村", "红星村")
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 再撤")) == [
        texts.UNVETO_NONE.format(village="丰收村", month=MONTH)]
    async with app.context.db.read() as connection:
        document = await snapshot(connection, SHANGHAI, SCHEME)
        history = await events.stream_events(connection, f"flags:{MONTH}")
    assert document["vetoes"] == [
        {"month": MONTH, "village": "丰收村", "ground": "非正常上访", "reason": "群众到省上访",
         "withdrawn": True, "withdrawn_reason": "经核实非本村责任"}]
    assert [found.kind for found in history if found.kind.startswith("flags.")] == [
        "flags.score", "flags.score", "flags.veto", "flags.veto_ground", "flags.unveto"]


async def test_only_an_official_adjusts_or_withdraws(app: App, bot: FakeBot) -> None:
    before = await written(app)
    for command in (f"/adjust {MONTH} 金竹村 {PARTY} +5 事由", f"/unveto {MONTH} 金竹村 原因"):
        assert texts_of(await bot.say("H01", "private", command)) == [
            texts.ROLE_REFUSED.format(role="屋场长", command=command.split()[0])], command
    assert await written(app) == before
