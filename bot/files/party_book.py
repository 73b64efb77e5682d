"""The branch's registers (一卡二表三薄, seed 001; rule Y4) as one workbook, from the export."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.files.cells import xlsx_row
from core import texts

YES, NO = "是", "否"


def _put(sheet: Worksheet, values: list[Any]) -> None:
    """One row, each cell through the one sanitizer of exported cells (no live formulas)."""
    sheet.append(xlsx_row(sheet, values))


def _yes(value: object) -> str:
    return YES if value else NO


def write_party_book(party: dict[str, Any], path: Path) -> int:
    """Write the ``party`` export as the registers workbook; return the members listed."""
    members = party["members"]
    names = {member["code"]: member["name"] for member in members}
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = texts.BOOK_MEMBERS
    _put(sheet, ["编号", "姓名", "党支部", "党内职务", "岗位", "流动党员", "后备干部"])
    in_party = [member for member in members if member["party_member"]]
    for member in in_party:
        _put(sheet, [member["code"], member["name"], member["branch"], member["post"] or "",
                      member["position"] or "", _yes(member["mobile"]),
                      _yes(member["reserve_cadre"])])
    sheet = workbook.create_sheet(texts.BOOK_ROSTERS)
    _put(sheet, ["编号", "姓名", "类别", "党员"])
    for member in members:
        for flag, label in (("activist", "入党积极分子"), ("reserve_cadre", "后备干部")):
            if member[flag]:
                _put(sheet, [member["code"], member["name"], label,
                              _yes(member["party_member"])])
    sheet = workbook.create_sheet(texts.BOOK_MEETINGS)
    _put(sheet, ["编号", "时间", "类型", "党支部", "主题", "召集人", "应到", "实到", "请假",
                  "到会", "请假（流动党员）"])
    for meeting in party["meetings"]:
        _put(sheet, [meeting["id"], meeting["starts_at"][:16].replace("T", " "),
                      meeting["kind"], meeting["branch"], meeting["topic"],
                      names.get(meeting["called_by"] or "", ""),
                      len(meeting["expected"]) - len(meeting["excused"]),
                      len(meeting["attended"]), len(meeting["excused"]),
                      "、".join(names.get(code, code) for code in meeting["attended"]),
                      "、".join(names.get(code, code) for code in meeting["excused"])])
    sheet = workbook.create_sheet(texts.BOOK_DUES)
    _put(sheet, ["编号", "姓名", "月份", "金额（元）"])
    for paid in party["dues"]:
        _put(sheet, [paid["person"], names.get(paid["person"], ""), paid["month"],
                      paid["amount"]])
    sheet = workbook.create_sheet(texts.BOOK_VISITS)
    _put(sheet, ["时间", "党员编号", "党员", "联系户", "内容"])
    for visit in party["visits"]:
        _put(sheet, [visit["at"][:16].replace("T", " "), visit["person"],
                      names.get(visit["person"], ""), visit["household"], visit["text"]])
    sheet = workbook.create_sheet(texts.BOOK_MOBILE)
    _put(sheet, ["编号", "姓名", "党支部", "应参加会议", "请假", "已缴党费月数"])
    expected = Counter(code for meeting in party["meetings"] for code in meeting["expected"])
    excused = Counter(code for meeting in party["meetings"] for code in meeting["excused"])
    months = Counter(paid["person"] for paid in party["dues"])
    for member in in_party:
        if member["mobile"]:
            _put(sheet, [member["code"], member["name"], member["branch"],
                          expected[member["code"]], excused[member["code"]],
                          months[member["code"]]])
    workbook.save(path)
    return len(in_party)
