"""``wuchang wecom ...``: the township admin's WeCom tools (group chats, group robots)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import fail, settings_or_fail, with_app

if TYPE_CHECKING:
    from bot.channels.wecom.channel import WeComChannel
    from bot.wiring import App

wecom_cli = typer.Typer(help="企业微信：建屋场群，绑定群机器人，设置应用菜单。",
                        no_args_is_help=True)

PLACE_HELP = "屋场 or 村/屋场"


@wecom_cli.command("create-group")
def create_group(
    place: Annotated[str, typer.Argument(help=PLACE_HELP)],
    chat_id: Annotated[str | None, typer.Option(
        "--chat-id", help="letters and digits, at most 32; default wuchang<id>")] = None,
) -> None:
    """Create the 屋场's WeCom group chat with its members on WeCom; again: add newcomers."""
    from bot.channels.wecom import groups as wecom_groups

    typer.echo(_run(lambda app, channel: wecom_groups.create_group(
        app, channel.api, place, chat_id)))


@wecom_cli.command("bind-robot")
def bind_robot(
    place: Annotated[str, typer.Argument(help=PLACE_HELP)],
    webhook: Annotated[str, typer.Argument(help="the robot's webhook URL, or its key")],
) -> None:
    """Bind a WeCom group robot as the 屋场's group (instead of an app group chat)."""
    from bot.channels.wecom import groups as wecom_groups

    typer.echo(_run(lambda app, channel: wecom_groups.bind_robot(app, place, webhook)))


@wecom_cli.command("menu")
def menu() -> None:
    """Set the app's custom menu (会议, 问题, 公开): each item runs a command for anyone."""
    import asyncio

    from bot.channels.wecom.api import WeComApi
    from bot.channels.wecom.menu import set_menu
    from core import texts
    from core.messages import DeliveryError

    settings = settings_or_fail()
    corp_id, secret, agent_id = (settings.wecom_corp_id, settings.wecom_secret,
                                 settings.wecom_agent_id)
    if not (corp_id and secret and agent_id is not None):
        raise fail(texts.WECOM_NOT_CONFIGURED)
    api = WeComApi(corp_id=corp_id, secret=secret, agent_id=agent_id,
                   api_url=settings.wecom_api_url)
    try:
        typer.echo(asyncio.run(set_menu(api)))
    except DeliveryError as error:
        raise fail(texts.WECOM_API_FAILED.format(reason=error.reason)) from None
    finally:
        api.close()


def _run(work: Callable[[App, WeComChannel], Awaitable[str]]) -> str:
    """Run ``work`` with the WeCom channel, then send what it queued (the group's welcome)."""
    from bot.channels.wecom.channel import WeComChannel
    from bot.channels.wecom.groups import GroupError
    from core import texts
    from core.messages import DeliveryError

    settings = settings_or_fail()
    if not settings.wecom_enabled:
        raise fail(texts.WECOM_NOT_CONFIGURED)

    async def with_channel(app: App) -> str:
        channel = WeComChannel(app, settings)
        app.add_channel(channel)
        try:
            report = await work(app, channel)
            await app.dispatcher.drain()
            return report
        finally:
            await channel.stop()

    try:
        return with_app(with_channel, settings)
    except GroupError as error:
        raise fail(str(error)) from None
    except DeliveryError as error:
        raise fail(texts.WECOM_API_FAILED.format(reason=error.reason)) from None
