"""/start and /bind: tie a chat account to a roster person and a group to a 屋场."""

from __future__ import annotations

from core import texts
from core.messages import Outgoing
from core.models import Person
from core.roles import Role
from handlers.context import Context, Refusal, Request
from storage import chats, invites, org


async def start(context: Context, request: Request) -> list[Outgoing]:
    """Bind this private chat account to the person whose invite code is given."""
    code = request.args.split()[0] if request.args.split() else ""
    if not code:
        if request.person is not None:
            return [request.reply(_describe(texts.ALREADY_BOUND, request.person))]
        raise Refusal(texts.START_USAGE)
    already_bound = request.person is not None
    person = await _claim(request, code)
    return [request.reply(_describe(
        texts.ALREADY_BOUND if already_bound else texts.BOUND_WELCOME, person))]


async def bind(context: Context, request: Request) -> list[Outgoing]:
    """Bind this group to the 屋场 of the head whose invite code is given."""
    code = request.args.split()[0] if request.args.split() else ""
    if not code:
        raise Refusal(texts.BIND_USAGE)
    found = await invites.find(request.connection, code)
    if found is None:
        raise Refusal(texts.INVITE_UNKNOWN.format(code=code))
    head = await org.person_by_id(request.connection, found.person_id)
    assert head is not None
    if head.role is not Role.HEAD or head.homestead_id is None:
        raise Refusal(texts.BIND_NOT_HEAD)
    if request.person is not None and request.person.id != head.id:
        raise Refusal(texts.BIND_NOT_YOURS)
    if request.homestead is not None:
        if request.homestead.id == head.homestead_id:
            return [request.reply(texts.GROUP_ALREADY_BOUND.format(
                place=request.homestead.full_name))]
        raise Refusal(texts.GROUP_BOUND_ELSEWHERE.format(place=request.homestead.full_name))
    if request.person is None:
        await _claim(request, code, refusal_if_used=texts.BIND_NOT_YOURS)
    incoming = request.incoming
    await chats.bind_group(request.connection, incoming.channel, incoming.chat_id,
                           head.homestead_id, head.id, request.now)
    await request.log(f"homestead:{head.homestead_id}", "group.bound",
                      {"homestead_id": head.homestead_id}, by=head)
    homestead = await org.homestead_by_id(request.connection, head.homestead_id)
    assert homestead is not None
    return [request.reply(texts.GROUP_BOUND.format(place=homestead.full_name))]


async def _claim(request: Request, code: str, refusal_if_used: str = texts.INVITE_USED) -> Person:
    """Bind the sender's account with ``code``, refusing wrong, used or foreign codes."""
    incoming = request.incoming
    found = await invites.find(request.connection, code)
    if found is None:
        raise Refusal(texts.INVITE_UNKNOWN.format(code=code))
    owner = await org.person_by_id(request.connection, found.person_id)
    assert owner is not None
    if request.person is not None:
        if request.person.id == owner.id:
            return owner
        raise Refusal(texts.ACCOUNT_TAKEN.format(name=request.person.name))
    if found.used_at is not None:
        raise Refusal(refusal_if_used)
    await chats.bind_account(request.connection, incoming.channel, incoming.user_id, owner.id,
                             request.now)
    await invites.mark_used(request.connection, found.code, incoming.channel, incoming.user_id,
                            request.now)
    await request.log(f"person:{owner.id}", "account.bound",
                      {"channel": incoming.channel, "user_id": incoming.user_id}, by=owner)
    return owner


def _describe(template: str, person: Person) -> str:
    return template.format(name=person.name, place=person.place_name, role=person.role.label)
