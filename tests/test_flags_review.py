"""Flags F9-F13 through the real handlers and the CLI: items, review, objections and more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.files.scheme import load_scheme
from bot.wiring import App
from core import texts
from tests.conftest import FakeBot, texts_of
from tests.test_flags import (
    MONTH,
    OFFICIAL,
    _environment,
    _imported,
    _invoke,
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
    header = _invoke("scores", "template")
    assert header.exit_code == 0, header.output
    columns = header.stdout.strip().split(",")
    assert columns[:5] == ["月份", "村", "组织战斗力强", "执行力强", "思考力强"]
    assert len(columns) == 2 + 3 + 4 + 4 + 5 + 3
    _roster(tmp_path)
    good = tmp_path / "items.csv"
    good.write_text(f"月份,村,洁化,绿化,序化,美化,{PARTY}\n"
                    f"{MONTH},金竹村,20,20,20,20,90\n", encoding="utf-8")
    assert _imported(_invoke("scores", "import", str(good)), 5)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"月份,村,洁化,{HOME},绿化\n"
                   f"{MONTH},金竹村,20,80,\n"
                   f"{MONTH},丰收村,,,26\n", encoding="utf-8")
    result = _invoke("scores", "import", str(bad))
    assert result.exit_code == 1
    assert texts.ITEM_AND_TOTAL.format(category=HOME, item="洁化") in result.output
    assert texts.ITEM_SCORE_BAD.format(item="绿化", value="26", high=25) in result.output
