"""Before a meeting: schedule it, confirm it in a busy season, replace or cancel it (M2, M8)."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import texts
from core.meetings import blackout_for
from core.messages import Button, Outgoing
from core.when import DateTooFar, parse_moment
from handlers.context import Context, Refusal, Request
from storage import meetings, outbox
from storage.meetings import Meeting

MAX_AHEAD = timedelta(days=366)


PLACE_LENGTH = 200  # storage.schema.meeting's place column


def _when(context: Context, moment: datetime) -> str:
    return texts.format_when(context.local(moment),
                             today=context.local(context.clock.now()).date())


async def schedule(context: Context, request: Request) -> list[Outgoing]:
    """Schedule a meeting; in a busy season, or over a pending one, ask the head first."""
    words = request.args.split()
    if len(words) < 3:
        raise Refusal(texts.MEETING_USAGE)
    try:
        day, clock, used = parse_moment(words, context.local(request.now).date())
        local = datetime.combine(day, clock, tzinfo=context.timezone)
    except ValueError:
        raise Refusal(texts.MEETING_BAD_TIME.format(value=" ".join(words[:2]))) from None
    except DateTooFar:
        raise Refusal(texts.MEETING_TOO_FAR) from None
    rest = request.args.split(maxsplit=used + 1)[used:]
    if len(rest) < 2:
        raise Refusal(texts.MEETING_USAGE)
    place, topic = rest
    if len(place) > PLACE_LENGTH:
        raise Refusal(texts.TEXT_TOO_LONG.format(what="地点", limit=PLACE_LENGTH))
    if local <= request.now:
        raise Refusal(texts.MEETING_IN_PAST.format(when=_when(context, local)))
    if local - request.now > MAX_AHEAD:
        raise Refusal(texts.MEETING_TOO_FAR)
    homestead = await request.own_homestead(texts.MEETING_NO_HOMESTEAD)
    person = request.require_person()
    season = blackout_for(context.rules.blackouts, local.date(), homestead.village)  # rule M2
    pending = await meetings.find(request.connection, homestead.id, meetings.SCHEDULED)
    meeting_id = await meetings.create(
        request.connection, homestead_id=homestead.id, starts_at=local, place=place,
        topic=topic, status=meetings.PENDING if season or pending else meetings.SCHEDULED,
        created_by=person.id, now=request.now)
    if season is not None:
        buttons = ((Button(texts.MEETING_CONFIRM, f"mconfirm:{meeting_id}"),
                    Button(texts.MEETING_CANCEL, f"mcancel:{meeting_id}")),)
        return [request.reply(texts.MEETING_IN_BLACKOUT.format(
            when=_when(context, local), season=season.name, village=homestead.village),
            buttons=buttons)]
    if pending is not None:
        return [_ask_replace(context, request, pending, meeting_id, local)]
    return await _scheduled(context, request, meeting_id)


def _ask_replace(context: Context, request: Request, pending: Meeting, meeting_id: int,
                 starts_at: datetime) -> Outgoing:
    """Ask whether the new meeting replaces the 屋场's pending one (M8)."""
    buttons = ((Button(texts.MEETING_REPLACE, f"mreplace:{meeting_id}"),
                Button(texts.MEETING_KEEP, f"mkeep:{meeting_id}")),)
    return request.reply(texts.MEETING_REPLACE_ASK.format(
        old=_when(context, pending.starts_at), place=pending.place, topic=pending.topic,
        new=_when(context, starts_at)), buttons=buttons)


async def _scheduled(context: Context, request: Request, meeting_id: int) -> list[Outgoing]:
    found = await meetings.get(request.connection, meeting_id)
    assert found is not None
    person = request.require_person()
    await request.log(f"meeting:{found.id}", "meeting.scheduled",
                      {"starts_at": found.starts_at.isoformat(), "place": found.place,
                       "topic": found.topic})
    when = _when(context, found.starts_at)
    if not request.in_group:
        await outbox.to_homesteads(
            request.connection, [found.homestead_id], key=f"meeting:{found.id}:announce",
            text=texts.MEETING_ANNOUNCED.format(head=person.name, when=when, place=found.place,
                                                topic=found.topic), now=request.now)
    return [request.reply(texts.MEETING_SCHEDULED.format(
        when=when, place=found.place, topic=found.topic))]


async def _pending(request: Request) -> Meeting:
    """The meeting a button names, still waiting for the head's answer, not yet past."""
    found = None
    if request.args.isdecimal():
        found = await meetings.get(request.connection, int(request.args))
    person = request.require_person()
    if found is None or found.homestead_id != person.homestead_id:
        raise Refusal(texts.BUTTON_EXPIRED)
    if found.status != meetings.PENDING:
        raise Refusal(texts.MEETING_NOT_PENDING)
    return found


