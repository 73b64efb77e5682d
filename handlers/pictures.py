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
from dataclasses import dataclass
from datetime import date
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
ROW_H, PAD = 40, 16  # the digest's table (S1)
# The grid's flag picture, for a phone (issue 21 item 8): at least MIN_WIDTH wide, no
# text under MIN_TEXT px; cells widen to fill the width, names and headings wrap.
MIN_WIDTH, MIN_TEXT, BODY_SIZE, TITLE_SIZE = 1080, 32, 34, 44
CELL_W, NAME_W, GRID_PAD, CELL_PAD, LINE_SPACING = 216, 280, 32, 12, 1.4
BANNER, BANNER_INK = (214, 40, 40), (255, 255, 255)
DIGEST_WIDTHS = (150, 110, 80, 100, 210, 80)  # place, then each figure of the digest (S1)
LAG_FILL = (253, 236, 200)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    with as_file(CJK_FONT) as path:
        return ImageFont.truetype(str(path), size, index=SIMPLIFIED_CHINESE)


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a confirmed grid picture states of itself: its version and when it was confirmed.

    ``meeting`` is the day of the township meeting (班子会) that decided it, if given (F10).
    """

    version: int
    confirmed: date
    meeting: date | None = None


def render_grid(title: str, categories: Sequence[str], placements: Sequence[Placement],
                footer: str = "", stamp: Stamp | None = None) -> bytes:
    """One grid's table for one month as PNG bytes, for a phone: wide, large, wrapped text.

    At least ``MIN_WIDTH`` wide with no text under ``MIN_TEXT`` px; a name or heading too
    long for its cell wraps to more lines and its row grows, so nothing is cut off. A
    confirmed picture (``stamp``) states its version and day, a correction with a banner.
    """
    villages = sorted({placement.village for placement in placements})
    columns = list(categories)
    if any(placement.category == ONSITE_CATEGORY for placement in placements):
        columns.append(ONSITE_CATEGORY)
    cells = {(placement.village, placement.category): placement for placement in placements}
    cell_w = max(CELL_W, -(-(MIN_WIDTH - GRID_PAD * 2 - NAME_W) // max(len(columns), 1)))
    width = GRID_PAD * 2 + NAME_W + cell_w * len(columns)
    inner = width - GRID_PAD * 2
    body, small = _font(BODY_SIZE), _font(MIN_TEXT)
    header = [_wrap(column, small, cell_w - CELL_PAD * 2) for column in columns]
    names = [_wrap(name, body, NAME_W - CELL_PAD * 2) for name in villages]
    labels = [[_wrap(_cell_label(cells.get((name, column))), body, cell_w - CELL_PAD * 2)
               for column in columns] for name in villages]
    big = _font(TITLE_SIZE)
    blocks: list[tuple[list[str], ImageFont.FreeTypeFont, bool]] = []  # lines, font, banner
    if stamp is not None and stamp.version > 1:  # a correction says so before anything
        blocks.append((_wrap(texts.GRID_PICTURE_CORRECTION.format(
            version=stamp.version, previous=stamp.version - 1), big, inner), big, True))
    blocks.append((_wrap(title, big, inner), big, False))
    if stamp is not None:
        blocks.append((_wrap(_stamp_text(stamp), small, inner), small, False))
    footer_lines = [line for part in (footer, flags_given(placements)) if part
                    for line in _wrap(part, small, inner)]
    header_h = _rows_height(max(map(len, header), default=1), MIN_TEXT)
    row_heights = [_rows_height(max([len(name), *map(len, row)]), BODY_SIZE)
                   for name, row in zip(names, labels, strict=True)]
    top_h = sum(_rows_height(len(lines), int(font.size)) for lines, font, _ in blocks)
    height = (GRID_PAD + top_h + header_h + sum(row_heights) + GRID_PAD
              + (_rows_height(len(footer_lines), MIN_TEXT) if footer_lines else 0))
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    y = GRID_PAD
    for lines, font, banner in blocks:
        block_h = _rows_height(len(lines), int(font.size))
        if banner:
            draw.rectangle((0, y - GRID_PAD, width, y + block_h), fill=BANNER)
        _lines(draw, GRID_PAD, y, lines, font, BANNER_INK if banner else INK)
        y += block_h
    draw.rectangle((GRID_PAD, y, width - GRID_PAD, y + header_h), fill=HEADER_FILL)
    for index, lines in enumerate(header):
        _cell(draw, GRID_PAD + NAME_W + cell_w * index, y, cell_w, header_h, lines, small)
    y += header_h
    for village, name, row, row_h in zip(villages, names, labels, row_heights, strict=True):
        _cell(draw, GRID_PAD, y, NAME_W, row_h, name, body)
        for index, (column, lines) in enumerate(zip(columns, row, strict=True)):
            x = GRID_PAD + NAME_W + cell_w * index
            placement = cells.get((village, column))
            if placement is not None and placement.flag is not None:
                draw.rectangle((x + 3, y + 3, x + cell_w - 3, y + row_h - 3),
                               fill=RED if placement.flag is Flag.RED else YELLOW)
            colour = "white" if placement is not None and placement.flag is Flag.RED else INK
            _cell(draw, x, y, cell_w, row_h, lines, body, colour)
        y += row_h
        draw.line((GRID_PAD, y, width - GRID_PAD, y), fill=GRID_LINE)
    if footer_lines:
        _lines(draw, GRID_PAD, y, footer_lines, small, INK)
    return _png(image)


def grid_pictures(scheme: Scheme, result: MonthResult,
                  stamp: Stamp | None = None) -> dict[str, bytes]:
    """The flag table of each grid of a month, by grid, as published (F8).

    The footer states the places the grid gives (F3: a small grid gives fewer) and the
    flags it actually gave; ``stamp`` is the confirmed version the pictures belong to.
    """
    sizes = Counter(found.grid for found in result.villages)
    return {grid: render_grid(texts.GRID_PICTURE_TITLE.format(month=result.month, grid=grid),
                              scheme.categories,
                              [placement for placement in result.placements
                               if placement.grid == grid],
                              grid_footer(scheme, sizes[grid]), stamp)
            for grid in sorted(sizes)}


def _cell_label(placement: Placement | None) -> str:
    if placement is None:
        return ""
    label = "" if placement.score is None else f"{placement.score:g}"
    if placement.flag is not None:
        label = f"{placement.flag.label} {label}".strip()
    return label


def _stamp_text(stamp: Stamp) -> str:
    meeting = (texts.GRID_PICTURE_MEETING.format(day=stamp.meeting.isoformat())
               if stamp.meeting is not None else "")
    return texts.GRID_PICTURE_STAMP.format(version=stamp.version,
                                           day=stamp.confirmed.isoformat(), meeting=meeting)


def flags_given(placements: Sequence[Placement]) -> str:
    """The flags a grid actually gave, counted: the second line of its picture's footer."""
    reds = sum(1 for p in placements if p.flag is Flag.RED and p.category != ONSITE_CATEGORY)
    yellows = sum(1 for p in placements if p.flag is Flag.YELLOW)
    onsite = sum(1 for p in placements if p.category == ONSITE_CATEGORY and p.flag is Flag.RED)
    return texts.GRID_PICTURE_GIVEN.format(
        reds=reds, yellows=yellows,
        onsite=texts.GRID_PICTURE_GIVEN_ONSITE.format(count=onsite) if onsite else "")


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """``text`` in lines no wider than ``width`` at ``font``, broken between characters."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for character in paragraph:
            if line and font.getlength(line + character) > width:
                lines.append(line)
                line = character.lstrip()
            else:
                line += character
        lines.append(line)
    return lines


def _line_height(size: int) -> int:
    return round(size * LINE_SPACING)


def _rows_height(lines: int, size: int) -> int:
    """The height of a cell or block of ``lines`` lines of text of ``size`` px."""
    return lines * _line_height(size) + CELL_PAD * 2


def _lines(draw: ImageDraw.ImageDraw, x: int, y: int, lines: Sequence[str],
           font: ImageFont.FreeTypeFont, fill: object) -> None:
    """Lines of text from the top left corner ``x``, ``y`` (after the cell's padding)."""
    step = _line_height(int(font.size))
    for number, line in enumerate(lines):
        draw.text((x, y + CELL_PAD + step * number), line, font=font,
                  fill=fill)  # type: ignore[arg-type]


def _cell(draw: ImageDraw.ImageDraw, x: int, y: int, width: int, height: int,
          lines: Sequence[str], font: ImageFont.FreeTypeFont, fill: object = INK) -> None:
    """Lines of text centred in a cell, each line centred across it."""
    step = _line_height(int(font.size))
    top = y + (height - step * len(lines)) / 2
    for number, line in enumerate(lines):
        line_w = font.getlength(line)
        draw.text((x + (width - line_w) / 2, top + step * number), line, font=font,
                  fill=fill)  # type: ignore[arg-type]


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
    """PNG bytes at zlib's default level, quick to save.

    optimize=True took five times as long on a phone-sized flag picture for 3% fewer
    bytes, and a city draws 120 grids at once (the benchmark).
    """
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _centered(draw: ImageDraw.ImageDraw, x: int, y: int, width: int, text: str,
              font: ImageFont.FreeTypeFont, fill: object = INK) -> None:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text((x + (width - (right - left)) / 2, y + (ROW_H - (bottom - top)) / 2 - top), text,
              font=font, fill=fill)  # type: ignore[arg-type]
