"""Meeting jobs: reminders before each meeting, and heads whose 屋场 has none this month."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.meetings import HOUR_BEFORE, blackout_for, evening_before
from core.models import Office
from core.roles import Role
from core.tasks import TaskKind, overdue_decisions
from storage import events, meeting_prep, meetings, notify, org, outbox, tasks
from storage.context import Context
from storage.meetings import Meeting

LOOK_AHEAD = timedelta(days=2)


async def send_reminders(context: Context) -> int:
    """Queue the evening-before and hour-before reminders that are due; return how many.

    A reminder whose moment has passed is still sent until the next one is due, so
    a scheduler that was down catches up; the outbox key makes each one unique.
    """
    now = context.clock.now()
    queued = 0
    async with context.db.write() as connection:
        for meeting in await meetings.upcoming(connection, now, now + LOOK_AHEAD):
            local_start = context.local(meeting.starts_at)
            hour_before = meeting.starts_at - HOUR_BEFORE
            evening = evening_before(local_start, context.rules.evening_reminder_hour)
            time_text = f"{local_start:%H:%M}"
            if now >= hour_before:
                kind, text = "hour", texts.REMIND_HOUR.format(
                    time=time_text, place=meeting.place, topic=meeting.topic)
            elif now >= evening and meeting.created_at < evening:
                kind, text = "evening", texts.REMIND_EVENING.format(
                    time=time_text, place=meeting.place, topic=meeting.topic)
            else:
                continue
            queued += await outbox.to_homesteads(
                connection, [meeting.homestead_id], key=f"meeting:{meeting.id}:remind:{kind}",
                text=text, now=now)
            queued += await _remind_head_of_decisions(context, connection, meeting)
    return queued


async def _remind_head_of_decisions(context: Context, connection: AsyncConnection,
                                    meeting: Meeting) -> int:
    """Before a meeting, tell its head privately of decisions overdue (rule M9), once."""
    late = await tasks.of_homestead(connection, TaskKind.DECISION, meeting.homestead_id,
                                    overdue_on=context.local(context.clock.now()).date())
    homestead = await org.homestead_by_id(connection, meeting.homestead_id)
    if not late or homestead is None:
        return 0
    text = "\n".join([texts.OVERDUE_DECISIONS_HEAD.format(homestead=homestead.full_name),
                      overdue_decisions(late)])
    return await notify.tell(connection, [Office(Role.HEAD, homestead.place)],
                             key=f"meeting:{meeting.id}:remind:decisions", text=text,
                             now=context.clock.now())


async def remind_missing_meetings(context: Context) -> int:
    """From the configured day of the month, remind heads whose 屋场 has no meeting (rule M1).

    Not while the village is in a busy farming season (rules M2, M9): the reminder waits
    for the season's end, if the month still has no meeting then. It names the village's
    topic for the month and the 屋场's decisions overdue.
    """
    now = context.clock.now()
    local = context.local(now)
    if local.day < context.rules.missing_meeting_day:
        return 0
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    queued = 0
    async with context.db.write() as connection:
        held = await meetings.homesteads_with_meeting(connection, month_start, next_month)
        for head in await org.persons_with_role(connection, Role.HEAD):
            if head.homestead_id is None or head.homestead_id in held or head.village is None:
                continue
            if blackout_for(context.rules.blackouts, local.date(), head.village):  # M2, M9
                continue
            lines = [texts.REMIND_NO_MEETING.format(month=local.month,
                                                    homestead=head.place_name)]
            topic = (await meeting_prep.topic_of(connection, head.village_id, f"{local:%Y-%m}")
                     if head.village_id is not None else None)
            if topic is not None:
                lines.append(texts.TOPIC_LINE.format(topic=topic))  # rule M8
            late = await tasks.of_homestead(connection, TaskKind.DECISION, head.homestead_id,
                                            overdue_on=local.date())
            if late:
                lines += [texts.OVERDUE_DECISIONS, overdue_decisions(late)]
            queued += await notify.tell(
                connection, [head.id], key=f"meeting:missing:{head.homestead_id}:{local:%Y-%m}",
                text="\n".join(lines), now=now)
    return queued


async def mark_never_opened(context: Context) -> int:
    """A meeting scheduled but never opened becomes 未召开 once its day is over; the head is told.

    It then counts as not held everywhere (digests and supervision count ended meetings only),
    and the missing-meeting reminder sees the month without a meeting again (rule M1).
    """
    now = context.clock.now()
    today = context.local(now).replace(hour=0, minute=0, second=0, microsecond=0)
    marked = 0
    async with context.db.write() as connection:
        for missed in await meetings.never_opened(connection, today):
            await meetings.set_status(connection, missed.id, meetings.MISSED)
            await events.append(connection, at=now, stream=f"meeting:{missed.id}",
                                kind="meeting.missed", payload={
                                    "starts_at": missed.starts_at.isoformat()})
            homestead = await org.homestead_by_id(connection, missed.homestead_id)
            if homestead is not None:
                await notify.tell(connection, [Office(Role.HEAD, homestead.place)],
                                  key=f"meeting:{missed.id}:missed", now=now,
                                  text=texts.MEETING_MISSED.format(
                                      when=texts.format_when(context.local(missed.starts_at)),
                                      place=missed.place, topic=missed.topic))
            marked += 1
    return marked
