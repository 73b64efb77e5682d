"""Notices and 公示 in chat: send, read (已阅), object, answer, list (rules P1-P2)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from core import texts
from core.messages import (
    MAX_ATTACHMENT,
    Attachment,
    AttachmentKind,
    Button,
    Capabilities,
    ChatKind,
    Outgoing,
)
from core.models import Person
from core.permissions import covers
from core.publication import (
    ATTACH_WINDOW,
    CHOSEN_KINDS,
    DEFAULT_PUBLICITY_DAYS,
    MAX_OBJECTION,
    MAX_TEXT,
    PUSHED_PICTURE,
    Notice,
    Status,
    attachment_for,
    excerpt,
    last_day,
    office_for,
    publisher_label,
    reaches,
    read_request,
    scope_for,
    size_label,
    unanswered,
)
from handlers.context import Context, Refusal, Request
from storage import chats, notify, outbox, publication, publishing

KIND_ROW = 2
LISTED = 10  # notices /notices shows
NO_FILES = Capabilities()  # a channel not running (a test's) passes no files


def _day(context: Context, ends_at: datetime) -> str:
    """The last day of a 公示 that ends at the midnight after it: 11月12日."""
    return last_day(ends_at, context.timezone)


async def _named(request: Request, usage: str, *, parts: int) -> tuple[Notice, list[str]]:
    """The sent notice the first word numbers, and up to ``parts`` words after it."""
    words = request.args.split(maxsplit=parts)
    if not words:
        raise Refusal(usage)
    if not words[0].lstrip("#").isdecimal():
        raise Refusal(texts.NOTICE_BAD_NUMBER.format(usage=usage))
    return await _sent(request, int(words[0].lstrip("#"))), words[1:]


async def _sent(request: Request, number: int) -> Notice:
    """A notice that went out, by its number; drafts are nobody's business but their sender's."""
    found = await publication.get(request.connection, number)
    if found is None or found.status is Status.DRAFT:
        raise Refusal(texts.NOTICE_UNKNOWN.format(number=number))
    return found


def _member(person: Person, found: Notice) -> None:
    """Refuse anyone who is not of the notice's scope (rule P1)."""
    if not reaches(found.scope, person.place):
        raise Refusal(texts.NOTICE_NOT_YOURS.format(number=found.id))


def _kind_buttons(notice_id: int) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(kind.label, f"nkind:{notice_id}:{index}")
               for index, kind in enumerate(CHOSEN_KINDS)]
    return tuple(tuple(buttons[start:start + KIND_ROW])
                 for start in range(0, len(buttons), KIND_ROW))


async def send_notice(context: Context, request: Request) -> list[Outgoing]:
    """Draft a notice to the sender's 屋场, village or township; its kind follows (P1)."""
    return await _draft(request, publicity=False)


async def publicize(context: Context, request: Request) -> list[Outgoing]:
    """Draft a 公示 running N official working days (default 5); its kind follows (P2)."""
    return await _draft(request, publicity=True)


async def _draft(request: Request, *, publicity: bool) -> list[Outgoing]:
    try:
        wanted = read_request(request.args, publicity=publicity)
    except ValueError as error:
        raise Refusal(str(error)) from None
    person = request.require_person()
    scope = scope_for(person.role, person.place)  # rule P1
    if scope is None:
        raise Refusal(texts.NOTICE_NO_SCOPE)
    if wanted.corrects is not None:  # never edited: a correction is a new notice naming it
        old = await _sent(request, wanted.corrects)
        if not old.managed_by(person):
            raise Refusal(texts.CORRECTION_NOT_YOURS.format(number=old.id))
        scope = old.scope
    days = (wanted.days or DEFAULT_PUBLICITY_DAYS) if publicity else None
    drafted = await publication.draft(
        request.connection, scope=scope, text=wanted.text, publisher_id=person.id,
        publicity=publicity, days=days, corrects=wanted.corrects, now=request.now)
    await request.log(f"notice:{drafted.id}", "notice.drafted",
                      {"text": drafted.text, "publicity": publicity, "days": days,
                       "corrects": drafted.corrects})
    what = texts.PUBLICITY_WHAT if publicity else texts.NOTICE_WHAT
    return [request.reply(texts.NOTICE_CHOOSE_KIND.format(
        number=drafted.id, what=what, excerpt=excerpt(drafted.text)),
        buttons=_kind_buttons(drafted.id))]


