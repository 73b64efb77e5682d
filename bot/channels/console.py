"""The console channel: the terminal and replay scripts speak to the real handlers."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels import ChannelDefaults
from core import texts
from core.messages import Capabilities, ChatKind, Incoming, Outgoing
from core.models import Homestead
from handlers import binding
from storage import console_log, org
from storage.context import Context

CHANNEL = "console"
PRIVATE = "private"

Printer = Callable[[Outgoing, str], None]


def group_chat_id(homestead: Homestead) -> str:
    """The console's chat id of a 屋场 group."""
    return f"hs:{homestead.id}"


class ConsoleChannel(ChannelDefaults):
    """Shows messages through a printer and remembers their buttons for later presses."""

    name = CHANNEL
    capabilities = Capabilities(parallel_sends=1)  # replay prints in queue order

    def __init__(self, context: Context, printer: Printer) -> None:
        self.context = context
        self.printer = printer
        self._names: dict[str, str] = {}

    async def start(self) -> None:
        """Name the groups by their 屋场."""
        await self.load_names()

    async def load_names(self) -> None:
        """Name each group chat by its 屋场, or 村/屋场 where the 屋场 name is not unique."""
        async with self.context.db.read() as connection:
            homesteads = await org.all_homesteads(connection)
        counts: dict[str, int] = {}
        for homestead in homesteads:
            counts[homestead.name] = counts.get(homestead.name, 0) + 1
        self._names = {
            group_chat_id(homestead): homestead.name if counts[homestead.name] == 1
            else f"{homestead.village}/{homestead.name}"
            for homestead in homesteads
        }

    def chat_name(self, message: Outgoing) -> str:
        """How replay prints the chat: ``private`` or the 屋场's name."""
        if message.chat_kind is ChatKind.PRIVATE:
            return PRIVATE
        return self._names.get(message.chat_id, message.chat_id)

    async def send(self, message: Outgoing) -> None:
        """Show a message (from the outbox or a reply) and keep its buttons.

        The kept messages are the console's stand-in for a platform's own history (a
        later replay presses a button of an earlier one); they are the console's, not
        the product's, and no handler reads them.
        """
        async with self.context.db.write() as connection:
            await console_log.record(connection, message)
        self.printer(message, self.chat_name(message))

    async def resolve_chat(self, chat: str, person_code: str) -> tuple[str, ChatKind]:
        """Turn a script's CHAT (``private``, ``屋场`` or ``村/屋场``) into a console chat id."""
        if chat == PRIVATE:
            return person_code, ChatKind.PRIVATE
        async with self.context.db.read() as connection:
            found = await org.homesteads_named(connection, chat)
        if not found:
            raise LookupError(texts.CONSOLE_NO_HOMESTEAD.format(name=chat))
        if len(found) > 1:
            raise LookupError(texts.CONSOLE_AMBIGUOUS.format(name=chat))
        return group_chat_id(found[0]), ChatKind.GROUP

    async def incoming(self, person_code: str, chat: str, *, text: str | None = None,
                       press: str | None = None) -> Incoming:
        """Build the Incoming for a person's message or button press in a chat."""
        chat_id, kind = await self.resolve_chat(chat, person_code)
        payload = None
        if press is not None:
            async with self.context.db.read() as connection:
                payload = await console_log.button_payload(connection, chat_id, press)
            if payload is None:
                raise LookupError(texts.CONSOLE_NO_BUTTON.format(chat=chat, label=press))
        return Incoming(channel=CHANNEL, chat_id=chat_id, chat_kind=kind, user_id=person_code,
                        text=text, payload=payload)

    async def bind_everyone(self, except_persons: set[str], except_homesteads: set[int]) -> None:
        """Give every roster person a console account and every 屋场 its console group.

        Persons and 屋场 that the script itself binds (with /start or /bind) are left
        unbound, so the script shows the real binding.
        """
        await binding.bind_everyone(self.context, CHANNEL, group_chat_id, except_persons,
                                    except_homesteads)
