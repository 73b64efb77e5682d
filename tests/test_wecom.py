"""The WeCom channel end to end: encrypted callbacks in, the real wechatpy client out.

Callbacks are built and encrypted with wechatpy's crypto and POSTed into the
Starlette app; the channel calls a fake WeCom API on 127.0.0.1 (tests/fake_wecom.py).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.admin import import_roster_file
from bot.channels.wecom.cards import short_label, text_chunks
from bot.channels.wecom.channel import CHANNEL, WeComChannel
from bot.channels.wecom.groups import bind_robot, create_group
from bot.http import build_http_app
from bot.settings import Settings
from bot.wiring import App, build_app
from core import texts
from core.clock import ManualClock
from schedules.meetings import send_reminders
from storage import chats, invites, meeting_attendance, meetings, org
from storage import outbox as outbox_queue
from storage.schema import chat_binding, chat_identity, event, invite, issue, outbox, vote
from tests.conftest import SHANGHAI, SMALL_ROSTER, START, cli_environment, run_cli
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

MEETING_AT = datetime(2026, 11, 6, 19, 30, tzinfo=SHANGHAI)
# WeCom userids of the small roster's people of 枫树湾 and 杨家湾.
USERS = {"H01": "liyong", "R01": "yuandc", "V01": "lipingjie", "V02": "lidaniang",
         "H02": "yangds", "V04": "yangxl"}


def wecom_settings(database_url: str, fake: FakeWeCom) -> Settings:
    return Settings(database_url=database_url, wecom_corp_id=CORP_ID, wecom_agent_id=AGENT_ID,
                    wecom_secret=SECRET, wecom_token=TOKEN, wecom_aes_key=AES_KEY,
                    wecom_api_url=fake.url)


@pytest.fixture(scope="module")
def fake_server() -> Iterator[FakeWeCom]:
    with serving(FakeWeCom()) as fake:
        yield fake


@pytest.fixture
def fake(fake_server: FakeWeCom, monkeypatch: pytest.MonkeyPatch) -> FakeWeCom:
    """The fake WeCom API, emptied; requests must not go through a proxy to reach it."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    fake_server.reset()
    return fake_server


@dataclass
class Rig:
    """The app with its WeCom channel, WeCom's callback side and the fake API."""

    app: App
    channel: WeComChannel
    peer: WeComPeer
    fake: FakeWeCom
    clock: ManualClock

    async def say(self, user: str, text: str, msg_id: int | None = None) -> httpx.Response:
        """A member sends ``text`` in the app chat; wait until it is handled and answered."""
        response = await self.peer.post(self.peer.text_xml(user, text, msg_id))
        await self.channel.idle()
        return response

    async def click(self, user: str, card: dict[str, Any], label: str,
                    code: str) -> httpx.Response:
        """A member clicks the button ``label`` of a card they received."""
        key = next(button["key"] for button in card["button_list"] if button["text"] == label)
        response = await self.peer.post(self.peer.click_xml(user, key, card["task_id"], code))
        await self.channel.idle()
        return response

    async def bind(self, *codes: str) -> None:
        """Bind roster people to their WeCom users with /start and their invite codes."""
        async with self.app.context.db.read() as connection:
            invite_codes = {code: invite_code for code, _, invite_code, _ in
                            await invites.listing(connection)}
        for code in codes:
            await self.say(USERS[code], f"/start {invite_codes[code]}")

    async def count(self, table: Any) -> int:
        async with self.app.context.db.read() as connection:
            return int(await connection.scalar(select(func.count()).select_from(table)) or 0)

    async def outbox_rows(self) -> list[Any]:
        async with self.app.context.db.read() as connection:
            return list(await connection.execute(select(outbox).order_by(outbox.c.id)))


