"""`wuchang replay`, `status` and `export` through the CLI against a SQLite file."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from bot.channels.console import CHANNEL
from storage import org, outbox
from storage.db import Database
from storage.schema import outbox as outbox_table
from tests.conftest import cli_environment

SMALL_ROSTER = Path(__file__).with_name("roster_small.csv")
SHANGHAI = ZoneInfo("Asia/Shanghai")
Script = list[dict[str, Any] | str]


@pytest.fixture
def workdir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty working directory whose database holds the small roster, imported by the CLI."""
    cli_environment(monkeypatch, tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'story.db'}")
    result = _invoke("roster", "import", str(SMALL_ROSTER))
    assert result.exit_code == 0, result.output
    assert "新增 14 人" in result.stdout
    return tmp_path


def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    from bot.cli import cli

    return CliRunner().invoke(cli, list(args), env=env)


def _write(directory: Path, script: Script, name: str = "script.jsonl") -> Path:
    path = directory / name
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(
        line, ensure_ascii=False) for line in script) + "\n", encoding="utf-8")
    return path


def _replay(directory: Path, script: Script) -> list[dict[str, Any]]:
    """Play a script that must succeed; return the printed messages."""
    result = _invoke("replay", str(_write(directory, script)))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def _invites() -> dict[str, str]:
    result = _invoke("roster", "invites")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["编号", "姓名", "邀请码", "村", "屋场"]
    return {code: invite for code, _name, invite, _village, _homestead in rows[1:]}


def _names_line(text: str, number: int) -> bool:
    return re.search(rf"(line\s*{number}(?!\d)|第\s*{number}\s*行)", text) is not None


def _say(at: str, person: str, chat: str, text: str) -> dict[str, Any]:
    return {"at": at, "from": person, "chat": chat, "text": text}


def test_help_prints_one_json_line_per_message(workdir: Path) -> None:
    messages = _replay(workdir, [
        _say("2026-11-05T19:00:00", "H01", "枫树湾", "/help"),
        _say("2026-11-05T19:01:00", "V01", "private", "/help"),
    ])

    assert len(messages) == 2
    group, private = messages
    assert set(group) == {"chat", "text", "buttons"}
    assert group["chat"] == "枫树湾"
    assert group["text"].startswith("李勇（屋场长）")
    assert "/bind" in group["text"]
    assert group["buttons"] == []
    assert set(private) == {"chat", "text", "buttons", "to"}
    assert private["chat"] == "private"
    assert private["to"] == "V01"
    assert private["text"].startswith("李平杰（村民）")
    assert "/bind" not in private["text"]


def test_start_with_invite_code_binds_in_private(workdir: Path) -> None:
    code = _invites()["V01"]

    messages = _replay(workdir, [_say("2026-11-05T19:00:00", "V01", "private", f"/start {code}")])

    assert len(messages) == 1
    assert messages[0]["chat"] == "private"
    assert messages[0]["to"] == "V01"
    assert "绑定成功" in messages[0]["text"]
    assert "李平杰" in messages[0]["text"]


def test_person_the_script_starts_is_not_prebound_but_everyone_else_is(workdir: Path) -> None:
    code = _invites()["V01"]

    messages = _replay(workdir, [
        _say("2026-11-05T19:00:00", "V01", "枫树湾", "/help"),
        _say("2026-11-05T19:01:00", "V02", "枫树湾", "/help"),
        _say("2026-11-05T19:02:00", "V01", "private", f"/start {code}"),
        _say("2026-11-05T19:03:00", "V01", "枫树湾", "/help"),
    ])

    assert [message["chat"] for message in messages] == ["枫树湾", "枫树湾", "private", "枫树湾"]
    assert messages[0]["text"].startswith("你还没有绑定身份")
    assert messages[1]["text"].startswith("李大娘（村民）")
    assert "绑定成功" in messages[2]["text"]
    assert messages[3]["text"].startswith("李平杰（村民）")


def test_consecutive_replays_continue_one_story(workdir: Path) -> None:
    codes = _invites()
    first = _replay(workdir, [
        _say("2026-11-05T19:00:00", "H01", "枫树湾", f"/bind {codes['H01']}"),
        _say("2026-11-05T19:01:00", "V01", "private", f"/start {codes['V01']}"),
        _say("2026-11-05T19:02:00", "V02", "private", "/start WRONG234"),
    ])
    assert first[0]["text"].startswith("本群已绑定为")
    assert "绑定成功" in first[1]["text"]
    assert "不对" in first[2]["text"]

    second = _replay(workdir, [
        _say("2026-11-06T19:00:00", "V02", "private", f"/start {codes['V01']}"),
        _say("2026-11-06T19:01:00", "V01", "private", "/start"),
        _say("2026-11-06T19:02:00", "H01", "枫树湾", f"/bind {codes['H01']}"),
    ])

    assert len(second) == 3
    assert "已经用过" in second[0]["text"]
    assert second[1]["text"].startswith("你已绑定为李平杰")
    assert second[2]["text"].startswith("本群已经是")


