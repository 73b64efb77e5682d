"""A press's statements on asyncpg directly, and the write batches' own transactions (issue 23)."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from core.roles import Role
from storage import db as storage_db
from storage import meeting_attendance, meetings, org
from storage.db import BatchRolledBack, Database
from storage.prepared import DRIVER
from storage.schema import (
    chat_binding,
    chat_identity,
    household,
    meeting_checkin,
    person,
    township,
)
from tests.conftest import insert_homestead, township_names

NOW = datetime(2026, 11, 5, 11, 0, tzinfo=UTC)


async def _one_homestead(database: Database) -> int:
    """A 屋场 with one household, its 屋场长 bound on the console, its group bound; the meeting."""
    async with database.write() as connection:
        await insert_homestead(connection)
        await connection.execute(insert(household).values(id=1, homestead_id=1, number=3,
                                                          at_home=True))
        await connection.execute(insert(person).values(
            id=1, code="P01", name="张屋长", role="head", township_id=1, village_id=1,
            age=52, party_member=True, homestead_id=1, household_id=1, phone="13800000001"))
        await connection.execute(insert(chat_identity).values(
            channel="console", external_user_id="P01", person_id=1, bound_at=NOW))
        await connection.execute(insert(chat_binding).values(
            channel="console", external_chat_id="hs:1", homestead_id=1, bound_at=NOW))
        meeting_id = await meetings.create(connection, homestead_id=1, starts_at=NOW,
                                           place="祠堂", topic="修路",
                                           status=meetings.SCHEDULED, created_by=1, now=NOW)
        await meetings.set_status(connection, meeting_id, meetings.OPEN, opened_at=NOW,
                                  resident_households=1)
    return meeting_id


async def test_a_press_reads_and_writes_the_same_on_asyncpg_as_through_sqlalchemy(
        database: Database) -> None:
    meeting_id = await _one_homestead(database)
    async with database.read() as connection:  # through SQLAlchemy on both databases
        assert DRIVER not in connection.info
        through_sqlalchemy = await org.sender_and_group(connection, "console", "P01", "hs:1")
        strangers = await org.sender_and_group(connection, "console", "P99", "hs:9")
    async with database.write() as connection:  # on the driver directly
        assert DRIVER in connection.info
        assert await org.sender_and_group(connection, "console", "P01", "hs:1") \
            == through_sqlalchemy
        assert await org.sender_and_group(connection, "console", "P99", "hs:9") \
            == strangers == (None, None)
        shown = await meeting_attendance.check_in(connection, meeting_id, 1, 1, 1, NOW)
    sender, group = through_sqlalchemy
    assert sender is not None and group is not None
    assert (sender.code, sender.role, sender.household, sender.homestead) \
        == ("P01", Role.HEAD, 3, "枫树湾")
    assert (group.full_name, group.grid) == ("金竹村枫树湾", "东片网格")
    assert shown is not None
    found, households, persons = shown
    # The timestamps come back aware, in UTC, as through SQLAlchemy's column types.
    assert (found.starts_at, found.opened_at, households, persons) == (NOW, NOW, 1, 1)
    async with database.read() as connection:
        assert await meeting_attendance.with_presence(connection, meeting_id) == shown
        # Written as naive UTC, as SQLAlchemy's column type writes and reads it everywhere.
        assert await connection.scalar(select(meeting_checkin.c.at)) == NOW


async def test_a_writer_cancelled_half_way_leaves_no_transaction_open(
        database: Database) -> None:
    inside = asyncio.Event()

    async def stuck_writer() -> None:
        async with database.write() as connection:
            await connection.execute(insert(township).values(name="撤销镇"))
            inside.set()
            await asyncio.Event().wait()

    async def writer() -> None:
        await inside.wait()
        async with database.write() as connection:
            await connection.execute(insert(township).values(name="留下镇"))

    stuck = asyncio.create_task(stuck_writer())
    follower = asyncio.create_task(writer())
    await inside.wait()
    stuck.cancel()
    await asyncio.gather(stuck, follower, return_exceptions=True)
    assert stuck.cancelled() and follower.exception() is None
    assert await township_names(database) == ["留下镇"]
    if not database.is_sqlite:
        assert await _settled(database) == 0


@pytest.fixture
def postgres(database: Database) -> Database:
    if database.is_sqlite:
        pytest.skip("PostgreSQL's connections only")
    return database


async def _idle_in_transaction(database: Database) -> int:
    async with database.read() as connection:
        return int(await connection.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()")) or 0)


async def _settled(database: Database) -> int:
    """Connections left in a transaction once the batches' commits on their way are through."""
    for _ in range(50):
        if (left := await _idle_in_transaction(database)) == 0:
            break
        await asyncio.sleep(0.02)
    return left


