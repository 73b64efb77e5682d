"""``wuchang template``: the spreadsheets an office fills in and imports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import fail, say, settings_or_fail
from core import texts


def template(
    kind: Annotated[str, typer.Argument(help="roster（花名册）或 scores（月度评分）")],
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.xlsx")],
) -> None:
    """Write a template for ``wuchang roster import`` or ``wuchang scores import``."""
    from bot.files.rules import load_rules
    from bot.files.scheme import load_scheme
    from bot.files.templates import KINDS, write_template

    if kind not in KINDS:
        raise fail(texts.TEMPLATE_BAD_KIND)
    if output.suffix.lower() != ".xlsx":
        raise fail(texts.TEMPLATE_BAD_SUFFIX)
    scheme = load_scheme(load_rules(Path(settings_or_fail().rules_file)).scheme_name)
    write_template(kind, scheme, output)
    say(texts.TEMPLATE_WRITTEN.format(path=output))


def slips(
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.pdf")],
    village: Annotated[str | None, typer.Option("--village", help="只印这个村")] = None,
    bot: Annotated[str | None, typer.Option(
        "--bot", help="Telegram 机器人用户名：每张条加上 t.me 链接的二维码；"
                      "设了 WUCHANG_TELEGRAM_TOKEN 时可不填，向 Telegram 询问")] = None,
) -> None:
    """Write invite slips (name, 屋场, code, QR of the Telegram link) on A4 to cut out."""
    import asyncio

    from bot.admin import invite_rows
    from bot.cli.common import with_app
    from bot.files.slips import write_slips

    if output.suffix.lower() != ".pdf":
        raise fail(texts.SLIPS_BAD_SUFFIX)
    settings = settings_or_fail()
    token = settings.telegram_token
    if bot is None and token:
        from bot.channels.telegram.identity import bot_username

        try:
            bot = asyncio.run(bot_username(token, settings.telegram_api_url))
        except Exception as error:  # network, a wrong token: the operator can name the bot
            reason = str(error).replace(token, "***")  # the token is a secret
            raise fail(texts.SLIPS_GETME_FAILED.format(reason=reason), 1) from None
    found = with_app(lambda app: invite_rows(app, [], village), settings)
    if not found:
        raise fail(texts.SLIPS_NONE, 1)
    pages = write_slips(found, bot, output)
    say(texts.SLIPS_WRITTEN.format(count=len(found), pages=pages, path=output))
