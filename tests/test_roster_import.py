"""Roster import into the database (SQLite and PostgreSQL) and the `wuchang roster` commands."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from bot.admin import import_roster_file
from bot.demo import ROSTER as DEMO_ROSTER
from bot.settings import Settings
from bot.wiring import App, build_app
from core.clock import ManualClock
from core.models import Person
from core.roles import Role
from core.roster import RosterError, RosterInvalid
from storage import chats, invites, org
from storage.schema import event, grid, homestead, household, invite, person, township, village
from tests.conftest import START, FakeBot, cli_environment, run_cli

HEADER = "编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机"
T01 = "T01,周镇长,金溪镇,,,,,,是,45,镇干部,13800000001"
C01 = "C01,杨村官,金溪镇,东片网格,金竹村,,,,是,40,村干部,13800000002"
H01 = "H01,李勇,金溪镇,东片网格,金竹村,枫树湾,1,是,是,44,屋场长,13800000003"
R01 = "R01,袁东成,金溪镇,东片网格,金竹村,枫树湾,2,是,否,56,记录员,13800000004"
V01 = "V01,李平杰,金溪镇,东片网格,金竹村,枫树湾,3,是,否,25,,13800000005"
V02 = "V02,李大娘,金溪镇,东片网格,金竹村,枫树湾,3,,,78,,"
V03 = "V03,颜荣香,金溪镇,东片网格,金竹村,枫树湾,4,否,否,48,村民,"
H02 = "H02,唐强,金溪镇,西片网格,丰收村,老屋场,1,是,是,37,屋场长,13800000007"
V04 = "V04,唐细妹,金溪镇,西片网格,丰收村,老屋场,2,是,否,61,,"
BASE = [T01, C01, H01, R01, V01, V02, V03, H02, V04]
BASE_CODES = ["T01", "C01", "H01", "R01", "V01", "V02", "V03", "H02", "V04"]
BAD_AGE = "V09,坏年龄,金溪镇,东片网格,金竹村,枫树湾,9,是,否,abc,,"
COUNTED = {"township": township, "grid": grid, "village": village, "homestead": homestead,
           "household": household, "person": person, "invite": invite, "event": event}


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding=encoding)
    return path


@contextlib.asynccontextmanager
async def opened(database_url: str) -> AsyncIterator[App]:
    """A wired app on a migrated, empty database, closed afterwards."""
    app = await build_app(Settings(database_url=database_url), ManualClock(START))
    try:
        yield app
    finally:
        await app.close()


@pytest.fixture
async def empty(database_url: str) -> AsyncIterator[App]:
    """An app on an empty, migrated database: no roster imported yet."""
    async with opened(database_url) as wired:
        yield wired


@pytest.fixture
async def imported(empty: App, tmp_path: Path) -> App:
    """The app with BASE imported."""
    await import_roster_file(empty, write_csv(tmp_path / "base.csv", BASE))
    return empty


async def counts(app: App) -> dict[str, int]:
    async with app.context.db.read() as connection:
        return {name: await connection.scalar(select(func.count()).select_from(table)) or 0
                for name, table in COUNTED.items()}


async def persons(app: App) -> dict[str, Person]:
    async with app.context.db.read() as connection:
        return {found.code: found for found in await org.all_persons(connection)}


async def invite_codes(app: App) -> dict[str, str]:
    async with app.context.db.read() as connection:
        return {code: invite_code for code, _name, invite_code, _used
                in await invites.listing(connection)}


async def households(app: App) -> dict[tuple[str, str, int], bool]:
    """(村, 屋场, 户号) -> 在家 of every household."""
    query = (select(village.c.name.label("village_name"),
                    homestead.c.name.label("homestead_name"), household.c.number,
                    household.c.at_home)
             .join(homestead, homestead.c.id == household.c.homestead_id)
             .join(village, village.c.id == homestead.c.village_id))
    async with app.context.db.read() as connection:
        return {(row.village_name, row.homestead_name, row.number): row.at_home
                for row in await connection.execute(query)}


async def events_of_kind(app: App, kind: str) -> list[dict[str, Any]]:
    async with app.context.db.read() as connection:
        rows = await connection.execute(
            select(event.c.payload).where(event.c.kind == kind).order_by(event.c.id))
        return [json.loads(row.payload) for row in rows]


# --- a good file -------------------------------------------------------------------------


async def test_good_file_creates_townships_grids_villages_and_homesteads(
        imported: App) -> None:
    async with imported.context.db.read() as connection:
        homesteads = await org.all_homesteads(connection)
        grids = {row.name for row in await connection.execute(select(grid.c.name))}
        towns = {row.name for row in await connection.execute(select(township.c.name))}
    assert towns == {"金溪镇"}
    assert grids == {"东片网格", "西片网格"}
    assert sorted((place.township, place.grid, place.village, place.name)
                  for place in homesteads) == [
        ("金溪镇", "东片网格", "金竹村", "枫树湾"), ("金溪镇", "西片网格", "丰收村", "老屋场")]


async def test_good_file_creates_households_with_at_home(imported: App) -> None:
    assert await households(imported) == {
        ("金竹村", "枫树湾", 1): True, ("金竹村", "枫树湾", 2): True,
        ("金竹村", "枫树湾", 3): True, ("金竹村", "枫树湾", 4): False,
        ("丰收村", "老屋场", 1): True, ("丰收村", "老屋场", 2): True,
    }


async def test_good_file_creates_persons_with_roles_and_places(imported: App) -> None:
    found = await persons(imported)
    assert sorted(found) == sorted(BASE_CODES)
    assert {code: found[code].role for code in found} == {
        "T01": Role.TOWNSHIP_OFFICIAL, "C01": Role.VILLAGE_CADRE, "H01": Role.HEAD,
        "R01": Role.RECORDER, "V01": Role.VILLAGER, "V02": Role.VILLAGER,
        "V03": Role.VILLAGER, "H02": Role.HEAD, "V04": Role.VILLAGER}
    head = found["H01"]
    assert (head.name, head.township, head.village, head.homestead, head.household, head.age,
            head.party_member, head.phone) == (
        "李勇", "金溪镇", "金竹村", "枫树湾", 1, 44, True, "13800000003")
    official, cadre = found["T01"], found["C01"]
    assert (official.village, official.homestead, official.household) == (None, None, None)
    assert (cadre.village, cadre.homestead, cadre.household) == ("金竹村", None, None)
    assert (found["V02"].party_member, found["V02"].phone, found["V02"].household) == (
        False, None, 3)


async def test_good_file_reports_everyone_created_and_logs_one_event(
        empty: App, tmp_path: Path) -> None:
    result = await import_roster_file(empty, write_csv(tmp_path / "base.csv", BASE))
    assert (result.created, result.updated, result.unchanged) == (BASE_CODES, [], 0)
    assert await events_of_kind(empty, "roster.imported") == [
        {"file": "base.csv", "created": BASE_CODES, "updated": [],
         "households_changed": [], "villages_moved": []}]


async def test_every_person_gets_a_unique_eight_character_invite_code(imported: App) -> None:
    codes = await invite_codes(imported)
    assert sorted(codes) == sorted(BASE_CODES)
    assert len(set(codes.values())) == len(BASE_CODES)
    for code in codes.values():
        assert len(code) == 8
        assert set(code) <= set(invites.ALPHABET)


# --- atomicity ---------------------------------------------------------------------------


async def test_one_bad_row_writes_nothing_into_an_empty_database(
        empty: App, tmp_path: Path) -> None:
    before = await counts(empty)
    with pytest.raises(RosterInvalid) as raised:
        await import_roster_file(empty, write_csv(tmp_path / "bad.csv", [*BASE, BAD_AGE]))
    assert raised.value.errors == [RosterError(11, "年龄“abc”应为1到120的整数")]
    assert await counts(empty) == before
    assert before["person"] == before["household"] == before["village"] == before["event"] == 0


async def test_one_bad_row_leaves_an_existing_roster_untouched(
        imported: App, tmp_path: Path) -> None:
    before = (await counts(imported), await persons(imported), await households(imported),
              await invite_codes(imported))
    renamed = V01.replace("李平杰", "李平洁")
    flipped = V03.replace(",否,否,", ",是,否,")
    new = "V05,新来的,金溪镇,东片网格,金竹村,新屋场,1,是,否,30,,"
    lines = [T01, C01, H01, R01, renamed, V02, flipped, H02, V04, new, BAD_AGE]
    with pytest.raises(RosterInvalid):
        await import_roster_file(imported, write_csv(tmp_path / "bad.csv", lines))
    after = (await counts(imported), await persons(imported), await households(imported),
             await invite_codes(imported))
    assert after == before


async def test_database_failure_half_way_rolls_the_whole_import_back(
        imported: App, tmp_path: Path) -> None:
    """Persons and households are written before the invites; hide the invite table."""
    before = (await counts(imported), await persons(imported), await households(imported))
    async with imported.context.db.write() as connection:
        await connection.execute(text("ALTER TABLE invite RENAME TO invite_hidden"))
    renamed = V01.replace("李平杰", "李平洁")
    flipped = V03.replace(",否,否,", ",是,否,")
    new = "V05,新来的,金溪镇,东片网格,金竹村,新屋场,1,是,否,30,,"
    lines = [T01, C01, H01, R01, renamed, V02, flipped, H02, V04, new]
    with pytest.raises(DBAPIError):
        await import_roster_file(imported, write_csv(tmp_path / "update.csv", lines))
    async with imported.context.db.write() as connection:
        await connection.execute(text("ALTER TABLE invite_hidden RENAME TO invite"))
    assert (await counts(imported), await persons(imported), await households(imported)) == before


# --- importing again ---------------------------------------------------------------------


async def test_reimporting_the_same_file_changes_nothing(imported: App, tmp_path: Path) -> None:
    before = (await counts(imported), await persons(imported), await households(imported),
              await invite_codes(imported))
    result = await import_roster_file(imported, write_csv(tmp_path / "again.csv", BASE))
    assert (result.created, result.updated, result.unchanged) == ([], [], len(BASE))
    assert not result.changed
    after = (await counts(imported), await persons(imported), await households(imported),
             await invite_codes(imported))
    assert after == before


async def test_updated_file_updates_persons_and_households(
        imported: App, tmp_path: Path) -> None:
    before = await persons(imported)
    renamed = V01.replace("李平杰", "李平洁")
    moved = "V02,李大娘,金溪镇,西片网格,丰收村,老屋场,2,是,否,78,,"
    flipped = V03.replace(",否,否,", ",是,否,")
    new = "V05,唐新,金溪镇,西片网格,丰收村,老屋场,3,否,是,30,,13800000011"
    lines = [T01, C01, H01, R01, renamed, moved, flipped, H02, V04, new]
    result = await import_roster_file(imported, write_csv(tmp_path / "update.csv", lines))
    assert (result.created, sorted(result.updated), result.unchanged) == (
        ["V05"], ["V01", "V02"], 7)
    after = await persons(imported)
    assert after["V01"].name == "李平洁"
    assert (after["V02"].village, after["V02"].homestead, after["V02"].household) == (
        "丰收村", "老屋场", 2)
    assert (after["V05"].role, after["V05"].household, after["V05"].party_member) == (
        Role.VILLAGER, 3, True)
    assert {code: after[code].id for code in BASE_CODES} == {
        code: before[code].id for code in BASE_CODES}
    assert await households(imported) == {
        ("金竹村", "枫树湾", 1): True, ("金竹村", "枫树湾", 2): True,
        ("金竹村", "枫树湾", 3): True, ("金竹村", "枫树湾", 4): True,
        ("丰收村", "老屋场", 1): True, ("丰收村", "老屋场", 2): True,
        ("丰收村", "老屋场", 3): False,
    }
    assert (await events_of_kind(imported, "roster.imported"))[-1] == {
        "file": "update.csv", "created": ["V05"], "updated": ["V01", "V02"],
        "households_changed": ["金竹村枫树湾4号"], "villages_moved": []}


async def test_updated_file_keeps_chat_bindings_and_invite_codes(
        imported: App, tmp_path: Path) -> None:
    clock = ManualClock(START)
    fake = FakeBot(imported, clock)
    await fake.start({"V01"})
    codes_before = await invite_codes(imported)
    welcome = await fake.say("V01", "private", f"/start {codes_before['V01']}")
    assert welcome[0].text.startswith("绑定成功：李平杰")
    v02 = (await persons(imported))["V02"]
    async with imported.context.db.write() as connection:
        await chats.bind_account(connection, "telegram", "tg-1002", v02.id, clock.now())
    renamed = V01.replace("李平杰", "李平洁")
    moved = "V02,李大娘,金溪镇,西片网格,丰收村,老屋场,2,是,否,78,,"
    new = "V05,唐新,金溪镇,西片网格,丰收村,老屋场,3,否,是,30,,13800000011"
    lines = [T01, C01, H01, R01, renamed, moved, V03, H02, V04, new]
    await import_roster_file(imported, write_csv(tmp_path / "update.csv", lines))
    codes_after = await invite_codes(imported)
    assert {code: codes_after[code] for code in BASE_CODES} == codes_before
    assert codes_after["V05"] not in codes_before.values()
    async with imported.context.db.read() as connection:
        assert await chats.person_id_for(connection, "telegram", "tg-1002") == v02.id
        used = {code: was_used for code, _name, _invite, was_used
                in await invites.listing(connection)}
    assert used["V01"] is True
    again = await fake.say("V01", "private", "/start")
    assert again[0].text.startswith("你已绑定为李平洁")


async def test_person_absent_from_the_updated_file_is_kept(
        imported: App, tmp_path: Path) -> None:
    before = (await persons(imported), await invite_codes(imported))
    lines = [line for line in BASE if not line.startswith("V04,")]
    result = await import_roster_file(imported, write_csv(tmp_path / "partial.csv", lines))
    assert (result.created, result.updated, result.unchanged) == ([], [], len(BASE) - 1)
    assert (await persons(imported), await invite_codes(imported)) == before


async def test_changing_only_a_households_at_home_is_recorded(
        imported: App, tmp_path: Path) -> None:
    events_before = await events_of_kind(imported, "roster.imported")
    flipped = V03.replace(",否,否,", ",是,否,")
    lines = [flipped if line == V03 else line for line in BASE]
    result = await import_roster_file(imported, write_csv(tmp_path / "flip.csv", lines))
    assert (await households(imported))[("金竹村", "枫树湾", 4)] is True
    assert result.changed
    assert len(await events_of_kind(imported, "roster.imported")) == len(events_before) + 1


async def test_a_later_import_cannot_give_a_homestead_a_second_head(
        imported: App, tmp_path: Path) -> None:
    second_head = "H09,李新,金溪镇,东片网格,金竹村,枫树湾,6,是,是,50,屋场长,"
    with contextlib.suppress(RosterInvalid):
        await import_roster_file(imported, write_csv(tmp_path / "head.csv", [second_head]))
    heads = [found.code for found in (await persons(imported)).values()
             if found.role is Role.HEAD and found.homestead == "枫树湾"]
    assert len(heads) == 1


async def test_overlong_name_is_a_row_error(empty: App, tmp_path: Path) -> None:
    overlong = V01.replace("李平杰", "李" * 65)
    with pytest.raises(RosterInvalid) as raised:
        await import_roster_file(empty, write_csv(tmp_path / "long.csv", [overlong]))
    assert raised.value.errors[0].row_number == 2


# --- rule M10: warned, not refused -------------------------------------------------------

BASE_WARNINGS = [  # in `wuchang status` order on SQLite: 丰收村 sorts before 金竹村
    "丰收村老屋场只有2户，屋场一般为30–50户。",
    "丰收村老屋场没有记录员，每个屋场要确定一名记录员。",
    "金竹村枫树湾只有4户，屋场一般为30–50户。",
]


async def test_import_goes_through_and_returns_the_warnings(
        empty: App, tmp_path: Path) -> None:
    result = await import_roster_file(empty, write_csv(tmp_path / "base.csv", BASE))
    assert result.created == BASE_CODES
    assert sorted(result.warnings) == sorted(BASE_WARNINGS)


async def test_warnings_of_a_partial_file_are_over_the_whole_stored_roster(
        imported: App, tmp_path: Path) -> None:
    recorder = "R02,唐记录,金溪镇,西片网格,丰收村,老屋场,2,是,否,40,记录员,"
    lapsed = H01.replace(",是,是,44,", ",是,否,44,")
    result = await import_roster_file(
        imported, write_csv(tmp_path / "partial.csv", [recorder, lapsed]))
    assert sorted(result.warnings) == sorted([
        "丰收村老屋场只有2户，屋场一般为30–50户。",
        "金竹村枫树湾只有4户，屋场一般为30–50户。",
        "金竹村枫树湾的屋场长李勇（H01）不是党员，屋场长应由党员担任。",
    ])


async def test_the_demo_roster_has_no_warnings(tmp_path: Path) -> None:
    async with opened(f"sqlite+aiosqlite:///{tmp_path}/demo.db") as app:
        result = await import_roster_file(app, DEMO_ROSTER)
    assert len(result.created) > 1000
    assert result.warnings == []


def test_cli_import_prints_each_warning_to_stderr_and_exits_0(
        database_file: Path, tmp_path: Path) -> None:
    result = run_cli("roster", "import", str(write_csv(tmp_path / "base.csv", BASE)))
    assert result.exit_code == 0, result.output
    assert result.stdout == "导入完成：新增 9 人，更新 0 人，未变 0 人；在家情况变动 0 户。\n"
    assert result.stderr.splitlines() == [f"提醒：{warning}" for warning in BASE_WARNINGS]
    assert query(database_file, "SELECT count(*) FROM person") == [(len(BASE),)]


def test_cli_status_shows_the_roster_warnings(database_file: Path, tmp_path: Path) -> None:
    assert run_cli("init").exit_code == 0  # status never creates the database (issue 21)
    before = run_cli("status")
    assert before.exit_code == 0, before.output
    assert before.stdout.splitlines()[-1] == "花名册无提醒。"
    run_cli("roster", "import", str(write_csv(tmp_path / "base.csv", BASE)))
    after = run_cli("status")
    assert after.exit_code == 0, after.output
    assert after.stdout.splitlines()[-4:] == [
        "花名册提醒（3条）：", *(f"  {warning}" for warning in BASE_WARNINGS)]


# --- file formats ------------------------------------------------------------------------


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    workbook.close()
    return path


async def test_xlsx_roster_reads_numeric_cells_as_whole_numbers(
        empty: App, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", [
        ["H01", "李勇", "金溪镇", "东片网格", "金竹村", "枫树湾", 1, "是", "是", 44.0, "屋场长",
         13800000003],
        ["V01", "李平杰", "金溪镇", "东片网格", "金竹村", "枫树湾", 3.0, "否", None, 25, None,
         None],
    ])
    result = await import_roster_file(empty, path)
    assert result.created == ["H01", "V01"]
    found = await persons(empty)
    assert (found["H01"].household, found["H01"].age, found["H01"].phone) == (
        1, 44, "13800000003")
    assert (found["V01"].household, found["V01"].age, found["V01"].role) == (
        3, 25, Role.VILLAGER)
    assert await households(empty) == {
        ("金竹村", "枫树湾", 1): True, ("金竹村", "枫树湾", 3): False}


async def test_xlsx_errors_name_the_sheet_rows_across_a_blank_row(
        empty: App, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", [
        ["V01", "李平杰", "金溪镇", "东片网格", "金竹村", "枫树湾", 3, "是", "否", 25],
        [],
        ["V02", "李大娘", "金溪镇", "东片网格", "金竹村", "枫树湾", 3, "是", "否", 44.5],
    ])
    with pytest.raises(RosterInvalid) as raised:
        await import_roster_file(empty, path)
    assert [str(error) for error in raised.value.errors] == ["第4行：年龄“44.5”应为1到120的整数"]
    assert (await counts(empty))["person"] == 0


async def test_csv_with_a_utf8_bom_is_read(empty: App, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", BASE, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    result = await import_roster_file(empty, path)
    assert result.created == BASE_CODES


async def test_csv_with_windows_line_endings_is_read(empty: App, tmp_path: Path) -> None:
    path = tmp_path / "crlf.csv"
    path.write_bytes(("\r\n".join([HEADER, *BASE]) + "\r\n").encode())
    assert (await import_roster_file(empty, path)).created == BASE_CODES


async def test_csv_errors_name_the_file_lines_across_an_empty_line(
        empty: App, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gap.csv", [V01, "", BAD_AGE])
    with pytest.raises(RosterInvalid) as raised:
        await import_roster_file(empty, path)
    assert [str(error) for error in raised.value.errors] == ["第4行：年龄“abc”应为1到120的整数"]


async def test_wrong_suffix_is_rejected_with_a_clear_message(empty: App, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "roster.txt", BASE)
    with pytest.raises(RosterInvalid) as raised:
        await import_roster_file(empty, path)
    assert raised.value.errors == [RosterError(0, "只能导入 .csv 或 .xlsx 文件")]
    assert str(raised.value.errors[0]) == "只能导入 .csv 或 .xlsx 文件"
    assert (await counts(empty))["person"] == 0


async def test_gbk_encoded_csv_is_read_as_gbk(empty: App, tmp_path: Path) -> None:
    # Issue 21 turned this around: Excel in China saves CSV as GBK, so it is accepted.
    path = write_csv(tmp_path / "gbk.csv", BASE, encoding="gbk")
    await import_roster_file(empty, path)
    assert (await counts(empty))["person"] == len(BASE)


async def test_missing_file_is_rejected_as_unreadable(empty: App, tmp_path: Path) -> None:
    with pytest.raises(RosterInvalid) as raised:
        await import_roster_file(empty, tmp_path / "nowhere.csv")
    assert raised.value.errors[0].message.startswith("读不了这个文件：")


# --- the command line --------------------------------------------------------------------


@pytest.fixture
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI at a fresh SQLite file in an empty working directory."""
    cli_environment(monkeypatch, tmp_path, f"sqlite+aiosqlite:///{tmp_path}/w.db")
    return tmp_path / "w.db"


