"""One standard run on the criteria review flow (DESIGN §3): who applies, what, and its words.

The flow itself (apply criterion by criterion with evidence, submit, the township's
review with met / not met / sent back, sent-back criteria as follow-up tasks) is written
once, in handlers.awards and handlers.award_review, over a ``Track``: the 五面红旗 award
(rules A1-A2, a village) and the 五个好 branch standard (rule Y4, a party branch).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.criteria import Checklist, Scheme, Subject
from core.messages import Outgoing
from core.models import Office
from handlers.context import Context, Refusal, Request
from storage.criteria import Application


@dataclass(frozen=True, slots=True)
class Track:
    """A standard on the review flow; every subject is named by its village.

    ``button`` prefixes its buttons' payloads; ``applicant`` gives the sender's
    (township, subject id) when they may apply, else None; ``subject_class`` the
    scheme's class of a subject (村 / 社区 / 党支部); ``office`` who hears back and owns a
    sent-back criterion's task; ``period`` the period a message at this moment applies
    for; ``closed`` whether the review is final; ``on_met`` what follows a review with
    every criterion met (公示, 验收).
    """

    button: str
    subject_kind: str
    scheme: Callable[[Context], Scheme]
    applicant: Callable[[Request], Awaitable[tuple[int, int] | None]]
    subject_class: Callable[[AsyncConnection, int], Awaitable[str]]
    office: Callable[[AsyncConnection, Application], Awaitable[Office]]
    period: Callable[[Context, datetime], str]
    closed: Callable[[AsyncConnection, Application], Awaitable[bool]]
    on_met: Callable[[Context, Request, Application, Checklist, str],
                     Awaitable[list[Outgoing]]]
    words: texts.CriteriaWords

    def subject(self, subject_id: int) -> Subject:
        """The criteria subject numbered ``subject_id`` (its village)."""
        return Subject(self.subject_kind, subject_id)

    async def checklist(self, context: Context, request: Request, subject_id: int,
                        name: str) -> Checklist:
        """The checklist named ``name`` for the subject's class; Refusal listing the names."""
        kind = await self.subject_class(request.connection, subject_id)
        scheme = self.scheme(context)
        found = scheme.checklist(kind, name)
        if found is None:
            names = "、".join(item.name for item in scheme.checklists(kind))
            raise Refusal(self.words.unknown.format(name=name or "？", kind=kind, names=names))
        return found
