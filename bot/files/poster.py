"""A village's month on one A4 page for the physical 公开栏 (rule P3): ``wuchang poster``.

The month's part of the board (``core.board.month_of``), in the same words as the web
page (``handlers.board``): meetings held with attendance and results, issues raised and
closed with satisfaction, the month's confirmed flags, and the notices of the month.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image

from bot.files.a4 import Style, TextLine, a4_page, save_page
from core import texts
from core.board import Board, find_villages, month_of
from handlers import board as words
from storage import board as boards
from storage.context import Context


class PosterRefused(Exception):
    """The poster cannot be made as asked; the message says why, in Chinese."""


async def month_board(context: Context, village: str, month: str,
                      sources: boards.Sources | None = None) -> Board:
    """The board of a village (``村`` or ``镇/村``) for one month, read in one transaction."""
    try:
        start = datetime.strptime(month, "%Y-%m").replace(tzinfo=context.timezone)
    except ValueError:
        raise PosterRefused(texts.MONTH_BAD.format(value=month)) from None
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    township, _, name = village.rpartition("/")
    async with context.db.read() as connection:
        villages = await boards.villages(connection)
        found = find_villages(villages, name, township or None)
        if not found:
            raise PosterRefused(texts.BOARD_VILLAGE_UNKNOWN.format(name=village))
        if len(found) > 1:
            raise PosterRefused(texts.BOARD_VILLAGE_AMBIGUOUS.format(
                name=name, choices="、".join(f"{one.township}/{one.name}" for one in found)))
        return await boards.board(connection, found[0], now=context.clock.now(), since=start,
                                  until=following, zone=context.timezone,
                                  sources=sources or boards.Sources())


def poster_lines(board: Board, month: str) -> list[TextLine]:
    """The lines of a board already cut to ``month`` (``month_of``), oldest first."""
    lines = [*_meetings(board), TextLine(texts.POSTER_RAISED, Style.HEADING)]
    raised = [found for found in reversed(board.issues) if f"{found.raised:%Y-%m}" == month]
    closed = [found for found in reversed(board.issues)
              if found.closed is not None and f"{found.closed:%Y-%m}" == month]
    for found in raised:
        lines += [TextLine(words.issue_title(found)),
                  TextLine(words.issue_meta(found), Style.NOTE, 1)]
    lines += [TextLine(texts.POSTER_NONE)] if not raised else []
    lines.append(TextLine(texts.POSTER_CLOSED, Style.HEADING))
    lines += [TextLine(texts.POSTER_CLOSED_ISSUE.format(
        number=found.number, title=found.title, homestead=found.homestead,
        rate=words.satisfaction(found))) for found in closed] or [TextLine(texts.POSTER_NONE)]
    lines.append(TextLine(texts.POSTER_FLAGS, Style.HEADING))
    for settlement in board.settlements:
        lines += [TextLine(line) for line in words.settlement_lines(settlement, board.flags)]
    lines += [TextLine(texts.POSTER_NO_FLAGS)] if not board.settlements else []
    lines.append(TextLine(texts.POSTER_NOTICES, Style.HEADING))
    for notice in reversed(board.notices):
        kind = f"{notice.kind}·{texts.BOARD_PUBLICITY}" if notice.publicity else notice.kind
        lines += [TextLine(f"【{kind}】{notice.text}"),
                  TextLine(words.notice_meta(notice), Style.NOTE, 1),
                  *(TextLine(line, Style.NOTE, 1) for line in words.objection_lines(notice))]
    lines += [TextLine(texts.POSTER_NONE)] if not board.notices else []
    return lines


def _meetings(board: Board) -> list[TextLine]:
    lines = [TextLine(texts.POSTER_MEETINGS, Style.HEADING)]
    for meeting in reversed(board.meetings):
        lines.append(TextLine(words.meeting_title(meeting)))
        attendance = words.attendance_line(meeting)
        if attendance is not None:
            lines.append(TextLine(attendance, Style.NOTE, 1))
        lines += [TextLine(words.motion_line(number, motion), Style.NOTE, 1)
                  for number, motion in enumerate(meeting.motions, start=1)]
        lines += [TextLine(words.decision_line(found), Style.NOTE, 1)
                  for found in board.decisions if found.meeting == meeting.number]
    return lines if len(lines) > 1 else [*lines, TextLine(texts.POSTER_NO_MEETINGS)]


def draw_poster(board: Board, month: str) -> Image.Image:
    """The poster of ``month`` (YYYY-MM) from a board that covers at least that month."""
    year, number = (int(part) for part in month.split("-"))
    shown = month_of(board, month)
    header = [TextLine(texts.POSTER_TITLE.format(village=board.village), Style.TITLE),
              TextLine(texts.POSTER_MONTH.format(year=year, month=number,
                                                 township=board.township, grid=board.grid),
                       Style.SUBTITLE)]
    return a4_page([*header, *poster_lines(shown, month)],
                   footer=texts.POSTER_FOOTER.format(when=words.when(board.at)),
                   left_out=lambda count: texts.POSTER_MORE.format(count=count))


def write_poster(board: Board, month: str, path: Path) -> None:
    """Draw the poster and save it as PNG or PDF, by the suffix of ``path``."""
    save_page(draw_poster(board, month), path)