async def choose_kind(context: Context, request: Request) -> list[Outgoing]:
    """Send a drafted notice with the kind pressed, to every group of its scope (P1, P2)."""
    number, _, index = request.args.partition(":")
    found = await publication.get(request.connection, int(number)) \
        if number.isdecimal() else None
    if found is None or not index.isdecimal() or int(index) >= len(CHOSEN_KINDS):
        raise Refusal(texts.BUTTON_EXPIRED)
    person = request.require_person()
    if found.publisher_id != person.id:
        raise Refusal(texts.NOTICE_KIND_NOT_YOURS)
    ends_at = await publishing.publicity_end(
        context, request.connection, found.scope, found.days or DEFAULT_PUBLICITY_DAYS,
        request.now) if found.publicity else None
    sent = await publication.send(request.connection, found.id, CHOSEN_KINDS[int(index)],
                                  ends_at, request.now)
    if sent is None:
        raise Refusal(texts.NOTICE_ALREADY_SENT.format(number=found.id))
    scope_name, homesteads = await publishing.go_out(context, request.connection, sent, person,
                                                     request.actor(), request.now)
    groups = len({chat for _, _, chat in await chats.groups_of(request.connection, homesteads)})
    assert sent.kind is not None
    template = texts.NOTICE_SENT if groups else texts.NOTICE_NO_GROUPS
    hint = texts.NOTICE_ATTACH_HINT.format(minutes=_window_minutes()) \
        if context.channels.get(request.incoming.channel, NO_FILES).passes_files else ""
    return [request.reply(template.format(
        number=sent.id, what=texts.PUBLICITY_WHAT if sent.publicity else texts.NOTICE_WHAT,
        kind=sent.kind.label, scope=scope_name, groups=groups) + hint)]


def _window_minutes() -> int:
    return int(ATTACH_WINDOW.total_seconds()) // 60


async def mark_read(context: Context, request: Request) -> list[Outgoing]:
    """已阅: record the presser's household as reached, once per household (P1)."""
    found = await _pressed(request)
    person = request.require_person()
    if person.household_id is None or not reaches(found.scope, person.place):
        names = await publication.scope_names(request.connection, [found.scope])
        raise Refusal(texts.READ_NOT_MEMBER.format(scope=names[found.scope]))
    if not await publication.record_read(request.connection, found.id, person.household_id,
                                         person.id, request.now):
        return [request.reply(texts.READ_ALREADY, toast=True)]
    await request.log(f"notice:{found.id}", "notice.read", {"household": person.household})
    return [request.reply(texts.READ_RECORDED, toast=True)]


async def _pressed(request: Request) -> Notice:
    number = request.args
    found = await publication.get(request.connection, int(number)) \
        if number.isdecimal() else None
    if found is None or found.status is Status.DRAFT:
        raise Refusal(texts.BUTTON_EXPIRED)
    return found


async def how_to_object(context: Context, request: Request) -> list[Outgoing]:
    """异议: tell the presser how to object, while the 公示 runs (P2)."""
    found = await _pressed(request)
    _member(request.require_person(), found)
    if found.ends_at is None:
        raise Refusal(texts.OBJECT_NOT_PUBLICITY.format(number=found.id))
    if not found.running(request.now):
        raise Refusal(texts.OBJECT_ENDED.format(number=found.id,
                                                ends=_day(context, found.ends_at)))
    return [request.reply(texts.OBJECT_HOW.format(number=found.id,
                                                  ends=_day(context, found.ends_at)),
                          toast=True)]


