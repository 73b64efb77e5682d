"""What every handler receives: the shared services and the request being handled."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from core.messages import Button, ChatKind, Incoming, Outgoing
from core.models import Homestead, Person
from storage import events, org
from storage.context import Context
from storage.events import Actor

__all__ = ["Context", "LookedUp", "Refusal", "Request"]


class Refusal(Exception):
    """A request that cannot be carried out; ``text`` tells the person what to do instead."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class LookedUp(Protocol):
    """The sender and the group, looked up by a command's own statement (``Command.looks_up``)."""

    @property
    def person(self) -> Person | None:
        """The person bound to the sender's chat account, if any."""

    @property
    def homestead(self) -> Homestead | None:
        """The 屋场 the group is bound to, if any."""


@dataclass(frozen=True, slots=True)
class Request:
    """One message being handled: who sent it, where, and the open transaction."""

    incoming: Incoming
    command: str
    args: str
    person: Person | None
    homestead: Homestead | None
    connection: AsyncConnection
    now: datetime
    looked_up: LookedUp | None = None  # what the command's own look-up found and did

    @property
    def pressed(self) -> bool:
        """Whether the request is a button press."""
        return self.incoming.payload is not None

    @property
    def in_group(self) -> bool:
        """Whether the message came from a group chat."""
        return self.incoming.chat_kind is ChatKind.GROUP

    def reply(self, text: str, buttons: tuple[tuple[Button, ...], ...] = (), *,
              toast: bool = False, edit: bool = False) -> Outgoing:
        """A message back to the chat the request came from (see Outgoing for the hints)."""
        return Outgoing(chat_id=self.incoming.chat_id, text=text, buttons=buttons,
                        chat_kind=self.incoming.chat_kind, toast=toast, edit=edit)

    def require_person(self) -> Person:
        """The bound sender; the router has checked it for commands that need one."""
        assert self.person is not None
        return self.person

    def actor(self, person: Person | None = None) -> Actor:
        """The sender (or ``person``, acting through this chat) as the author of a change."""
        acting = person or self.require_person()
        return Actor(acting.id, self.incoming.channel, self.incoming.chat_id)

    async def log(self, stream: str, kind: str, payload: Mapping[str, Any], *,
                  by: Person | None = None) -> int:
        """Append an event made now from this chat by the sender, or by ``by`` (rule I7)."""
        return await events.record(self.connection, self.actor(by), at=self.now, stream=stream,
                                   kind=kind, payload=payload)

    async def own_homestead(self, refusal: str) -> Homestead:
        """The group's 屋场, or in a private chat the sender's own; ``refusal`` if none."""
        if self.homestead is not None:
            return self.homestead
        person = self.require_person()
        found = (await org.homestead_by_id(self.connection, person.homestead_id)
                 if person.homestead_id is not None else None)
        if found is None:
            raise Refusal(refusal)
        return found

    def require_homestead(self) -> Homestead:
        """The group's 屋场; the router has checked it for group commands."""
        assert self.homestead is not None
        return self.homestead
