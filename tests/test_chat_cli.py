"""``wuchang chat``: a terminal conversation through the real handlers."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from tests.conftest import SMALL_ROSTER


def test_chat_as_a_head_in_a_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WUCHANG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/chat.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["roster", "import", str(SMALL_ROSTER)]).exit_code == 0
    result = runner.invoke(cli, ["chat", "--as", "H01", "--in", "枫树湾"],
                           input="/help\n/meeting 2099-01-01 19:30 村部 议题\n/fly\n")
    assert result.exit_code == 0, result.output
    assert "李勇（屋场长），你在这里可以用：" in result.output
    assert "只能安排一年以内的会议。" in result.output
    assert "没有“/fly”这个命令" in result.output


def test_chat_in_an_unknown_homestead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WUCHANG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/chat.db")
    result = CliRunner().invoke(cli, ["chat", "--as", "H01", "--in", "月球"], input="")
    assert "没有叫“月球”的屋场。" in result.output
