"""Durable intake (issue 22 item 7): an update acknowledged is handled, once, after a kill -9.

``wuchang run`` is started as a subprocess with a Telegram webhook against the fake
Bot API; updates are posted, the process is killed with SIGKILL while it handles them,
and started again: every update is handled exactly once (its issue raised once).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bench.fake_bot_api import TOKEN, FakeTelegram, Json, private_chat, user
from bot.admin import import_roster_file
from bot.channels.telegram.channel import SECRET_HEADER, WEBHOOK_PATH
from bot.settings import Settings
from bot.wiring import build_app
from storage import chats, org
from storage.db import Database
from storage.schema import inbox, issue
from tests.conftest import SMALL_ROSTER, START

SECRET = "kill-test-secret"
# Telegram users of small-roster people, by roster code.
PEOPLE: dict[str, Json] = {"V01": user(601, "李平杰"), "V02": user(602, "李大娘"),
                           "H01": user(603, "李勇"), "V04": user(604, "杨小兰"),
                           "H02": user(605, "杨德胜"), "V05": user(606, "唐细妹")}


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def prepare(url: str, people: dict[str, Json] = PEOPLE) -> None:
    """Migrate the database, import the small roster and bind these Telegram accounts."""
    app = await build_app(Settings(database_url=url))
    try:
        await import_roster_file(app, SMALL_ROSTER)
        async with app.context.db.write() as connection:
            for code, account in people.items():
                person = await org.person_by_code(connection, code)
                assert person is not None
                await chats.bind_account(connection, "telegram", str(account["id"]), person.id,
                                         START)
    finally:
        await app.close()


def worker_env(url: str, fake: FakeTelegram, port: int, **extra: str) -> dict[str, str]:
    """The environment of a worker serving the Telegram webhook on ``port``."""
    return {**os.environ, "WUCHANG_DATABASE_URL": url, "WUCHANG_HTTP_PORT": str(port),
            "WUCHANG_TELEGRAM_TOKEN": TOKEN, "WUCHANG_TELEGRAM_API_URL": fake.api_url,
            "WUCHANG_TELEGRAM_WEBHOOK_URL": "https://wuchang.example.org/telegram/webhook",
            "WUCHANG_TELEGRAM_WEBHOOK_SECRET": SECRET, "NO_PROXY": "127.0.0.1",
            "no_proxy": "127.0.0.1", **extra}


async def spawn_worker(env: dict[str, str], cwd: Path, *command: str,
                       log: Path | None = None) -> asyncio.subprocess.Process:
    """Start a worker (``wuchang run`` unless told otherwise), its output to ``log`` or a pipe."""
    output = log.open("ab") if log is not None else asyncio.subprocess.PIPE
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable, *(command or ("-c", "from bot.cli import main; main()", "run")),
            cwd=cwd, env=env, stdout=output, stderr=asyncio.subprocess.STDOUT)
    finally:
        if log is not None:
            output.close()  # type: ignore[union-attr]


async def ready(process: asyncio.subprocess.Process, port: int, timeout: float = 90) -> None:
    """Wait until a worker's HTTP app answers (it starts after the channels and the jobs)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with httpx.AsyncClient() as client:
        while loop.time() < deadline:
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert process.returncode is None, "the worker stopped"
            await asyncio.sleep(0.1)
    raise AssertionError("the worker did not start")


@asynccontextmanager
async def stopped_at_the_end(*processes: asyncio.subprocess.Process,
                             ) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Kill whatever of these (and of those added to the list) still runs when the block ends."""
    running = list(processes)
    try:
        yield running
    finally:
        for process in running:
            if process.returncode is None:
                process.kill()
                await process.wait()


async def post_update(client: httpx.AsyncClient, port: int, update: Json) -> int:
    """Deliver one update to a worker's webhook as Telegram does; return the status."""
    response = await client.post(f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
                                 content=json.dumps(update), timeout=10,
                                 headers={SECRET_HEADER: SECRET,
                                          "Content-Type": "application/json"})
    return response.status_code


async def count(url: str, statement: object) -> int:
    """One number from the database, read while the workers run."""
    database = Database(url)
    try:
        async with database.read() as connection:
            return int(await connection.scalar(statement) or 0)  # type: ignore[call-overload]
    finally:
        await database.dispose()


async def wait_until(condition: object, timeout: float = 30) -> None:
    """Poll an async condition until it holds; fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():  # type: ignore[operator]
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.2)


async def titles(url: str) -> list[str]:
    """The titles of every issue raised, in order."""
    database = Database(url)
    try:
        async with database.read() as connection:
            return list(await connection.scalars(select(issue.c.title).order_by(issue.c.id)))
    finally:
        await database.dispose()


async def test_acknowledged_updates_are_handled_once_after_a_kill(
        tmp_path: Path) -> None:
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1"
    url = f"sqlite+aiosqlite:///{tmp_path / 'kill.db'}"
    await prepare(url)
    villager = PEOPLE["V01"]
    async with FakeTelegram.running() as fake:
        env = worker_env(url, fake, free_port())
        port = int(env["WUCHANG_HTTP_PORT"])
        async with stopped_at_the_end(await spawn_worker(env, tmp_path)) as processes:
            await ready(processes[0], port)
            # The villager's replies hang, so the first update is being handled (its issue
            # raised, the reply on its way) and the others wait their turn when the kill comes.
            held = fake.hold(villager["id"])
            async with httpx.AsyncClient() as client:
                for number in range(1, 21):
                    update = {"update_id": 1000 + number, **fake.message_update(
                        villager, private_chat(villager), f"/issue 路灯{number}号坏了")}
                    assert await post_update(client, port, update) == 200
            await wait_until(lambda: _issues_at_least(url, 1))
            processes[0].send_signal(signal.SIGKILL)
            await processes[0].wait()
            held.set()
            assert await count(url, select(func.count()).select_from(issue)) < 20
            processes.append(await spawn_worker(env, tmp_path))
            await ready(processes[-1], port)
            await wait_until(lambda: _all_handled(url))
    assert await titles(url) == [f"路灯{number}号坏了" for number in range(1, 21)]


async def _issues_at_least(url: str, number: int) -> bool:
    return await count(url, select(func.count()).select_from(issue)) >= number


async def _all_handled(url: str) -> bool:
    return await count(url, select(func.count()).select_from(inbox).where(
        inbox.c.status == "pending")) == 0 and await _issues_at_least(url, 20)
