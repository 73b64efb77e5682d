"""The one path a notice or 公示 takes out to its groups, for people and systems alike (P1, P2).

A publisher's `/notice` (handlers.publication), an award going to 公示 (handlers.award_review)
and a survey's result (schedules.surveys) all end here, so a 公示 ends, reads and is logged
the same way whoever started it; a system's record that its own messages announce (flags,
awards, 党费) goes on the board through ``on_board``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core.models import Person
from core.permissions import Place
from core.publication import (
    DEFAULT_PUBLICITY_DAYS,
    Kind,
    Notice,
    group_buttons,
    group_text,
    publicity_ends_at,
    publisher_label,
    sent_event,
)
from storage import events, notify, outbox, publication
from storage.context import Context
from storage.events import Actor


async def publicity_end(context: Context, connection: AsyncConnection, scope: Place, days: int,
                        now: datetime) -> datetime:
    """When a 公示 published now ends (rule P2); officials are warned of unknown holiday years."""
    calendar = context.rules.calendar
    ends_at = publicity_ends_at(now, days, calendar, context.timezone)  # rule P2
    await notify.warn_unknown_years(connection, calendar,
                                    [context.local(now).date(), context.local(ends_at).date()],
                                    township_id=scope.township_id, now=now)
    return ends_at


async def _logged(connection: AsyncConnection, sent: Notice, actor: Actor,
                  now: datetime) -> str:
    """Record that ``sent`` went out (the event every notice has); return its scope's name."""
    scope_name = (await publication.scope_names(connection, [sent.scope]))[sent.scope]
    await events.record(connection, actor, at=now, stream=f"notice:{sent.id}",
                        kind="notice.sent", payload=sent_event(sent, scope_name))
    return scope_name


async def on_board(connection: AsyncConnection, *, kind: Kind, scope: Place, text: str,
                   subject: str, actor: Actor, now: datetime) -> Notice:
    """Publish a system's notice to the board and the export, logged, with no group message.

    For what its system tells the groups in its own words (a month's flags, an award, a
    month's 党费): the notice is the public record of it (P3).
    """
    sent = await publication.publish(connection, kind=kind, scope=scope, text=text,
                                     subject=subject, now=now, publisher_id=actor.person_id)
    await _logged(connection, sent, actor, now)
    return sent


async def go_out(context: Context, connection: AsyncConnection, sent: Notice, publisher: Person,
                 actor: Actor, now: datetime) -> tuple[str, list[int]]:
    """Log a sent notice and queue it to every group of its scope, with 已阅 (and 异议).

    Returns the scope's name and its 屋场.
    """
    scope_name = await _logged(connection, sent, actor, now)
    homesteads = await publication.scope_homesteads(connection, sent.scope)
    await outbox.to_homesteads(connection, homesteads, key=f"notice:{sent.id}",
                               text=group_text(sent, scope_name, publisher_label(publisher),
                                               context.timezone),
                               now=now, buttons=group_buttons(sent), channels=context.channels)
    return scope_name, homesteads


async def publicize_result(context: Context, connection: AsyncConnection, *, scope: Place,
                           text: str, subject: str, publisher: Person, actor: Actor,
                           now: datetime) -> Notice:
    """Start a 公示 of what a system decided (an award, a survey's result; P2).

    ``publisher`` answers its objections; it runs the default working days and corrects
    the last notice on the same ``subject``.
    """
    ends_at = await publicity_end(context, connection, scope, DEFAULT_PUBLICITY_DAYS, now)
    sent = await publication.publish(connection, kind=Kind.RESULTS, scope=scope, text=text,
                                     subject=subject, now=now, publisher_id=publisher.id,
                                     days=DEFAULT_PUBLICITY_DAYS, ends_at=ends_at)
    await go_out(context, connection, sent, publisher, actor, now)
    return sent
