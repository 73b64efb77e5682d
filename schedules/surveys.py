"""Survey jobs (民主测评, rule Y3): the one reminder, and the result at the window's end.

The result is a 公示 of the results kind to the survey's scope (P2), open to
objections for the default period; the one who started the survey is told.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.surveys import card_buttons, card_holders, card_title, result_line, shown_rate
from storage import events, notify, org, publication, publishing, surveys
from storage.context import Context
from storage.events import SYSTEM
from storage.surveys import Card


async def _scope_name(connection: AsyncConnection, found: Card) -> str:
    return (await publication.scope_names(connection, [found.scope]))[found.scope]


async def remind_surveys(context: Context) -> int:
    """Remind, once, the adults of every household that has not answered its whole card."""
    now = context.clock.now()
    reminded = 0
    async with context.db.write() as connection:
        for found in await surveys.due_reminders(connection, now):
            if not await surveys.mark_reminded(connection, found.id, now):
                continue
            waiting = await surveys.waiting_households(connection, found.id)
            residents = await org.persons_in(connection, found.scope.township_id,
                                             found.scope.village_id)
            holders = card_holders(residents, found.scope,
                                   await surveys.assessed_on(connection, found.id))
            rows = await surveys.surveys_of(connection, found.id)
            title = card_title(found.kind, await _scope_name(connection, found),
                               [row.subject for row in rows])
            await notify.tell(
                connection, [person_id for household_id, members in holders.items()
                             if household_id in waiting for person_id in members],
                key=f"survey:{found.id}:reminder", now=now,
                text=texts.SURVEY_REMINDER.format(
                    number=found.id, subject=title,
                    closes=texts.format_when(context.local(found.closes_at))),
                buttons=card_buttons([(row.id, row.subject) for row in rows]))
            await events.record(connection, SYSTEM, at=now, stream=f"survey:{found.id}",
                                kind="survey.reminded", payload={"households": len(waiting)})
            reminded += 1
    return reminded


async def close_surveys(context: Context) -> int:
    """End every survey past its window: its result is published (P2), its sender told (Y3)."""
    now = context.clock.now()
    ended = 0
    async with context.db.write() as connection:
        for found in await surveys.due_to_end(connection, now):
            if not await surveys.end(connection, found.id, now):
                continue
            await _publish(context, connection, found)
            ended += 1
    return ended


async def _publish(context: Context, connection: AsyncConnection, found: Card) -> None:
    """Publish a survey's result as a 公示 to its scope and tell whoever started it."""
    now = context.clock.now()
    scope_name = await _scope_name(connection, found)
    rows = await surveys.surveys_of(connection, found.id)
    title = card_title(found.kind, scope_name, [row.subject for row in rows])
    result = "\n".join([
        texts.SURVEY_RESULT_TITLE.format(number=found.id, subject=title, scope=scope_name,
                                         threshold=found.threshold),
        *(result_line(row.subject, row.tally, found.threshold) for row in rows),
        texts.SURVEY_RESULT_FOOTER.format(households=found.households)])
    sender = await org.person_by_id(connection, found.created_by)
    assert sender is not None
    sent = await publishing.publicize_result(context, connection, scope=found.scope, text=result,
                                             subject=f"survey:{found.id}", publisher=sender,
                                             actor=SYSTEM, now=now)
    await surveys.link_notice(connection, found.id, sent.id)
    await events.record(connection, SYSTEM, at=now, stream=f"survey:{found.id}",
                        kind="survey.ended", payload={"notice": sent.id, "results": [
                            {"subject": row.subject, "satisfied": row.tally.satisfied,
                             "basically": row.tally.basically,
                             "dissatisfied": row.tally.dissatisfied,
                             "rate": shown_rate(row.tally, found.threshold)} for row in rows]})
    await notify.tell(connection, [found.created_by], key=f"survey:{found.id}:result", now=now,
                      text=texts.SURVEY_RESULT_SENDER.format(number=found.id, scope=scope_name,
                                                             notice=sent.id, result=result))
