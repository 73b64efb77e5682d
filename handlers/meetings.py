"""The monthly deliberation meeting: open, check in, attend, vote, minutes, end."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.meetings import (
    AttendanceSyntaxError,
    households_over_adults,
    households_required,
    may_participate,
    motion_passed,
    parse_attendance,
    quorum_met,
    votes_required,
)
from core.messages import Button, ChatKind, Incoming, Outgoing, split_for_phone
from core.models import Homestead, Office
from core.permissions import Place
from core.roles import HOMESTEAD_LEADERS, Role
from handlers import decisions, party
from handlers.context import Context, Refusal, Request
from storage import issues, meeting_attendance, meetings, notify, rounds, seals
from storage.meeting_attendance import Attendance
from storage.meetings import Meeting

CHOICE_LABELS = {meetings.YES: texts.VOTE_YES, meetings.NO: texts.VOTE_NO,
                 meetings.ABSTAIN: texts.VOTE_ABSTAIN}


def _when(context: Context, moment: datetime) -> str:
    return texts.format_when(context.local(moment),
                             today=context.local(context.clock.now()).date())


async def _open_meeting(request: Request, homestead: Homestead) -> Meeting:
    found = await meetings.find(request.connection, homestead.id, meetings.OPEN)
    if found is None:
        raise Refusal(texts.MEETING_NOT_OPEN)
    return found


async def _progress(request: Request, meeting: Meeting) -> tuple[Attendance, str]:
    present = await meeting_attendance.attendance(request.connection, meeting.id)
    return present, _progress_text(meeting, present.households_present,
                                   present.persons_present)


def _progress_text(meeting: Meeting, households: int, persons: int) -> str:
    """The count under a check-in: households present of those required, persons."""
    resident = meeting.resident_households or 0
    text = texts.PROGRESS.format(present=households, required=households_required(resident),
                                 persons=persons)
    if quorum_met(households, resident):
        text += texts.QUORUM_REACHED
    return text


async def open_meeting(context: Context, request: Request) -> list[Outgoing]:
    """Open today's scheduled meeting: the quorum is fixed and check-in starts."""
    homestead = request.require_homestead()
    if await meetings.find(request.connection, homestead.id, meetings.OPEN) is not None:
        raise Refusal(texts.MEETING_ALREADY_OPEN)
    found = await meetings.find(request.connection, homestead.id, meetings.SCHEDULED)
    if found is None:
        raise Refusal(texts.MEETING_NONE_SCHEDULED)
    day, today = context.local(found.starts_at).date(), context.local(request.now).date()
    if day > today:
        raise Refusal(texts.MEETING_NOT_TODAY.format(when=_when(context, found.starts_at)))
    if day < today:  # its day is over: 未召开 (the job marks it too), not opened late
        raise Refusal(texts.MEETING_DAY_PASSED.format(when=_when(context, found.starts_at)))
    resident = await meetings.resident_households(request.connection, homestead.id)  # rule M3
    await meetings.set_status(request.connection, found.id, meetings.OPEN,
                              opened_at=request.now, resident_households=resident)
    await request.log(f"meeting:{found.id}", "meeting.opened",
                      {"resident_households": resident})
    opened = [request.reply(_board(found, resident), buttons=_checkin_buttons(found))]
    # Rule I8: the issues short of raters wait for this meeting's show of hands; listed in
    # a message of their own, since each check-in rewrites the board.
    waiting = await rounds.awaiting(request.connection, homestead.id)
    if waiting:
        opened.append(request.reply(texts.MEETING_AWAITING_RATINGS.format(issues="、".join(
            texts.AWAITING_ITEM.format(number=item.id, title=item.title) for item in waiting))))
    # Rules M8, M9: the village's topic of the month and the decisions overdue.
    return [*opened, *await decisions.opening_notes(context, request, homestead, found)]


def _board(meeting: Meeting, resident: int, progress: str = "") -> str:
    """The check-in message: the meeting, the quorum and, once people arrive, the count."""
    text = texts.MEETING_OPENED.format(topic=meeting.topic, resident=resident,
                                       required=households_required(resident))
    return f"{text}\n{progress}" if progress else text


def _checkin_buttons(meeting: Meeting) -> tuple[tuple[Button, ...], ...]:
    return ((Button(texts.CHECKIN_BUTTON, f"checkin:{meeting.id}"),),)


