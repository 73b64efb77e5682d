"""The board as plain data (rule P3): a month's part, the JSON shape, village addresses."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.board import (
    Board,
    BoardDecision,
    BoardFlag,
    BoardIssue,
    BoardMeeting,
    BoardNotice,
    BoardObjection,
    BoardSettlement,
    MeetingState,
    VillageRef,
    board_json,
    board_path,
    find_villages,
    month_of,
    without_phones,
)
from core.flags import Flag
from core.issues import Level, Status
from tests.conftest import SHANGHAI

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI)


def at(month: int, day: int, hour: int = 19) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def issue(number: int, raised: datetime, closed: datetime | None = None) -> BoardIssue:
    return BoardIssue(number, "枫树湾", f"问题{number}", "环境治理", Level.VILLAGE,
                      Status.CLOSED if closed else Status.ESCALATED, date(2026, 11, 20),
                      False, 0.75 if closed else None, raised, closed)


def meeting(number: int, starts_at: datetime) -> BoardMeeting:
    return BoardMeeting(number, "枫树湾", starts_at, MeetingState.ENDED, "修路", 3, 3, True)


BOARD = Board(
    "金溪镇", "东片网格", "金竹村", NOW,
    notices=(BoardNotice(2, "村务公开", "金竹村", "十一月", at(11, 2), False, None, (), 0),
             BoardNotice(1, "村务公开", "金竹村", "十月", at(10, 31, 23), False, None, (), 0)),
    meetings=(meeting(2, at(12, 1)), meeting(1, at(11, 1, 0))),
    decisions=(BoardDecision(5, 2, "枫树湾", "十二月的决议", False),
               BoardDecision(4, 1, "枫树湾", "十一月的决议", True)),
    issues=(issue(4, at(12, 1)), issue(3, at(10, 20), closed=at(11, 30, 23)),
            issue(2, at(11, 5)), issue(1, at(9, 1))),
    flags=(BoardFlag("2026-11", "党建引领发展", 90, Flag.RED),
           BoardFlag("2026-10", "党建引领发展", 60, Flag.YELLOW)),
    settlements=(BoardSettlement("2026-11", 1, 1, 0, 1000),
                 BoardSettlement("2026-10", 2, 0, 1, -1000)))


def test_month_of_keeps_what_belongs_to_the_month_in_local_time() -> None:
    november = month_of(BOARD, "2026-11")

    assert [found.id for found in november.notices] == [2]
    assert [found.number for found in november.meetings] == [1]  # 00:00 on the 1st counts
    assert [found.number for found in november.decisions] == [4]
    assert [found.number for found in november.issues] == [3, 2]  # closed, and raised
    assert [found.month for found in november.flags] == ["2026-11"]
    assert [found.month for found in november.settlements] == ["2026-11"]
    assert (november.township, november.village, november.at) == ("金溪镇", "金竹村", NOW)


def test_month_of_an_empty_month_is_empty() -> None:
    empty = month_of(BOARD, "2026-08")

    assert (empty.notices, empty.meetings, empty.decisions, empty.issues, empty.flags,
            empty.settlements) == ((), (), (), (), (), ())


def test_json_gives_values_labels_and_iso_times() -> None:
    document = board_json(BOARD)

    assert document["at"] == "2026-12-03T10:00:00+08:00"
    assert document["meetings"][0]["state"] == "ended"
    assert document["meetings"][0]["state_label"] == "已召开"
    assert document["issues"][1]["level"] == "village"
    assert document["issues"][1]["level_label"] == "村"
    assert document["issues"][1]["status_label"] == "已销号"
    assert document["issues"][1]["deadline"] == "2026-11-20"
    assert document["flags"][1] == {"month": "2026-10", "category": "党建引领发展",
                                    "score": 60, "flag": "yellow", "flag_label": "黄旗"}
    assert "consequences" not in document["settlements"][1]  # officials' alone (F8)
    assert document["notices"][0]["objections"] == []


def test_objections_have_no_field_for_the_objector() -> None:
    notice = BoardNotice(1, "财务公开", "金竹村", "收支", NOW, True, NOW,
                         (BoardObjection(1, "有疑问", "已答复"),), 0)

    assert board_json(Board("镇", "网格", "村", NOW, notices=(notice,)))["notices"][0][
        "objections"] == [{"number": 1, "text": "有疑问", "answer": "已答复"}]


def test_village_addresses_name_the_township_only_when_needed() -> None:
    ours = VillageRef(1, "金溪镇", "东片网格", "金竹村")
    theirs = VillageRef(2, "银山镇", "北片网格", "金竹村")
    alone = VillageRef(3, "金溪镇", "西片网格", "丰收村")
    villages = [ours, theirs, alone]

    assert find_villages(villages, "金竹村") == [ours, theirs]
    assert find_villages(villages, "金竹村", "银山镇") == [theirs]
    assert find_villages(villages, "丰收村", "银山镇") == []
    assert find_villages(villages, "无此村") == []
    assert board_path(ours, villages) == "金溪镇/金竹村"
    assert board_path(alone, villages) == "丰收村"
    assert board_path(ours, [ours, alone]) == "金竹村"


def test_a_notice_names_its_attachments() -> None:
    from handlers.board import notice_meta

    notice = BoardNotice(3, "村务公开", "金竹村", "修路", NOW, False, None, (), 0,
                         attachments=("路线图.jpg", "预算.xlsx"))
    assert notice_meta(notice).endswith("｜附件：路线图.jpg、预算.xlsx")
    assert "附件" not in notice_meta(BoardNotice(4, "村务公开", "金竹村", "修路", NOW, False,
                                                 None, (), 0))


@pytest.mark.parametrize(("title", "shown"), [
    ("路灯坏了，联系13812345678", "路灯坏了，联系138****5678"),
    ("电话：19900001111。", "电话：199****1111。"),
    ("编号123456789012不是手机", "编号123456789012不是手机"),  # 12 digits: not a mobile
    ("座机0731-1234567", "座机0731-1234567"),
])
def test_mobile_numbers_are_masked_on_the_board(title: str, shown: str) -> None:
    assert without_phones(title) == shown
