"""The hash-chained event log and `wuchang verify`, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from bot.cli import cli
from storage import events
from storage.db import Database
from storage.schema import chain_head, event
from tests.conftest import cli_environment

SMALL_ROSTER = Path(__file__).with_name("roster_small.csv")
AT = datetime(2026, 11, 5, 11, 0, tzinfo=UTC)


async def _append_some(database: Database, count: int = 4) -> list[int]:
    ids = []
    for number in range(count):
        async with database.write() as connection:
            ids.append(await events.append(
                connection, at=AT + timedelta(minutes=number), stream=f"issue:{number % 2}",
                kind="issue.noted", payload={"number": number, "说明": "路灯坏了"},
                channel="console", chat_id="hs:1"))
    return ids


async def _first_broken(database: Database) -> int | None:
    async with database.read() as connection:
        return await events.first_broken(connection)


async def _tamper(database: Database, event_id: int, payload: str) -> None:
    async with database.write() as connection:
        result = await connection.execute(
            text("UPDATE event SET payload = :payload WHERE id = :id"),
            {"payload": payload, "id": event_id})
        assert result.rowcount == 1


async def test_appended_events_chain(database: Database) -> None:
    ids = await _append_some(database)

    async with database.read() as connection:
        rows = (await connection.execute(select(event).order_by(event.c.id))).all()
        head = (await connection.execute(select(chain_head))).one()

    assert [row.id for row in rows] == ids
    assert ids == sorted(ids)
    assert rows[0].prev_hash == events.GENESIS
    for previous, current in pairwise(rows):
        assert current.prev_hash == previous.hash
    assert len({row.hash for row in rows}) == len(rows)
    assert all(re.fullmatch(r"[0-9a-f]{64}", row.hash) for row in rows)
    assert (head.last_event_id, head.last_hash) == (ids[-1], rows[-1].hash)


async def test_stream_events_returns_one_stream_oldest_first(database: Database) -> None:
    ids = await _append_some(database)

    async with database.read() as connection:
        found = await events.stream_events(connection, "issue:1")

    assert [item.id for item in found] == [ids[1], ids[3]]
    assert [item.payload for item in found] == [{"number": 1, "说明": "路灯坏了"},
                                                 {"number": 3, "说明": "路灯坏了"}]
    assert found[0].at == AT + timedelta(minutes=1)
    assert (found[0].kind, found[0].channel, found[0].chat_id) == (
        "issue.noted", "console", "hs:1")


async def test_intact_log_has_nothing_broken(database: Database) -> None:
    assert await _first_broken(database) is None
    await _append_some(database)
    assert await _first_broken(database) is None


async def test_event_at_a_local_time_still_verifies(database: Database) -> None:
    """Storage accepts any aware datetime; the chain must not depend on its offset."""
    local = datetime(2026, 11, 5, 19, 0, 0, 250_000, tzinfo=ZoneInfo("Asia/Shanghai"))
    async with database.write() as connection:
        event_id = await events.append(connection, at=local, stream="s", kind="k",
                                       payload={})

    async with database.read() as connection:
        [stored] = await events.stream_events(connection, "s")
    assert stored.id == event_id
    assert stored.at == local.replace(microsecond=0)
    assert await _first_broken(database) is None


@pytest.mark.parametrize("position", [0, 2, 3])
async def test_tampered_payload_is_found(database: Database, position: int) -> None:
    ids = await _append_some(database)

    await _tamper(database, ids[position], '{"number": 99}')

    assert await _first_broken(database) == ids[position]


async def test_tampered_hash_is_found(database: Database) -> None:
    ids = await _append_some(database)
    async with database.write() as connection:
        await connection.execute(text("UPDATE event SET hash = :hash WHERE id = :id"),
                                 {"hash": "f" * 64, "id": ids[1]})

    assert await _first_broken(database) == ids[1]


async def test_deleted_event_is_found(database: Database) -> None:
    ids = await _append_some(database)
    async with database.write() as connection:
        await connection.execute(text("DELETE FROM event WHERE id = :id"), {"id": ids[1]})

    assert await _first_broken(database) == ids[2]


async def test_dropped_last_event_is_found(database: Database) -> None:
    ids = await _append_some(database)
    async with database.write() as connection:
        await connection.execute(text("DELETE FROM event WHERE id = :id"), {"id": ids[-1]})

    assert await _first_broken(database) == ids[-1]


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _names_id(output: str, event_id: int) -> bool:
    return re.search(rf"(?<!\d){event_id}(?!\d)", output) is not None


def test_verify_cli_passes_then_names_the_tampered_event(
        database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cli_environment(monkeypatch, tmp_path, database_url)
    code, _out, err = _invoke("roster", "import", str(SMALL_ROSTER))
    assert code == 0, err
    code, _out, err = _invoke("roster", "invites", "--renew", "V01", "--renew", "V02")
    assert code == 0, err

    async def ids() -> list[int]:
        database = Database(database_url)
        try:
            async with database.read() as connection:
                return list((await connection.execute(
                    select(event.c.id).order_by(event.c.id))).scalars())
        finally:
            await database.dispose()

    event_ids = asyncio.run(ids())
    assert len(event_ids) == 3

    code, out, err = _invoke("verify")
    assert code == 0, err
    assert "完整" in out
    assert err == ""

    async def tamper() -> None:
        database = Database(database_url)
        try:
            await _tamper(database, event_ids[1], '{"code": "T01"}')
        finally:
            await database.dispose()

    asyncio.run(tamper())
    code, out, err = _invoke("verify")

    assert code == 1
    assert out == ""
    assert _names_id(err, event_ids[1])
    assert not any(_names_id(err, other) for other in event_ids if other != event_ids[1])
    assert "完整" not in err
    assert "Traceback" not in err
