"""Who the bot is on Telegram, asked with getMe: its username for t.me links (invite slips)."""

from __future__ import annotations

from telegram import Bot

from bot.channels.telegram.channel import file_url


async def bot_username(token: str, api_url: str) -> str:
    """The bot's username, from getMe on the configured Bot API base."""
    async with Bot(token, base_url=api_url, base_file_url=file_url(api_url)) as bot:
        return bot.username
