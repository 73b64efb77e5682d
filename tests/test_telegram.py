"""The Telegram channel: the real python-telegram-bot Application against a fake Bot API."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bench.fake_bot_api import (
    TOKEN,
    Call,
    FakeTelegram,
    Json,
    group_chat,
    private_chat,
    user,
)
from bot.admin import import_roster_file
from bot.channels.telegram.channel import (
    CHANNEL,
    SECRET_HEADER,
    WEBHOOK_PATH,
    TelegramChannel,
    file_url,
)
from bot.channels.telegram.send import callback_data, pieces
from bot.http import build_http_app
from bot.settings import Settings, SettingsError, load_settings
from bot.wiring import App, build_app
from core import texts
from core.clock import ManualClock
from core.messages import Button, ChatKind, Outgoing
from storage import chats, invites, outbox
from storage.schema import notice_attachment
from storage.schema import outbox as outbox_table
from tests.conftest import SHANGHAI, SMALL_ROSTER

H01, R01, V01, C01, H02 = (user(501, "李勇"), user(502, "袁东成"), user(503, "李平杰"),
                           user(504, "杨村官"), user(505, "杨德胜"))
MAPLE = group_chat(-4001, "枫树湾议事群")
YANG = group_chat(-4002, "杨家湾议事群")
MEETING_AT = datetime(2026, 11, 6, 19, 30, tzinfo=SHANGHAI)


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeTelegram]:
    """The fake Bot API; httpx must not send 127.0.0.1 through a proxy."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    async with FakeTelegram.running() as server:
        yield server


@pytest.fixture
async def sqlite_app(sqlite_url: str, clock: ManualClock) -> AsyncIterator[App]:
    """The small roster on SQLite only, for tests about Telegram rather than the database."""
    wired = await build_app(Settings(database_url=sqlite_url), clock)
    await import_roster_file(wired, SMALL_ROSTER)
    try:
        yield wired
    finally:
        await wired.close()


@asynccontextmanager
async def running(app: App, fake: FakeTelegram, **settings: Any) -> AsyncIterator[TelegramChannel]:
    """The channel started against the fake, as ``wuchang run`` starts it."""
    configured = app.settings.model_copy(update={
        "telegram_token": TOKEN, "telegram_api_url": fake.api_url, **settings})
    channel = TelegramChannel(app, configured)
    app.add_channel(channel)
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()


def text_of(call: Call) -> str:
    """What a person reads from an output call."""
    return str(call.params.get("text") or call.params.get("caption") or "")


def keyboard_of(call: Call) -> list[list[Json]]:
    """The inline keyboard a call sent."""
    markup = call.params.get("reply_markup") or {}
    return list(markup.get("inline_keyboard", []))


async def say(fake: FakeTelegram, person: Json, chat: Json, text: str,
              replies: int = 1) -> list[Call]:
    """``person`` writes ``text`` in ``chat``; return the bot's output calls."""
    since = len(fake.calls)
    fake.say(person, chat, text)
    return await fake.outputs(since, replies)


async def press(fake: FakeTelegram, person: Json, message: Json, label: str,
                outputs: int = 1) -> dict[str, Call]:
    """``person`` presses the button ``label``; return the output calls by method."""
    since = len(fake.calls)
    fake.press(person, message, label=label)
    return {call.method: call for call in await fake.outputs(since, outputs)}


async def invite(app: App, person_code: str) -> str:
    """The invite code of a roster person."""
    async with app.context.db.read() as connection:
        return next(code for person, _name, code, _used in await invites.listing(connection)
                    if person == person_code)


async def start(app: App, fake: FakeTelegram, person: Json, code: str) -> None:
    """Bind a person's Telegram account with their invite code."""
    replies = await say(fake, person, private_chat(person), f"/start {await invite(app, code)}")
    assert text_of(replies[0]).startswith("绑定成功")


