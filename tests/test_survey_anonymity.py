"""Surveys are anonymous (rule Y3): nothing stored or exported joins a vote to a household."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from bot.admin import import_roster_file
from bot.settings import Settings
from bot.wiring import App, build_app
from core.clock import ManualClock
from storage.export import snapshot
from storage.schema import event, outbox, survey, survey_answered
from tests.conftest import SHANGHAI, SMALL_ROSTER, START, FakeBot, joined
from tests.test_surveys import CLOSES, SHIMEN_ROSTER

# Tables whose rows come from chance, not from what people did: the invite codes.
RANDOM = {"invite"}
# Ten households answer; 石二 and 石三 answer differently from one run to the other.
OTHERS = [(f"S{number:02d}", "满意") for number in range(4, 12)]
ONE_WAY = [("S02", "满意"), ("S03", "不满意"), *OTHERS]
SWAPPED = [("S02", "不满意"), ("S03", "满意"), *OTHERS]
OTHER_TOTALS = [("S02", "满意"), ("S03", "满意"), *OTHERS]


async def _everything(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in the order SQLite stores them (rowid), ids included."""
    async with app.context.db.read() as connection:
        names = [row[0] for row in await connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))]
        return {name: [tuple(row) for row in await connection.execute(
            text(f'SELECT rowid, * FROM "{name}" ORDER BY rowid'))]
            for name in names if name not in RANDOM}


async def _run(tmp_path: Path, name: str, answers: list[tuple[str, str]],
               ) -> dict[str, list[tuple[Any, ...]]]:
    """A fresh database where 石门村's 两委 are surveyed and these households answer."""
    clock = ManualClock(START)
    folder = tmp_path / name  # the same file names in each run: the import logs them
    folder.mkdir()
    app = await build_app(Settings(database_url=f"sqlite+aiosqlite:///{folder / 'w.db'}"),
                          clock)
    try:
        await import_roster_file(app, SMALL_ROSTER)
        bot = FakeBot(app, clock)
        await bot.start(set())
        await joined(bot, folder / "shimen.csv", SHIMEN_ROSTER)
        await bot.say("K01", "private", "/survey 两委 90")
        for code, label in answers:
            await bot.press(code, "private", label)
        await bot.tick(CLOSES)
        return await _everything(app)
    finally:
        await app.close()


async def test_the_database_is_the_same_whoever_voted_what(tmp_path: Path) -> None:
    """Two households swap their votes: every table, every id, every time, every event hash

    and every message kept is the same, so nothing stored can tell who voted what.
    """
    one_way = await _run(tmp_path, "one_way", ONE_WAY)
    swapped = await _run(tmp_path, "swapped", SWAPPED)
    assert one_way == swapped
    # The comparison sees votes: other totals do change what is stored.
    other = await _run(tmp_path, "other", OTHER_TOTALS)
    assert {name for name in one_way if one_way[name] != other[name]} \
        >= {"survey", "notice", "event", "outbox"}


async def test_no_vote_is_stored_with_anyone(app: App, bot: FakeBot, tmp_path: Path) -> None:
    await joined(bot, tmp_path / "shimen.csv", SHIMEN_ROSTER)
    await bot.say("K01", "private", "/survey 两委 90")
    # The card use has no time, person or choice; the votes (counts) no household or person.
    assert set(survey_answered.c.keys()) == {"survey_id", "household_id"}
    assert set(survey.c.keys()) == {"id", "card_id", "position", "subject", "person_id",
                                    "satisfied", "basically", "dissatisfied"}

    async def counted() -> tuple[int, int]:
        async with bot.app.context.db.read() as connection:
            return (int(await connection.scalar(select(func.count()).select_from(event)) or 0),
                    int(await connection.scalar(select(func.count()).select_from(outbox)) or 0))

    before = await counted()
    for code, label in ONE_WAY:
        await bot.press(code, "private", label)
    # An answer logs no event and queues no message: no time or order to join back.
    assert await counted() == before
    await bot.tick(CLOSES)
    async with bot.app.context.db.read() as connection:
        exported = await snapshot(connection, SHANGHAI)
        subject_row = (await connection.execute(select(survey))).one()
    assert subject_row.person_id is None  # the 两委 as a whole: no one person
    (found,) = exported["surveys"]
    assert set(found) == {"id", "card", "kind", "subject", "scope", "threshold", "status",
                          "opened", "closes", "households", "cards", "satisfied", "basically",
                          "dissatisfied", "rate", "passed", "notice"}
    assert (found["satisfied"], found["dissatisfied"], found["cards"]) == (9, 1, 10)
    # No household, person or 编号 of a rater anywhere in the export's surveys or events.
    shown = repr(found)
    assert not any(code in shown for code, _ in ONE_WAY)
