"""The async engine: SQLite (one file, WAL) by default, PostgreSQL with the same code."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing, suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event, inspect, text
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncTransaction,
    create_async_engine,
)

from storage import sqlite_driver
from storage.prepared import DRIVER

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
_WRITE_FLAG = "wuchang_write"
POSTGRES_LANES = 4  # write transactions of one process open at once on PostgreSQL
PING_AFTER_IDLE_S = 1.0  # a PostgreSQL connection idle this long is tested before use
_IDLE_SINCE = "wuchang_idle_since"
# One round trip ends a PostgreSQL batch and begins the next (Database._commit).
_COMMIT_AND_BEGIN = "SELECT 1; COMMIT; BEGIN; SAVEPOINT wuchang_unit"
_IN_FAILED_TRANSACTION = "25P02"  # SQLSTATE in_failed_sql_transaction
# pg_advisory_xact_lock key of migrations: every worker upgrading one PostgreSQL database
# waits on it, so the schema is upgraded once ("wuchang" in ASCII, as a bigint).
MIGRATION_LOCK_KEY = 0x77756368616E67


class BatchRolledBack(Exception):
    """PostgreSQL rolled a write batch back at its COMMIT: its transaction had failed."""


class SchemaTooNew(Exception):
    """The database was upgraded by a newer wuchang: this code does not know its revision."""

    def __init__(self, found: str) -> None:
        super().__init__(found)
        self.found = found


@dataclass(slots=True)
class _Batch:
    """Group commit: one write transaction shared by writers queued together.

    A trip through ``BEGIN`` and ``COMMIT`` costs more than a button press's statements
    (issue 8's burst on SQLite, issue 23's on PostgreSQL), so the writer that finds no
    transaction open begins one and queues its closer on the write lock; the writers
    already waiting for the lock run in it one after another, each inside its own
    savepoint, so one writer's error undoes only its own changes. The closer commits, and
    each writer whose block ended without error returns from ``Database.write`` only
    then, with the commit's error if it failed. ``raw`` is the SQLite driver connection,
    ``postgres`` asyncpg's: the savepoints bypass SQLAlchemy, which does not track them,
    and on PostgreSQL so do ``BEGIN`` (sent with the first savepoint in one round trip)
    and ``COMMIT``, on a connection SQLAlchemy's driver keeps in autocommit.
    """

    connection: AsyncConnection
    transaction: AsyncTransaction | None  # SQLite's; PostgreSQL's is the batch's own
    raw: sqlite_driver.Connection | None
    postgres: Any  # asyncpg's connection: BEGIN, savepoints, COMMIT (simple protocol)
    committed: asyncio.Future[None]
    fresh: bool = True  # its first writer's savepoint is taken


@dataclass(slots=True)
class _Lane:
    """One line of writers taking turns, with the batch they share and its closer."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    batch: _Batch | None = None
    closers: set[asyncio.Task[None]] = field(default_factory=set)  # batches not yet ended
    waiting: int = 0  # writers queued or writing


