"""Seals: chain events carrying a digest of rows at their closing moment, so verify sees edits.

Meetings, motions, minutes, check-ins, scores and confirmations live in tables of their own,
not in the event log. Rather than one more serialized chain write per check-in press (a button
burst must stay fast), each subject is sealed when it closes: the meeting's attendance and
check-ins when it ends, a motion with its votes when it is closed, the minutes of a meeting at
every entry, a village's scores of a month at every entry, a confirmation when it is made. The
seal is an event of stream ``seal:SUBJECT`` whose payload holds the SHA-256 of the subject's
rows; `wuchang verify` recomputes it from the rows as they are now and reports any difference,
and any closed subject that has no seal though sealing had begun (rule I7).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import events
from storage.schema import (
    event,
    flag_confirmation,
    flag_item_score,
    flag_result,
    flag_score,
    flag_settlement,
    meeting,
    meeting_checkin,
    meeting_household,
    minute,
    motion,
    vote,
)

PREFIX = "seal:"
KIND = "sealed"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return value


async def _rows(connection: AsyncConnection, query: Select[Any]) -> list[list[Any]]:
    return [[_plain(value) for value in row] for row in await connection.execute(query)]


def _digest(parts: Sequence[object]) -> str:
    body = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode()).hexdigest()


async def _meeting(connection: AsyncConnection, meeting_id: int) -> str:
    """The meeting as held: its row, households recorded present, check-ins."""
    return _digest([
        await _rows(connection, select(
            meeting.c.id, meeting.c.homestead_id, meeting.c.starts_at, meeting.c.place,
            meeting.c.topic, meeting.c.status, meeting.c.opened_at, meeting.c.ended_at,
            meeting.c.resident_households).where(meeting.c.id == meeting_id)),
        await _rows(connection, select(
            meeting_household.c.household_id, meeting_household.c.persons,
            meeting_household.c.recorded_by).where(meeting_household.c.meeting_id == meeting_id)
            .order_by(meeting_household.c.household_id)),
        await _rows(connection, select(
            meeting_checkin.c.person_id, meeting_checkin.c.household_id, meeting_checkin.c.at)
            .where(meeting_checkin.c.meeting_id == meeting_id)
            .order_by(meeting_checkin.c.person_id)),
    ])


async def _motion(connection: AsyncConnection, motion_id: int) -> str:
    """A closed motion: its text, counts, result, and the button votes."""
    return _digest([
        await _rows(connection, select(motion).where(motion.c.id == motion_id)),
        await _rows(connection, select(vote.c.person_id, vote.c.choice, vote.c.at)
                    .where(vote.c.motion_id == motion_id).order_by(vote.c.person_id)),
    ])


async def _minutes(connection: AsyncConnection, meeting_id: int) -> str:
    """Every entry of a meeting's minutes, verbatim (rule M5)."""
    return _digest(await _rows(connection, select(minute).where(
        minute.c.meeting_id == meeting_id).order_by(minute.c.id)))


async def _scores(connection: AsyncConnection, subject: str) -> str:
    """A village's scores of a month: category totals and item scores (F2, F9)."""
    village_id, _, month = subject.partition(":")
    return _digest([
        await _rows(connection, select(flag_score.c.category, flag_score.c.score).where(
            flag_score.c.village_id == int(village_id), flag_score.c.month == month)
            .order_by(flag_score.c.category)),
        await _rows(connection, select(
            flag_item_score.c.category, flag_item_score.c.item, flag_item_score.c.score).where(
            flag_item_score.c.village_id == int(village_id), flag_item_score.c.month == month)
            .order_by(flag_item_score.c.category, flag_item_score.c.item)),
    ])


async def _confirmation(connection: AsyncConnection, confirmation_id: int) -> str:
    """A confirmed month's version: who and when, every placement and settlement (F8)."""
    return _digest([
        await _rows(connection, select(flag_confirmation).where(
            flag_confirmation.c.id == confirmation_id)),
        await _rows(connection, select(flag_result).where(
            flag_result.c.confirmation_id == confirmation_id)
            .order_by(flag_result.c.village_id, flag_result.c.category)),
        await _rows(connection, select(flag_settlement).where(
            flag_settlement.c.confirmation_id == confirmation_id)
            .order_by(flag_settlement.c.village_id)),
    ])


Digester = Callable[[AsyncConnection, str], Awaitable[str]]
DIGESTERS: dict[str, Digester] = {
    "meeting": lambda connection, key: _meeting(connection, int(key)),
    "motion": lambda connection, key: _motion(connection, int(key)),
    "minutes": lambda connection, key: _minutes(connection, int(key)),
    "scores": _scores,
    "confirmation": lambda connection, key: _confirmation(connection, int(key)),
}


async def seal(connection: AsyncConnection, kind: str, key: object, now: datetime) -> None:
    """Append the seal of one subject (``kind`` of DIGESTERS, ``key`` its id) to the chain."""
    digest = await DIGESTERS[kind](connection, str(key))
    await events.append(connection, at=now, stream=f"{PREFIX}{kind}:{key}", kind=KIND,
                        payload={"digest": digest})


async def broken_seals(connection: AsyncConnection) -> list[str]:
    """Subjects whose rows differ from their newest seal, or closed since sealing began unsealed."""
    broken = []
    sealed: set[str] = set()
    for found in await events.streams_with_prefix(connection, PREFIX):
        subject = found.stream.removeprefix(PREFIX)
        sealed.add(subject)
        kind, _, key = subject.partition(":")
        digester = DIGESTERS.get(kind)
        if digester is None or await digester(connection, key) != found.payload.get("digest"):
            broken.append(subject)
    since = await connection.scalar(select(func.min(event.c.at)).where(
        event.c.stream.startswith(PREFIX)))
    if since is not None:
        broken += [subject for subject in await _closed_since(connection, since)
                   if subject not in sealed]
    return sorted(set(broken))


async def _closed_since(connection: AsyncConnection, since: datetime) -> list[str]:
    """Every subject that closed at or after ``since`` and so must have a seal."""
    subjects = [f"meeting:{row.id}" for row in await connection.execute(select(meeting.c.id).where(
        meeting.c.status == "ended", meeting.c.ended_at >= since))]
    subjects += [f"motion:{row.id}" for row in await connection.execute(select(motion.c.id).where(
        motion.c.status == "closed", motion.c.closed_at >= since))]
    subjects += [f"minutes:{row.meeting_id}" for row in await connection.execute(
        select(minute.c.meeting_id).where(minute.c.at >= since).distinct())]
    for table in (flag_score, flag_item_score):
        subjects += [f"scores:{row.village_id}:{row.month}" for row in await connection.execute(
            select(table.c.village_id, table.c.month).where(table.c.entered_at >= since)
            .distinct())]
    subjects += [f"confirmation:{row.id}" for row in await connection.execute(
        select(flag_confirmation.c.id).where(flag_confirmation.c.confirmed_at >= since))]
    return subjects
