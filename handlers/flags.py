"""Monthly red and yellow flags in chat: scores, vetoes, on-site meetings, draft, confirm."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.annual import averages_lines, grid_averages
from core.flag_review import appeal_open
from core.flags import ONSITE_CATEGORY, Flag, MonthResult, VillageInfo, draft_month, shift_month
from core.messages import Outgoing
from core.models import Office
from core.permissions import Place
from core.publication import Kind
from core.roles import Role
from core.when import parse_day
from handlers import rectification, talks
from handlers.context import Context, Refusal, Request
from handlers.pictures import Stamp, grid_pictures
from storage import events, flag_review, flags, notify, org, outbox, publishing
from storage.events import SYSTEM, Actor

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
MISSING_SHOWN = 8
INDICATOR_NAMES = ("meetings_held", "attendance", "issues_on_time", "satisfaction")
FIRST_YEAR = 2000
CONFIRM_ATTEMPTS = 3  # drafts drawn before /confirm gives up on a month that keeps changing


def month_of(context: Context, request: Request, text: str) -> str:
    """A YYYY-MM month that is not in the future (F2)."""
    match = MONTH.match(text)
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < FIRST_YEAR:
        raise Refusal(texts.MONTH_BAD.format(value=text))
    month = f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"
    if month > context.local(request.now).strftime("%Y-%m"):
        raise Refusal(texts.MONTH_FUTURE.format(month=month))
    return month


async def village_named(request: Request, name: str) -> VillageInfo:
    """The village of the sender's township named ``name``; Refusal if there is none."""
    person = request.require_person()
    for found in await flags.villages_of(request.connection, person.township_id):
        if found.name == name:
            return found
    raise Refusal(texts.VILLAGE_UNKNOWN.format(name=name))


async def draft(context: Context, connection: AsyncConnection, township_id: int,
                 month: str) -> MonthResult:
    """A township's month as it stands: inputs as stored, ranked by the scheme."""
    inputs = await flags.month_inputs(connection, township_id, month, context.timezone)
    return draft_month(context.rules.scheme, inputs)


async def after_confirm_note(request: Request, month: str) -> str:
    """The reminder to confirm again, when a change touches a month confirmed already."""
    confirmed = [found for found in await flags.confirmed_versions(
        request.connection, request.require_person().township_id) if found[2] == month]
    return texts.SCORE_AFTER_CONFIRM.format(month=month) if confirmed else ""


async def enter_score(context: Context, request: Request) -> list[Outgoing]:
    """Enter one village's score in one category, or in one item of it, for a month (F2, F9)."""
    parts = request.args.split()
    if len(parts) != 4:
        raise Refusal(texts.SCORE_USAGE)
    month = month_of(context, request, parts[0])
    found = await village_named(request, parts[1])
    scheme = context.rules.scheme
    item = scheme.item(parts[2])
    category = item[0] if item else parts[2]
    if category not in scheme.categories:
        raise Refusal(texts.CATEGORY_UNKNOWN.format(name=category,
                                                    categories="、".join(scheme.categories)))
    if category in scheme.weights:
        raise Refusal(texts.CATEGORY_COMPUTED.format(name=category))
    try:
        score = float(parts[3])
    except ValueError:
        score = float("nan")
    person = request.require_person()
    if item is not None:
        if not 0 <= score <= item[1].max_points:  # rule F9
            raise Refusal(texts.ITEM_SCORE_BAD.format(item=item[1].name, value=parts[3],
                                                      high=item[1].max_points))
        previous = await flags.set_item_score(
            request.connection, month=month, village_id=found.id, category=category,
            item=item[1].name, score=score, by=person.id, now=request.now)
    elif not scheme.score_min <= score <= scheme.score_max:
        raise Refusal(texts.SCORE_BAD.format(value=parts[3], low=scheme.score_min,
                                             high=scheme.score_max))
    else:
        previous = await flags.set_score(request.connection, month=month, village_id=found.id,
                                         category=category, score=score, by=person.id,
                                         now=request.now)
    payload = {"village": found.name, "category": category, "score": score,
               "previous": previous}
    await request.log(f"flags:{month}", "flags.score",
                      {**payload, "item": item[1].name} if item else payload)
    note = texts.SCORE_REPLACED.format(previous=previous) if previous is not None else ""
    note += await after_confirm_note(request, month)
    if item is None:
        return [request.reply(texts.SCORE_RECORDED.format(
            month=month, village=found.name, category=category, score=score, note=note))]
    entered = await flags.item_scores(request.connection, month, found.id, category)
    left = [listed.name for listed in scheme.items[category] if listed.name not in entered]
    progress = (texts.ITEM_PROGRESS.format(category=category, items="、".join(left)) if left
                else texts.ITEM_COMPLETE.format(category=category, total=sum(entered.values())))
    return [request.reply(texts.ITEM_SCORE_RECORDED.format(
        month=month, village=found.name, category=category, item=item[1].name, score=score,
        note=note, progress=progress))]


