"""Meeting jobs: reminders before each meeting, and heads whose 屋场 has none this month."""

from __future__ import annotations

from datetime import timedelta

from core import texts
from core.meetings import HOUR_BEFORE, evening_before
from core.roles import Role
from storage import meetings, notify, org, outbox
from storage.context import Context

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
    return queued


async def remind_missing_meetings(context: Context) -> int:
    """From the configured day of the month, remind heads whose 屋场 has no meeting (rule M1)."""
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
            if head.homestead_id is None or head.homestead_id in held:
                continue
            queued += await notify.tell(
                connection, [head.id], key=f"meeting:missing:{head.homestead_id}:{local:%Y-%m}",
                text=texts.REMIND_NO_MEETING.format(month=local.month,
                                                    homestead=head.place_name), now=now)
    return queued
