"""Surveys (民主测评, rule Y3): who may start one, its cards, the anonymous answers, the end.

Anonymity is kept by the tables themselves: ``survey_answered`` holds only that a
household used its card for a subject; the choices exist only as counts on the
``survey`` rows, and every count of the card is written in each answer, so no id,
time, row order or transaction tells which count an answer raised. No event is
logged per answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, case, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.issues import Rating, RoundTally
from core.models import Person
from core.party import Post, is_secretary
from core.permissions import Place
from core.roles import Role
from core.surveys import SubjectKind
from storage import party
from storage.schema import (
    survey,
    survey_answered,
    survey_assessed,
    survey_card,
    survey_household,
)


async def may_survey(connection: AsyncConnection, person: Person) -> bool:
    """Whether ``person`` may start a survey: a township official or a branch secretary (Y3)."""
    if person.role is Role.TOWNSHIP_OFFICIAL:
        return True
    return is_secretary(await party.member(connection, person))


async def branch_members(connection: AsyncConnection, sender: Person,
                         village_id: int) -> list[Person]:
    """The party members of the branch a survey of ``党员`` rates, in roster order (Y3).

    For a branch secretary, the members of their branch (a 总支书记's: the village's);
    for an official, every member of the village named.
    """
    members = [found for found in await party.members(connection, village_id)
               if found.person.party_member]
    if sender.role is not Role.TOWNSHIP_OFFICIAL:
        own = await party.member(connection, sender)
        if own.info.post is not Post.GENERAL_SECRETARY:
            members = [found for found in members if found.branch == own.branch]
    return [found.person for found in members]


@dataclass(frozen=True, slots=True)
class Subject:
    """What one row of a card rates: its name, the person if one, and who is assessed."""

    name: str
    person_id: int | None
    assessed: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Card:
    """One /survey: its scope, threshold, window and how many households got the card."""

    id: int
    kind: SubjectKind
    scope: Place
    threshold: int
    created_by: int
    opened_at: datetime
    closes_at: datetime
    remind_at: datetime
    reminded_at: datetime | None
    ended_at: datetime | None
    households: int
    notice_id: int | None


@dataclass(frozen=True, slots=True)
class Survey:
    """One subject of a card with its counts (kept while the card runs, shown once it ended)."""

    id: int
    card_id: int
    position: int
    subject: str
    person_id: int | None
    tally: RoundTally


def _card(row: Row[Any]) -> Card:
    return Card(id=row.id, kind=SubjectKind(row.kind),
                scope=Place(row.township_id, row.village_id), threshold=row.threshold,
                created_by=row.created_by, opened_at=row.opened_at, closes_at=row.closes_at,
                remind_at=row.remind_at, reminded_at=row.reminded_at, ended_at=row.ended_at,
                households=row.households, notice_id=row.notice_id)


def _survey(row: Row[Any]) -> Survey:
    return Survey(id=row.id, card_id=row.card_id, position=row.position, subject=row.subject,
                  person_id=row.person_id,
                  tally=RoundTally(row.satisfied, row.basically, row.dissatisfied))


async def open_card(connection: AsyncConnection, *, kind: SubjectKind, scope: Place,
                    threshold: int, subjects: Sequence[Subject], households: Iterable[int],
                    by: int, now: datetime, closes_at: datetime,
                    remind_at: datetime) -> tuple[Card, list[Survey]]:
    """Store a survey card, its subjects and the households that hold it."""
    holding = sorted(set(households))
    result = await connection.execute(insert(survey_card).values(
        kind=kind.value, township_id=scope.township_id, village_id=scope.village_id,
        threshold=threshold, created_by=by, opened_at=now, closes_at=closes_at,
        remind_at=remind_at, households=len(holding)))
    assert result.inserted_primary_key is not None
    card_id = int(result.inserted_primary_key[0])
    for position, subject in enumerate(subjects, start=1):
        created = await connection.execute(insert(survey).values(
            card_id=card_id, position=position, subject=subject.name,
            person_id=subject.person_id, satisfied=0, basically=0, dissatisfied=0))
        assert created.inserted_primary_key is not None
        survey_id = int(created.inserted_primary_key[0])
        if subject.assessed:
            await connection.execute(insert(survey_assessed), [
                {"survey_id": survey_id, "person_id": person_id}
                for person_id in sorted(set(subject.assessed))])
    if holding:
        await connection.execute(insert(survey_household), [
            {"card_id": card_id, "household_id": household_id} for household_id in holding])
    found = await card(connection, card_id)
    assert found is not None
    return found, await surveys_of(connection, card_id)


async def card(connection: AsyncConnection, card_id: int) -> Card | None:
    """The survey card with this number."""
    row = (await connection.execute(select(survey_card).where(
        survey_card.c.id == card_id))).first()
    return _card(row) if row else None


async def get(connection: AsyncConnection, survey_id: int) -> Survey | None:
    """One subject of a card, by its id."""
    row = (await connection.execute(select(survey).where(survey.c.id == survey_id))).first()
    return _survey(row) if row else None


async def surveys_of(connection: AsyncConnection, card_id: int) -> list[Survey]:
    """The subjects of a card, in the order the card lists them."""
    rows = await connection.execute(select(survey).where(survey.c.card_id == card_id)
                                    .order_by(survey.c.position))
    return [_survey(row) for row in rows]


async def assessed_on(connection: AsyncConnection, card_id: int) -> set[int]:
    """Everyone a card assesses: none of them answers it (rule Y3)."""
    rows = await connection.execute(
        select(survey_assessed.c.person_id).join(survey, survey.c.id == survey_assessed.c.survey_id)
        .where(survey.c.card_id == card_id))
    return {row.person_id for row in rows}


async def holds_card(connection: AsyncConnection, card_id: int, household_id: int) -> bool:
    """Whether a household was given this card when the survey started."""
    found = await connection.scalar(select(survey_household.c.household_id).where(
        survey_household.c.card_id == card_id, survey_household.c.household_id == household_id))
    return found is not None


async def answer(connection: AsyncConnection, found: Survey, household_id: int,
                 choice: Rating) -> bool:
    """Count a household's answer for one subject, once; False if it answered already.

    That the household answered is stored apart from what it answered; every count of
    the card is rewritten (most by adding nothing), so the rows changed say nothing
    about the choice.
    """
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    used = await connection.execute(dialect.insert(survey_answered).values(
        survey_id=found.id, household_id=household_id,
    ).on_conflict_do_nothing(index_elements=["survey_id", "household_id"]))
    if not used.rowcount:
        return False
    this = survey.c.id == found.id
    await connection.execute(update(survey).where(survey.c.card_id == found.card_id).values(
        {column: survey.c[column] + case((this, int(choice is rating)), else_=0)
         for column, rating in (("satisfied", Rating.SATISFIED), ("basically", Rating.BASICALLY),
                                ("dissatisfied", Rating.DISSATISFIED))}))
    return True


async def answered(connection: AsyncConnection, survey_ids: Iterable[int]) -> dict[int, int]:
    """How many households answered each of these subjects (those none answered left out)."""
    ids = list(survey_ids)
    if not ids:
        return {}
    rows = await connection.execute(
        select(survey_answered.c.survey_id, func.count()).where(
            survey_answered.c.survey_id.in_(ids)).group_by(survey_answered.c.survey_id))
    return {row[0]: int(row[1]) for row in rows}


async def waiting_households(connection: AsyncConnection, card_id: int) -> set[int]:
    """The households holding a card that have not answered every subject of it yet."""
    subjects = select(func.count()).where(survey.c.card_id == card_id).scalar_subquery()
    done = (select(survey_answered.c.household_id)
            .join(survey, survey.c.id == survey_answered.c.survey_id)
            .where(survey.c.card_id == card_id)
            .group_by(survey_answered.c.household_id)
            .having(func.count() >= subjects))
    rows = await connection.execute(select(survey_household.c.household_id).where(
        survey_household.c.card_id == card_id, survey_household.c.household_id.not_in(done)))
    return {row.household_id for row in rows}


async def running(connection: AsyncConnection, scope: Place, subject: Subject) -> Card | None:
    """A card of ``scope`` still open that rates ``subject`` (the person, or by name), if any."""
    same = (survey.c.person_id == subject.person_id if subject.person_id is not None
            else survey.c.subject == subject.name)
    query = select(survey_card).join(survey, survey.c.card_id == survey_card.c.id).where(
        survey_card.c.ended_at.is_(None), survey_card.c.township_id == scope.township_id, same)
    query = query.where(survey_card.c.village_id.is_(None) if scope.village_id is None
                        else survey_card.c.village_id == scope.village_id)
    row = (await connection.execute(query.limit(1))).first()
    return _card(row) if row else None


async def due_reminders(connection: AsyncConnection, now: datetime) -> list[Card]:
    """Open cards whose one reminder is due and not sent."""
    rows = await connection.execute(select(survey_card).where(
        survey_card.c.ended_at.is_(None), survey_card.c.reminded_at.is_(None),
        survey_card.c.remind_at <= now, survey_card.c.closes_at > now).order_by(survey_card.c.id))
    return [_card(row) for row in rows]


async def mark_reminded(connection: AsyncConnection, card_id: int, now: datetime) -> bool:
    """Record the reminder as sent; False if it was already."""
    result = await connection.execute(update(survey_card).where(
        survey_card.c.id == card_id, survey_card.c.reminded_at.is_(None),
    ).values(reminded_at=now))
    return bool(result.rowcount)


async def due_to_end(connection: AsyncConnection, now: datetime) -> list[Card]:
    """Open cards whose window is over."""
    rows = await connection.execute(select(survey_card).where(
        survey_card.c.ended_at.is_(None), survey_card.c.closes_at <= now,
    ).order_by(survey_card.c.id))
    return [_card(row) for row in rows]


async def end(connection: AsyncConnection, card_id: int, now: datetime) -> bool:
    """End a card: no answer counts after this; False if it had ended already."""
    result = await connection.execute(update(survey_card).where(
        survey_card.c.id == card_id, survey_card.c.ended_at.is_(None),
    ).values(ended_at=now))
    return bool(result.rowcount)


async def link_notice(connection: AsyncConnection, card_id: int, notice_id: int) -> None:
    """Record the 公示 that published a card's result."""
    await connection.execute(update(survey_card).where(survey_card.c.id == card_id)
                             .values(notice_id=notice_id))


async def ended_in_village(connection: AsyncConnection, village_id: int, kind: SubjectKind,
                           since: datetime, until: datetime) -> list[tuple[Card, Survey]]:
    """The subjects of a village's ended cards of one kind opened in [since, until).

    With their card, oldest card first and each card's subjects in their order.
    """
    cards = {found.id: found for found in map(_card, await connection.execute(
        select(survey_card).where(
            survey_card.c.village_id == village_id, survey_card.c.kind == kind.value,
            survey_card.c.ended_at.is_not(None), survey_card.c.opened_at >= since,
            survey_card.c.opened_at < until)))}
    rows = await connection.execute(select(survey).where(survey.c.card_id.in_(list(cards))))
    return sorted(((cards[found.card_id], found) for found in map(_survey, rows)),
                  key=lambda pair: (pair[0].opened_at, pair[0].id, pair[1].position))


async def every_survey(connection: AsyncConnection) -> list[tuple[Card, Survey]]:
    """Every subject of every card with its card, oldest first."""
    cards = {found.id: found for found in
             [_card(row) for row in await connection.execute(select(survey_card))]}
    rows = await connection.execute(select(survey).order_by(survey.c.id))
    return [(cards[found.card_id], found) for found in map(_survey, rows)]