async def object_to(context: Context, request: Request) -> list[Outgoing]:
    """Object to a running 公示; the publisher hears of it at once (P2)."""
    found, rest = await _named(request, texts.OBJECT_USAGE, parts=1)
    person = request.require_person()
    _member(person, found)
    if not rest:
        raise Refusal(texts.OBJECT_USAGE)
    if not found.publicity or found.ends_at is None:
        raise Refusal(texts.OBJECT_NOT_PUBLICITY.format(number=found.id))
    if not found.running(request.now):
        raise Refusal(texts.OBJECT_ENDED.format(number=found.id,
                                                ends=_day(context, found.ends_at)))
    reason = rest[0].strip()
    if len(reason) > MAX_OBJECTION:
        raise Refusal(texts.OBJECT_TOO_LONG.format(most=MAX_OBJECTION))
    sequence = await publication.add_objection(request.connection, found.id, person.id, reason,
                                               request.now)
    await request.log(f"notice:{found.id}", "notice.objected",
                      {"number": sequence, "text": reason})
    await notify.tell(request.connection, [found.publisher()],
                      key=f"notice:{found.id}:objection:{sequence}", now=request.now,
                      text=texts.OBJECTION_TO_PUBLISHER.format(
                          number=found.id, excerpt=excerpt(found.text), sequence=sequence,
                          text=reason))
    return [request.reply(texts.OBJECTED.format(number=found.id, sequence=sequence))]


async def answer(context: Context, request: Request) -> list[Outgoing]:
    """Answer an objection: the publisher or the office of the same scope; the objector is told."""
    found, rest = await _named(request, texts.ANSWER_USAGE, parts=2)
    person = request.require_person()
    if not found.managed_by(person):
        raise Refusal(texts.ANSWER_NOT_YOURS.format(number=found.id,
                                                    role=office_for(found.scope).role.label))
    if not found.publicity:
        raise Refusal(texts.ANSWER_NOT_PUBLICITY.format(number=found.id))
    if len(rest) < 2 or not rest[0].isdecimal():
        raise Refusal(texts.ANSWER_USAGE)
    sequence, reply = int(rest[0]), rest[1].strip()
    if len(reply) > MAX_TEXT:
        raise Refusal(texts.NOTICE_TOO_LONG.format(most=MAX_TEXT))
    raised = (await publication.objections(request.connection, [found.id])).get(found.id, [])
    objection = next((item for item in raised if item.number == sequence), None)
    if objection is None:
        raise Refusal(texts.OBJECTION_UNKNOWN.format(number=found.id, sequence=sequence,
                                                     count=len(raised)))
    if not await publication.answer(request.connection, found.id, sequence, reply, person.id,
                                    request.now):
        raise Refusal(texts.OBJECTION_ANSWERED_ALREADY.format(number=found.id,
                                                              sequence=sequence))
    await request.log(f"notice:{found.id}", "notice.answered",
                      {"number": sequence, "answer": reply})
    objector = await publication.objector(request.connection, found.id, sequence)
    assert objector is not None
    await notify.tell(request.connection, [objector], key=f"notice:{found.id}:answer:{sequence}",
                      now=request.now, text=texts.ANSWER_TO_OBJECTOR.format(
                          number=found.id, excerpt=excerpt(found.text), text=objection.text,
                          answer=reply))
    return [request.reply(texts.ANSWERED.format(number=found.id, sequence=sequence))]


