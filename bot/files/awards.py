"""``wuchang hongqi import``: 五面红旗 applications collected on paper, all rows checked first.

One row per criterion: 年度 (YYYY), 村, 类别 (the flag), 指标 (the criterion's number in
the scheme), 值 (是/否; a number, or two joined by / for an OR, ``-`` for one not
known), 说明 (kept as the criterion's evidence, optional). A 镇 column is needed only
where two townships have a village of the same name. One bad row rejects the file
with every error by row number, and nothing is written. An application the file
completes is submitted for review; one still missing criteria stays a draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.files.roster import read_table
from bot.wiring import App
from core import texts
from core.awards import parse_year, subject
from core.criteria import Answer, Checklist, Criterion, Kind, read_figures, unanswered
from core.roster import RosterError, RosterInvalid
from storage import criteria, events
from storage.criteria import Stage
from storage.schema import township, village

COLUMNS = ("年度", "村", "类别", "指标", "值")
NOTE_COLUMN, TOWNSHIP_COLUMN = "说明", "镇"
YES, NO = "是", "否"
MAX_NOTE = 500


@dataclass(frozen=True, slots=True)
class _Row:
    year: int
    village_id: int
    township_id: int
    checklist: Checklist
    answer: Answer


async def import_applications(app: App, path: Path) -> int:
    """Validate every row, then store every answer in one transaction; return how many rows."""
    header, rows = read_table(path)
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise RosterInvalid([RosterError(1, texts.SCORES_MISSING_COLUMNS.format(
            columns="、".join(missing)))])
    now = app.context.clock.now()
    this_year = app.context.local(now).year
    scheme = app.context.rules.award
    errors: list[RosterError] = []
    found: list[_Row] = []
    async with app.context.db.write() as connection:
        known = [(row.id, row.name, row.kind, row.township_id, row.township_name)
                 for row in await connection.execute(
                     select(village.c.id, village.c.name, village.c.kind, village.c.township_id,
                            township.c.name.label("township_name"))
                     .join(township, township.c.id == village.c.township_id))]
        for number, raw in enumerate(rows, start=2):
            cells = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
            if not any(cells.values()):
                continue
            year = parse_year(cells.get("年度", ""), this_year)
            if year is None:
                errors.append(RosterError(number, texts.AWARD_IMPORT_BAD_YEAR.format(
                    value=cells.get("年度", ""))))
                continue
            name, town = cells.get("村", ""), cells.get(TOWNSHIP_COLUMN, "")
            matches = [item for item in known
                       if item[1] == name and (not town or item[4] == town)]
            if len(matches) != 1:
                errors.append(RosterError(number, texts.AWARD_IMPORT_BAD_VILLAGE.format(
                    value=name)))
                continue
            village_id, _, kind, township_id, _ = matches[0]
            checklist = scheme.checklist(kind, cells.get("类别", ""))
            if checklist is None:
                errors.append(RosterError(number, texts.AWARD_IMPORT_BAD_FLAG.format(
                    village=name, value=cells.get("类别", ""))))
                continue
            index = cells.get("指标", "")
            criterion = checklist.criterion(int(index)) if index.isdecimal() else None
            if criterion is None:
                errors.append(RosterError(number, texts.AWARD_IMPORT_BAD_CRITERION.format(
                    flag=checklist.name, value=index)))
                continue
            note = cells.get(NOTE_COLUMN, "") or None
            if note is not None and len(note) > MAX_NOTE:
                errors.append(RosterError(number, texts.AWARD_NOTE_TOO_LONG.format(
                    most=MAX_NOTE)))
                continue
            answer = _answer(criterion, cells.get("值", ""), note)
            if answer is None:
                expected = texts.AWARD_IMPORT_EXPECT_NUMBER if criterion.kind is Kind.NUMBER \
                    else texts.AWARD_IMPORT_EXPECT_YES_NO
                errors.append(RosterError(number, texts.AWARD_IMPORT_BAD_VALUE.format(
                    value=cells.get("值", ""), expected=expected)))
                continue
            current = await criteria.find(connection, subject(village_id), checklist.name,
                                          str(year))
            if current is not None and current.stage is Stage.SUBMITTED:
                errors.append(RosterError(number, texts.AWARD_IMPORT_SUBMITTED.format(
                    village=name, year=year, flag=checklist.name)))
                continue
            found.append(_Row(year, village_id, township_id, checklist, answer))
        if errors:
            raise RosterInvalid(errors)
        await _store(app, connection, found, path.name)
    return len(found)


def _answer(criterion: Criterion, value: str, note: str | None) -> Answer | None:
    """The row's value as an answer to the criterion, or None if it does not fit."""
    if criterion.kind is Kind.NUMBER:
        try:
            return Answer(criterion.number, figures=read_figures(criterion, value.split("/")),
                          note=note)
        except ValueError:
            return None
    if value not in (YES, NO):
        return None
    return Answer(criterion.number, value=value == YES, note=note)


async def _store(app: App, connection: AsyncConnection, found: list[_Row], file: str) -> None:
    """Store the checked rows; submit each application the file completes."""
    now = app.context.clock.now()
    touched: dict[int, Checklist] = {}
    for row in found:
        application = await criteria.start(
            connection, scheme=app.context.rules.award.name, checklist=row.checklist.name,
            subject=subject(row.village_id), period=str(row.year),
            township_id=row.township_id, now=now)
        await criteria.set_answer(connection, application.id, row.answer, None, now)
        if row.answer.note:
            await criteria.add_evidence(connection, application.id, row.answer.criterion,
                                        note=row.answer.note, by=None, now=now)
        await events.append(connection, at=now, stream=f"criteria:{application.id}",
                            kind="criteria.answered",
                            payload={"criterion": row.answer.criterion, "file": file,
                                     **row.answer.plain()})
        touched[application.id] = row.checklist
    for application_id, checklist in touched.items():
        if not unanswered(checklist, await criteria.answers(connection, application_id)):
            await criteria.submit(connection, application_id, None, now)
            await events.append(connection, at=now, stream=f"criteria:{application_id}",
                                kind="criteria.submitted", payload={"file": file})
