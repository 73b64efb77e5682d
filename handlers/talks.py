"""Talks (约谈, rule S2) as follow-up tasks: opened by an official, or by a yellow flag (F7).

Its own module so that both /talk (``handlers.supervision``) and the flags'
confirmation (``handlers.flags``) open talks the same way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.flags import Consequence, Flag, MonthResult
from core.models import Office
from core.permissions import Place
from core.roles import Role
from core.tasks import Task, TaskKind
from handlers.context import Refusal, Request
from storage import notify, supervision, tasks
from storage.context import Context
from storage.events import Actor
from storage.supervision import YELLOW


def cadres(place: Place) -> Office:
    """The village cadres of the village a talk is held with, who are told of it."""
    return Office(Role.VILLAGE_CADRE, Place(place.township_id, place.village_id))


async def open_talk(context: Context, connection: AsyncConnection, place: Place, village: str,
                    owner: Office, reason: str, origin: str, origin_id: int | None,
                    actor: Actor, now: datetime, *, tell: bool = True) -> Task:
    """Open a talk task and, unless ``tell`` is off, tell the village's cadres."""
    due = context.rules.calendar.add_workdays(context.local(now).date(),
                                              context.rules.supervision.talk_working_days)
    opened = await tasks.open_task(connection, kind=TaskKind.TALK, subject=reason,
                                   origin=origin, origin_id=origin_id, place=place, owner=owner,
                                   due=due, actor=actor, now=now)
    if tell:
        await notify.tell(connection, [cadres(place)], key=f"talk:{opened.id}:opened", now=now,
                          text=texts.TALK_TOLD.format(official=owner.title, village=village,
                                                      number=opened.id, reason=reason))
    return opened


async def open_yellow_talks(context: Context, connection: AsyncConnection, township_id: int,
                            result: MonthResult, actor: Actor, now: datetime) -> None:
    """Each village whose yellow flag calls for a talk (F7) gets one, once per month (S2).

    The talk is recorded without a message of its own: the village's groups get the
    month's result and the officials its consequences as the flags are published.
    """
    origin = f"{YELLOW}{result.month}"
    talked = await supervision.talked_villages(connection, origin)
    owner = Office(Role.TOWNSHIP_OFFICIAL, Place(township_id), texts.TALK_LEADER)
    for found in result.villages:
        if found.id in talked or Consequence.TALK not in result.consequences.get(found.name, ()):
            continue
        categories = "、".join(placement.category for placement in result.placements
                              if placement.village == found.name
                              and placement.flag is Flag.YELLOW)
        await open_talk(context, connection, Place(township_id, found.id), found.name, owner,
                        texts.TALK_YELLOW_REASON.format(month=result.month,
                                                        categories=categories),
                        origin, found.id, actor, now, tell=False)


async def township_task(request: Request, kind: TaskKind, usage: str,
                        unknown: str) -> tuple[Task, str]:
    """The task of ``kind`` of the sender's township that ``编号 说明`` names, and the note.

    For the officials' commands that close a talk or a rectification; ``usage`` and
    ``unknown`` (with ``{number}``) are the refusals.
    """
    parts = request.args.split(maxsplit=1)
    if len(parts) != 2 or not parts[0].isdecimal():
        raise Refusal(usage)
    number = int(parts[0])
    found = await tasks.get(request.connection, number)
    if found is None or found.kind is not kind \
            or found.place.township_id != request.require_person().township_id:
        raise Refusal(unknown.format(number=number))
    return found, parts[1]
