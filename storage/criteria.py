"""Criteria checklists (DESIGN §3): applications, answers, evidence, verdicts and incidents.

Generic over the subject (a village for the 五面红旗 award, a branch for the 五个好) and
the checklist (core.criteria); the caller logs each change as an event (stream
``criteria:ID``, rule I7). Verdicts are appended, never edited: the newest per criterion
counts. A figure whose scheme entry names a ``source`` is filled by the provider
registered under that name (``register_provider``), from the bot's own records.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.criteria import Answer, Checklist, Incident, Review, Subject, Verdict
from core.messages import Attachment
from storage.schema import (
    criteria_answer,
    criteria_application,
    criteria_evidence,
    criteria_incident,
    criteria_review,
)

# (connection, subject, period, local zone): a period's edges are local (a meeting at 00:30 on
# 1 January, Shanghai time, is of the new year).
FigureProvider = Callable[[AsyncConnection, Subject, str, ZoneInfo], Awaitable[float | None]]
PROVIDERS: dict[str, FigureProvider] = {}


class Stage(StrEnum):
    """An application is a draft until its subject submits it for review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


@dataclass(frozen=True, slots=True)
class Application:
    """One subject's application for one checklist in one period (e.g. a flag, a year)."""

    id: int
    scheme: str
    checklist: str
    subject: Subject
    period: str
    township_id: int
    stage: Stage
    cursor: int | None  # the criterion being answered: a picture sent now is its evidence
    cursor_at: datetime | None
    submitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class Evidence:
    """A note or a picture/file given for a criterion."""

    id: int
    criterion: int
    kind: str
    text: str | None
    name: str | None


def register_provider(name: str, provider: FigureProvider) -> None:
    """Let scheme figures with ``source = name`` be filled by ``provider``."""
    PROVIDERS[name] = provider


async def provided_figures(connection: AsyncConnection, checklist: Checklist, subject: Subject,
                           period: str, zone: ZoneInfo) -> dict[int, dict[str, float]]:
    """The figures the registered providers give, by criterion number (unknown ones left out)."""
    found: dict[int, dict[str, float]] = {}
    for criterion in checklist.criteria:
        for figure in criterion.figures:
            provider = PROVIDERS.get(figure.source) if figure.source else None
            value = await provider(connection, subject, period, zone) if provider else None
            if value is not None:
                found.setdefault(criterion.number, {})[figure.key] = value
    return found


def _application(row: Row[Any]) -> Application:
    return Application(
        id=row.id, scheme=row.scheme, checklist=row.checklist,
        subject=Subject(row.subject_kind, row.subject_id), period=row.period,
        township_id=row.township_id, stage=Stage(row.status), cursor=row.cursor,
        cursor_at=row.cursor_at, submitted_at=row.submitted_at)


async def find(connection: AsyncConnection, subject: Subject, checklist: str,
               period: str) -> Application | None:
    """The subject's application for a checklist and period, if any."""
    row = (await connection.execute(select(criteria_application).where(
        criteria_application.c.subject_kind == subject.kind,
        criteria_application.c.subject_id == subject.id,
        criteria_application.c.checklist == checklist,
        criteria_application.c.period == period))).first()
    return _application(row) if row else None


async def start(connection: AsyncConnection, *, scheme: str, checklist: str, subject: Subject,
                period: str, township_id: int, now: datetime) -> Application:
    """The subject's application, opened as a draft if there is none yet."""
    found = await find(connection, subject, checklist, period)
    if found is not None:
        return found
    await connection.execute(insert(criteria_application).values(
        scheme=scheme, checklist=checklist, subject_kind=subject.kind, subject_id=subject.id,
        period=period, township_id=township_id, status=Stage.DRAFT.value, created_at=now))
    created = await find(connection, subject, checklist, period)
    assert created is not None
    return created


async def get(connection: AsyncConnection, application_id: int) -> Application | None:
    """One application by number."""
    row = (await connection.execute(select(criteria_application).where(
        criteria_application.c.id == application_id))).first()
    return _application(row) if row else None


async def of_township(connection: AsyncConnection, township_id: int, *,
                      period: str | None = None, subject_kind: str | None = None,
                      ) -> list[Application]:
    """A township's applications (of one period, one kind of subject), by number."""
    query = select(criteria_application).where(
        criteria_application.c.township_id == township_id)
    if period is not None:
        query = query.where(criteria_application.c.period == period)
    if subject_kind is not None:
        query = query.where(criteria_application.c.subject_kind == subject_kind)
    rows = await connection.execute(query.order_by(criteria_application.c.id))
    return [_application(row) for row in rows]


async def all_applications(connection: AsyncConnection) -> list[Application]:
    """Every application, by number."""
    rows = await connection.execute(select(criteria_application)
                                    .order_by(criteria_application.c.id))
    return [_application(row) for row in rows]


async def current(connection: AsyncConnection, subject: Subject,
                  period: str) -> Application | None:
    """The subject's application whose criterion was shown last (the one being answered)."""
    row = (await connection.execute(select(criteria_application).where(
        criteria_application.c.subject_kind == subject.kind,
        criteria_application.c.subject_id == subject.id,
        criteria_application.c.period == period,
        criteria_application.c.cursor.is_not(None),
    ).order_by(criteria_application.c.cursor_at.desc()).limit(1))).first()
    return _application(row) if row else None


