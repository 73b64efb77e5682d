"""Telling people in private: named persons and everyone holding an office, through the outbox.

A recipient is a person's id, an ``Office`` (everyone of a role at a place, or the
one person named to it) or a ``PartyGroup`` (a 屋场's party group, rule M6). Each is
sent the message on every channel their account is bound on, under
``{key}:p{person}:{channel}``, so the same call twice queues nothing new.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.calendar import WorkCalendar
from core.messages import Button
from core.models import Office
from core.party import PartyGroup
from core.permissions import Place
from core.roles import Role
from storage import org, outbox, party

Recipient = int | Office | PartyGroup


async def persons(connection: AsyncConnection, recipients: Iterable[Recipient]) -> list[int]:
    """The ids of these persons and of everyone holding these offices, each once, in order."""
    found: dict[int, None] = {}
    for recipient in recipients:
        if isinstance(recipient, int):
            found[recipient] = None
        elif isinstance(recipient, PartyGroup):
            found.update(dict.fromkeys(await party.group_members(connection,
                                                                 recipient.homestead_id)))
        elif recipient.person_id is not None:
            found[recipient.person_id] = None
        else:
            place = recipient.place
            for holder in await org.persons_with_role(
                    connection, recipient.role, township_id=place.township_id,
                    village_id=place.village_id, homestead_id=place.homestead_id):
                found[holder.id] = None
    return list(found)


async def tell(connection: AsyncConnection, recipients: Iterable[Recipient], *, key: str,
               text: str, now: datetime, buttons: tuple[tuple[Button, ...], ...] = (),
               image: bytes | None = None, not_before: datetime | None = None,
               besides: Collection[int] = ()) -> int:
    """Queue a message to each recipient's private chats but ``besides``; return how many were new.

    ``besides`` leaves out people who know already, such as whoever caused the message.
    """
    person_ids = [person_id for person_id in await persons(connection, recipients)
                  if person_id not in besides]
    return await outbox.to_persons(connection, person_ids, key=key, text=text, now=now,
                                   buttons=buttons, image=image, not_before=not_before)


async def warn_unknown_years(connection: AsyncConnection, calendar: WorkCalendar,
                             days: Iterable[date], *, township_id: int, now: datetime) -> None:
    """Tell a township's officials, once a year, that a deadline counted weekdays only.

    For a year whose official holidays the calendar does not know (I3, P2).
    """
    for year in sorted(calendar.unknown_years(days)):
        await tell(connection, [Office(Role.TOWNSHIP_OFFICIAL, Place(township_id))],
                   key=f"calendar:unknown:{year}:{township_id}",
                   text=texts.CALENDAR_UNKNOWN.format(year=year), now=now)