def _not_past(context: Context, request: Request, found: Meeting) -> None:
    if found.starts_at <= request.now:
        raise Refusal(texts.MEETING_IN_PAST.format(when=_when(context, found.starts_at)))


async def confirm(context: Context, request: Request) -> list[Outgoing]:
    """Confirm a meeting scheduled inside a busy season (rule M2)."""
    found = await _pending(request)
    _not_past(context, request, found)
    pending = await meetings.find(request.connection, found.homestead_id, meetings.SCHEDULED)
    if pending is not None:
        return [_ask_replace(context, request, pending, found.id, found.starts_at)]
    await meetings.set_status(request.connection, found.id, meetings.SCHEDULED)
    return await _scheduled(context, request, found.id)


async def cancel(context: Context, request: Request) -> list[Outgoing]:
    """Drop a meeting that was waiting for confirmation."""
    found = await _pending(request)
    await meetings.set_status(request.connection, found.id, meetings.CANCELLED)
    return [request.reply(texts.MEETING_CANCELLED)]


async def _cancel(context: Context, request: Request, found: Meeting, reason: str,
                  replaced_by: Meeting | None = None) -> Outgoing:
    """Cancel a scheduled meeting: its reminders stop and the group is told (M8)."""
    await meetings.set_status(request.connection, found.id, meetings.CANCELLED)
    await request.log(f"meeting:{found.id}", "meeting.cancelled", {
        "reason": reason, "replaced_by": replaced_by.id if replaced_by else None})
    if replaced_by is not None:
        why = texts.MEETING_MOVED_REASON.format(when=_when(context, replaced_by.starts_at))
    else:
        why = texts.MEETING_CANCEL_REASON.format(reason=reason) if reason else ""
    when = _when(context, found.starts_at)
    notice = texts.MEETING_CANCELLED_NOTICE.format(
        head=request.require_person().name, when=when, place=found.place, reason=why)
    if request.in_group:
        return request.reply(notice)
    await outbox.to_homesteads(request.connection, [found.homestead_id],
                               key=f"meeting:{found.id}:cancelled", text=notice,
                               now=request.now)
    return request.reply(texts.MEETING_CANCEL_DONE.format(when=when))


async def cancel_meeting(context: Context, request: Request) -> list[Outgoing]:
    """Cancel the 屋场's scheduled meeting, with an optional reason (M8)."""
    homestead = await request.own_homestead(texts.MEETING_NO_HOMESTEAD)
    found = await meetings.find(request.connection, homestead.id, meetings.SCHEDULED)
    asked = [pending for pending in await meetings.all_of(
        request.connection, homestead.id, meetings.PENDING) if pending.starts_at > request.now]
    if asked:
        # 取消 typed instead of pressed under a question drops what was asked, not the
        # meeting the group was already told about.
        for pending in asked:
            await meetings.set_status(request.connection, pending.id, meetings.CANCELLED)
        kept = (texts.MEETING_STILL_ON.format(when=_when(context, found.starts_at))
                if found is not None else "")
        return [request.reply(texts.MEETING_ASKED_DROPPED.format(
            when=_when(context, asked[-1].starts_at), kept=kept))]
    if found is None:
        if await meetings.find(request.connection, homestead.id, meetings.OPEN) is not None:
            raise Refusal(texts.MEETING_OPEN_NOT_CANCELLED)
        raise Refusal(texts.MEETING_NOTHING_TO_CANCEL)
    return [await _cancel(context, request, found, request.args.strip())]


async def replace(context: Context, request: Request) -> list[Outgoing]:
    """Replace the 屋场's scheduled meeting with the one the head just asked for (M8)."""
    found = await _pending(request)
    _not_past(context, request, found)
    replies = [await _cancel(context, request, old, "", replaced_by=found) for old in
               await meetings.all_of(request.connection, found.homestead_id, meetings.SCHEDULED)]
    await meetings.set_status(request.connection, found.id, meetings.SCHEDULED)
    return replies + await _scheduled(context, request, found.id)


async def keep(context: Context, request: Request) -> list[Outgoing]:
    """Keep the 屋场's scheduled meeting and drop the one just asked for (M8)."""
    found = await _pending(request)
    await meetings.set_status(request.connection, found.id, meetings.CANCELLED)
    kept = await meetings.find(request.connection, found.homestead_id, meetings.SCHEDULED)
    if kept is None:
        return [request.reply(texts.MEETING_CANCELLED)]
    return [request.reply(texts.MEETING_KEPT.format(when=_when(context, kept.starts_at)))]
