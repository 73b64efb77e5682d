"""Publication jobs: end each 公示 whose period ran out, with its summary (rule P2)."""

from __future__ import annotations

from core.publication import summary_text, unanswered
from storage import events, notify, outbox, publication
from storage.context import Context
from storage.events import SYSTEM


async def end_publicity(context: Context) -> int:
    """End every 公示 past its period: the publisher and its groups get the summary.

    The summary lists the objections with their answers, never who raised them, and
    says so when an objection is still unanswered.
    """
    now = context.clock.now()
    ended = 0
    async with context.db.write() as connection:
        for found in await publication.due_to_end(connection, now):
            if not await publication.end(connection, found.id, now):
                continue
            raised = (await publication.objections(connection, [found.id])).get(found.id, [])
            await events.record(connection, SYSTEM, at=now, stream=f"notice:{found.id}",
                                kind="notice.ended",
                                payload={"objections": len(raised),
                                         "unanswered": len(unanswered(raised))})
            text = summary_text(found, raised)
            key = f"notice:{found.id}:ended"
            await notify.tell(connection, [found.publisher()], key=key, text=text, now=now)
            await outbox.to_homesteads(
                connection, await publication.scope_homesteads(connection, found.scope),
                key=key, text=text, now=now)
            ended += 1
    return ended
