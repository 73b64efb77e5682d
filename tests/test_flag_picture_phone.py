"""The flag picture a phone can read (issue 21 item 8), checked by reading the picture back."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image, ImageDraw

from bot.wiring import App
from core import texts
from core.flags import ONSITE_CATEGORY, Flag, Placement
from core.messages import Outgoing
from core.supervision import Digest, Figures
from handlers.pictures import (
    BANNER,
    BODY_SIZE,
    DIGEST_WIDTHS,
    GRID_PAD,
    LAG_FILL,
    MIN_TEXT,
    MIN_WIDTH,
    NAME_W,
    Stamp,
    digest_picture,
    flags_given,
    render_grid,
)
from handlers.pictures import (
    font as cjk_font,
)
from tests.conftest import FakeBot, reviewed, texts_of
from tests.test_flag_picture import CATEGORIES

GRID = "东片网格"
LONG_NAME = "新寨乡高岭背上屋场联合村民委员会"
DARK = 128  # a pixel darker than this (as grey) is ink


def image_of(png: bytes) -> Image.Image:
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGB")


def ink_runs(image: Image.Image, left: int, right: int) -> list[tuple[int, int]]:
    """The bands of rows (top, bottom) with ink between columns ``left`` and ``right``."""
    grey = image.convert("L")
    runs: list[tuple[int, int]] = []
    start = None
    for y in range(image.height):
        inked = grey.crop((left, y, right, y + 1)).getextrema()[0] < DARK
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            runs.append((start, y))
            start = None
    if start is not None:
        runs.append((start, image.height))
    return runs


def ink_count(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    return sum(image.convert("L").crop(box).histogram()[:DARK])


def empty_row(name: str, categories: tuple[str, ...] = CATEGORIES) -> list[Placement]:
    """A village with no scores: its row holds nothing but its name."""
    return [Placement(name, GRID, category, None, None) for category in categories]


def test_at_least_1080_wide_with_text_of_32_px_or_more() -> None:
    for categories in (CATEGORIES[:1], CATEGORIES[:2], CATEGORIES):
        picture = image_of(render_grid("表", categories, empty_row("金竹村", categories)))
        assert picture.width >= MIN_WIDTH
        # In the name column: the title, the name, the footer; each line as tall as
        # Chinese characters of at least 32 px (their ink is about 0.9 of the size).
        runs = ink_runs(picture, GRID_PAD, GRID_PAD + NAME_W)
        assert len(runs) == 3
        assert min(bottom - top for top, bottom in runs) >= 0.85 * MIN_TEXT


def test_a_long_village_name_wraps_within_its_cell_and_loses_nothing() -> None:
    picture = image_of(render_grid("表", CATEGORIES, empty_row(LONG_NAME)))
    title, *name_lines, footer = ink_runs(picture, GRID_PAD, GRID_PAD + NAME_W)
    assert len(name_lines) >= 2  # wrapped
    top, bottom = name_lines[0][0], name_lines[-1][1]
    # Nothing of it spills into the next cells: the rest of its row is blank.
    assert ink_count(picture, (GRID_PAD + NAME_W, top, picture.width, bottom)) == 0
    # And nothing is cut: as much ink as the name drawn whole on one line.
    whole = Image.new("RGB", (BODY_SIZE * (len(LONG_NAME) + 2), BODY_SIZE * 2), "white")
    ImageDraw.Draw(whole).text((BODY_SIZE, BODY_SIZE // 3), LONG_NAME, font=cjk_font(BODY_SIZE),
                               fill=(30, 30, 30))
    drawn = ink_count(picture, (0, top, GRID_PAD + NAME_W, bottom))
    assert abs(drawn - ink_count(whole, (0, 0, whole.width, whole.height))) <= 0.02 * drawn
    assert title[1] < top and bottom < footer[0]


def test_a_correction_has_a_banner_and_every_version_its_stamp() -> None:
    rows = empty_row("金竹村")
    plain = image_of(render_grid("表", CATEGORIES, rows))
    first = image_of(render_grid("表", CATEGORIES, rows, stamp=Stamp(1, date(2026, 11, 5))))
    second = image_of(render_grid("表", CATEGORIES, rows,
                                  stamp=Stamp(2, date(2026, 11, 6), date(2026, 11, 4))))
    assert plain.height < first.height < second.height  # the stamp line, then the banner
    for picture in (plain, first):
        assert picture.getpixel((2, 2)) == (255, 255, 255)
        assert BANNER not in {colour for _, colour in picture.getcolors(1 << 20) or []}
    # The banner runs across the top; its text is drawn in white on it.
    assert all(second.getpixel((x, 4)) == BANNER for x in range(0, second.width, 7))
    banner_rows = [y for y in range(second.height) if second.getpixel((1, y)) == BANNER]
    band = second.crop((0, 0, second.width, max(banner_rows)))
    assert any(colour == (255, 255, 255) for _, colour in band.getcolors(1 << 20) or [])
    assert texts.GRID_PICTURE_STAMP.format(version=2, day="2026-11-06",
                                           meeting="（班子会 2026-11-04）") == \
        "第2版 · 2026-11-06 确认（班子会 2026-11-04）"


def test_the_footer_counts_the_flags_actually_given() -> None:
    given = [Placement("金竹村", GRID, CATEGORIES[0], 90, Flag.RED),
             Placement("石桥村", GRID, CATEGORIES[0], 80, Flag.RED),
             Placement("白沙村", GRID, CATEGORIES[0], 60, Flag.YELLOW),
             Placement("清水村", GRID, ONSITE_CATEGORY, None, Flag.RED)]
    assert flags_given(given) == "本月实发红旗2面、黄旗1面，另有现场会红旗1面。"
    assert flags_given(given[:1]) == "本月实发红旗1面、黄旗0面。"


async def test_confirm_publishes_pictures_stamped_and_a_correction_bannered(
        app: App, bot: FakeBot) -> None:
    month = "2026-10"
    for village in ("金竹村", "丰收村"):
        for category in CATEGORIES:
            await bot.say("T01", "private", f"/score {month} {village} {category} 80")
    await reviewed(app, month)

    def pictures(messages: list[Outgoing]) -> list[Image.Image]:
        return [image_of(message.image) for message in messages
                if message.chat_id == "T01" and message.image is not None]

    first = await bot.say("T01", "private", f"/confirm {month}")
    assert texts_of(first)[0] == texts.CONFIRMED.format(month=month, version=1)
    await bot.say("T01", "private", f"/score {month} 金竹村 {CATEGORIES[0]} 90")
    second = await bot.say("T01", "private", f"/confirm {month} 2026-11-04")
    assert texts_of(second)[0] == texts.CONFIRMED.format(month=month, version=2)
    assert len(pictures(first)) == len(pictures(second)) == 2  # one per grid
    for picture in pictures(first):
        assert picture.width >= MIN_WIDTH and picture.getpixel((2, 2)) == (255, 255, 255)
    for picture in pictures(second):
        assert picture.width >= MIN_WIDTH and picture.getpixel((2, 2)) == BANNER


def test_the_monthly_digest_is_drawn_for_a_phone_too() -> None:
    digest = Digest("2026-10", "金竹村", (("枫树湾", Figures(meetings=1, quorate=1)),
                                        ("杨家湾", Figures()), (LONG_NAME, Figures())),
                    lagging_rows=frozenset({"杨家湾"}))
    picture = image_of(digest_picture(digest))
    assert picture.width >= MIN_WIDTH
    assert LAG_FILL in {colour for _, colour in picture.getcolors(1 << 20) or []}
    title, _heading, first, second, *long_name, footer = ink_runs(
        picture, GRID_PAD, GRID_PAD + DIGEST_WIDTHS[0])
    assert len(long_name) >= 2  # wrapped in its cell
    assert min(bottom - top for top, bottom in (title, first, second, *long_name, footer)) \
        >= 0.85 * MIN_TEXT