async def record_onsite(context: Context, request: Request) -> list[Outgoing]:
    """Record an on-site meeting: a red flag next month that takes no place (F5)."""
    parts = request.args.split()
    if len(parts) != 2:
        raise Refusal(texts.ONSITE_USAGE)
    month = month_of(context, request, parts[0])
    found = await village_named(request, parts[1])
    person = request.require_person()
    if not await flags.add_onsite(request.connection, month=month, village_id=found.id,
                                  by=person.id, now=request.now):
        raise Refusal(texts.ONSITE_ALREADY.format(village=found.name, month=month))
    await request.log(f"flags:{month}", "flags.onsite", {"village": found.name})
    return [request.reply(texts.ONSITE_RECORDED.format(
        village=found.name, month=month, next_month=shift_month(month, 1)))]


def describe(result: MonthResult, state: str) -> str:
    """The ranking as text, with the scores missing and the bot's own figures."""
    lines = [texts.FLAGS_TITLE.format(month=result.month, state=state), *_ranking(result)]
    if result.missing:
        lines.append(texts.FLAGS_MISSING.format(count=len(result.missing),
                                                items=result.missing_text(MISSING_SHOWN)))
    item_lines = [texts.FLAGS_ITEM_LINE.format(
        village=village, category=category,
        items=" ".join(f"{item}{score:g}" for item, score in entered.items()))
        for village, categories in result.items.items()
        for category, entered in categories.items()]
    if item_lines:
        lines += [texts.FLAGS_ITEMS, *item_lines]
    adjustment_lines = [texts.FLAGS_ADJUSTMENT_LINE.format(
        village=village, category=category, points=points)
        for village, found in result.adjustments.items() for category, points in found.items()]
    if adjustment_lines:
        lines += [texts.FLAGS_ADJUSTMENTS, *adjustment_lines]
    lines.append(texts.FLAGS_INDICATORS)
    for found in result.villages:
        figures = result.indicators.get(found.name, {})
        lines.append(texts.FLAGS_INDICATOR_LINE.format(
            village=found.name, **{name: f"{round(figures.get(name, 0.0) * 100)}%"
                                   for name in INDICATOR_NAMES}))
    return "\n".join(lines)


def _ranking(result: MonthResult) -> list[str]:
    """The flags of each grid, category by category."""
    lines = []
    grids = sorted({found.grid for found in result.villages})
    for grid in grids:
        lines.append(texts.FLAGS_GRID.format(grid=grid))
        in_grid = [placement for placement in result.placements if placement.grid == grid]
        categories = [category for category in dict.fromkeys(p.category for p in in_grid)
                      if category != ONSITE_CATEGORY]
        for category in categories:
            reds = [p.village for p in in_grid if p.category == category and p.flag is Flag.RED]
            yellows = [p.village for p in in_grid
                       if p.category == category and p.flag is Flag.YELLOW]
            lines.append(texts.FLAGS_CATEGORY.format(
                category=category, reds="、".join(reds) or texts.FLAGS_NONE,
                yellows="、".join(yellows) or texts.FLAGS_NONE))
        onsite = [p.village for p in in_grid if p.category == ONSITE_CATEGORY]
        if onsite:
            lines.append(texts.FLAGS_ONSITE.format(villages="、".join(onsite)))
    return lines


async def show_flags(context: Context, request: Request) -> list[Outgoing]:
    """Show the draft ranking of a month as it stands now (F8); a draft only in private."""
    parts = request.args.split()
    if len(parts) != 1:
        raise Refusal(texts.FLAGS_USAGE)
    month = month_of(context, request, parts[0])
    township_id = request.require_person().township_id
    result = await draft(context, request.connection, township_id, month)
    if request.in_group and await flags.confirmed_as(request.connection, result,
                                                     township_id) is None:
        raise Refusal(texts.DRAFT_ASK_PRIVATELY.format(command=f"/flags {month}"))  # rule F8
    return [request.reply(describe(result, texts.FLAGS_DRAFT))]


