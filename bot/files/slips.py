"""Invite slips to cut out and hand over: name, 屋场, invite code and a QR code, on A4.

Ten slips a page (two columns of five), grouped by village and 屋场 in the order
``storage.invites.slips`` gives, with dashed cut lines between them. Where the bot's
Telegram username is known, each slip carries a QR code of the deep link
``https://t.me/<bot>?start=CODE``: scanning it opens the bot with the code filled in.
Drawn with Pillow in the shipped CJK font and saved as one multi-page PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw

from bot.files.a4 import A4, DPI, GREY, INK, MARGIN, RED, WHITE, wrap
from core import texts
from handlers.pictures import font
from storage.invites import Slip

COLUMNS, ROWS = 2, 5
QR_SIZE = 200
DASH = 12


def deep_link(bot_username: str, code: str) -> str:
    """The Telegram link that opens the bot and sends /start CODE."""
    return f"https://t.me/{bot_username.removeprefix('@')}?start={code}"


def slip_pages(slips: Sequence[Slip], bot_username: str | None) -> list[Image.Image]:
    """The A4 pages of slips, ten a page."""
    per_page = COLUMNS * ROWS
    return [_page(slips[start:start + per_page], bot_username)
            for start in range(0, len(slips), per_page)] or [_page([], bot_username)]


def write_slips(slips: Sequence[Slip], bot_username: str | None, path: Path) -> int:
    """Write the slips as a PDF to ``path``; return how many pages it has."""
    pages = slip_pages(slips, bot_username)
    pages[0].save(path, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    return len(pages)


def _page(slips: Sequence[Slip], bot_username: str | None) -> Image.Image:
    image = Image.new("RGB", A4, WHITE)
    draw = ImageDraw.Draw(image)
    width = (A4[0] - 2 * MARGIN) // COLUMNS
    height = (A4[1] - 2 * MARGIN) // ROWS
    for index, slip in enumerate(slips):
        left = MARGIN + (index % COLUMNS) * width
        top = MARGIN + (index // COLUMNS) * height
        _slip(image, draw, slip, bot_username, (left, top, width, height))
    for column in range(COLUMNS + 1):  # cut lines
        _dashed(draw, (MARGIN + column * width, MARGIN), (MARGIN + column * width,
                                                          MARGIN + ROWS * height))
    for row in range(ROWS + 1):
        _dashed(draw, (MARGIN, MARGIN + row * height), (MARGIN + COLUMNS * width,
                                                        MARGIN + row * height))
    return image


def _slip(image: Image.Image, draw: ImageDraw.ImageDraw, slip: Slip,
          bot_username: str | None, box: tuple[int, int, int, int]) -> None:
    """One slip: 屋场 and name on the left, the code large, the QR code on the right."""
    left, top, width, height = box
    pad = 24
    text_width = width - 2 * pad - (QR_SIZE + pad if bot_username else 0)
    y = top + pad
    place = texts.SLIP_PLACE.format(village=slip.village, homestead=slip.homestead) \
        if slip.homestead else slip.village or texts.SLIP_NO_PLACE
    for face, colour, text in ((font(24), GREY, place), (font(36), INK, slip.name),
                               (font(22), GREY, texts.SLIP_CODE_LABEL),
                               (font(40), RED, slip.code),
                               (font(20), GREY, texts.SLIP_HOW.format(code=slip.code))):
        for row in (row for line in text.split("\n") for row in wrap(line, face, text_width)):
            draw.text((left + pad, y), row, font=face, fill=colour)
            y += int(face.size * 1.3)
    if bot_username:
        qr = qrcode.QRCode(border=2, box_size=8,
                           error_correction=qrcode.constants.ERROR_CORRECT_M)
        qr.add_data(deep_link(bot_username, slip.code))
        qr.make(fit=True)
        picture = qr.make_image(fill_color="black", back_color="white").get_image()
        picture = picture.convert("RGB").resize((QR_SIZE, QR_SIZE), Image.Resampling.NEAREST)
        image.paste(picture, (left + width - pad - QR_SIZE, top + (height - QR_SIZE) // 2))


def _dashed(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int]) -> None:
    """A dashed grey line along one axis: where to cut."""
    (x0, y0), (x1, y1) = start, end
    length = max(x1 - x0, y1 - y0)
    for offset in range(0, length, 2 * DASH):
        stop = min(offset + DASH, length)
        if x0 == x1:
            draw.line([(x0, y0 + offset), (x0, y0 + stop)], fill=GREY, width=2)
        else:
            draw.line([(x0 + offset, y0), (x0 + stop, y0)], fill=GREY, width=2)
