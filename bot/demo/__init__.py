"""``wuchang demo``: build the sample township in a SQLite file and play a scripted story."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path

from rich.console import Console

from bot.admin import import_roster_file
from bot.channels.console import PRIVATE
from bot.demo import story
from bot.files.scores import import_scores
from bot.replay import Line, Replayer
from bot.settings import Settings
from bot.wiring import build_app
from core.clock import ManualClock
from core.messages import Outgoing
from storage import events, invites, org

ROSTER = Path(__file__).with_name("roster.csv")
RULES = Path(__file__).with_name("wuchang.toml")
MARKER = "demo.built"


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


async def run_demo(db_path: Path, settings: Settings) -> None:
    """Rebuild the demo database and print the story as a readable transcript."""
    if not _is_demo_database(db_path):
        raise DemoRefused(f"{db_path} 不是演示数据库，未覆盖。请用 --db 指定另一个文件。")
    _remove(db_path)
    pictures = db_path.with_name(f"{db_path.stem}-图片")
    shutil.rmtree(pictures, ignore_errors=True)
    console = Console(highlight=False)
    settings = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{db_path}",
                                           "rules_file": str(RULES)})
    start = datetime(2026, 11, 5, 19, 0, tzinfo=settings.zone)
    clock = ManualClock(start)
    app = await build_app(settings, clock)
    try:
        result = await import_roster_file(app, ROSTER)
        with tempfile.TemporaryDirectory() as folder:
            scores = Path(folder) / "评分.csv"
            story.write_scores(scores, app.context.rules.scheme)
            imported = await import_scores(app, scores)
        async with app.context.db.write() as connection:
            await events.append(connection, at=clock.now(), stream="demo", kind=MARKER,
                                payload={"roster": ROSTER.name})
            codes = {code: invite for code, _name, invite, _used in
                     await invites.listing(connection)}
            people = {person.code: person for person in await org.all_persons(connection)}
        lines = [*story.script(codes, start), *story.flags_story(start)]
        watched = {line.person for line in lines if line.person} | {story.CADRE}
        console.rule("wuchang 演示：金溪镇")
        console.print(f"花名册 {len(result.created)} 人；9、10月评分 {imported} 项（表格导入）；"
                      f"数据库 {db_path}")
        hidden = 0

        def on_line(line: Line) -> None:
            nonlocal hidden
            if hidden:
                console.print(f"  [dim]（另有 {hidden} 条消息发往其他屋场群和个人）[/]")
                hidden = 0
            stamp = app.context.local(clock.now()).strftime("%m-%d %H:%M")
            if line.is_tick:
                console.print(f"\n[dim]{stamp}  ⏰ 定时任务运行[/]")
                return
            person = people[line.person or ""]
            where = "私聊" if line.chat == PRIVATE else f"{line.chat}群"
            console.print(f"\n[dim]{stamp}[/]  [bold]{person.name}[/]（{person.role.label}）"
                          f"@{where}：[cyan]{line.text or '按 ' + (line.press or '')}[/]")

        def show(message: Outgoing, chat_name: str) -> None:
            nonlocal hidden
            private = chat_name == PRIVATE
            if (private and message.chat_id not in watched) or (
                    not private and chat_name != story.HOMESTEAD):
                hidden += 1
                return
            target = f"私聊 {people[message.chat_id].name}" if private else f"{chat_name}群"
            console.print(f"  [green]机器人 → {target}[/]")
            for text_line in message.text.splitlines():
                console.print(f"    {text_line}")
            if message.image is not None:
                pictures.mkdir(exist_ok=True)
                saved = pictures / f"{len(list(pictures.iterdir())) + 1:02d}.png"
                saved.write_bytes(message.image)
                console.print(f"    [magenta][图片 {saved}][/]")
            if message.buttons:
                console.print("    " + "  ".join(f"[reverse] {label} [/]"
                                                for label in message.button_labels()))

        replayer = Replayer(app, clock, show, on_line=on_line)
        await replayer.run(lines)
        on_line(Line(0, None))
        console.rule("演示结束")
        console.print(f"数据在 {db_path}，图片在 {pictures}。"
                      f"试试：wuchang chat --as {story.HEAD} --in {story.HOMESTEAD}")
    finally:
        await app.close()