def money_text(amount: int) -> str:
    """A village's money of a month (F6) in words: reward, deduction or none."""
    if amount > 0:
        return texts.MONEY_REWARD.format(amount=amount)
    if amount < 0:
        return texts.MONEY_PENALTY.format(amount=-amount)
    return texts.MONEY_NONE


def _require_complete(result: MonthResult) -> None:
    """Refuse to confirm a month without villages or with scores missing (F8)."""
    if not result.villages:
        raise Refusal(texts.FLAGS_NO_VILLAGES)
    if result.missing:
        raise Refusal(texts.CONFIRM_MISSING.format(month=result.month, count=len(result.missing),
                                                   items=result.missing_text(MISSING_SHOWN)))


def _meeting_day(context: Context, request: Request, text: str) -> date:
    """The township meeting's (班子会) day that decided the month, not after today (F10)."""
    today = context.local(request.now).date()
    try:
        day = parse_day(text, today)
    except ValueError:
        day = None
    if day is None or day > today:
        raise Refusal(texts.CONFIRM_BAD_MEETING_DAY.format(value=text))
    return day


async def _require_reviewed(connection: AsyncConnection, township_id: int, month: str,
                            today: date) -> None:
    """Refuse a month not reviewed, still open to objections, or with one unanswered (F10)."""
    done = await flag_review.review_of(connection, township_id, month)
    if done is None:
        raise Refusal(texts.CONFIRM_NOT_REVIEWED.format(month=month))
    if appeal_open(done.appeals_until, today):  # rule F10: the villages' days come first
        raise Refusal(texts.CONFIRM_APPEALS_OPEN.format(
            month=month, until=texts.format_day(done.appeals_until),
            first=texts.format_day(done.appeals_until + timedelta(days=1))))
    unanswered = [found.id for found in await flag_review.appeals(connection, township_id, month)
                  if found.answer is None]
    if unanswered:
        raise Refusal(texts.CONFIRM_UNANSWERED.format(
            month=month, count=len(unanswered), numbers="、".join(map(str, unanswered))))


async def confirm(context: Context, request: Request) -> list[Outgoing]:
    """Confirm a complete month and publish it; a later confirmation is a correction (F8).

    A read-only command that writes in its own short transaction: the draft is read and
    its grid pictures drawn with no write lock held; the write drafts the month again and
    stores and publishes it only if nothing changed meanwhile (nor the version the
    pictures state), so the confirmation and
    its messages commit together, and a second /confirm racing this one finds the
    version confirmed. A month that changed is drawn again, a few times at most.
    """
    parts = request.args.split()
    if len(parts) not in (1, 2):
        raise Refusal(texts.CONFIRM_USAGE)
    month = month_of(context, request, parts[0])
    meeting_day = _meeting_day(context, request, parts[1]) if len(parts) == 2 else None
    township_id = request.require_person().township_id
    result = await draft(context, request.connection, township_id, month)
    _require_complete(result)
    today = context.local(request.now).date()
    await _require_reviewed(request.connection, township_id, month, today)
    unchanged = await flags.confirmed_as(request.connection, result, township_id)
    if unchanged is not None:
        return [request.reply(texts.CONFIRMED_ALREADY.format(month=month, version=unchanged))]
    version = await flags.next_version(request.connection, township_id, month)
    for _ in range(CONFIRM_ATTEMPTS):
        # The pictures state the version and day they confirm (issue 21 item 8).
        pictures = grid_pictures(context.rules.scheme, result,
                                 Stamp(version, today, meeting_day))
        async with context.db.write() as connection:
            drawn, result = result, await draft(context, connection, township_id, month)
            drawn_version, version = version, await flags.next_version(connection,
                                                                       township_id, month)
            if result == drawn and version == drawn_version:
                await _require_reviewed(connection, township_id, month, today)
                return [await _store_and_publish(context, connection, request, result,
                                                 pictures, meeting_day)]
        _require_complete(result)
    raise Refusal(texts.CONFIRM_CHANGING.format(month=month))


