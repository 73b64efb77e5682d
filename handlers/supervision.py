"""Township supervision in chat (rules S1-S3): /digest, /talk, /talkdone, /assess, /bonus.

Talks (约谈) are follow-up tasks of the talk kind (``core.tasks``): owned by the official
who holds them, due after the rules file's working days, closed with the result. The
yellow flag's talk (F7) is opened the same way when a month's flags are confirmed.
"""

from __future__ import annotations

from dataclasses import replace

from core import texts
from core.messages import Outgoing
from core.models import Office
from core.permissions import Place
from core.roles import Role
from core.supervision import (
    Figures,
    digest_text,
    draft_digest,
    judged_on,
    parse_quarter,
    previous_month,
    quarter_months,
    quarter_name,
    rank_quarter,
    total,
)
from core.tasks import TaskKind, TaskStatus, may_report
from handlers import talks
from handlers.context import Context, Refusal, Request
from handlers.flags import month_of, village_named
from handlers.pictures import digest_picture
from storage import notify, supervision, tasks
from storage.supervision import TALK


async def show_digest(context: Context, request: Request) -> list[Outgoing]:
    """A month's digest (default: last month) as text and a table picture (S1, S2)."""
    parts = request.args.split()
    if len(parts) > 1:
        raise Refusal(texts.DIGEST_USAGE)
    today = context.local(request.now).date()
    month = month_of(context, request, parts[0]) if parts else previous_month(today)
    person = request.require_person()
    if person.role is Role.VILLAGE_CADRE and person.village_id is None:
        raise Refusal(texts.DIGEST_NO_PLACE)
    village_id = None if person.role is Role.TOWNSHIP_OFFICIAL else person.village_id
    scope = await supervision.scope_of(request.connection, person.township_id, village_id)
    rules = context.rules.supervision
    digest = draft_digest(await supervision.digest_inputs(
        request.connection, scope, month, context.timezone, rules), judged_on(month, today),
        context.rules.calendar, rules)
    return [replace(request.reply(digest_text(digest)), image=digest_picture(digest))]


async def talk(context: Context, request: Request) -> list[Outgoing]:
    """Record a talk (约谈) with a village, owned by this official; its cadres are told (S2)."""
    parts = request.args.split(maxsplit=1)
    if len(parts) != 2:
        raise Refusal(texts.TALK_USAGE)
    found = await village_named(request, parts[0])
    person = request.require_person()
    place = Place(person.township_id, found.id)
    owner = Office(Role.TOWNSHIP_OFFICIAL, Place(person.township_id), person.name, person.id)
    opened = await talks.open_talk(context, request.connection, place, found.name, owner, parts[1],
                         TALK, None, request.actor(), request.now)
    return [request.reply(texts.TALK_OPENED.format(
        number=opened.id, village=found.name, reason=parts[1],
        due=texts.format_day(opened.due)))]


async def talk_done(context: Context, request: Request) -> list[Outgoing]:
    """Close a talk with its result; the village's cadres are told (S2)."""
    found, result = await talks.township_task(request, TaskKind.TALK, texts.TALKDONE_USAGE,
                                              texts.TALK_UNKNOWN)
    number, person = found.id, request.require_person()
    if found.status is TaskStatus.DONE:
        raise Refusal(texts.TALK_CLOSED_ALREADY.format(number=number))
    if not may_report(found, person):
        raise Refusal(texts.TALK_NOT_YOURS.format(number=number, official=found.owner.title))
    await tasks.finish(request.connection, found, result, request.actor(), request.now)
    names = await supervision.village_names(request.connection, person.township_id)
    await notify.tell(request.connection, [talks.cadres(found.place)], key=f"talk:{number}:done",
                      now=request.now, text=texts.TALK_DONE_TOLD.format(
                          number=number, village=names.get(found.place.village_id or 0, ""),
                          reason=found.subject, result=result))
    return [request.reply(texts.TALK_DONE.format(number=number, result=result))]


def _quarter(text: str) -> tuple[int, int]:
    found = parse_quarter(text)
    if found is None:
        raise Refusal(texts.QUARTER_BAD.format(value=text))
    return found


async def assess(context: Context, request: Request) -> list[Outgoing]:
    """Rank the township's villages by the quarter's score plus the points added (S3)."""
    parts = request.args.split()
    if len(parts) != 1:
        raise Refusal(texts.ASSESS_USAGE)
    year, quarter = _quarter(parts[0])
    person = request.require_person()
    scope = await supervision.scope_of(request.connection, person.township_id)
    names = await supervision.village_names(request.connection, person.township_id)
    months: dict[str, list[Figures]] = {village: [] for village in sorted(names.values())}
    for month in quarter_months(year, quarter):
        inputs = await supervision.digest_inputs(request.connection, scope, month,
                                                 context.timezone, context.rules.supervision)
        for village in months:
            months[village].append(total(
                found for (name, _), found in zip(inputs.homesteads, inputs.figures, strict=True)
                if name == village))
    name = quarter_name(year, quarter)
    ranked = rank_quarter(context.rules.supervision.weights, months,
                          await supervision.bonuses(request.connection, name,
                                                    person.township_id))
    if not ranked:
        raise Refusal(texts.ASSESS_EMPTY)
    lines = [texts.ASSESS_TITLE.format(quarter=name)]
    for rank, found in enumerate(ranked, start=1):
        lines.append(texts.ASSESS_LINE.format(
            rank=rank, village=found.village, score=found.score, total=found.total,
            bonus=round(sum(bonus.points for bonus in found.bonuses), 2)))
        lines += [texts.ASSESS_BONUS_LINE.format(points=bonus.points, reason=bonus.reason)
                  for bonus in found.bonuses]
    return [request.reply("\n".join(lines))]


async def bonus(context: Context, request: Request) -> list[Outgoing]:
    """Add (or deduct) points to a village's quarter, with the reason (季度党建考核加分, S3)."""
    parts = request.args.split(maxsplit=3)
    if len(parts) != 4:
        raise Refusal(texts.BONUS_USAGE)
    name = quarter_name(*_quarter(parts[0]))
    found = await village_named(request, parts[1])
    limit = context.rules.supervision.bonus_limit
    try:
        points = float(parts[2])
    except ValueError:
        points = float("nan")
    if not -limit <= points <= limit or points == 0:
        raise Refusal(texts.BONUS_POINTS_BAD.format(value=parts[2], limit=limit))
    person = request.require_person()
    await supervision.add_bonus(request.connection, quarter=name, village_id=found.id,
                                points=points, reason=parts[3], by=person.id, now=request.now)
    await request.log(f"assessment:{name}", "assessment.bonus",
                      {"village": found.name, "points": points, "reason": parts[3]})
    return [request.reply(texts.BONUS_RECORDED.format(village=found.name, quarter=name,
                                                      points=points, reason=parts[3]))]
