"""Flag jobs: remind township officials of missing scores before a month's results are due."""

from __future__ import annotations

from core import texts
from core.flags import draft_month, month_bounds, shift_month
from core.models import Office
from core.permissions import Place
from core.roles import Role
from storage import flags, notify
from storage.context import Context

SHOWN = 6


async def remind_missing_scores(context: Context) -> int:
    """After a month ends and until its results are due, remind officials of missing scores.

    Once when the month is over, and once more the day before the due day, for each
    township whose month is neither complete nor confirmed.
    """
    now = context.clock.now()
    local = context.local(now)
    month = shift_month(local.strftime("%Y-%m"), -1)
    due_day = context.rules.results_due_day
    stage = "due" if local.day >= due_day - 1 else "start"
    if local.day > due_day:
        return 0
    _, end = month_bounds(context.timezone, month)
    sent = 0
    async with context.db.write() as connection:
        confirmed = {(item[1], item[2]) for item in await flags.confirmed_versions(connection)}
        for township_id in await flags.township_ids(connection):
            if (township_id, month) in confirmed:
                continue
            result = draft_month(context.rules.scheme, await flags.month_inputs(
                connection, township_id, month, context.timezone))
            if not result.missing or not result.villages:
                continue
            sent += await notify.tell(
                connection, [Office(Role.TOWNSHIP_OFFICIAL, Place(township_id))],
                key=f"flags:missing:{township_id}:{month}:{stage}", now=now,
                text=texts.SCORES_REMINDER.format(
                    month=month, count=len(result.missing),
                    items=result.missing_text(SHOWN),
                    due=f"{end.month}月{due_day}日"))
    return sent
