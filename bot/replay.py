"""``wuchang replay``: drive the real handlers through the console channel from a script."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.channels.console import PRIVATE, ConsoleChannel
from bot.settings import Settings
from bot.wiring import App, build_app
from core.clock import ManualClock, SystemClock
from core.messages import Outgoing
from schedules.jobs import run_all
from storage import org

logger = logging.getLogger(__name__)


class ScriptError(ValueError):
    """A script line is malformed; the message names the line."""


@dataclass(frozen=True, slots=True)
class Line:
    """One validated script line: a message, a button press or a tick."""

    number: int
    at: datetime | None
    person: str | None = None
    chat: str | None = None
    text: str | None = None
    press: str | None = None

    @property
    def is_tick(self) -> bool:
        """Whether the line only moves the clock."""
        return self.person is None


def parse_script(lines: Iterable[str], zone: ZoneInfo) -> list[Line]:
    """Read a JSONL script; naive times are local (``WUCHANG_TIMEZONE``)."""
    parsed: list[Line] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ScriptError(f"line {number}: not JSON ({error.msg})") from None
        if not isinstance(data, dict):
            raise ScriptError(f"line {number}: expected a JSON object")
        if "tick" in data:
            parsed.append(Line(number, _moment(data["tick"], number, zone)))
            continue
        at = _moment(data["at"], number, zone) if "at" in data else None
        person, chat = data.get("from"), data.get("chat")
        text, press = data.get("text"), data.get("press")
        if not isinstance(person, str) or not isinstance(chat, str):
            raise ScriptError(f"line {number}: needs \"from\" and \"chat\" strings")
        if (text is None) == (press is None) or not isinstance(text or press, str):
            raise ScriptError(f"line {number}: needs exactly one of \"text\" or \"press\"")
        parsed.append(Line(number, at, person, chat, text, press))
    return parsed


def _moment(value: object, number: int, zone: ZoneInfo) -> datetime:
    if not isinstance(value, str):
        raise ScriptError(f"line {number}: time must be an ISO-8601 string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ScriptError(f"line {number}: {value!r} is not an ISO-8601 time") from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def message_json(message: Outgoing, chat_name: str) -> dict[str, object]:
    """The JSON line replay prints for one outgoing message."""
    line: dict[str, object] = {"chat": chat_name, "text": message.text,
                               "buttons": message.button_labels()}
    if chat_name == PRIVATE:
        line["to"] = message.chat_id
    if message.image is not None:
        line["image"] = True
    if message.toast:
        line["toast"] = True
    if message.edit:
        line["edit"] = True
    return line


class Replayer:
    """Runs script lines one after another against a wired app on a manual clock."""

    def __init__(self, app: App, clock: ManualClock, printer: Callable[[Outgoing, str], None],
                 on_line: Callable[[Line], None] | None = None,
                 on_error: Callable[[Line, str], None] | None = None) -> None:
        self.app = app
        self.clock = clock
        self.console = ConsoleChannel(app.context, printer)
        self.on_line = on_line or (lambda line: None)
        self.on_error = on_error or (lambda line, message: logger.warning(
            "line %d: %s", line.number, message))
        app.add_channel(self.console)

    async def prepare(self, script: list[Line]) -> None:
        """Bind the console accounts and groups the script does not bind itself."""
        await self.console.start()
        starters = {line.person for line in script
                    if line.person and (line.text or "").strip().startswith("/start")}
        bound_by_script: set[int] = set()
        async with self.app.context.db.read() as connection:
            for line in script:
                if line.chat and line.chat != PRIVATE \
                        and (line.text or "").strip().startswith("/bind"):
                    bound_by_script.update(
                        homestead.id for homestead in await org.homesteads_named(
                            connection, line.chat))
        await self.console.bind_everyone({code for code in starters if code}, bound_by_script)

    async def run(self, script: list[Line]) -> None:
        """Play every line of a script, after binding what the script does not bind itself."""
        await self.prepare(script)
        for line in script:
            await self.step(line)

    async def step(self, line: Line) -> None:
        """Play one line: set the clock, then deliver the message or run the due jobs."""
        if line.at is not None:
            self.clock.set(line.at)
        self.on_line(line)
        if line.is_tick:
            await run_all(self.app.context, self.app.jobs)
            return
        assert line.person is not None and line.chat is not None
        try:
            incoming = await self.console.incoming(line.person, line.chat, text=line.text,
                                                   press=line.press)
        except LookupError as error:
            self.on_error(line, str(error))
            return
        for reply in await self.app.answer(incoming):
            await self.console.send(reply)
        await self.app.dispatcher.drain()


async def play(settings: Settings, script: list[Line],
               emit: Callable[[dict[str, object]], None]) -> None:
    """Replay a script against the configured database, emitting one dict per message."""
    start = next((line.at for line in script if line.at is not None), None)
    clock = ManualClock(start or SystemClock().now())
    app = await build_app(settings, clock)
    try:
        replayer = Replayer(app, clock, lambda message, chat: emit(message_json(message, chat)),
                            on_error=lambda line, problem: logger.error(
                                "script line %d: %s", line.number, problem))
        await replayer.run(script)
    finally:
        await app.close()
