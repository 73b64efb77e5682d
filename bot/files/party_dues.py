"""``wuchang dues import``: 党费 from a table (月份, 编号, 金额), every row checked first."""

from __future__ import annotations

from pathlib import Path

from bot.files.roster import read_table
from bot.wiring import App
from core import texts
from core.party import parse_amount, valid_month
from core.roster import RosterError, RosterInvalid
from storage import events, org, party_records

COLUMNS = ("月份", "编号", "金额")


async def import_dues(app: App, path: Path) -> int:
    """Validate every row, then record every payment in one transaction; return how many."""
    header, rows = read_table(path)
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise RosterInvalid([RosterError(1, texts.ROSTER_MISSING_COLUMNS.format(
            columns="、".join(missing)))])
    now = app.context.clock.now()
    errors: list[RosterError] = []
    payments: list[tuple[int, str, int, str]] = []
    async with app.context.db.write() as connection:
        for number, row in enumerate(rows, start=2):
            cells = {key: (value or "").strip() for key, value in row.items()}
            if not any(cells.values()):
                continue
            month, code, amount_text = (cells.get(name, "") for name in COLUMNS)
            payer = await org.person_by_code(connection, code)
            amount = parse_amount(amount_text)
            if not valid_month(month):
                errors.append(RosterError(number, texts.DUES_BAD_MONTH.format(value=month)))
            elif payer is None or not payer.party_member:
                errors.append(RosterError(number, texts.DUES_NOT_MEMBER.format(code=code)))
            elif amount is None:
                errors.append(RosterError(number, texts.DUES_BAD_AMOUNT.format(
                    value=amount_text)))
            else:
                payments.append((payer.id, month, amount, code))
        if errors:
            raise RosterInvalid(errors)
        for member_id, month, amount, _ in payments:
            await party_records.record_dues(connection, member_id=member_id, month=month,
                                            amount=amount, by=None, now=now)
        if payments:
            await events.append(connection, at=now, stream="party:dues", kind="party.dues.imported",
                                payload={"file": path.name, "payments": [
                                    [code, month, amount] for _, month, amount, code in payments]})
    return len(payments)
