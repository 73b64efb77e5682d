"""Menus that fit the person (issue 21 item 6): Telegram's menus by role, from the one table."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.fake_bot_api import FakeTelegram, Json, group_chat, private_chat, user
from bot.admin import import_roster_file
from bot.channels.telegram.channel import TelegramChannel
from bot.wiring import App
from core import texts
from core.clock import ManualClock
from core.messages import ChatKind
from core.roles import Role
from handlers import menus
from handlers.table import COMMANDS
from schedules.jobs import run_job
from tests.conftest import SMALL_ROSTER, FakeBot
from tests.test_telegram import bind, fake, running, sqlite_app, start

__all__ = ["fake", "sqlite_app"]  # the fixtures, shared with the Telegram tests

T01, H01, R01, V01 = (user(601, "周镇长"), user(602, "李勇"), user(603, "袁东成"),
                      user(604, "李平杰"))
MAPLE = group_chat(-5001, "枫树湾议事群")


async def helped(app: App, clock: ManualClock, person: str, chat: str) -> list[str]:
    """The command names /help lists to a roster person in a chat, through the console."""
    console = FakeBot(app, clock)
    await console.start(set())
    [reply] = await console.say(person, chat, "/help")
    return [line.split()[0].removeprefix("/") for line in reply.text.splitlines()[1:]]


async def settle(app: App, channel: TelegramChannel) -> None:
    """Run the channel's menu job and deliver what it queued."""
    await channel.refresh_menus(app.context)
    await app.dispatcher.drain()


async def test_start_up_sets_chinese_descriptions_and_the_unbound_menus(
        sqlite_app: App, fake: FakeTelegram) -> None:
    async with running(sqlite_app, fake):
        pass
    assert fake.descriptions == {"description": texts.BOT_DESCRIPTION,
                                 "short_description": texts.BOT_SHORT_DESCRIPTION}
    assert fake.menu_for(private_chat(V01)["id"]) == ["start", "help"]
    assert fake.menu_for(MAPLE["id"], V01["id"]) == ["bind", "help"]
    [default] = [call for call in fake.calls_of("setMyCommands") if "scope" not in call.params
                 or call.params["scope"]["type"] == "default"]
    assert {"command": "start", "description": texts.HELP_START.summary} in \
        default.params["commands"]


async def test_each_bound_person_sees_their_roles_commands(sqlite_app: App, fake: FakeTelegram,
                                                           clock: ManualClock) -> None:
    async with running(sqlite_app, fake) as channel:
        for person, code in ((T01, "T01"), (H01, "H01"), (V01, "V01")):
            await start(sqlite_app, fake, person, code)
        await settle(sqlite_app, channel)
        villager = fake.menu_for(private_chat(V01)["id"])
        official = fake.menu_for(private_chat(T01)["id"])
        head = fake.menu_for(private_chat(H01)["id"])
    assert villager == await helped(sqlite_app, clock, "V01", "private")
    assert official == await helped(sqlite_app, clock, "T01", "private")
    assert head == await helped(sqlite_app, clock, "H01", "private")
    assert "veto" not in villager and "confirm" not in villager
    assert {"veto", "confirm", "score"} <= set(official)
    assert "meeting" in head and "veto" not in head
    assert "start" not in villager  # bound already


async def test_a_group_shows_villagers_commands_and_its_head_his_own(
        sqlite_app: App, fake: FakeTelegram, clock: ManualClock) -> None:
    async with running(sqlite_app, fake) as channel:
        await start(sqlite_app, fake, V01, "V01")
        await bind(sqlite_app, fake, H01, "H01", MAPLE)
        await settle(sqlite_app, channel)
        villager = fake.menu_for(MAPLE["id"], V01["id"])
        head = fake.menu_for(MAPLE["id"], H01["id"])
    assert villager == await helped(sqlite_app, clock, "V01", "枫树湾")
    assert head == await helped(sqlite_app, clock, "H01", "枫树湾")
    assert {"open", "motion", "end"} <= set(head)
    assert not {"open", "motion", "veto", "confirm"} & set(villager)
    assert "checkin" in villager
    scopes = {(call.params["scope"]["type"], int(call.params["scope"]["chat_id"]))
              for call in fake.calls_of("setMyCommands") if "scope" in call.params
              and call.params["scope"]["type"] in ("chat", "chat_member")}
    assert ("chat", MAPLE["id"]) in scopes and ("chat_member", MAPLE["id"]) in scopes


