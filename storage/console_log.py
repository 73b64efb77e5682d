"""What the console channel showed, so a replay can press a button of an earlier message."""

from __future__ import annotations

import json

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.messages import Outgoing
from storage.schema import console_message


async def record(connection: AsyncConnection, message: Outgoing) -> None:
    """Keep a message the console showed, with its buttons."""
    buttons = [[button.label, button.payload] for row in message.buttons for button in row]
    await connection.execute(insert(console_message).values(
        chat_id=message.chat_id, text=message.text, buttons=json.dumps(buttons,
                                                                       ensure_ascii=False)))


async def button_payload(connection: AsyncConnection, chat_id: str, label: str) -> str | None:
    """Return the payload of the button ``label`` on the newest message in a chat that has one."""
    rows = await connection.execute(
        select(console_message.c.buttons).where(
            console_message.c.chat_id == chat_id, console_message.c.buttons != "[]",
        ).order_by(console_message.c.id.desc()))
    for row in rows:
        for button_label, payload in json.loads(row.buttons):
            if button_label == label:
                return str(payload)
    return None
