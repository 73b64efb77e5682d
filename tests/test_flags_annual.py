"""Issue 17's rest through the real handlers: the objection window, one veto withdrawn,
the liaison official's rectification, the grid averages and /year (F10-F13)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bot.files.scheme import load_scheme
from bot.files.scores import import_scores
from bot.wiring import App
from core import texts
from core.clock import ManualClock
from storage import events
from storage.export import snapshot
from tests.conftest import SHANGHAI, FakeBot, reviewed, texts_of
from tests.test_flags import MONTH, OCTOBER, OFFICIAL, add_villages, write_scores, written

SCHEME = load_scheme("monthly")
PARTY = SCHEME.categories[0]
REVIEWER = "T04"  # an official of 金溪镇 who enters no score (tests/conftest.py MORE_OF_FENGSHU)


def say(bot: FakeBot, text: str, who: str = OFFICIAL) -> Any:
    return bot.say(who, "private", text)


# --- F10: /confirm waits for the objection window to close -------------------------------

async def test_confirm_waits_until_the_objection_window_closed(
        app: App, bot_with_more: FakeBot, clock: ManualClock) -> None:
    bot = bot_with_more
    for village, score in (("金竹村", 90), ("丰收村", 80)):
        for category in SCHEME.categories:
            await say(bot, f"/score {MONTH} {village} {category} {score}")
    # Reviewed on Thursday 5 November: 2 working days, objections until Monday 9 November.
    await say(bot, f"/review {MONTH}", REVIEWER)
    open_window = [texts.CONFIRM_APPEALS_OPEN.format(month=MONTH, until="11月9日",
                                                     first="11月10日")]
    assert texts_of(await say(bot, f"/confirm {MONTH}")) == open_window
    clock.set(datetime(2026, 11, 9, 23, 59, tzinfo=SHANGHAI))  # the window's last minute
    before = await written(app)
    assert texts_of(await say(bot, f"/confirm {MONTH} 2026-11-09")) == open_window
    assert await written(app) == before
    clock.set(datetime(2026, 11, 10, 0, 0, tzinfo=SHANGHAI))  # the first minute after it
    confirmed = await say(bot, f"/confirm {MONTH} 2026-11-10")
    assert confirmed[0].text == texts.CONFIRMED.format(month=MONTH, version=1)


# --- F11: /unveto withdraws exactly one veto ---------------------------------------------

async def test_unveto_withdraws_one_veto_named_by_its_number(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    await add_villages(app, bot, tmp_path)
    for reason in ("群众到省上访", "发生较大安全事故", "媒体曝光环境问题"):
        await say(bot, f"/veto {MONTH} 丰收村 {reason}")
    lines = [texts.UNVETO_LINE.format(number=number, reason=reason,
                                      ground=texts.UNVETO_NO_GROUND)
             for number, reason in ((1, "群众到省上访"), (2, "发生较大安全事故"),
                                    (3, "媒体曝光环境问题"))]
    which = texts.UNVETO_WHICH.format(village="丰收村", month=MONTH, count=3,
                                      lines="\n".join(lines), example=1)
    before = await written(app)
    for command in (f"/unveto {MONTH} 丰收村 误报", f"/unveto {MONTH} 丰收村 9 误报",
                    f"/unveto {MONTH} 丰收村 2"):
        assert texts_of(await say(bot, command)) == [which], command
    assert await written(app) == before
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 2 经核实为他村事故")) == [
        texts.UNVETOED.format(village="丰收村", month=MONTH, number=2, was="发生较大安全事故",
                              reason="经核实为他村事故", note="")]
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 2 再撤")) == [
        texts.UNVETO_WHICH.format(village="丰收村", month=MONTH, count=2,
                                  lines="\n".join([lines[0], lines[2]]), example=1)]
    await say(bot, f"/unveto {MONTH} 丰收村 3 已澄清")
    # One veto left: it is withdrawn without a number; a number matching none is refused.
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 7 误报")) == [
        texts.UNVETO_WHICH.format(village="丰收村", month=MONTH, count=1, lines=lines[0],
                                  example=1)]
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 误报")) == [
        texts.UNVETOED.format(village="丰收村", month=MONTH, number=1, was="群众到省上访",
                              reason="误报", note="")]
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 再撤")) == [
        texts.UNVETO_NONE.format(village="丰收村", month=MONTH)]
    async with app.context.db.read() as connection:
        document = await snapshot(connection, SHANGHAI, SCHEME)
        history = await events.stream_events(connection, f"flags:{MONTH}")
    assert [(row["reason"], row["withdrawn"], row["withdrawn_reason"])
            for row in document["vetoes"]] == [
        ("群众到省上访", True, "误报"), ("发生较大安全事故", True, "经核实为他村事故"),
        ("媒体曝光环境问题", True, "已澄清")]
    assert [found.payload["veto"] for found in history if found.kind == "flags.unveto"] == [
        2, 3, 1]


# --- F12: /year, the January job and the export -----------------------------------------

CATEGORIES = SCHEME.categories
EAST, WEST = "东片网格", "西片网格"


def items(*scores: float) -> str:
    return "，".join(texts.GRID_AVERAGE_ITEM.format(category=category, average=f"{score:.1f}")
                    for category, score in zip(CATEGORIES, scores, strict=True))


async def confirm_month(app: App, bot: FakeBot, month: str) -> list[Any]:
    await reviewed(app, month)
    sent = await say(bot, f"/confirm {month}")
    assert sent[0].text.startswith(texts.CONFIRMED.format(month=month, version=1)[:12]), sent
    return list(sent)


async def test_year_rolls_up_the_newest_confirmed_months(
        app: App, bot: FakeBot, clock: ManualClock, tmp_path: Path) -> None:
    await add_villages(app, bot, tmp_path)
    clock.set(datetime(2026, 12, 20, 9, 0, tzinfo=SHANGHAI))
    await import_scores(app, write_scores(tmp_path / "scores.csv", {
        month: OCTOBER for month in ("2026-10", "2026-11", "2026-12")}))
    assert texts_of(await say(bot, "/year 2026")) == [texts.YEAR_NONE.format(year=2026)]
    await confirm_month(app, bot, "2026-10")
    await confirm_month(app, bot, "2026-11")  # December stays a draft: not in the year
    # Per month in 东片网格: 金竹村, 石桥村 and 白沙村 red in four categories, 金竹村 yellow
    # in 美丽经济发展; in 西片网格 丰收村 red in four, 红星村 in 党建引领发展.
    year = texts_of(await say(bot, "/year 2026"))[0].splitlines()
    assert year[0] == texts.YEAR_TITLE.format(year=2026, count=2, months="10、11月")
    assert texts.YEAR_VILLAGE_LINE.format(village="金竹村", grid=EAST, reds=8, yellows=2,
                                          items=items(95, 95, 95, 95, 60)) in year
    assert texts.YEAR_VILLAGE_LINE.format(village="红星村", grid=WEST, reds=2, yellows=8,
                                          items=items(75, 75, 75, 75, 75)) in year
    # 党建: 东片 77.5 over 西片 72.5; 和美: both 77.5, a tie names both; 文明: 625/8 = 78.125.
    best = year[year.index(texts.YEAR_BEST_GRIDS) + 1:-1]
    assert best == [
        texts.YEAR_BEST_GRID.format(category=CATEGORIES[0], grids=EAST, average="77.5"),
        texts.YEAR_BEST_GRID.format(category=CATEGORIES[1], grids=f"{EAST}、{WEST}",
                                    average="77.5"),
        texts.YEAR_BEST_GRID.format(category=CATEGORIES[2], grids=f"{EAST}、{WEST}",
                                    average="77.5"),
        texts.YEAR_BEST_GRID.format(category=CATEGORIES[3], grids=EAST, average="78.1"),
        texts.YEAR_BEST_GRID.format(category=CATEGORIES[4], grids=f"{EAST}、{WEST}",
                                    average="77.5")]
    assert year[-1] == texts.YEAR_CANDIDATES.format(reds=8,
                                                    villages="白沙村、石桥村、金竹村、丰收村")
    # A village cadre sees their own village's line only; a head may not ask.
    assert texts_of(await say(bot, "/year 2026", "C01")) == ["\n".join([
        year[0], texts.YEAR_VILLAGE_LINE.format(village="金竹村", grid=EAST, reds=8, yellows=2,
                                                items=items(95, 95, 95, 95, 60))])]
    assert texts_of(await say(bot, "/year 2026", "H01")) == [
        texts.ROLE_REFUSED.format(role="屋场长", command="/year")]
    for bad in ("2027", "26", "二〇二六"):
        assert texts_of(await say(bot, f"/year {bad}")) == [texts.YEAR_BAD.format(value=bad)]

    # A correction of November: the newest version counts, the first does not.
    await say(bot, f"/score 2026-11 丰收村 {CATEGORIES[0]} 99")
    clock.set(datetime(2026, 12, 21, 9, 0, tzinfo=SHANGHAI))
    assert (await say(bot, "/confirm 2026-11"))[0].text.startswith(
        texts.CONFIRMED.format(month="2026-11", version=2)[:12])
    year = texts_of(await say(bot, "/year 2026"))[0].splitlines()
    assert year[-1] == texts.YEAR_CANDIDATES.format(reds=9, villages="丰收村")
    async with app.context.db.read() as connection:
        document = await snapshot(connection, SHANGHAI, SCHEME)
    assert {"month": "2026-11", "grid": WEST, "category": CATEGORIES[0],
            "average": 87.0} in document["grid_averages"]
    assert {"month": "2026-10", "grid": EAST, "category": CATEGORIES[3],
            "average": 78.12} in document["grid_averages"]  # 2 decimals (78.125)
    assert not any(row["month"] == "2026-12" for row in document["grid_averages"])
    assert len(document["grid_averages"]) == 2 * 2 * len(CATEGORIES)
    west = next(row for row in document["annual"] if row["village"] == "丰收村")
    assert west == {"year": 2026, "village": "丰收村", "grid": WEST, "reds": 9, "yellows": 1,
                    "averages": dict(zip(CATEGORIES, (84.5, 80, 80, 80, 80), strict=True))}

    # The January job: not before December's results are due (the 5th) or confirmed…
    for moment in (datetime(2026, 12, 31, 23, 0), datetime(2027, 1, 5, 23, 0)):
        sent = await bot.tick(moment.replace(tzinfo=SHANGHAI))
        assert not [m for m in sent if m.text.startswith("2026年红黄旗年度汇总")], moment
    # …then once, to the officials, with the months confirmed by then.
    sent = await bot.tick(datetime(2027, 1, 6, 0, 0, tzinfo=SHANGHAI))
    rollups = [m for m in sent if m.text.startswith("2026年红黄旗年度汇总")]
    assert [(m.chat_id, m.text) for m in rollups] == [
        (OFFICIAL, "\n".join(year))]
    assert not [m for m in await bot.tick(datetime(2027, 1, 7, tzinfo=SHANGHAI))
                if m.text.startswith("2026年红黄旗年度汇总")]


async def test_the_january_job_goes_once_december_is_confirmed(
        app: App, bot: FakeBot, clock: ManualClock, tmp_path: Path) -> None:
    clock.set(datetime(2027, 1, 2, 9, 0, tzinfo=SHANGHAI))
    await import_scores(app, write_scores(tmp_path / "scores.csv", {"2026-12": {
        "金竹村": (90, 90, 90, 90, 90), "丰收村": (80, 80, 80, 80, 80)}}))
    assert not [m for m in await bot.tick(datetime(2027, 1, 2, 10, tzinfo=SHANGHAI))
                if "年度汇总" in m.text]
    await confirm_month(app, bot, "2026-12")
    sent = [m for m in await bot.tick(datetime(2027, 1, 2, 11, tzinfo=SHANGHAI))
            if "年度汇总" in m.text]
    assert [m.chat_id for m in sent] == [OFFICIAL]
    # Grids of one village give no flag (F3): no candidate.
    assert sent[0].text.splitlines()[-1] == texts.YEAR_NO_CANDIDATES
    assert not [m for m in await bot.tick(datetime(2027, 1, 9, tzinfo=SHANGHAI))
                if "年度汇总" in m.text]
    assert not [m for m in await bot.tick(datetime(2027, 2, 1, tzinfo=SHANGHAI))
                if "年度汇总" in m.text]
