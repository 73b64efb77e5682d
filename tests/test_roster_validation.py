"""core.roster.validate_roster: every check of DESIGN.md §5, one small test each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from core.roles import Role
from core.roster import COLUMNS, RosterError, RosterInvalid, RosterRow, validate_roster

GOOD = {
    "编号": "V01", "姓名": "李平杰", "镇": "金溪镇", "网格": "东片网格", "村": "金竹村",
    "屋场": "枫树湾", "户号": "3", "在家": "是", "党员": "否", "年龄": "25", "角色": "",
    "手机": "13800000005",
}
BLANK = dict.fromkeys(COLUMNS, "")


def person(**cells: str) -> dict[str, str]:
    """A valid villager row of 枫树湾, with ``cells`` replaced."""
    return {**GOOD, **cells}


def township_official(**cells: str) -> dict[str, str]:
    """A valid 镇干部 row: no 网格, 村, 屋场 or 户号."""
    return person(**{"编号": "T01", "姓名": "周镇长", "网格": "", "村": "", "屋场": "",
                     "户号": "", "在家": "", "角色": "镇干部", "手机": "13800000001", **cells})


def village_cadre(**cells: str) -> dict[str, str]:
    """A valid 村干部 row without a 屋场 or 户号."""
    return person(**{"编号": "C01", "姓名": "杨村官", "屋场": "", "户号": "", "角色": "村干部",
                     "手机": "13800000002", **cells})


def valid(*rows: dict[str, str], header: Iterable[str] = COLUMNS) -> list[RosterRow]:
    return validate_roster(header, rows)


def errors(*rows: dict[str, str], header: Iterable[str] = COLUMNS) -> list[str]:
    """The errors as the admin reads them ("第N行：..."), in the order reported."""
    with pytest.raises(RosterInvalid) as raised:
        validate_roster(header, rows)
    return [str(error) for error in raised.value.errors]


# --- a good file -------------------------------------------------------------------------


def test_good_villager_row_is_parsed_into_typed_fields() -> None:
    assert valid(person()) == [RosterRow(
        row_number=2, code="V01", name="李平杰", township="金溪镇", grid="东片网格",
        village="金竹村", homestead="枫树湾", household=3, at_home=True, party_member=False,
        age=25, role=Role.VILLAGER, phone="13800000005")]


def test_cells_and_header_names_are_stripped() -> None:
    header = [f" {name} " for name in COLUMNS]
    row = {f" {name} ": f"  {value}  " for name, value in person(角色="屋场长").items()}
    [parsed] = valid(row, header=header)
    assert (parsed.code, parsed.household, parsed.age, parsed.role) == ("V01", 3, 25, Role.HEAD)


def test_empty_role_at_home_and_party_member_default_to_villager_yes_no() -> None:
    [parsed] = valid(person(角色="", 在家="", 党员=""))
    assert (parsed.role, parsed.at_home, parsed.party_member) == (Role.VILLAGER, True, False)


def test_optional_columns_may_be_left_out_of_the_header() -> None:
    header = ["编号", "姓名", "镇", "网格", "村", "屋场", "户号", "年龄"]
    row = {name: GOOD[name] for name in header}
    [parsed] = valid(row, header=header)
    assert (parsed.role, parsed.at_home, parsed.party_member, parsed.phone) == (
        Role.VILLAGER, True, False, None)


def test_every_role_label_is_understood() -> None:
    rows = [person(编号=f"P{number}", 户号=str(number), 角色=label, 手机="")
            for number, label in enumerate(["村民", "屋场长", "记录员", "村干部"], start=1)]
    rows.append(township_official())
    assert [row.role for row in valid(*rows)] == [
        Role.VILLAGER, Role.HEAD, Role.RECORDER, Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICIAL]


def test_township_official_needs_no_village_homestead_or_household() -> None:
    [parsed] = valid(township_official())
    assert parsed.role is Role.TOWNSHIP_OFFICIAL
    assert (parsed.grid, parsed.village, parsed.homestead, parsed.household) == (
        None, None, None, None)


def test_village_cadre_needs_no_homestead() -> None:
    [parsed] = valid(village_cadre())
    assert parsed.role is Role.VILLAGE_CADRE
    assert (parsed.village, parsed.homestead, parsed.household) == ("金竹村", None, None)


def test_phone_may_be_empty() -> None:
    assert valid(person(手机=""))[0].phone is None


@pytest.mark.parametrize("age", ["1", "120"])
def test_age_bounds_are_accepted(age: str) -> None:
    assert valid(person(年龄=age))[0].age == int(age)


def test_several_persons_share_a_household() -> None:
    rows = valid(person(), person(编号="V02", 手机=""), person(编号="V03", 手机="", 户号="4"))
    assert [(row.code, row.household) for row in rows] == [("V01", 3), ("V02", 3), ("V03", 4)]


def test_same_homestead_name_in_two_villages_may_each_have_a_head() -> None:
    rows = valid(person(角色="屋场长"),
                 person(编号="V02", 村="丰收村", 角色="屋场长", 手机=""))
    assert [row.role for row in rows] == [Role.HEAD, Role.HEAD]


def test_head_and_recorder_of_one_homestead_are_fine() -> None:
    rows = valid(person(角色="屋场长"), person(编号="V02", 户号="4", 角色="记录员", 手机=""))
    assert [row.role for row in rows] == [Role.HEAD, Role.RECORDER]


def test_blank_rows_are_skipped_but_still_counted() -> None:
    rows = valid(person(), BLANK, {"编号": "  ", "姓名": ""}, person(编号="V02", 手机=""))
    assert [(row.row_number, row.code) for row in rows] == [(2, "V01"), (5, "V02")]


def test_blank_row_keeps_later_row_numbers_right_in_errors() -> None:
    assert errors(person(), BLANK, person(编号="V02", 手机="", 年龄="abc")) == [
        "第4行：年龄“abc”应为1到120的整数"]


def test_cells_of_unnamed_columns_are_ignored() -> None:
    """csv.DictReader puts the cells beyond the header under the key None."""
    row: dict[Any, str] = {**person(), None: "多余"}
    assert valid(row)[0].code == "V01"


# --- the header and an empty file --------------------------------------------------------


def test_missing_header_columns_are_listed_in_column_order() -> None:
    header = [name for name in COLUMNS if name not in ("年龄", "姓名")]
    with pytest.raises(RosterInvalid) as raised:
        validate_roster(header, [person()])
    assert raised.value.errors == [RosterError(1, "表头缺少列：姓名、年龄")]
    assert str(raised.value.errors[0]) == "第1行：表头缺少列：姓名、年龄"


def test_empty_header_lists_every_required_column() -> None:
    assert errors(header=[]) == ["第1行：表头缺少列：编号、姓名、镇、网格、村、屋场、户号、年龄"]


def test_file_with_only_a_header_is_rejected() -> None:
    assert errors() == ["第1行：文件里没有人员"]


def test_file_with_only_blank_rows_is_rejected() -> None:
    assert errors(BLANK, BLANK) == ["第1行：文件里没有人员"]


# --- one row's own errors ----------------------------------------------------------------


@pytest.mark.parametrize("column", ["编号", "姓名", "镇"], ids=["code", "name", "township"])
def test_required_value_may_not_be_empty(column: str) -> None:
    assert errors(person(**{column: ""})) == [f"第2行：“{column}”不能为空"]


def test_unknown_role_lists_the_allowed_ones() -> None:
    assert errors(person(角色="组长")) == [
        "第2行：角色“组长”不认识，只能是：村民、屋场长、记录员、村干部、镇干部"]


@pytest.mark.parametrize("household", ["0", "-1", "2.5", "abc", "3号"])
def test_household_must_be_a_positive_whole_number(household: str) -> None:
    assert errors(person(户号=household)) == [f"第2行：户号“{household}”应为正整数"]


@pytest.mark.parametrize(("column", "message"), [
    ("户号", "第2行：户号“①”应为正整数"),
    ("年龄", "第2行：年龄“①”应为1到120的整数"),
], ids=["household", "age"])
def test_circled_digit_is_a_row_error_not_a_crash(column: str, message: str) -> None:
    assert errors(person(**{column: "①"})) == [message]


def test_household_of_a_villager_may_not_be_empty() -> None:
    assert errors(person(户号="")) == ["第2行：“户号”不能为空"]


def test_household_without_homestead_is_rejected() -> None:
    assert errors(village_cadre(户号="3")) == ["第2行：填了户号就要填屋场"]


def test_homestead_without_village_is_rejected() -> None:
    assert errors(township_official(屋场="枫树湾", 户号="1")) == ["第2行：填了屋场就要填村"]


def test_villager_without_village_is_rejected() -> None:
    assert errors(person(村="")) == ["第2行：“村”不能为空", "第2行：填了屋场就要填村"]


def test_village_cadre_without_village_is_rejected() -> None:
    assert errors(village_cadre(村="", 网格="")) == ["第2行：“村”不能为空"]


@pytest.mark.parametrize("role", ["村民", "屋场长", "记录员"],
                         ids=["villager", "head", "recorder"])
def test_homestead_members_need_a_homestead(role: str) -> None:
    assert errors(person(角色=role, 屋场="", 户号="")) == ["第2行：“屋场”不能为空"]


def test_grid_is_required_when_village_is_given() -> None:
    assert errors(person(网格="")) == ["第2行：“网格”不能为空"]


@pytest.mark.parametrize("age", ["abc", "0", "130", "121", "-3", "44.5", "四十"])
def test_age_must_be_a_whole_number_from_1_to_120(age: str) -> None:
    assert errors(person(年龄=age)) == [f"第2行：年龄“{age}”应为1到120的整数"]


def test_age_may_not_be_empty() -> None:
    assert errors(person(年龄="")) == ["第2行：“年龄”不能为空"]


@pytest.mark.parametrize("column", ["在家", "党员"], ids=["at_home", "party_member"])
@pytest.mark.parametrize("value", ["Y", "有", "不是"])
def test_yes_no_columns_take_only_shi_or_fou(column: str, value: str) -> None:
    assert errors(person(**{column: value})) == [
        f"第2行：“{column}”只能填是或否，现在是“{value}”"]


@pytest.mark.parametrize("phone", ["1380000000", "138000000011", "23800000000",
                                   "12800000000", "138-0000-000", "0731-8888888"])
def test_phone_must_be_an_11_digit_mobile_number(phone: str) -> None:
    assert errors(person(手机=phone)) == [f"第2行：手机号“{phone}”应为11位手机号"]


def test_all_problems_of_one_row_are_reported() -> None:
    assert errors(person(姓名="", 角色="组长", 年龄="0", 在家="Y", 手机="123")) == [
        "第2行：“姓名”不能为空",
        "第2行：角色“组长”不认识，只能是：村民、屋场长、记录员、村干部、镇干部",
        "第2行：“在家”只能填是或否，现在是“Y”",
        "第2行：年龄“0”应为1到120的整数",
        "第2行：手机号“123”应为11位手机号",
    ]


# --- checks across rows ------------------------------------------------------------------


def test_duplicate_code_reports_the_second_row_and_the_first_rows_number() -> None:
    rows = (person(), person(编号="V02", 手机=""), person(姓名="李二", 户号="4", 手机=""))
    assert errors(*rows) == ["第4行：编号V01重复（第2行已有）"]


def test_third_occurrence_of_a_code_points_at_the_first() -> None:
    rows = (person(), person(手机=""), person(手机=""))
    assert errors(*rows) == ["第3行：编号V01重复（第2行已有）", "第4行：编号V01重复（第2行已有）"]


def test_duplicate_code_is_reported_even_when_the_row_has_another_error() -> None:
    assert errors(person(), person(手机="", 年龄="abc")) == [
        "第3行：年龄“abc”应为1到120的整数", "第3行：编号V01重复（第2行已有）"]


def test_duplicate_phone_reports_the_second_row_and_the_first_rows_number() -> None:
    assert errors(person(), person(编号="V02")) == ["第3行：手机号13800000005重复（第2行已有）"]


def test_household_clash_on_at_home() -> None:
    rows = (person(), person(编号="V02", 手机="", 在家="否"))
    assert errors(*rows) == ["第3行：3号户的“在家”与第2行同户的人不一致"]


def test_default_at_home_counts_as_yes_for_the_household_check() -> None:
    assert len(valid(person(在家="是"), person(编号="V02", 手机="", 在家=""))) == 2


def test_same_household_number_in_another_homestead_is_another_household() -> None:
    rows = valid(person(), person(编号="V02", 手机="", 屋场="杨家湾", 在家="否"))
    assert [row.at_home for row in rows] == [True, False]


def test_village_under_two_grids_is_rejected() -> None:
    rows = (person(), person(编号="V02", 手机="", 网格="西片网格"))
    assert errors(*rows) == ["第3行：金竹村在这里属于“西片网格”，第2行却属于“东片网格”"]


def test_same_village_name_in_two_townships_may_be_in_different_grids() -> None:
    rows = valid(person(), person(编号="V02", 手机="", 镇="银山镇", 网格="西片网格"))
    assert [row.grid for row in rows] == ["东片网格", "西片网格"]


@pytest.mark.parametrize("role", ["屋场长", "记录员"], ids=["head", "recorder"])
def test_second_leader_in_one_homestead_is_rejected(role: str) -> None:
    rows = (person(角色=role), person(编号="V02", 手机="", 户号="4", 角色=role),
            person(编号="V03", 手机="", 户号="5", 角色=role))
    assert errors(*rows) == [
        f"第3行：金竹村枫树湾已有{role}（第2行），每个屋场只能有一位",
        f"第4行：金竹村枫树湾已有{role}（第2行），每个屋场只能有一位",
    ]


def test_errors_of_several_rows_are_all_reported_sorted_by_row() -> None:
    rows = (
        person(年龄="130"),                                       # row 2: own error
        person(编号="V02", 手机="13800000006"),                   # row 3: good
        BLANK,                                                    # row 4: skipped
        person(编号="V02", 手机="", 户号="4"),                     # row 5: duplicate of row 3
        person(编号="V04", 手机="13800000006", 户号="5"),         # row 6: duplicate phone
        person(编号="V05", 手机="", 户号="6", 角色="组长"),        # row 7: own error
        person(编号="V06", 手机="", 网格="西片网格", 户号="7"),    # row 8: grid clash
        person(编号="V07", 手机="", 在家="否"),                    # row 9: household clash
    )
    assert errors(*rows) == [
        "第2行：年龄“130”应为1到120的整数",
        "第5行：编号V02重复（第3行已有）",
        "第6行：手机号13800000006重复（第3行已有）",
        "第7行：角色“组长”不认识，只能是：村民、屋场长、记录员、村干部、镇干部",
        "第8行：金竹村在这里属于“西片网格”，第2行却属于“东片网格”",
        "第9行：3号户的“在家”与第2行同户的人不一致",
    ]


def test_file_error_without_a_row_prints_only_its_message() -> None:
    assert str(RosterError(0, "只能导入 .csv 或 .xlsx 文件")) == "只能导入 .csv 或 .xlsx 文件"
