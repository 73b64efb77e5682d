"""The demo's story: binding, a meeting, an issue's whole life and two months of flags."""

from __future__ import annotations

import csv
import random
from datetime import datetime
from pathlib import Path

from bot.channels.console import PRIVATE
from bot.replay import Line
from core.flags import Scheme

HEAD, RECORDER, VILLAGER, CADRE, OFFICIAL = "P0004", "P0006", "P0008", "P0181", "P0001"
REVIEWER = "P0002"  # an official who entered no score reviews the draft (rule F10)
ASSIGNEE = "P0002"
ELDER = "P0010"
HOMESTEAD = "枫树湾"
CHECK_INS = ("P0008", "P0017", "P0023", "P0027", "P0033")
RECORDED = "1*2 2*2 4*2 5*2 6 8*2 9 10 12*3 14 15*2 18*2 20*2 21 22 24*2 29 30*2 31 32*2 33"
VILLAGES = ("金竹村", "清水村", "杨柳村", "石桥村", "丰收村", "长冲村", "新塘村", "白沙村")
LEFT_FOR_CHAT = ("2026-10", "金竹村", "美丽经济发展")


def write_scores(path: Path, scheme: Scheme) -> None:
    """September and October scores for every village, but one left for the chat."""
    rng = random.Random(2026)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["月份", "村", *scheme.categories])
        for month in ("2026-09", "2026-10"):
            for village in VILLAGES:
                cells = []
                for category in scheme.categories:
                    left = (month, village, category) == LEFT_FOR_CHAT
                    # 白沙村 and 丰收村 struggle both months, so consequences show.
                    low = 60 if village in ("白沙村", "丰收村") else 72
                    cells.append("" if left else f"{rng.uniform(low, 98):.1f}")
                writer.writerow([month, village, *cells])


