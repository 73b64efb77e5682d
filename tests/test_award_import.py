"""``wuchang hongqi import``: paper applications, every row checked first (rule A2, DESIGN §5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from core import texts
from tests.conftest import SMALL_ROSTER, cli_environment, run_cli


def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cli_environment(monkeypatch, tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    (tmp_path / "wuchang.toml").write_text('[award]\nscheme = "award-000"\n', encoding="utf-8")



def _awards() -> list[dict[str, Any]]:
    result = run_cli("export", "--format", "json")
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout)["awards"])


def test_a_good_file_is_imported_and_a_complete_application_submitted(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _environment(monkeypatch, tmp_path)
    assert run_cli("roster", "import", str(SMALL_ROSTER)).exit_code == 0
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["年度", "村", "类别", "指标", "值", "说明"])
    sheet.append([2026, "金竹村", "产业兴旺", 1, "是", "油茶基地"])
    sheet.append([2026, "金竹村", "产业兴旺", 2, "29.9/30", "流转合同42份"])
    sheet.append([2026, "金竹村", "产业兴旺", 3, "55/-", None])
    sheet.append([2026, "金竹村", "产业兴旺", 4, "12/31", None])
    sheet.append([2026, "金竹村", "产业兴旺", 5, 30, None])
    sheet.append([2026, "丰收村", "社会治理", 4, "是", None])  # one of four: a draft
    workbook.save(tmp_path / "申报.xlsx")
    workbook.close()
    result = run_cli("hongqi", "import", str(tmp_path / "申报.xlsx"))
    assert result.exit_code == 0, result.output
    assert texts.AWARD_IMPORTED.format(count=6) in result.stdout
    assert _awards() == [{"year": 2026, "village": "金竹村", "flag": "产业兴旺",
                          "status": "applied", "criteria_met": 0, "criteria_total": 5}]
    # A submitted application is not imported over.
    again = run_cli("hongqi", "import", str(tmp_path / "申报.xlsx"))
    assert again.exit_code == 1
    assert texts.AWARD_IMPORT_SUBMITTED.format(village="金竹村", year=2026,
                                               flag="产业兴旺") in again.stderr


def test_a_bad_file_is_rejected_whole_with_every_error_by_row(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _environment(monkeypatch, tmp_path)
    assert run_cli("roster", "import", str(SMALL_ROSTER)).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("年度,村,类别,指标,值,说明\n"
                   "2026,金竹村,党建示范,1,是,\n"
                   "2999,金竹村,党建示范,2,是,\n"
                   "2026,月亮村,党建示范,2,是,\n"
                   "2026,金竹村,生态宜居,1,是,\n"
                   "2026,金竹村,党建示范,9,是,\n"
                   "2026,金竹村,党建示范,5,三万,\n"
                   "2026,金竹村,党建示范,2,可以,\n", encoding="utf-8")
    result = run_cli("hongqi", "import", str(bad))
    assert result.exit_code == 1
    errors = [(3, texts.AWARD_IMPORT_BAD_YEAR.format(value="2999")),
              (4, texts.AWARD_IMPORT_BAD_VILLAGE.format(value="月亮村")),
              (5, texts.AWARD_IMPORT_BAD_FLAG.format(village="金竹村", value="生态宜居")),
              (6, texts.AWARD_IMPORT_BAD_CRITERION.format(flag="党建示范", value="9")),
              (7, texts.AWARD_IMPORT_BAD_VALUE.format(
                  value="三万", expected=texts.AWARD_IMPORT_EXPECT_NUMBER)),
              (8, texts.AWARD_IMPORT_BAD_VALUE.format(
                  value="可以", expected=texts.AWARD_IMPORT_EXPECT_YES_NO))]
    assert result.stderr == f"申报表有 {len(errors)} 处错误，未导入任何申报材料：\n" + "".join(
        f"  {texts.ROSTER_ROW_ERROR.format(row=row, message=message)}\n"
        for row, message in errors)
    headless = tmp_path / "headless.csv"
    headless.write_text("年度,村,类别,值\n2026,金竹村,党建示范,是\n", encoding="utf-8")
    result = run_cli("hongqi", "import", str(headless))
    assert result.exit_code == 1 and "指标" in result.stderr
    assert _awards() == []


def test_an_unknown_award_scheme_is_a_configuration_error(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _environment(monkeypatch, tmp_path)
    (tmp_path / "wuchang.toml").write_text('[award]\nscheme = "award-999"\n', encoding="utf-8")
    result = run_cli("export", "--format", "json")
    assert result.exit_code == 2 and "award scheme award-999" in result.stderr
