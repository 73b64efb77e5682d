"""The delivery policy: what a channel is sent where it cannot show a message as it is.

Decided here once, for every channel, from the capabilities its adapter declares;
applied by the handlers to their replies and by the outbox when it queues a push,
so an adapter only translates what it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core import texts
from core.messages import Capabilities, ChatKind, Incoming, Outgoing

# Outgoing.extra hint on a refusal: meant for the sender alone, so where the sender
# typed elsewhere than the group (a channel that does not hear groups) it goes to them.
REFUSED = "refused"

Member = tuple[int, str]  # a person's id and their account on the channel


def fan_out(message: Outgoing, capabilities: Capabilities,
            members: Sequence[Member]) -> list[tuple[str, Outgoing]]:
    """The messages that carry ``message`` on a channel, each with its key suffix.

    The first is the message itself (suffix ``""``). In a group that cannot show
    buttons, it goes as text, and each member of the group's 屋场 with an account on
    the channel gets its buttons in a private message of their own (suffix ``:p<id>``).
    """
    shown = message if capabilities.pictures else replace(message, image=None)
    if shown.chat_kind is ChatKind.PRIVATE or not shown.buttons or capabilities.group_buttons:
        return [("", shown)]
    group = replace(shown, buttons=(),
                    text=f"{shown.text}\n{texts.BUTTONS_SENT_PRIVATELY}".lstrip("\n"))
    return [("", group)] + [
        (f":p{person_id}", Outgoing(chat_id=account, text=shown.text, buttons=shown.buttons,
                                    chat_kind=ChatKind.PRIVATE))
        for person_id, account in members]


def for_sender(reply: Outgoing) -> bool:
    """Whether a reply is for the person who sent the message alone."""
    return reply.toast or reply.edit or REFUSED in reply.extra


def answer_privately(reply: Outgoing, origin: Incoming) -> Outgoing:
    """A reply for the sender, moved to the private chat they wrote or pressed in."""
    return replace(reply, chat_id=origin.chat_id, chat_kind=ChatKind.PRIVATE)


def within(reply: Outgoing, capabilities: Capabilities, origin: Incoming) -> Outgoing:
    """A reply the channel can show: a toast as a private message, an edit as a new one.

    Private chat ids are the users' own ids on every channel wuchang serves.
    """
    if reply.toast and not capabilities.toast:
        reply = replace(reply, toast=False, edit=False, chat_id=origin.user_id,
                        chat_kind=ChatKind.PRIVATE)
    if reply.edit and not capabilities.edit:
        reply = replace(reply, edit=False)
    return reply