@pytest.fixture
async def rig(app: App, clock: ManualClock, fake: FakeWeCom,
              database_url: str) -> AsyncIterator[Rig]:
    channel = WeComChannel(app, wecom_settings(database_url, fake))
    app.add_channel(channel)
    transport = httpx.ASGITransport(app=build_http_app(app, channel.routes()))
    async with httpx.AsyncClient(transport=transport, base_url="http://wuchang.test") as http:
        yield Rig(app, channel, WeComPeer(http, now=lambda: clock.now().timestamp()), fake,
                  clock)
    await channel.stop()


async def _group(rig: Rig, place: str = "枫树湾") -> str:
    """Create the 屋场's app group chat and deliver its welcome; return its chat id."""
    report = await create_group(rig.app, rig.channel.api, place)
    await rig.app.dispatcher.drain()
    return report.split("企业微信群 ")[1].split("（")[0]


async def test_url_verification(rig: Rig) -> None:
    verified = await rig.peer.http.get(f"/wecom/callback?{rig.peer.verification_query('4242')}")
    assert verified.status_code == 200 and verified.text == "4242"
    forged = await rig.peer.http.get(
        f"/wecom/callback?{rig.peer.verification_query('4242', token='guessed')}")
    assert forged.status_code == 403 and "4242" not in forged.text


async def test_start_binds_a_wecom_user(rig: Rig) -> None:
    await rig.bind("V01")
    async with rig.app.context.db.read() as connection:
        person_id = await chats.person_id_for(connection, CHANNEL, "lipingjie")
        person = await org.person_by_code(connection, "V01")
    assert person is not None and person_id == person.id
    assert rig.fake.texts_to("lipingjie") == ["绑定成功：李平杰，金竹村枫树湾村民。发送 /help 查看你能用的命令。"]
    assert (await rig.say("lipingjie", "/help")).status_code == 200
    assert rig.fake.texts_to("lipingjie")[-1].startswith("李平杰（村民），你在这里可以用：")


