"""Neutral message types that every channel adapter translates to and from."""

from __future__ import annotations

from collections.abc import Sequence
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


class AttachmentKind(StrEnum):
    """A picture (shown in the chat) or any other file."""

    PICTURE = "picture"
    FILE = "file"


# The largest picture or file a channel hands over (Telegram bots can fetch 20 MB at most).
MAX_ATTACHMENT = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Attachment:
    """A picture or file sent with a message, as the channel downloaded it.

    ``size`` is what the platform declared; a channel does not download one over
    ``MAX_ATTACHMENT`` and passes it with empty ``content``, so the handlers (not the
    adapter) decide what to say about it.
    """

    kind: AttachmentKind
    name: str
    mime_type: str
    content: bytes
    size: int

    @property
    def too_big(self) -> bool:
        """Whether it is over the limit (its content was then not downloaded)."""
        return self.size > MAX_ATTACHMENT


@dataclass(frozen=True, slots=True)
class Incoming:
    """A message or a button press from a person, as every channel delivers it.

    For a press, ``payload`` is the button's payload and ``message_id`` the
    platform's id of the message the button was on, where the platform has one.
    ``attachment`` is a picture or file sent with the message (its caption is
    ``text``), on channels that pass them (``Capabilities.passes_files``).
    A message with neither text, payload nor attachment is one the channel does not
    pass on (a voice message, a sticker, a WeCom picture): the router says what the bot
    can take. ``inbox_key`` is the key of the inbox row it was handled from, if any: what it
    changes is committed with that row marked done, so it happens once.
    """

    channel: str
    chat_id: str
    chat_kind: ChatKind
    user_id: str
    text: str | None = None
    payload: str | None = None
    user_name: str = ""
    message_id: str | None = None
    attachment: Attachment | None = None
    inbox_key: str | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message for one chat: text, optional button rows and an optional image (PNG or JPEG).

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
    passes_files: bool = False  # pictures and files people send reach the bot
    parallel_sends: int = 1


# What a channel is taken to show when none is registered under its name (a test's).
FULL = Capabilities()


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


# Telegram's limit on one message's text, the narrowest of the channels: a page of a
# long list fits in it. Counted in UTF-16 code units, as Telegram counts (an emoji is 2).
PAGE_LIMIT = 4096
ELLIPSIS = "…"


def text_length(text: str) -> int:
    """The length of a text as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, room: int) -> str:
    """``line`` shortened with an ellipsis to at most ``room`` units."""
    if text_length(line) <= room:
        return line
    line = line[:room]  # each character takes at least one unit
    while line and text_length(line) + len(ELLIPSIS) > room:
        line = line[:-1]
    return line + ELLIPSIS


def paginate(header: str, lines: Sequence[str], marker: str,
             limit: int = PAGE_LIMIT) -> list[str]:
    """Pages of ``header`` and ``lines`` for a phone, each within ``limit``.

    Lines are never split between pages; a line too long for a page is cut. With more
    than one page, each page's header ends with ``marker`` (``{page}``/``{pages}``),
    for example （第1/3页）. Without lines, one page of the header alone.
    """
    whole = "\n".join([header, *lines])
    if text_length(whole) <= limit:
        return [whole]
    widest = marker.format(page=10**6, pages=10**6)
    room = limit - text_length(header) - text_length(widest) - 1  # the header's line break
    if room < 1:
        raise ValueError("the header and its page marker leave no room for a line")
    groups: list[list[str]] = [[]]
    used = 0
    for line in (_cut(line, room) for line in lines):
        size = text_length(line) + (1 if groups[-1] else 0)
        if groups[-1] and used + size > room:
            groups.append([])
            size = text_length(line)
            used = 0
        groups[-1].append(line)
        used += size
    if len(groups) == 1:  # one line, cut to fit
        return ["\n".join([header, *groups[0]])]
    return ["\n".join([header + marker.format(page=number, pages=len(groups)), *group])
            for number, group in enumerate(groups, start=1)]
def split_for_phone(text: str, limit: int = PAGE_LIMIT) -> list[str]:
    """A long text as messages within ``limit`` (as ``text_length`` counts), broken between lines.

    Unlike ``paginate``, nothing is cut away: a single line longer than ``limit``
    (verbatim minutes may have one) is carried over in pieces.
    """
    lines: list[str] = []
    for line in text.split("\n"):
        while text_length(line) > limit:
            head = line[:limit]
            while text_length(head) > limit:
                head = head[:-1]
            lines.append(head)
            line = line[len(head):]
        lines.append(line)
    parts: list[str] = []
    for line in lines:
        if parts and text_length(parts[-1]) + 1 + text_length(line) <= limit:
            parts[-1] += "\n" + line
        else:
            parts.append(line)
    return parts
