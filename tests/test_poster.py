"""The A4 poster of a village's month (rule P3): its lines, the page, PNG and PDF, the CLI."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bot.admin import import_roster_file
from bot.files.a4 import A4, Style, TextLine, a4_page
from bot.files.poster import PosterRefused, month_board, poster_lines, write_poster
from bot.wiring import App
from core import texts
from core.board import month_of
from tests.conftest import SHANGHAI, SMALL_ROSTER, FakeBot, run_cli
from tests.test_board import EXTRA_TOWNSHIP, SCRIPT_TITLE, confirm_october, story

DECEMBER = datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)


def colours(image: Image.Image) -> int:
    """How many different colours a picture has (a blank page has one)."""
    found = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert found is not None
    return len(found)


def read_png(path: Path) -> Image.Image:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(data))


def read_pdf(path: Path) -> PdfReader:
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (
        210, 297)  # A4 in millimetres
    return reader


async def test_poster_of_a_month(app: App, bot: FakeBot, tmp_path: Path) -> None:
    await story(bot)
    await confirm_october(app)
    bot.clock.set(DECEMBER)

    board = await month_board(app.context, "金竹村", "2026-11")
    lines = [line.text for line in poster_lines(month_of(board, "2026-11"), "2026-11")]

    assert lines == [
        texts.POSTER_MEETINGS,
        "2026年11月6日（周五）19:30 枫树湾：讨论修路",
        "到会3户，须到会3户，达到法定户数",
        "1. 每户出资100元修路：通过（赞成4/反对0/弃权0）",
        "1号决议（枫树湾）：每户出资100元修路（落实中）",  # wired from the decisions (M9)
        texts.POSTER_RAISED, f"1号 {SCRIPT_TITLE}", "枫树湾｜设施管护｜在屋场｜待处理",
        texts.POSTER_CLOSED, texts.POSTER_NONE,
        texts.POSTER_FLAGS, texts.POSTER_NO_FLAGS,
        texts.POSTER_NOTICES, texts.POSTER_NONE]
    october = await month_board(app.context, "金溪镇/金竹村", "2026-10")
    flag_lines = [line.text for line in poster_lines(month_of(october, "2026-10"), "2026-10")]
    assert flag_lines[flag_lines.index(texts.POSTER_FLAGS) + 1:][:3] == [
        "红旗：党建引领发展；黄旗：无", texts.MONEY_REWARD.format(amount=1000),
        "各项得分：党建引领发展91.5"]
    assert flag_lines[1] == texts.POSTER_NO_MEETINGS

    write_poster(board, "2026-11", tmp_path / "poster.png")
    write_poster(board, "2026-11", tmp_path / "poster.pdf")
    picture = read_png(tmp_path / "poster.png")
    assert picture.size == A4
    assert colours(picture) > 20
    read_pdf(tmp_path / "poster.pdf")


async def test_poster_refusals(app: App, tmp_path: Path) -> None:
    with pytest.raises(PosterRefused, match=texts.BOARD_VILLAGE_UNKNOWN.format(name="无此村")):
        await month_board(app.context, "无此村", "2026-11")
    with pytest.raises(PosterRefused, match=texts.MONTH_BAD.format(value="11月")):
        await month_board(app.context, "金竹村", "11月")
    with pytest.raises(PosterRefused, match=texts.BOARD_VILLAGE_UNKNOWN.format(
            name="银山镇/金竹村")):
        await month_board(app.context, "银山镇/金竹村", "2026-11")
    extra = tmp_path / "extra.csv"
    extra.write_text(EXTRA_TOWNSHIP, encoding="utf-8")
    await import_roster_file(app, extra)
    with pytest.raises(PosterRefused) as refused:
        await month_board(app.context, "金竹村", "2026-11")
    assert str(refused.value) == texts.BOARD_VILLAGE_AMBIGUOUS.format(
        name="金竹村", choices="金溪镇/金竹村、银山镇/金竹村")
    assert (await month_board(app.context, "银山镇/金竹村", "2026-11")).township == "银山镇"


def test_a_page_too_full_says_how_much_was_left_out() -> None:
    told: list[int] = []

    def left_out(count: int) -> str:
        told.append(count)
        return f"还有{count}行"

    a4_page([TextLine(f"第{number}行", Style.TEXT) for number in range(100)], left_out=left_out)
    (count,) = told
    assert 40 < count < 100
    a4_page([TextLine("标题", Style.TITLE), TextLine("一行")], left_out=left_out)
    assert told == [count]


def test_a_long_line_wraps_inside_the_page() -> None:
    page = a4_page([TextLine("长" * 400)])
    right_margin = page.crop((A4[0] - 80, 0, A4[0], A4[1]))

    assert colours(page) > 2
    assert colours(right_margin) == 1


@pytest.fixture
def workdir(workdir: Path) -> Path:
    """The CLI's working directory, the small roster imported."""
    assert run_cli("roster", "import", str(SMALL_ROSTER)).exit_code == 0
    return workdir


def test_poster_command_writes_png_or_pdf_by_suffix(workdir: Path) -> None:
    for name in ("公开栏.png", "公开栏.PDF"):
        result = run_cli("poster", "丰收村", "--month", "2026-11", "-o", name)
        assert result.exit_code == 0, result.output
        assert result.stdout == texts.POSTER_WRITTEN.format(
            village="丰收村", month="2026-11", path=name) + "\n"
    assert read_png(workdir / "公开栏.png").size == A4
    assert colours(read_png(workdir / "公开栏.png")) > 20
    read_pdf(workdir / "公开栏.PDF")
    # A month typed without its leading zero is the same month, not an empty poster.
    short = run_cli("poster", "丰收村", "--month", "2026-3", "-o", "三月.png")
    assert short.exit_code == 0 and "2026-03" in short.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("丰收村", "--month", "2026-11", "-o", "p.txt"), texts.POSTER_BAD_SUFFIX),
    (("丰收村", "--month", "2026/11", "-o", "p.pdf"), texts.MONTH_BAD.format(value="2026/11")),
    (("无此村", "--month", "2026-11", "-o", "p.pdf"),
     texts.BOARD_VILLAGE_UNKNOWN.format(name="无此村")),
])
def test_poster_command_refusals(workdir: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli("poster", *args)

    assert result.exit_code == 2
    assert result.stderr == message + "\n"
    assert not (workdir / "p.pdf").exists() and not (workdir / "p.txt").exists()
