"""The January job of rule F12: the year before's flag roll-up goes to each township's officials.

In January the officials of each township with confirmed months in the year before
get its roll-up (``core.annual``), once per township and year (a ``annual.sent`` event
marks it, so a later run, or a service restarted, sends nothing again). It waits for
December's results: it goes once December is confirmed, or from the day after the
results' due day (``[flags] results_due_day``) with the months confirmed by then, the
title saying which.
"""

from __future__ import annotations

from core.annual import rollup_text, year_rollup
from core.models import Office
from core.permissions import Place
from core.roles import Role
from storage import annual, events, notify
from storage.context import Context
from storage.events import SYSTEM

JANUARY = 1


def _stream(township_id: int, year: int) -> str:
    return f"annual:{township_id}:{year}"


async def send_year_rollups(context: Context) -> int:
    """In January, send last year's roll-up to each township's officials, once (rule F12)."""
    now = context.clock.now()
    local = context.local(now)
    if local.month != JANUARY:
        return 0
    year = local.year - 1
    waited = local.day > context.rules.results_due_day
    sent = 0
    async with context.db.write() as connection:
        for township_id, months in (await annual.confirmed_placements(
                connection, year=year)).items():
            if not (waited or f"{year:04d}-12" in months):
                continue
            if await events.stream_events(connection, _stream(township_id, year)):
                continue
            rollup = year_rollup(year, months, context.rules.scheme.categories)
            sent += await notify.tell(
                connection, [Office(Role.TOWNSHIP_OFFICIAL, Place(township_id))],
                key=_stream(township_id, year), text=rollup_text(rollup), now=now)
            await events.record(connection, SYSTEM, at=now, stream=_stream(township_id, year),
                                kind="annual.sent", payload={"months": list(rollup.months)})
    return sent
