"""Migrations: an empty database reaches the head revision with every table, on both DBs."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from bot.cli import cli
from storage.db import SQLITE_BUSY_TIMEOUT_MS, Database, head_revision
from storage.schema import metadata, township
from tests.conftest import cli_environment


def _tables(sync: sqlalchemy.Connection) -> set[str]:
    return set(sqlalchemy.inspect(sync).get_table_names())


Shape = dict[str, tuple[set[str], set[str], set[frozenset[str]]]]


def _shape(sync: sqlalchemy.Connection) -> Shape:
    """(columns, index names, unique column sets) of every table, as the database has them."""
    inspector = sqlalchemy.inspect(sync)
    return {name: ({column["name"] for column in inspector.get_columns(name)},
                   {str(index["name"]) for index in inspector.get_indexes(name)
                    if not index.get("duplicates_constraint")},
                   {frozenset(unique["column_names"])
                    for unique in inspector.get_unique_constraints(name)})
            for name in metadata.tables}


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    """These tests migrate the database themselves: it starts empty."""
    return empty_database_url


async def test_empty_database_migrates_to_head_with_every_table(database_url: str) -> None:
    database = Database(database_url)
    try:
        assert await database.schema_version() is None
        async with database.read() as connection:
            assert not (await connection.run_sync(_tables)) & set(metadata.tables)

        await database.migrate()

        assert await database.schema_version() == head_revision()
        async with database.read() as connection:
            tables = await connection.run_sync(_tables)
            shape = await connection.run_sync(_shape)
            chain = (await connection.execute(sqlalchemy.text(
                "SELECT id, last_event_id, last_hash FROM chain_head"))).all()
    finally:
        await database.dispose()
    assert set(metadata.tables) <= tables
    assert "alembic_version" in tables
    expected = {
        name: ({column.name for column in table.columns},
               {str(index.name) for index in table.indexes},
               {frozenset(column.name for column in constraint.columns)
                for constraint in table.constraints
                if isinstance(constraint, sqlalchemy.UniqueConstraint)})
        for name, table in metadata.tables.items()
    }
    assert shape == expected
    assert chain == [(1, 0, "0" * 64)]


async def test_migrating_twice_is_a_no_op(database_url: str) -> None:
    database = Database(database_url)
    try:
        await database.migrate()
        async with database.write() as connection:
            await connection.execute(insert(township).values(name="金溪镇"))

        await database.migrate()

        assert await database.schema_version() == head_revision()
        async with database.read() as connection:
            names = (await connection.execute(select(township.c.name))).scalars().all()
            versions = (await connection.execute(sqlalchemy.text(
                "SELECT version_num FROM alembic_version"))).scalars().all()
    finally:
        await database.dispose()
    assert names == ["金溪镇"]
    assert versions == [head_revision()]


async def test_a_second_database_object_sees_the_migrated_schema(database_url: str) -> None:
    first = Database(database_url)
    try:
        await first.migrate()
    finally:
        await first.dispose()
    second = Database(database_url)
    try:
        assert await second.schema_version() == head_revision()
        await second.migrate()
        assert await second.schema_version() == head_revision()
    finally:
        await second.dispose()


async def _pragmas(database: Database) -> dict[str, Any]:
    found: dict[str, Any] = {}
    async with database.read() as connection:
        for name in ("journal_mode", "foreign_keys", "busy_timeout"):
            found[name] = (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar_one()
    return found


async def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(
        sqlite_url: str, tmp_path: Path) -> None:
    database = Database(sqlite_url)
    try:
        await database.migrate()
        pragmas = await _pragmas(database)
        async with database.write() as connection:
            write_pragmas = {
                name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar_one()
                for name in ("foreign_keys", "busy_timeout")}
    finally:
        await database.dispose()

    assert str(pragmas["journal_mode"]).lower() == "wal"
    assert pragmas["foreign_keys"] == 1
    assert pragmas["busy_timeout"] == SQLITE_BUSY_TIMEOUT_MS
    assert SQLITE_BUSY_TIMEOUT_MS >= 1000
    assert write_pragmas == {"foreign_keys": 1, "busy_timeout": SQLITE_BUSY_TIMEOUT_MS}
    # WAL is a property of the file: a plain connection sees it too.
    plain = sqlite3.connect(tmp_path / "wuchang.db")
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        plain.close()


async def test_sqlite_enforces_foreign_keys(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    try:
        await database.migrate()
        with pytest.raises(IntegrityError):
            async with database.write() as connection:
                await connection.execute(sqlalchemy.text(
                    "INSERT INTO grid (township_id, name) VALUES (4242, '东片网格')"))
        async with database.read() as connection:
            count = (await connection.execute(sqlalchemy.text(
                "SELECT count(*) FROM grid"))).scalar_one()
    finally:
        await database.dispose()
    assert count == 0


def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cli_environment(monkeypatch, tmp_path)


def _sqlite_version(path: Path) -> list[tuple[str]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchall()
    finally:
        connection.close()


def test_init_creates_the_default_database_file_in_the_working_directory(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _clean_environment(monkeypatch, tmp_path)

    result = CliRunner().invoke(cli, ["init"])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "wuchang.db").is_file()
    assert head_revision() in result.stdout
    assert _sqlite_version(tmp_path / "wuchang.db") == [(head_revision(),)]


def test_init_creates_missing_directories_and_is_repeatable(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _clean_environment(monkeypatch, tmp_path)
    target = tmp_path / "data" / "county" / "wuchang.db"
    monkeypatch.setenv("WUCHANG_DATABASE_URL", f"sqlite+aiosqlite:///{target}")

    first = CliRunner().invoke(cli, ["init"])
    second = CliRunner().invoke(cli, ["init"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert target.is_file()
    assert not (tmp_path / "wuchang.db").exists()
    assert _sqlite_version(target) == [(head_revision(),)]
    tables = {row[0] for row in sqlite3.connect(target).execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(metadata.tables) <= tables