async def _store_and_publish(context: Context, connection: AsyncConnection, request: Request,
                             result: MonthResult, pictures: dict[str, bytes],
                             meeting_day: date | None) -> Outgoing:
    """Store the month's next version and queue its messages, unless it is confirmed as is."""
    person = request.require_person()
    unchanged = await flags.confirmed_as(connection, result, person.township_id)
    if unchanged is not None:
        return request.reply(texts.CONFIRMED_ALREADY.format(month=result.month,
                                                            version=unchanged))
    version = await flags.confirm(connection, result, person.township_id, person.id,
                                  request.now, meeting_day)
    await events.record(connection, request.actor(), at=request.now,
                        stream=f"flags:{result.month}", kind="flags.confirmed",
                        payload={"version": version, "meeting_date":
                                 meeting_day.isoformat() if meeting_day else None})
    await publish(connection, person.township_id, result, version, pictures, request.now,
                  by=request.actor())
    await talks.open_yellow_talks(context, connection, person.township_id, result,  # F7, S2
                                  request.actor(), request.now)
    await rectification.open_rectifications(context, connection, person.township_id,  # F13
                                            result, request.actor(), request.now)
    return request.reply(texts.CONFIRMED.format(month=result.month, version=version))


async def publish(connection: AsyncConnection, township_id: int, result: MonthResult,
                  version: int, pictures: dict[str, bytes], now: datetime, *,
                  by: Actor = SYSTEM) -> None:
    """Each village's groups get its result and its grid's picture; officials get it all.

    The month's ranking is also published as a notice of the results kind to the
    township (P2), which a later version corrects; the messages stay as they are.
    """
    key = f"flags:{township_id}:{result.month}:v{version}"
    correction = texts.VILLAGE_RESULT_CORRECTION.format(version=version) if version > 1 else ""
    title = texts.FLAGS_TITLE.format(month=result.month,
                                     state=texts.FLAGS_CONFIRMED.format(version=version))
    scope = Place(township_id)
    averages = averages_lines(grid_averages(result.month, result.placements))  # rule F12
    await publishing.on_board(
        connection, kind=Kind.RESULTS, scope=scope, actor=by, now=now,
        text="\n".join([correction + title, *_ranking(result), *averages]),
        subject=f"flags:{township_id}:{result.month}")
    money = {item.village: item.amount for item in result.settlements}
    homesteads_by_village: dict[int, list[int]] = {}
    for homestead in await org.all_homesteads(connection):
        homesteads_by_village.setdefault(homestead.village_id, []).append(homestead.id)
    for found in result.villages:
        mine = [p for p in result.placements if p.village == found.name]
        text = correction + texts.VILLAGE_RESULT.format(
            month=result.month, village=found.name,
            reds="、".join(p.category for p in mine if p.flag is Flag.RED) or texts.FLAGS_NONE,
            yellows="、".join(p.category for p in mine if p.flag is Flag.YELLOW)
            or texts.FLAGS_NONE,
            money=money_text(money.get(found.name, 0)))
        await outbox.to_homesteads(connection, homesteads_by_village.get(found.id, []),
                                   key=f"{key}:{found.id}", text=text, image=pictures[found.grid],
                                   now=now)
    officials = await notify.persons(
        connection, [Office(Role.TOWNSHIP_OFFICIAL, Place(township_id))])
    for grid, picture in pictures.items():
        await notify.tell(connection, officials, key=f"{key}:grid:{grid}",
                          text=texts.GRID_PICTURE_TITLE.format(month=result.month, grid=grid),
                          image=picture, now=now)
    lines = [correction + texts.OFFICIAL_SUMMARY.format(month=result.month, version=version)]
    for item in result.settlements:
        found_consequences = result.consequences.get(item.village, [])
        lines.append(texts.OFFICIAL_SETTLEMENT.format(
            village=item.village, reds=item.reds, yellows=item.yellows,
            money=money_text(item.amount),
            consequences=texts.OFFICIAL_CONSEQUENCES.format(
                items="；".join(found.label for found in found_consequences))
            if found_consequences else ""))
    lines = [*lines, *averages,
             texts.CHAIN_HEAD_LINE.format(head=await events.head_hash(connection))]
    await notify.tell(connection, officials, key=f"{key}:summary", text="\n".join(lines),
                      now=now)
