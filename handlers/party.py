"""Party meetings (rule Y2): /lesson, the check-in button, /attend by 编号, /lessons."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from core import texts
from core.meetings import HOUR_BEFORE
from core.messages import Outgoing
from core.party import (
    LessonKind,
    Member,
    RollEntry,
    attendance_rate,
    expected,
    is_secretary,
    may_call,
    rates_by_person,
)
from core.roles import Role
from core.when import parse_moment
from handlers.context import Context, Refusal, Request
from storage import notify, org, party
from storage.party import Lesson

MAX_AHEAD = timedelta(days=366)
SEPARATORS = re.compile(r"[\s,，、;；]+")


def _when(context: Context, moment: datetime) -> str:
    return texts.format_when(context.local(moment))


async def _group_led_by(request: Request) -> int | None:
    """The 屋场 whose party group the sender leads: its head, a member (rule M6)."""
    person = request.require_person()
    if person.role is not Role.HEAD or not person.party_member or person.homestead_id is None:
        return None
    members = await party.group_members(request.connection, person.homestead_id)
    return person.homestead_id if members else None


async def call_lesson(context: Context, request: Request) -> list[Outgoing]:
    """Call a party meeting: a branch secretary, or a group's leader for a 党小组会 (rule Y2)."""
    words = request.args.split()
    if len(words) < 4:
        raise Refusal(texts.LESSON_USAGE)
    kinds = {kind.value: kind for kind in LessonKind}
    kind = kinds.get(words[0])
    if kind is None:
        raise Refusal(texts.LESSON_BAD_KIND.format(value=words[0], kinds="、".join(kinds)))
    try:
        day, clock, used = parse_moment(words[1:], context.local(request.now).date())
        local = datetime.combine(day, clock, tzinfo=context.timezone)
    except ValueError:
        raise Refusal(texts.MEETING_BAD_TIME.format(value=" ".join(words[1:3]))) from None
    rest = request.args.split(maxsplit=used + 1)[used + 1:]
    if not rest:
        raise Refusal(texts.LESSON_USAGE)
    topic = rest[0].strip()
    if local <= request.now:
        raise Refusal(texts.MEETING_IN_PAST.format(when=_when(context, local)))
    if local - request.now > MAX_AHEAD:
        raise Refusal(texts.MEETING_TOO_FAR)
    person = request.require_person()
    caller = await party.member(request.connection, person)
    group = await _group_led_by(request) if kind is LessonKind.GROUP else None
    if person.village_id is None:
        raise Refusal(texts.LESSON_NOT_ALLOWED.format(kind=kind.value))
    village = await party.members(request.connection, person.village_id)
    if not may_call(kind, caller, group, village):
        raise Refusal(texts.LESSON_NOT_ALLOWED.format(kind=kind.value))
    roll = expected(kind, caller, village, group)
    if not roll:
        raise Refusal(texts.LESSON_NOBODY)
    lesson_id = await party.add_lesson(
        request.connection, village_id=person.village_id, branch=caller.branch, kind=kind,
        topic=topic, starts_at=local, homestead_id=group, called_by=person.id,
        now=request.now, expected=roll)
    await request.log(f"party:lesson:{lesson_id}", "party.lesson.called",
                      {"kind": kind.value, "topic": topic, "starts_at": local.isoformat(),
                       "expected": [found.person.code for found in roll]})
    when = _when(context, local)
    await notify.tell(request.connection, [found.person.id for found in roll],
                      key=f"party:lesson:{lesson_id}:announce",
                      text=texts.LESSON_ANNOUNCED.format(kind=kind.value, when=when, topic=topic,
                                                         caller=person.name),
                      now=request.now, besides={person.id})
    excused = [found.person.name for found in roll if found.info.mobile]
    lines = [texts.LESSON_CALLED.format(number=lesson_id, kind=kind.value, when=when,
                                        topic=topic, expected=len(roll) - len(excused))]
    if excused:
        lines.append(texts.LESSON_EXCUSED.format(names="、".join(excused)))
    return [request.reply("\n".join(lines))]


def _check_in_open(context: Context, lesson: Lesson, now: datetime) -> bool:
    """Check-in runs from an hour before the start to the end of the meeting's day."""
    return (now >= lesson.starts_at - HOUR_BEFORE
            and context.local(now).date() == context.local(lesson.starts_at).date())


async def check_in(context: Context, request: Request) -> list[Outgoing]:
    """The 签到 button of a party meeting's reminder: the presser is present (rule Y2)."""
    person = request.require_person()
    found = (await party.lesson(request.connection, int(request.args))
             if request.args.isdecimal() else None)
    if found is None:
        raise Refusal(texts.BUTTON_EXPIRED)
    if person.id not in {entry.person_id for _, entry in
                         await party.roll(request.connection, found.id)}:
        raise Refusal(texts.LESSON_NOT_EXPECTED)
    if not _check_in_open(context, found, request.now):
        raise Refusal(texts.LESSON_CHECKIN_CLOSED.format(when=_when(context, found.starts_at)))
    if await party.mark_present(request.connection, found.id, [person.id], by=person.id,
                                now=request.now):
        await request.log(f"party:lesson:{found.id}", "party.lesson.checkin",
                          {"person": person.code})
    return [request.reply(texts.LESSON_CHECKED_IN.format(name=person.name,
                                                         kind=found.kind.value), toast=True)]