async def _terminate_all(database: Database) -> int:
    """End every connection to the database, as a restart of the server would."""
    import asyncpg

    outside = await asyncpg.connect(database.url.set(drivername="postgresql").render_as_string(
        hide_password=False))
    try:
        return len(await outside.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    finally:
        await outside.close()


async def test_a_write_whose_link_is_cut_fails_alone_and_the_next_one_works(
        postgres: Database) -> None:
    with pytest.raises(DBAPIError):
        async with postgres.write() as connection:
            await connection.execute(insert(township).values(name="断线镇"))
            await connection.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
    async with postgres.write() as connection:
        await connection.execute(insert(township).values(name="接上镇"))
    assert await township_names(postgres) == ["接上镇"]
    assert await _settled(postgres) == 0


async def test_a_pooled_connection_idle_through_a_restart_is_replaced(
        postgres: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("一镇", "二镇"):  # two connections in the pool: the write's and a read's
        async with postgres.write() as connection:
            await connection.execute(insert(township).values(name=name))
    async with postgres.read() as reading, postgres.write() as writing:
        assert await reading.scalar(text("SELECT 1")) == 1
        await writing.execute(insert(township).values(name="三镇"))
    assert await _terminate_all(postgres) == 2
    monkeypatch.setattr(storage_db, "PING_AFTER_IDLE_S", 0.0)  # every one counts as idle
    async with postgres.write() as connection:
        await connection.execute(insert(township).values(name="四镇"))
    assert set(await township_names(postgres)) == {"一镇", "二镇", "三镇", "四镇"}


async def test_a_link_cut_under_a_statement_sent_directly_is_not_pooled_again(
        postgres: Database) -> None:
    await _one_homestead(postgres)
    with pytest.raises(DBAPIError):
        async with postgres.write() as connection:
            await connection.execute(insert(township).values(name="断线镇"))
            assert await _terminate_all(postgres) == 1
            await org.sender_and_group(connection, "console", "P01", "hs:1")  # on asyncpg
    for name in ("接上镇", "再接镇"):  # the pool hands out live connections only
        async with postgres.write() as connection:
            await connection.execute(insert(township).values(name=name))
    assert set(await township_names(postgres)) == {"金溪镇", "接上镇", "再接镇"}


async def test_writers_cancelled_at_any_step_leave_no_transaction_behind(
        postgres: Database) -> None:
    async def write(name: str) -> None:
        async with postgres.write() as connection:
            await connection.execute(insert(township).values(name=name))

    for turn in range(40):  # cancelled while BEGIN, a savepoint, a statement is on its way
        writers = [asyncio.create_task(write(f"镇{turn}-{number}")) for number in range(3)]
        for _ in range(turn % 8):
            await asyncio.sleep(0)
        writers[turn % 3].cancel()
        await asyncio.gather(*writers, return_exceptions=True)
        assert await _settled(postgres) == 0, f"turn {turn}: a pooled connection is in one"
    for number in range(2 * storage_db.POSTGRES_LANES):  # every pooled connection writes
        await write(f"后{number}")
    assert {f"后{number}" for number in range(8)} <= set(await township_names(postgres))


async def test_a_commit_that_postgresql_turns_into_a_rollback_fails_its_writers(
        postgres: Database) -> None:
    with pytest.raises(BatchRolledBack):
        async with postgres.write() as connection:
            await connection.execute(insert(township).values(name="金溪镇"))
            with suppress(IntegrityError):  # swallowed: the transaction has failed
                await connection.execute(insert(township).values(name="金溪镇"))
    assert await township_names(postgres) == []


async def _one_lane(postgres: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The same database through one write lane, so that writers queue behind its batches."""
    monkeypatch.setattr(storage_db, "POSTGRES_LANES", 1)
    return Database(postgres.url.render_as_string(hide_password=False))


async def test_writers_queued_behind_a_batch_go_on_in_the_next_on_its_connection(
        postgres: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    database = await _one_lane(postgres, monkeypatch)
    inside = [asyncio.Event() for _ in range(4)]

    async def write(wave: int, number: int) -> tuple[int, int]:
        async with database.write() as connection:
            await connection.execute(insert(township).values(name=f"镇{wave}-{number}"))
            found = (await connection.execute(
                text("SELECT pg_backend_pid(), txid_current()"))).one()
            inside[wave].set()
            return found[0], found[1]

    writers = []
    try:
        for wave in range(4):  # each wave queues behind the batch of the one before
            writers += [asyncio.create_task(write(wave, number)) for number in range(2)]
            await inside[wave].wait()
        seen = await asyncio.gather(*writers)
        assert await _settled(postgres) == 0  # checked before dispose() closes the pool
    finally:
        await database.dispose()
    assert len({transaction for _, transaction in seen}) == 4  # a batch per wave
    # The lane's connection went on from batch to batch: COMMIT and BEGIN in one round trip.
    assert len({backend for backend, _ in seen}) == 1
    assert len(await township_names(postgres)) == 8


async def test_a_failed_batch_with_writers_queued_behind_fails_its_writers_alone(
        postgres: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    database = await _one_lane(postgres, monkeypatch)
    inside = asyncio.Event()

    async def failing() -> None:
        async with database.write() as connection:
            await connection.execute(insert(township).values(name="金溪镇"))
            with suppress(IntegrityError):  # swallowed: the transaction has failed
                await connection.execute(insert(township).values(name="金溪镇"))
            inside.set()
            for _ in range(5):  # the followers queue behind this batch's closer
                await asyncio.sleep(0)

    async def follower(name: str) -> None:
        async with database.write() as connection:
            await connection.execute(insert(township).values(name=name))

    try:
        failed = asyncio.create_task(failing())
        await inside.wait()
        followers = [asyncio.create_task(follower(name)) for name in ("一镇", "二镇")]
        with pytest.raises(BatchRolledBack):
            await failed
        await asyncio.gather(*followers)
        assert await _settled(postgres) == 0  # checked before dispose() closes the pool
    finally:
        await database.dispose()
    assert await township_names(postgres) == ["一镇", "二镇"]
