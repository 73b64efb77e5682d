"""Neutral message types that every channel adapter translates to and from."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ChatKind(StrEnum):
    """Whether a chat is one person's private chat or a group."""

    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Button:
    """One inline button: the label a person sees and the payload it sends back."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Incoming:
    """A message or a button press from a person, as every channel delivers it.

    For a press, ``payload`` is the button's payload and ``message_id`` the
    platform's id of the message the button was on, where the platform has one.
    """

    channel: str
    chat_id: str
    chat_kind: ChatKind
    user_id: str
    text: str | None = None
    payload: str | None = None
    user_name: str = ""
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message for one chat: text, optional button rows and an optional PNG image.

    Two hints for replies to a button press: ``toast`` is a short acknowledgement
    for the presser alone (Telegram shows it as the callback answer, not in the
    chat); ``edit`` asks to rewrite the pressed message (keeping its buttons)
    instead of posting a new one, e.g. the 签到 message with the new count.
    Channels that can do neither send such replies as ordinary messages.
    """

    chat_id: str
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    image: bytes | None = None
    chat_kind: ChatKind = ChatKind.GROUP
    extra: dict[str, str] = field(default_factory=dict)
    toast: bool = False
    edit: bool = False

    def button_labels(self) -> list[str]:
        """Return every button label, row by row."""
        return [button.label for row in self.buttons for button in row]


# Outgoing.extra of a message the dispatcher delivers from the outbox: its row's id,
# the same on every attempt (WeCom names the cards it sends by it).
OUTBOX_ROW = "outbox_row"


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can show and do, declared by its adapter.

    Where a channel lacks one, the delivery policy (``core.delivery``, applied by the
    handlers and the outbox) sends something it can show instead; the adapter never
    decides that. ``parallel_sends`` is how many chats it may be sending to at once.
    """

    group_buttons: bool = True  # buttons under a message in a group
    hears_groups: bool = True  # what people type in a group reaches the bot
    edit: bool = True  # rewrite the message a button was pressed on
    toast: bool = True  # a short answer for the presser alone
    pictures: bool = True
    parallel_sends: int = 1


class DeliveryError(Exception):
    """A channel could not deliver a message.

    ``permanent`` means retrying cannot help (the bot was removed from the group,
    the chat does not exist); ``retry_after`` is the wait the platform asked for.
    """

    def __init__(self, reason: str, *, permanent: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


PHONE_TEXT_LIMIT = 4096  # characters one chat message may hold (Telegram's limit, the lowest)


def split_for_phone(text: str, limit: int = PHONE_TEXT_LIMIT) -> list[str]:
    """A long text as messages of at most ``limit`` characters, broken between lines.

    A single line longer than ``limit`` (verbatim minutes may have one) is cut in pieces.
    """
    lines = [line[start:start + limit] for line in text.split("\n")
             for start in range(0, max(len(line), 1), limit)]
    parts: list[str] = []
    for line in lines:
        if parts and len(parts[-1]) + 1 + len(line) <= limit:
            parts[-1] += "\n" + line
        else:
            parts.append(line)
    return parts
