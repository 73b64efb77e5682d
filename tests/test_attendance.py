"""Persons present per household (rule M7), through the console channel."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from bot.admin import import_roster_file
from bot.wiring import App
from core import texts
from storage.schema import meeting_household
from tests.conftest import SHANGHAI, FakeBot, texts_of

FENGSHU = "枫树湾"
# Household 3 of 枫树湾 has 李平杰 (25) and 李大娘 (78); add a 16-year-old: still 2 adults.
MINOR = ("编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机\n"
         "V09,李小妹,金溪镇,东片网格,金竹村,枫树湾,3,是,否,16,,\n")


def _over(*items: tuple[int, int]) -> str:
    return texts.ATTEND_OVER_ADULTS.format(items="、".join(
        texts.ATTEND_OVER_ADULTS_ITEM.format(number=number, adults=adults)
        for number, adults in items))


async def _recorded(app: App) -> list[tuple[int, int]]:
    async with app.context.db.read() as connection:
        return sorted((row.household_id, row.persons) for row in await connection.execute(
            select(meeting_household.c.household_id, meeting_household.c.persons)))


async def test_attend_counts_no_more_than_the_adults_of_a_household(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    extra = tmp_path / "minor.csv"
    extra.write_text(MINOR, encoding="utf-8")
    await import_roster_file(app, extra)
    await bot.start(set())
    await bot.say("H01", FENGSHU, "/meeting 2026-11-05 20:00 晒谷坪 修路")
    bot.clock.set(datetime(2026, 11, 5, 20, 0, tzinfo=SHANGHAI))
    await bot.say("H01", FENGSHU, "/open")
    await bot.say("R01", FENGSHU, "/attend 1")
    before = await _recorded(app)
    # The whole /attend is refused, naming each household over and its number.
    assert texts_of(await bot.say("R01", FENGSHU, "/attend 3*3")) == [_over((3, 2))]
    assert texts_of(await bot.say("H01", FENGSHU, "/attend 2 4*2 3*9")) == [
        _over((3, 2), (4, 1))]
    assert texts_of(await bot.say("R01", FENGSHU, "/attend 1*2")) == [_over((1, 1))]
    assert await _recorded(app) == before
    # Exactly the adults is accepted, and so is a withdrawal.
    accepted = await bot.say("R01", FENGSHU, "/attend 3*2 4")
    assert accepted[0].text == "已登记：3号2人、4号1人。到会3/3户，4人。已达到法定户数。"
    assert texts_of(await bot.say("R01", FENGSHU, "/attend 3*0")) == [
        "已登记：3号撤销。到会2/3户，2人。"]
