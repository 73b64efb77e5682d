"""Notices and 公示: drafts, sending, who read them, objections and answers (rules P1-P2).

The rows are written once and never edited in place but for a draft's kind, a 公示's
end and an objection's one answer; every change is also an event (stream
``notice:ID``), logged by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.messages import Attachment
from core.permissions import Place
from core.publication import (
    BoardNotice,
    BoardObjection,
    Kind,
    Notice,
    Objection,
    Status,
)
from storage.schema import (
    chat_identity,
    homestead,
    household,
    notice,
    notice_attachment,
    notice_objection,
    notice_read,
    person,
    township,
    village,
)


def _notice(row: Row[Any]) -> Notice:
    return Notice(
        id=row.id, kind=Kind(row.kind) if row.kind else None,
        scope=Place(row.township_id, row.village_id, row.homestead_id), text=row.text,
        publisher_id=row.publisher_id, publicity=row.publicity, days=row.days,
        ends_at=row.ends_at, status=Status(row.status), corrects=row.corrects_id,
        sent_at=row.sent_at)


async def draft(connection: AsyncConnection, *, scope: Place, text: str,
                publisher_id: int | None, publicity: bool, days: int | None,
                corrects: int | None, now: datetime, subject: str | None = None) -> Notice:
    """Store a notice not yet sent: its kind is chosen next."""
    result = await connection.execute(insert(notice).values(
        township_id=scope.township_id, village_id=scope.village_id,
        homestead_id=scope.homestead_id, text=text, publisher_id=publisher_id,
        publicity=publicity, days=days, status=Status.DRAFT.value, corrects_id=corrects,
        subject=subject, created_at=now))
    assert result.inserted_primary_key is not None
    created = await get(connection, int(result.inserted_primary_key[0]))
    assert created is not None
    return created


async def send(connection: AsyncConnection, notice_id: int, kind: Kind,
               ends_at: datetime | None, now: datetime) -> Notice | None:
    """Send a draft with its kind (and a 公示's end); None if it was sent already."""
    result = await connection.execute(update(notice).where(
        notice.c.id == notice_id, notice.c.status == Status.DRAFT.value,
    ).values(kind=kind.value, ends_at=ends_at, status=Status.OPEN.value, sent_at=now))
    return await get(connection, notice_id) if result.rowcount else None


async def publish(connection: AsyncConnection, *, kind: Kind, scope: Place, text: str,
                  subject: str, now: datetime, publisher_id: int | None = None,
                  days: int | None = None, ends_at: datetime | None = None) -> Notice:
    """Publish what the system decided (results) at once; it corrects the last on ``subject``.

    With ``ends_at`` (and its ``days``) it is a 公示 open to objections until then (P2).
    """
    earlier = await connection.scalar(select(func.max(notice.c.id)).where(
        notice.c.subject == subject, notice.c.status != Status.DRAFT.value))
    created = await draft(connection, scope=scope, text=text, publisher_id=publisher_id,
                          publicity=ends_at is not None, days=days, corrects=earlier, now=now,
                          subject=subject)
    sent = await send(connection, created.id, kind, ends_at, now)
    assert sent is not None
    return sent


async def get(connection: AsyncConnection, notice_id: int) -> Notice | None:
    """The notice with this number, drafted or sent."""
    row = (await connection.execute(select(notice).where(notice.c.id == notice_id))).first()
    return _notice(row) if row else None


async def of_publisher(connection: AsyncConnection, person_id: int, limit: int) -> list[Notice]:
    """The newest notices a person sent, newest first."""
    rows = await connection.execute(select(notice).where(
        notice.c.publisher_id == person_id, notice.c.status != Status.DRAFT.value,
    ).order_by(notice.c.id.desc()).limit(limit))
    return [_notice(row) for row in rows]


async def newest_of_publisher(connection: AsyncConnection, person_id: int) -> Notice | None:
    """The newest notice a person drafted or sent: the one their picture or file joins."""
    row = (await connection.execute(select(notice).where(notice.c.publisher_id == person_id)
                                    .order_by(notice.c.id.desc()).limit(1))).first()
    return _notice(row) if row else None


async def attachment_count(connection: AsyncConnection, notice_id: int) -> int:
    """How many pictures and files a notice carries."""
    return int(await connection.scalar(select(func.count()).where(
        notice_attachment.c.notice_id == notice_id)) or 0)


async def attach(connection: AsyncConnection, notice_id: int, attachment: Attachment,
                 person_id: int, now: datetime) -> int:
    """Store a picture or file with a notice and return its number there (from 1)."""
    last = await connection.scalar(select(func.max(notice_attachment.c.number)).where(
        notice_attachment.c.notice_id == notice_id))
    number = int(last or 0) + 1
    await connection.execute(insert(notice_attachment).values(
        notice_id=notice_id, number=number, kind=attachment.kind.value, name=attachment.name,
        mime_type=attachment.mime_type, size=len(attachment.content),
        content=attachment.content, person_id=person_id, at=now))
    return number


async def attachment_names(connection: AsyncConnection,
                           notice_ids: Iterable[int]) -> dict[int, list[str]]:
    """The names of each notice's pictures and files, in order (those without are left out)."""
    ids = list(notice_ids)
    if not ids:
        return {}
    rows = await connection.execute(
        select(notice_attachment.c.notice_id, notice_attachment.c.name)
        .where(notice_attachment.c.notice_id.in_(ids))
        .order_by(notice_attachment.c.notice_id, notice_attachment.c.number))
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(row.notice_id, []).append(row.name)
    return found


def _in_scope(scope: Place) -> Any:
    """The condition that a 屋场 lies in ``scope``, over ``homestead`` joined to ``village``."""
    condition = village.c.township_id == scope.township_id
    if scope.village_id is not None:
        condition = and_(condition, homestead.c.village_id == scope.village_id)
    if scope.homestead_id is not None:
        condition = and_(condition, homestead.c.id == scope.homestead_id)
    return condition


async def scope_homesteads(connection: AsyncConnection, scope: Place) -> list[int]:
    """The 屋场 whose groups a notice of ``scope`` goes to."""
    rows = await connection.execute(
        select(homestead.c.id).join(village, village.c.id == homestead.c.village_id)
        .where(_in_scope(scope)).order_by(homestead.c.id))
    return [row.id for row in rows]


async def households_bound(connection: AsyncConnection, scope: Place) -> int:
    """Households a notice of ``scope`` can reach: those of its 屋场 with a member bound.

    A household counts when at least one person of it has an account on any channel;
    whether it lives at home does not matter.
    """
    bound_member = exists().where(
        person.c.household_id == household.c.id,
        exists().where(chat_identity.c.person_id == person.c.id))
    return int(await connection.scalar(
        select(func.count()).select_from(household)
        .join(homestead, homestead.c.id == household.c.homestead_id)
        .join(village, village.c.id == homestead.c.village_id)
        .where(_in_scope(scope), bound_member)) or 0)


async def record_read(connection: AsyncConnection, notice_id: int, household_id: int,
                      person_id: int, now: datetime) -> bool:
    """Record that a household read a notice; False if it had already."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    result = await connection.execute(dialect.insert(notice_read).values(
        notice_id=notice_id, household_id=household_id, person_id=person_id, at=now,
    ).on_conflict_do_nothing(index_elements=["notice_id", "household_id"]))
    return bool(result.rowcount)


async def households_read(connection: AsyncConnection,
                          notice_ids: Iterable[int]) -> dict[int, int]:
    """How many households read each of these notices (those none read are left out)."""
    ids = list(notice_ids)
    if not ids:
        return {}
    rows = await connection.execute(
        select(notice_read.c.notice_id, func.count()).where(notice_read.c.notice_id.in_(ids))
        .group_by(notice_read.c.notice_id))
    return {row[0]: int(row[1]) for row in rows}


async def add_objection(connection: AsyncConnection, notice_id: int, person_id: int, text: str,
                        now: datetime) -> int:
    """Record an objection to a 公示 and return its sequence number (序号)."""
    last = await connection.scalar(select(func.max(notice_objection.c.number)).where(
        notice_objection.c.notice_id == notice_id))
    number = int(last or 0) + 1
    await connection.execute(insert(notice_objection).values(
        notice_id=notice_id, number=number, person_id=person_id, text=text, at=now))
    return number


async def objections(connection: AsyncConnection,
                     notice_ids: Iterable[int]) -> dict[int, list[Objection]]:
    """The objections to each of these notices, in order (those without any are left out)."""
    ids = list(notice_ids)
    if not ids:
        return {}
    rows = await connection.execute(select(notice_objection).where(
        notice_objection.c.notice_id.in_(ids)).order_by(
        notice_objection.c.notice_id, notice_objection.c.number))
    found: dict[int, list[Objection]] = {}
    for row in rows:
        found.setdefault(row.notice_id, []).append(Objection(row.number, row.text, row.answer))
    return found


async def objector(connection: AsyncConnection, notice_id: int, number: int) -> int | None:
    """Who raised an objection: told of its answer, never shown to anyone else."""
    return await connection.scalar(select(notice_objection.c.person_id).where(
        notice_objection.c.notice_id == notice_id, notice_objection.c.number == number))


async def answer(connection: AsyncConnection, notice_id: int, number: int, text: str,
                 by: int, now: datetime) -> bool:
    """Answer an objection once; False if it was answered already."""
    result = await connection.execute(update(notice_objection).where(
        notice_objection.c.notice_id == notice_id, notice_objection.c.number == number,
        notice_objection.c.answer.is_(None),
    ).values(answer=text, answered_by=by, answered_at=now))
    return bool(result.rowcount)


async def due_to_end(connection: AsyncConnection, now: datetime) -> list[Notice]:
    """Open 公示 whose period is over."""
    rows = await connection.execute(select(notice).where(
        notice.c.status == Status.OPEN.value, notice.c.publicity.is_(True),
        notice.c.ends_at <= now).order_by(notice.c.id))
    return [_notice(row) for row in rows]


async def end(connection: AsyncConnection, notice_id: int, now: datetime) -> bool:
    """End a 公示; False if it had ended already."""
    result = await connection.execute(update(notice).where(
        notice.c.id == notice_id, notice.c.status == Status.OPEN.value,
    ).values(status=Status.ENDED.value, ended_at=now))
    return bool(result.rowcount)


async def scope_names(connection: AsyncConnection, scopes: Iterable[Place]) -> dict[Place, str]:
    """How people name each scope: 金竹村枫树湾, 金竹村 or 金溪镇."""
    names: dict[Place, str] = {}
    for scope in set(scopes):
        if scope.homestead_id is not None:
            row = (await connection.execute(
                select(village.c.name, homestead.c.name.label("homestead"))
                .join(village, village.c.id == homestead.c.village_id)
                .where(homestead.c.id == scope.homestead_id))).one()
            names[scope] = f"{row.name}{row.homestead}"
        elif scope.village_id is not None:
            names[scope] = str(await connection.scalar(
                select(village.c.name).where(village.c.id == scope.village_id)))
        else:
            names[scope] = str(await connection.scalar(
                select(township.c.name).where(township.c.id == scope.township_id)))
    return names


async def sent_notices(connection: AsyncConnection) -> list[Notice]:
    """Every notice sent, oldest first (drafts never went out)."""
    rows = await connection.execute(select(notice).where(
        notice.c.status != Status.DRAFT.value).order_by(notice.c.id))
    return [_notice(row) for row in rows]


async def board_notices(connection: AsyncConnection, village_id: int, now: datetime,
                        since: datetime | None = None) -> list[BoardNotice]:
    """The notices and 公示 a village sees, newest first (P3's notice board reads these).

    A village sees its own 屋场's notices, its village's and its township's: those open
    at ``now`` (a notice has no end; a 公示 until its period runs out), and with
    ``since`` also every one sent from then on, ended 公示 with their objections
    included (a month's poster, a board's recent past). Objections show their text and
    answer only, never who raised them.
    """
    township_id = await connection.scalar(
        select(village.c.township_id).where(village.c.id == village_id))
    if township_id is None:
        return []
    own_homesteads = select(homestead.c.id).where(homestead.c.village_id == village_id)
    shown = and_(notice.c.status == Status.OPEN.value,
                 or_(notice.c.ends_at.is_(None), notice.c.ends_at > now))
    if since is not None:
        shown = or_(shown, and_(notice.c.status != Status.DRAFT.value,
                                notice.c.sent_at >= since, notice.c.sent_at < now))
    rows = await connection.execute(select(notice).where(
        shown,
        or_(notice.c.homestead_id.in_(own_homesteads),
            and_(notice.c.village_id == village_id, notice.c.homestead_id.is_(None)),
            and_(notice.c.township_id == township_id, notice.c.village_id.is_(None))),
    ).order_by(notice.c.sent_at.desc(), notice.c.id.desc()))
    found = [_notice(row) for row in rows]
    ids = [item.id for item in found]
    read = await households_read(connection, ids)
    raised = await objections(connection, ids)
    attached = await attachment_names(connection, ids)
    names = await scope_names(connection, [item.scope for item in found])
    board = []
    for item in found:
        assert item.kind is not None and item.sent_at is not None
        board.append(BoardNotice(
            id=item.id, kind=item.kind.label, scope=names[item.scope], text=item.text,
            sent_at=item.sent_at, publicity=item.publicity, ends_at=item.ends_at,
            objections=tuple(BoardObjection(objection.number, objection.text, objection.answer)
                             for objection in raised.get(item.id, [])),
            households_read=read.get(item.id, 0), corrects=item.corrects,
            attachments=tuple(attached.get(item.id, []))))
    return board