def test_ambiguous_homestead_is_reported_and_the_run_continues(
        workdir: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        messages = _replay(workdir, [
            _say("2026-11-05T19:00:00", "H04", "老屋场", "/help"),
            _say("2026-11-05T19:01:00", "H04", "金竹村/老屋场", "/help"),
            _say("2026-11-05T19:02:00", "H03", "丰收村/老屋场", "/help"),
        ])

    assert [message["chat"] for message in messages] == ["金竹村/老屋场", "丰收村/老屋场"]
    assert messages[0]["text"].startswith("刘建国（屋场长）")
    assert messages[1]["text"].startswith("唐强（屋场长）")
    errors = [record.getMessage() for record in caplog.records
              if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert _names_line(errors[0], 1)
    assert "老屋场" in errors[0]


def test_unknown_homestead_is_reported_and_the_run_continues(
        workdir: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        messages = _replay(workdir, [
            _say("2026-11-05T19:00:00", "H01", "月亮湾", "/help"),
            _say("2026-11-05T19:01:00", "H01", "金竹村/枫树湾", "/help"),
        ])

    assert len(messages) == 1
    assert messages[0]["chat"] == "枫树湾"
    errors = [record.getMessage() for record in caplog.records
              if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert _names_line(errors[0], 1)
    assert "月亮湾" in errors[0]


MALFORMED_LINES = [
    pytest.param("this is not json", id="not-json"),
    pytest.param('["a", "list"]', id="not-an-object"),
    pytest.param(json.dumps({"at": "2026-11-05T19:05:00", "chat": "枫树湾", "text": "/help"}),
                 id="missing-from"),
    pytest.param(json.dumps({"at": "2026-11-05T19:05:00", "from": "H01", "text": "/help"}),
                 id="missing-chat"),
    pytest.param(json.dumps({"at": "2026-11-05T19:05:00", "from": "H01", "chat": "枫树湾",
                             "text": "/help", "press": "签到"}, ensure_ascii=False),
                 id="text-and-press"),
    pytest.param(json.dumps({"at": "2026-11-05T19:05:00", "from": "H01", "chat": "枫树湾"},
                            ensure_ascii=False), id="neither-text-nor-press"),
    pytest.param(json.dumps({"at": "yesterday", "from": "H01", "chat": "枫树湾",
                             "text": "/help"}, ensure_ascii=False), id="bad-at"),
    pytest.param(json.dumps({"tick": "soon"}), id="bad-tick"),
]


@pytest.mark.parametrize("bad", MALFORMED_LINES)
def test_malformed_line_exits_2_naming_it_and_plays_nothing(workdir: Path, bad: str) -> None:
    code = _invites()["V01"]
    script: Script = [
        _say("2026-11-05T19:00:00", "V01", "private", f"/start {code}"),
        "",
        bad,
        _say("2026-11-05T19:10:00", "H01", "枫树湾", "/help"),
    ]

    result = _invoke("replay", str(_write(workdir, script)))

    assert result.exit_code == 2
    assert result.stdout == ""
    assert _names_line(result.stderr, 3)
    assert not _names_line(result.stderr, 1)
    assert "Traceback" not in result.output
    # Nothing was played: V01's code is still unused, so another person can take it.
    after = _replay(workdir, [_say("2026-11-05T20:00:00", "V01", "private", f"/start {code}")])
    assert "绑定成功" in after[0]["text"]


def test_missing_script_file_exits_2(workdir: Path) -> None:
    result = _invoke("replay", str(workdir / "nowhere.jsonl"))

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.output


def _status_row(job: str) -> dict[str, str]:
    result = _invoke("status", env={"COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(line for line in lines if "任务" in line)
    names = [cell.strip() for cell in re.split(r"[┃│]", header)[1:-1]]
    row = next(line for line in lines if re.search(rf"│\s*{job}\s*│", line))
    return dict(zip(names, [cell.strip() for cell in row.split("│")[1:-1]], strict=True))


def test_tick_runs_the_jobs(workdir: Path) -> None:
    assert _status_row("outbox")["次数"] == "0"

    _replay(workdir, [{"tick": "2026-11-05T19:05:00"}])

    row = _status_row("outbox")
    assert int(row["次数"]) >= 1
    assert row["失败"] == "0"
    assert row["最近错误"] == ""
    runs = int(row["次数"])
    _replay(workdir, [{"tick": "2026-11-05T19:10:00"}, {"tick": "2026-11-05T19:15:00"}])
    assert int(_status_row("outbox")["次数"]) == runs + 2


def test_status_shows_job_times_in_local_time(workdir: Path) -> None:
    """DESIGN §3: stored in UTC, shown in Asia/Shanghai."""
    _replay(workdir, [{"tick": "2026-11-05T19:05:00"}])

    row = _status_row("outbox")

    assert "19:05" in row["上次开始"], row
    assert "19:05" in row["上次结束"], row


async def _queue_for_homestead(directory: Path, homestead: str, text: str,
                               not_before: datetime) -> None:
    database = Database(f"sqlite+aiosqlite:///{directory / 'story.db'}")
    try:
        async with database.write() as connection:
            [found] = await org.homesteads_named(connection, homestead)
            queued = await outbox.to_homesteads(
                connection, [found.id], key="test-notice", text=text,
                now=datetime(2026, 11, 5, 19, 0, tzinfo=SHANGHAI), not_before=not_before)
        assert queued == 1
    finally:
        await database.dispose()


async def _notice_status(directory: Path) -> list[tuple[str, str, int]]:
    database = Database(f"sqlite+aiosqlite:///{directory / 'story.db'}")
    try:
        async with database.read() as connection:
            rows = await connection.execute(
                select(outbox_table.c.channel, outbox_table.c.status, outbox_table.c.attempts)
                .where(outbox_table.c.key.startswith("test-notice")))
            return [(row.channel, row.status, row.attempts) for row in rows]
    finally:
        await database.dispose()


def test_tick_delivers_outbox_rows_that_fall_due(workdir: Path) -> None:
    _replay(workdir, [_say("2026-11-05T19:00:00", "H01", "枫树湾", "/help")])
    asyncio.run(_queue_for_homestead(workdir, "枫树湾", "明早八点开会",
                                     datetime(2026, 11, 6, 8, 0, tzinfo=SHANGHAI)))

    early = _replay(workdir, [{"tick": "2026-11-06T07:59:00"}])
    due = _replay(workdir, [{"tick": "2026-11-06T08:00:00"}])
    again = _replay(workdir, [{"tick": "2026-11-06T09:00:00"}])

    notice = {"chat": "枫树湾", "text": "明早八点开会", "buttons": []}
    assert notice not in early
    assert [message for message in due if message["text"] == "明早八点开会"] == [notice]
    assert notice not in again
    assert asyncio.run(_notice_status(workdir)) == [(CHANNEL, "sent", 1)]


def _homesteads(document: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(town["name"], village["name"], place["name"]): place
            for town in document["organisation"]
            for village in town["villages"]
            for place in village["homesteads"]}


def test_export_json_has_the_organisation_and_every_record_list(workdir: Path) -> None:
    result = _invoke("export", "--format", "json")

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    for key in ("meetings", "issues", "flags", "settlements"):
        assert isinstance(document[key], list), key
    places = _homesteads(document)
    assert set(places) == {
        ("金溪镇", "金竹村", "枫树湾"), ("金溪镇", "金竹村", "杨家湾"),
        ("金溪镇", "金竹村", "老屋场"), ("金溪镇", "丰收村", "老屋场"),
    }
    fengshu = places[("金溪镇", "金竹村", "枫树湾")]
    assert fengshu["households"] == 4
    assert fengshu["households_at_home"] == 3
    assert places[("金溪镇", "丰收村", "老屋场")]["households"] == 3
    assert places[("金溪镇", "金竹村", "老屋场")]["households"] == 1
    grids = {village["name"]: village["grid"] for town in document["organisation"]
             for village in town["villages"]}
    assert grids == {"金竹村": "东片网格", "丰收村": "西片网格"}


def test_export_to_a_file_writes_the_same_document(workdir: Path) -> None:
    printed = _invoke("export")
    written = _invoke("export", "--format", "json", "--output", str(workdir / "state.json"))

    assert written.exit_code == 0, written.output
    assert written.stdout == ""
    assert json.loads((workdir / "state.json").read_text(encoding="utf-8")) == json.loads(
        printed.stdout)


def test_export_xml_exits_2(workdir: Path) -> None:
    result = _invoke("export", "--format", "xml")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "xml" in result.stderr
    assert "Traceback" not in result.output
