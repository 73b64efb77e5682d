"""党员联系户 (rule Y2): /visit, /visits, and an issue told to its household's liaison."""

from __future__ import annotations

from datetime import datetime

from core import texts
from core.messages import Outgoing
from core.party import quarter_start
from core.roles import Role
from handlers.context import Context, Refusal, Request
from storage import notify, party, party_records
from storage.party_records import Household

MOST_LISTED = 20


async def visit(context: Context, request: Request) -> list[Outgoing]:
    """Record a visit to a household one liaises with; refused for any other (rule Y2)."""
    person = request.require_person()
    number, _, text = request.args.strip().partition(" ")
    text = text.strip()
    if not number or not text:
        raise Refusal(texts.VISIT_USAGE)
    if not person.party_member:
        raise Refusal(texts.VISIT_NOT_MEMBER)
    mine = await party_records.households_liaised(request.connection, person.id)
    place, _, digits = number.rpartition("/")
    matching = [found for found in mine if str(found.number) == digits
                and (not place or found.homestead == place)]
    if len(matching) != 1:
        if not mine:
            raise Refusal(texts.VISIT_NO_HOUSEHOLDS)
        template = texts.VISIT_AMBIGUOUS if len(matching) > 1 else texts.VISIT_NOT_YOURS
        raise Refusal(template.format(number=number, households=_labels(mine)))
    [found] = matching
    visit_id = await party_records.add_visit(request.connection, member_id=person.id,
                                             household_id=found.id, text=text, now=request.now)
    await request.log(f"party:visit:{visit_id}", "party.visit",
                      {"household": found.label, "text": text})
    return [request.reply(texts.VISIT_RECORDED.format(household=found.label))]


def _labels(households: list[Household]) -> str:
    shown = "、".join(found.label for found in households[:MOST_LISTED])
    more = len(households) - MOST_LISTED
    return shown + (texts.VISITS_MORE.format(count=more) if more > 0 else "")


def _day(context: Context, moment: datetime) -> str:
    local = context.local(moment)
    return f"{local.month}月{local.day}日"


async def list_visits(context: Context, request: Request) -> list[Outgoing]:
    """A member's households and last visits; a village cadre's gaps in liaison (rule Y2)."""
    person = request.require_person()
    lines: list[str] = []
    if person.party_member:
        mine = await party_records.households_liaised(request.connection, person.id)
        last = {visit.household_id: visit for visit in await party_records.visits(
            request.connection, member_id=person.id)}
        lines.append(texts.VISITS_MINE_HEADER.format(count=len(mine)))
        for found in mine:
            seen = last.get(found.id)
            lines.append(texts.VISITS_LINE.format(
                household=found.label,
                last=texts.VISITS_NEVER if seen is None else texts.VISITS_LAST.format(
                    day=_day(context, seen.at), text=seen.text)))
    if person.role is Role.VILLAGE_CADRE and person.village_id is not None:
        lines.extend(await _village_gaps(context, request, person.village_id))
    if not lines:
        raise Refusal(texts.VISIT_NOT_MEMBER)
    return [request.reply("\n".join(lines))]


async def _village_gaps(context: Context, request: Request, village_id: int) -> list[str]:
    """Households nobody liaises with; members who liaise but visited nobody this quarter."""
    liaised = await party_records.liaisons(request.connection, village_id)
    alone = [found for found in await party_records.village_households(
        request.connection, village_id) if found.id not in liaised]
    start = datetime.combine(quarter_start(context.local(request.now).date()),
                             datetime.min.time(), tzinfo=context.timezone)
    visited = {visit.member_id for visit in await party_records.visits(
        request.connection, since=start)}
    names = {found.person.id: found.person.name
             for found in await party.members(request.connection, village_id)}
    idle = sorted({member_id for member_id in liaised.values() if member_id not in visited})
    return [texts.VISITS_NO_LIAISON.format(count=len(alone),
                                           households=_labels(alone) or texts.VISITS_NONE),
            texts.VISITS_IDLE.format(count=len(idle), names="、".join(
                names.get(member_id, "") for member_id in idle) or texts.VISITS_NONE)]


async def tell_liaison(request: Request, issue_id: int, title: str) -> None:
    """An issue raised by a household reaches the member who liaises with it (rule Y2)."""
    person = request.require_person()
    if person.household_id is None:
        return
    liaison = await party_records.liaison_of(request.connection, person.household_id)
    if liaison is None or liaison == person.id:
        return
    await notify.tell(request.connection, [liaison], key=f"party:issue:{issue_id}:liaison",
                      text=texts.VISIT_ISSUE_RAISED.format(
                          name=person.name, household=f"{person.homestead}{person.household}号",
                          number=issue_id, title=title), now=request.now)
