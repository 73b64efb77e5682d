"""The problem ledger in chat: raise, categorise, promise, escalate, assign, solve, rate, status."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from fractions import Fraction

from core import texts
from core.issues import (
    CATEGORIES,
    Level,
    Rating,
    ReportWindow,
    RoundTally,
    Status,
    event_text,
    named_official,
    percent,
    rating_buttons,
    report_window,
    show_of_hands_refusal,
    verdict,
    window_text,
)
from core.messages import Button, Outgoing
from core.models import Homestead, Person
from core.permissions import covers
from core.roles import Role
from core.surveys import ineligible
from core.when import parse_day
from handlers import party_liaison
from handlers.context import Context, Refusal, Request
from storage import issues, meeting_attendance, meetings, notify, org, outbox, rounds
from storage.issues import Issue

CATEGORY_ROW = 2
FINISHED = (Status.RESOLVED, Status.CLOSED)


def _today(context: Context, request: Request) -> date:
    return context.local(request.now).date()


def _end_of(context: Context, day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=context.timezone)


NAME_LENGTH = 100  # storage.schema.issue's department and responsible columns


async def _issue_arg(request: Request, usage: str) -> tuple[Issue, Homestead, list[str]]:
    """The issue named by the first argument, which the sender may see; and the other args."""
    words = request.args.split()
    if not words or not words[0].lstrip("#").isdecimal():
        raise Refusal(texts.ISSUE_BAD_NUMBER.format(usage=usage))
    number = int(words[0].lstrip("#"))
    found = await issues.get(request.connection, number)
    if found is None:
        raise Refusal(texts.ISSUE_UNKNOWN.format(number=number))
    homestead = await org.homestead_by_id(request.connection, found.homestead_id)
    assert homestead is not None
    person = request.require_person()
    if not covers(person.role, person.place, homestead.place):  # rule I5
        raise Refusal(texts.ISSUE_NOT_YOURS.format(number=number))
    return found, homestead, words[1:]


async def _announce(context: Context, request: Request, found: Issue, text: str, key: str,
                    buttons: tuple[tuple[Button, ...], ...] = ()) -> list[Outgoing]:
    """Tell the 屋场 group (rule I5) and the sender; once if the sender is in that group."""
    if request.in_group and request.homestead is not None \
            and request.homestead.id == found.homestead_id:
        return [request.reply(text, buttons=buttons)]
    await outbox.to_homesteads(request.connection, [found.homestead_id], key=key, text=text,
                               now=request.now, buttons=buttons, channels=context.channels)
    return [request.reply(text)]


def _category_buttons(issue_id: int) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(name, f"icat:{issue_id}:{index}") for index, name in enumerate(CATEGORIES)]
    return tuple(tuple(buttons[start:start + CATEGORY_ROW])
                 for start in range(0, len(buttons), CATEGORY_ROW))


async def raise_issue(context: Context, request: Request) -> list[Outgoing]:
    """Raise an issue for the 屋场; the category follows by button (rule I1)."""
    title = request.args.strip()
    if not title:
        raise Refusal(texts.ISSUE_USAGE)
    homestead = await request.own_homestead(texts.ISSUE_NO_HOMESTEAD)
    meeting = await meetings.find(request.connection, homestead.id, meetings.OPEN)
    created = await issues.raise_issue(
        request.connection, homestead_id=homestead.id,
        meeting_id=meeting.id if meeting else None, title=title, actor=request.actor(),
        now=request.now)
    await party_liaison.tell_liaison(request, created.id, title)  # rule Y2
    return [request.reply(texts.ISSUE_RAISED.format(number=created.id, title=title),
                          buttons=_category_buttons(created.id))]


async def categorise(context: Context, request: Request) -> list[Outgoing]:
    """Set an issue's category from the 十个得到 (rule I1)."""
    number, _, index = request.args.partition(":")
    found = await issues.get(request.connection, int(number)) if number.isdecimal() else None
    if found is None or not index.isdecimal() or int(index) >= len(CATEGORIES):
        raise Refusal(texts.BUTTON_EXPIRED)
    person = request.require_person()
    leads_there = (person.homestead_id == found.homestead_id
                   and person.role in (Role.HEAD, Role.RECORDER))
    if person.id != found.raised_by and not leads_there:
        raise Refusal(texts.ISSUE_CATEGORY_NOT_YOURS)
    if found.category is not None:
        raise Refusal(texts.ISSUE_CATEGORY_ALREADY.format(number=found.id))
    category = CATEGORIES[int(index)]
    await issues.change(request.connection, found, "issue.categorised", request.actor(),
                        request.now, {"category": category}, category=category)
    return [request.reply(texts.ISSUE_CATEGORY_SET.format(number=found.id, category=category))]


