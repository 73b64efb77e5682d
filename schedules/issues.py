"""Ledger jobs: the report-deadline sweep, overdue promises and closing rating windows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.issues import (
    Level,
    RoundOutcome,
    Status,
    decide_round,
    handler_at,
    rating_buttons,
    window_text,
)
from storage import issues, notify, org, outbox, rounds
from storage.context import Context
from storage.events import SYSTEM
from storage.issues import Issue

SWEEP_BATCH = 500


async def sweep_deadlines(context: Context) -> int:
    """Send to the township what the village left past its deadline, marked overdue (I3)."""
    today = context.local(context.clock.now()).date()
    moved = 0
    while True:
        async with context.db.write() as connection:
            late = await issues.overdue_at_village(connection, today, SWEEP_BATCH)
            for found in late:
                await _escalate_overdue(context, connection, found)
        moved += len(late)
        if len(late) < SWEEP_BATCH:
            return moved


async def _escalate_overdue(context: Context, connection: AsyncConnection,
                           found: Issue) -> None:
    now = context.clock.now()
    changed = await issues.change(
        connection, found, "issue.escalated", SYSTEM, now,
        {"from": Level.VILLAGE.value, "to": Level.TOWNSHIP.value, "automatic": True,
         "deadline": found.deadline.isoformat() if found.deadline else None},
        level=Level.TOWNSHIP, status=Status.ESCALATED, overdue=True, overdue_on=found.deadline)
    deadline = found.deadline
    text = texts.ESCALATED_OVERDUE.format(
        number=found.id, title=found.title, window=window_text(found.report_window),  # I9
        deadline=texts.format_day(deadline) if deadline else "")
    homestead = await org.homestead_by_id(connection, found.homestead_id)
    assert homestead is not None
    key = f"issue:{found.id}:overdue-escalated"
    # The officials who handle it now, and the village cadres who let it pass.
    await notify.tell(connection, [changed.handler(homestead.place),
                                   found.handler(homestead.place)], key=key, text=text, now=now)
    await outbox.to_homesteads(connection, [changed.homestead_id], key=key, text=text, now=now)


async def mark_broken_promises(context: Context) -> int:
    """Mark overdue what passed its agreed (屋场) or due (镇) date, and tell who handles it."""
    now = context.clock.now()
    today = context.local(now).date()
    async with context.db.write() as connection:
        late = await issues.past_promise(connection, today)
        for found in late:
            late_since = (found.agreed_date if found.level is Level.HOMESTEAD
                          else found.due_date) or today
            await issues.change(connection, found, "issue.overdue", SYSTEM, now,
                                {"date": late_since.isoformat()}, overdue=True,
                                overdue_on=late_since)
            homestead = await org.homestead_by_id(connection, found.homestead_id)
            assert homestead is not None
            if found.level is Level.HOMESTEAD and found.agreed_date is not None:
                day = found.agreed_date
                text = texts.PROMISE_OVERDUE.format(number=found.id, title=found.title,
                                                    day=f"{day.month}月{day.day}日")
            else:
                day = found.due_date or today
                text = texts.DUE_OVERDUE.format(number=found.id, title=found.title,
                                                day=f"{day.month}月{day.day}日",
                                                department=found.department or "")
            # Every 镇干部 of the township hears of a missed due date, not only the 责任人.
            await notify.tell(connection, [handler_at(found.level, homestead.place)],
                              key=f"issue:{found.id}:overdue:{day}", text=text, now=now)
    return len(late)


async def close_rating_rounds(context: Context) -> int:
    """Decide every round whose window closed: extend, close (销号), reopen or wait (I6, I8).

    A round still short of raters after its extension waits for the 屋场's next meeting.
    """
    now = context.clock.now()
    decided = 0
    async with context.db.write() as connection:
        for found_round in await issues.rounds_due(connection, now):
            found = await issues.get(connection, found_round.issue_id)
            assert found is not None
            tally = await issues.tally(connection, found.id, found_round.id)
            outcome = decide_round(tally, context.rules.min_raters, found_round.extended)
            if outcome is RoundOutcome.EXTEND:
                closes = now + timedelta(hours=context.rules.rating_window_hours)
                await issues.extend_round(connection, found_round.id, closes)
                await issues.change(connection, found, "issue.round_extended", SYSTEM, now,
                                    {**rounds.details(found_round.id, tally),
                                     "closes_at": closes.isoformat()})
                await outbox.to_homesteads(
                    connection, [found.homestead_id], key=f"issue:{found.id}:extend:"
                    f"{found_round.id}", now=now, text=texts.ROUND_EXTENDED.format(
                        number=found.id, raters=tally.raters, needed=context.rules.min_raters,
                        closes=texts.format_when(context.local(closes))),
                    buttons=rating_buttons(found_round.id), channels=context.channels)
                continue
            if outcome is RoundOutcome.AWAIT_MEETING:  # rule I8
                text = await rounds.await_meeting(connection, found, found_round, tally,
                                                  context.rules.min_raters, now)
                key = f"issue:{found.id}:awaiting:{found_round.id}"
            else:
                text = await rounds.settle(connection, found, found_round, tally, outcome, now)
                key = f"issue:{found.id}:decided:{found_round.id}"
            await outbox.to_homesteads(connection, [found.homestead_id], key=key, text=text,
                                       now=now)
            decided += 1
    return decided

