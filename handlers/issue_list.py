"""The list (问题清单制, rule I5): a 屋场's open issues, or what waits on a village or township."""

from __future__ import annotations

from datetime import date

from core import texts
from core.issues import (
    LIST_TITLE_LIMIT,
    NOT_CLOSED,
    WAITING,
    Level,
    is_late,
    issue_queue,
    window_text,
)
from core.messages import Outgoing, paginate
from core.roles import Role
from handlers.context import Context, Refusal, Request
from storage import ledger
from storage.ledger import LedgerRow


async def list_issues(context: Context, request: Request) -> list[Outgoing]:
    """The 屋场's issues not yet closed; in private a cadre's or official's queue (rule I5)."""
    word = request.args.strip()
    if word not in ("", texts.ISSUES_OVERDUE_WORD):
        raise Refusal(texts.ISSUES_USAGE)
    only_overdue = word == texts.ISSUES_OVERDUE_WORD
    person = request.require_person()
    connection = request.connection
    if request.in_group or person.role not in (Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICIAL):
        homestead = await request.own_homestead(texts.ISSUES_NO_HOMESTEAD)
        rows = await ledger.listed(connection, NOT_CLOSED, homestead_id=homestead.id)
        place, header, empty = homestead.full_name, texts.ISSUES_HOMESTEAD, texts.ISSUES_NONE
    elif person.role is Role.VILLAGE_CADRE and person.village_id is not None:
        rows = await ledger.listed(connection, WAITING, village_id=person.village_id,
                                   level=Level.VILLAGE)
        place, header, empty = person.place_name, texts.ISSUES_VILLAGE, texts.ISSUES_NONE_VILLAGE
    elif person.role is Role.TOWNSHIP_OFFICIAL:
        rows = await ledger.listed(connection, WAITING, township_id=person.township_id,
                                   level=Level.TOWNSHIP)
        place, header = person.place_name, texts.ISSUES_TOWNSHIP
        empty = texts.ISSUES_NONE_TOWNSHIP
    else:
        raise Refusal(texts.ISSUES_NO_HOMESTEAD)
    today = context.local(request.now).date()
    by_number = {row.issue.id: row for row in rows}
    chosen = [by_number[found.id] for found in issue_queue(
        [row.issue for row in rows], today, only_overdue=only_overdue)]
    if not chosen:
        none = texts.ISSUES_NONE_OVERDUE if only_overdue else empty
        return [request.reply(none.format(place=place))]
    title = header.format(place=place, count=len(chosen))
    if only_overdue:
        title += texts.ISSUES_ONLY_OVERDUE
    own = header is texts.ISSUES_HOMESTEAD
    lines = [_line(row, today, own=own, township=person.role is Role.TOWNSHIP_OFFICIAL)
             for row in chosen]
    return [request.reply(page) for page in paginate(title, lines, texts.ISSUES_PAGE)]


def _line(row: LedgerRow, today: date, *, own: bool, township: bool) -> str:
    """One issue of the list: number, title, status, deadline and its start, 责任人; no raiser."""
    found = row.issue
    deadline = found.current_deadline
    due = ""
    if deadline is not None and found.level is Level.VILLAGE:  # rule I9: with its start
        due = texts.ISSUES_DEADLINE_WINDOW.format(day=texts.format_day(deadline),
                                                  window=window_text(found.report_window))
    elif deadline is not None:
        due = texts.ISSUES_DEADLINE.format(day=texts.format_day(deadline))
    handler = ""
    if found.level is Level.TOWNSHIP:
        handler = (texts.ISSUES_HANDLER.format(department=found.department,
                                               responsible=found.responsible or "")
                   if found.department else texts.ISSUES_NOT_ASSIGNED)
    title = found.title
    if len(title) > LIST_TITLE_LIMIT:
        title = title[:LIST_TITLE_LIMIT] + "…"
    overdue = texts.OVERDUE_MARK if is_late(found.overdue, deadline, today) else ""
    if own:
        return texts.ISSUES_LINE.format(number=found.id, title=title, level=found.level.label,
                                        status=found.status.label, deadline=due,
                                        handler=handler, overdue=overdue)
    return texts.ISSUES_LINE_PLACE.format(
        number=found.id, homestead=row.village + row.homestead if township else row.homestead,
        title=title, status=found.status.label, deadline=due, handler=handler,
        overdue=overdue)
