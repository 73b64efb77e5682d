"""五个好 jobs (rule Y4): a reminder at each stage's start and a month before its end."""

from __future__ import annotations

from core import texts
from core.models import Office
from core.party import is_secretary
from core.permissions import Place
from core.roles import Role
from core.wuhao import reminders_due
from storage import notify, party
from storage.context import Context


async def remind_stages(context: Context) -> int:
    """Tell each township's officials and branch secretaries of the stage that begins or ends.

    Once per township, stage, moment and creation year (the outbox key), whichever day
    of the month the job first runs.
    """
    now = context.clock.now()
    due = reminders_due(context.local(now).date())
    if not due:
        return 0
    queued = 0
    async with context.db.write() as connection:
        secretaries: dict[int, list[int]] = {}
        for member in await party.members(connection):  # every township with a roster
            listed = secretaries.setdefault(member.person.township_id, [])
            if member.person.village_id is not None and is_secretary(member):
                listed.append(member.person.id)
        for township_id, told in sorted(secretaries.items()):
            officials = Office(Role.TOWNSHIP_OFFICIAL, Place(township_id))
            for reminder in due:
                queued += await notify.tell(
                    connection, [officials, *told], now=now,
                    key=f"wuhao:stage:{township_id}:{reminder.year}:{reminder.stage.name}:"
                        f"{reminder.moment.value}",
                    text=texts.WUHAO_STAGE_TEXT[(reminder.stage.value, reminder.moment.value)]
                    .format(year=reminder.year))
    return queued
