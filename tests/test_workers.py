"""Several ``wuchang run`` workers on one PostgreSQL database (issue 22 item 13).

Three workers (subprocesses, ``tests/worker.py``: ``serve`` with short intervals) share
one database and the fake Bot API and WeCom servers; a burst of Telegram updates and
WeCom callbacks is spread over them, one is killed with SIGKILL half-way and started
again, and a meeting reminder falls due meanwhile. Every update is handled once,
every job runs once per due time, every push arrives, in order per chat.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bench.fake_bot_api import FakeTelegram, group_chat, private_chat
from bot.settings import Settings
from bot.wiring import build_app
from core import texts
from core.messages import ChatKind, Outgoing
from handlers import binding
from storage import chats, meetings, org, outbox
from storage.db import Database
from storage.schema import inbox, issue, job_claim, job_run
from storage.schema import outbox as outbox_table
from tests.conftest import POSTGRES, START, _fresh_postgres
from tests.fake_wecom import (
    AES_KEY,
    AGENT_ID,
    CORP_ID,
    SECRET,
    TOKEN,
    FakeWeCom,
    WeComPeer,
    serving,
)
from tests.test_intake import (
    PEOPLE,
    count,
    free_port,
    post_update,
    prepare,
    ready,
    spawn_worker,
    stopped_at_the_end,
    titles,
    wait_until,
    worker_env,
)

pytestmark = pytest.mark.skipif(not POSTGRES, reason="no PostgreSQL on 127.0.0.1:5432")

ROOT = Path(__file__).parents[1]
WECOM_USERS = {"V01": "lipingjie", "H02": "yangds"}
MAPLE = group_chat(-4001, "枫树湾议事群")
PUSHES = 20  # per person


async def _setup(url: str, fake: FakeTelegram) -> None:
    """Roster, accounts, 枫树湾's group, a meeting an hour and 8 s away, and a push backlog."""
    await prepare(url)
    app = await build_app(Settings(database_url=url))
    now = datetime.now(UTC)
    try:
        async with app.context.db.write() as connection:
            for code, user_id in WECOM_USERS.items():
                person = await org.person_by_code(connection, code)
                assert person is not None
                await chats.bind_account(connection, "wecom", user_id, person.id, START)
            homestead = (await org.homesteads_named(connection, "枫树湾"))[0]
            head = await org.person_by_code(connection, "H01")
            assert head is not None
            await meetings.create(connection, homestead_id=homestead.id,
                                  starts_at=now + timedelta(hours=1, seconds=8), place="晒谷坪",
                                  topic="修路", status=meetings.SCHEDULED, created_by=head.id,
                                  now=now)
            for number in range(PUSHES):
                for account in PEOPLE.values():
                    chat_id = str(account["id"])
                    await outbox.enqueue(connection, key=f"push:{chat_id}:{number}",
                                         channel="telegram", now=now, message=Outgoing(
                                             chat_id=chat_id, text=f"推送{number}",
                                             chat_kind=ChatKind.PRIVATE))
        await binding.bind_group_by_admin(app.context, "telegram", homestead,
                                          str(MAPLE["id"]), str(MAPLE["id"]), "group")
    finally:
        await app.close()
    fake.know(MAPLE)
    for account in PEOPLE.values():
        fake.know(private_chat(account))


def _pushes(fake: FakeTelegram, chat_id: int) -> list[str]:
    """The pushes a chat received in order, a repeat straight after itself counted once.

    A push in flight when its worker was killed may arrive twice (no idempotency key on
    the Bot API); it is then the chat's next message, before any later one.
    """
    received: list[str] = []
    for (chat, _), message in sorted(fake.messages.items()):
        text = str(message.get("text", ""))
        if chat == chat_id and text.startswith("推送") and text not in received[-1:]:
            received.append(text)
    return received