async def list_notices(context: Context, request: Request) -> list[Outgoing]:
    """The sender's notices: households reached out of households bound, objections (P1)."""
    person = request.require_person()
    found = await publication.of_publisher(request.connection, person.id, LISTED)
    if not found:
        return [request.reply(texts.NOTICES_NONE)]
    ids = [item.id for item in found]
    read = await publication.households_read(request.connection, ids)
    raised = await publication.objections(request.connection, ids)
    bound = {scope: await publication.households_bound(request.connection, scope)
             for scope in {item.scope for item in found}}
    lines = [texts.NOTICES_HEADER.format(count=len(found))]
    for item in found:
        assert item.kind is not None
        if item.ends_at is None:
            state = texts.NOTICES_PLAIN
        elif item.running(request.now):
            state = texts.NOTICES_RUNNING.format(ends=_day(context, item.ends_at))
        else:
            state = texts.NOTICES_ENDED
        objections = raised.get(item.id, [])
        waiting = unanswered(objections)
        note = texts.NOTICES_OBJECTIONS.format(count=len(objections)) if objections else ""
        if waiting:
            note += texts.NOTICES_UNANSWERED.format(count=len(waiting))
        lines.append(texts.NOTICES_LINE.format(
            number=item.id, kind=item.kind.label, state=f"（{state}）",
            excerpt=excerpt(item.text), read=read.get(item.id, 0), bound=bound[item.scope],
            objections=note))
    return [request.reply("\n".join(lines))]


async def attach(context: Context, request: Request) -> list[Outgoing]:
    """Attach a picture or file its publisher sends right after a notice to it (P1).

    In a group, one that belongs to no notice is left alone without a word: people
    share pictures in their groups all day. In a private chat the sender is told why.
    """
    attachment = request.incoming.attachment
    assert attachment is not None  # the router sends nothing else here
    try:
        return await _attach(context, request, attachment)
    except Refusal:
        if request.incoming.chat_kind is ChatKind.GROUP:
            return []
        raise


async def _attach(context: Context, request: Request, attachment: Attachment) -> list[Outgoing]:
    person = request.person
    if person is None:
        raise Refusal(texts.NOT_BOUND)
    homestead = request.homestead
    in_place = request.incoming.chat_kind is ChatKind.PRIVATE or (
        homestead is not None and covers(person.role, person.place, homestead.place))
    if scope_for(person.role, person.place) is None:  # rule P1: nobody to publish to
        raise Refusal(texts.MEDIA_NOT_TAKEN)
    if not in_place:
        raise Refusal(texts.ATTACH_NOT_PUBLISHER)
    if attachment.too_big:
        raise Refusal(texts.ATTACH_TOO_BIG.format(most=size_label(MAX_ATTACHMENT)))
    newest = await publication.newest_of_publisher(request.connection, person.id)
    attached = await publication.attachment_count(request.connection, newest.id) \
        if newest is not None else 0
    try:
        found = attachment_for(newest, attached, request.now)  # rule P1
    except ValueError as error:
        raise Refusal(str(error)) from None
    sequence = await publication.attach(request.connection, found.id, attachment, person.id,
                                        request.now)
    size = len(attachment.content)
    await request.log(f"notice:{found.id}", "notice.attached", {
        "number": sequence, "kind": attachment.kind.value, "name": attachment.name,
        "mime_type": attachment.mime_type, "size": size,
        "sha256": hashlib.sha256(attachment.content).hexdigest()})
    homesteads = await publication.scope_homesteads(request.connection, found.scope)
    picture = attachment.kind is AttachmentKind.PICTURE and size <= PUSHED_PICTURE
    text = (texts.ATTACHED_PICTURE.format(number=found.id, name=attachment.name) if picture
            else texts.ATTACHED_FILE.format(number=found.id, name=attachment.name,
                                            size=size_label(size),
                                            publisher=publisher_label(person)))
    await outbox.to_homesteads(request.connection, homesteads,
                               key=f"notice:{found.id}:attachment:{sequence}", text=text,
                               image=attachment.content if picture else None, now=request.now,
                               channels=context.channels)
    groups = len({chat for _, _, chat in await chats.groups_of(request.connection, homesteads)})
    return [request.reply(texts.ATTACHED.format(number=found.id, sequence=sequence,
                                                name=attachment.name, groups=groups))]
