"""The async engine: SQLite (one file, WAL) by default, PostgreSQL with the same code."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event
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


@dataclass(slots=True)
class _Batch:
    """Group commit: one write transaction shared by writers queued together.

    A trip through ``BEGIN`` and ``COMMIT`` costs more than a button press's statements
    (issue 8's burst on SQLite, issue 23's on PostgreSQL), so the writer that finds no
    transaction open begins one and queues its closer on the write lock; the writers
    already waiting for the lock run in it one after another, each inside its own
    savepoint, so one writer's error undoes only its own changes. The closer commits, and
    each writer whose block ended without error returns from ``Database.write`` only
    then, with the commit's error if it failed. ``raw`` is the SQLite driver connection
    (None on PostgreSQL, whose savepoints go through SQLAlchemy).
    """

    connection: AsyncConnection
    transaction: AsyncTransaction
    raw: sqlite_driver.Connection | None
    committed: asyncio.Future[None]


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
        self._write_lock = asyncio.Lock()
        self._batch: _Batch | None = None
        self._closer: asyncio.Task[None] | None = None
        if self.is_sqlite:
            _configure_sqlite(self.engine)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """Open a transaction that will write; committed on success, rolled back on error.

        The block's changes are committed when the ``async with`` ends without error, and
        nothing of them is kept when it raises. Writers of this process take turns, and
        those that queue up meanwhile share one commit (see ``_Batch``). On SQLite the
        transaction takes the write lock at BEGIN (``BEGIN IMMEDIATE``), so it never fails
        half-way for a lock another process holds.
        """
        async with self._write_lock:
            batch = self._batch or await self._open_batch()
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
            else:
                async with batch.connection.begin_nested():
                    yield batch.connection
        await asyncio.shield(batch.committed)

    async def _open_batch(self) -> _Batch:
        """Begin the write transaction the next writers share; its closer queues behind them."""
        connection = await self.engine.connect()
        connection.info[_WRITE_FLAG] = True
        raw: sqlite_driver.Connection | None = None
        try:
            transaction = await connection.begin()
            if self.is_sqlite:
                found = (await connection.get_raw_connection()).driver_connection
                assert isinstance(found, sqlite_driver.Connection)
                raw = found
        except BaseException:
            await connection.close()
            raise
        finally:
            # The flag lives with the pooled connection: a later read there is a plain BEGIN.
            connection.info.pop(_WRITE_FLAG, None)
        if raw is not None:
            raw.inline = True  # BEGIN IMMEDIATE holds the lock: see storage.sqlite_driver
        batch = _Batch(connection, transaction, raw,
                       asyncio.get_running_loop().create_future())
        self._batch = batch
        self._closer = asyncio.get_running_loop().create_task(self._close_batch(batch))
        return batch

    async def _close_batch(self, batch: _Batch) -> None:
        """Commit the batch once the writers that were queued when it began are through."""
        async with self._write_lock:
            self._batch = None
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

    async def migrate(self) -> None:
        """Bring the schema up to the newest migration; a no-op when it is there."""
        if self.is_sqlite and self.url.database not in (None, "", ":memory:"):
            Path(self.url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        async with self.write() as connection:
            await connection.run_sync(_upgrade)

    async def schema_version(self) -> str | None:
        """Return the applied migration revision, or None on an empty database."""
        async with self.read() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision())

    async def dispose(self) -> None:
        """Commit the open write batch, if any, and close every pooled connection."""
        if self._closer is not None:
            await asyncio.gather(self._closer, return_exceptions=True)
        await self.engine.dispose()


def head_revision() -> str:
    """Return the newest migration revision shipped with this code."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection: Connection) -> None:
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
