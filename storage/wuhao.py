"""The 五个好 figures the bot's own records give (rule Y4), as criteria providers.

Each provider fills one figure of bot/schemes/wuhao-001.toml (its ``source``) for a
branch (subject: its village) and a creation year: 无职党员 with a post and 后备干部
from the roster's party columns (the year's new 入党积极分子 are typed in with evidence,
like its new members: the roster names the standing ones); 中心组学习, 电教片 and
民主生活会 from the party meetings (a meeting counts once someone checked in: it was held);
the 民主生活会's rectification items from the follow-up tasks; the 民主测评 from the year's
ended surveys.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.criteria import Subject
from core.party import LessonKind, Member, holds_no_office
from core.surveys import SubjectKind
from core.tasks import TaskKind
from core.wuhao import SUBJECT_KIND, fewest_items
from storage import criteria, party, surveys, tasks
from storage.party import Lesson
from storage.surveys import Card, Survey

FROM_LIFE_MEETING = "lifemeeting"  # the origin of a rectification item: its 民主生活会
PERCENT = 100


def _year(period: str, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The local year ``period`` as [start, end)."""
    if not period.isdecimal():
        return None
    year = int(period)
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


async def held_lessons(connection: AsyncConnection, subject: Subject, period: str,
                       kind: LessonKind, zone: ZoneInfo) -> list[Lesson]:
    """The branch's party meetings of one kind in the year that were held (someone present)."""
    span = _year(period, zone)
    if subject.kind != SUBJECT_KIND or span is None:
        return []
    found = [lesson for lesson in await party.lessons(connection, village_id=subject.id,
                                                      since=span[0], until=span[1])
             if lesson.kind is kind]
    present = {lesson_id for lesson_id, entry in
               await party.rolls(connection, [lesson.id for lesson in found]) if entry.present}
    return [lesson for lesson in found if lesson.id in present]


async def central_group_months(connection: AsyncConnection, subject: Subject,
                               period: str, zone: ZoneInfo) -> float | None:
    """Months of the year with a 中心组学习 held (seed 001: 每月开展一次学习活动)."""
    held = await held_lessons(connection, subject, period, LessonKind.CENTRAL_GROUP, zone)
    return float(len({lesson.starts_at.astimezone(zone).month for lesson in held}))


async def video_lessons(connection: AsyncConnection, subject: Subject,
                        period: str, zone: ZoneInfo) -> float | None:
    """电教片 shown to the members in the year (seed 001: 不少于12部)."""
    return float(len(await held_lessons(connection, subject, period, LessonKind.VIDEO, zone)))


async def democratic_life(connection: AsyncConnection, subject: Subject,
                          period: str, zone: ZoneInfo) -> float | None:
    """民主生活会 held in the year (seed 001: 每年一次)."""
    return float(len(await held_lessons(connection, subject, period,
                                        LessonKind.DEMOCRATIC_LIFE, zone)))


async def remedy_counts(connection: AsyncConnection, lesson_ids: list[int]) -> Counter[int]:
    """How many rectification items each cadre got at these 民主生活会, by person."""
    return Counter(found.owner.person_id for found in
                   await tasks.from_origins(connection, FROM_LIFE_MEETING, lesson_ids)
                   if found.kind is TaskKind.REMEDY and found.owner.person_id is not None)


async def rectification_fewest(connection: AsyncConnection, subject: Subject,
                               period: str, zone: ZoneInfo) -> float | None:
    """The fewest items any cadre got over the year's 民主生活会 held (≥ 2, rule Y4).

    Each cadre on the roll of any of them counts with their items from all of them.
    """
    held = await held_lessons(connection, subject, period, LessonKind.DEMOCRATIC_LIFE, zone)
    if not held:
        return None
    ids = [lesson.id for lesson in held]
    roll = sorted({entry.person_id for _, entry in await party.rolls(connection, ids)})
    return float(fewest_items(roll, await remedy_counts(connection, ids)))


async def _village_members(connection: AsyncConnection, subject: Subject) -> list[Member]:
    if subject.kind != SUBJECT_KIND:
        return []
    return await party.members(connection, subject.id)


async def post_participation(connection: AsyncConnection, subject: Subject,
                             period: str, zone: ZoneInfo) -> float | None:
    """无职党员设岗定责 (%): 无职党员 (no office at all) who hold a post (roster 岗位)."""
    without = [found for found in await _village_members(connection, subject)
               if holds_no_office(found)]
    if not without:
        return None
    return PERCENT * sum(found.info.position is not None for found in without) / len(without)


async def reserve_cadres(connection: AsyncConnection, subject: Subject,
                         period: str, zone: ZoneInfo) -> float | None:
    """后备人才 of the 两委 the roster names (后备干部)."""
    return float(sum(found.info.reserve_cadre
                     for found in await _village_members(connection, subject)))


async def _ended_surveys(connection: AsyncConnection, subject: Subject, period: str,
                         kind: SubjectKind, zone: ZoneInfo) -> list[tuple[Card, Survey]]:
    """The subjects of the year's ended surveys of this kind in the village, oldest first."""
    span = _year(period, zone)
    if subject.kind != SUBJECT_KIND or span is None:
        return []
    return await surveys.ended_in_village(connection, subject.id, kind, *span)


async def members_survey(connection: AsyncConnection, subject: Subject,
                         period: str, zone: ZoneInfo) -> float | None:
    """党员民主测评 (%): the lowest member's rate over the year's ended /survey 党员 (rule Y3).

    Seed 001: 对所有在职和有岗党员开展一次群众民主测评，群众满意率达90%以上 -- every
    member. Each member's rate is the one published for them (the latest of the year's
    cards they were on; a village's branches may each have theirs); a member nobody rated
    has no rate.
    """
    rates: dict[int | str, Fraction] = {}
    for _, found in await _ended_surveys(connection, subject, period, SubjectKind.PARTY, zone):
        rate = found.tally.rate
        if rate is not None:
            rates[found.person_id if found.person_id is not None else found.subject] = rate
    return float(min(rates.values()) * PERCENT) if rates else None


async def committee_survey(connection: AsyncConnection, subject: Subject,
                           period: str, zone: ZoneInfo) -> float | None:
    """两委满意度测评 (%): the year's last ended /survey 两委 of the village."""
    found = await _ended_surveys(connection, subject, period, SubjectKind.COMMITTEE, zone)
    rate = found[-1][1].tally.rate if found else None
    return None if rate is None else float(rate * PERCENT)


PROVIDERS = {
    "wuhao_central_group_months": central_group_months,
    "wuhao_video_lessons": video_lessons,
    "wuhao_democratic_life": democratic_life,
    "wuhao_rectification_fewest": rectification_fewest,
    "wuhao_post_participation": post_participation,
    "wuhao_reserve_cadres": reserve_cadres,
    "wuhao_members_survey": members_survey,
    "wuhao_committee_survey": committee_survey,
}
for _name, _provider in PROVIDERS.items():
    criteria.register_provider(_name, _provider)
