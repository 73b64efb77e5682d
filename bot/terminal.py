"""``wuchang chat``: talk to the real handlers from a terminal as one roster person."""

from __future__ import annotations

import asyncio

from rich.console import Console

from bot.channels.console import PRIVATE, ConsoleChannel
from bot.settings import Settings
from bot.wiring import build_app
from core import texts
from core.messages import Outgoing

PRESS_PREFIX = "按 "


async def talk(settings: Settings, person_code: str, where: str | None) -> None:
    """Read lines from the terminal and show the bot's replies until EOF or Ctrl-C."""
    console = Console()
    app = await build_app(settings)

    def show(message: Outgoing, chat_name: str) -> None:
        target = f" → {message.chat_id}" if chat_name == PRIVATE else ""
        console.print(f"[bold green]机器人[/] [dim]({chat_name}{target})[/]")
        console.print(message.text, highlight=False)
        if message.buttons:
            console.print("  ".join(f"[reverse] {label} [/]" for label in message.button_labels()))

    channel = ConsoleChannel(app.context, show)
    app.add_channel(channel)
    try:
        await channel.start()
        await channel.bind_everyone(set(), set())
        chat = where or PRIVATE
        await channel.resolve_chat(chat, person_code)
        console.print(texts.CHAT_INTRO.format(person=person_code, chat=chat))
        while True:
            try:
                text = await asyncio.to_thread(input, "> ")
            except EOFError:
                break
            if not text.strip():
                continue
            press = text.removeprefix(PRESS_PREFIX) if text.startswith(PRESS_PREFIX) else None
            try:
                incoming = await channel.incoming(person_code, chat, text=None if press else text,
                                                  press=press)
            except LookupError as error:
                console.print(f"[red]{error}[/]")
                continue
            for reply in await app.answer(incoming):
                await channel.send(reply)
            await app.dispatcher.drain()
    except LookupError as error:
        console.print(f"[red]{error}[/]")
    finally:
        await app.close()
