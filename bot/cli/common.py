"""What every ``wuchang`` command shares: failing in Chinese, loading settings, an open app."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.wiring import App
    from core.roster import RosterInvalid

T = TypeVar("T")


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``message`` to stderr; the caller raises what this returns (exit ``code``)."""
    typer.echo(message, err=True)
    return typer.Exit(code)


def rejected(file: str, nothing: str, invalid: RosterInvalid) -> typer.Exit:
    """Print every error of a rejected file, saying nothing was imported; exit code 1."""
    typer.echo(f"{file}有 {len(invalid.errors)} 处错误，未导入任何{nothing}：", err=True)
    for error in invalid.errors:
        typer.echo(f"  {error}", err=True)
    return typer.Exit(1)


def import_table(read: Callable[[App, Path], Awaitable[int]], file: Path, *, kind: str,
                 nothing: str, done: str) -> None:
    """Import one office file, all or nothing: every error of a bad one, else ``done``."""
    from core.roster import RosterInvalid

    try:
        count = with_app(lambda app: read(app, file), create=True)
    except RosterInvalid as invalid:
        raise rejected(kind, nothing, invalid) from None
    say(done.format(count=count))


def settings_or_fail() -> Settings:
    """The settings with the rules, scheme and holiday files they name, or a clear failure."""
    from bot.files.award_scheme import AwardSchemeError, load_award_scheme
    from bot.files.holidays import HolidayFileError, load_calendar
    from bot.files.rules import RulesFileError, load_rules
    from bot.files.scheme import SchemeError, load_scheme
    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings()
        rules = load_rules(Path(settings.rules_file))
        load_scheme(rules.scheme_name)
        load_award_scheme(rules.award_scheme_name)
        load_calendar(Path(settings.holiday_file))
    except (SettingsError, RulesFileError, HolidayFileError, SchemeError,
            AwardSchemeError) as error:
        raise fail(f"配置错误：{error}") from None
    return settings


def with_app(work: Callable[[App], Awaitable[T]], settings: Settings | None = None, *,
             create: bool = False) -> T:
    """Open the configured database, run ``work`` and close it again.

    Only the commands that create or upgrade the database (``init``, ``run``, ``demo``,
    the imports) pass ``create``; the others refuse a missing or outdated database
    instead of leaving an empty one behind (DatabaseMissing, SchemaBehind).
    """
    from bot.cli.errors import DatabaseMissing, SchemaBehind
    from bot.wiring import build_app
    from storage.db import head_revision, known_revision, sqlite_file

    chosen = settings or settings_or_fail()
    if not create:
        path = sqlite_file(chosen.database_url)
        if path is not None and not path.is_file():
            raise DatabaseMissing(str(path))

    async def runner() -> T:
        app = await build_app(chosen, migrate=create)
        try:
            if not create:
                found = await app.context.db.schema_version()
                if found is None:
                    raise DatabaseMissing(chosen.database_url)
                if found != head_revision():
                    known_revision(found)
                    raise SchemaBehind(found)
            return await work(app)
        finally:
            await app.close()

    return asyncio.run(runner())


def say(message: str) -> None:
    """Print a note that a step is done, unless ``wuchang --quiet`` asked for errors only."""
    from typer._click.globals import get_current_context

    context = get_current_context(silent=True)
    root = context.find_root() if context is not None else None
    if root is not None and isinstance(root.obj, dict) and root.obj.get("quiet"):
        return
    typer.echo(message)
