"""The outbox, its dispatcher and the job bookkeeping, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.wiring import App
from core.clock import ManualClock
from core.messages import Button, Capabilities, ChatKind, DeliveryError, Outgoing
from schedules.dispatcher import MAX_ATTEMPTS, Dispatcher
from schedules.jobs import Job, run_all, run_job
from storage import chats, org, outbox
from storage.context import Context
from storage.jobs import all_runs
from storage.schema import outbox as outbox_table

FAKE = "fake"


class RecordingSender:
    """A fake channel: records what it delivers, fails when told to."""

    parallel_sends = 1

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.attempts: list[str] = []
        self.failures: dict[str, list[BaseException]] = {}
        self.always_failing: dict[str, BaseException] = {}

    def fail(self, text: str, *errors: BaseException) -> None:
        """Make the next sends of the message with this text raise these errors, in order."""
        self.failures.setdefault(text, []).extend(errors)

    async def send(self, message: Outgoing) -> None:
        self.attempts.append(message.text)
        await asyncio.sleep(0)  # a real channel awaits the network here
        if message.text in self.always_failing:
            raise self.always_failing[message.text]
        pending = self.failures.get(message.text)
        if pending:
            raise pending.pop(0)
        self.sent.append(message)

    def texts(self) -> list[str]:
        return [message.text for message in self.sent]


def _message(text: str, chat_id: str = "chat-1") -> Outgoing:
    return Outgoing(chat_id=chat_id, text=text, chat_kind=ChatKind.GROUP)


async def _enqueue(app: App, key: str, text: str, *, channel: str = FAKE,
                   not_before: datetime | None = None) -> bool:
    async with app.context.db.write() as connection:
        return await outbox.enqueue(connection, key=key, channel=channel,
                                    message=_message(text), now=app.context.clock.now(),
                                    not_before=not_before)


async def _rows(app: App) -> dict[str, Any]:
    """Every outbox row by key."""
    async with app.context.db.read() as connection:
        rows = await connection.execute(select(outbox_table).order_by(outbox_table.c.id))
        return {row.key: row for row in rows}


async def _homestead_id(app: App, name: str) -> int:
    async with app.context.db.read() as connection:
        [found] = await org.homesteads_named(connection, name)
    return found.id


async def _person_id(app: App, code: str) -> int:
    async with app.context.db.read() as connection:
        found = await org.person_by_code(connection, code)
    assert found is not None
    return found.id


async def test_enqueue_with_the_same_key_twice_stores_one_row(app: App) -> None:
    first = await _enqueue(app, "meeting:7:reminder", "明晚开会")
    second = await _enqueue(app, "meeting:7:reminder", "明晚开会（重复）")

    rows = await _rows(app)
    assert (first, second) == (True, False)
    assert list(rows) == ["meeting:7:reminder"]
    row = rows["meeting:7:reminder"]
    assert outbox.decode(row.chat_id, row.chat_kind, row.payload).text == "明晚开会"
    assert (row.status, row.attempts, row.channel) == ("pending", 0, FAKE)
    assert row.not_before == app.context.clock.now()


async def test_enqueue_round_trips_buttons_and_image(app: App) -> None:
    message = Outgoing(chat_id="-1001", text="表决", chat_kind=ChatKind.GROUP,
                       buttons=((Button("赞成", "vote:1:yes"), Button("反对", "vote:1:no")),
                                (Button("弃权", "vote:1:abstain"),)),
                       image=b"\x89PNG\r\n", extra={"parse_mode": "none"})
    async with app.context.db.write() as connection:
        assert await outbox.enqueue(connection, key="vote", channel=FAKE, message=message,
                                    now=app.context.clock.now())

    row = (await _rows(app))["vote"]
    assert outbox.decode(row.chat_id, row.chat_kind, row.payload) == message


async def test_to_homesteads_fans_out_to_every_bound_group(app: App) -> None:
    now = app.context.clock.now()
    fengshu = await _homestead_id(app, "枫树湾")
    yangjia = await _homestead_id(app, "杨家湾")
    fengshou = await _homestead_id(app, "丰收村/老屋场")
    async with app.context.db.write() as connection:
        await chats.bind_group(connection, "telegram", "-1001", fengshu, None, now)
        await chats.bind_group(connection, "wecom", "wr-fengshu", fengshu, None, now)
        await chats.bind_group(connection, "telegram", "-1002", yangjia, None, now)
    buttons = ((Button("签到", "checkin:1"),),)

    async with app.context.db.write() as connection:
        queued = await outbox.to_homesteads(connection, [fengshu, yangjia, fengshou],
                                            key="meeting:1:open", text="会议开始", now=now,
                                            buttons=buttons)
    async with app.context.db.write() as connection:
        again = await outbox.to_homesteads(connection, [fengshu, yangjia, fengshou],
                                           key="meeting:1:open", text="会议开始", now=now,
                                           buttons=buttons)

    rows = await _rows(app)
    assert (queued, again) == (3, 0)
    assert {(row.channel, row.chat_id, row.chat_kind) for row in rows.values()} == {
        ("telegram", "-1001", "group"), ("wecom", "wr-fengshu", "group"),
        ("telegram", "-1002", "group")}
    for row in rows.values():
        message = outbox.decode(row.chat_id, row.chat_kind, row.payload)
        assert (message.text, message.buttons) == ("会议开始", buttons)


async def test_a_group_without_buttons_gets_text_and_its_members_the_buttons(app: App) -> None:
    now = app.context.clock.now()
    fengshu = await _homestead_id(app, "枫树湾")
    v01, h01 = await _person_id(app, "V01"), await _person_id(app, "H01")
    async with app.context.db.write() as connection:
        await chats.bind_group(connection, "wecom", "wr-fengshu", fengshu, None, now)
        await chats.bind_account(connection, "wecom", "lipingjie", v01, now)
        await chats.bind_account(connection, "wecom", "liyong", h01, now)
        await chats.bind_account(connection, "telegram", "111", v01, now)
    buttons = ((Button("满意", "rate:1:s"),),)
    channels = {"wecom": Capabilities(group_buttons=False)}

    for _ in range(2):  # queued once, however often it is asked
        async with app.context.db.write() as connection:
            await outbox.to_homesteads(connection, [fengshu], key="issue:1:round:1",
                                       text="请评议", now=now, buttons=buttons,
                                       channels=channels)

    rows = await _rows(app)
    group = f"issue:1:round:1:h{fengshu}:wecom:wr-fengshu"
    assert sorted(rows) == sorted([group, f"{group}:p{h01}", f"{group}:p{v01}"])
    sent = {row.chat_id: outbox.decode(row.chat_id, row.chat_kind, row.payload)
            for row in rows.values()}
    assert sent["wr-fengshu"].buttons == () and sent["wr-fengshu"].text.startswith("请评议\n")
    assert sent["lipingjie"].buttons == buttons == sent["liyong"].buttons
    assert sent["lipingjie"].chat_kind is ChatKind.PRIVATE


async def test_to_persons_fans_out_to_every_bound_account(app: App) -> None:
    now = app.context.clock.now()
    v01, v02, v03 = [await _person_id(app, code) for code in ("V01", "V02", "V03")]
    async with app.context.db.write() as connection:
        await chats.bind_account(connection, "telegram", "111", v01, now)
        await chats.bind_account(connection, "wecom", "LiPingJie", v01, now)
        await chats.bind_account(connection, "telegram", "222", v02, now)

    async with app.context.db.write() as connection:
        queued = await outbox.to_persons(connection, [v01, v02, v03], key="issue:3:rate",
                                         text="请评价", now=now)
    async with app.context.db.write() as connection:
        again = await outbox.to_persons(connection, [v01, v02, v03], key="issue:3:rate",
                                        text="请评价", now=now)

    rows = await _rows(app)
    assert (queued, again) == (3, 0)
    assert {(row.channel, row.chat_id, row.chat_kind) for row in rows.values()} == {
        ("telegram", "111", "private"), ("wecom", "LiPingJie", "private"),
        ("telegram", "222", "private")}


async def test_fan_out_to_nobody_queues_nothing(app: App) -> None:
    now = app.context.clock.now()
    async with app.context.db.write() as connection:
        to_groups = await outbox.to_homesteads(connection, [], key="k", text="t", now=now)
        to_people = await outbox.to_persons(connection, [await _person_id(app, "V03")],
                                            key="k", text="t", now=now)

    assert (to_groups, to_people) == (0, 0)
    assert await _rows(app) == {}


async def test_dispatcher_delivers_each_row_exactly_once(app: App) -> None:
    sender = RecordingSender()
    dispatcher = Dispatcher(app.context, {FAKE: sender})
    for number in range(3):
        await _enqueue(app, f"row-{number}", f"消息{number}")
    await _enqueue(app, "elsewhere", "别的通道", channel="nobody")

    delivered = [await dispatcher.drain() for _ in range(3)]

    assert delivered == [3, 0, 0]
    assert sender.texts() == ["消息0", "消息1", "消息2"]
    assert sender.attempts == ["消息0", "消息1", "消息2"]
    rows = await _rows(app)
    for number in range(3):
        row = rows[f"row-{number}"]
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
        assert row.sent_at == app.context.clock.now()
    assert (rows["elsewhere"].status, rows["elsewhere"].attempts) == ("pending", 0)


async def test_dispatcher_delivers_more_than_one_batch(app: App) -> None:
    sender = RecordingSender()
    dispatcher = Dispatcher(app.context, {FAKE: sender})
    async with app.context.db.write() as connection:
        for number in range(130):
            await outbox.enqueue(connection, key=f"row-{number}", channel=FAKE,
                                 message=_message(f"m{number}"), now=app.context.clock.now())

    assert await dispatcher.drain() == 130
    assert sender.texts() == [f"m{number}" for number in range(130)]
    assert await dispatcher.drain() == 0


class SlowParallelSender(RecordingSender):
    """A channel whose sends take a while and may overlap; it notes the most at once."""

    parallel_sends = 4

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = 0
        self.most_in_flight = 0

    async def send(self, message: Outgoing) -> None:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.01)
            await super().send(message)
        finally:
            self.in_flight -= 1


async def test_dispatcher_sends_to_several_chats_at_once_each_in_order(app: App) -> None:
    sender = SlowParallelSender()
    dispatcher = Dispatcher(app.context, {FAKE: sender})
    # More rows than one batch, three chats interleaved, one chat with most of them.
    chats = ["chat-a", "chat-b", "chat-c", "chat-a"]
    async with app.context.db.write() as connection:
        for number in range(130):
            chat = chats[number % 4] if number < 40 else "chat-a"
            await outbox.enqueue(connection, key=f"row-{number}", channel=FAKE,
                                 message=_message(f"{chat}:{number}", chat),
                                 now=app.context.clock.now())
    sender.fail("chat-b:5", DeliveryError("gateway timeout"))

    # chat-b's rows after the failed one wait for it (issue 22 item 8): 8 of them.
    assert await dispatcher.drain() == 121
    assert 1 < sender.most_in_flight <= SlowParallelSender.parallel_sends
    for chat in ("chat-a", "chat-b", "chat-c"):
        numbers = [int(text.split(":")[1]) for text in sender.texts()
                   if text.startswith(chat)]
        assert numbers == sorted(numbers) and numbers
    assert len(set(sender.texts())) == 121
    assert [text for text in sender.texts() if text.startswith("chat-b")] == ["chat-b:1"]
    # The failed row goes at its retry, then the chat's rows behind it, in order.
    clock = app.context.clock
    assert isinstance(clock, ManualClock)
    clock.set(clock.now() + timedelta(hours=1))
    assert await dispatcher.drain() == 9
    assert sender.texts()[-9:] == [f"chat-b:{number}" for number in range(5, 40, 4)]


async def test_overlapping_drains_deliver_each_row_once(app: App) -> None:
    sender = RecordingSender()
    dispatcher = Dispatcher(app.context, {FAKE: sender})
    for number in range(3):
        await _enqueue(app, f"row-{number}", f"消息{number}")

    await asyncio.gather(dispatcher.drain(), dispatcher.drain())

    assert sorted(sender.texts()) == ["消息0", "消息1", "消息2"]


async def test_two_workers_deliver_each_row_once(app: App) -> None:
    """DESIGN §3: several workers on PostgreSQL, and a push is never doubled."""
    sender = RecordingSender()
    first = Dispatcher(app.context, {FAKE: sender})
    second = Dispatcher(app.context, {FAKE: sender})
    for number in range(3):
        await _enqueue(app, f"row-{number}", f"消息{number}")

    await asyncio.gather(first.drain(), second.drain())

    assert sorted(sender.texts()) == ["消息0", "消息1", "消息2"]


async def test_transient_error_is_retried_after_backoff(app: App, clock: ManualClock) -> None:
    sender = RecordingSender()
    dispatcher = Dispatcher(app.context, {FAKE: sender})
    start = clock.now()
    sender.fail("提醒", DeliveryError("timed out"), DeliveryError("timed out again"))
    await _enqueue(app, "reminder", "提醒")

    assert await dispatcher.drain() == 0
    row = (await _rows(app))["reminder"]
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "timed out")
    assert row.not_before == start + outbox.backoff(0)
    assert outbox.backoff(0) == timedelta(seconds=5)

    assert await dispatcher.drain() == 0
    clock.set(start + outbox.backoff(0) - timedelta(seconds=1))
    assert await dispatcher.drain() == 0
    assert sender.attempts == ["提醒"]

    clock.set(start + outbox.backoff(0))
    assert await dispatcher.drain() == 0
    row = (await _rows(app))["reminder"]
    assert (row.status, row.attempts, row.last_error) == ("pending", 2, "timed out again")
    assert row.not_before == start + outbox.backoff(0) + outbox.backoff(1)
    assert outbox.backoff(1) == timedelta(seconds=10)

    clock.set(row.not_before)
    assert await dispatcher.drain() == 1
    row = (await _rows(app))["reminder"]
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)
    assert row.sent_at == clock.now()
    assert sender.texts() == ["提醒"]
    assert sender.attempts == ["提醒"] * 3


async def test_retry_after_from_the_platform_wins(app: App, clock: ManualClock) -> None:
    sender = RecordingSender()
    dispatcher = Dispatcher(app.context, {FAKE: sender})
    start = clock.now()
    sender.fail("提醒", DeliveryError("429 Too Many Requests", retry_after=30))
    await _enqueue(app, "reminder", "提醒")

    await dispatcher.drain()

    row = (await _rows(app))["reminder"]
    assert (row.status, row.attempts, row.last_error) == (
        "pending", 1, "429 Too Many Requests")
    assert row.not_before == start + timedelta(seconds=30)
    clock.set(start + timedelta(seconds=29))
    assert await dispatcher.drain() == 0
    clock.set(start + timedelta(seconds=30))
    assert await dispatcher.drain() == 1
    assert sender.texts() == ["提醒"]


async def test_unexpected_exception_is_retried_like_a_transient_error(
        app: App, clock: ManualClock) -> None:
    sender = RecordingSender()
    dispatcher = Dispatcher(app.context, {FAKE: sender})
    start = clock.now()
    sender.fail("提醒", RuntimeError("adapter bug"))
    await _enqueue(app, "reminder", "提醒")
    await _enqueue(app, "next", "下一条")

    assert await dispatcher.drain() == 0  # the chat's next row waits for it (issue 22 item 8)

    row = (await _rows(app))["reminder"]
    assert (row.status, row.attempts) == ("pending", 1)
    assert "RuntimeError" in row.last_error and "adapter bug" in row.last_error
    assert row.not_before == start + outbox.backoff(0)
    clock.set(row.not_before)
    assert await dispatcher.drain() == 2
    assert sender.texts() == ["提醒", "下一条"]


async def test_permanent_error_fails_the_row_and_the_next_rows_go_out(
        app: App, clock: ManualClock) -> None:
    sender = RecordingSender()
    dispatcher = Dispatcher(app.context, {FAKE: sender})
    sender.fail("第一条", DeliveryError("bot was kicked from the group", permanent=True))
    for key, text in (("a", "第一条"), ("b", "第二条"), ("c", "第三条")):
        await _enqueue(app, key, text)

    assert await dispatcher.drain() == 2

    rows = await _rows(app)
    assert (rows["a"].status, rows["a"].attempts, rows["a"].last_error) == (
        "failed", 1, "bot was kicked from the group")
    assert rows["a"].sent_at is None
    assert (rows["b"].status, rows["c"].status) == ("sent", "sent")
    assert sender.texts() == ["第二条", "第三条"]
    clock.set(clock.now() + timedelta(days=1))
    assert await dispatcher.drain() == 0
    assert sender.attempts == ["第一条", "第二条", "第三条"]


async def test_row_fails_for_good_after_max_attempts(app: App, clock: ManualClock) -> None:
    sender = RecordingSender()
    sender.always_failing["提醒"] = DeliveryError("network down")
    dispatcher = Dispatcher(app.context, {FAKE: sender})
    await _enqueue(app, "reminder", "提醒")

    for _ in range(MAX_ATTEMPTS + 2):
        await dispatcher.drain()
        clock.set(clock.now() + timedelta(hours=1))

    row = (await _rows(app))["reminder"]
    assert (row.status, row.attempts, row.last_error) == ("failed", MAX_ATTEMPTS, "network down")
    assert len(sender.attempts) == MAX_ATTEMPTS


async def test_row_waits_for_not_before(app: App, clock: ManualClock) -> None:
    sender = RecordingSender()
    dispatcher = Dispatcher(app.context, {FAKE: sender})
    start = clock.now()
    await _enqueue(app, "later", "一小时后", not_before=start + timedelta(hours=1))
    await _enqueue(app, "now", "现在")

    assert await dispatcher.drain() == 1
    assert sender.texts() == ["现在"]
    clock.set(start + timedelta(minutes=59, seconds=59))
    assert await dispatcher.drain() == 0
    clock.set(start + timedelta(hours=1))
    assert await dispatcher.drain() == 1
    assert sender.texts() == ["现在", "一小时后"]
    assert (await _rows(app))["later"].sent_at == start + timedelta(hours=1)


async def test_backlog_counts_rows_per_channel_and_status(app: App) -> None:
    sender = RecordingSender()
    sender.fail("坏", DeliveryError("gone", permanent=True))
    await _enqueue(app, "a", "好")
    await _enqueue(app, "b", "坏")
    await _enqueue(app, "c", "等", channel="nobody")
    await Dispatcher(app.context, {FAKE: sender}).drain()

    async with app.context.db.read() as connection:
        counts = await outbox.backlog(connection)

    assert counts == {(FAKE, "sent"): 1, (FAKE, "failed"): 1, ("nobody", "pending"): 1}


def _failing_job(clock: ManualClock, calls: list[str]) -> Job:
    async def explode(context: Context) -> None:
        calls.append("explode")
        clock.set(clock.now() + timedelta(seconds=7))
        raise ValueError("no luck today")

    return Job("sweep", 60, explode)


async def test_run_job_records_runs_failures_and_last_error(
        app: App, clock: ManualClock) -> None:
    calls: list[str] = []
    start = clock.now()

    succeeded = await run_job(app.context, _failing_job(clock, calls))

    assert succeeded is False
    assert calls == ["explode"]
    async with app.context.db.read() as connection:
        run = (await all_runs(connection))["sweep"]
    assert (run.runs, run.failures) == (1, 1)
    assert run.last_error is not None
    assert "ValueError" in run.last_error and "no luck today" in run.last_error
    assert run.last_started_at == start
    assert run.last_finished_at == start + timedelta(seconds=7)

    async def fine(context: Context) -> None:
        calls.append("fine")

    clock.set(start + timedelta(minutes=1))
    assert await run_job(app.context, Job("sweep", 60, fine)) is True
    async with app.context.db.read() as connection:
        run = (await all_runs(connection))["sweep"]
    assert (run.runs, run.failures, run.last_error) == (2, 1, None)
    assert run.last_started_at == start + timedelta(minutes=1)
    assert run.last_finished_at == start + timedelta(minutes=1)


async def test_run_all_runs_every_job_even_after_a_failure(
        app: App, clock: ManualClock) -> None:
    calls: list[str] = []

    async def after(context: Context) -> None:
        calls.append("after")

    await run_all(app.context, [_failing_job(clock, calls), Job("after", 60, after)])

    assert calls == ["explode", "after"]
    async with app.context.db.read() as connection:
        runs = await all_runs(connection)
        count = await connection.scalar(select(func.count()).select_from(outbox_table))
    assert (runs["sweep"].runs, runs["sweep"].failures) == (1, 1)
    assert (runs["after"].runs, runs["after"].failures, runs["after"].last_error) == (1, 0, None)
    assert count == 0


async def test_the_outbox_job_drains_through_the_apps_senders(app: App) -> None:
    sender = RecordingSender()
    app.add_sender(FAKE, sender)
    await _enqueue(app, "a", "由任务发出")

    await run_all(app.context, app.jobs)

    assert sender.texts() == ["由任务发出"]
    async with app.context.db.read() as connection:
        runs = await all_runs(connection)
    assert (runs["outbox"].runs, runs["outbox"].failures) == (1, 0)


async def test_a_chat_told_to_wait_keeps_its_other_rows_for_later(
        app: App, clock: ManualClock) -> None:
    now = clock.now()
    async with app.context.db.write() as connection:
        for key, text, chat in (("a1", "甲一", "chat-a"), ("b1", "乙一", "chat-b"),
                                ("a2", "甲二", "chat-a"), ("b2", "乙二", "chat-b")):
            await outbox.enqueue(connection, key=key, channel=FAKE,
                                 message=_message(text, chat), now=now)
    sender = RecordingSender()
    sender.fail("甲一", DeliveryError("429", retry_after=5))
    dispatcher = Dispatcher(app.context, {FAKE: sender})

    assert await dispatcher.drain() == 2
    # 甲二 was not even tried: its chat asked to wait; the other chat went on.
    assert sender.attempts == ["甲一", "乙一", "乙二"]
    rows = await _rows(app)
    assert (rows["a2"].status, rows["a2"].attempts) == ("pending", 0)

    clock.set(now + timedelta(seconds=5))
    assert await dispatcher.drain() == 2
    assert sender.texts() == ["乙一", "乙二", "甲一", "甲二"]
