"""Rectification (整改, rule F13): a yellow flag opens a follow-up task; /rectified closes it.

The task is owned by the official who liaises with the village (roster 联系村, DESIGN §5):
with several, the first by roster 编号 is named and all of them are told; a village no
official liaises with falls to the township's 镇干部 (the roster import warned of it).
Any 镇干部 of the township may report a task done, as the township meeting may reassign.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.flags import Flag, MonthResult
from core.messages import Outgoing
from core.models import Office
from core.permissions import Place
from core.roles import Role
from core.tasks import TaskKind, TaskStatus, rectification_due
from handlers import talks
from handlers.context import Context, Refusal, Request
from storage import liaison, notify, supervision, tasks
from storage.events import Actor

ORIGIN = "rectify:"  # + month (origin is at most 16 characters); origin id: the village


async def open_rectifications(context: Context, connection: AsyncConnection, township_id: int,
                              result: MonthResult, actor: Actor, now: datetime) -> None:
    """Each village with a yellow flag gets one rectification task per month (rule F13).

    A later version of the month opens none for a village that has one; the officials
    are told of the tasks opened, the village's cadres see them in their result.
    """
    origin = f"{ORIGIN}{result.month}"
    yellow = {found.id: found.name for found in result.villages
              if any(placement.village == found.name and placement.flag is Flag.YELLOW
                     for placement in result.placements)}
    have = {found.origin_id for found in await tasks.from_origins(connection, origin, yellow)}
    due = rectification_due(context.local(now).date())
    everyone = Office(Role.TOWNSHIP_OFFICIAL, Place(township_id), texts.RECTIFY_OWNER)
    opened: dict[tuple[int, ...], list[tuple[int, str]]] = defaultdict(list)
    for village_id, name in yellow.items():
        if village_id in have:
            continue
        categories = "、".join(placement.category for placement in result.placements
                              if placement.village == name and placement.flag is Flag.YELLOW)
        liaisons = await liaison.officials_of(connection, village_id)
        owner = everyone if not liaisons else Office(
            Role.TOWNSHIP_OFFICIAL, Place(township_id), texts.RECTIFY_LIAISON_OWNER.format(
                village=name, names="、".join(found_name for _, found_name in liaisons)),
            person_id=liaisons[0][0])
        found = await tasks.open_task(
            connection, kind=TaskKind.RECTIFICATION, origin=origin, origin_id=village_id,
            subject=texts.RECTIFY_SUBJECT.format(month=result.month, categories=categories),
            place=Place(township_id, village_id), owner=owner, due=due, actor=actor, now=now)
        opened[tuple(person_id for person_id, _ in liaisons)].append((found.id, name))
    for officials, items in opened.items():  # one message to each set of owners
        await notify.tell(connection, list(officials) or [everyone],
                          key=f"rectify:{items[0][0]}:opened", now=now,
                          text=texts.RECTIFY_OPENED.format(
                              month=result.month, due=texts.format_day(due),
                              items="、".join(texts.RECTIFY_ITEM.format(village=name, number=number)
                                             for number, name in items)))


async def rectified(context: Context, request: Request) -> list[Outgoing]:
    """Report a rectification done with a note; the village's cadres are told (rule F13)."""
    found, note = await talks.township_task(request, TaskKind.RECTIFICATION,
                                            texts.RECTIFIED_USAGE, texts.RECTIFY_UNKNOWN)
    number, person = found.id, request.require_person()
    if found.status is TaskStatus.DONE:
        raise Refusal(texts.RECTIFY_DONE_ALREADY.format(number=number, report=found.report))
    await tasks.finish(request.connection, found, note, request.actor(), request.now)
    names = await supervision.village_names(request.connection, person.township_id)
    village = names.get(found.place.village_id or 0, "")
    await notify.tell(request.connection, [talks.cadres(found.place)],
                      key=f"rectify:{number}:done", now=request.now,
                      text=texts.RECTIFIED_TOLD.format(village=village, number=number,
                                                       subject=found.subject, note=note))
    return [request.reply(texts.RECTIFIED.format(number=number, village=village,
                                                 note=note))]
