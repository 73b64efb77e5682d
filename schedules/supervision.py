"""The monthly digest job (rule S1): on the 1st at 09:00 local, last month's digests go out.

Village cadres get their village's digest, township officials the township's, each as
text with its table picture. The picture is drawn by a function the wiring passes in
(``handlers.pictures.digest_picture``), since schedules may not import handlers; it is
drawn before the write transaction, with no write lock held. A run finds its work in
the database: a township whose digest of the month has no ``digest.sent`` event gets
it, so a service that was down sends it when it starts again (until the 7th, after
which last month's digest is stale and ``/digest`` shows it on demand); a month that ended
before the township's roster was imported has nothing to digest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.flags import month_bounds
from core.models import Office
from core.permissions import Place
from core.roles import Role
from core.supervision import (
    DIGEST_CATCH_UP_DAYS,
    DIGEST_HOUR,
    Digest,
    digest_text,
    draft_digest,
    judged_on,
    previous_month,
)
from schedules.jobs import JobFunction
from storage import events, notify, supervision
from storage.context import Context
from storage.events import SYSTEM

DigestDrawer = Callable[[Digest], bytes]


def _stream(township_id: int, month: str) -> str:
    return f"digest:{township_id}:{month}"


async def _digests(context: Context, connection: AsyncConnection, township_id: int,
                   month: str) -> list[tuple[Office, Digest]]:
    """The township's digest for its officials and each village's for its cadres.

    A township without 屋场 has nothing to report and gets none.
    """
    rules = context.rules.supervision
    last_day = judged_on(month, context.local(context.clock.now()).date())
    township = await supervision.scope_of(connection, township_id)
    if not township.homesteads:
        return []  # a township without 屋场 has nothing to report
    scopes = [(Office(Role.TOWNSHIP_OFFICIAL, Place(township_id)), township)]
    for village_id in dict.fromkeys(found.village_id for found in township.homesteads):
        scopes.append((Office(Role.VILLAGE_CADRE, Place(township_id, village_id)),
                       await supervision.scope_of(connection, township_id, village_id)))
    return [(office, draft_digest(await supervision.digest_inputs(
        connection, scope, month, context.timezone, rules), last_day, context.rules.calendar,
        rules)) for office, scope in scopes]


def monthly_digests(draw: DigestDrawer) -> JobFunction:
    """The job that sends last month's digests once it is the 1st at 09:00 or later (S1)."""
    async def send(context: Context) -> int:
        now = context.clock.now()
        since_due = context.local(now) - timedelta(hours=DIGEST_HOUR)
        if since_due.day > DIGEST_CATCH_UP_DAYS:
            return 0
        month = previous_month(since_due.date())
        _, end = month_bounds(context.timezone, month)
        sent = 0
        async with context.db.read() as connection:
            since = await supervision.roster_since(connection)
            due = [township_id for township_id, imported in since.items()
                   if imported < end and not await events.stream_events(
                       connection, _stream(township_id, month))]
        for township_id in due:
            async with context.db.read() as connection:
                digests = await _digests(context, connection, township_id, month)
            pictures = [draw(digest) for _, digest in digests]
            async with context.db.write() as connection:
                if await events.stream_events(connection, _stream(township_id, month)):
                    continue
                await events.record(connection, SYSTEM, at=now, stream=_stream(township_id, month),
                                    kind="digest.sent", payload={"digests": len(digests)})
                # The chain's head goes to the officials, who keep it (`verify --head`).
                anchor = texts.CHAIN_HEAD_LINE.format(head=await events.head_hash(connection))
                for (office, digest), picture in zip(digests, pictures, strict=True):
                    text = digest_text(digest)
                    if office.role is Role.TOWNSHIP_OFFICIAL:
                        text = f"{text}\n{anchor}"
                    sent += await notify.tell(
                        connection, [office], text=text, image=picture, now=now,
                        key=f"{_stream(township_id, month)}:{office.place.village_id or 0}")
        return sent

    return send

