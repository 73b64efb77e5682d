"""`wuchang verify` sees edited meetings, minutes, motions, scores and confirmations, and a kept
head catches a deleted tail or a rewritten chain (issue 22 item 5)."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection
from typer.testing import CliRunner

from bot.admin import verify, verify_seals
from bot.cli import cli
from bot.files.scheme import load_scheme
from bot.wiring import App
from core import texts
from storage import events
from storage.db import Database
from storage.schema import chain_head, event
from tests.conftest import SHANGHAI, SMALL_ROSTER, FakeBot, cli_environment, reviewed

MONTH = "2026-10"
HEAD = re.compile(r"wuchang verify --head）：([0-9a-f]{64})")


async def _meeting_and_month(bot: FakeBot) -> str:
    """A meeting held (check-ins, a motion, minutes) and October confirmed; the kept head."""
    await bot.say("H01", "枫树湾", "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
    bot.clock.set(datetime(2026, 11, 6, 19, 30, tzinfo=SHANGHAI))
    await bot.say("H01", "枫树湾", "/open")
    await bot.press("V01", "枫树湾", "签到")
    await bot.say("R01", "枫树湾", "/attend 1 2 3*2")
    await bot.say("H01", "枫树湾", "/motion 修路")
    await bot.say("R01", "枫树湾", "/tally 4 0 0")
    await bot.say("H01", "枫树湾", "/close")
    await bot.say("R01", "枫树湾", "/minutes 李平杰：先修村口的路。")
    await bot.say("H01", "枫树湾", "/end")
    for village in ("金竹村", "丰收村"):
        for category in load_scheme("monthly").categories:
            await bot.say("T01", "private", f"/score {MONTH} {village} {category} 80")
    await reviewed(bot.app, MONTH)
    before = len(bot.sent)
    await bot.say("T01", "private", f"/confirm {MONTH}")
    await bot.tick(bot.clock.now() + timedelta(minutes=1))
    heads = [found.group(1) for _, message in bot.sent[before:] if message.chat_id == "T01"
             for found in [HEAD.search(message.text)] if found]
    assert len(heads) == 1  # the officials' summary carries the chain's head
    return heads[0]


async def _sql(app: App, statement: str) -> None:
    async with app.context.db.write() as connection:
        assert (await connection.execute(text(statement))).rowcount >= 1


@pytest.mark.parametrize(("statement", "subject"), [
    ("UPDATE minute SET text = '没人发言'", "minutes:1"),
    ("UPDATE motion SET yes = 1, passed = false", "motion:1"),
    ("UPDATE motion SET tally_yes = 3", "motion:1"),
    ("DELETE FROM meeting_checkin", "meeting:1"),
    ("UPDATE meeting_household SET persons = 1", "meeting:1"),
    ("UPDATE meeting SET resident_households = 9", "meeting:1"),
    ("UPDATE flag_score SET score = 99 WHERE category = '党建引领发展'", "scores:"),
    ("UPDATE flag_result SET flag = 'red'", "confirmation:1"),
    ("UPDATE flag_settlement SET amount = 5000", "confirmation:1"),
])
async def test_verify_names_each_sealed_subject_edited_in_place(
        app: App, bot: FakeBot, statement: str, subject: str) -> None:
    await _meeting_and_month(bot)
    assert await verify_seals(app) == ([], True)
    await _sql(app, statement)
    broken, _ = await verify_seals(app)
    assert broken and all(found.startswith(subject) for found in broken)
    assert await verify(app) == (None, [])  # the chain itself still holds


async def test_a_motion_inserted_without_its_seal_is_reported(app: App, bot: FakeBot) -> None:
    await _meeting_and_month(bot)
    await _sql(app, "INSERT INTO motion (meeting_id, text, status, opened_at, closed_at, yes, no,"
                    " abstain, persons_present, binding, passed) SELECT meeting_id, '卖林地',"
                    " status, opened_at, closed_at, 4, 0, 0, 4, binding, true FROM motion")
    assert (await verify_seals(app))[0] == ["motion:2"]


async def test_check_ins_add_no_chain_event_of_their_own(app: App, bot: FakeBot) -> None:
    await bot.say("H01", "枫树湾", "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
    bot.clock.set(datetime(2026, 11, 6, 19, 30, tzinfo=SHANGHAI))
    await bot.say("H01", "枫树湾", "/open")
    async with app.context.db.read() as connection:
        before = await events.head_hash(connection)
    await bot.press("V01", "枫树湾", "签到")
    async with app.context.db.read() as connection:
        assert await events.head_hash(connection) == before


async def _rewrite(connection: AsyncConnection) -> None:
    """Change the first event and recompute every hash after it, as a forger would."""
    rows = (await connection.execute(select(event).order_by(event.c.id))).all()
    previous = events.GENESIS
    for number, row in enumerate(rows):
        payload = row.payload if number else json.dumps({"forged": True})
        digest = events._digest(previous, row.at, row.stream, row.kind, row.actor_id,
                                row.channel, row.chat_id, payload)
        await connection.execute(update(event).where(event.c.id == row.id).values(
            payload=payload, prev_hash=previous, hash=digest))
        previous = digest
    await connection.execute(update(chain_head).values(last_hash=previous))


async def test_a_kept_head_catches_a_rewritten_chain(app: App, bot: FakeBot) -> None:
    kept = await _meeting_and_month(bot)
    assert await verify_seals(app, kept) == ([], True)
    async with app.context.db.write() as connection:
        await _rewrite(connection)
    assert await verify(app) == (None, [])  # recomputed: the chain alone cannot tell
    assert await verify_seals(app, kept) == ([], False)


async def test_the_officials_digest_carries_the_head(app: App, bot: FakeBot) -> None:
    before = len(bot.sent)
    await bot.tick(datetime(2026, 12, 1, 9, 5, tzinfo=SHANGHAI))
    sent = [message for _, message in bot.sent[before:]]
    official = [message.text for message in sent if message.chat_id == "T01"]
    cadre = [message.text for message in sent if message.chat_id == "C01"]
    assert any(HEAD.search(found) for found in official)
    assert cadre and not any(HEAD.search(found) for found in cadre)
    kept = next(found.group(1) for message in official for found in [HEAD.search(message)]
                if found)
    assert await verify_seals(app, kept) == ([], True)


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_verify_head_catches_a_deleted_tail(database_url: str, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    cli_environment(monkeypatch, tmp_path, database_url)
    assert _invoke("roster", "import", str(SMALL_ROSTER))[0] == 0
    assert _invoke("roster", "invites", "--renew", "V01", "--renew", "V02")[0] == 0

    async def in_database(rewind: bool) -> str:
        database = Database(database_url)
        try:
            async with database.write() as connection:
                kept = await events.head_hash(connection)
                if rewind:  # delete the newest event and point the head at the one before
                    newest, before = (await connection.execute(select(event).order_by(
                        event.c.id.desc()).limit(2))).all()
                    await connection.execute(event.delete().where(event.c.id == newest.id))
                    await connection.execute(update(chain_head).values(
                        last_event_id=before.id, last_hash=before.hash))
                return kept
        finally:
            await database.dispose()

    kept = asyncio.run(in_database(rewind=False))
    code, out, err = _invoke("verify", "--head", kept)
    assert (code, err) == (0, "") and texts.VERIFY_HEAD_HOLDS in out
    asyncio.run(in_database(rewind=True))
    assert _invoke("verify")[0] == 0  # a tail cut cleanly: only a kept head can tell
    code, out, err = _invoke("verify", "--head", kept)
    assert code == 1 and out == "" and texts.VERIFY_HEAD_MISSING in err
