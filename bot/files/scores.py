"""``wuchang scores import``: monthly scores from a spreadsheet, all checked before any is kept.

One row per village and month: columns 月份 (YYYY-MM), 村, and one column per
category of the scheme or per scored item of a category (F9; ``template_header``
lists them); an empty cell is left as it is, and a row gives a category either its
total or its items. A 镇 column is needed only where two townships have a village of
the same name.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from bot.files.roster import read_table
from bot.wiring import App
from core import texts
from core.flags import Scheme
from core.roster import RosterError, RosterInvalid
from storage import events, flags
from storage.schema import township, village

MONTH_COLUMN, VILLAGE_COLUMN, TOWNSHIP_COLUMN = "月份", "村", "镇"
FIRST_YEAR = 2000
MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
DATE_CELL = texts.IMPORT_DATE_CELL.split("{")[0]


def template_header(scheme: Scheme) -> list[str]:
    """The scores template's columns: a category's items where it lists them, else itself."""
    columns = [MONTH_COLUMN, VILLAGE_COLUMN]
    for category in scheme.categories:
        if category in scheme.weights:
            continue
        listed = scheme.items.get(category, ())
        columns += [item.name for item in listed] if listed else [category]
    return columns


async def import_scores(app: App, path: Path) -> int:
    """Validate every row, then store every score in one transaction; return how many."""
    header, rows = read_table(path, (MONTH_COLUMN, VILLAGE_COLUMN))
    scheme = app.context.rules.scheme
    missing = [name for name in (MONTH_COLUMN, VILLAGE_COLUMN) if name not in header]
    if missing:
        raise RosterInvalid([RosterError(1, texts.SCORES_MISSING_COLUMNS.format(
            columns="、".join(missing)))])
    unknown = [name for name in header if name and scheme.item(name) is None and name not in
               (MONTH_COLUMN, VILLAGE_COLUMN, TOWNSHIP_COLUMN, *scheme.categories)]
    if unknown:
        raise RosterInvalid([RosterError(1, texts.CATEGORY_UNKNOWN.format(
            name=unknown[0], categories="、".join(scheme.categories)))])
    now = app.context.clock.now()
    this_month = app.context.local(now).strftime("%Y-%m")
    errors: list[RosterError] = []
    scores: list[tuple[str, int, str, float]] = []
    item_scores: list[tuple[str, int, str, str, float]] = []
    seen: dict[tuple[str, int], int] = {}  # (month, village id): its first row
    async with app.context.db.write() as connection:
        known = [(row.id, row.name, row.township_name) for row in await connection.execute(
            select(village.c.id, village.c.name, township.c.name.label("township_name"))
            .join(township, township.c.id == village.c.township_id))]
        for number, row in enumerate(rows, start=2):
            if not any((value or "").strip() for value in row.values()):
                continue
            month = (row.get(MONTH_COLUMN) or "").strip()
            if month.startswith(DATE_CELL):
                errors.append(RosterError(number, texts.SCORES_MONTH_DATE_CELL.format(
                    value=month.removeprefix(DATE_CELL).split("（")[0])))
                continue
            if MONTH.fullmatch(month) is None or not 1 <= int(month[5:]) <= 12 \
                    or int(month[:4]) < FIRST_YEAR:
                errors.append(RosterError(number, texts.MONTH_BAD.format(value=month)))
                continue
            if month > this_month:
                errors.append(RosterError(number, texts.MONTH_FUTURE.format(month=month)))
                continue
            name = (row.get(VILLAGE_COLUMN) or "").strip()
            town = (row.get(TOWNSHIP_COLUMN) or "").strip()
            matches = [item for item in known if item[1] == name and (not town or item[2] == town)]
            if len(matches) != 1:
                errors.append(RosterError(number, texts.VILLAGE_UNKNOWN.format(name=name)))
                continue
            first = seen.setdefault((month, matches[0][0]), number)
            found_before = len(errors)
            for category in scheme.categories:
                cell = (row.get(category) or "").strip()
                filled = [item for item in scheme.items.get(category, ())
                          if (row.get(item.name) or "").strip()]
                if cell and filled:
                    errors.append(RosterError(number, texts.ITEM_AND_TOTAL.format(
                        category=category, item=filled[0].name)))
                    continue
                if cell:
                    score = _number(cell)
                    if category in scheme.weights:
                        errors.append(RosterError(number, texts.CATEGORY_COMPUTED.format(
                            name=category)))
                    elif not scheme.score_min <= score <= scheme.score_max:
                        errors.append(RosterError(number, texts.SCORE_BAD.format(
                            value=cell, low=scheme.score_min, high=scheme.score_max)))
                    else:
                        scores.append((month, matches[0][0], category, score))
                for item in filled:
                    cell = (row.get(item.name) or "").strip()
                    score = _number(cell)
                    if not 0 <= score <= item.max_points:  # rule F9
                        errors.append(RosterError(number, texts.ITEM_SCORE_BAD.format(
                            item=item.name, value=cell, high=item.max_points)))
                    else:
                        item_scores.append((month, matches[0][0], category, item.name, score))
            if first != number and len(errors) == found_before:  # it would override the first
                errors.append(RosterError(number, texts.SCORES_DUPLICATE_ROW.format(
                    month=month, village=name, first=first)))
        if errors:
            raise RosterInvalid(errors)
        for month, village_id, category, score in scores:
            await flags.set_score(connection, month=month, village_id=village_id,
                                  category=category, score=score, by=None, now=now)
        for month, village_id, category, item_name, score in item_scores:
            await flags.set_item_score(connection, month=month, village_id=village_id,
                                       category=category, item=item_name, score=score, by=None,
                                       now=now)
        await events.append(connection, at=now, stream="flags:import", kind="flags.imported",
                            payload={"file": path.name, "scores": len(scores),
                                     "item_scores": len(item_scores)})
    return len(scores) + len(item_scores)


def _number(cell: str) -> float:
    """A cell's number, or NaN, which no range admits."""
    try:
        return float(cell)
    except ValueError:
        return float("nan")
