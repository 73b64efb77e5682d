"""Roster column 联系村 (DESIGN §5): checked like every column, stored, warned, and the
liaison official owning a yellow village's 整改 task (rule F13)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.admin import import_roster_file
from bot.files.scores import import_scores
from bot.wiring import App
from core import texts
from core.clock import ManualClock
from core.roster import liaison_warnings
from storage.export import snapshot
from tests.conftest import SHANGHAI, FakeBot, reviewed, texts_of
from tests.test_flags import EXTRA_ROSTER, MONTH, OCTOBER, add_villages, write_scores
from tests.test_roster_validation import errors, person, township_official, valid

COLUMN = "联系村"


def test_liaison_villages_are_parsed_and_absent_is_none() -> None:
    rows = valid(person(), person(**{"编号": "V02", "村": "丰收村", "网格": "西片网格",
                                     "屋场": "老屋场", "手机": ""}),
                 township_official(**{COLUMN: " 金竹村 、丰收村、金竹村、"}),
                 header=[*person(), COLUMN])
    assert rows[2].liaisons == ("金竹村", "丰收村")
    assert rows[0].liaisons == ()  # the column is there, empty for a villager
    assert valid(person(), township_official())[1].liaisons is None


def test_liaison_on_someone_not_an_official_is_a_row_error() -> None:
    assert errors(person(**{COLUMN: "金竹村"}), header=[*person(), COLUMN]) == [
        texts.ROSTER_ROW_ERROR.format(row=2, message=texts.ROSTER_LIAISON_NOT_OFFICIAL.format(
            column=COLUMN))]


def test_an_unknown_village_or_one_of_another_township_is_a_row_error() -> None:
    other = person(**{"编号": "V09", "镇": "银山镇", "村": "银坪村", "手机": ""})
    assert errors(person(), other, township_official(**{COLUMN: "金竹村、银坪村、无名村"}),
                  header=[*person(), COLUMN]) == [
        texts.ROSTER_ROW_ERROR.format(row=4, message=texts.ROSTER_LIAISON_UNKNOWN.format(
            village=name, township="金溪镇")) for name in ("银坪村", "无名村")]


def test_warned_only_in_a_township_that_uses_the_column() -> None:
    villages = [("金溪镇", "丰收村"), ("金溪镇", "金竹村"), ("银山镇", "银坪村")]
    assert liaison_warnings(villages, set()) == []
    assert liaison_warnings(villages, {("金溪镇", "金竹村")}) == [
        texts.ROSTER_NO_LIAISON.format(township="金溪镇", village="丰收村")]
    assert liaison_warnings(villages, {("金溪镇", "金竹村"), ("金溪镇", "丰收村")}) == []


# --- stored, warned, and the 整改 owner --------------------------------------------------

HEADER = "编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机,联系村\n"
OFFICIALS = ("T01,周镇长,金溪镇,,,,,,是,45,镇干部,13800000001,金竹村、石桥村\n"
             "T05,吴镇干,金溪镇,,,,,,是,41,镇干部,13800000015,长冲村\n"
             "T06,郑镇干,金溪镇,,,,,,是,38,镇干部,13800000016,长冲村\n")


def liaison_file(path: Path, officials: str = OFFICIALS) -> Path:
    """The extra villages again (the 联系村 must be villages of the file) and the officials."""
    villages = "".join(line + ",\n" for line in EXTRA_ROSTER.splitlines()[1:]) + (
        "C01,杨村官,金溪镇,东片网格,金竹村,杨家湾,9,是,是,40,村干部,13800000002,\n")
    path.write_text(HEADER + villages + officials, encoding="utf-8")
    return path


async def tasks_of(app: App) -> list[dict[str, Any]]:
    async with app.context.db.read() as connection:
        return list((await snapshot(connection, SHANGHAI))["tasks"])


async def test_the_liaison_official_owns_the_rectification(
        app: App, bot: FakeBot, clock: ManualClock, tmp_path: Path) -> None:
    await add_villages(app, bot, tmp_path)
    result = await import_roster_file(app, liaison_file(tmp_path / "officials.csv"))
    await bot.start(set())
    unliaised = sorted({"丰收村", "白沙村", "清水村", "青山村", "龙潭村", "柳溪村", "红星村"})
    assert [w for w in result.warnings if "联系村" in w] == [
        texts.ROSTER_NO_LIAISON.format(township="金溪镇", village=name) for name in unliaised]
    await import_scores(app, write_scores(tmp_path / "scores.csv", {MONTH: OCTOBER}))
    await reviewed(app, MONTH)
    sent = await bot.say("T01", "private", f"/confirm {MONTH}")
    numbers = {row["village"]: row["id"] for row in await tasks_of(app)}
    items = {texts.RECTIFY_ITEM.format(village=name, number=number): name
             for name, number in numbers.items()}
    opened = sorted((m.chat_id, sorted(items[item] for item in m.text.split("：")[1].split(
        "，")[0].split("、"))) for m in sent if m.text.startswith(f"{MONTH}黄旗整改任务"))
    assert all(m.text.endswith(texts.RECTIFY_OPENED.format(month=MONTH, due="11月30日",
                                                          items="").split("，", 1)[1])
               for m in sent if m.text.startswith(f"{MONTH}黄旗整改任务"))
    # Yellow: 长冲村, 柳溪村, 龙潭村 (four categories), 金竹村, 石桥村, 白沙村 (美丽经济),
    # 丰收村 and 红星村 (西片). The liaison officials hear of theirs; the rest go to all.
    fallback = sorted(["白沙村", "龙潭村", "柳溪村", "丰收村", "红星村"])
    assert opened == sorted([
        ("T01", sorted(["金竹村", "石桥村"])), ("T05", ["长冲村"]), ("T06", ["长冲村"]),
        ("T01", fallback), ("T05", fallback), ("T06", fallback)])
    owners = {row["village"]: row["owner"] for row in await tasks_of(app)}
    assert owners["金竹村"] == texts.RECTIFY_LIAISON_OWNER.format(village="金竹村", names="周镇长")
    assert owners["长冲村"] == texts.RECTIFY_LIAISON_OWNER.format(village="长冲村",
                                                              names="吴镇干、郑镇干")
    assert owners["丰收村"] == texts.RECTIFY_OWNER
    # Any official of the township may still report it done.
    assert texts_of(await bot.say("T05", "private", f"/rectified {numbers['金竹村']} 已整改"))[0] \
        == texts.RECTIFIED.format(number=numbers["金竹村"], village="金竹村", note="已整改")


async def test_a_file_without_the_column_keeps_the_liaisons_an_empty_cell_clears(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    await add_villages(app, bot, tmp_path)
    await import_roster_file(app, liaison_file(tmp_path / "officials.csv"))
    kept = await import_roster_file(app, tmp_path / "villages.csv")  # no 联系村 column
    assert len([w for w in kept.warnings if "联系村" in w]) == 7
    cleared = await import_roster_file(app, liaison_file(
        tmp_path / "cleared.csv", OFFICIALS.replace("金竹村、石桥村", "")))
    assert len([w for w in cleared.warnings if "联系村" in w]) == 9
    none = await import_roster_file(app, liaison_file(
        tmp_path / "none.csv", "".join(line.rsplit(",", 1)[0] + ",\n"
                                      for line in OFFICIALS.splitlines())))
    assert [w for w in none.warnings if "联系村" in w] == []