def _require_open(found: Issue) -> None:
    if found.status in FINISHED:
        raise Refusal(texts.ISSUE_FINISHED.format(number=found.id, status=found.status.label))
    if found.category is None:
        raise Refusal(texts.ISSUE_NO_CATEGORY.format(number=found.id))


async def promise(context: Context, request: Request) -> list[Outgoing]:
    """Record the date agreed in the 屋场 for solving an issue there (rule I2)."""
    found, _, rest = await _issue_arg(request, texts.PROMISE_USAGE)
    if not rest:
        raise Refusal(texts.PROMISE_USAGE)
    _require_open(found)
    if found.level is not Level.HOMESTEAD:
        raise Refusal(texts.PROMISE_NOT_HERE.format(number=found.id, level=found.level.label))
    try:
        day = parse_day(rest[0], _today(context, request))
    except ValueError:
        raise Refusal(texts.PROMISE_BAD_DATE.format(value=rest[0])) from None
    if day < _today(context, request):
        raise Refusal(texts.PROMISE_BAD_DATE.format(value=rest[0]))
    note = " ".join(rest[1:])
    await issues.change(request.connection, found, "issue.promised", request.actor(),
                        request.now, {"date": day.isoformat(), "note": note},
                        agreed_date=day, overdue=False, overdue_on=None)
    return [request.reply(texts.PROMISE_RECORDED.format(
        number=found.id, day=texts.format_day(day, today=_today(context, request)), note=note))]


async def escalate(context: Context, request: Request) -> list[Outgoing]:
    """Send an issue up one level: 屋场长 to the village, village cadre to the township (I3)."""
    found, homestead, rest = await _issue_arg(request, texts.ESCALATE_USAGE)
    _require_open(found)
    person = request.require_person()
    above = found.level.above()
    if above is None:
        raise Refusal(texts.ESCALATE_TOP.format(number=found.id))
    if person.role is not found.handler(homestead.place).role:
        raise Refusal(texts.ESCALATE_NOT_YOUR_LEVEL.format(
            number=found.id, level=found.level.label, role=person.role.label))
    reason = " ".join(rest)
    if above is Level.VILLAGE:
        window = await _report_window(context, request, found, homestead)
        changed = await issues.change(
            request.connection, found, "issue.escalated", request.actor(), request.now,
            {"from": found.level.value, "to": above.value, "reason": reason,
             "deadline": window.deadline.isoformat(),
             "deadline_start": window.start.isoformat(),
             "deadline_from": window.counted_from.value},
            level=above, status=Status.ESCALATED, deadline=window.deadline, overdue=False,
            deadline_start=window.start, deadline_from=window.counted_from)
        text = texts.ESCALATED_TO_VILLAGE.format(
            number=found.id, title=found.title, deadline=texts.format_day(window.deadline),
            window=window_text(window), reason=reason)
        await _tell(request, homestead, changed, text)
    else:
        changed = await issues.change(
            request.connection, found, "issue.escalated", request.actor(), request.now,
            {"from": found.level.value, "to": above.value, "reason": reason},
            level=above, status=Status.ESCALATED)
        text = texts.ESCALATED_TO_TOWNSHIP.format(number=found.id, title=found.title,
                                                  reason=reason)
        await _tell(request, homestead, changed, text)
    return await _announce(context, request, changed, text,
                           key=f"issue:{found.id}:escalated:{above}")