async def bind(app: App, fake: FakeTelegram, head: Json, code: str, group: Json) -> None:
    """A head binds their account and then the group."""
    await start(app, fake, head, code)
    bound = await say(fake, head, group, f"/bind {await invite(app, code)}")
    assert text_of(bound[0]).startswith("本群已绑定为")


async def homestead_of(app: App, chat_id: int) -> int | None:
    """The 屋场 a Telegram group is bound to."""
    async with app.context.db.read() as connection:
        return await chats.homestead_id_for(connection, CHANNEL, str(chat_id))


async def enqueue(app: App, key: str, chat_id: int, text: str, **extra: Any) -> None:
    """Put one message in the outbox for Telegram."""
    extra.setdefault("chat_kind", ChatKind.PRIVATE if chat_id > 0 else ChatKind.GROUP)
    async with app.context.db.write() as connection:
        await outbox.enqueue(connection, key=key, channel=CHANNEL, now=app.context.clock.now(),
                             message=Outgoing(chat_id=str(chat_id), text=text, **extra))


async def outbox_rows(app: App) -> dict[str, Any]:
    """Every outbox row by key."""
    async with app.context.db.read() as connection:
        return {row.key: row for row in await connection.execute(select(outbox_table))}


async def test_start_bind_and_group_housekeeping(sqlite_app: App, fake: FakeTelegram,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    async with running(sqlite_app, fake):
        since = len(fake.calls)
        fake.membership(H01, MAPLE, "left", "member")
        hello = await fake.outputs(since, 1)
        assert [(call.params["chat_id"], text_of(call)) for call in hello] == [
            (str(MAPLE["id"]), texts.BOT_ADDED_TO_GROUP)]
        # A deep link t.me/<bot>?start=CODE arrives as "/start CODE".
        welcome = await say(fake, V01, private_chat(V01),
                            f"/start {await invite(sqlite_app, 'V01')}")
        assert text_of(welcome[0]) == "绑定成功：李平杰，金竹村枫树湾村民。发送 /help 查看你能用的命令。"
        bound = await say(fake, H01, MAPLE, f"/bind@wuchang_test_bot {await invite(sqlite_app, 'H01')}")
        assert text_of(bound[0]) == texts.GROUP_BOUND.format(place="金竹村枫树湾")
        assert await homestead_of(sqlite_app, MAPLE["id"]) is not None
        # A command for another bot in the same group is not ours to answer.
        since = len(fake.calls)
        fake.say(H01, MAPLE, "/open@other_bot")
        helped = await say(fake, H01, MAPLE, "/help")  # updates are handled in order
        assert text_of(helped[0]).startswith(texts.HELP_HEADER.format(name="李勇", role="屋场长"))
        assert len(fake.calls_of("sendMessage", since=since)) == 1

        with caplog.at_level(logging.INFO, logger="bot"):
            fake.membership(H01, MAPLE, "member", "left")
            fake.membership(V01, private_chat(V01), "member", "kicked")
            await fake.wait_for(lambda: "blocked the bot" in caplog.text)
        assert f"removed from telegram group {MAPLE['id']}" in caplog.text
        assert await homestead_of(sqlite_app, MAPLE["id"]) is not None  # the binding stays
    assert fake.calls_of("getMe") and fake.calls_of("deleteWebhook")


async def test_whole_meeting_with_buttons(app: App, fake: FakeTelegram,
                                          clock: ManualClock) -> None:
    async with running(app, fake):
        for person, code in ((R01, "R01"), (V01, "V01"), (C01, "C01")):
            await start(app, fake, person, code)
        await bind(app, fake, H01, "H01", MAPLE)
        scheduled = await say(fake, H01, MAPLE, "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
        assert text_of(scheduled[0]).startswith("已安排议事恳谈会：11月6日（周五）19:30")
        clock.set(MEETING_AT)
        opened = await say(fake, H01, MAPLE, "/open")
        assert [[button["text"] for button in row] for row in keyboard_of(opened[0])] == [["签到"]]
        board = fake.newest_with(MAPLE["id"], "签到")

        checked = await press(fake, V01, board, "签到", outputs=2)
        assert set(checked) == {"answerCallbackQuery", "editMessageText"}
        assert checked["answerCallbackQuery"].params["text"] == "李平杰已签到。到会1/3户，1人。"
        edited = checked["editMessageText"]
        assert edited.params["message_id"] == str(board["message_id"])
        assert text_of(edited).startswith(text_of(opened[0]))
        assert text_of(edited).endswith("\n到会1/3户，1人。")
        assert keyboard_of(edited) == keyboard_of(opened[0])  # the 签到 button stays
        again = await press(fake, V01, board, "签到")
        assert list(again) == ["answerCallbackQuery"]
        assert again["answerCallbackQuery"].params["text"] == "李平杰已经签过到了。"

        attended = await say(fake, R01, MAPLE, "/attend 1 2 3*2")
        assert text_of(attended[0]).endswith("到会3/3户，4人。已达到法定户数。")
        put = await say(fake, H01, MAPLE, "/motion 每户出资100元修路")
        assert [button["text"] for button in keyboard_of(put[0])[0]] == ["赞成", "反对", "弃权"]
        motion = fake.newest_with(MAPLE["id"], "反对")
        voted = await press(fake, V01, motion, "反对")
        assert voted["answerCallbackQuery"].params["text"] == "李平杰：已记录反对。"
        since = len(fake.calls)
        fake.press(V01, motion, data="vote:999:yes")  # a forged or stale button
        [stale] = await fake.outputs(since, 1)
        assert (stale.method, stale.params["text"]) == ("answerCallbackQuery",
                                                        texts.BUTTON_EXPIRED)
        closed = await say(fake, H01, MAPLE, "/close")
        assert text_of(closed[0]) == ("表决结果：每户出资100元修路\n赞成0 反对1 弃权0，到会4人，"
                                      "须赞成4人：未通过。")
        ended = await say(fake, H01, MAPLE, "/end")
        summary = text_of(ended[0])
        assert summary.startswith("议事恳谈会结束：金竹村枫树湾")

        # The summary for the village cadre waits in the outbox for the dispatcher.
        since = len(fake.calls)
        assert await app.dispatcher.drain() == 1
        [pushed] = fake.calls_of("sendMessage", since=since)
        assert (pushed.params["chat_id"], text_of(pushed)) == (str(C01["id"]), summary)

    assert fake.answered == {f"q{number}": 1 for number in range(1, 5)}  # each press once
    toasts = {"李平杰已签到。到会1/3户，1人。", "李平杰：已记录反对。", texts.BUTTON_EXPIRED}
    assert not toasts & {text_of(call) for call in fake.calls_of("sendMessage")}
    assert all(len(button["callback_data"].encode()) <= 64
               for call in fake.calls_of("sendMessage")
               for row in keyboard_of(call) for button in row)


async def test_check_in_rush_answers_everyone_and_ends_on_the_newest_count(
        sqlite_app: App, fake: FakeTelegram, clock: ManualClock) -> None:
    async with running(sqlite_app, fake):
        for person, code in ((R01, "R01"), (V01, "V01")):
            await start(sqlite_app, fake, person, code)
        await bind(sqlite_app, fake, H01, "H01", MAPLE)
        await say(fake, H01, MAPLE, "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
        clock.set(MEETING_AT)
        await say(fake, H01, MAPLE, "/open")
        board = fake.newest_with(MAPLE["id"], "签到")
        since = len(fake.calls)
        queries = [fake.press(person, board, label="签到") for person in (H01, R01, V01)]
        final = "到会3/3户，3人。已达到法定户数。"
        await fake.wait_for(lambda: fake.messages[(MAPLE["id"], board["message_id"])][
            "text"].endswith(final))
    answers = fake.calls_of("answerCallbackQuery", since=since)
    assert [call.params["callback_query_id"] for call in answers] == queries
    assert [call.params["text"] for call in answers] == [
        "李勇已签到。到会1/3户，1人。", "袁东成已签到。到会2/3户，2人。", "李平杰已签到。" + final]
    edits = fake.calls_of("editMessageText", since=since)
    assert 1 <= len(edits) <= 3 and text_of(edits[-1]).endswith(final)
    assert not fake.calls_of("sendMessage", since=since)


async def test_push_waits_out_a_429_and_is_delivered_once(sqlite_app: App, fake: FakeTelegram,
                                                          clock: ManualClock) -> None:
    fake.know(private_chat(C01))
    await enqueue(sqlite_app, "remind:1", C01["id"], "提醒：明天19:30开会。")
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", {"retry_after": 3})
    async with running(sqlite_app, fake):
        now = clock.now()
        assert await sqlite_app.dispatcher.drain() == 0
        row = (await outbox_rows(sqlite_app))["remind:1"]
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.last_error.startswith("RetryAfter:")
        assert row.not_before.replace(tzinfo=now.tzinfo) == now + timedelta(seconds=3)
        clock.set(now + timedelta(seconds=2))
        assert await sqlite_app.dispatcher.drain() == 0  # not yet
        clock.set(now + timedelta(seconds=3))
        assert await sqlite_app.dispatcher.drain() == 1
    attempts = [call for call in fake.calls if call.method == "sendMessage"]
    assert [call.status for call in attempts] == [429, 200]
    assert (await outbox_rows(sqlite_app))["remind:1"].status == "sent"


async def test_reply_waits_out_a_429(sqlite_app: App, fake: FakeTelegram) -> None:
    async with running(sqlite_app, fake):
        fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", {"retry_after": 1})
        loop = asyncio.get_running_loop()
        began = loop.time()
        replies = await say(fake, V01, private_chat(V01), "/help")
        assert loop.time() - began >= 1
    assert text_of(replies[0]).startswith(texts.HELP_HEADER_UNBOUND)
    assert [call.status for call in fake.calls if call.method == "sendMessage"] == [429, 200]


async def test_permanent_failures_are_recorded_and_do_not_block(sqlite_app: App,
                                                                fake: FakeTelegram) -> None:
    fake.refuse(YANG["id"], 403, "Forbidden: bot was kicked from the group chat")
    fake.refuse(V01["id"], 403, "Forbidden: bot was blocked by the user")
    fake.know(private_chat(C01))
    await enqueue(sqlite_app, "1-unknown", -4999, "群消息")
    await enqueue(sqlite_app, "2-kicked", YANG["id"], "群消息")
    await enqueue(sqlite_app, "3-blocked", V01["id"], "私信")
    await enqueue(sqlite_app, "4-good", C01["id"], "私信")
    await enqueue(sqlite_app, "5-picture", C01["id"], "红旗榜", image=b"\x89PNG fake",
                  buttons=((Button("看详情", "flags:2026-11"),),))
    async with running(sqlite_app, fake):
        assert await sqlite_app.dispatcher.drain() == 2
    rows = await outbox_rows(sqlite_app)
    assert {key: (row.status, row.last_error) for key, row in rows.items()} == {
        "1-unknown": ("failed", "BadRequest: Chat not found"),
        "2-kicked": ("failed", "Forbidden: bot was kicked from the group chat"),
        "3-blocked": ("failed", "Forbidden: bot was blocked by the user"),
        "4-good": ("sent", None),
        "5-picture": ("sent", None),
    }
    [photo] = fake.calls_of("sendPhoto")
    assert photo.params["chat_id"] == str(C01["id"]) and photo.params["caption"] == "红旗榜"
    assert photo.files["photo"] == b"\x89PNG fake"
    assert keyboard_of(photo) == [[{"text": "看详情", "callback_data": "flags:2026-11"}]]


async def test_a_picture_is_uploaded_once_then_sent_by_its_file_id(sqlite_app: App,
                                                                   fake: FakeTelegram) -> None:
    for chat in (MAPLE, YANG, private_chat(C01)):
        fake.know(chat)
    picture, other = b"\x89PNG grid 1", b"\x89PNG grid 2"
    await enqueue(sqlite_app, "1", MAPLE["id"], "网格一", image=picture)
    await enqueue(sqlite_app, "2", YANG["id"], "网格一", image=picture)
    await enqueue(sqlite_app, "3", C01["id"], "网格二", image=other)
    async with running(sqlite_app, fake):
        assert await sqlite_app.dispatcher.drain() == 3
        sent = {int(call.params["chat_id"]): call for call in fake.calls_of("sendPhoto")}
        assert len(fake.calls_of("sendPhoto")) == 3
        assert sent[MAPLE["id"]].files["photo"] == picture
        assert "photo" not in sent[YANG["id"]].files
        assert fake.photos[str(sent[YANG["id"]].params["photo"])] == picture
        assert sent[C01["id"]].files["photo"] == other
        # Telegram lost the picture: the next send uploads it again.
        fake.photos.clear()
        await enqueue(sqlite_app, "4", C01["id"], "网格一", image=picture)
        assert await sqlite_app.dispatcher.drain() == 1
    retried = [call for call in fake.calls if call.method == "sendPhoto"][3:]
    assert [(call.status, call.files.get("photo")) for call in retried] == [
        (400, None), (200, picture)]


async def test_chats_are_served_at_once_each_in_its_own_order(sqlite_app: App,
                                                              fake: FakeTelegram) -> None:
    async with running(sqlite_app, fake):
        await bind(sqlite_app, fake, H01, "H01", MAPLE)
        await bind(sqlite_app, fake, H02, "H02", YANG)
        release = fake.hold(MAPLE["id"])
        since = len(fake.calls)
        try:
            fake.say(H01, MAPLE, "/help")
            fake.say(H01, MAPLE, "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
            # 杨家湾 is answered while 枫树湾's first reply is still on its way.
            answered = await say(fake, H02, YANG, "/help")
            assert [int(call.params["chat_id"]) for call in answered] == [YANG["id"]]
        finally:  # a failure above must not leave 枫树湾's reply held, stopping the bot for ever
            release.set()
        await fake.wait_for(lambda: len(fake.calls_of("sendMessage", since=since)) == 3)
    maple = [text_of(call) for call in fake.calls_of("sendMessage", since=since)
             if int(call.params["chat_id"]) == MAPLE["id"]]
    assert len(maple) == 2
    assert "/meeting" in maple[0] and maple[1].startswith("已安排议事恳谈会")


async def test_migrated_group_moves_its_binding(sqlite_app: App, fake: FakeTelegram) -> None:
    async with running(sqlite_app, fake):
        await bind(sqlite_app, fake, H01, "H01", MAPLE)
        await bind(sqlite_app, fake, H02, "H02", YANG)
        maple = await homestead_of(sqlite_app, MAPLE["id"])
        yang = await homestead_of(sqlite_app, YANG["id"])
        assert maple is not None and yang is not None
        # Telegram announces the upgrade in the old group.
        fake.migrate(MAPLE, -1004001)

        async def moved() -> bool:
            return await homestead_of(sqlite_app, -1004001) == maple

        for _ in range(500):
            if await moved():
                break
            await asyncio.sleep(0.01)
        assert await moved() and await homestead_of(sqlite_app, MAPLE["id"]) is None
        # An upgrade the bot missed shows up when a push is refused with the new chat id.
        fake.migrate(YANG, -1004002, announce=False)
        async with sqlite_app.context.db.write() as connection:
            await outbox.to_homesteads(connection, [maple, yang], key="notice", text="通知",
                                       now=sqlite_app.context.clock.now())
        since = len(fake.calls)
        assert await sqlite_app.dispatcher.drain() == 2
    assert sorted(call.params["chat_id"] for call in fake.calls_of("sendMessage", since=since)) \
        == ["-1004001", "-1004002"]
    assert await homestead_of(sqlite_app, -1004002) == yang
    assert await homestead_of(sqlite_app, YANG["id"]) is None


async def test_webhook_needs_the_secret_token(sqlite_app: App, fake: FakeTelegram) -> None:
    url = "https://wuchang.example.org/telegram/webhook"
    async with running(sqlite_app, fake, telegram_webhook_url=url,
                       telegram_webhook_secret="s3cret_token-1") as channel:
        [registered] = fake.calls_of("setWebhook")
        assert (registered.params["url"], registered.params["secret_token"]) == (
            url, "s3cret_token-1")
        assert registered.params["allowed_updates"] == [
            "message", "callback_query", "my_chat_member"]
        http = build_http_app(sqlite_app, channel.routes())
        transport = httpx.ASGITransport(app=http)
        async with httpx.AsyncClient(transport=transport, base_url="http://wuchang") as client:
            update = {"update_id": 1, **fake.message_update(V01, private_chat(V01), "/help")}
            for headers in ({SECRET_HEADER: "wrong"}, {}):
                refused = await client.post(WEBHOOK_PATH, json=update, headers=headers)
                assert refused.status_code == 403
            since = len(fake.calls)
            accepted = await client.post(WEBHOOK_PATH, json=update,
                                         headers={SECRET_HEADER: "s3cret_token-1"})
            assert accepted.status_code == 200
            [reply] = await fake.outputs(since, 1)
            assert text_of(reply).startswith(texts.HELP_HEADER_UNBOUND)
            garbage = await client.post(WEBHOOK_PATH, content=b"[1, 2",
                                        headers={SECRET_HEADER: "s3cret_token-1"})
            assert garbage.status_code == 400
    assert not fake.calls_of("getUpdates") and not fake.calls_of("deleteWebhook")
    assert len(fake.calls_of("sendMessage")) == 1  # the refused calls did nothing


def test_callback_data_stays_within_64_bytes() -> None:
    assert callback_data("vote:123:abstain") == "vote:123:abstain"
    long = "icat:12:" + "环境治理" * 6
    cut = callback_data(long)
    assert len(cut.encode()) <= 64 and long.startswith(cut) and len(cut.encode()) > 60


def test_long_texts_are_split_at_line_breaks() -> None:
    text = "\n".join(f"{number}. 第{number}条会议记录" + "字" * 80 for number in range(100))
    parts = pieces(text)
    assert all(len(part) <= 4096 for part in parts) and len(parts) > 1
    assert "\n".join(parts) == text


def test_file_url_follows_the_api_url() -> None:
    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize(("name", "value"), [
    ("WUCHANG_TELEGRAM_WEBHOOK_URL", "wuchang.example.org/telegram/webhook"),
    ("WUCHANG_TELEGRAM_WEBHOOK_SECRET", "has spaces"),
    ("WUCHANG_TELEGRAM_WEBHOOK_SECRET", "x" * 257),
])
def test_malformed_webhook_settings_are_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              name: str, value: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_wuchang_run_serves_telegram_and_stops_on_sigterm(fake: FakeTelegram,
                                                                tmp_path: Path) -> None:
    env = {**os.environ, "WUCHANG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/run.db",
           "WUCHANG_HTTP_PORT": str(_free_port()), "WUCHANG_TELEGRAM_TOKEN": TOKEN,
           "WUCHANG_TELEGRAM_API_URL": fake.api_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from bot.cli import main; main()", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=30)
        replies = await say(fake, V01, private_chat(V01), "/help")
        assert text_of(replies[0]).startswith(texts.HELP_HEADER_UNBOUND)
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, output.decode()
    assert "channels ['telegram']" in output.decode()
    assert "wuchang stopped" in output.decode()
    assert fake.calls_of("setMyCommands")


async def test_a_photo_after_a_notice_is_downloaded_attached_and_reaches_the_group(
        sqlite_app: App, fake: FakeTelegram) -> None:
    head = private_chat(H01)
    photo = b"\xff\xd8\xff\xe0 JPEG of the road"
    async with running(sqlite_app, fake):
        await start(sqlite_app, fake, V01, "V01")
        await bind(sqlite_app, fake, H01, "H01", MAPLE)
        # A picture with nothing to attach to changes nothing, and says what to do.
        since = len(fake.calls)
        fake.send_file(H01, head, photo)
        [alone] = await fake.outputs(since, 1)
        assert text_of(alone) == texts.ATTACH_NO_NOTICE.format(minutes=10)

        await say(fake, H01, head, "/notice 明天上午修村口的路")
        sent = await press(fake, H01, fake.newest_with(H01["id"], "村务公开"), "村务公开",
                           outputs=2)
        assert text_of(sent["sendMessage"]).endswith(
            texts.NOTICE_ATTACH_HINT.format(minutes=10))
        assert await sqlite_app.dispatcher.drain() == 1  # the notice to 枫树湾's group

        since = len(fake.calls)
        fake.send_file(H01, head, photo, caption="村口的路")
        [attached] = await fake.outputs(since, 1)
        assert text_of(attached) == texts.ATTACHED.format(number=1, sequence=1, name="图片.jpg",
                                                          groups=1)
        assert fake.downloads[-1] == "documents/sent2"  # the photo's largest size
        assert await sqlite_app.dispatcher.drain() == 1
        [pushed] = fake.calls_of("sendPhoto", since=since)
        assert pushed.params["chat_id"] == str(MAPLE["id"])
        assert pushed.files["photo"] == photo
        assert text_of(pushed) == texts.ATTACHED_PICTURE.format(number=1, name="图片.jpg")

        # A villager's picture in the group is left alone; the head's next command is
        # answered after it (a chat's updates are handled in order).
        since = len(fake.calls)
        fake.send_file(V01, MAPLE, b"\xff\xd8 a cat")
        fake.say(H01, MAPLE, "/notices")
        outputs = await fake.outputs(since, 1)
        assert [text_of(call).split("\n")[0] for call in outputs] == [
            texts.NOTICES_HEADER.format(count=1)]

        # Too big: refused without being downloaded.
        since = len(fake.calls)
        fake.send_file(H01, head, b"%PDF small", name="名单.pdf",
                       declared_size=11 * 1024 * 1024)
        [big] = await fake.outputs(since, 1)
        assert text_of(big) == texts.ATTACH_TOO_BIG.format(most="10.0 MB")
        # A document: its name and type kept, the group told its name.
        since = len(fake.calls)
        fake.send_file(H01, head, b"%PDF list", name="名单.pdf")
        [filed] = await fake.outputs(since, 1)
        assert text_of(filed) == texts.ATTACHED.format(number=1, sequence=2, name="名单.pdf",
                                                       groups=1)
        assert await sqlite_app.dispatcher.drain() == 1
        [line] = fake.calls_of("sendMessage", since=since)[1:]
        assert text_of(line) == texts.ATTACHED_FILE.format(
            number=1, name="名单.pdf", size="9 字节", publisher="李勇（屋场长）")
    assert "documents/sent4" not in fake.downloads
    assert fake.downloads[-1] == "documents/sent5"
    async with sqlite_app.context.db.read() as connection:
        stored = (await connection.execute(select(
            notice_attachment.c.number, notice_attachment.c.kind, notice_attachment.c.mime_type,
            notice_attachment.c.content))).all()
    assert [tuple(row) for row in stored] == [(1, "picture", "image/jpeg", photo),
                                              (2, "file", "application/pdf", b"%PDF list")]
