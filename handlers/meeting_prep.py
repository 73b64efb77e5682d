"""Before a meeting (rule M8): the head polls times, villagers ask for one, cadres set topics."""

from __future__ import annotations

from datetime import timedelta

from core import texts
from core.meetings import (
    PollSyntaxError,
    may_participate,
    meeting_wanted_now,
    parse_poll,
    request_window_start,
)
from core.messages import Button, Outgoing
from core.models import Homestead, Office, Person
from core.permissions import Place
from core.roles import Role
from handlers.context import Context, Refusal, Request
from storage import meeting_prep, meetings, notify, org, outbox
from storage.meeting_prep import Poll

MAX_AHEAD = timedelta(days=366)


def _adult_member(request: Request, homestead: Homestead, refusal: str) -> tuple[Person, int]:
    """The sender and their household, if they are a villager aged 18+ of ``homestead``."""
    person = request.require_person()
    if person.homestead_id != homestead.id or person.household_id is None \
            or not may_participate(person.age):  # rule M3's participants
        raise Refusal(refusal)
    return person, person.household_id


def _board(context: Context, head: str, poll: Poll) -> str:
    """The poll message: who asks, and the households that picked each time so far."""
    lines = [texts.POLL_ASKED.format(head=head), *_options(context, poll)]
    return "\n".join(lines)


def _options(context: Context, poll: Poll) -> list[str]:
    return [texts.POLL_OPTION.format(number=number,
                                     when=texts.format_when(context.local(starts_at)),
                                     households=poll.households[number])
            for number, starts_at in poll.options.items()]


def _buttons(context: Context, poll: Poll) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(texts.format_when(context.local(starts_at)),
                         f"pollpick:{poll.id}:{number}"),)
                 for number, starts_at in poll.options.items())


def _result(context: Context, poll: Poll) -> str:
    """Households per candidate time; once closed, the time most households picked."""
    state = texts.POLL_OPEN if poll.closed_at is None else texts.POLL_CLOSED
    lines = [texts.POLL_STATE.format(state=state), *_options(context, poll)]
    if poll.closed_at is not None and any(poll.households.values()):
        best = max(poll.options, key=lambda number: (poll.households[number], -number))
        lines.append(texts.POLL_BEST.format(
            when=texts.format_when(context.local(poll.options[best]))))
    return "\n".join(lines)


async def poll(context: Context, request: Request) -> list[Outgoing]:
    """Poll 2-4 candidate times; ``/poll`` alone shows the count, ``/poll 结束`` closes it."""
    homestead = await request.own_homestead(texts.MEETING_NO_HOMESTEAD)
    current = await meeting_prep.open_poll(request.connection, homestead.id)
    words = request.args.split()
    if not words or words == [texts.POLL_END_WORD]:
        if current is None:
            raise Refusal(texts.POLL_NONE)
        if not words:
            return [request.reply(_result(context, current))]
        await meeting_prep.close_poll(request.connection, current.id, request.now)
        await request.log(f"poll:{current.id}", "poll.closed", {"households": {
            str(number): households for number, households in current.households.items()}})
        closed = await meeting_prep.get_poll(request.connection, current.id)
        assert closed is not None
        return await _to_group(context, request, homestead, f"poll:{current.id}:closed",
                               _result(context, closed))
    try:
        today = context.local(request.now).date()
        times = parse_poll(request.args, context.timezone, today)  # rule M8
    except PollSyntaxError as error:
        raise Refusal(texts.POLL_BAD.format(value=error.args[0])) from None
    for starts_at in times:
        if starts_at <= request.now:
            raise Refusal(texts.POLL_IN_PAST.format(when=texts.format_when(starts_at)))
        if starts_at - request.now > MAX_AHEAD:
            raise Refusal(texts.POLL_TOO_FAR)
    if current is not None:
        raise Refusal(texts.POLL_STILL_OPEN)
    person = request.require_person()
    poll_id = await meeting_prep.create_poll(request.connection, homestead.id, times, person.id,
                                             request.now)
    await request.log(f"poll:{poll_id}", "poll.opened",
                      {"homestead_id": homestead.id,
                       "times": [starts_at.isoformat() for starts_at in times]})
    created = await meeting_prep.get_poll(request.connection, poll_id)
    assert created is not None
    board, buttons = _board(context, person.name, created), _buttons(context, created)
    if request.in_group:
        return [request.reply(board, buttons=buttons)]
    await outbox.to_homesteads(request.connection, [homestead.id], key=f"poll:{poll_id}:ask",
                               text=board, buttons=buttons, now=request.now,
                               channels=context.channels)
    return [request.reply(texts.POLL_STARTED)]