async def _report_window(context: Context, request: Request, found: Issue,
                         homestead: Homestead) -> ReportWindow:
    """5 working days from the meeting it came from or from today, the later (I3, I9)."""
    meeting_day = None
    if found.meeting_id is not None:
        meeting = await meetings.get(request.connection, found.meeting_id)
        if meeting is not None:
            meeting_day = context.local(meeting.starts_at).date()
    window = report_window(meeting_day, _today(context, request), context.rules.calendar)
    await notify.warn_unknown_years(request.connection, context.rules.calendar,
                                    [window.start, window.deadline],
                                    township_id=homestead.township_id, now=request.now)
    return window


async def _tell(request: Request, homestead: Homestead, found: Issue, text: str) -> None:
    """Send a notice to whoever handles the issue now that it went up: cadres or officials."""
    await notify.tell(request.connection, [found.handler(homestead.place)],
                      key=f"issue:{found.id}:{found.level}:{found.status}:{found.updated_at}",
                      text=text, now=request.now, besides={request.require_person().id})


async def assign(context: Context, request: Request) -> list[Outgoing]:
    """Name the department, the responsible person and the due date (rule I4)."""
    found, homestead, rest = await _issue_arg(request, texts.ASSIGN_USAGE)
    if len(rest) != 3:
        raise Refusal(texts.ASSIGN_USAGE)
    _require_open(found)
    if found.level is not Level.TOWNSHIP:
        raise Refusal(texts.ASSIGN_NOT_TOWNSHIP.format(number=found.id, level=found.level.label))
    department, responsible, due_text = rest
    if len(department) > NAME_LENGTH:
        raise Refusal(texts.TEXT_TOO_LONG.format(what="部门", limit=NAME_LENGTH))
    try:
        due = parse_day(due_text, _today(context, request))  # 2026-12-20, 12月20日, 下周五
    except ValueError:
        raise Refusal(texts.PROMISE_BAD_DATE.format(value=due_text)) from None
    if due < _today(context, request):
        raise Refusal(texts.PROMISE_BAD_DATE.format(value=due_text))
    handler = await _responsible_official(request, homestead, responsible)
    responsible = handler.name
    changed = await issues.change(
        request.connection, found, "issue.assigned", request.actor(), request.now,
        {"department": department, "responsible": responsible, "due": due.isoformat()},
        status=Status.ASSIGNED, department=department, responsible=responsible, due_date=due,
        handler_id=handler.id)
    text = texts.ASSIGNED.format(number=found.id, title=found.title, department=department,
                                 responsible=responsible,
                                 day=texts.format_day(due, today=_today(context, request)))
    await notify.tell(request.connection, [handler.id],
                      key=f"issue:{found.id}:assigned:{changed.updated_at}", text=text,
                      now=request.now, besides={request.require_person().id})
    return await _announce(context, request, changed, text,
                           key=f"issue:{found.id}:assigned:{changed.updated_at}")


async def _responsible_official(request: Request, homestead: Homestead, named: str) -> Person:
    """The 镇干部 named as 责任人, by 编号 or unique name; anyone else is refused (rule I10)."""
    officials = await org.persons_with_role(request.connection, Role.TOWNSHIP_OFFICIAL,
                                            township_id=homestead.township_id)
    official, candidates = named_official(named, officials)
    if official is not None:
        return official
    listed = "、".join(texts.ASSIGN_CANDIDATE.format(code=candidate.code, name=candidate.name)
                      for candidate in candidates)
    if any(candidate.name == named for candidate in candidates):
        raise Refusal(texts.ASSIGN_AMBIGUOUS.format(count=len(candidates), name=named,
                                                    candidates=listed))
    raise Refusal(texts.ASSIGN_NOT_OFFICIAL.format(name=named, candidates=listed))


