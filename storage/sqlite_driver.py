"""aiosqlite, with fewer trips to a thread; public APIs of aiosqlite and sqlite3 only.

aiosqlite runs every call on one worker thread per connection, and SQLAlchemy's adapter
makes four calls per statement (cursor, execute, fetchall, close). A trip to a thread and
back costs 50-75 µs on the 2-core machine, more than the statement itself, so a button
press spent most of its time handing work between threads (issue 8's burst). Two changes,
both below SQLAlchemy and both through public interfaces (issue 23):

- ``Connection`` is an ``aiosqlite.Connection`` built with its public constructor from a
  connector that keeps our own reference to the ``sqlite3.Connection`` (``sqlite``); it
  overrides only the public ``cursor()``, whose ``Cursor`` keeps aiosqlite's cursor
  contract (awaitable, async context manager, ``execute``/``fetch*``/``close``): execute
  and the first rows' fetch happen in one trip, to a one-thread executor of our own.
- ``Connection.inline``: while a write transaction holds the database's write lock (set by
  ``storage.db.Database.write`` after ``BEGIN IMMEDIATE`` succeeded, cleared before
  ``COMMIT``), statements run on the event loop's thread. Inside such a transaction no
  statement can wait for a lock (WAL readers never block, and the write lock is held), so
  a statement takes microseconds; a long run of them still lets the loop run other
  tasks every ``LOOP_TURN``. ``BEGIN IMMEDIATE``, which may wait for another process,
  and ``COMMIT``, which may checkpoint, still go to aiosqlite's thread, and read
  transactions, which may scan a large table, to the executor.

SQLAlchemy awaits one call at a time per connection, so aiosqlite's thread, the executor
and the loop never use the sqlite3 connection at once (``check_same_thread`` is off).
``tests/test_sqlite_driver.py`` holds the contract SQLAlchemy relies on.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import aiosqlite

FIRST_FETCH = 256  # rows fetched in the trip that executes the statement
LOOP_TURN = 0.02  # seconds of inline statements between two turns of the event loop

_Description = tuple[tuple[str, None, None, None, None, None, None], ...] | None
_T = TypeVar("_T")


class Connection(aiosqlite.Connection):
    """An aiosqlite connection whose statements may run inline (see the module doc)."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        self.sqlite: sqlite3.Connection | None = None  # ours, set when aiosqlite connects
        self.inline = False
        self.trips = 0  # statements' trips to the executor (the contract test counts them)
        self._turn_at = 0.0  # when inline statements last let the event loop run
        self._executor: ThreadPoolExecutor | None = None

        def connect() -> sqlite3.Connection:
            self.sqlite = connector()
            return self.sqlite

        super().__init__(connect, iter_chunk_size=64)

    @property
    def database(self) -> sqlite3.Connection:
        """The sqlite3 connection; an error once closed or before connecting."""
        if self.sqlite is None:
            raise ValueError("Connection closed")
        return self.sqlite

    async def run(self, function: Callable[[], _T]) -> _T:
        """Run ``function`` with the sqlite3 connection: inline, or in one trip."""
        if self.inline:
            # A long write (an import, thousands of outbox rows) must not stall the
            # channels: give the loop a turn every LOOP_TURN seconds.
            if time.monotonic() - self._turn_at > LOOP_TURN:
                await asyncio.sleep(0)
                self._turn_at = time.monotonic()
            return function()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="wuchang-sqlite")
        self.trips += 1
        return await asyncio.get_running_loop().run_in_executor(self._executor, function)

    def cursor(self) -> Cursor:  # type: ignore[override]
        """A cursor that needs no trip to be made (awaitable, as aiosqlite's is)."""
        return Cursor(self)

    async def rollback(self) -> None:
        """Roll back; no trip when no transaction is open (the pool's reset on return)."""
        if self.sqlite is not None and not self.sqlite.in_transaction:
            return
        await super().rollback()

    async def close(self) -> None:
        """Close the connection and the executor's thread."""
        try:
            await super().close()
        finally:
            self.sqlite = None
            if self._executor is not None:
                self._executor.shutdown(wait=False)
                self._executor = None


class Cursor:
    """aiosqlite's cursor contract, one trip per statement (none inline)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._cursor: sqlite3.Cursor | None = None
        self._rows: list[Any] = []
        self.description: _Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    def __await__(self) -> Generator[Any, None, Cursor]:
        """``await connection.cursor()`` gives the cursor, as aiosqlite's does."""
        return self.__aenter__().__await__()

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    def _run(self, sql: str, parameters: Any, many: bool) -> None:
        self._finish()
        cursor = self._connection.database.cursor()
        try:
            if many:
                cursor.executemany(sql, parameters)
            elif parameters is None:
                cursor.execute(sql)
            else:
                cursor.execute(sql, parameters)
        except BaseException:
            cursor.close()
            raise
        self.description = cursor.description
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid
        self._cursor = cursor
        self._rows = self._fetch(FIRST_FETCH) if cursor.description else []
        if len(self._rows) < FIRST_FETCH:
            self._finish()

    def _fetch(self, size: int | None) -> list[Any]:
        if self._cursor is None:
            return []
        rows = self._cursor.fetchall() if size is None else self._cursor.fetchmany(size)
        if size is None or len(rows) < size:
            self._finish()
        return rows

    def _finish(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None

    async def execute(self, sql: str, parameters: Any = None) -> Cursor:
        """Execute one statement and fetch its first rows, in one trip."""
        await self._connection.run(lambda: self._run(sql, parameters, False))
        return self

    async def executemany(self, sql: str, parameters: Sequence[Any]) -> Cursor:
        """Execute one statement for each set of parameters, in one trip."""
        await self._connection.run(lambda: self._run(sql, parameters, True))
        return self

    async def fetchall(self) -> list[Any]:
        """Every remaining row."""
        rows, self._rows = self._rows, []
        if self._cursor is not None:
            rows += await self._connection.run(lambda: self._fetch(None))
        return rows

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """Up to ``size`` rows (``arraysize`` by default)."""
        wanted = size or self.arraysize
        if len(self._rows) < wanted and self._cursor is not None:
            self._rows += await self._connection.run(
                lambda: self._fetch(max(wanted, FIRST_FETCH)))
        rows, self._rows = self._rows[:wanted], self._rows[wanted:]
        return rows

    async def fetchone(self) -> Any:
        """The next row, or None."""
        rows = await self.fetchmany(1)
        return rows[0] if rows else None

    def __aiter__(self) -> Cursor:
        return self

    async def __anext__(self) -> Any:
        row = await self.fetchone()
        if row is None:
            raise StopAsyncIteration
        return row

    async def close(self) -> None:
        """Drop buffered rows and close the sqlite3 cursor if it is still open."""
        self._rows = []
        if self._cursor is not None:
            await self._connection.run(self._finish)


async def connect(database: str, **options: Any) -> Connection:
    """Open a ``Connection`` to ``database`` (options as for ``sqlite3.connect``).

    ``check_same_thread`` is off because statements run on the event loop's thread or the
    executor's; the connection is still used by one thread at a time.
    """
    options["check_same_thread"] = False

    def connector() -> sqlite3.Connection:
        opened: sqlite3.Connection = sqlite3.connect(database, **options)
        return opened

    connection = Connection(connector)
    await connection
    return connection
