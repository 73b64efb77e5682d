"""Issue 21 items 1-2: errors instead of tracebacks, migrations once under a lock, backups."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from alembic import command
from typer.testing import Result

from storage.db import Database, _alembic_config, head_revision
from tests.conftest import POSTGRES, SMALL_ROSTER, _fresh_postgres, run_cli

PASSWORD = "s3cretPw42"


def version_of(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def short_failure(result: Result) -> list[str]:
    """A failure is one to three lines on stderr, exit code 1, and no traceback."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 3, result.stderr
    assert "Traceback" not in result.output
    return lines


@pytest.mark.parametrize("arguments", [["status"], ["export"], ["verify"],
                                       ["export", "--format", "xlsx", "-o", "x.xlsx"],
                                       ["roster", "invites"]])
def test_reading_commands_say_there_is_no_database_and_create_none(
        workdir: Path, arguments: list[str]) -> None:
    lines = short_failure(run_cli(*arguments))
    assert "还没有数据库" in lines[0]
    assert "wuchang init" in lines[1]
    assert list(workdir.iterdir()) == []


def test_postgres_unreachable_is_two_lines_without_the_password(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket_closed_port() as port:
        monkeypatch.setenv("WUCHANG_DATABASE_URL",
                           f"postgresql+asyncpg://wuchang:{PASSWORD}@127.0.0.1:{port}/wuchang")
        for arguments in (["init"], ["status"], ["roster", "import", str(SMALL_ROSTER)]):
            result = run_cli(*arguments)
            lines = short_failure(result)
            assert lines[0].startswith(f"连不上数据库 postgresql+asyncpg://wuchang:***@127.0.0.1:{port}")
            assert PASSWORD not in result.output


@contextlib.contextmanager
def socket_closed_port() -> Iterator[int]:
    """A local port nothing listens on."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield port


def test_init_prints_the_database_url_without_its_password(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not POSTGRES:
        pytest.skip("no PostgreSQL")
    url = asyncio.run(_fresh_postgres())
    with_password = url.replace("postgres@", f"postgres:{PASSWORD}@")
    monkeypatch.setenv("WUCHANG_DATABASE_URL", with_password)  # trust auth ignores it
    result = run_cli("init")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert "postgres:***@" in result.stdout


def test_the_pg_extra_missing_is_said_in_one_line(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WUCHANG_DATABASE_URL",
                       f"postgresql+asyncpg://wuchang:{PASSWORD}@127.0.0.1/wuchang")
    monkeypatch.setitem(sys.modules, "asyncpg", None)
    result = run_cli("init")
    assert short_failure(result) == [
        "缺少 PostgreSQL 驱动。请安装：pip install 'wuchang[pg]'（或 pip install asyncpg）。"]


def test_a_bad_setting_names_it_and_exits_non_zero(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WUCHANG_HTTP_PORT", "abc")
    result = run_cli("init")
    assert result.exit_code != 0
    assert result.stderr.startswith("配置错误：WUCHANG_HTTP_PORT")
    assert not (workdir / "w.db").exists()


def test_a_missing_file_is_named(workdir: Path) -> None:
    assert run_cli("init").exit_code == 0
    result = run_cli("scores", "import", "没有这个文件.xlsx")
    assert result.exit_code != 0
    assert "没有这个文件.xlsx" in result.stderr
    assert "Traceback" not in result.output


def test_a_database_newer_than_the_code_is_refused_by_every_command(workdir: Path) -> None:
    assert run_cli("init").exit_code == 0
    with contextlib.closing(sqlite3.connect(workdir / "w.db")) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0999'")
        connection.commit()
    for arguments in (["init"], ["status"], ["export"]):
        lines = short_failure(run_cli(*arguments))
        assert lines[0].startswith("数据库版本 0999 比这个程序新")
    assert version_of(workdir / "w.db") == "0999"


def _migrate_to(path: Path, revision: str) -> None:
    engine = sqlalchemy.create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def test_an_older_sqlite_file_is_copied_aside_before_init_upgrades_it(workdir: Path) -> None:
    _migrate_to(workdir / "w.db", "0010")

    status = short_failure(run_cli("status"))
    assert status[0].startswith("数据库版本 0010 比程序旧")
    assert version_of(workdir / "w.db") == "0010"

    result = run_cli("init")
    assert result.exit_code == 0, result.output
    aside = workdir / "w.db.0010.bak"
    assert f"升级前已把旧数据库备份到：{aside}" in result.stdout
    assert version_of(aside) == "0010"
    assert version_of(workdir / "w.db") == head_revision()
    assert run_cli("init").stdout.count("备份") == 0  # nothing to upgrade, nothing copied


def test_backup_of_a_live_sqlite_database_is_a_consistent_copy(workdir: Path) -> None:
    assert run_cli("roster", "import", str(SMALL_ROSTER)).exit_code == 0

    async def hold_a_reader_then_backup() -> Result:
        database = Database(f"sqlite+aiosqlite:///{workdir}/w.db")
        try:
            async with database.read() as connection:
                await connection.exec_driver_sql("SELECT count(*) FROM person")
                return await asyncio.to_thread(run_cli, "backup", "-o", "copy.db")
        finally:
            await database.dispose()

    result = asyncio.run(hold_a_reader_then_backup())
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "已备份到：copy.db"
    with contextlib.closing(sqlite3.connect(workdir / "copy.db")) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        persons = copy.execute("SELECT count(*) FROM person").fetchone()[0]
    with contextlib.closing(sqlite3.connect(workdir / "w.db")) as live:
        assert persons == live.execute("SELECT count(*) FROM person").fetchone()[0] > 0


def test_backup_refuses_a_missing_database_and_folder(workdir: Path) -> None:
    assert "还没有数据库" in short_failure(run_cli("backup", "-o", "copy.db"))[0]
    assert run_cli("init").exit_code == 0
    assert short_failure(run_cli("backup", "-o", "nowhere/copy.db"))[0].startswith(
        "备份文件所在的文件夹不存在")


@pytest.mark.skipif(not POSTGRES or shutil.which("pg_dump") is None,
                    reason="needs PostgreSQL and pg_dump")
def test_backup_of_postgres_runs_pg_dump(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WUCHANG_DATABASE_URL", asyncio.run(_fresh_postgres()))
    assert run_cli("roster", "import", str(SMALL_ROSTER)).exit_code == 0
    result = run_cli("backup", "-o", str(workdir / "wuchang.dump"))
    if result.exit_code != 0 and "server version" in result.stderr:
        pytest.skip("pg_dump older than the server")
    assert result.exit_code == 0, result.output
    listing = subprocess.run(["pg_restore", "--list", str(workdir / "wuchang.dump")],
                             capture_output=True, text=True, check=True).stdout
    assert "TABLE public person" in listing


@pytest.mark.skipif(not POSTGRES, reason="no PostgreSQL on 127.0.0.1:5432")
def test_two_inits_at_once_on_postgres_migrate_once(tmp_path: Path) -> None:
    url = asyncio.run(_fresh_postgres())
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("WUCHANG_")}
    environment["WUCHANG_DATABASE_URL"] = url
    wuchang = Path(sys.executable).with_name("wuchang")
    started = [subprocess.Popen([str(wuchang), "init"], cwd=tmp_path, env=environment,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    outcomes = [process.communicate(timeout=300) for process in started]
    assert [process.returncode for process in started] == [0, 0], outcomes

    async def versions() -> list[str]:
        database = Database(url)
        try:
            async with database.read() as connection:
                return list((await connection.exec_driver_sql(
                    "SELECT version_num FROM alembic_version")).scalars())
        finally:
            await database.dispose()

    assert asyncio.run(versions()) == [head_revision()]


def test_two_inits_at_once_on_sqlite_migrate_once(workdir: Path) -> None:
    environment = {name: value for name, value in os.environ.items()}
    wuchang = Path(sys.executable).with_name("wuchang")
    started = [subprocess.Popen([str(wuchang), "init"], cwd=workdir, env=environment,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    outcomes = [process.communicate(timeout=300) for process in started]
    assert [process.returncode for process in started] == [0, 0], outcomes
    assert version_of(workdir / "w.db") == head_revision()
