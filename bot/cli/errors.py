"""Errors an operator meets, told in one or two Chinese lines instead of a traceback.

SQLAlchemy and the migrations are imported only when an error is explained, so that
``wuchang --help`` starts quickly (issue 23).
"""

from __future__ import annotations

import logging
import socket
from typing import Any

import typer
from typer._click.core import Command
from typer._click.core import Context as ClickContext
from typer.core import TyperGroup, TyperOption
from typer.exceptions import TyperException

from core import texts

logger = logging.getLogger(__name__)


class DatabaseMissing(Exception):
    """A command that only reads found no wuchang database where the settings point."""


class SchemaBehind(Exception):
    """A command that only reads found a database older than the code (init upgrades it)."""

    def __init__(self, found: str) -> None:
        super().__init__(found)
        self.found = found


def safe_url(url: str) -> str:
    """A database URL fit to print: its password replaced by ***."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "（无法解析的地址）"


def _reason(error: BaseException) -> str:
    """The first line of what the driver said, without its class path."""
    cause = getattr(error, "orig", None) or error.__cause__ or error
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return text[:200]


def explain(error: BaseException, database_url: str | None) -> str | None:
    """What to tell the operator about ``error``, or None when it is not one we know."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    from storage.db import SchemaTooNew, head_revision

    where = safe_url(database_url) if database_url else ""
    if isinstance(error, ModuleNotFoundError) and error.name == "asyncpg":
        return texts.CLI_NO_PG_DRIVER
    if isinstance(error, SchemaTooNew):
        return texts.CLI_SCHEMA_TOO_NEW.format(found=error.found, head=head_revision())
    if isinstance(error, SchemaBehind):
        return texts.CLI_SCHEMA_BEHIND.format(found=error.found, head=head_revision())
    if isinstance(error, DatabaseMissing):
        return texts.CLI_NO_DATABASE.format(url=where)
    if isinstance(error, FileNotFoundError):
        return texts.CLI_FILE_NOT_FOUND.format(path=error.filename or _reason(error))
    if isinstance(error, PermissionError):
        return texts.CLI_FILE_DENIED.format(path=error.filename or _reason(error))
    if isinstance(error, OperationalError | InterfaceError | DBAPIError | ConnectionError
                  | TimeoutError | socket.gaierror) or \
            type(error).__module__.startswith("asyncpg"):
        reason = _reason(error)
        password = make_url(database_url).password if database_url else None
        if password:
            reason = reason.replace(str(password), "***")
        return texts.CLI_DATABASE_UNREACHABLE.format(url=where, reason=reason)
    if isinstance(error, OSError):
        return texts.CLI_FILE_ERROR.format(reason=_reason(error))
    return None


class ExplainingGroup(TyperGroup):
    """The ``wuchang`` group: known failures become a short message and exit code 1.

    Its help option, and that of every command under it, reads in Chinese.
    """

    def get_help_option(self, ctx: ClickContext) -> TyperOption | None:
        """The help option, described in Chinese rather than Click's English."""
        return _in_chinese(super().get_help_option(ctx))

    def get_command(self, ctx: ClickContext, cmd_name: str) -> Command | None:
        """A subcommand (and the commands under it) with the help option in Chinese."""
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            _chinese_help_options(found, ctx)
        return found

    def invoke(self, ctx: ClickContext) -> Any:
        """Run the subcommand, translating the errors an operator can fix."""
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except Exception as error:
            message = explain(error, _configured_url())
            if message is None:
                raise
            logger.debug("command failed", exc_info=error)
            typer.echo(message, err=True)
            raise typer.Exit(1) from None


def _in_chinese(option: TyperOption | None) -> TyperOption | None:
    if option is not None:
        option.help = texts.CLI_HELP_OPTION
    return option


def _chinese_help_options(command: Command, ctx: ClickContext) -> None:
    """Describe the help option of ``command`` and of every command under it in Chinese."""
    _in_chinese(command.get_help_option(ctx))
    if isinstance(command, TyperGroup):
        for child in command.commands.values():
            _chinese_help_options(child, ctx)


def _configured_url() -> str | None:
    """The configured database URL, if the settings can be read at all."""
    from bot.settings import SettingsError, load_settings

    try:
        return load_settings().database_url
    except SettingsError:
        return None
