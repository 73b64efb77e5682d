"""After a meeting (rule M9): decisions (决议) as follow-up tasks, listed and carried out."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.messages import Outgoing
from core.models import Homestead
from core.roles import Role
from core.tasks import (
    FROM_MOTION,
    Task,
    TaskKind,
    TaskStatus,
    decision_due,
    may_report,
    office_at,
    overdue_decisions,
    task_overdue,
)
from handlers import wuhao
from handlers.context import Context, Refusal, Request
from storage import meeting_prep, meetings, outbox, tasks
from storage.meetings import Meeting


async def record_decisions(context: Context, request: Request, meeting: Meeting,
                           homestead: Homestead) -> list[Task]:
    """Each motion that passed at a quorate meeting becomes a decision of its head (rule M9)."""
    due = decision_due(context.local(meeting.starts_at).date())
    owner = office_at(Role.HEAD, homestead.place, f"{homestead.full_name}{texts.HANDLER_HEAD}")
    return [await tasks.open_task(
        request.connection, kind=TaskKind.DECISION, subject=motion.text, origin=FROM_MOTION,
        origin_id=motion.id, place=homestead.place, owner=owner, due=due,
        actor=request.actor(), now=request.now)
        for motion in await meetings.motions_of(request.connection, meeting.id)
        if motion.passed and motion.binding]  # rules M3, M4: binding and passed


async def summary_lines(connection: AsyncConnection, meeting_id: int) -> list[str]:
    """The decisions a meeting made, for its summary."""
    motion_ids = [motion.id for motion in await meetings.motions_of(connection, meeting_id)]
    made = await tasks.from_origins(connection, FROM_MOTION, motion_ids)
    if not made:
        return []
    return [texts.SUMMARY_DECISIONS.format(count=len(made), due=texts.format_day(made[0].due)),
            *(texts.SUMMARY_DECISION.format(number=found.id, text=found.subject)
              for found in made)]


async def opening_notes(context: Context, request: Request, homestead: Homestead,
                        meeting: Meeting) -> list[Outgoing]:
    """What the head puts to a meeting as it opens: the village's topic, overdue decisions."""
    lines = []
    topic = await meeting_prep.topic_of(request.connection, homestead.village_id,
                                        f"{context.local(meeting.starts_at):%Y-%m}")
    if topic is not None:
        lines.append(texts.TOPIC_LINE.format(topic=topic))  # rule M8
    late = await tasks.of_homestead(request.connection, TaskKind.DECISION, homestead.id,
                                    overdue_on=context.local(request.now).date())
    if late:
        lines += [texts.OVERDUE_DECISIONS, overdue_decisions(late)]  # rule M9
    return [request.reply("\n".join(lines))] if lines else []


async def list_decisions(context: Context, request: Request) -> list[Outgoing]:
    """The 屋场's decisions and whether each is carried out."""
    homestead = await request.own_homestead(texts.DECISIONS_NO_HOMESTEAD)
    made = await tasks.of_homestead(request.connection, TaskKind.DECISION, homestead.id)
    if not made:
        return [request.reply(texts.DECISIONS_NONE.format(homestead=homestead.full_name))]
    held = await tasks.decision_meetings(request.connection, homestead.id)
    today = context.local(request.now).date()
    lines = [texts.DECISIONS_HEADER.format(homestead=homestead.full_name)]
    for found in made:
        day = texts.format_day(context.local(held[found.id][1]).date())
        lines.append(texts.DECISION_LINE.format(
            number=found.id, text=found.subject, day=day, state=_state(found, today)))
    return [request.reply("\n".join(lines))]


def _state(found: Task, today: date) -> str:
    due = texts.format_day(found.due)
    if found.status is TaskStatus.DONE:
        return texts.DECISION_DONE.format(report=found.report or "")
    if task_overdue(found, today):  # rule M9
        return texts.DECISION_LATE.format(due=due)
    return texts.DECISION_OPEN.format(due=due)


async def done(context: Context, request: Request) -> list[Outgoing]:
    """The head reports a decision carried out, with what was done; the group is told.

    A 民主生活会's rectification item is reported done the same way, by its cadre (Y4).
    """
    number, _, report = request.args.partition(" ")
    report = report.strip()
    if not number.isdecimal() or not report:
        raise Refusal(texts.DONE_USAGE)
    person = request.require_person()
    found = await tasks.get(request.connection, int(number)) if len(number) <= 9 else None
    if found is not None and found.kind is TaskKind.REMEDY:
        return await wuhao.remedy_done(context, request, found, report)
    if person.role is not Role.HEAD:
        raise Refusal(texts.ROLE_REFUSED.format(role=person.role.label, command="/done"))
    homestead = await request.own_homestead(texts.MEETING_NO_HOMESTEAD)
    if found is None or found.kind is not TaskKind.DECISION \
            or found.place.homestead_id != homestead.id:
        raise Refusal(texts.DONE_UNKNOWN.format(number=number))
    if not may_report(found, person):
        raise Refusal(texts.DONE_NOT_YOURS.format(number=found.id, owner=found.owner.title))
    if found.status is TaskStatus.DONE:
        raise Refusal(texts.DONE_ALREADY.format(number=found.id, report=found.report or ""))
    await tasks.finish(request.connection, found, report, request.actor(), request.now)
    text = texts.DONE_RECORDED.format(number=found.id, text=found.subject, report=report)
    if not request.in_group:
        await outbox.to_homesteads(request.connection, [homestead.id],
                                   key=f"task:{found.id}:done", text=text, now=request.now)
    return [request.reply(text)]
