"""Every picture the product draws, as PNG bytes; presentation, so it lives with the handlers.

The grid's flag table: villages by categories, scores, red and yellow marks (F8); the
monthly digest's table: one row of figures per 屋场 or village (S1). Drawn
with Pillow and Noto Sans CJK SC from the noto-cjk-sans-otc package, which installs from
PyPI with the project, so a picture shows Chinese on any machine.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib.resources import as_file, files

from PIL import Image, ImageDraw, ImageFont

from core import texts
from core.flags import ONSITE_CATEGORY, Flag, MonthResult, Placement, Scheme, grid_footer
from core.supervision import Digest, digest_row

CJK_FONT = files("noto_cjk_sans_otc").joinpath("NotoSansCJK-Regular.ttc")
SIMPLIFIED_CHINESE = 2  # the face index of Noto Sans CJK SC in the collection
RED, YELLOW = (214, 40, 40), (245, 197, 24)
INK, GRID_LINE, HEADER_FILL = (30, 30, 30), (200, 200, 200), (240, 240, 240)
CELL_W, NAME_W, ROW_H, PAD = 118, 110, 40, 16
DIGEST_WIDTHS = (150, 110, 80, 100, 210, 80)  # place, then each figure of the digest (S1)
LAG_FILL = (253, 236, 200)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    with as_file(CJK_FONT) as path:
        return ImageFont.truetype(str(path), size, index=SIMPLIFIED_CHINESE)


def render_grid(title: str, categories: Sequence[str], placements: Sequence[Placement],
                footer: str = "") -> bytes:
    """One grid's table for one month as PNG bytes."""
    villages = sorted({placement.village for placement in placements})
    columns = list(categories)
    if any(placement.category == ONSITE_CATEGORY for placement in placements):
        columns.append(ONSITE_CATEGORY)
    cells = {(placement.village, placement.category): placement for placement in placements}
    width = PAD * 2 + NAME_W + CELL_W * len(columns)
    image, draw = _canvas(title, width, len(villages), footer)
    top = PAD + ROW_H
    for index, column in enumerate(columns):
        _centered(draw, PAD + NAME_W + CELL_W * index, top, CELL_W, column, _font(15))
    for row, name in enumerate(villages, start=1):
        y = top + ROW_H * row
        _centered(draw, PAD, y, NAME_W, name, _font(17))
        for index, column in enumerate(columns):
            x = PAD + NAME_W + CELL_W * index
            placement = cells.get((name, column))
            if placement is None:
                continue
            if placement.flag is not None:
                draw.rectangle((x + 3, y + 3, x + CELL_W - 3, y + ROW_H - 3),
                               fill=RED if placement.flag is Flag.RED else YELLOW)
            label = "" if placement.score is None else f"{placement.score:g}"
            if placement.flag is not None:
                label = f"{placement.flag.label} {label}".strip()
            colour = "white" if placement.flag is Flag.RED else INK
            _centered(draw, x, y, CELL_W, label, _font(16), colour)
        draw.line((PAD, y, width - PAD, y), fill=GRID_LINE)
    bottom = top + ROW_H * (len(villages) + 1)
    draw.line((PAD, bottom, width - PAD, bottom), fill=GRID_LINE)
    if footer:
        draw.text((PAD, bottom + 10), footer, font=_font(14), fill=INK)
    return _png(image)


def grid_pictures(scheme: Scheme, result: MonthResult) -> dict[str, bytes]:
    """The flag table of each grid of a month, by grid, as published (F8).

    The footer states the places the grid actually gives (F3: a small grid gives fewer).
    """
    sizes = Counter(found.grid for found in result.villages)
    return {grid: render_grid(texts.GRID_PICTURE_TITLE.format(month=result.month, grid=grid),
                              scheme.categories,
                              [placement for placement in result.placements
                               if placement.grid == grid],
                              grid_footer(scheme, sizes[grid]))
            for grid in sorted(sizes)}


def render_table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]],
                 widths: Sequence[int], footer: str = "",
                 marked: frozenset[int] = frozenset()) -> bytes:
    """A plain table as PNG bytes, rows of ``marked`` indexes shaded: one a phone can read."""
    width = PAD * 2 + sum(widths)
    image, draw = _canvas(title, width, len(rows), footer)
    top = PAD + ROW_H
    for index, row in enumerate([header, *rows]):
        y = top + ROW_H * index
        if index - 1 in marked:
            draw.rectangle((PAD, y + 1, width - PAD, y + ROW_H - 1), fill=LAG_FILL)
        x = PAD
        for column, (cell, cell_width) in enumerate(zip(row, widths, strict=True)):
            size = 15 if index == 0 else 17 if column == 0 else 16
            _centered(draw, x, y, cell_width, cell, _font(size))
            x += cell_width
        draw.line((PAD, y + ROW_H, width - PAD, y + ROW_H), fill=GRID_LINE)
    if footer:
        draw.text((PAD, top + ROW_H * (len(rows) + 1) + 10), footer, font=_font(14), fill=INK)
    return _png(image)


def digest_picture(digest: Digest) -> bytes:
    """The monthly digest's table (S1): one row per 屋场 or village, lagging ones shaded."""
    header = list(texts.DIGEST_PICTURE_HEADER)
    if digest.by_village:
        header[0] = texts.DIGEST_PICTURE_VILLAGE
    rows = [digest_row(name, figures) for name, figures in digest.rows]
    marked = frozenset(index for index, (name, _) in enumerate(digest.rows)
                       if name in digest.lagging_rows)
    return render_table(texts.DIGEST_TITLE.format(place=digest.place, month=digest.month),
                        header, rows, DIGEST_WIDTHS, texts.DIGEST_PICTURE_FOOTER, marked)


def _canvas(title: str, width: int, rows: int,
            footer: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A white picture with its title and the header row's band, for ``rows`` rows below."""
    height = PAD * 2 + ROW_H * (rows + 2) + (ROW_H if footer else 0)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((PAD, PAD), title, font=_font(22), fill=INK)
    draw.rectangle((PAD, PAD + ROW_H, width - PAD, PAD + ROW_H * 2), fill=HEADER_FILL)
    return image, draw


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _centered(draw: ImageDraw.ImageDraw, x: int, y: int, width: int, text: str,
              font: ImageFont.FreeTypeFont, fill: object = INK) -> None:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text((x + (width - (right - left)) / 2, y + (ROW_H - (bottom - top)) / 2 - top), text,
              font=font, fill=fill)  # type: ignore[arg-type]