async def solve(context: Context, request: Request) -> list[Outgoing]:
    """The current handler reports an issue handled; the rating round starts (rule I6)."""
    found, homestead, rest = await _issue_arg(request, texts.SOLVE_USAGE)
    if not rest:
        raise Refusal(texts.SOLVE_USAGE)
    _require_open(found)
    await _check_handler(request, found, homestead)
    note = " ".join(rest)
    closes = request.now + timedelta(hours=context.rules.rating_window_hours)
    round_id = await issues.open_round(request.connection, found.id, request.now, closes,
                                       found.status)
    changed = await issues.change(
        request.connection, found, "issue.solved", request.actor(), request.now,
        {"note": note, "round_id": round_id, "closes_at": closes.isoformat()},
        status=Status.RESOLVED)
    text = texts.SOLVED.format(number=found.id, title=found.title, note=note,
                               closes=texts.format_when(context.local(closes)))
    return await _announce(context, request, changed, text,
                           key=f"issue:{found.id}:round:{round_id}",
                           buttons=rating_buttons(round_id))


async def _check_handler(request: Request, found: Issue, homestead: Homestead) -> None:
    person = request.require_person()
    if found.level is Level.TOWNSHIP and found.handler_id is None \
            and person.role is Role.TOWNSHIP_OFFICIAL:
        raise Refusal(texts.SOLVE_ASSIGN_FIRST.format(number=found.id))  # rule I4
    handler = found.handler(homestead.place)
    if not handler.held_by(person):
        raise Refusal(texts.SOLVE_NOT_HANDLER.format(number=found.id, handler=handler.title))


async def rate(context: Context, request: Request) -> list[Outgoing]:
    """One villager's rating in a round: once per person, only by those who may rate (I8)."""
    round_text, _, choice_text = request.args.partition(":")
    found_round = (await issues.get_round(request.connection, int(round_text))
                   if round_text.isdecimal() else None)
    if found_round is None or choice_text not in {choice.value for choice in Rating}:
        raise Refusal(texts.BUTTON_EXPIRED)
    found = await issues.get(request.connection, found_round.issue_id)
    assert found is not None
    person = request.require_person()
    solved_by = await rounds.solver(request.connection, found.id, found_round.id)
    homestead = await org.homestead_by_id(request.connection, found.homestead_id)
    assert homestead is not None
    why_not = ineligible(person, homestead.place, {solved_by} if solved_by else ())  # rule I8
    if why_not is not None:
        raise Refusal(why_not.refusal.format(place=homestead.full_name, role=person.role.label))
    if found_round.outcome == rounds.AWAITING:
        raise Refusal(texts.RATE_AWAITS_MEETING)
    if found_round.decided_at is not None or request.now >= found_round.closes_at:
        raise Refusal(texts.RATE_CLOSED)
    choice = Rating(choice_text)
    if not await issues.add_rating(request.connection, found_round.id, person.id, choice,
                                   request.now):
        raise Refusal(texts.RATE_AGAIN)
    await issues.change(request.connection, found, "issue.rated", request.actor(), request.now,
                        {"round_id": found_round.id, "rating": choice.value})
    return [request.reply(texts.RATED.format(choice=choice.label), toast=True)]


