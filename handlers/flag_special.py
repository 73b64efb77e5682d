"""Special points (特别加扣分) and one-vote vetoes with their grounds (rules F4, F11)."""

from __future__ import annotations

import math

from core import texts
from core.flags import VETO_GROUNDS, VillageInfo
from core.messages import Button, Outgoing
from handlers.context import Context, Refusal, Request
from handlers.flags import after_confirm_note, month_of, village_named
from storage import flags

GROUND_ROW = 2  # ground buttons per row, short enough for a phone


async def _month_village(context: Context, request: Request, words: int,
                         usage: str) -> tuple[str, VillageInfo, list[str]]:
    """A command's month, village and the rest of its ``words`` words (the last free text)."""
    parts = request.args.split(maxsplit=words - 1)
    if len(parts) != words:
        raise Refusal(usage)
    return (month_of(context, request, parts[0]), await village_named(request, parts[1]),
            parts[2:])


async def adjust(context: Context, request: Request) -> list[Outgoing]:
    """Record special points decided by the township meeting in one category (F11)."""
    month, found, parts = await _month_village(context, request, 5, texts.ADJUST_USAGE)
    scheme = context.rules.scheme
    if parts[0] not in scheme.categories:
        raise Refusal(texts.CATEGORY_UNKNOWN.format(name=parts[0],
                                                    categories="、".join(scheme.categories)))
    most = scheme.score_max - scheme.score_min
    try:
        points = float(parts[1])
    except ValueError:
        points = math.nan
    if not (0 < abs(points) <= most):  # also refuses nan and inf
        raise Refusal(texts.ADJUST_BAD_POINTS.format(value=parts[1], most=most))
    person = request.require_person()
    await flags.add_adjustment(request.connection, month=month, village_id=found.id,
                               category=parts[0], points=points, reason=parts[2],
                               by=person.id, now=request.now)
    await request.log(f"flags:{month}", "flags.adjust",
                      {"village": found.name, "category": parts[0], "points": points,
                       "reason": parts[2]})
    return [request.reply(texts.ADJUSTED.format(
        month=month, village=found.name, category=parts[0], points=points, reason=parts[2],
        note=await after_confirm_note(request, month)))]


def _ground_buttons(veto_id: int) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(name, f"vground:{veto_id}:{index}")
               for index, name in enumerate(VETO_GROUNDS)]
    return tuple(tuple(buttons[start:start + GROUND_ROW])
                 for start in range(0, len(buttons), GROUND_ROW))


async def record_veto(context: Context, request: Request) -> list[Outgoing]:
    """Record a one-vote-veto event at once (F4), then ask its ground by buttons (F11)."""
    month, found, (reason,) = await _month_village(context, request, 3, texts.VETO_USAGE)
    person = request.require_person()
    veto_id = await flags.add_veto(request.connection, month=month, village_id=found.id,
                                   reason=reason, by=person.id, now=request.now)
    await request.log(f"flags:{month}", "flags.veto",
                      {"village": found.name, "reason": reason, "veto": veto_id})
    return [request.reply(texts.VETO_RECORDED.format(month=month, village=found.name,
                                                     reason=reason)),
            request.reply(texts.VETO_GROUND_ASK, buttons=_ground_buttons(veto_id))]


async def choose_ground(context: Context, request: Request) -> list[Outgoing]:
    """Classify a veto by one of seed 002's five grounds, once (button, F11)."""
    number, _, index = request.args.partition(":")
    person = request.require_person()
    found = (await flags.vetoes(request.connection, veto_id=int(number))
             if number.isdecimal() else [])
    if (not found or found[0].township_id != person.township_id or not index.isdecimal()
            or int(index) >= len(VETO_GROUNDS)):
        raise Refusal(texts.BUTTON_EXPIRED)
    veto = found[0]
    if veto.withdrawn_reason is not None:
        raise Refusal(texts.VETO_WITHDRAWN_ALREADY)
    ground = VETO_GROUNDS[int(index)]
    if not await flags.set_veto_ground(request.connection, veto.id, ground):
        raise Refusal(texts.VETO_GROUND_ALREADY.format(ground=veto.ground))
    await request.log(f"flags:{veto.month}", "flags.veto_ground",
                      {"village": veto.village, "veto": veto.id, "ground": ground})
    return [request.reply(texts.VETO_GROUND_SET.format(village=veto.village, month=veto.month,
                                                       ground=ground))]


def _standing_line(veto: flags.Veto) -> str:
    return texts.UNVETO_LINE.format(number=veto.id, reason=veto.reason,
                                    ground=veto.ground or texts.UNVETO_NO_GROUND)


async def unveto(context: Context, request: Request) -> list[Outgoing]:
    """Withdraw one standing veto of a village's month with a reason (F11).

    With one standing veto that one is withdrawn; with several the official names one
    by its number (``/unveto 月份 村 编号 原因``), else the reply lists them. The veto
    stays in the history and the export, marked withdrawn.
    """
    month, found, (rest,) = await _month_village(context, request, 3, texts.UNVETO_USAGE)
    standing = [veto for veto in await flags.vetoes(request.connection, month=month,
                                                     village_id=found.id)
                if veto.withdrawn_reason is None]
    if not standing:
        raise Refusal(texts.UNVETO_NONE.format(village=found.name, month=month))
    first, _, after = rest.partition(" ")
    chosen = [veto for veto in standing if first.isdecimal() and str(veto.id) == first]
    reason = after.strip() if chosen else rest
    if not chosen and len(standing) == 1 and not first.isdecimal():
        chosen = standing  # a number matching no standing veto is a mistake: list them
    if not chosen or not reason:
        raise Refusal(texts.UNVETO_WHICH.format(
            village=found.name, month=month, count=len(standing),
            lines="\n".join(map(_standing_line, standing)), example=standing[0].id))
    veto = chosen[0]
    if not await flags.withdraw_veto(request.connection, veto.id, reason=reason,
                                     by=request.require_person().id, now=request.now):
        raise Refusal(texts.VETO_WITHDRAWN_ALREADY)
    await request.log(f"flags:{month}", "flags.unveto",
                      {"village": found.name, "reason": reason, "veto": veto.id})
    return [request.reply(texts.UNVETOED.format(
        village=found.name, month=month, number=veto.id, was=veto.reason, reason=reason,
        note=await after_confirm_note(request, month)))]
