"""Statements every button press runs, sent to the database's driver directly.

A press's statements cost more in SQLAlchemy's execution (its cache key, execution
context, the greenlet hop, the result wrapper) than in the database (issue 23's burst).
``Prepared`` compiles a Core statement once per dialect, with SQLAlchemy's public
compiler API, and inside a write batch runs it on the batch's own driver connection,
applying the same column types' bind and result conversions: asyncpg's on PostgreSQL,
the sqlite3 connection on SQLite (where a write batch's statements run inline, see
``storage.sqlite_driver``). Elsewhere (a read transaction) it runs through SQLAlchemy as
any statement does, so every path gives the same row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy import Boolean, Insert, Integer, Select, String
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import TypeEngine

from storage import sqlite_driver
from storage.schema import UTCDateTime

# connection.info key of the driver connection while a write batch holds it (storage.db)
DRIVER = "wuchang_driver"

Statement = Select[Any] | Insert

_T = TypeVar("_T")

_POSTGRES = PGDialect_asyncpg()  # type: ignore[no-untyped-call]
_SQLITE = SQLiteDialect_aiosqlite()


class _Compiled:
    """One statement compiled for one dialect: its SQL, parameters and conversions."""

    def __init__(self, statement: Statement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        # the values written into the statement (``status == OPEN``), the caller's the rest
        self._defaults = {name: bind.value for name, bind in compiled.binds.items()
                          if not bind.required}
        # (name, its type's conversion) in the order of the positional parameters
        self._parameters: tuple[tuple[str, Callable[[Any], Any] | None], ...] = tuple(
            (name, _supported(compiled.binds[name].type, dialect).bind_processor(dialect))
            for name in compiled.positiontup or ())
        columns = getattr(statement, "selected_columns", ())
        self.names = tuple(str(column.key) for column in columns)
        # (name, conversion) of the columns whose type converts what the driver returns
        self._results = tuple(
            (name, convert) for name, convert in (
                (str(column.key),
                 _supported(column.type, dialect).result_processor(dialect, None))
                for column in columns) if convert is not None)

    def arguments(self, values: Mapping[str, Any]) -> list[Any]:
        """The positional parameters for these values, converted as their types say."""
        given = {**self._defaults, **values}
        return [given[name] if convert is None else convert(given[name])
                for name, convert in self._parameters]

    def row(self, record: Any) -> SimpleNamespace:
        """A driver's row as the namespace SQLAlchemy's row would give, values converted."""
        row = dict(zip(self.names, record, strict=True))
        for name, convert in self._results:
            row[name] = convert(row[name])
        return SimpleNamespace(**row)


class Prepared:
    """A Core statement compiled once per dialect (when first run on it), run directly."""

    def __init__(self, statement: Statement) -> None:
        self.statement = statement

    @cached_property
    def _postgres(self) -> _Compiled:
        return _Compiled(self.statement, _POSTGRES)

    @cached_property
    def _sqlite(self) -> _Compiled:
        return _Compiled(self.statement, _SQLITE)

    async def first(self, connection: AsyncConnection,
                    values: Mapping[str, Any]) -> SimpleNamespace | None:
        """A SELECT's first row with these parameters (a CTE that writes included), or None."""
        driver = connection.info.get(DRIVER)
        if driver is None:
            found = (await connection.execute(self.statement, dict(values))).first()
            return None if found is None else SimpleNamespace(**found._asdict())
        if isinstance(driver, sqlite_driver.Connection):
            compiled = self._sqlite
            arguments = compiled.arguments(values)
            record = await _translated(driver.run(
                lambda: driver.database.execute(compiled.sql, arguments).fetchone()),
                compiled.sql, arguments)
        else:
            compiled = self._postgres
            arguments = compiled.arguments(values)
            record = await _translated(driver.fetchrow(compiled.sql, *arguments),
                                       compiled.sql, arguments)
        return None if record is None else compiled.row(record)

    async def rowcount(self, connection: AsyncConnection, values: Mapping[str, Any]) -> int:
        """Run an INSERT, UPDATE or DELETE with these parameters; the rows it changed.

        Directly on SQLite's driver only: no PostgreSQL statement needs it yet.
        """
        driver = connection.info.get(DRIVER)
        if not isinstance(driver, sqlite_driver.Connection):
            return int((await connection.execute(self.statement, dict(values))).rowcount)
        compiled = self._sqlite
        arguments = compiled.arguments(values)
        return int(await _translated(driver.run(
            lambda: driver.database.execute(compiled.sql, arguments).rowcount),
            compiled.sql, arguments))


async def _translated(call: Awaitable[_T], sql: str, arguments: list[Any]) -> _T:
    """Await a driver's call; its error is raised as SQLAlchemy raises the driver's.

    So callers catch one kind of error whichever path ran: a forged number past a
    column's range is a ``DataError`` the router answers, as through SQLAlchemy.
    """
    try:
        return await call
    except Exception as error:
        kind = _sqlalchemy_kind(error)
        if kind is None:
            raise
        raise kind(sql, arguments, error) from error


def _sqlalchemy_kind(error: Exception) -> type[DBAPIError] | None:
    """SQLAlchemy's class for a driver's error (sqlite3's, asyncpg's); None for another."""
    if isinstance(error, sqlite3.Error):
        integrity, data = sqlite3.IntegrityError, sqlite3.DataError
    elif type(error).__module__.startswith("asyncpg"):
        import asyncpg  # type: ignore[import-untyped]  # present: the error is its own

        integrity, data = asyncpg.IntegrityConstraintViolationError, asyncpg.DataError
    elif isinstance(error, (OSError, TimeoutError)):  # the link, as asyncpg raises it
        return DBAPIError
    else:
        return None
    return (IntegrityError if isinstance(error, integrity)
            else DataError if isinstance(error, data) else DBAPIError)


def _supported(kind: TypeEngine[Any], dialect: Dialect) -> TypeEngine[Any]:
    """The type, for its conversions; refused unless they are the same as SQLAlchemy's.

    The conversions are taken without the column type the driver reports (``Numeric``
    and ``Enum`` would need it): a statement with such a column stays with SQLAlchemy.
    """
    if not isinstance(kind, (Integer, String, Boolean, UTCDateTime)):
        raise TypeError(f"{kind!r} is not converted here the way SQLAlchemy converts it")
    return kind.dialect_impl(dialect)
