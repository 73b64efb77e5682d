"""The contract storage.sqlite_driver keeps with SQLAlchemy and aiosqlite (issue 23).

The driver uses only public interfaces: aiosqlite's ``Connection`` constructor and its
cursor contract, sqlite3, and SQLAlchemy's ``async_creator``. These tests go through
SQLAlchemy the way the application does, so an upgrade of SQLAlchemy or aiosqlite (both
pinned to the tested minor range in pyproject.toml) that changes what the adapter asks
of a connection or cursor fails here first.
"""

from __future__ import annotations

import aiosqlite
import pytest
from sqlalchemy import false, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import sqlite_driver
from storage.db import Database
from storage.schema import township


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """This module's tests are of SQLite alone."""
    return sqlite_url


async def _driver(connection: AsyncConnection) -> sqlite_driver.Connection:
    raw = (await connection.get_raw_connection()).driver_connection
    assert isinstance(raw, sqlite_driver.Connection)
    assert isinstance(raw, aiosqlite.Connection)  # what SQLAlchemy's dialect expects
    return raw


async def test_rows_counts_ids_and_empty_results_come_through(database: Database) -> None:
    async with database.write() as connection:
        added = await connection.execute(insert(township).values(name="金溪镇"))
        assert added.inserted_primary_key is not None
        assert added.inserted_primary_key[0] >= 1
        await connection.execute(insert(township), [{"name": "石门镇"}, {"name": "太平镇"}])
        changed = await connection.execute(update(township).values(name=township.c.name + "!")
                                           .where(township.c.name != "金溪镇"))
        assert changed.rowcount == 2
    async with database.read() as connection:
        assert (await connection.execute(select(township).where(false()))).first() is None
        assert await connection.scalar(select(township.c.id).where(false())) is None
        assert await connection.scalar(select(func.count()).select_from(township)) == 3
        names = (await connection.scalars(select(township.c.name).order_by(township.c.name)))
        assert sorted(names) == sorted(["金溪镇", "石门镇!", "太平镇!"])


async def test_errors_are_sqlalchemy_errors_and_undo_only_their_writer(
        database: Database) -> None:
    async with database.write() as connection:
        await connection.execute(insert(township).values(id=1, name="金溪镇"))
    with pytest.raises(IntegrityError):
        async with database.write() as connection:
            await connection.execute(insert(township).values(id=1, name="又一个"))
    async with database.read() as connection:
        assert list(await connection.scalars(select(township.c.name))) == ["金溪镇"]


async def test_inline_inside_writes_one_trip_per_statement_outside(database: Database) -> None:
    async with database.write() as connection:
        raw = await _driver(connection)
        before = raw.trips
        for number in range(5):
            await connection.execute(insert(township).values(name=f"镇{number}"))
        assert raw.trips == before  # no statement left the event loop's thread
    async with database.read() as connection:
        raw = await _driver(connection)
        before = raw.trips
        for _ in range(3):
            await connection.scalar(select(func.count()).select_from(township))
        assert raw.trips - before == 3  # execute and fetch in one trip each


async def test_a_cursor_is_awaitable_and_a_context_manager_as_aiosqlite_s_is(
        sqlite_url: str) -> None:
    connection = await sqlite_driver.connect(sqlite_url.removeprefix("sqlite+aiosqlite:///"),
                                             isolation_level=None)
    try:
        cursor = await connection.cursor()
        await cursor.execute("SELECT 1 UNION ALL SELECT 2")
        assert await cursor.fetchone() == (1,)
        assert await cursor.fetchall() == [(2,)]
        async with connection.cursor() as managed:
            await managed.execute("SELECT ?", (3,))
            assert [row async for row in managed] == [(3,)]
    finally:
        await connection.close()
    assert connection.sqlite is None