async def set_cursor(connection: AsyncConnection, application_id: int, criterion: int | None,
                     now: datetime) -> None:
    """Remember which criterion the applicant is on (a picture sent next is its evidence)."""
    await connection.execute(update(criteria_application).where(
        criteria_application.c.id == application_id).values(cursor=criterion, cursor_at=now))


async def submit(connection: AsyncConnection, application_id: int, by: int | None,
                 now: datetime) -> None:
    """Mark an application submitted for review (again, after a criterion was sent back)."""
    await connection.execute(update(criteria_application).where(
        criteria_application.c.id == application_id).values(
        status=Stage.SUBMITTED.value, submitted_at=now, submitted_by=by, cursor=None))


async def set_answer(connection: AsyncConnection, application_id: int, answer: Answer,
                     by: int | None, now: datetime) -> None:
    """Store the applicant's answer to one criterion, replacing an earlier one."""
    await connection.execute(delete(criteria_answer).where(
        criteria_answer.c.application_id == application_id,
        criteria_answer.c.criterion == answer.criterion))
    await connection.execute(insert(criteria_answer).values(
        application_id=application_id, criterion=answer.criterion, value=answer.value,
        figures=json.dumps(dict(answer.figures)), note=answer.note, by=by, at=now))


async def answers(connection: AsyncConnection, application_id: int) -> dict[int, Answer]:
    """The applicant's answers, by criterion number."""
    rows = await connection.execute(select(criteria_answer).where(
        criteria_answer.c.application_id == application_id))
    return {row.criterion: Answer(row.criterion, row.value,
                                  {key: float(value)
                                   for key, value in json.loads(row.figures).items()},
                                  row.note) for row in rows}


async def add_evidence(connection: AsyncConnection, application_id: int, criterion: int, *,
                       note: str | None = None, attachment: Attachment | None = None,
                       by: int | None, now: datetime) -> int:
    """Store a note or a picture/file as evidence for a criterion; return its number."""
    values: dict[str, Any] = {"application_id": application_id, "criterion": criterion,
                              "person_id": by, "at": now, "kind": "note", "text": note}
    if attachment is not None:
        values.update(kind=attachment.kind.value, name=attachment.name,
                      mime_type=attachment.mime_type, size=len(attachment.content),
                      content=attachment.content)
    result = await connection.execute(insert(criteria_evidence).values(**values))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


async def evidence(connection: AsyncConnection, application_id: int) -> dict[int, list[Evidence]]:
    """The evidence of each criterion, oldest first (those without any are left out)."""
    rows = await connection.execute(
        select(criteria_evidence.c.id, criteria_evidence.c.criterion, criteria_evidence.c.kind,
               criteria_evidence.c.text, criteria_evidence.c.name)
        .where(criteria_evidence.c.application_id == application_id)
        .order_by(criteria_evidence.c.id))
    found: dict[int, list[Evidence]] = {}
    for row in rows:
        found.setdefault(row.criterion, []).append(
            Evidence(row.id, row.criterion, row.kind, row.text, row.name))
    return found


async def add_verdict(connection: AsyncConnection, application_id: int, verdict: Verdict, *,
                      task_id: int | None, by: int | None, now: datetime) -> None:
    """Append a reviewer's verdict on a criterion (the newest counts)."""
    await connection.execute(insert(criteria_review).values(
        application_id=application_id, criterion=verdict.criterion,
        review=verdict.review.value, reason=verdict.reason, due=verdict.due, task_id=task_id,
        by=by, at=now))


async def verdicts(connection: AsyncConnection, application_id: int) -> dict[int, Verdict]:
    """The newest verdict on each criterion reviewed."""
    rows = await connection.execute(select(criteria_review).where(
        criteria_review.c.application_id == application_id).order_by(criteria_review.c.id))
    return {row.criterion: Verdict(row.criterion, Review(row.review), row.reason, row.due)
            for row in rows}


async def sent_back_task(connection: AsyncConnection, application_id: int,
                         criterion: int) -> int | None:
    """The follow-up task of the criterion's newest verdict, when it sent the criterion back."""
    row = (await connection.execute(select(criteria_review.c.review, criteria_review.c.task_id)
                                    .where(criteria_review.c.application_id == application_id,
                                           criteria_review.c.criterion == criterion)
                                    .order_by(criteria_review.c.id.desc()).limit(1))).first()
    return row.task_id if row is not None and row.review == Review.SENT_BACK.value else None


async def record_incident(connection: AsyncConnection, subject: Subject, period: str,
                          incident: Incident, by: int | None, now: datetime) -> int:
    """Record an incident against a subject in a period; return its number."""
    result = await connection.execute(insert(criteria_incident).values(
        subject_kind=subject.kind, subject_id=subject.id, period=period, type=incident.type,
        text=incident.text, on=incident.on, by=by, at=now))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


async def incidents(connection: AsyncConnection, subject: Subject,
                    period: str) -> list[Incident]:
    """The incidents recorded against a subject in a period, oldest first."""
    rows = await connection.execute(select(criteria_incident).where(
        criteria_incident.c.subject_kind == subject.kind,
        criteria_incident.c.subject_id == subject.id,
        criteria_incident.c.period == period).order_by(criteria_incident.c.id))
    return [Incident(row.type, row.text, row.on) for row in rows]


async def evidence_count(connection: AsyncConnection, application_id: int) -> int:
    """How many pieces of evidence an application carries."""
    return int(await connection.scalar(select(func.count()).where(
        criteria_evidence.c.application_id == application_id)) or 0)
