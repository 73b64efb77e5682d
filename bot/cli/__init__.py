"""The ``wuchang`` command line."""

from bot.cli.main import cli, main

__all__ = ["cli", "main"]
