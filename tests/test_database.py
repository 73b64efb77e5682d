"""The database layer on SQLite: statements on the loop inside writes, group commit."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import sqlite_driver
from storage.db import Database
from storage.schema import grid, township
from tests.conftest import township_names


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """This module's tests are of SQLite alone."""
    return sqlite_url


async def _thread_of_statement(connection: AsyncConnection) -> int:
    raw = (await connection.get_raw_connection()).driver_connection
    assert isinstance(raw, sqlite_driver.Connection)
    raw.database.create_function("thread_id", 0, threading.get_ident)
    return int(await connection.scalar(text("SELECT thread_id()")))


async def test_write_statements_run_on_the_loop_and_reads_on_the_driver_thread(
        database: Database) -> None:
    async with database.write() as connection:
        assert await _thread_of_statement(connection) == threading.get_ident()
    async with database.read() as connection:
        assert await _thread_of_statement(connection) != threading.get_ident()


async def test_results_longer_than_the_first_fetch_arrive_whole(database: Database) -> None:
    names = [f"镇{number:04d}" for number in range(sqlite_driver.FIRST_FETCH * 3 + 7)]
    async with database.write() as connection:
        await connection.execute(insert(township), [{"name": name} for name in names])
    assert await township_names(database) == names
    async with database.read() as connection:
        streamed = [row.name async for row in await connection.stream(
            select(township.c.name).order_by(township.c.name))]
        first = (await connection.execute(select(township.c.name).order_by(
            township.c.name))).first()
    assert streamed == names and first is not None and first.name == names[0]


async def test_writers_queued_together_share_a_commit_and_fail_alone(
        database: Database) -> None:
    begins: list[object] = []
    event.listen(database.write_engine.sync_engine, "begin", begins.append)

    async def writer(number: int) -> None:
        async with database.write() as connection:
            await connection.execute(insert(township).values(name=f"镇{number}"))
            await asyncio.sleep(0)
            if number == 2:
                raise ValueError("this writer changes its mind")

    results = await asyncio.gather(*(writer(number) for number in range(6)),
                                   return_exceptions=True)
    assert [type(result) for result in results].count(ValueError) == 1
    assert await township_names(database) == ["镇0", "镇1", "镇3", "镇4", "镇5"]
    assert 0 < len(begins) < 6  # fewer transactions than writers


async def test_a_failed_commit_fails_every_writer_of_its_batch(database: Database) -> None:
    async def dangling() -> None:
        async with database.write() as connection:
            # Checked only at COMMIT: the batch's commit fails, not this statement.
            await connection.execute(text("PRAGMA defer_foreign_keys = ON"))
            await connection.execute(insert(grid).values(township_id=999, name="无主网格"))

    async def sound() -> None:
        async with database.write() as connection:
            await connection.execute(insert(township).values(name="金溪镇"))

    results = await asyncio.gather(dangling(), sound(), return_exceptions=True)
    assert [type(result) for result in results] == [IntegrityError, IntegrityError]
    assert await township_names(database) == []
    async with database.write() as connection:  # the next writer starts afresh
        await connection.execute(insert(township).values(name="金溪镇"))
    async with database.read() as connection:
        assert await connection.scalar(select(func.count()).select_from(grid)) == 0
    assert await township_names(database) == ["金溪镇"]


async def test_reads_after_writes_do_not_take_the_write_lock(database: Database,
                                                             sqlite_url: str) -> None:
    other = sqlite3.connect(sqlite_url.removeprefix("sqlite+aiosqlite:///"), timeout=0)
    try:
        for number in range(3):
            async with database.write() as connection:
                await connection.execute(insert(township).values(name=f"镇{number}"))
            async with database.read() as connection:
                await connection.scalar(select(func.count()).select_from(township))
                other.execute("BEGIN IMMEDIATE")  # fails at once if the read held the lock
                other.execute("ROLLBACK")
    finally:
        other.close()
