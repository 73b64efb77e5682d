"""The one ordered table of every command, and /help, which reads it."""

from __future__ import annotations

from core import texts
from core.messages import ChatKind, Outgoing
from core.permissions import covers
from core.roles import EVERYONE, Role
from handlers import binding
from handlers.context import Context, Request
from handlers.router import Command, Router, Where


async def help_command(context: Context, request: Request) -> list[Outgoing]:
    """List what this person may do in this chat."""
    person = request.person
    kind = request.incoming.chat_kind
    in_place = person is not None and (
        kind is ChatKind.PRIVATE or (request.homestead is not None and covers(
            person.role, person.place, request.homestead.place)))
    lines = []
    for command in COMMANDS:
        if command.button_only or not command.fits(kind):
            continue
        if not command.listed(person.role if person else None):
            continue
        if command.roles is not None and not in_place:
            continue
        usage, summary = texts.COMMAND_HELP[command.name]
        lines.append(texts.HELP_LINE.format(usage=usage, summary=summary))
    header = (texts.HELP_HEADER.format(name=person.name, role=person.role.label)
              if person is not None else texts.HELP_HEADER_UNBOUND)
    return [request.reply("\n".join([header, *lines]))]


COMMANDS: list[Command] = [
    Command("start", binding.start, Where.PRIVATE, roles=None, listed_for=frozenset()),
    Command("bind", binding.bind, Where.GROUP, roles=None, needs_bound_group=False,
            listed_for=frozenset({Role.HEAD})),
    Command("help", help_command, Where.ANY, roles=None, aliases=("帮助",),
            listed_for=EVERYONE),
]


def build_router() -> Router:
    """The router over the command table."""
    return Router(COMMANDS)
