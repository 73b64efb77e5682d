"""The draft's review (复核), the villages' objections (复议) and their answers (rule F10)."""

from __future__ import annotations

from core import texts
from core.flag_review import appeal_open, appeals_until, may_review, standings
from core.flags import Flag
from core.messages import Outgoing
from core.models import Office
from core.permissions import Place
from core.roles import Role
from handlers.context import Context, Refusal, Request
from handlers.flags import MISSING_SHOWN, draft, month_of
from storage import flag_review, notify


async def review(context: Context, request: Request) -> list[Outgoing]:
    """Mark a month's draft reviewed and show each village its scores and ranks (F10)."""
    parts = request.args.split()
    if len(parts) != 1:
        raise Refusal(texts.REVIEW_USAGE)
    month = month_of(context, request, parts[0])
    if request.in_group:  # rule F8: the draft's scores are shown only in private
        raise Refusal(texts.DRAFT_ASK_PRIVATELY.format(command=f"/review {month}"))
    person = request.require_person()
    connection = request.connection
    done = await flag_review.review_of(connection, person.township_id, month)
    if done is not None:
        raise Refusal(texts.REVIEW_ALREADY.format(
            month=month, day=texts.format_day(context.local(done.reviewed_at).date()),
            until=texts.format_day(done.appeals_until)))
    if not may_review(person.id, await flag_review.score_enterers(
            connection, person.township_id, month)):  # rule F10
        raise Refusal(texts.REVIEW_OWN_SCORES.format(month=month))
    result = await draft(context, connection, person.township_id, month)
    if result.missing:
        raise Refusal(texts.REVIEW_MISSING.format(month=month, count=len(result.missing),
                                                  items=result.missing_text(MISSING_SHOWN)))
    until = appeals_until(context.local(request.now).date(), context.rules.calendar,
                          context.rules.appeal_days)
    await flag_review.add_review(connection, township_id=person.township_id, month=month,
                                 by=person.id, now=request.now, appeals_until=until)
    await request.log(f"flags:{month}", "flags.reviewed", {"appeals_until": until.isoformat()})
    for found in result.villages:
        lines = [texts.REVIEW_LINE.format(
            category=item.category, rank=item.rank, of=item.of,
            score=f"{item.score:g}分" if item.score is not None else texts.REVIEW_NO_SCORE,
            flag=f"（{item.flag.label}）" if isinstance(item.flag, Flag) else "")
            for item in standings(result, found.name)]
        await notify.tell(
            connection, [Office(Role.VILLAGE_CADRE, Place(person.township_id, found.id))],
            key=f"flags-review:{person.township_id}:{month}:{found.id}", now=request.now,
            text=texts.REVIEW_TO_VILLAGE.format(month=month, village=found.name,
                                                lines="\n".join(lines),
                                                until=texts.format_day(until)))
    return [request.reply(texts.REVIEWED.format(month=month, until=texts.format_day(until),
                                                days=context.rules.appeal_days))]


async def appeal(context: Context, request: Request) -> list[Outgoing]:
    """A village cadre objects to one category of the reviewed draft, in time (F10)."""
    parts = request.args.split(maxsplit=2)
    if len(parts) != 3:
        raise Refusal(texts.APPEAL_USAGE)
    month = month_of(context, request, parts[0])
    person = request.require_person()
    if person.village_id is None or person.village is None:
        raise Refusal(texts.APPEAL_NO_VILLAGE)
    categories = context.rules.scheme.categories
    if parts[1] not in categories:
        raise Refusal(texts.CATEGORY_UNKNOWN.format(name=parts[1],
                                                    categories="、".join(categories)))
    done = await flag_review.review_of(request.connection, person.township_id, month)
    if done is None:
        raise Refusal(texts.APPEAL_NOT_REVIEWED.format(month=month))
    if not appeal_open(done.appeals_until, context.local(request.now).date()):  # rule F10
        raise Refusal(texts.APPEAL_TOO_LATE.format(
            month=month, until=texts.format_day(done.appeals_until)))
    number = await flag_review.add_appeal(
        request.connection, township_id=person.township_id, month=month,
        village_id=person.village_id, category=parts[1], text=parts[2], by=person.id,
        now=request.now)
    await request.log(f"flags:{month}", "flags.appeal",
                      {"number": number, "village": person.village, "category": parts[1],
                       "text": parts[2]})
    await notify.tell(request.connection,
                      [Office(Role.TOWNSHIP_OFFICIAL, Place(person.township_id))],
                      key=f"flags-appeal:{number}", now=request.now,
                      text=texts.APPEAL_TO_OFFICIALS.format(
                          village=person.village, month=month, category=parts[1],
                          number=number, text=parts[2]))
    return [request.reply(texts.APPEAL_RECORDED.format(number=number))]


async def respond(context: Context, request: Request) -> list[Outgoing]:
    """An official answers an objection; the cadre who raised it is told (F10)."""
    parts = request.args.split(maxsplit=1)
    if len(parts) != 2 or not parts[0].isdecimal():
        raise Refusal(texts.RESPOND_USAGE)
    person = request.require_person()
    found = await flag_review.appeals(request.connection, person.township_id,
                                      appeal_id=int(parts[0]))
    if not found:
        raise Refusal(texts.RESPOND_UNKNOWN.format(number=parts[0]))
    objection = found[0]
    if objection.answer is not None:
        raise Refusal(texts.RESPOND_ALREADY.format(number=objection.id,
                                                   answer=objection.answer))
    await flag_review.answer(request.connection, objection.id, parts[1], person.id,
                             request.now)
    await request.log(f"flags:{objection.month}", "flags.appeal_answered",
                      {"number": objection.id, "answer": parts[1]})
    await notify.tell(request.connection, [objection.by], key=f"flags-answer:{objection.id}",
                      now=request.now, text=texts.RESPONSE_TO_VILLAGE.format(
                          month=objection.month, category=objection.category,
                          number=objection.id, answer=parts[1]))
    return [request.reply(texts.RESPONDED.format(number=objection.id,
                                                 village=objection.village))]