def query(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return connection.execute(sql).fetchall()


def invites_csv(output: str) -> dict[str, tuple[str, str]]:
    rows = list(csv.reader(io.StringIO(output)))
    assert rows[0] == ["编号", "姓名", "邀请码", "村", "屋场"]
    return {code: (name, invite_code) for code, name, invite_code, _, _ in rows[1:]}


def test_cli_import_of_a_bad_file_lists_every_error_and_writes_nothing(
        database_file: Path, tmp_path: Path) -> None:
    lines = [V01.replace(",25,", ",0,"), V02, V02, V03.replace("村民", "组长")]
    result = run_cli("roster", "import", str(write_csv(tmp_path / "bad.csv", lines)))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "花名册有 3 处错误，未导入任何数据：",
        "  第2行：年龄“0”应为1到120的整数",
        "  第4行：编号V02重复（第3行已有）",
        "  第5行：角色“组长”不认识，只能是：村民、屋场长、记录员、村干部、镇干部",
    ]
    assert query(database_file, "SELECT count(*) FROM person") == [(0,)]


def test_cli_import_prints_counts(database_file: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "base.csv", BASE)
    first = run_cli("roster", "import", str(path))
    assert first.exit_code == 0, first.output
    assert first.stdout == "导入完成：新增 9 人，更新 0 人，未变 0 人；在家情况变动 0 户。\n"
    write_csv(path, [V01.replace("李平杰", "李平洁") if line == V01 else line for line in BASE])
    second = run_cli("roster", "import", str(path))
    assert second.stdout == "导入完成：新增 0 人，更新 1 人，未变 8 人；在家情况变动 0 户。\n"
    assert query(database_file, "SELECT name FROM person WHERE code = 'V01'") == [("李平洁",)]


