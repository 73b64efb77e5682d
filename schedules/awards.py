"""Award jobs: in January the officials are reminded to re-review the flags awarded (rule A3)."""

from __future__ import annotations

from core import texts
from core.awards import REMINDER_MONTH, SUBJECT_KIND
from core.models import Office
from core.permissions import Place
from core.roles import Role
from storage import awards, criteria, notify
from storage.context import Context


async def remind_rereview(context: Context) -> int:
    """Once each January, tell each township's officials which flags they hold to re-review."""
    now = context.clock.now()
    local = context.local(now)
    if local.month != REMINDER_MONTH:
        return 0
    sent = 0
    async with context.db.write() as connection:
        records = await awards.records(connection)
        names = await awards.villages(connection)
        held: dict[int, list[str]] = {}
        for application in await criteria.all_applications(connection):
            record = records.get(application.id)
            if application.subject.kind != SUBJECT_KIND or record is None \
                    or record.awarded_on is None or record.withdrawn_on is not None:
                continue
            held.setdefault(application.township_id, []).append(
                f"{names[application.subject.id].name}（{application.checklist}，"
                f"{application.period}年）")
        for township_id, listed in held.items():
            sent += await notify.tell(
                connection, [Office(Role.TOWNSHIP_OFFICIAL, Place(township_id))],
                key=f"award:rereview:{township_id}:{local.year}", now=now,
                text=texts.AWARD_REREVIEW_REMINDER.format(listing="、".join(listed)))
    return sent