async def test_three_workers_one_killed(tmp_path: Path) -> None:
    url = await _fresh_postgres()
    async with FakeTelegram.running() as fake:
        with serving(FakeWeCom()) as wecom:
            await _setup(url, fake)
            wecom_env = {"WUCHANG_WECOM_CORP_ID": CORP_ID, "WUCHANG_WECOM_AGENT_ID": str(AGENT_ID),
                         "WUCHANG_WECOM_SECRET": SECRET, "WUCHANG_WECOM_TOKEN": TOKEN,
                         "WUCHANG_WECOM_AES_KEY": AES_KEY, "WUCHANG_WECOM_API_URL": wecom.url}
            envs = [worker_env(url, fake, free_port(), **wecom_env) for _ in range(3)]
            ports = [int(env["WUCHANG_HTTP_PORT"]) for env in envs]
            logs = [tmp_path / f"worker{number}.log" for number in range(3)]
            started = [await spawn_worker(env, ROOT, "-m", "tests.worker", log=log)
                       for env, log in zip(envs, logs, strict=True)]
            async with stopped_at_the_end(*started) as workers, httpx.AsyncClient() as client:
                await asyncio.gather(*(ready(worker, port)
                                       for worker, port in zip(workers, ports, strict=True)))
                peer = WeComPeer(client)
                people = list(PEOPLE.values())

                async def burst(numbers: range, to: list[int]) -> None:
                    for number in numbers:
                        port = ports[to[number % len(to)]]
                        person = people[number % len(people)]
                        update = {"update_id": 5000 + number, **fake.message_update(
                            person, private_chat(person), f"/issue 事{number}")}
                        assert await post_update(client, port, update) == 200
                        if number % 6 == 0:
                            user = list(WECOM_USERS.values())[number % 2]
                            peer.http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}")
                            async with peer.http:
                                answer = await peer.post(peer.text_xml(
                                    user, f"/issue 企{number}", msg_id=70_000 + number))
                            assert answer.status_code == 200

                await burst(range(0, 30), [0, 1, 2])
                workers[1].send_signal(signal.SIGKILL)
                await workers[1].wait()
                workers.append(await spawn_worker(envs[1], ROOT, "-m", "tests.worker",
                                                  log=logs[1]))
                await burst(range(30, 50), [0, 2])  # while the killed one starts again
                await ready(workers[-1], ports[1])
                await burst(range(50, 60), [0, 1, 2])
                await wait_until(lambda: _settled(url, fake), timeout=45)
                raised = Counter(await titles(url))
                for worker in workers[:1] + workers[2:]:
                    worker.send_signal(signal.SIGTERM)
                for worker in workers[:1] + workers[2:]:
                    assert await worker.wait() == 0
    assert raised == Counter([f"事{number}" for number in range(60)]
                             + [f"企{number}" for number in range(0, 60, 6)])
    for account in PEOPLE.values():
        assert _pushes(fake, account["id"]) == [f"推送{number}" for number in range(PUSHES)]
    reminders = [message for (chat, _), message in fake.messages.items()
                 if chat == MAPLE["id"] and message["text"].startswith("提醒：")]
    assert len(reminders) == 1
    database = Database(url)
    try:
        async with database.read() as connection:
            claims = Counter(dict(list(await connection.execute(select(
                job_claim.c.name, func.count()).group_by(job_claim.c.name)))))
            runs = {row.name: row.runs for row in await connection.execute(select(job_run))}
            workers_running_jobs = await connection.scalar(select(
                func.count(func.distinct(job_claim.c.worker))))
    finally:
        await database.dispose()
    assert claims["meeting_reminders"] >= 3 and workers_running_jobs >= 2
    for name, claimed in claims.items():  # a run cut short by the kill is not counted
        assert claimed - 1 <= runs[name] <= claimed, name
    assert "inbox" not in claims and "outbox" not in claims


async def _settled(url: str, fake: FakeTelegram) -> bool:
    pending_in = await count(url, select(func.count()).select_from(inbox).where(
        inbox.c.status == "pending"))
    pending_out = await count(url, select(func.count()).select_from(outbox_table).where(
        outbox_table.c.status == "pending"))
    raised = await count(url, select(func.count()).select_from(issue))
    reminded = any(chat == MAPLE["id"] and message["text"].startswith("提醒：")
                   for (chat, _), message in fake.messages.items())
    return pending_in == 0 and pending_out == 0 and raised >= 70 and reminded and bool(texts)