async def test_meeting_with_card_clicks(rig: Rig) -> None:
    await rig.bind("H01", "R01", "V01", "V02")
    chat_id = await _group(rig)
    created = rig.fake.bodies("appchat/create")[0]
    assert created["userlist"] == ["liyong", "yuandc", "lipingjie", "lidaniang"]
    assert created["owner"] == "liyong" and created["name"] == "金竹村枫树湾屋场群"
    assert rig.fake.group_texts(chat_id) == ["本群已绑定为金竹村枫树湾屋场群。会议通知、表决和问题清单都会发到这里。"]

    await rig.say("liyong", "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
    assert rig.fake.texts_to("liyong")[-1].startswith("已安排议事恳谈会：11月6日（周五）19:30")
    assert rig.fake.group_texts(chat_id)[-1].startswith("李勇安排了议事恳谈会")
    rig.clock.set(MEETING_AT)

    # A villager cannot open the meeting: the refusal goes to them alone, not the group.
    before = len(rig.fake.group_texts(chat_id))
    await rig.say("lipingjie", "/open")
    assert rig.fake.texts_to("lipingjie")[-1] == "村民不能使用 /open。发送 /help 查看你能用的命令。"
    assert len(rig.fake.group_texts(chat_id)) == before

    # The head opens it from the app chat: the group gets the text, each member a 签到 card.
    await rig.say("liyong", "/open")
    board = rig.fake.group_texts(chat_id)[-1]
    assert board.startswith("红色屋场议事恳谈会开始：讨论修路") and texts.BUTTONS_SENT_PRIVATELY in board
    cards = {user: rig.fake.cards_to(user)[-1] for user in
             ("liyong", "yuandc", "lipingjie", "lidaniang")}
    assert all(card["card_type"] == "button_interaction" for card in cards.values())
    assert [button["text"] for button in cards["lipingjie"]["button_list"]] == ["签到"]
    assert len({card["task_id"] for card in cards.values()}) == 4

    # 签到 by card: counted, and the presser's card shows the count and the confirmation.
    assert (await rig.click("lipingjie", cards["lipingjie"], "签到", "CLICK1")).status_code == 200
    async with rig.app.context.db.read() as connection:
        meeting = await meetings.find(connection, (await org.homesteads_named(
            connection, "枫树湾"))[0].id, meetings.OPEN)
        assert meeting is not None
        assert (await meeting_attendance.attendance(connection, meeting.id)).households_present == 1
    update = rig.fake.bodies("message/update_template_card")[-1]
    assert update["userids"] == ["lipingjie"] and update["response_code"] == "CLICK1"
    assert "到会1/3户，1人。" in update["template_card"]["sub_title_text"]
    assert update["template_card"]["quote_area"]["quote_text"] == "李平杰已签到。到会1/3户，1人。"
    assert update["template_card"]["task_id"] == cards["lipingjie"]["task_id"]

    # Votes by card: a checked-in villager's vote counts; one not checked in is refused.
    await rig.say("liyong", "/motion 每户出资100元修路")
    assert rig.fake.group_texts(chat_id)[-1].startswith("表决：每户出资100元修路")
    vote_card = rig.fake.cards_to("lipingjie")[-1]
    assert [button["text"] for button in vote_card["button_list"]] == ["赞成", "反对", "弃权"]
    await rig.click("lipingjie", vote_card, "赞成", "CLICK2")
    voted = rig.fake.bodies("message/update_template_card")[-1]["template_card"]
    assert voted["quote_area"]["quote_text"] == "李平杰：已记录赞成。"
    assert [button["text"] for button in voted["button_list"]] == ["赞成", "反对", "弃权"]
    await rig.click("lidaniang", rig.fake.cards_to("lidaniang")[-1], "赞成", "CLICK3")
    refused = rig.fake.bodies("message/update_template_card")[-1]
    assert refused["userids"] == ["lidaniang"]
    assert refused["template_card"]["quote_area"]["quote_text"] == texts.VOTE_NOT_CHECKED_IN
    assert await rig.count(vote) == 1

    await rig.say("liyong", "/close")
    assert rig.fake.group_texts(chat_id)[-1].startswith(
        "表决结果：每户出资100元修路\n赞成1 反对0 弃权0，到会1人，须赞成1人：通过。")

    # The group push: /end posts the summary to the app group chat.
    await rig.say("liyong", "/end")
    summary = rig.fake.group_texts(chat_id)[-1]
    assert summary.startswith("议事恳谈会结束：金竹村枫树湾")
    assert "1. 每户出资100元修路：通过（赞成1/反对0/弃权0）（不具约束力）" in summary
    assert all(row.status == "sent" for row in await rig.outbox_rows())


async def test_reminders_reach_the_app_group_and_a_group_robot(rig: Rig) -> None:
    await rig.bind("H01", "V01", "H02")
    chat_id = await _group(rig)
    rig.fake.robots.add("b2a1c3d4-0000-4bc4-97a0-0ec2f1a5aaaa")
    assert await bind_robot(rig.app, "杨家湾", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
                            "?key=b2a1c3d4-0000-4bc4-97a0-0ec2f1a5aaaa") == "已把群机器人绑定为金竹村杨家湾屋场群。"
    await rig.say("liyong", "/meeting 2026-11-07 19:30 晒谷坪 讨论修路")
    await rig.say("yangds", "/meeting 2026-11-07 20:00 祠堂 清淤")
    rig.clock.set(datetime(2026, 11, 6, 19, 0, tzinfo=SHANGHAI))
    assert await send_reminders(rig.app.context) == 2
    await rig.app.dispatcher.drain()
    assert rig.fake.group_texts(chat_id)[-1].startswith("提醒：明天19:30在晒谷坪召开红色屋场议事恳谈会。")
    robot = [call for call in rig.fake.calls if call.path == "webhook/send"]
    assert robot[0].body["text"]["content"] == "本群已绑定为金竹村杨家湾屋场群。会议通知、表决和问题清单都会发到这里。"
    assert robot[-1].body["text"]["content"].startswith("提醒：明天20:00在祠堂召开")
    assert robot[-1].params == {"key": "b2a1c3d4-0000-4bc4-97a0-0ec2f1a5aaaa"}


async def test_expired_token_is_refreshed_and_the_message_delivered(rig: Rig) -> None:
    await rig.bind("V01")
    assert rig.fake.count("gettoken") == 1
    rig.fake.fail_next["message/send"] = [42001]
    await rig.say("lipingjie", "/help")
    assert rig.fake.count("gettoken") == 2
    assert rig.fake.texts_to("lipingjie")[-1].startswith("李平杰（村民）")
    assert all(row.status == "sent" for row in await rig.outbox_rows())
    # A valid token is reused; one about to expire is fetched again before a call.
    await rig.say("lipingjie", "/help")
    assert rig.fake.count("gettoken") == 2
    rig.fake.expires_in = 120  # shorter than the refresh margin
    rig.fake.fail_next["message/send"] = [40014]
    await rig.say("lipingjie", "/help")  # refreshed; the retry finds it near expiry already
    assert rig.fake.count("gettoken") == 4
    await rig.say("lipingjie", "/help")
    assert rig.fake.count("gettoken") == 5
    assert [row.status for row in await rig.outbox_rows()] == ["sent"] * 5


async def test_rate_limit_waits_as_wecom_asks(rig: Rig) -> None:
    await rig.bind("H01", "V01")
    chat_id = await _group(rig)
    rig.fake.fail_next["appchat/send"] = [45009]
    await rig.say("liyong", "/meeting 2026-11-07 19:30 晒谷坪 讨论修路")
    waiting = [row for row in await rig.outbox_rows() if row.status == "pending"]
    assert len(waiting) == 1 and waiting[0].last_error.startswith("WeCom 45009")
    assert waiting[0].not_before == START + timedelta(seconds=60)
    rig.clock.set(START + timedelta(seconds=61))
    await rig.app.dispatcher.drain()
    assert rig.fake.group_texts(chat_id)[-1].startswith("李勇安排了议事恳谈会")


async def test_forged_callbacks_are_refused_and_change_nothing(rig: Rig) -> None:
    async with rig.app.context.db.read() as connection:
        code = (await invites.listing(connection))[0][2]
    before = [await rig.count(table) for table in (chat_identity, outbox, event)]
    message = rig.peer.text_xml("intruder", f"/start {code}", msg_id=4711)
    now = str(int(rig.clock.now().timestamp()))
    body, signature, _, nonce = rig.peer.signed(message)
    forgeries = {
        "signed with a guessed token": (lambda: rig.peer.post(message, token="guessed"), 403),
        "encrypted for another corp": (lambda: rig.peer.post(message, corp_id="wwother"), 403),
        "malformed XML": (lambda: rig.peer.post_raw("<xml><Encrypt>", "abc", now, "n"), 400),
        "plaintext not XML": (lambda: rig.peer.post("this is not XML"), 400),
        # The signature is checked before the body is parsed: broken XML around a
        # well-formed Encrypt field is refused as forged, not as malformed.
        "forged, broken XML": (lambda: rig.peer.post_raw(
            "<xml><Encrypt><![CDATA[AAAAAAAAAAAAAAAAAAAAAAAA]]></Encrypt><broken", "abc",
            now, "n"), 403),
        "dated 2020": (lambda: rig.peer.post(message, timestamp=1_577_836_800), 403),
        "a genuine one's signature with another time": (lambda: rig.peer.post_raw(
            body, signature, str(int(now) + 1), nonce), 403),
    }
    for forgery, (send, status) in forgeries.items():
        assert (await send()).status_code == status, forgery
        await rig.channel.idle()
        assert rig.fake.calls == [], forgery
        assert [await rig.count(table) for table in (chat_identity, outbox, event)] == before
        async with rig.app.context.db.read() as connection:
            assert await connection.scalar(select(func.count()).where(
                invite.c.used_at.is_not(None))) == 0
    # The same message, genuine, still goes through: the forgeries left no trace.
    assert (await rig.peer.post(message)).status_code == 200
    await rig.channel.idle()
    assert rig.fake.texts_to("intruder")[0].startswith("绑定成功：")


async def test_replayed_callbacks_are_ignored(rig: Rig) -> None:
    async with rig.app.context.db.read() as connection:
        code = {person: invite_code for person, _, invite_code, _ in
                await invites.listing(connection)}["V01"]
    events_before = await rig.count(event)
    first = await rig.say("lipingjie", f"/start {code}", msg_id=777)
    again = await rig.say("lipingjie", f"/start {code}", msg_id=777)  # encrypted anew
    assert first.status_code == again.status_code == 200
    assert len(rig.fake.texts_to("lipingjie")) == 1
    click = rig.peer.click_xml("lipingjie", "help", "unknowntask", "CODE1", create_time=1_790_000_001)
    for _ in range(2):
        assert (await rig.peer.post(click)).status_code == 200
        await rig.channel.idle()
    assert len(rig.fake.texts_to("lipingjie")) == 2
    assert await rig.count(event) == events_before + 1


@pytest.mark.parametrize("minutes", [-6, 6])
async def test_callbacks_more_than_five_minutes_off_the_clock_are_refused(
        rig: Rig, minutes: int) -> None:
    at = int((rig.clock.now() + timedelta(minutes=minutes)).timestamp())
    late = await rig.peer.post(rig.peer.text_xml("lipingjie", "/help"), timestamp=at)
    await rig.channel.idle()
    assert late.status_code == 403 and rig.fake.calls == []
    edge = int((rig.clock.now() + timedelta(minutes=minutes * 5 // 6)).timestamp())
    assert (await rig.peer.post(rig.peer.text_xml("lipingjie", "/help"),
                                timestamp=edge)).status_code == 200
    await rig.channel.idle()
    assert len(rig.fake.texts_to("lipingjie")) == 1


async def test_a_replay_after_a_restart_is_ignored(rig: Rig, database_url: str) -> None:
    """The seen MsgIds live in the database: a new process (or another worker) knows them."""
    await rig.bind("V01")
    body, signature, timestamp, nonce = rig.peer.signed(
        rig.peer.text_xml("lipingjie", "/issue 村口路灯坏了", msg_id=9001))
    assert (await rig.peer.post_raw(body, signature, timestamp, nonce)).status_code == 200
    await rig.channel.idle()
    assert len(rig.fake.cards_to("lipingjie")) == 2
    restarted = await build_app(Settings(database_url=database_url), rig.clock)
    channel = WeComChannel(restarted, wecom_settings(database_url, rig.fake))
    restarted.add_channel(channel)
    transport = httpx.ASGITransport(app=build_http_app(restarted, channel.routes()))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://wuchang.test") as http:
            again = await WeComPeer(http).post_raw(body, signature, timestamp, nonce)
            await channel.idle()
    finally:
        await channel.stop()
        await restarted.close()
    assert again.status_code == 200
    assert len(rig.fake.cards_to("lipingjie")) == 2 and len(rig.fake.texts_to("lipingjie")) == 1
    assert await rig.count(issue) == 1


async def test_a_large_body_is_refused_while_it_is_read(rig: Rig) -> None:
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(10_000):  # 640 MB if it were all read
            sent += 64 * 1024
            yield b"<xml>" + b" " * (64 * 1024 - 5)

    query = "msg_signature=abc&timestamp=1&nonce=n"
    refused = await rig.peer.http.post(f"/wecom/callback?{query}", content=endless())
    assert refused.status_code == 413 and sent <= 2 * 64 * 1024
    declared = await rig.peer.http.post(f"/wecom/callback?{query}", content=b"x" * 40_000)
    assert declared.status_code == 413


async def test_user_outside_visible_range_fails_and_others_go_on(rig: Rig) -> None:
    rig.fake.invisible.add("outsider")
    async with rig.app.context.db.read() as connection:
        codes = {person: invite_code for person, _, invite_code, _ in
                 await invites.listing(connection)}
    await rig.say("outsider", f"/start {codes['V02']}")
    await rig.bind("V01")
    rows = await rig.outbox_rows()
    failed = [row for row in rows if row.chat_id == "outsider"]
    assert [row.status for row in failed] == ["failed"]
    assert failed[0].last_error.startswith("WeCom 81013")
    assert [row.status for row in rows if row.chat_id == "lipingjie"] == ["sent"]
    assert rig.fake.texts_to("lipingjie")[0].startswith("绑定成功：李平杰")


async def test_group_command_without_a_group_says_so(rig: Rig) -> None:
    await rig.bind("H01")
    await rig.say("liyong", "/open")
    await rig.say("stranger", "签到")
    assert rig.fake.texts_to("liyong")[-1] == texts.NO_GROUP_FOR_COMMAND.format(command="/open")
    assert rig.fake.texts_to("stranger") == [texts.NOT_BOUND]
    assert rig.fake.count("appchat/send") == 0


async def test_ten_buttons_become_two_cards_and_a_click_on_the_second_works(rig: Rig) -> None:
    await rig.bind("V01")
    await rig.say("lipingjie", "/issue 村口路灯坏了")
    first, second = rig.fake.cards_to("lipingjie")
    assert first["main_title"]["title"].startswith("已记入问题清单：1号问题")
    assert [len(first["button_list"]), len(second["button_list"])] == [6, 4]
    assert second["main_title"]["title"] == texts.WECOM_MORE_CHOICES
    assert first["task_id"] != second["task_id"]
    await rig.click("lipingjie", second, "困难帮扶", "CLICK1")
    assert rig.fake.texts_to("lipingjie")[-1].startswith("1号问题类别：困难帮扶。")
    # Clicking again is refused on the card itself, which keeps its buttons.
    await rig.click("lipingjie", second, "生活改善", "CLICK2")
    again = rig.fake.bodies("message/update_template_card")[-1]["template_card"]
    assert again["quote_area"]["quote_text"] == "1号问题已经选过类别了。"
    assert len(again["button_list"]) == 4 and again["task_id"] == second["task_id"]


async def test_pictures_go_to_groups_and_members(rig: Rig) -> None:
    await rig.bind("H01", "V01")
    chat_id = await _group(rig)
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    async with rig.app.context.db.write() as connection:
        homestead = (await org.homesteads_named(connection, "枫树湾"))[0]
        await outbox_queue.to_homesteads(connection, [homestead.id], key="flags:test",
                                         text="11月红黄旗", image=png, now=START)
        person = await org.person_by_code(connection, "V01")
        assert person is not None
        await outbox_queue.to_persons(connection, [person.id], key="flags:test", text="结果",
                                      image=png, now=START)
    await rig.app.dispatcher.drain()
    assert [body["bytes"] > len(png) for body in rig.fake.bodies("media/upload")] == [True] * 2
    images = [body for body in rig.fake.bodies("appchat/send") if body["msgtype"] == "image"]
    assert images[0]["chatid"] == chat_id and images[0]["image"]["media_id"].startswith("MEDIA")
    private = [body for body in rig.fake.bodies("message/send") if body["msgtype"] == "image"]
    assert private[0]["touser"] == "lipingjie"
    assert rig.fake.group_texts(chat_id)[-1] == "11月红黄旗"


def test_long_texts_are_split_within_wecom_limits() -> None:
    text = "\n".join(f"第{number}行：" + "字" * 200 for number in range(12))
    chunks = text_chunks(text)
    assert all(len(chunk.encode()) <= 2048 for chunk in chunks) and len(chunks) > 1
    assert "\n".join(chunks) == text
    assert text_chunks("一" * 3000) == ["一" * 682, "一" * 682, "一" * 682, "一" * 682, "一" * 272]
    assert short_label("李平杰：已记录赞成。多的字") == "李平杰：已记录赞成"



def test_create_group_cli(fake: FakeWeCom, tmp_path: Path,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    cli_environment(monkeypatch, tmp_path)
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    for name, value in {"DATABASE_URL": url, "WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID":
                        str(AGENT_ID), "WECOM_SECRET": SECRET, "WECOM_TOKEN": TOKEN,
                        "WECOM_AES_KEY": AES_KEY, "WECOM_API_URL": fake.url}.items():
        monkeypatch.setenv(f"WUCHANG_{name}", value)

    async def bind(*codes: str) -> None:
        app = await build_app(Settings())
        try:
            if not codes:
                await import_roster_file(app, SMALL_ROSTER)
            async with app.context.db.write() as connection:
                for code in codes:
                    found = await org.person_by_code(connection, code)
                    assert found is not None
                    await chats.bind_account(connection, CHANNEL, USERS[code], found.id, START)
        finally:
            await app.close()

    asyncio.run(bind())
    asyncio.run(bind("H01", "V01", "H02"))
    created = run_cli("wecom", "create-group", "金竹村/枫树湾")
    assert created.exit_code == 0, created.output
    assert "已为金竹村枫树湾建立企业微信群 wuchang" in created.output and "（2人）" in created.output
    chat_id = fake.bodies("appchat/create")[0]["chatid"]
    assert fake.chats[chat_id]["userlist"] == ["liyong", "lipingjie"]
    assert fake.group_texts(chat_id) == ["本群已绑定为金竹村枫树湾屋场群。会议通知、表决和问题清单都会发到这里。"]

    asyncio.run(bind("R01"))
    synced = run_cli("wecom", "create-group", "枫树湾")
    assert synced.exit_code == 0 and "已有3人，新加入1人" in synced.output
    assert fake.bodies("appchat/update")[0]["add_user_list"] == ["yuandc"]

    too_few = run_cli("wecom", "create-group", "杨家湾")
    assert too_few.exit_code == 2
    assert "金竹村杨家湾只有1人绑定了企业微信" in too_few.output
    assert run_cli("wecom", "create-group", "老屋场").exit_code == 2  # two 屋场 have this name

    async def bindings() -> list[tuple[str, str]]:
        app = await build_app(Settings())
        try:
            async with app.context.db.read() as connection:
                return [(row.channel, row.external_chat_id) for row in
                        await connection.execute(select(chat_binding))]
        finally:
            await app.close()

    assert asyncio.run(bindings()) == [(CHANNEL, chat_id)]


def test_run_serves_the_wecom_callback(fake: FakeWeCom, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "WUCHANG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/run.db",
           "WUCHANG_HTTP_PORT": str(port), "NO_PROXY": "127.0.0.1",
           "WUCHANG_WECOM_CORP_ID": CORP_ID, "WUCHANG_WECOM_AGENT_ID": str(AGENT_ID),
           "WUCHANG_WECOM_SECRET": SECRET, "WUCHANG_WECOM_TOKEN": TOKEN,
           "WUCHANG_WECOM_AES_KEY": AES_KEY, "WUCHANG_WECOM_API_URL": fake.url}
    process = subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "run"],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    query = WeComPeer(None).verification_query("run-ok")
    try:
        deadline = time.monotonic() + 30
        answer = None
        while time.monotonic() < deadline and answer is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/wecom/callback?{query}", timeout=1)
            except httpx.HTTPError:
                time.sleep(0.2)
        assert answer is not None and answer.text == "run-ok"
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "channels ['wecom']" in output and "wuchang stopped" in output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