class Database:
    """One database: hands out read and write transactions and applies migrations."""

    def __init__(self, url: str, *, pool_size: int = 20) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        options: dict[str, Any] = {}
        if not self.is_sqlite:
            options = {"pool_size": pool_size}
        else:
            arguments, keywords = SQLiteDialect_aiosqlite().create_connect_args(self.url)

            async def connect() -> sqlite_driver.Connection:
                return await sqlite_driver.connect(*arguments, **keywords)

            options = {"async_creator": connect}
        self.engine: AsyncEngine = create_async_engine(url, **options)
        # Write batches take their connections from here. On PostgreSQL it is an engine of
        # its own in autocommit: a batch sends its own BEGIN and COMMIT (see _Batch).
        self.write_engine = self.engine if self.is_sqlite else create_async_engine(
            url, pool_size=2 * POSTGRES_LANES, isolation_level="AUTOCOMMIT")
        # SQLite has one writer at a time; PostgreSQL's lanes write at once, each a batch.
        self._lanes = [_Lane() for _ in range(1 if self.is_sqlite else POSTGRES_LANES)]
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        else:
            _ping_when_idle(self.engine)
            _ping_when_idle(self.write_engine)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """Open a transaction that will write; committed on success, rolled back on error.

        The block's changes are committed when the ``async with`` ends without error, and
        nothing of them is kept when it raises. Writers of this process take turns, and
        those that queue up meanwhile share one commit (see ``_Batch``). On SQLite the
        transaction takes the write lock at BEGIN (``BEGIN IMMEDIATE``), so it never fails
        half-way for a lock another process holds. On PostgreSQL the writer joins the
        least busy of ``POSTGRES_LANES`` lanes, so that a round trip's wait is not every
        writer's.
        """
        lane = min(self._lanes, key=lambda lane: lane.waiting)
        lane.waiting += 1
        try:
            async with lane.lock:
                batch = lane.batch or await self._open_batch(lane)
                async with self._unit(batch) as connection:
                    yield connection
        finally:
            lane.waiting -= 1
        await asyncio.shield(batch.committed)

    @asynccontextmanager
    async def _unit(self, batch: _Batch) -> AsyncIterator[AsyncConnection]:
        """One writer's part of a batch, in its own savepoint."""
        if batch.raw is not None:
            raw = batch.raw.database
            raw.execute("SAVEPOINT wuchang_unit")
            try:
                yield batch.connection
            except BaseException:
                raw.execute("ROLLBACK TO wuchang_unit")
                raw.execute("RELEASE wuchang_unit")
                raise
            raw.execute("RELEASE wuchang_unit")
            return
        if batch.fresh:  # the savepoint was taken when the batch began
            batch.fresh = False
        else:  # one round trip: the previous writer's savepoint gives way to ours
            await batch.postgres.execute("RELEASE SAVEPOINT wuchang_unit; SAVEPOINT wuchang_unit")
        try:
            yield batch.connection
        except BaseException:
            try:
                await batch.postgres.execute("ROLLBACK TO SAVEPOINT wuchang_unit")
            except Exception as error:  # the link is lost: the writer's own error says more
                logger.info("a writer's savepoint could not be rolled back: %s", error)
            raise

    async def _open_batch(self, lane: _Lane) -> _Batch:
        """Begin the write transaction the next writers share; its closer queues behind them."""
        connection = await self.write_engine.connect()
        connection.info[_WRITE_FLAG] = True
        raw: sqlite_driver.Connection | None = None
        postgres: Any = None
        transaction: AsyncTransaction | None = None
        try:
            if self.is_sqlite:
                transaction = await connection.begin()
                driver = (await connection.get_raw_connection()).driver_connection
                assert isinstance(driver, sqlite_driver.Connection)
                raw = driver
                connection.info[DRIVER] = raw  # storage.prepared runs on it directly
            else:  # the transaction's BEGIN and first savepoint in one round trip
                postgres = (await connection.get_raw_connection()).driver_connection
                await postgres.execute("BEGIN; SAVEPOINT wuchang_unit")
                connection.info[DRIVER] = postgres  # storage.prepared runs on it directly
        except BaseException:
            # Whether the server ran the BEGIN is not known: a PostgreSQL connection goes.
            await _hand_back(connection, postgres, unsure=True)
            raise
        finally:
            # The flag lives with the pooled connection: a later read there is a plain BEGIN.
            connection.info.pop(_WRITE_FLAG, None)
        if raw is not None:
            raw.inline = True  # BEGIN IMMEDIATE holds the lock: see storage.sqlite_driver
        return self._queue(lane, _Batch(connection, transaction, raw, postgres,
                                        asyncio.get_running_loop().create_future()))

    def _queue(self, lane: _Lane, batch: _Batch) -> _Batch:
        """Make ``batch`` the lane's open one, its closer queued behind the writers waiting."""
        lane.batch = batch
        closer = asyncio.get_running_loop().create_task(self._close_batch(lane, batch))
        lane.closers.add(closer)
        closer.add_done_callback(lane.closers.discard)
        return batch

    async def _close_batch(self, lane: _Lane, batch: _Batch) -> None:
        """Commit the batch once the writers that were queued when it began are through."""
        async with lane.lock:
            lane.batch = None
            if batch.raw is not None:  # SQLite: the file's one write lock is held till COMMIT
                batch.raw.inline = False
                await self._commit(batch)
                return
            if lane.waiting:  # PostgreSQL with writers queued behind: the next batch goes on
                await self._commit(batch, going_on=lane)
                return
        # PostgreSQL: a writer coming meanwhile begins the next batch while this COMMIT waits.
        await self._commit(batch)

    async def _commit(self, batch: _Batch, going_on: _Lane | None = None) -> None:
        """End a batch: commit, tell its writers how that went, hand its connection back.

        With ``going_on`` (PostgreSQL, writers queued in that lane) the lane's next batch
        begins on the same connection in the same round trip (``_COMMIT_AND_BEGIN``),
        without the round trips of a pooled connection's checkout, ``BEGIN`` and return.
        Its ``SELECT`` fails in a failed transaction, which the ``COMMIT`` would roll back
        without an error, and the statements after a failed one are not run; on any
        failure the connection is handed back and the writers queued begin a batch anew.
        """
        unsure = kept = False
        try:
            if batch.transaction is not None:
                await batch.transaction.commit()
            elif going_on is not None:
                await batch.postgres.execute(_COMMIT_AND_BEGIN)
            elif await batch.postgres.execute("COMMIT") != "COMMIT":
                # PostgreSQL answers a COMMIT of a failed transaction (a writer cancelled
                # before its savepoint was rolled back) with ROLLBACK, and no error.
                raise BatchRolledBack
        except Exception as error:
            if getattr(error, "sqlstate", None) == _IN_FAILED_TRANSACTION:
                error = BatchRolledBack()  # the SELECT before the COMMIT failed
            batch.committed.set_exception(error)
            # Awaited by no one when every writer of the batch failed or was cancelled.
            batch.committed.exception()
            # SQLite keeps the transaction open when COMMIT fails, and SQLAlchemy's
            # pool does not reset a connection whose commit it attempted.
            if batch.raw is not None:
                with suppress(Exception):
                    await batch.raw.rollback()
        except BaseException:
            batch.committed.cancel()
            unsure = True
            raise
        else:
            batch.committed.set_result(None)
            if going_on is not None:  # the connection goes on with the lane's next batch
                kept = True
                self._queue(going_on, _Batch(batch.connection, None, None, batch.postgres,
                                             asyncio.get_running_loop().create_future()))
        finally:
            if not kept:
                await _hand_back(batch.connection, batch.postgres, unsure=unsure)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """Open a read-only transaction with a consistent snapshot."""
        async with self.engine.connect() as connection, connection.begin():
            yield connection

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite database's file, or None for PostgreSQL and an in-memory database."""
        return sqlite_file(self.url.render_as_string(hide_password=False))

    @property
    def safe_url(self) -> str:
        """The URL to show people: never with its password."""
        return self.url.render_as_string(hide_password=True)

    async def migrate(self) -> Path | None:
        """Bring the schema up to the newest migration once; return where the old file went.

        Several workers may start together: on PostgreSQL the upgrade runs under a
        transaction-scoped advisory lock, on SQLite under an exclusive lock on a file next
        to the database, so one upgrades and the others then find the schema current.
        Before a SQLite file with an older schema is upgraded, a consistent copy of it is
        put aside (``wuchang.db.0011.bak``) and its path returned; SchemaTooNew when the
        database's revision is newer than this code knows.
        """
        path = self.sqlite_path
        if path is None:
            async with self.write() as connection:
                if not self.is_sqlite:
                    await connection.exec_driver_sql(
                        f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
                await connection.run_sync(_upgrade)
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.with_name(path.name + ".lock").open("a") as lock:
            await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)
            try:
                found = await self.schema_version()
                aside = None
                if found is not None and found != head_revision():
                    known_revision(found)
                    aside = path.with_name(f"{path.name}.{found}.bak")
                    await asyncio.to_thread(copy_sqlite, path, aside)
                    logger.info("copied %s aside to %s before upgrading it", path, aside)
                async with self.write() as connection:
                    await connection.run_sync(_upgrade)
                return aside
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    async def schema_version(self) -> str | None:
        """Return the applied migration revision, or None on an empty database.

        Read from alembic's table directly: ``MigrationContext`` logs two INFO lines each
        time, and /healthz asks on every probe.
        """
        async with self.read() as connection:
            return await connection.run_sync(_applied_revision)

    async def dispose(self) -> None:
        """Commit the open write batch, if any, and close every pooled connection."""
        # A closer may queue the next batch's: wait until none is left.
        while closers := [closer for lane in self._lanes for closer in lane.closers]:
            await asyncio.gather(*closers, return_exceptions=True)
        await self.engine.dispose()
        if self.write_engine is not self.engine:
            await self.write_engine.dispose()