async def check_in_on_look_up(connection: AsyncConnection, incoming: Incoming, args: str,
                              now: datetime) -> meeting_attendance.PressedCheckIn | None:
    """A press of 签到 in a group: check in with the look-up of the sender (issue 23).

    The router's ``Command.looks_up``. ``check_in`` then checks what it found and uses
    its check-in; a typed 签到, or a press in a private chat (the sender's own 屋场), goes
    the plain way.
    """
    if incoming.payload is None or incoming.chat_kind is not ChatKind.GROUP \
            or not args.isdecimal():
        return None
    return await meeting_attendance.check_in_pressed(connection, incoming.channel, incoming.user_id,
                                           incoming.chat_id, int(args), now)


async def check_in(context: Context, request: Request) -> list[Outgoing]:
    """Check the sender in: their household counts towards the quorum.

    A press of the button names its meeting and is written, with the count it shows, by
    one storage call, with the look-up of the sender where the database allows
    (``check_in_on_look_up``); a typed 签到 finds the 屋场's open meeting first.
    """
    homestead = await request.own_homestead(texts.MEETING_NO_HOMESTEAD)
    person = request.require_person()
    if request.args.isdecimal():
        meeting_id = int(request.args)
    else:
        meeting_id = (await _open_meeting(request, homestead)).id
    if person.homestead_id != homestead.id or person.household is None:
        raise Refusal(texts.CHECKIN_NOT_MEMBER)
    if not may_participate(person.age):  # rule M3
        raise Refusal(texts.CHECKIN_UNDER_AGE)
    household_id = person.household_id
    if household_id is None:  # a Person built without it: look it up by number
        numbers = await meetings.households_by_number(request.connection, homestead.id)
        household_id = numbers[person.household]
    if isinstance(request.looked_up, meeting_attendance.PressedCheckIn):
        shown = request.looked_up.shown  # written with the look-up, for this group's 屋场
    else:
        shown = await meeting_attendance.check_in(request.connection, meeting_id, homestead.id,
                                        person.id, household_id, request.now)
    if shown is None:
        found = await _open_meeting(request, homestead)
        if found.id != meeting_id:
            raise Refusal(texts.MEETING_ENDED_ALREADY)
        return [request.reply(texts.CHECKIN_AGAIN.format(name=person.name),
                              toast=request.pressed)]
    found, households, persons = shown
    progress = _progress_text(found, households, persons)
    checked_in = texts.CHECKED_IN.format(name=person.name, progress=progress)
    if not request.pressed:
        return [request.reply(checked_in)]
    # A press updates the check-in message with the count rather than adding one
    # message per villager to the group.
    return [request.reply(checked_in, toast=True),
            request.reply(_board(found, found.resident_households or 0, progress),
                          buttons=_checkin_buttons(found), edit=True)]


async def attend(context: Context, request: Request) -> list[Outgoing]:
    """Record households present by number, for villagers without a phone.

    In a private chat, the caller of today's party meeting records members by 编号
    instead (rule Y2); otherwise only a 屋场长 or 记录员 may.
    """
    if not request.in_group:
        recorded = await party.attend_lesson(context, request)
        if recorded is not None:
            return recorded
    person = request.require_person()
    if person.role not in HOMESTEAD_LEADERS:
        raise Refusal(texts.ROLE_REFUSED.format(role=person.role.label, command="/attend"))
    homestead = await request.own_homestead(texts.MEETING_NO_HOMESTEAD)
    if not request.args.strip():
        raise Refusal(texts.ATTEND_USAGE)
    try:
        counts = parse_attendance(request.args)
    except AttendanceSyntaxError as error:
        raise Refusal(texts.ATTEND_BAD_ITEM.format(item=error.args[0])) from None
    found = await _open_meeting(request, homestead)
    numbers = await meetings.households_by_number(request.connection, homestead.id)
    unknown = sorted(number for number in counts if number not in numbers)
    if unknown:
        raise Refusal(texts.ATTEND_UNKNOWN.format(numbers="、".join(map(str, unknown))))
    over = households_over_adults(counts, await meetings.member_ages(  # rule M7
        request.connection, homestead.id))
    if over:
        raise Refusal(texts.ATTEND_OVER_ADULTS.format(items="、".join(
            texts.ATTEND_OVER_ADULTS_ITEM.format(number=number, adults=adults)
            for number, adults in over.items())))
    person = request.require_person()
    for number, persons in counts.items():
        if persons == 0:
            await meetings.forget_household(request.connection, found.id, numbers[number])
    await meetings.record_households(
        request.connection, found.id,
        {numbers[number]: persons for number, persons in counts.items() if persons},
        person.id, request.now)
    items = "、".join(
        texts.ATTEND_ITEM.format(number=number, persons=persons) if persons
        else texts.ATTEND_WITHDRAWN.format(number=number) for number, persons in counts.items())
    _, progress = await _progress(request, found)
    return [request.reply(texts.ATTEND_RECORDED.format(items=items, progress=progress))]


