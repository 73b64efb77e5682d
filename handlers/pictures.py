"""Every picture the product draws, as PNG bytes; presentation, so it lives with the handlers.

The grid's flag table: villages by categories, scores, red and yellow marks (F8); the
monthly digest's table: one row of figures per 屋场 or village (S1). Drawn
with Pillow and Noto Sans CJK SC from the noto-cjk-sans-otc package, which installs from
PyPI with the project, so a picture shows Chinese on any machine. Both are drawn for a
phone (issue 21 item 8): at least ``MIN_WIDTH`` wide, no text under ``MIN_TEXT`` px, and
a text too long for its cell wraps to more lines, its row growing, so nothing is cut off.
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
Colour = tuple[int, int, int]
RED, YELLOW = (214, 40, 40), (245, 197, 24)
INK, GRID_LINE, HEADER_FILL = (30, 30, 30), (200, 200, 200), (240, 240, 240)
WHITE, BANNER, LAG_FILL = (255, 255, 255), (214, 40, 40), (253, 236, 200)
MIN_WIDTH, MIN_TEXT, BODY_SIZE, TITLE_SIZE = 1080, 32, 34, 44
CELL_W, NAME_W, GRID_PAD, CELL_PAD, LINE_SPACING = 216, 280, 32, 12, 1.4
# The digest's columns: the place, then each figure of the digest (S1).
DIGEST_WIDTHS = (250, 200, 160, 190, 300, 160)


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    """Noto Sans CJK SC at ``size`` pixels: every picture and page the bot draws."""
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


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a picture's table: its text, and a background and ink other than plain."""

    text: str
    fill: Colour | None = None
    ink: Colour = INK


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph above the table: the title, a stamp, a banner (white on red, full width)."""

    text: str
    size: int
    banner: bool = False


def render_grid(title: str, categories: Sequence[str], placements: Sequence[Placement],
                footer: str = "", stamp: Stamp | None = None) -> bytes:
    """One grid's table for one month as PNG bytes: villages by categories, flags in colour.

    A confirmed picture (``stamp``) states its version and day, a correction (version 2
    on) under a 【更正】 banner; the footer adds the flags the grid actually gave.
    """
    villages = sorted({placement.village for placement in placements})
    columns = list(categories)
    if any(placement.category == ONSITE_CATEGORY for placement in placements):
        columns.append(ONSITE_CATEGORY)
    found = {(placement.village, placement.category): placement for placement in placements}
    cell_w = max(CELL_W, -(-(MIN_WIDTH - GRID_PAD * 2 - NAME_W) // max(len(columns), 1)))
    blocks = [Block(title, TITLE_SIZE)]
    if stamp is not None:
        blocks.append(Block(_stamp_text(stamp), MIN_TEXT))
        if stamp.version > 1:  # a correction says so before anything else
            blocks.insert(0, Block(texts.GRID_PICTURE_CORRECTION.format(
                version=stamp.version, previous=stamp.version - 1), TITLE_SIZE, banner=True))
    rows = [[Cell(name), *(_flag_cell(found.get((name, column))) for column in columns)]
            for name in villages]
    return _table(blocks, [NAME_W, *[cell_w] * len(columns)], ["", *columns], rows,
                  [footer, flags_given(placements)])


def _flag_cell(placement: Placement | None) -> Cell:
    """A village's score in a category, on red (white ink) or yellow where it got a flag."""
    if placement is None:
        return Cell("")
    label = "" if placement.score is None else f"{placement.score:g}"
    if placement.flag is None:
        return Cell(label)
    return Cell(f"{placement.flag.label} {label}".strip(),
                RED if placement.flag is Flag.RED else YELLOW,
                WHITE if placement.flag is Flag.RED else INK)


