"""党费 (rule Y2): /dues records, shows a member's own and the branch's arrears, 党务公开."""

from __future__ import annotations

from core import texts
from core.messages import Outgoing
from core.models import Person
from core.party import arrears, is_secretary, parse_amount, valid_month, yuan
from core.permissions import Place
from core.publication import Kind
from handlers.context import Context, Refusal, Request
from storage import org, outbox, party, party_records, publication, publishing

PUBLISH = "公开"


async def dues(context: Context, request: Request) -> list[Outgoing]:
    """/dues YYYY-MM 编号 金额 (secretary); /dues 公开 YYYY-MM; /dues: own and arrears."""
    words = request.args.split()
    if not words:
        return await _show(context, request)
    if words[0] == PUBLISH:
        return await _publish(context, request, words[1:])
    if len(words) != 3:
        raise Refusal(texts.DUES_USAGE)
    month, code, amount_text = words
    if not valid_month(month):
        raise Refusal(texts.DUES_BAD_MONTH.format(value=month))
    amount = parse_amount(amount_text)
    if amount is None:
        raise Refusal(texts.DUES_BAD_AMOUNT.format(value=amount_text))
    secretary = await _secretary(request)
    payer = await org.person_by_code(request.connection, code)
    if payer is None or not payer.party_member \
            or payer.village_id != secretary.village_id:
        raise Refusal(texts.DUES_NOT_MEMBER.format(code=code))
    await party_records.record_dues(request.connection, member_id=payer.id, month=month,
                                    amount=amount, by=secretary.id, now=request.now)
    await request.log(f"party:dues:{payer.id}", "party.dues",
                      {"person": payer.code, "month": month, "amount": amount})
    return [request.reply(texts.DUES_RECORDED.format(name=payer.name, month=month,
                                                     amount=yuan(amount)))]


async def _secretary(request: Request) -> Person:
    """The sender, a branch secretary of a village; otherwise refused."""
    person = request.require_person()
    if person.village_id is None or not is_secretary(
            await party.member(request.connection, person)):
        raise Refusal(texts.DUES_NOT_SECRETARY)
    return person


def _months_so_far(context: Context, request: Request) -> list[str]:
    """January to this month of this year: the months arrears are counted over."""
    today = context.local(request.now).date()
    return [f"{today.year}-{month:02d}" for month in range(1, today.month + 1)]


async def _show(context: Context, request: Request) -> list[Outgoing]:
    """A member's own payments this year; a secretary also the village's arrears."""
    person = request.require_person()
    months = _months_so_far(context, request)
    lines: list[str] = []
    if person.party_member:
        paid = await party_records.dues(request.connection, member_id=person.id, months=months)
        lines.append(texts.DUES_OWN.format(year=months[0][:4], items="、".join(
            texts.DUES_ITEM.format(month=month, amount=yuan(amount))
            for (_, month), amount in sorted(paid.items())) or texts.VISITS_NONE))
    me = await party.member(request.connection, person)
    if is_secretary(me) and person.village_id is not None:
        members = await party.members(request.connection, person.village_id)
        paid_months: dict[int, set[str]] = {}
        for (member_id, month) in await party_records.dues(request.connection, months=months):
            paid_months.setdefault(member_id, set()).add(month)
        owing = arrears(members, paid_months, months)
        names = {found.person.id: found.person.name for found in members}
        lines.append(texts.DUES_ARREARS_HEADER.format(count=len(owing)))
        lines.extend(texts.DUES_ARREARS_LINE.format(name=names[member_id], months="、".join(
            month[5:].lstrip("0") + "月" for month in owing_months))
            for member_id, owing_months in owing.items())
    if not lines:
        raise Refusal(texts.DUES_NOT_MEMBER_SELF)
    return [request.reply("\n".join(lines))]


async def _publish(context: Context, request: Request, words: list[str]) -> list[Outgoing]:
    """党务公开 of a month's 党费 through the publication mechanism (rules Y2, P1)."""
    if len(words) != 1 or not valid_month(words[0]):
        raise Refusal(texts.DUES_PUBLISH_USAGE)
    month = words[0]
    secretary = await _secretary(request)
    assert secretary.village_id is not None and secretary.village is not None
    members = [found for found in await party.members(request.connection, secretary.village_id)
               if found.person.party_member]
    ids = {found.person.id for found in members}
    paid = {member_id: amount for (member_id, _), amount in (await party_records.dues(
        request.connection, months=[month])).items() if member_id in ids}
    text = texts.DUES_PUBLIC.format(village=secretary.village, month=month,
                                    members=len(members), paid=len(paid),
                                    total=yuan(sum(paid.values())))
    scope = Place(secretary.township_id, secretary.village_id)
    notice = await publishing.on_board(
        request.connection, kind=Kind.PARTY_AFFAIRS, scope=scope, text=text,
        subject=f"party:dues:{secretary.village_id}:{month}", actor=request.actor(secretary),
        now=request.now)
    await outbox.to_homesteads(
        request.connection, await publication.scope_homesteads(request.connection, scope),
        key=f"notice:{notice.id}", text=text, now=request.now, channels=context.channels)
    return [request.reply(texts.DUES_PUBLISHED.format(number=notice.id, text=text))]
