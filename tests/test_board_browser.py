"""The public notice board in a real browser: headless Chromium reads ``/public/{村}``.

Chromium is Debian's package (``.ci/run`` installs it). Without it the test skips and
says why, except under CI (``CI=true``), where a missing browser is a failure. The
browser is given the CJK font the project ships (through its own fontconfig file), so
the screenshot shows Chinese as a person sees it, not empty boxes.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image

from bench.loopback import serving_app
from bot.admin import import_roster_file
from bot.http import build_http_app
from bot.settings import Settings
from bot.wiring import build_app
from core import texts
from core.clock import ManualClock
from tests.conftest import SMALL_ROSTER, START, FakeBot
from tests.test_board import SCRIPT_TITLE, story

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync")
PHONE = "--window-size=412,915"
RED_HEADER = (183, 28, 28)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "no chromium on this machine (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the browser test")
        pytest.skip(reason)
    return found


class _Page(HTMLParser):
    """What a person sees of a DOM: its text, and which elements it has."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._hidden += tag in ("style", "script", "title")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "script", "title")

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.text.append(data.strip())


async def _browse(chromium: str, tmp_path: Path, url: str, *action: str) -> bytes:
    """Run Chromium once on ``url`` with the shipped CJK font; return what it printed."""
    fonts = tmp_path / "fonts.conf"
    fonts.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{files('noto_cjk_sans_otc')}</dir><cachedir>{tmp_path / 'fonts'}</cachedir>"
        "</fontconfig>", encoding="utf-8")
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    process = await asyncio.create_subprocess_exec(
        chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *action, url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "FONTCONFIG_FILE": str(fonts), "NO_PROXY": "127.0.0.1"})
    try:
        output, errors = await asyncio.wait_for(process.communicate(), timeout=120)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, errors.decode(errors="replace")[-2000:]
    return output


async def test_a_person_reads_the_board_in_chromium(sqlite_url: str, tmp_path: Path) -> None:
    chromium = _chromium()
    clock = ManualClock(START)
    app = await build_app(Settings(database_url=sqlite_url), clock)
    try:
        await import_roster_file(app, SMALL_ROSTER)
        bot = FakeBot(app, clock)
        await bot.start(set())
        await story(bot)
        async with serving_app(build_http_app(app)) as port:
            url = f"http://127.0.0.1:{port}/public/{quote('金竹村')}"
            dom = (await _browse(chromium, tmp_path, url, "--dump-dom")).decode()
            shot = tmp_path / "board.png"
            await _browse(chromium, tmp_path, url, f"--screenshot={shot}", PHONE)
    finally:
        await app.close()

    page = _Page()
    page.feed(dom)
    seen = "\n".join(page.text)
    for expected in ("金竹村公开栏", "金溪镇 · 东片网格", texts.BOARD_ISSUES,
                     f"1号 {SCRIPT_TITLE}", "到会3户，须到会3户，达到法定户数",
                     "1. 每户出资100元修路：通过（赞成4/反对0/弃权0）", texts.BOARD_NO_NOTICES):
        assert expected in seen
    assert "script" not in page.tags  # the title's <script> is text, not an element
    assert "李平杰" not in seen
    picture = Image.open(shot).convert("RGB")
    assert picture.width == 412
    found = picture.getcolors(maxcolors=1 << 20)
    assert found is not None and len(found) > 20
    assert picture.getpixel((5, 5)) == RED_HEADER