async def _hand_back(connection: AsyncConnection, postgres: Any, *,
                     unsure: bool = False) -> None:
    """Return a write batch's connection to the pool, or drop it if its state is unknown.

    On PostgreSQL the batch began its transaction itself: the pool's reset on return
    would not end it, so a connection that may still be in it is closed instead of being
    handed to the next user. That is one ``unsure`` of its state (cancelled while a
    BEGIN or COMMIT was on its way: asyncpg learns the server's state from the reply),
    one still in a transaction, and one whose link was lost while asyncpg ran a
    statement directly (``storage.prepared``), which SQLAlchemy did not see.
    """
    if not connection.invalidated:  # a lost link: SQLAlchemy has dropped it already
        connection.info.pop(DRIVER, None)
        if postgres is not None and (unsure or postgres.is_closed()
                                     or postgres.is_in_transaction()):
            await connection.invalidate()
    await connection.close()


def _applied_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if found is None else str(found)


@cache
def head_revision() -> str:
    """Return the newest migration revision shipped with this code."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, or None for PostgreSQL and an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database)).expanduser()


def known_revision(found: str) -> None:
    """Raise SchemaTooNew unless ``found`` is a revision shipped with this code."""
    script = ScriptDirectory.from_config(_alembic_config())
    if found not in {revision.revision for revision in script.walk_revisions()}:
        raise SchemaTooNew(found)


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database consistently with SQLite's online backup API."""
    with closing(sqlite3.connect(source)) as reading, \
            closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection: Connection) -> None:
    found = _applied_revision(connection)
    if found is not None:
        known_revision(found)
    config = _alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Test a pooled connection before use only when it sat idle (PostgreSQL).

    SQLAlchemy's ``pool_pre_ping`` costs a round trip at every checkout, one per write
    batch in a burst (issue 23); a connection handed back a moment ago is as good as
    when it was handed back. One that sat longer, through a restart of the server
    perhaps, is tested, and the pool replaces it when the test fails.
    """
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "connect")
    @event.listens_for(pool, "checkin")
    def _on_idle(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_IDLE_SINCE, 0.0) < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError("a pooled connection failed its test") from error


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so BEGIN can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.info.get(_WRITE_FLAG, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