async def attend_lesson(context: Context, request: Request) -> list[Outgoing] | None:
    """/attend 编号 ... for the party meeting the sender called today; None if there is none.

    Rule Y2: the secretary records members without a phone, as a head records
    households (/attend in handlers.meetings hands over here first).
    """
    person = request.require_person()
    today = [found for found in await party.lessons(
        request.connection, called_by=person.id, since=request.now - timedelta(days=1),
        until=request.now + HOUR_BEFORE + timedelta(seconds=1))
        if _check_in_open(context, found, request.now)]
    if not today:
        return None
    found = today[-1]
    codes = [code for code in SEPARATORS.split(request.args) if code]
    if not codes:
        raise Refusal(texts.LESSON_ATTEND_USAGE)
    by_code: dict[str, int] = {}
    for code in codes:
        named = await org.person_by_code(request.connection, code)
        if named is not None:
            by_code[code] = named.id
    roll = {entry.person_id for _, entry in await party.roll(request.connection, found.id)}
    unknown = [code for code in codes if by_code.get(code) not in roll]
    if unknown:
        raise Refusal(texts.LESSON_ATTEND_UNKNOWN.format(codes="、".join(unknown),
                                                         kind=found.kind.value))
    newly = await party.mark_present(request.connection, found.id,
                                     [by_code[code] for code in codes], by=person.id,
                                     now=request.now)
    if newly:
        await request.log(f"party:lesson:{found.id}", "party.lesson.attend",
                          {"persons": [code for code in codes if by_code[code] in newly]})
    return [request.reply(texts.LESSON_ATTEND_RECORDED.format(
        kind=found.kind.value, codes="、".join(codes),
        progress=_progress([entry for _, entry in
                            await party.roll(request.connection, found.id)])))]


def _progress(entries: list[RollEntry]) -> str:
    """Present of expected, the excused apart (rule Y2: 流动党员 excused, not absent)."""
    present = sum(entry.present for entry in entries)
    excused = sum(entry.excused and not entry.present for entry in entries)
    return texts.LESSON_PROGRESS.format(present=present, expected=len(entries) - excused,
                                        excused=excused)


def _rate(rate: float | None) -> str:
    return texts.NO_RATE if rate is None else f"{rate:.0%}"


async def list_lessons(context: Context, request: Request) -> list[Outgoing]:
    """The village's party meetings with attendance; a member's own rate (rule Y2)."""
    person = request.require_person()
    if person.village_id is None:
        raise Refusal(texts.LESSON_NO_VILLAGE)
    me = await party.member(request.connection, person)
    found = await party.lessons(request.connection, village_id=person.village_id)
    entries = await party.rolls(request.connection, [lesson.id for lesson in found])
    lines = [texts.LESSONS_HEADER]
    for lesson in found[-10:]:
        roll = [entry for lesson_id, entry in entries if lesson_id == lesson.id]
        lines.append(texts.LESSON_LINE.format(
            number=lesson.id, when=_when(context, lesson.starts_at), kind=lesson.kind.value,
            topic=lesson.topic, progress=_progress(roll)))
    if len(lines) == 1:
        lines.append(texts.LESSONS_NONE)
    branches: dict[str, list[RollEntry]] = {}
    for lesson in found:
        branches.setdefault(lesson.branch, []).extend(
            entry for lesson_id, entry in entries if lesson_id == lesson.id)
    for branch, roll in sorted(branches.items()):
        lines.append(texts.LESSON_BRANCH_RATE.format(branch=branch,
                                                     rate=_rate(attendance_rate(roll))))
    mine = rates_by_person(entry for _, entry in entries).get(person.id)
    if me.person.party_member:
        lines.append(texts.LESSON_OWN_RATE.format(rate=_rate(mine)))
    if is_secretary(me) or person.role is Role.VILLAGE_CADRE:
        lines.extend(await _member_rates(request, entries))
    return [request.reply("\n".join(lines))]


async def _member_rates(request: Request,
                        entries: list[tuple[int, RollEntry]]) -> list[str]:
    """Each member's attendance rate, for the branch's secretaries and the cadres."""
    rates = rates_by_person(entry for _, entry in entries)
    names: dict[int, Member] = {found.person.id: found for found in await party.members(
        request.connection, request.require_person().village_id)}
    on_rolls = sorted({entry.person_id for _, entry in entries})
    return [texts.LESSON_MEMBER_RATE.format(name=names[person_id].person.name,
                                            rate=_rate(rates.get(person_id)))
            for person_id in on_rolls if person_id in names]
