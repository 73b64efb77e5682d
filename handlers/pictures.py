"""Every picture the product draws, as PNG bytes; presentation, so it lives with the handlers.

Today the grid's flag table: villages by categories, scores, red and yellow marks. Drawn
with Pillow and Noto Sans CJK SC from the noto-cjk-sans-otc package, which installs from
PyPI with the project, so a picture shows Chinese on any machine.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from importlib.resources import as_file, files

from PIL import Image, ImageDraw, ImageFont

from core import texts
from core.flags import ONSITE_CATEGORY, Flag, MonthResult, Placement

CJK_FONT = files("noto_cjk_sans_otc").joinpath("NotoSansCJK-Regular.ttc")
SIMPLIFIED_CHINESE = 2  # the face index of Noto Sans CJK SC in the collection
RED, YELLOW = (214, 40, 40), (245, 197, 24)
INK, GRID_LINE, HEADER_FILL = (30, 30, 30), (200, 200, 200), (240, 240, 240)
CELL_W, NAME_W, ROW_H, PAD = 118, 110, 40, 16


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
    height = PAD * 2 + ROW_H * (len(villages) + 2) + (ROW_H if footer else 0)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((PAD, PAD), title, font=_font(22), fill=INK)
    top = PAD + ROW_H
    draw.rectangle((PAD, top, width - PAD, top + ROW_H), fill=HEADER_FILL)
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
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def grid_pictures(categories: Sequence[str], result: MonthResult) -> dict[str, bytes]:
    """The flag table of each grid of a month, by grid, as published (F8)."""
    return {grid: render_grid(texts.GRID_PICTURE_TITLE.format(month=result.month, grid=grid),
                              categories,
                              [placement for placement in result.placements
                               if placement.grid == grid],
                              texts.GRID_PICTURE_FOOTER)
            for grid in sorted({found.grid for found in result.villages})}


def _centered(draw: ImageDraw.ImageDraw, x: int, y: int, width: int, text: str,
              font: ImageFont.FreeTypeFont, fill: object = INK) -> None:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text((x + (width - (right - left)) / 2, y + (ROW_H - (bottom - top)) / 2 - top), text,
              font=font, fill=fill)  # type: ignore[arg-type]
