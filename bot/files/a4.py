"""An A4 page of text lines, drawn with Pillow and saved as PNG or PDF from the same image.

Any printable document (the 公开栏 poster, a meeting record, a slip) can be a list of
``TextLine``: long lines wrap, and what does not fit on the page is replaced by one
note saying how much was left out. The page is 1240 × 1754 pixels (A4 at 150 dpi) in
Noto Sans CJK SC from the noto-cjk-sans-otc package the project ships, so it prints
Chinese on any machine; Pillow writes the PDF itself (one page holding the image at
150 dpi), so PNG and PDF come from one drawing and no second PDF mechanism is needed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from handlers.pictures import font

DPI = 150
A4 = (1240, 1754)  # 210 × 297 mm at 150 dpi
MARGIN = 90  # about 15 mm
RED, INK, GREY, WHITE = (183, 28, 28), (30, 30, 30), (110, 110, 110), (255, 255, 255)
FORMATS = {".png": "PNG", ".pdf": "PDF"}


class Style(Enum):
    """How a line looks: (font size in pixels, colour, red band behind it, space above)."""

    TITLE = (60, RED, False, 0)
    SUBTITLE = (28, GREY, False, 6)
    HEADING = (32, WHITE, True, 22)
    TEXT = (26, INK, False, 6)
    NOTE = (22, GREY, False, 2)


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of a page; ``indent`` in steps of two characters of its size."""

    text: str
    style: Style = Style.TEXT
    indent: int = 0


def wrap(text: str, face: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """``text`` cut into rows no wider than ``width`` pixels (Chinese breaks anywhere)."""
    rows, row = [], ""
    for character in text:
        if row and face.getlength(row + character) > width:
            rows.append(row)
            row = ""
        row += character
    return [*rows, row]


def a4_page(lines: Sequence[TextLine], *, footer: str = "",
            left_out: Callable[[int], str] = str) -> Image.Image:
    """The lines on one A4 page; ``left_out(n)`` is the note that n lines did not fit."""
    image = Image.new("RGB", A4, WHITE)
    draw = ImageDraw.Draw(image)
    bottom = A4[1] - MARGIN - (_height(Style.NOTE) * 2 if footer else 0)
    y = MARGIN
    for index, line in enumerate(lines):
        size, colour, band, space = line.style.value
        left = MARGIN + line.indent * size * 2
        rows = wrap(line.text, font(size), A4[0] - MARGIN - left - (16 if band else 0))
        needed = space + _height(line.style) * len(rows)
        last = index == len(lines) - 1
        if y + needed > (bottom if last else bottom - _height(Style.TEXT)):  # room for a note
            note = left_out(len(lines) - index)
            draw.text((MARGIN, y + 6), note, font=font(Style.TEXT.value[0]), fill=RED)
            break
        y += space
        for row in rows:
            if band:
                draw.rectangle((left, y, A4[0] - MARGIN, y + _height(line.style)), fill=RED)
            draw.text((left + (12 if band else 0), y + _height(line.style) / 2), row,
                      font=font(size), fill=colour, anchor="lm")
            y += _height(line.style)
    if footer:
        draw.line((MARGIN, bottom + 10, A4[0] - MARGIN, bottom + 10), fill=GREY)
        draw.text((MARGIN, bottom + 18), footer, font=font(Style.NOTE.value[0]), fill=GREY)
    return image


def _height(style: Style) -> int:
    return round(style.value[0] * 1.55)


def page_bytes(image: Image.Image, suffix: str) -> bytes:
    """The page as a PNG or a one-page PDF, by a file suffix (``.png`` or ``.pdf``)."""
    buffer = io.BytesIO()
    kind = FORMATS[suffix.lower()]
    if kind == "PDF":
        image.save(buffer, format="PDF", resolution=DPI)
    else:
        image.save(buffer, format="PNG", dpi=(DPI, DPI), optimize=True)
    return buffer.getvalue()


def save_page(image: Image.Image, path: Path) -> None:
    """Write the page to ``path`` as PNG or PDF, by its suffix."""
    path.write_bytes(page_bytes(image, path.suffix))
