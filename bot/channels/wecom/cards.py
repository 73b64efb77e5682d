"""Outgoing messages as WeCom message bodies: texts within size limits and template cards.

A message with buttons becomes one or more 按钮交互型 template cards (six buttons
each); every card has a task id, and a click comes back with that id and the
button's key, which is the Button payload.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import Any

from core import texts
from core.messages import OUTBOX_ROW, Button, Outgoing

# Hints in Outgoing.extra that the WeCom channel sets on the rows it queues.
TASK = "wecom_task"  # the card's task id
UPDATE = "wecom_update"  # the response code: update the card instead of sending one
NOTE = "wecom_note"  # a line for the presser alone, shown on the updated card
REPLACE = "wecom_replace"  # grey out the card's buttons with this text instead

MAX_BUTTONS = 6
MAX_KEY_BYTES = 1024
MAX_TEXT_BYTES = 2048
TITLE_CHARS = 36
BODY_CHARS = 160
LABEL_CHARS = 10
REPLACE_CHARS = 16


class CardError(ValueError):
    """A message that cannot become a WeCom card (a button payload too long for a key)."""


ROW_TASK = re.compile(r"r(\d+)(?:_\d+)?")


def task_base(message: Outgoing) -> str:
    """The task id of a message's first card: its outbox row's, stable over retries."""
    row = message.extra.get(OUTBOX_ROW)
    return message.extra.get(TASK) or (f"r{row}" if row else task_id(message))


def row_of_task(task: str) -> str | None:
    """The outbox row whose message became the card with this task id, if it names one."""
    match = ROW_TASK.fullmatch(task)
    return match.group(1) if match else None


def card_with_task(message: Outgoing, task: str) -> Outgoing | None:
    """The card of ``message`` that carries the task id ``task``."""
    return next((card for card in split_cards(message) if card.extra[TASK] == task), None)


def task_id(message: Outgoing) -> str:
    """A task id from the chat and the content: the same message gets the same id."""
    digest = hashlib.sha256("\x1f".join(
        [message.chat_id, message.text,
         *(button.payload for row in message.buttons for button in row)]).encode())
    return "w" + digest.hexdigest()[:32]


def flat_buttons(message: Outgoing) -> list[Button]:
    """Every button of a message, row by row."""
    return [button for row in message.buttons for button in row]


def split_cards(message: Outgoing) -> list[Outgoing]:
    """One message per card (at most six buttons each), each with its task id in ``extra``."""
    buttons = flat_buttons(message)
    base = task_base(message)
    chunks = [buttons[start:start + MAX_BUTTONS] for start in range(0, len(buttons), MAX_BUTTONS)]
    if len(chunks) <= 1:
        return [replace(message, extra={**message.extra, TASK: base})]
    return [replace(message, text=message.text if index == 0 else texts.WECOM_MORE_CHOICES,
                    image=message.image if index == 0 else None, buttons=(tuple(chunk),),
                    extra={**message.extra, TASK: f"{base}_{index}"})
            for index, chunk in enumerate(chunks)]


def fits_card(text: str) -> bool:
    """Whether a text shows whole on a card: a short first line and a short rest."""
    first, _, rest = text.partition("\n")
    return len(first) <= TITLE_CHARS and len(rest) <= BODY_CHARS


def card_body(card: Outgoing, note: str = "") -> dict[str, Any]:
    """The template_card of a button_interaction card; ``note`` is quoted under the text."""
    first, _, rest = card.text.strip().partition("\n")
    template: dict[str, Any] = {
        "card_type": "button_interaction",
        "main_title": {"title": clip(first, TITLE_CHARS) or texts.WECOM_MORE_CHOICES},
        "task_id": card.extra[TASK],
        "button_list": [{"text": clip(button.label, LABEL_CHARS), "style": 1,
                         "key": button_key(button)} for button in flat_buttons(card)],
    }
    if rest.strip():
        template["sub_title_text"] = clip(rest.strip(), BODY_CHARS)
    if note:
        template["quote_area"] = {"type": 0, "quote_text": clip(note, BODY_CHARS)}
    return template


def button_key(button: Button) -> str:
    """The key WeCom returns as EventKey: the payload, which must fit WeCom's limit."""
    if len(button.payload.encode()) > MAX_KEY_BYTES:
        raise CardError(f"button payload longer than {MAX_KEY_BYTES} bytes: {button.label}")
    return button.payload


def text_chunks(text: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """Split a text into pieces of at most ``limit`` UTF-8 bytes, at line ends where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line.encode()) > limit:
            head = line.encode()[:limit].decode("utf-8", "ignore")
            if current:
                chunks.append(current)
                current = ""
            chunks.append(head)
            line = line[len(head):]
        if len((current + line).encode()) > limit:
            chunks.append(current)
            current = ""
        current += line
    if current or not chunks:
        chunks.append(current)
    return [chunk.rstrip("\n") for chunk in chunks]


def short_label(text: str) -> str:
    """The first sentence of a text, short enough to stand in for a button's text."""
    first = text.strip().split("\n")[0]
    for stop in "。！？":
        first = first.split(stop)[0]
    return clip(first, REPLACE_CHARS)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"