async def put_motion(context: Context, request: Request) -> list[Outgoing]:
    """Put a motion to the meeting; those checked in vote by button."""
    homestead = request.require_homestead()
    text = request.args.strip()
    if not text:
        raise Refusal(texts.MOTION_USAGE)
    found = await _open_meeting(request, homestead)
    still_open = await meetings.open_motion(request.connection, found.id)
    if still_open is not None:
        raise Refusal(texts.MOTION_STILL_OPEN.format(text=still_open.text))
    motion_id = await meetings.add_motion(request.connection, found.id, text, request.now)
    present = await meeting_attendance.attendance(request.connection, found.id)
    buttons = (tuple(Button(CHOICE_LABELS[choice], f"vote:{motion_id}:{choice}")
                     for choice in meetings.CHOICES),)
    return [request.reply(texts.MOTION_PUT.format(
        text=text, persons=present.persons_present,
        need=votes_required(present.persons_present)), buttons=buttons)]


async def cast_vote(context: Context, request: Request) -> list[Outgoing]:
    """A button vote: only persons checked in, one vote each, changeable until closed."""
    motion_id, _, choice = request.args.partition(":")
    found = (await meetings.get_motion(request.connection, int(motion_id))
             if motion_id.isdecimal() else None)
    homestead = await request.own_homestead(texts.MEETING_NO_HOMESTEAD)
    meeting = await meetings.get(request.connection, found.meeting_id) if found else None
    if found is None or meeting is None or meeting.homestead_id != homestead.id \
            or choice not in meetings.CHOICES:
        raise Refusal(texts.BUTTON_EXPIRED)
    if found.status != meetings.MOTION_OPEN:
        raise Refusal(texts.VOTE_CLOSED)
    if found.tally is not None:
        raise Refusal(texts.VOTE_TALLIED)
    person = request.require_person()
    if not await meeting_attendance.is_checked_in(request.connection, meeting.id, person.id):
        raise Refusal(texts.VOTE_NOT_CHECKED_IN)
    previous = await meetings.cast_vote(request.connection, found.id, person.id, choice,
                                        request.now)
    template = texts.VOTE_RECORDED if previous in (None, choice) else texts.VOTE_CHANGED
    return [request.reply(template.format(name=person.name, choice=CHOICE_LABELS[choice]),
                          toast=True)]


async def tally(context: Context, request: Request) -> list[Outgoing]:
    """Record the show-of-hands count of the open motion; it replaces the button votes."""
    homestead = await request.own_homestead(texts.MEETING_NO_HOMESTEAD)
    numbers = request.args.split()
    if len(numbers) != 3 or not all(number.isdecimal() for number in numbers):
        raise Refusal(texts.TALLY_USAGE)
    yes, no, abstain = (int(number) for number in numbers)
    found = await _open_meeting(request, homestead)
    motion = await meetings.open_motion(request.connection, found.id)
    if motion is None:
        raise Refusal(texts.NO_OPEN_MOTION)
    present = await meeting_attendance.attendance(request.connection, found.id)
    if yes + no + abstain > present.persons_present:
        raise Refusal(texts.TALLY_TOO_MANY.format(total=yes + no + abstain,
                                                  persons=present.persons_present))
    await meetings.set_tally(request.connection, motion.id, yes, no, abstain)
    return [request.reply(texts.TALLY_RECORDED.format(yes=yes, no=no, abstain=abstain))]


async def _close(request: Request, meeting: Meeting, motion: meetings.Motion) -> str:
    """Close a motion with the 80% rule and return the announcement."""
    present = await meeting_attendance.attendance(request.connection, meeting.id)
    resident = meeting.resident_households or 0
    result = motion.tally or await meetings.vote_counts(request.connection, motion.id)
    persons = present.persons_present
    if sum(result) > persons:  # rule M4: no count above the persons present when decided
        raise Refusal(texts.TALLY_EXCEEDS_PRESENT.format(total=sum(result), persons=persons))
    binding = quorum_met(present.households_present, resident)  # rule M3
    passed = motion_passed(result[0], persons)  # rule M4
    await meetings.close_motion(request.connection, motion.id, result=result,
                                persons_present=persons, binding=binding, passed=passed,
                                now=request.now)
    await request.log(
        f"meeting:{meeting.id}", "motion.closed",
        {"motion_id": motion.id, "text": motion.text, "yes": result[0], "no": result[1],
         "abstain": result[2], "persons_present": persons, "binding": binding,
         "passed": passed, "tally": motion.tally is not None})
    text = texts.MOTION_RESULT.format(
        text=motion.text, yes=result[0], no=result[1], abstain=result[2], persons=persons,
        need=votes_required(persons), verdict=texts.PASSED if passed else texts.FAILED)
    if not binding:
        text += "\n" + texts.NOT_BINDING.format(present=present.households_present,
                                                required=households_required(resident))
    return text