def _table(blocks: Sequence[Block], widths: Sequence[int], header: Sequence[str],
           rows: Sequence[Sequence[Cell]], footer: Sequence[str],
           shaded: frozenset[int] = frozenset()) -> bytes:
    """Blocks of text, a table with its header and the footer's lines, as a phone's PNG.

    Columns keep their ``widths`` (the caller makes them fill ``MIN_WIDTH``); each cell's
    text wraps within its column and each row is as tall as its tallest cell. Rows of
    the ``shaded`` indexes are drawn on ``LAG_FILL``.
    """
    width = GRID_PAD * 2 + sum(widths)
    inner = width - GRID_PAD * 2
    body, small = font(BODY_SIZE), font(MIN_TEXT)
    wrapped = [(_wrap(block.text, font(block.size), inner), block) for block in blocks]
    heading = [_wrap(text, small, column - CELL_PAD * 2)
               for text, column in zip(header, widths, strict=True)]
    cells = [[_wrap(cell.text, body, column - CELL_PAD * 2)
              for cell, column in zip(row, widths, strict=True)] for row in rows]
    notes = [line for part in footer if part for line in _wrap(part, small, inner)]
    header_h = _rows_height(max(map(len, heading), default=1), MIN_TEXT)
    heights = [_rows_height(max(map(len, row), default=1), BODY_SIZE) for row in cells]
    top_h = sum(_rows_height(len(lines), block.size) for lines, block in wrapped)
    height = (GRID_PAD * 2 + top_h + header_h + sum(heights)
              + (_rows_height(len(notes), MIN_TEXT) if notes else 0))
    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    y = GRID_PAD
    for lines, block in wrapped:
        block_h = _rows_height(len(lines), block.size)
        if block.banner:
            draw.rectangle((0, y - GRID_PAD, width, y + block_h), fill=BANNER)
        _lines(draw, GRID_PAD, y, lines, font(block.size), WHITE if block.banner else INK)
        y += block_h
    draw.rectangle((GRID_PAD, y, width - GRID_PAD, y + header_h), fill=HEADER_FILL)
    x = GRID_PAD
    for lines, column in zip(heading, widths, strict=True):
        _cell(draw, x, y, column, header_h, lines, small)
        x += column
    y += header_h
    for index, (row, texts_of_row, row_h) in enumerate(zip(rows, cells, heights, strict=True)):
        if index in shaded:
            draw.rectangle((GRID_PAD, y + 1, width - GRID_PAD, y + row_h - 1), fill=LAG_FILL)
        x = GRID_PAD
        for cell, lines, column in zip(row, texts_of_row, widths, strict=True):
            if cell.fill is not None:
                draw.rectangle((x + 3, y + 3, x + column - 3, y + row_h - 3), fill=cell.fill)
            _cell(draw, x, y, column, row_h, lines, body, cell.ink)
            x += column
        y += row_h
        draw.line((GRID_PAD, y, width - GRID_PAD, y), fill=GRID_LINE)
    if notes:
        _lines(draw, GRID_PAD, y, notes, small, INK)
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
           font: ImageFont.FreeTypeFont, fill: Colour) -> None:
    """Lines of text from the top left corner ``x``, ``y`` (after the cell's padding)."""
    step = _line_height(int(font.size))
    for number, line in enumerate(lines):
        draw.text((x, y + CELL_PAD + step * number), line, font=font, fill=fill)


def _cell(draw: ImageDraw.ImageDraw, x: int, y: int, width: int, height: int,
          lines: Sequence[str], font: ImageFont.FreeTypeFont, fill: Colour = INK) -> None:
    """Lines of text centred in a cell, each line centred across it."""
    step = _line_height(int(font.size))
    top = y + (height - step * len(lines)) / 2
    for number, line in enumerate(lines):
        line_w = font.getlength(line)
        draw.text((x + (width - line_w) / 2, top + step * number), line, font=font, fill=fill)


def digest_picture(digest: Digest) -> bytes:
    """The monthly digest's table (S1): one row per 屋场 or village, lagging ones shaded."""
    header = list(texts.DIGEST_PICTURE_HEADER)
    if digest.by_village:
        header[0] = texts.DIGEST_PICTURE_VILLAGE
    rows = [[Cell(text) for text in digest_row(name, figures)] for name, figures in digest.rows]
    shaded = frozenset(index for index, (name, _) in enumerate(digest.rows)
                       if name in digest.lagging_rows)
    return _table([Block(texts.DIGEST_TITLE.format(place=digest.place, month=digest.month),
                         TITLE_SIZE)], DIGEST_WIDTHS, header, rows,
                  [texts.DIGEST_PICTURE_FOOTER], shaded)


def _png(image: Image.Image) -> bytes:
    """PNG bytes at zlib's default level, quick to save.

    optimize=True took five times as long on a phone-sized flag picture for 3% fewer
    bytes, and a city draws 120 grids at once (the benchmark).
    """
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()