async def test_menus_are_sent_once_until_a_role_changes(app: App, fake: FakeTelegram,
                                                        tmp_path: Path) -> None:
    """On SQLite and PostgreSQL: who should see which menu, and what each was sent."""
    async with running(app, fake) as channel:
        await start(app, fake, R01, "R01")
        await start(app, fake, V01, "V01")
        await settle(app, channel)
        assert await channel.refresh_menus(app.context) == 0  # nothing bound since
        assert await channel.refresh_menus(app.context, whole=True) == 0  # nor changed
        assert "minutes" not in fake.menu_for(private_chat(V01)["id"])
        # The roster makes V01 the recorder and R01 a villager: the import queues both menus.
        changed = tmp_path / "roster.csv"
        changed.write_text(SMALL_ROSTER.read_text(encoding="utf-8")
                           .replace("56,记录员,", "56,,").replace("25,,", "25,记录员,"),
                           encoding="utf-8")
        await import_roster_file(app, changed)
        assert await app.dispatcher.drain() == 2
        assert "minutes" in fake.menu_for(private_chat(V01)["id"])
        assert "minutes" not in fake.menu_for(private_chat(R01)["id"])
        assert await channel.refresh_menus(app.context) == 0


def test_every_menu_is_what_help_lists_and_fits_telegram() -> None:
    for role in (None, *Role):
        for kind in ChatKind:
            listed = menus.entries(COMMANDS, role, kind)
            name = menus.menu_name(role, kind)
            assert menus.entries_of(COMMANDS, name) == listed
            assert all(command.islower() and len(summary) <= 256
                       for command, summary in listed)
            assert len(listed) <= 100
    with pytest.raises(ValueError):
        menus.entries_of(COMMANDS, "private:mayor")


async def test_a_binding_reaches_the_menu_through_the_menu_job(sqlite_app: App,
                                                               fake: FakeTelegram) -> None:
    async with running(sqlite_app, fake):
        await start(sqlite_app, fake, V01, "V01")
        assert fake.menu_for(private_chat(V01)["id"]) == ["start", "help"]  # not yet
        [job] = [job for job in sqlite_app.jobs if job.name == "telegram_menus"]
        assert await run_job(sqlite_app.context, job)
        assert await sqlite_app.dispatcher.drain() == 1
        assert "issue" in fake.menu_for(private_chat(V01)["id"])


def voice_update(fake: FakeTelegram, person: Json, chat: Json) -> Json:
    """The update of ``person`` sending a voice message in ``chat``."""
    fake.know(chat)
    return {"message": {"message_id": 9001, "date": 1_790_000_000, "chat": chat,
                        "from": person, "voice": {"file_id": "v1", "file_unique_id": "uv1",
                                                  "duration": 3, "mime_type": "audio/ogg"}}}


async def test_a_voice_message_or_a_villagers_picture_gets_what_the_bot_can_take(
        sqlite_app: App, fake: FakeTelegram) -> None:
    async with running(sqlite_app, fake):
        await start(sqlite_app, fake, V01, "V01")
        since = len(fake.calls)
        fake.push(voice_update(fake, V01, private_chat(V01)))
        [answer] = await fake.outputs(since, 1)
        assert answer.params["text"] == texts.MEDIA_NOT_TAKEN
        since = len(fake.calls)
        fake.send_file(V01, private_chat(V01), b"\xff\xd8\xff\xe0 a JPEG")
        [answer] = await fake.outputs(since, 1)
        assert answer.params["text"] == texts.MEDIA_NOT_TAKEN
        # In a group people share voices and pictures all day: the bot keeps quiet.
        since = len(fake.calls)
        fake.push(voice_update(fake, V01, MAPLE))
        fake.say(V01, private_chat(V01), "/help")  # handled after the voice, in order
        [helped] = await fake.outputs(since, 1)
        assert helped.params["chat_id"] == str(V01["id"])
        assert helped.params["text"].startswith(texts.HELP_HEADER.format(name="李平杰",
                                                                         role="村民"))
