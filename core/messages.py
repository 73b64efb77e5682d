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
