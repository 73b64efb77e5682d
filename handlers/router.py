"""Route an Incoming message to its command, after checking who may do it where."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.delivery import REFUSED
from core.messages import ChatKind, Incoming, Outgoing
from core.permissions import covers
from core.roles import Role
from core.when import DateTooFar
from handlers.context import Context, LookedUp, Refusal, Request
from storage import inbox, org

logger = logging.getLogger(__name__)

# Chinese phone keyboards offer the full-width slash (U+FF0F) as readily as "/".
COMMAND_MARKS = ("/", "／")

Handler = Callable[[Context, Request], Awaitable[list[Outgoing]]]
# A command's look-up of the sender and the group that does the command's own first
# statement in the same round trip (Command.looks_up): None when it does not apply.
LookUp = Callable[[AsyncConnection, Incoming, str, datetime], Awaitable[LookedUp | None]]

# The command a picture or file goes to when its caption names no command.
ATTACHMENT = "attachment"


class Where(StrEnum):
    """Which kind of chat a command is meant for."""

    PRIVATE = "private"
    GROUP = "group"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class Command:
    """One entry of the command table.

    ``roles`` None means anyone, bound or not; ``listed_for`` narrows which bound
    roles /help shows it to (default: ``roles``); ``button_only`` commands come from
    button presses (payload ``name:args``) and are not listed by /help. Every typed
    command, and only a typed one, has ``help``: /help and a channel's command menu
    both read it from here. ``reads_only`` commands run in a read transaction and never
    hold SQLite's write lock; one that writes after slow work (a picture) opens its own
    short ``context.db.write()``. ``looks_up`` replaces the router's look-up of the
    sender and the group for a command whose first statement goes in the same round trip
    (a burst of 签到 presses): the router's checks and the handler's then run on what it
    found, and a refusal rolls back what it wrote with the rest of the transaction.
    """

    name: str
    handler: Handler
    where: Where
    roles: frozenset[Role] | None
    aliases: tuple[str, ...] = ()
    needs_bound_group: bool = True
    button_only: bool = False
    listed_for: frozenset[Role] | None = None
    reads_only: bool = False
    help: texts.CommandHelp | None = None
    attachment_only: bool = False
    looks_up: LookUp | None = None

    def __post_init__(self) -> None:
        typed = not (self.button_only or self.attachment_only)
        if typed and self.help is None:
            raise ValueError(f"typed command {self.name!r} has no help")
        if self.button_only and self.help is not None:
            raise ValueError(f"button-only command {self.name!r} is never listed: no help")
        if self.attachment_only and self.help is not None:
            raise ValueError(f"attachment command {self.name!r} is never listed: no help")
        if self.looks_up is not None and self.reads_only:
            raise ValueError(f"command {self.name!r} reads only: its look-up may not write")

    def takes(self, incoming: Incoming) -> bool:
        """Whether the message is of the form the command takes: typed, pressed or a file."""
        if self.button_only:
            return incoming.payload is not None
        if self.attachment_only:
            return incoming.attachment is not None
        return True

    def fits(self, chat_kind: ChatKind) -> bool:
        """Whether the command may be used in this kind of chat."""
        return self.where is Where.ANY or self.where.value == chat_kind.value

    def allows(self, role: Role | None) -> bool:
        """Whether a person of ``role`` (None: not bound) may use the command."""
        return self.roles is None or (role is not None and role in self.roles)

    def listed(self, role: Role | None, chat_kind: ChatKind) -> bool:
        """Whether /help (and a menu) shows the command to ``role`` (None: not bound) here.

        A button-only command (no help) is never listed.
        """
        if self.help is None or not self.fits(chat_kind):
            return False
        if role is None:
            return self.roles is None
        shown_to = self.listed_for if self.listed_for is not None else self.roles
        return shown_to is None or role in shown_to


class Router:
    """Dispatches messages through one ordered table of commands."""

    def __init__(self, commands: Sequence[Command]) -> None:
        self.commands = list(commands)
        self._by_name: dict[str, Command] = {}
        for command in commands:
            for name in (command.name, *command.aliases):
                if name in self._by_name:
                    raise ValueError(f"command name {name!r} registered twice")
                self._by_name[name] = command

    def parse(self, incoming: Incoming) -> tuple[str, str] | None:
        """Return (command name, arguments) of a message, or None if it is not for the bot.

        A picture or file whose caption names no command goes to ``ATTACHMENT``.
        """
        if incoming.payload is not None:
            name, _, args = incoming.payload.partition(":")
            return name, args
        typed = self._typed(incoming)
        if typed is None and incoming.attachment is not None:
            return ATTACHMENT, (incoming.text or "").strip()
        return typed

    def _typed(self, incoming: Incoming) -> tuple[str, str] | None:
        """The command and arguments typed in a message's text, if it names one."""
        words = (incoming.text or "").split(maxsplit=1)  # any space, the full-width one too
        if not words:
            return None
        first, rest = words[0], words[1].strip() if len(words) > 1 else ""
        if first.startswith(COMMAND_MARKS):
            return unicodedata.normalize("NFKC", first[1:]).split("@", 1)[0].lower(), rest
        if first in self._by_name and self._by_name[first].name != first:
            return first, rest
        return None

    def command_for(self, incoming: Incoming) -> Command | None:
        """The command a message names, if it names one."""
        parsed = self.parse(incoming)
        return self._by_name.get(parsed[0]) if parsed else None

    async def handle(self, context: Context, incoming: Incoming) -> list[Outgoing]:
        """Handle one message; a refusal or a failure changes nothing and gets a reply."""
        parsed = self.parse(incoming)
        if parsed is None:
            if incoming.chat_kind is not ChatKind.PRIVATE:
                return []
            if incoming.text is None:  # a voice message, a sticker: nothing to read
                return [_reply(incoming, texts.MEDIA_NOT_TAKEN)]
            return [_reply(incoming, texts.NOT_A_COMMAND_PRIVATE)] if incoming.text else []
        name, args = parsed
        if "\x00" in (incoming.text or "") or "\x00" in (incoming.payload or ""):
            # PostgreSQL's text cannot hold NUL; refused on every database alike.
            return [_reply(incoming, texts.TEXT_HAS_NUL, toast=incoming.payload is not None,
                           refused=True)]
        command = self._by_name.get(name)
        if command is None or not command.takes(incoming):
            if incoming.payload is not None:
                return [_reply(incoming, texts.BUTTON_EXPIRED, toast=True, refused=True)]
            return [_reply(incoming, texts.UNKNOWN_COMMAND.format(command="/" + name),
                           refused=True)]
        try:
            transaction = context.db.read if command.reads_only else context.db.write
            async with transaction() as connection:
                request = await self._request(context, connection, incoming, command, args)
                replies = await command.handler(context, request)
                if incoming.inbox_key is not None and not command.reads_only \
                        and not await inbox.finish(connection, incoming.channel,
                                                   incoming.inbox_key, request.now):
                    raise _AlreadyHandled  # another worker's handling of it committed first
                return replies
        except _AlreadyHandled:
            logger.info("%s %s was handled already", incoming.channel, incoming.inbox_key)
            return []
        except Refusal as refusal:
            return [_reply(incoming, refusal.text, toast=incoming.payload is not None,
                           refused=True)]
        except DateTooFar as far:
            return [_reply(incoming, texts.DATE_TOO_FAR.format(value=far.text), refused=True)]
        except (OverflowError, DBAPIError) as error:
            if _too_long(error):  # a text past its column's length (PostgreSQL checks it)
                return [_reply(incoming, texts.TEXT_TOO_LONG_SOMEWHERE, refused=True)]
            if not _out_of_range(error):
                logger.exception("handling %r from %s:%s failed", name, incoming.channel,
                                 incoming.user_id)
                return [_reply(incoming, texts.INTERNAL_ERROR, refused=True)]
            # A number past what the database holds (a typed or forged 编号): the
            # transaction was rolled back; say what to check instead of "internal error".
            logger.info("number out of range in %r from %s:%s", name, incoming.channel,
                        incoming.user_id)
            return [_reply(incoming, texts.NUMBER_TOO_LARGE,
                           toast=incoming.payload is not None, refused=True)]
        except Exception:
            logger.exception("handling %r from %s:%s failed", name, incoming.channel,
                             incoming.user_id)
            return [_reply(incoming, texts.INTERNAL_ERROR, refused=True)]

    async def _request(self, context: Context, connection: AsyncConnection, incoming: Incoming,
                       command: Command, args: str) -> Request:
        """Resolve the sender and the group, and check that the command is allowed here."""
        usage = "/" + command.name
        if not command.fits(incoming.chat_kind):
            template = texts.PRIVATE_ONLY if command.where is Where.PRIVATE else texts.GROUP_ONLY
            raise Refusal(template.format(command=usage))
        in_group = incoming.chat_kind is ChatKind.GROUP
        now = context.clock.now()
        looked_up = None if command.looks_up is None \
            else await command.looks_up(connection, incoming, args, now)
        if looked_up is not None:
            person, homestead = looked_up.person, looked_up.homestead
        else:
            person, homestead = await org.sender_and_group(
                connection, incoming.channel, incoming.user_id,
                incoming.chat_id if in_group else None)
        if command.roles is not None:
            if person is None:
                raise Refusal(texts.NOT_BOUND)
            if homestead is None and incoming.chat_kind is ChatKind.GROUP \
                    and command.needs_bound_group:
                raise Refusal(texts.GROUP_NOT_BOUND)
            if not command.allows(person.role):
                raise Refusal(texts.ROLE_REFUSED.format(role=person.role.label, command=usage))
            if homestead is not None and not covers(person.role, person.place, homestead.place):
                raise Refusal(texts.PLACE_REFUSED.format(place=homestead.full_name))
        return Request(incoming=incoming, command=command.name, args=args, person=person,
                       homestead=homestead, connection=connection, now=now,
                       looked_up=looked_up)


class _AlreadyHandled(Exception):
    """The inbox row of the message was marked done meanwhile: undo this handling."""


def _reply(incoming: Incoming, text: str, *, toast: bool = False,
           refused: bool = False) -> Outgoing:
    return Outgoing(chat_id=incoming.chat_id, text=text, chat_kind=incoming.chat_kind,
                    toast=toast, extra={REFUSED: "1"} if refused else {})


def _out_of_range(error: Exception) -> bool:
    """Whether the database refused a number too large for its column (SQLite, PostgreSQL)."""
    if isinstance(error, OverflowError):
        return True
    reason = str(getattr(error, "orig", error))
    return "out of int32 range" in reason or "out of int64 range" in reason \
        or "out of range for type" in reason


def _too_long(error: Exception) -> bool:
    """Whether the database refused a text longer than its column (PostgreSQL)."""
    return "value too long for type" in str(getattr(error, "orig", error))