async def _to_group(context: Context, request: Request, homestead: Homestead, key: str,
                    text: str) -> list[Outgoing]:
    """Reply, and when the request came from a private chat, tell the 屋场 group too."""
    if not request.in_group:
        await outbox.to_homesteads(request.connection, [homestead.id], key=key, text=text,
                                   now=request.now)
    return [request.reply(text)]


async def pick_time(context: Context, request: Request) -> list[Outgoing]:
    """A villager's pick of a candidate time: one each, changeable until the poll closes."""
    poll_id, _, number = request.args.partition(":")
    found = (await meeting_prep.get_poll(request.connection, int(poll_id))
             if poll_id.isdecimal() else None)
    homestead = await request.own_homestead(texts.POLL_NOT_MEMBER)
    if found is None or found.homestead_id != homestead.id or not number.isdecimal() \
            or int(number) not in found.options:
        raise Refusal(texts.BUTTON_EXPIRED)
    if found.closed_at is not None:
        raise Refusal(texts.POLL_ENDED_ALREADY)
    person, household_id = _adult_member(request, homestead, texts.POLL_NOT_MEMBER)
    previous = await meeting_prep.pick(request.connection, found.id, person.id, household_id,
                                       int(number), request.now)
    when = texts.format_when(context.local(found.options[int(number)]))
    template = texts.POLL_PICKED if previous in (None, int(number)) else texts.POLL_REPICKED
    picked = request.reply(template.format(name=person.name, when=when), toast=True)
    counted = await meeting_prep.get_poll(request.connection, found.id)
    assert counted is not None
    # Like a check-in (and a button vote), a pick is not an event of the log; it rewrites
    # the poll message with the new count. Closing the poll logs the counts.
    asker = await org.person_by_id(request.connection, found.created_by)
    return [picked, request.reply(
        _board(context, asker.name if asker else texts.HANDLER_HEAD, counted),
        buttons=_buttons(context, counted), edit=True)]


async def request_meeting(context: Context, request: Request) -> list[Outgoing]:
    """A villager asks for a meeting; past half the resident households the head is told."""
    homestead = await request.own_homestead(texts.REQUEST_NOT_MEMBER)
    person, household_id = _adult_member(request, homestead, texts.REQUEST_NOT_MEMBER)
    topic = request.args.strip()
    if not topic:
        raise Refusal(texts.REQUEST_USAGE)
    last = await meetings.find(request.connection, homestead.id, meetings.ENDED, newest=True)
    since = request_window_start(request.now, last.ended_at if last else None)  # rule M8
    before = await meeting_prep.households_asking(request.connection, homestead.id, since)
    request_id = await meeting_prep.add_request(request.connection, homestead.id, person.id,
                                                household_id, topic, request.now)
    await request.log(f"homestead:{homestead.id}", "meeting.requested",
                      {"request_id": request_id, "topic": topic})
    asking = await meeting_prep.households_asking(request.connection, homestead.id, since)
    resident = await meetings.resident_households(request.connection, homestead.id)
    if meeting_wanted_now(before, asking, resident):  # rule M8: once per crossing
        topics = await meeting_prep.topics_asked(request.connection, homestead.id, since)
        village = Place(homestead.township_id, homestead.village_id)
        await notify.tell(
            request.connection, [Office(Role.HEAD, homestead.place),
                                 Office(Role.VILLAGE_CADRE, village)],
            key=f"meeting:request:{homestead.id}:{request_id}",
            text=texts.REQUEST_WANTED.format(homestead=homestead.full_name, asking=asking,
                                             resident=resident, topics="；".join(topics)),
            now=request.now)
    return [request.reply(texts.REQUEST_RECORDED.format(topic=topic, asking=asking,
                                                        resident=resident))]


async def set_topic(context: Context, request: Request) -> list[Outgoing]:
    """A village cadre sets this month's topic; every head of the village is told."""
    person = request.require_person()
    topic = request.args.strip()
    if not topic:
        raise Refusal(texts.TOPIC_USAGE)
    if person.village_id is None or person.village is None:
        raise Refusal(texts.TOPIC_NO_VILLAGE)
    local = context.local(request.now)
    month = f"{local:%Y-%m}"
    await meeting_prep.set_topic(request.connection, person.village_id, month, topic, person.id,
                                 request.now)
    event_id = await request.log(f"village:{person.village_id}", "meeting.topic_set",
                                 {"month": month, "topic": topic})
    await notify.tell(
        request.connection, [Office(Role.HEAD, Place(person.township_id, person.village_id))],
        key=f"meeting:topic:{event_id}",
        text=texts.TOPIC_TOLD.format(village=person.village, month=local.month, topic=topic),
        now=request.now)
    return [request.reply(texts.TOPIC_SET.format(village=person.village, month=local.month,
                                                 topic=topic))]
