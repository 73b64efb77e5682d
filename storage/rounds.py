"""Rating rounds of the ledger: who reported them handled, the wait for a meeting, the verdict.

A round's decision (rules I6, I8) is stored here once for both ways it is reached:
the window job (``schedules.issues``) and the show of hands at a meeting (``/ratings``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.issues import RoundOutcome, RoundTally, Status, percent
from storage import events, issues, notify, org
from storage.events import SYSTEM
from storage.issues import Issue, Round, _issue, _round
from storage.schema import event, issue, rating_round

AWAITING = RoundOutcome.AWAIT_MEETING.value


async def solver(connection: AsyncConnection, issue_id: int, round_id: int) -> int | None:
    """Who reported the issue handled in this round: the actor of its ``issue.solved`` event."""
    rows = await connection.execute(select(event).where(
        event.c.stream == f"issue:{issue_id}", event.c.kind == "issue.solved",
    ).order_by(event.c.id.desc()))
    for row in rows:
        found = events.to_event(row)
        if found.payload.get("round_id") == round_id:
            return found.actor_id
    return None


async def undecided(connection: AsyncConnection, issue_id: int) -> Round | None:
    """The issue's round not decided yet (in its window, or awaiting a meeting), if any."""
    row = (await connection.execute(select(rating_round).where(
        rating_round.c.issue_id == issue_id, rating_round.c.decided_at.is_(None),
    ).order_by(rating_round.c.id.desc()).limit(1))).first()
    return _round(row) if row else None


async def awaiting(connection: AsyncConnection, homestead_id: int) -> list[Issue]:
    """The 屋场's issues whose round waits for its meeting's show of hands (rule I8)."""
    rows = await connection.execute(
        select(issue).join(rating_round, rating_round.c.issue_id == issue.c.id).where(
            issue.c.homestead_id == homestead_id, rating_round.c.decided_at.is_(None),
            rating_round.c.outcome == AWAITING,
        ).order_by(issue.c.id))
    return [_issue(row) for row in rows]


async def claim_awaiting(connection: AsyncConnection, round_id: int, now: datetime) -> bool:
    """Take a round awaiting the meeting for its show of hands; False if another took it.

    The conditional update makes a second /ratings sent at the same moment find nothing.
    """
    result = await connection.execute(update(rating_round).where(
        rating_round.c.id == round_id, rating_round.c.decided_at.is_(None),
        rating_round.c.outcome == AWAITING).values(decided_at=now))
    return bool(result.rowcount)


def details(round_id: int, tally: RoundTally) -> dict[str, Any]:
    """What the events of a round's end record: its counts and its rate."""
    return {"round_id": round_id, "satisfied": tally.satisfied, "basically": tally.basically,
            "dissatisfied": tally.dissatisfied, "rate": percent(tally.rate)}


async def await_meeting(connection: AsyncConnection, found: Issue, found_round: Round,
                        tally: RoundTally, min_raters: int, now: datetime) -> str:
    """Leave a round short of raters for the meeting: neither closed nor reopened (rule I8).

    Return what the 屋场's group is told.
    """
    await connection.execute(update(rating_round).where(
        rating_round.c.id == found_round.id).values(outcome=AWAITING))
    await issues.change(connection, found, "issue.round_awaiting", SYSTEM, now,
                        {**details(found_round.id, tally), "needed": min_raters})
    return texts.ROUND_AWAITS_MEETING.format(number=found.id, title=found.title,
                                             raters=tally.raters, needed=min_raters)


async def settle(connection: AsyncConnection, found: Issue, found_round: Round,
                 tally: RoundTally, outcome: RoundOutcome, now: datetime) -> str:
    """Close (销号) or reopen an issue on its round's ratings; tell the handler if reopened.

    Return what the 屋场's group is told (rules I6, I8).
    """
    assert outcome in (RoundOutcome.CLOSE, RoundOutcome.REOPEN)
    await issues.decide_round(connection, found_round.id, outcome.value, now)
    rate = tally.rate
    satisfaction = float(rate) if rate is not None else None
    logged = details(found_round.id, tally)
    if outcome is RoundOutcome.CLOSE:
        await issues.change(connection, found, "issue.closed", SYSTEM, now, logged,
                            status=Status.CLOSED, satisfaction=satisfaction,
                            closed_at=now)
        return texts.ISSUE_CLOSED.format(number=found.id, title=found.title,
                                         rate=percent(rate), raters=tally.raters)
    await issues.change(connection, found, "issue.reopened", SYSTEM, now, logged,
                        status=found_round.status_before, satisfaction=satisfaction)
    homestead = await org.homestead_by_id(connection, found.homestead_id)
    assert homestead is not None
    handler = found.handler(homestead.place)
    await notify.tell(connection, [handler], key=f"issue:{found.id}:decided:{found_round.id}",
                      now=now, text=texts.ISSUE_REOPENED_HANDLER.format(
                          number=found.id, title=found.title, rate=percent(rate),
                          raters=tally.raters))
    return texts.ISSUE_REOPENED.format(number=found.id, title=found.title, rate=percent(rate),
                                       raters=tally.raters, handler=handler.title)


async def every_round(connection: AsyncConnection) -> dict[int, list[Round]]:
    """Every rating round, oldest first, by issue."""
    result: dict[int, list[Round]] = {}
    for row in await connection.execute(select(rating_round).order_by(rating_round.c.id)):
        result.setdefault(row.issue_id, []).append(_round(row))
    return result