def script(codes: dict[str, str], start: datetime) -> list[Line]:
    """The demo story: binding, then a whole deliberation meeting in 枫树湾."""
    def at(day: int, hour: int, minute: int) -> datetime:
        return start.replace(day=day, hour=hour, minute=minute)

    def say(moment: datetime, person: str, chat: str, text: str) -> Line:
        return Line(0, moment, person, chat, text)

    def press(moment: datetime, person: str, label: str) -> Line:
        return Line(0, moment, person, HOMESTEAD, press=label)

    meeting_day = start.day + 1
    return [
        # Binding accounts and the 屋场 group.
        say(at(start.day, 19, 0), HEAD, PRIVATE, f"/start {codes[HEAD]}"),
        say(at(start.day, 19, 1), HEAD, HOMESTEAD, f"/bind {codes[HEAD]}"),
        say(at(start.day, 19, 5), VILLAGER, PRIVATE, "/start 12345678"),
        say(at(start.day, 19, 6), VILLAGER, PRIVATE, f"/start {codes[VILLAGER].lower()}"),
        say(at(start.day, 19, 7), VILLAGER, HOMESTEAD, "/help"),
        say(at(start.day, 19, 8), VILLAGER, HOMESTEAD, f"/bind {codes[HEAD]}"),
        say(at(start.day, 19, 10), CADRE, HOMESTEAD, "/help"),
        # The head schedules the monthly meeting; it falls in the busy season (rule M2).
        say(at(start.day, 20, 0), HEAD, HOMESTEAD, "/meeting 2026-10-30 19:30 晒谷坪 修路"),
        say(at(start.day, 20, 1), HEAD, HOMESTEAD,
            f"/meeting 2026-11-{meeting_day:02d} 19:30 晒谷坪 屋场主路硬化和垃圾清运"),
        press(at(start.day, 20, 2), HEAD, "确认安排"),
        Line(0, at(meeting_day, 18, 30)),
        # The meeting: check-in by button, the rest recorded by household (rule M3).
        say(at(meeting_day, 19, 30), HEAD, HOMESTEAD, "/open"),
        *[press(at(meeting_day, 19, 31), person, "签到") for person in CHECK_INS],
        say(at(meeting_day, 19, 40), RECORDER, HOMESTEAD, f"/attend {RECORDED}"),
        # A motion, votes by button, then the show of hands replaces them (rule M4).
        say(at(meeting_day, 19, 45), HEAD, HOMESTEAD, "/motion 硬化屋场主路，每户出工2天"),
        press(at(meeting_day, 19, 46), VILLAGER, "赞成"),
        press(at(meeting_day, 19, 46), ELDER, "赞成"),
        say(at(meeting_day, 19, 50), RECORDER, HOMESTEAD, "/tally 33 4 2"),
        say(at(meeting_day, 19, 51), HEAD, HOMESTEAD, "/close"),
        say(at(meeting_day, 20, 0), HEAD, HOMESTEAD, "/motion 垃圾清运费每户每月10元"),
        say(at(meeting_day, 20, 5), RECORDER, HOMESTEAD, "/tally 28 4 3"),
        say(at(meeting_day, 20, 6), HEAD, HOMESTEAD, "/close"),
        say(at(meeting_day, 20, 10), RECORDER, HOMESTEAD,
            "/minutes 李兵贵：垃圾费可以少收点，老人户负担重。"),
        say(at(meeting_day, 20, 20), VILLAGER, HOMESTEAD, "/issue 屋场主路有三盏路灯不亮"),
        press(at(meeting_day, 20, 21), VILLAGER, "设施管护"),
        say(at(meeting_day, 20, 30), HEAD, HOMESTEAD, "/end"),
        # The problem ledger: up to the village, past its deadline to the township (I3).
        say(at(meeting_day, 20, 35), HEAD, HOMESTEAD, "/escalate 1 需要村里出钱买灯"),
        Line(0, at(meeting_day + 7, 9, 0)),
        Line(0, at(meeting_day + 8, 0, 10)),
        say(at(meeting_day + 8, 9, 0), OFFICIAL, PRIVATE, "/assign 1 城建办 P0002 2026-11-20"),
        say(at(meeting_day + 9, 16, 0), ASSIGNEE, PRIVATE, "/solve 1 已换三盏新灯"),
        # Villagers rate it: below 60%, it may not be closed and goes back (I6).
        *[press(at(meeting_day + 9, 18, 0), person, choice) for person, choice in
          (("P0008", "不满意"), ("P0017", "不满意"), ("P0023", "满意"))],
        Line(0, at(meeting_day + 12, 17, 0)),
        say(at(meeting_day + 13, 10, 0), ASSIGNEE, PRIVATE, "/solve 1 又加一盏，线路重新拉过"),
        *[press(at(meeting_day + 13, 19, 0), person, choice) for person, choice in
          (("P0008", "满意"), ("P0017", "基本满意"), ("P0023", "满意"), ("P0027", "不满意"),
           ("P0033", "满意"))],
        Line(0, at(meeting_day + 16, 11, 0)),
        say(at(meeting_day + 16, 12, 0), ELDER, HOMESTEAD, "/status 1"),
    ]


def flags_story(start: datetime) -> list[Line]:
    """Two months of flags: an on-site meeting, a veto, a refusal, a correction."""
    def say(day: int, hour: int, text: str, who: str = OFFICIAL) -> Line:
        return Line(0, start.replace(day=day, hour=hour, minute=0), who, PRIVATE, text)

    return [
        say(23, 9, "/onsite 2026-09 石桥村"),
        say(23, 9, "/review 2026-09", REVIEWER),
        say(23, 10, "/confirm 2026-09"),
        say(23, 11, "/veto 2026-10 白沙村 发生较大安全生产责任事故"),
        say(23, 12, "/confirm 2026-10"),
        say(23, 13, "/score 2026-10 金竹村 美丽经济发展 88"),
        say(23, 14, "/flags 2026-10"),
        say(23, 14, "/review 2026-10", REVIEWER),
        say(23, 15, "/confirm 2026-10"),
        say(24, 9, "/score 2026-10 清水村 文明新风培育 96"),
        say(24, 10, "/confirm 2026-10"),
    ]
