"""Party jobs (rule Y2): reminders before each party meeting; the 20th's missing-meeting one."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from core import texts
from core.meetings import HOUR_BEFORE, evening_before
from core.messages import Button
from core.party import LessonKind, Member, Post, is_secretary, monthly_kinds_missing
from storage import notify, party
from storage.context import Context

LOOK_AHEAD = timedelta(days=2)
# Seed 002 (主题党日) and seed 001 (中心组 "每月开展一次学习活动"): reminded from the 20th.
MISSING_LESSON_DAY = 20


async def send_lesson_reminders(context: Context) -> int:
    """Queue the evening-before and hour-before reminders of party meetings; return how many.

    As meeting reminders (schedules.meetings): a late scheduler still sends the one
    due; the hour-before one carries the 签到 button.
    """
    now = context.clock.now()
    queued = 0
    async with context.db.write() as connection:
        for lesson in await party.lessons(connection, since=now, until=now + LOOK_AHEAD):
            local_start = context.local(lesson.starts_at)
            evening = evening_before(local_start, context.rules.evening_reminder_hour)
            values = {"kind": lesson.kind.value, "time": f"{local_start:%H:%M}",
                      "topic": lesson.topic}
            buttons: tuple[tuple[Button, ...], ...] = ()
            if now >= lesson.starts_at - HOUR_BEFORE:
                moment, text = "hour", texts.LESSON_REMIND_HOUR.format(**values)
                buttons = ((Button(texts.CHECKIN_BUTTON, f"pcheckin:{lesson.id}"),),)
            elif now >= evening and lesson.created_at < evening:
                moment, text = "evening", texts.LESSON_REMIND_EVENING.format(**values)
            else:
                continue
            roll = [entry.person_id for _, entry in await party.roll(connection, lesson.id)
                    if not entry.excused]
            queued += await notify.tell(connection, roll,
                                        key=f"party:lesson:{lesson.id}:remind:{moment}",
                                        text=text, now=now, buttons=buttons)
    return queued


async def remind_missing_lessons(context: Context) -> int:
    """From the 20th, tell secretaries of a branch with no 主题党日, a 中心组 with no study.

    Rule Y2. Once per branch, kind and month (the outbox key).
    """
    now = context.clock.now()
    local = context.local(now)
    if local.day < MISSING_LESSON_DAY:
        return 0
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    queued = 0
    async with context.db.write() as connection:
        members = [found for found in await party.members(connection)
                   if found.person.party_member and found.person.village_id is not None]
        held: dict[tuple[int, str], list[LessonKind]] = defaultdict(list)
        for lesson in await party.lessons(connection, since=month_start, until=next_month):
            held[(lesson.village_id, lesson.branch)].append(lesson.kind)
            if lesson.kind is LessonKind.CENTRAL_GROUP:
                held[(lesson.village_id, "")].append(lesson.kind)
        branches: dict[tuple[int, str], list[Member]] = defaultdict(list)
        for found in members:
            assert found.person.village_id is not None
            branches[(found.person.village_id, found.branch)].append(found)
        for (village_id, branch), in_branch in sorted(branches.items()):
            missing = monthly_kinds_missing([*held[(village_id, branch)],
                                             *held[(village_id, "")]])
            secretaries = [found.person.id for found in in_branch if is_secretary(found)]
            general = [found.person.id for found in members
                       if found.person.village_id == village_id
                       and found.info.post is Post.GENERAL_SECRETARY]
            for kind in missing:
                told = (general or secretaries) if kind is LessonKind.CENTRAL_GROUP \
                    else secretaries
                scope = branch if kind is LessonKind.THEME_DAY else ""  # 中心组: the village's
                queued += await notify.tell(
                    connection, told,
                    key=f"party:missing:{village_id}:{scope}:{kind.name}:{local:%Y-%m}",
                    text=texts.LESSON_MISSING.format(month=local.month, branch=branch,
                                                     kind=kind.value), now=now)
    return queued