async def close_motion(context: Context, request: Request) -> list[Outgoing]:
    """Close the open motion and announce the result under the 80% rule."""
    homestead = request.require_homestead()
    found = await _open_meeting(request, homestead)
    motion = await meetings.open_motion(request.connection, found.id)
    if motion is None:
        raise Refusal(texts.NO_OPEN_MOTION)
    return [request.reply(await _close(request, found, motion))]


async def add_minutes(context: Context, request: Request) -> list[Outgoing]:
    """Append verbatim text to the minutes of the open (or the last) meeting (rule M5)."""
    homestead = await request.own_homestead(texts.MEETING_NO_HOMESTEAD)
    text = request.args.strip()
    if not text:
        raise Refusal(texts.MINUTES_USAGE)
    found = (await meetings.find(request.connection, homestead.id, meetings.OPEN)
             or await meetings.find(request.connection, homestead.id, meetings.ENDED,
                                    newest=True))
    if found is None:
        raise Refusal(texts.MINUTES_NO_MEETING)
    count = await meetings.add_minute(request.connection, found.id,
                                      request.require_person().id, text, request.now)
    return [request.reply(texts.MINUTES_RECORDED.format(count=count))]


async def end_meeting(context: Context, request: Request) -> list[Outgoing]:
    """End the meeting: close any open motion, then post the summary and send it to cadres."""
    homestead = request.require_homestead()
    found = await _open_meeting(request, homestead)
    replies = []
    motion = await meetings.open_motion(request.connection, found.id)
    if motion is not None:
        replies.append(request.reply(await _close(request, found, motion)))
    await meetings.set_status(request.connection, found.id, meetings.ENDED, ended_at=request.now)
    await seals.seal(request.connection, "meeting", found.id, request.now)  # check-ins sealed
    await decisions.record_decisions(context, request, found, homestead)  # rule M9
    summary = await meeting_summary(context, request, found, homestead)
    await request.log(f"meeting:{found.id}", "meeting.ended", {"summary": summary})
    cadres = Office(Role.VILLAGE_CADRE, Place(homestead.township_id, homestead.village_id))
    # The minutes go verbatim with the summary, in as many messages as a phone needs (M9).
    for number, part in enumerate(split_for_phone(summary), start=1):
        key = f"meeting:{found.id}:summary" + (f":{number}" if number > 1 else "")
        await notify.tell(request.connection, [cadres], key=key, text=part, now=request.now)
        replies.append(request.reply(part))
    return replies


async def meeting_summary(context: Context, request: Request, meeting: Meeting,
                          homestead: Homestead) -> str:
    """The summary of a meeting: attendance, quorum, motions, decisions and the minutes."""
    present = await meeting_attendance.attendance(request.connection, meeting.id)
    resident = meeting.resident_households or 0
    met = quorum_met(present.households_present, resident)
    lines = [texts.SUMMARY.format(
        homestead=homestead.full_name, when=_when(context, meeting.starts_at),
        topic=meeting.topic, present=present.households_present, resident=resident,
        required=households_required(resident), persons=present.persons_present,
        quorum=texts.SUMMARY_QUORUM_MET if met else texts.SUMMARY_QUORUM_MISSED)]
    motions = await meetings.motions_of(request.connection, meeting.id)
    lines.append(texts.SUMMARY_MOTIONS.format(count=len(motions)) if motions
                 else texts.SUMMARY_NO_MOTIONS)
    for number, motion in enumerate(motions, start=1):
        yes, no, abstain = motion.result or (0, 0, 0)
        lines.append(texts.SUMMARY_MOTION.format(
            number=number, text=motion.text, verdict=texts.PASSED if motion.passed
            else texts.FAILED, yes=yes, no=no, abstain=abstain,
            binding="" if motion.binding else texts.NOT_BINDING_SHORT))
    lines += await decisions.summary_lines(request.connection, meeting.id)
    raised = await issues.raised_in_meeting(request.connection, meeting.id)
    if raised:
        lines.append(texts.SUMMARY_ISSUES.format(
            count=len(raised), titles="、".join(f"{found.id}号{found.title}" for found in raised)))
    minutes = await meetings.minutes_of(request.connection, meeting.id)
    lines.append(texts.SUMMARY_MINUTES.format(count=len(minutes)) if minutes
                 else texts.SUMMARY_NO_MINUTES)
    lines += [texts.SUMMARY_MINUTE.format(time=f"{context.local(at):%H:%M}", name=name,
                                          text=text) for at, name, text in minutes]
    return "\n".join(lines)
