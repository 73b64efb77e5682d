"""The public notice board (公开栏, rule P3) as HTML: for a phone, and for A4 when printed.

Server-rendered, no JavaScript. Every text that comes from data passes through ``_e``
(``html.escape``), so a title holding ``<script>`` is shown as text, never run.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from urllib.parse import quote

from core import texts
from core.board import Board, BoardIssue, BoardMeeting, BoardNotice, VillageRef, board_path
from handlers import board as words

STYLE = """
body{margin:0;background:#f4efe8;color:#1e1e1e;line-height:1.6;font-size:17px;
font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
main{max-width:760px;margin:0 auto;padding-bottom:16px}
header{background:#b71c1c;color:#fff;padding:14px 16px}
header h1{margin:0;font-size:1.4em}header p{margin:2px 0 0;opacity:.9;font-size:.9em}
nav{padding:8px 16px}a{color:#b71c1c}
section{background:#fff;margin:10px;padding:4px 14px 10px;border-radius:8px}
h2{color:#b71c1c;border-bottom:2px solid #b71c1c;font-size:1.15em;margin:8px 0 4px}
h3{font-size:1em;margin:6px 0 0}
.item{border-top:1px solid #eee;padding:6px 0}.item:first-of-type{border-top:0}
.meta{color:#555;font-size:.88em;margin:0}p{margin:2px 0}ul{margin:2px 0;padding-left:1.3em}
.tag{display:inline-block;padding:0 6px;border-radius:4px;background:#eee;font-size:.85em}
.red{background:#d62828;color:#fff}.late{color:#b71c1c;font-weight:bold}
footer{color:#666;font-size:.8em;padding:0 16px}
@media print{@page{size:A4;margin:12mm}body{background:#fff;font-size:10.5pt}
header{background:none;color:#000;border-bottom:3px solid #b71c1c;padding:0 0 4pt}
section{margin:0 0 6pt;padding:0}.item{break-inside:avoid}nav{display:none}
a{color:inherit;text-decoration:none}}
"""


def _e(value: object) -> str:
    return escape(str(value))


def page(title: str, body: str, subtitle: str = "") -> str:
    """A whole HTML page around ``body`` (already HTML); ``title`` and ``subtitle`` are text."""
    sub = f"<p>{_e(subtitle)}</p>" if subtitle else ""
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main>"
            f"<header><h1>{_e(title)}</h1>{sub}</header>{body}</main></body></html>")


def _section(heading: str, items: Iterable[str], empty: str) -> str:
    inner = "".join(items) or f"<p class=meta>{_e(empty)}</p>"
    return f"<section><h2>{_e(heading)}</h2>{inner}</section>"


def _links(villages: list[VillageRef], chosen: list[VillageRef]) -> str:
    return "<ul>" + "".join(
        f'<li><a href="/public/{quote(board_path(found, villages))}">'
        f"{_e(found.township)} {_e(found.name)}</a>（{_e(found.grid)}）</li>"
        for found in chosen) + "</ul>"


def render_index(villages: list[VillageRef]) -> str:
    """``/public/``: every village, township by township."""
    groups: dict[str, list[VillageRef]] = {}
    for found in villages:
        groups.setdefault(found.township, []).append(found)
    body = "".join(f"<section><h2>{_e(name)}</h2>{_links(villages, members)}</section>"
                   for name, members in groups.items())
    return page(texts.BOARD_INDEX_TITLE, body or _section("", [], texts.BOARD_INDEX_EMPTY),
                texts.BOARD_INDEX_INTRO)


def render_missing(name: str, villages: list[VillageRef], chosen: list[VillageRef]) -> str:
    """The page of an unknown village, or of a name several townships share (with links)."""
    if chosen:
        body = f"<section><p>{_e(texts.BOARD_AMBIGUOUS.format(name=name))}</p>" \
               f"{_links(villages, chosen)}</section>"
    else:
        body = f"<section><p>{_e(texts.BOARD_MISSING.format(name=name))}</p></section>"
    return page(texts.BOARD_NOT_FOUND_TITLE, _back() + body)


def _back() -> str:
    return f'<nav><a href="/public/">{_e(texts.BOARD_BACK)}</a></nav>'


def render_board(board: Board) -> str:
    """``/public/{村}``: the village's whole board."""
    decisions = ""
    if board.decisions:
        decisions = _section(texts.BOARD_DECISIONS, (
            f"<div class=item><p>{_e(words.decision_line(found))}</p></div>"
            for found in board.decisions), "")
    body = "".join((
        _back(),
        _section(texts.BOARD_NOTICES, map(_notice, board.notices), texts.BOARD_NO_NOTICES),
        _section(texts.BOARD_ISSUES, map(_issue, board.issues), texts.BOARD_NO_ISSUES),
        _section(texts.BOARD_MEETINGS, map(_meeting, board.meetings), texts.BOARD_NO_MEETINGS),
        decisions,
        _section(texts.BOARD_FLAGS, (
            f"<div class=item><h3>{_e(words.settlement_heading(settlement))}</h3>"
            + "".join(f"<p>{_e(line)}</p>"
                      for line in words.settlement_lines(settlement, board.flags))
            + "</div>" for settlement in board.settlements), texts.BOARD_NO_FLAGS),
        f"<footer><p>{_e(texts.BOARD_UPDATED.format(when=words.when(board.at)))}。"
        f"{_e(texts.BOARD_FOOTER)}</p></footer>"))
    return page(texts.BOARD_TITLE.format(village=board.village), body,
                texts.BOARD_PLACE.format(township=board.township, grid=board.grid))


def _notice(notice: BoardNotice) -> str:
    tag = f"<span class=tag>{_e(notice.kind)}</span>"
    if notice.publicity:
        tag += f" <span class='tag red'>{_e(texts.BOARD_PUBLICITY)}</span>"
    objections = "".join(f"<li>{_e(line)}</li>" for line in words.objection_lines(notice))
    return (f"<div class=item><p>{tag} {_e(notice.text)}</p>"
            f"<p class=meta>{_e(words.notice_meta(notice))}</p>"
            + (f"<ul>{objections}</ul>" if objections else "") + "</div>")


def _issue(found: BoardIssue) -> str:
    late = " late" if found.overdue else ""
    return (f"<div class=item><h3>{_e(words.issue_title(found))}</h3>"
            f"<p class='meta{late}'>{_e(words.issue_meta(found))}</p></div>")


def _meeting(found: BoardMeeting) -> str:
    meta = f"<span class=tag>{_e(found.state.label)}</span>"
    attendance = words.attendance_line(found)
    if attendance is not None:
        meta += f" {_e(attendance)}"
    motions = "".join(f"<li>{_e(words.motion_line(number, motion))}</li>"
                      for number, motion in enumerate(found.motions, start=1))
    return (f"<div class=item><h3>{_e(words.meeting_title(found))}</h3>"
            f"<p class=meta>{meta}</p>" + (f"<ul>{motions}</ul>" if motions else "") + "</div>")