async def show_status(context: Context, request: Request) -> list[Outgoing]:
    """The issue and its whole history, for anyone of that 屋场 and above (rule I5)."""
    found, homestead, _ = await _issue_arg(request, "/status 12")
    if request.in_group and (request.homestead is None or request.homestead.id != homestead.id):
        raise Refusal(texts.STATUS_ASK_PRIVATELY.format(number=found.id))  # another 屋场's
    lines = [texts.STATUS_HEADER.format(
        number=found.id, title=found.title, homestead=homestead.full_name,
        category=found.category or texts.NO_CATEGORY, level=found.level.label,
        status=found.status.label, overdue=texts.OVERDUE_MARK if found.overdue else "")]
    deadline = found.current_deadline
    if found.level is Level.VILLAGE and deadline is not None:  # rule I9: and its start
        lines.append(texts.STATUS_REPORT_DEADLINE.format(
            day=deadline.isoformat(), window=window_text(found.report_window)))
    elif deadline is not None:
        lines.append(texts.STATUS_DEADLINE.format(day=deadline.isoformat()))
    if found.department:
        lines.append(texts.STATUS_HANDLER.format(department=found.department,
                                                 responsible=found.responsible or ""))
    if found.satisfaction is not None:
        lines.append(texts.STATUS_SATISFACTION.format(
            rate=percent(Fraction(found.satisfaction).limit_denominator(10_000))))
    lines.append(texts.STATUS_HISTORY)
    names: dict[int, str] = {}
    for entry in await issues.history(request.connection, found.id):
        who = texts.SYSTEM_NAME
        if entry.actor_id is not None:
            if entry.actor_id not in names:
                actor = await org.person_by_id(request.connection, entry.actor_id)
                names[entry.actor_id] = actor.name if actor else "?"
            who = names[entry.actor_id]
        what = event_text(entry.kind, entry.payload)
        lines.append(texts.STATUS_LINE.format(
            when=context.local(entry.at).strftime("%m-%d %H:%M"), who=who, what=what))
    return [request.reply("\n".join(lines))]


HAND_COUNT_DIGITS = 5


async def record_hands(context: Context, request: Request) -> list[Outgoing]:
    """The room's show of hands decides a round left for the meeting (rule I8).

    Only at an open meeting of the issue's 屋场, for a round that waits for it; the
    count, like /tally's, is not more than the persons present, and replaces the buttons.
    """
    found, homestead, counts = await _issue_arg(request, texts.RATINGS_USAGE)
    if len(counts) != 3 or not all(count.isdecimal() and len(count) <= HAND_COUNT_DIGITS
                                   for count in counts):
        raise Refusal(texts.RATINGS_USAGE)
    tally = RoundTally(*(int(count) for count in counts))
    meeting = await meetings.find(request.connection, homestead.id, meetings.OPEN)
    if meeting is None:
        raise Refusal(texts.RATINGS_NO_MEETING)
    waiting = await rounds.undecided(request.connection, found.id)
    if waiting is not None and waiting.outcome != rounds.AWAITING:
        raise Refusal(texts.RATINGS_IN_WINDOW.format(
            number=found.id, closes=texts.format_when(context.local(waiting.closes_at))))
    not_awaiting = texts.RATINGS_NOT_AWAITING.format(number=found.id, status=found.status.label)
    if waiting is None:
        raise Refusal(not_awaiting)
    present = await meeting_attendance.attendance(request.connection, meeting.id)
    refusal = show_of_hands_refusal(tally, present.persons_present)  # rule I8
    if refusal is not None:
        raise Refusal(refusal)
    if not await rounds.claim_awaiting(request.connection, waiting.id, request.now):
        raise Refusal(not_awaiting)
    rated = await issues.change(
        request.connection, found, "issue.rated_by_hands", request.actor(), request.now,
        {**rounds.details(waiting.id, tally), "meeting_id": meeting.id,
         "persons_present": present.persons_present})
    text = await rounds.settle(request.connection, rated, waiting, tally, verdict(tally),
                               request.now)
    recorded = texts.RATINGS_RECORDED.format(
        number=found.id, satisfied=tally.satisfied, basically=tally.basically,
        dissatisfied=tally.dissatisfied)
    return await _announce(context, request, rated, f"{recorded}\n{text}",
                           key=f"issue:{found.id}:decided:{waiting.id}")
