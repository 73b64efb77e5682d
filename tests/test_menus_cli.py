"""Issue 21 item 6's small gaps: slips ask Telegram for the bot's name; help in Chinese."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest

from bench.fake_bot_api import TOKEN, FakeTelegram
from core import texts
from tests.conftest import SMALL_ROSTER, run_cli
from tests.test_telegram import fake

__all__ = ["fake"]  # the fixture, shared with the Telegram tests


async def test_slips_ask_telegram_for_the_bots_name_when_the_token_is_set(
        workdir: Path, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    import zxingcpp
    from pypdf import PdfReader

    assert (await asyncio.to_thread(run_cli, "roster", "import", str(SMALL_ROSTER))
            ).exit_code == 0
    invites = await asyncio.to_thread(run_cli, "roster", "invites")
    codes = {row[2] for row in list(csv.reader(io.StringIO(invites.stdout)))[1:]
             if row[3] == "丰收村"}
    monkeypatch.setenv("WUCHANG_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("WUCHANG_TELEGRAM_API_URL", fake.api_url)
    result = await asyncio.to_thread(run_cli, "roster", "slips", "--village", "丰收村",
                                     "-o", "邀请条.pdf")
    assert result.exit_code == 0, result.output
    assert fake.calls_of("getMe")
    decoded = [found.text for page in PdfReader(workdir / "邀请条.pdf").pages
               for found in zxingcpp.read_barcodes(page.images[0].image)]
    assert sorted(decoded) == sorted(f"https://t.me/wuchang_test_bot?start={code}"
                                     for code in codes)

    wrong = "987654321:AAwrongWrongWrongWrongWrongWrongWro"
    monkeypatch.setenv("WUCHANG_TELEGRAM_TOKEN", wrong)
    refused = await asyncio.to_thread(run_cli, "roster", "slips", "-o", "x.pdf")
    assert refused.exit_code == 1
    assert "--bot" in refused.output and wrong not in refused.output, refused.output


@pytest.mark.parametrize("command", [[], ["roster"], ["roster", "slips"], ["wecom", "menu"],
                                     ["init"]])
def test_the_help_option_reads_in_chinese(workdir: Path, command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.exit_code == 0, result.output
    assert texts.CLI_HELP_OPTION in result.output
    assert "Show this message" not in result.output
