"""Statements every button press runs, sent to PostgreSQL through asyncpg directly.

A press's statements cost more in SQLAlchemy's execution (its cache key, execution
context, the greenlet hop, the result wrapper) than in PostgreSQL (issue 23's burst).
``Prepared`` compiles a Core statement once, with SQLAlchemy's public compiler API, and
inside a write batch runs it on the batch's asyncpg connection, applying the same
column types' bind and result conversions. Elsewhere (SQLite, a read transaction) it
runs through SQLAlchemy as any statement does, so both paths give the same row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Boolean, Integer, Select, String
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import TypeEngine

from storage.schema import UTCDateTime

# connection.info key of the asyncpg connection while a write batch holds it (storage.db)
ASYNCPG = "wuchang_asyncpg"

_DIALECT = PGDialect_asyncpg()  # type: ignore[no-untyped-call]


class Prepared:
    """A SELECT (a CTE that writes included) compiled once for asyncpg; rows as namespaces."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        compiled = statement.compile(dialect=_DIALECT)
        self.sql = compiled.string
        # the values written into the statement (``status == OPEN``), the caller's the rest
        self._defaults = {name: bind.value for name, bind in compiled.binds.items()
                          if not bind.required}
        # (name, its type's conversion) in $n order
        self._parameters: tuple[tuple[str, Callable[[Any], Any] | None], ...] = tuple(
            (name, _supported(compiled.binds[name].type).bind_processor(_DIALECT))
            for name in compiled.positiontup or ())
        self._names = tuple(str(column.key) for column in statement.selected_columns)
        # (name, conversion) of the columns whose type converts what asyncpg returns
        self._results = tuple(
            (name, convert) for name, convert in (
                (str(column.key), _supported(column.type).result_processor(_DIALECT, None))
                for column in statement.selected_columns) if convert is not None)

    async def first(self, connection: AsyncConnection,
                    values: Mapping[str, Any]) -> SimpleNamespace | None:
        """The statement's first row with these parameters, or None."""
        driver = connection.info.get(ASYNCPG)
        if driver is None:
            row = (await connection.execute(self.statement, dict(values))).first()
            return None if row is None else SimpleNamespace(**row._asdict())
        given = {**self._defaults, **values}
        arguments = [given[name] if convert is None else convert(given[name])
                     for name, convert in self._parameters]
        try:
            record = await driver.fetchrow(self.sql, *arguments)
        except Exception as error:
            translated = _as_sqlalchemy_error(error, self.sql, arguments)
            if translated is None:
                raise
            raise translated from error
        if record is None:
            return None
        row = dict(zip(self._names, record, strict=True))
        for name, convert in self._results:
            row[name] = convert(row[name])
        return SimpleNamespace(**row)


def _supported(kind: TypeEngine[Any]) -> TypeEngine[Any]:
    """The type, for its conversions; refused unless they are the same as SQLAlchemy's.

    The conversions are taken without the column type asyncpg reports (``Numeric`` and
    ``Enum`` would need it): a statement with such a column stays with SQLAlchemy.
    """
    if not isinstance(kind, (Integer, String, Boolean, UTCDateTime)):
        raise TypeError(f"{kind!r} is not converted here the way SQLAlchemy converts it")
    return kind.dialect_impl(_DIALECT)


def _as_sqlalchemy_error(error: Exception, sql: str, arguments: list[Any]) -> DBAPIError | None:
    """The error as SQLAlchemy raises asyncpg's, so that callers catch one kind of error.

    A forged number past a column's range is a ``DataError`` the router answers, as it
    does when the statement goes through SQLAlchemy; None for an error not asyncpg's.
    """
    if isinstance(error, (OSError, TimeoutError)):  # the link, as asyncpg raises it
        return DBAPIError(sql, arguments, error)
    if not type(error).__module__.startswith("asyncpg"):
        return None
    import asyncpg  # type: ignore[import-untyped]  # present: the error is its own

    kind = (IntegrityError if isinstance(error, asyncpg.IntegrityConstraintViolationError)
            else DataError if isinstance(error, asyncpg.DataError) else DBAPIError)
    return kind(sql, arguments, error)