def test_cli_import_of_a_wrong_suffix_exits_1(database_file: Path, tmp_path: Path) -> None:
    result = run_cli("roster", "import", str(write_csv(tmp_path / "roster.txt", BASE)))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "花名册有 1 处错误，未导入任何数据：", "  只能导入 .csv 或 .xlsx 文件"]


def test_cli_invites_prints_one_csv_line_per_person(database_file: Path, tmp_path: Path) -> None:
    run_cli("roster", "import", str(write_csv(tmp_path / "base.csv", BASE)))
    result = run_cli("roster", "invites")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "编号,姓名,邀请码,村,屋场"  # 村 and 屋场 since issue 21
    assert len(lines) == 1 + len(BASE)
    listed = invites_csv(result.stdout)
    assert sorted(listed) == sorted(BASE_CODES)  # grouped by village and 屋场 since issue 21
    assert listed["H01"][0] == "李勇"
    assert dict(query(database_file, "SELECT p.code, i.code FROM person p "
                                     "JOIN invite i ON i.person_id = p.id")) == {
        code: invite_code for code, (_name, invite_code) in listed.items()}


def test_cli_renew_changes_only_that_persons_code(database_file: Path, tmp_path: Path) -> None:
    run_cli("roster", "import", str(write_csv(tmp_path / "base.csv", BASE)))
    before = invites_csv(run_cli("roster", "invites").stdout)
    result = run_cli("roster", "invites", "--renew", "V01")
    assert result.exit_code == 0, result.output
    after = invites_csv(result.stdout)
    assert after["V01"] != before["V01"]
    assert len(after["V01"][1]) == 8
    assert {code: row for code, row in after.items() if code != "V01"} == {
        code: row for code, row in before.items() if code != "V01"}
    assert query(database_file, "SELECT kind FROM event WHERE kind = 'invite.renewed'") == [
        ("invite.renewed",)]


def test_cli_renew_of_an_unknown_code_exits_2_and_renews_nobody(
        database_file: Path, tmp_path: Path) -> None:
    run_cli("roster", "import", str(write_csv(tmp_path / "base.csv", BASE)))
    before = invites_csv(run_cli("roster", "invites").stdout)
    result = run_cli("roster", "invites", "--renew", "V01", "--renew", "X99")
    assert result.exit_code == 2
    assert result.stderr == "花名册里没有编号 X99\n"
    assert result.stdout == ""
    assert invites_csv(run_cli("roster", "invites").stdout) == before
