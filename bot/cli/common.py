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


def with_app(work: Callable[[App], Awaitable[T]], settings: Settings | None = None) -> T:
    """Open the configured database (migrated), run ``work`` and close it again."""
    from bot.wiring import build_app

    async def runner() -> T:
        app = await build_app(settings or settings_or_fail())
        try:
            return await work(app)
        finally:
            await app.close()

    return asyncio.run(runner())
