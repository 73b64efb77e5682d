"""The async engine: SQLite (one file, WAL) by default, PostgreSQL with the same code."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import sqlite3
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
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncTransaction,
    create_async_engine,
)

from storage import sqlite_driver

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
_WRITE_FLAG = "wuchang_write"
POSTGRES_LANES = 4  # write transactions of one process open at once on PostgreSQL
# pg_advisory_xact_lock key of migrations: every worker upgrading one PostgreSQL database
# waits on it, so the schema is upgraded once ("wuchang" in ASCII, as a bigint).
MIGRATION_LOCK_KEY = 0x77756368616E67


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
    ``postgres`` asyncpg's: the savepoints bypass SQLAlchemy, which does not track them.
    """

    connection: AsyncConnection
    transaction: AsyncTransaction
    raw: sqlite_driver.Connection | None
    postgres: Any  # asyncpg's connection: savepoints in one round trip (simple protocol)
    committed: asyncio.Future[None]
    fresh: bool = True  # its first writer's savepoint is taken


@dataclass(slots=True)
class _Lane:
    """One line of writers taking turns, with the batch they share and its closer."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    batch: _Batch | None = None
    closer: asyncio.Task[None] | None = None
    waiting: int = 0  # writers queued or writing


class Database:
    """One database: hands out read and write transactions and applies migrations."""

    def __init__(self, url: str, *, pool_size: int = 20) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        options: dict[str, Any] = {}
        if not self.is_sqlite:
            options = {"pool_size": pool_size, "pool_pre_ping": True}
        else:
            arguments, keywords = SQLiteDialect_aiosqlite().create_connect_args(self.url)

            async def connect() -> sqlite_driver.Connection:
                return await sqlite_driver.connect(*arguments, **keywords)

            options = {"async_creator": connect}
        self.engine: AsyncEngine = create_async_engine(url, **options)
        # SQLite has one writer at a time; PostgreSQL's lanes write at once, each a batch.
        self._lanes = [_Lane() for _ in range(1 if self.is_sqlite else POSTGRES_LANES)]
        if self.is_sqlite:
            _configure_sqlite(self.engine)

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
            await batch.postgres.execute("ROLLBACK TO SAVEPOINT wuchang_unit")
            raise

    async def _open_batch(self, lane: _Lane) -> _Batch:
        """Begin the write transaction the next writers share; its closer queues behind them."""
        connection = await self.engine.connect()
        connection.info[_WRITE_FLAG] = True
        raw: sqlite_driver.Connection | None = None
        postgres: Any = None
        try:
            transaction = await connection.begin()
            driver = (await connection.get_raw_connection()).driver_connection
            if self.is_sqlite:
                assert isinstance(driver, sqlite_driver.Connection)
                raw = driver
            else:  # through SQLAlchemy, so that its transaction has begun
                await connection.exec_driver_sql("SAVEPOINT wuchang_unit")
                postgres = driver
        except BaseException:
            await connection.close()
            raise
        finally:
            # The flag lives with the pooled connection: a later read there is a plain BEGIN.
            connection.info.pop(_WRITE_FLAG, None)
        if raw is not None:
            raw.inline = True  # BEGIN IMMEDIATE holds the lock: see storage.sqlite_driver
        batch = _Batch(connection, transaction, raw, postgres,
                       asyncio.get_running_loop().create_future())
        lane.batch = batch
        lane.closer = asyncio.get_running_loop().create_task(self._close_batch(lane, batch))
        return batch

    async def _close_batch(self, lane: _Lane, batch: _Batch) -> None:
        """Commit the batch once the writers that were queued when it began are through."""
        async with lane.lock:
            lane.batch = None
            if batch.raw is not None:
                batch.raw.inline = False
            try:
                await batch.transaction.commit()
            except Exception as error:
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
                raise
            else:
                batch.committed.set_result(None)
            finally:
                await batch.connection.close()

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
        await asyncio.gather(*(lane.closer for lane in self._lanes if lane.closer is not None),
                             return_exceptions=True)
        await self.engine.dispose()


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
