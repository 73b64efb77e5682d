"""The grid's flag table as a PNG picture with a CJK font."""

from __future__ import annotations

import io

from PIL import Image

from core import texts
from core.flags import ONSITE_CATEGORY, Flag, Placement
from handlers.pictures import RED, YELLOW, render_grid
from handlers.pictures import font as cjk_font

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CATEGORIES = ("党建引领发展", "和美家园建设", "整体协同智治", "文明新风培育", "美丽经济发展")
GRID = "东片网格"
NAMES = ("金竹村", "石桥村", "白沙村", "清水村", "青山村", "龙潭村", "柳溪村", "长冲村")


def placements(count: int, *, flags: bool = True) -> list[Placement]:
    """``count`` villages; with flags, the first is red and the last yellow everywhere."""
    found = []
    for index, name in enumerate(NAMES[:count]):
        flag = None
        if flags and index == 0:
            flag = Flag.RED
        elif flags and index == count - 1:
            flag = Flag.YELLOW
        found.extend(Placement(name, GRID, category, 90.5 - index, flag)
                     for category in CATEGORIES)
    return found


def picture(png: bytes) -> tuple[tuple[int, int], set[tuple[int, int, int]]]:
    """The size of a PNG and the colours it uses."""
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        rgb = image.convert("RGB")
        colours = {colour for _, colour in rgb.getcolors(maxcolors=1 << 20) or []}
        return image.size, colours


def test_render_grid_is_a_png_with_red_and_yellow_cells() -> None:
    png = render_grid(texts.GRID_PICTURE_TITLE.format(month="2026-10", grid=GRID), CATEGORIES,
                      placements(8), texts.GRID_PICTURE_FOOTER)
    size, colours = picture(png)
    assert RED in colours and YELLOW in colours
    plain_size, plain_colours = picture(render_grid("无旗", CATEGORIES, placements(8, flags=False)))
    assert RED not in plain_colours and YELLOW not in plain_colours
    assert plain_size[0] == size[0] and plain_size[1] < size[1]  # no footer row


def test_picture_grows_with_villages_and_columns() -> None:
    sizes = [picture(render_grid("表", CATEGORIES, placements(count)))[0] for count in (1, 2, 8)]
    assert sizes[0][0] == sizes[1][0] == sizes[2][0]
    assert sizes[0][1] < sizes[1][1] < sizes[2][1]
    fewer = picture(render_grid("表", CATEGORIES[:2], [
        p for p in placements(2) if p.category in CATEGORIES[:2]]))[0]
    assert fewer[0] < sizes[1][0] and fewer[1] == sizes[1][1]
    onsite = [*placements(2), Placement("石桥村", GRID, ONSITE_CATEGORY, None, Flag.RED)]
    wider = picture(render_grid("表", CATEGORIES, onsite))[0]
    assert wider[0] > sizes[1][0] and wider[1] == sizes[1][1]


def test_the_face_is_noto_sans_cjk_sc_and_draws_chinese() -> None:
    for size in (14, 16, 22):
        assert cjk_font(size).getname() == ("Noto Sans CJK SC", "Regular")
    font = cjk_font(16)
    # A font without these glyphs draws the same empty box for each name.
    first, second = font.getmask("金竹村"), font.getmask("丰收村")
    assert first.size[0] > 0 and first.size[1] > 0
    assert bytes(first) != bytes(second)
