"""The flags' annual roll-up in chat (rule F12): /year for officials and village cadres."""

from __future__ import annotations

from core import texts
from core.annual import rollup_text, year_rollup
from core.messages import Outgoing
from core.roles import Role
from handlers.context import Context, Refusal, Request
from handlers.flags import FIRST_YEAR
from storage import annual


async def show_year(context: Context, request: Request) -> list[Outgoing]:
    """A year's roll-up over its confirmed months; a village cadre sees their village's line."""
    parts = request.args.split()
    if len(parts) != 1:
        raise Refusal(texts.YEAR_USAGE)
    text = parts[0]
    this_year = context.local(request.now).year
    if not (len(text) == 4 and text.isdecimal() and FIRST_YEAR <= int(text) <= this_year):
        raise Refusal(texts.YEAR_BAD.format(value=text))
    year = int(text)
    person = request.require_person()
    village = None
    if person.role is not Role.TOWNSHIP_OFFICIAL:
        if person.village is None:
            raise Refusal(texts.YEAR_NO_VILLAGE)
        village = person.village
    months = (await annual.confirmed_placements(request.connection, person.township_id,
                                                year)).get(person.township_id, {})
    if not months:
        raise Refusal(texts.YEAR_NONE.format(year=year))
    rollup = year_rollup(year, months, context.rules.scheme.categories)
    return [request.reply(rollup_text(rollup, village))]
