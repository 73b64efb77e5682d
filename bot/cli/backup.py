"""``wuchang backup``: a consistent copy of the live database (SQLite) or a pg_dump file."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import fail, say, settings_or_fail
from bot.cli.errors import DatabaseMissing
from core import texts


def backup(
    output: Annotated[Path, typer.Option("--output", "-o", help="备份文件")],
) -> None:
    """Copy the live database consistently (SQLite online backup) or run pg_dump."""
    from storage.db import copy_sqlite, sqlite_file

    url = settings_or_fail().database_url
    if not output.parent.is_dir():
        raise fail(texts.BACKUP_NO_FOLDER.format(path=output.parent), 1)
    path = sqlite_file(url)
    if path is not None:
        if not path.is_file():
            raise DatabaseMissing(str(path))
        copy_sqlite(path, output)
    else:
        _pg_dump(url, output)
    say(texts.BACKUP_WRITTEN.format(path=output))


def _pg_dump(url: str, output: Path) -> None:
    """Run pg_dump in its custom format; the password goes through the environment only."""
    program = shutil.which("pg_dump")
    if program is None:
        raise fail(texts.BACKUP_NO_PG_DUMP, 1)
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    environment = {**os.environ, "PGPASSWORD": parsed.password or ""}
    if parsed.password is None:
        del environment["PGPASSWORD"]
    command = [program, "--format=custom", "--no-owner", f"--file={output}",
               f"--host={parsed.host or '127.0.0.1'}", f"--port={parsed.port or 5432}",
               f"--dbname={parsed.database or ''}"]
    if parsed.username:
        command.append(f"--username={parsed.username}")
    done = subprocess.run(command, env=environment, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [str(done.returncode)])[-1]
        raise fail(texts.BACKUP_PG_DUMP_FAILED.format(reason=reason), 1)
