"""``wuchang demo``: build the sample township in a SQLite file and play a scripted story."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from rich.console import Console

from bot.admin import import_roster_file
from bot.console import PRIVATE
from bot.replay import Line, Replayer
from bot.settings import Settings
from bot.wiring import build_app
from core.clock import ManualClock
from core.messages import Outgoing
from storage import events, invites, org

ROSTER = Path(__file__).with_name("roster.csv")
RULES = Path(__file__).with_name("wuchang.toml")
MARKER = "demo.built"
HEAD, RECORDER, VILLAGER, CADRE, OFFICIAL = "P0004", "P0006", "P0008", "P0181", "P0001"
ASSIGNEE = "P0002"
ELDER = "P0010"
HOMESTEAD = "枫树湾"
CHECK_INS = ("P0008", "P0017", "P0023", "P0027", "P0033")
RECORDED = "1*2 2*2 4*2 5*2 6 8*2 9 10 12*3 14 15*2 18*2 20*2 21 22 24*2 29 30*2 31 32*2 33"


class DemoRefused(Exception):
    """The demo would overwrite a database that is not a demo database."""


def _is_demo_database(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            found = connection.execute(
                "SELECT 1 FROM event WHERE kind = ? LIMIT 1", (MARKER,)).fetchone()
    except sqlite3.Error:
        return False
    return found is not None


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


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


async def run_demo(db_path: Path, settings: Settings) -> None:
    """Rebuild the demo database and print the story as a readable transcript."""
    if not _is_demo_database(db_path):
        raise DemoRefused(f"{db_path} 不是演示数据库，未覆盖。请用 --db 指定另一个文件。")
    _remove(db_path)
    console = Console(highlight=False)
    settings = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{db_path}",
                                           "rules_file": str(RULES)})
    start = datetime(2026, 11, 5, 19, 0, tzinfo=settings.zone)
    clock = ManualClock(start)
    app = await build_app(settings, clock)
    try:
        result = await import_roster_file(app, ROSTER)
        async with app.context.db.write() as connection:
            await events.append(connection, at=clock.now(), stream="demo", kind=MARKER,
                                payload={"roster": ROSTER.name})
            codes = {code: invite for code, _name, invite, _used in
                     await invites.listing(connection)}
            people = {person.code: person for person in await org.all_persons(connection)}
        console.rule("wuchang 演示：金溪镇")
        console.print(f"花名册：{len(result.created)} 人，数据库：{db_path}")

        def on_line(line: Line) -> None:
            stamp = app.context.local(clock.now()).strftime("%m-%d %H:%M")
            if line.is_tick:
                console.print(f"\n[dim]{stamp}  ⏰ 定时任务运行[/]")
                return
            person = people[line.person or ""]
            where = "私聊" if line.chat == PRIVATE else f"{line.chat}群"
            console.print(f"\n[dim]{stamp}[/]  [bold]{person.name}[/]（{person.role.label}）"
                          f"@{where}：[cyan]{line.text or '按 ' + (line.press or '')}[/]")

        def show(message: Outgoing, chat_name: str) -> None:
            target = (f"私聊 {people[message.chat_id].name}" if chat_name == PRIVATE
                      and message.chat_id in people else f"{chat_name}群")
            console.print(f"  [green]机器人 → {target}[/]")
            for text_line in message.text.splitlines():
                console.print(f"    {text_line}")
            if message.buttons:
                console.print("    " + "  ".join(f"[reverse] {label} [/]"
                                                for label in message.button_labels()))

        replayer = Replayer(app, clock, show, on_line=on_line)
        await replayer.run(script(codes, start))
        console.rule("演示结束")
        console.print(f"数据在 {db_path}。试试：wuchang chat --as {HEAD} --in {HOMESTEAD}"
                      f"（先设 WUCHANG_DATABASE_URL=sqlite+aiosqlite:///{db_path}）")
    finally:
        await app.close()
