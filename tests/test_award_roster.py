"""Roster column 村类型 (村 / 社区, default 村): validated, consistent per village, stored."""

from __future__ import annotations

import pytest

from core import texts
from core.roster import RosterInvalid, validate_roster

HEADER = ["编号", "姓名", "镇", "网格", "村", "屋场", "户号", "在家", "党员", "年龄", "角色", "手机",
          "村类型"]


def row(code: str, village: str, kind: str) -> dict[str, str]:
    return dict(zip(HEADER, [code, "某人", "金溪镇", "东片网格", village, "老屋场", "1", "是", "否",
                             "40", "", "", kind], strict=True))


def test_village_kind_is_read_and_defaults_to_unstated() -> None:
    rows = validate_roster(HEADER, [row("A1", "丰收村", "社区"), row("A2", "金竹村", "")])
    assert [found.village_kind for found in rows] == ["社区", None]


def test_a_bad_or_clashing_village_kind_rejects_the_file_by_row() -> None:
    with pytest.raises(RosterInvalid) as caught:
        validate_roster(HEADER, [row("A1", "丰收村", "街道"), row("A2", "金竹村", "村"),
                                 row("A3", "金竹村", "社区")])
    assert [str(error) for error in caught.value.errors] == [
        texts.ROSTER_ROW_ERROR.format(row=2, message=texts.ROSTER_BAD_VILLAGE_KIND.format(
            value="街道", allowed="村、社区")),
        texts.ROSTER_ROW_ERROR.format(row=4, message=texts.ROSTER_VILLAGE_KIND_CLASH.format(
            village="金竹村", kind="社区", other="村", first=3))]
