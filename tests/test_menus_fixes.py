"""Menus that fit the person, second reading (issue 21 item 6): menus taken back, no flood."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bench.fake_bot_api import FakeTelegram, private_chat, user
from bot.admin import import_roster_file
from bot.channels.telegram.updates import CHANNEL
from bot.settings import Settings
from bot.wiring import App, build_app
from core import texts
from core.clock import ManualClock
from core.messages import ChatKind
from core.roles import Role
from handlers import menus
from handlers.menus import MENU_BURST, MENU_SPACING
from handlers.table import COMMANDS
from schedules.jobs import run_job
from storage import chats, invites, org
from storage import menus as menus_storage
from storage.schema import person
from tests.conftest import SMALL_ROSTER
from tests.test_deployment import health
from tests.test_menus import H01, MAPLE, R01, T01, V01, helped, settle
from tests.test_telegram import (
    bind,
    enqueue,
    fake,
    outbox_rows,
    running,
    say,
    sqlite_app,
    start,
    text_of,
)

__all__ = ["fake", "sqlite_app"]  # the fixtures, shared with the Telegram tests

NEW_PHONE = user(699, "李勇")
C01, C02 = user(605, "杨村官"), user(606, "唐村官")


async def test_a_recorder_made_a_villager_loses_his_menu_in_the_group(
        app: App, fake: FakeTelegram, tmp_path: Path) -> None:
    """On SQLite and PostgreSQL: the roster's change takes the member's own menu back."""
    async with running(app, fake) as channel:
        await bind(app, fake, H01, "H01", MAPLE)
        await start(app, fake, R01, "R01")
        await start(app, fake, V01, "V01")
        await settle(app, channel)
        villagers = fake.menu_for(MAPLE["id"], V01["id"])
        assert "minutes" in fake.menu_for(MAPLE["id"], R01["id"])
        changed = tmp_path / "roster.csv"
        changed.write_text(SMALL_ROSTER.read_text(encoding="utf-8").replace("56,记录员,", "56,,"),
                           encoding="utf-8")
        await import_roster_file(app, changed)
        await app.dispatcher.drain()
        assert fake.menu_for(MAPLE["id"], R01["id"]) == villagers
        assert "minutes" not in fake.menu_for(private_chat(R01)["id"])
        assert ("chat_member", MAPLE["id"], R01["id"]) not in fake.menus
        assert len(fake.calls_of("deleteMyCommands")) == 1
        # Taken back once: nothing more to do, by the quick look or the whole comparison.
        assert await channel.refresh_menus(app.context) == 0
        assert await channel.refresh_menus(app.context, whole=True) == 0


async def test_a_head_moved_to_another_homestead_loses_his_menu_in_the_old_group(
        sqlite_app: App, fake: FakeTelegram, tmp_path: Path) -> None:
    async with running(sqlite_app, fake) as channel:
        await bind(sqlite_app, fake, H01, "H01", MAPLE)
        await start(sqlite_app, fake, R01, "R01")
        await settle(sqlite_app, channel)
        assert "minutes" in fake.menu_for(MAPLE["id"], R01["id"])
        changed = tmp_path / "roster.csv"
        changed.write_text(SMALL_ROSTER.read_text(encoding="utf-8")
                           .replace("枫树湾,2,是,否,56", "杨家湾,2,是,否,56"), encoding="utf-8")
        await import_roster_file(sqlite_app, changed)
        await sqlite_app.dispatcher.drain()
        assert fake.menu_for(MAPLE["id"], R01["id"]) == fake.menu_for(MAPLE["id"], V01["id"])
        assert "minutes" in fake.menu_for(private_chat(R01)["id"])  # still a recorder


async def test_an_account_replaced_by_a_new_one_gets_the_unbound_menu_back(
        sqlite_app: App, fake: FakeTelegram) -> None:
    async with running(sqlite_app, fake) as channel:
        await bind(sqlite_app, fake, H01, "H01", MAPLE)
        await settle(sqlite_app, channel)
        assert "meeting" in fake.menu_for(private_chat(H01)["id"])
        async with sqlite_app.context.db.write() as connection:
            head = await org.person_by_code(connection, "H01")
            assert head is not None
            code = await invites.renew(connection, head.id, sqlite_app.context.clock.now())
        replies = await say(fake, NEW_PHONE, private_chat(NEW_PHONE), f"/start {code}")
        assert text_of(replies[0]).startswith("绑定成功")
        await settle(sqlite_app, channel)
        assert fake.menu_for(private_chat(H01)["id"]) == ["start", "help"]
        assert ("chat_member", MAPLE["id"], H01["id"]) not in fake.menus
        assert "meeting" in fake.menu_for(private_chat(NEW_PHONE)["id"])
        assert "open" in fake.menu_for(MAPLE["id"], NEW_PHONE["id"])
        assert await channel.refresh_menus(sqlite_app.context) == 0


async def test_the_villages_cadres_see_their_menu_in_its_groups(
        sqlite_app: App, fake: FakeTelegram, clock: ManualClock) -> None:
    """The village's cadre acts in the group: his menu; the official has his in private."""
    async with running(sqlite_app, fake) as channel:
        await bind(sqlite_app, fake, H01, "H01", MAPLE)
        for person, code in ((T01, "T01"), (C01, "C01"), (C02, "C02"), (V01, "V01")):
            await start(sqlite_app, fake, person, code)
        await settle(sqlite_app, channel)
        villagers = fake.menu_for(MAPLE["id"], V01["id"])
        official = fake.menu_for(MAPLE["id"], T01["id"])
        cadre = fake.menu_for(MAPLE["id"], C01["id"])
        assert fake.menu_for(MAPLE["id"], C02["id"]) == villagers  # another village's cadre
    assert official == villagers  # one call per group of the township would be too many
    assert cadre == await helped(sqlite_app, clock, "C01", "枫树湾") != villagers
    assert "escalate" in cadre


async def test_start_up_queues_no_menus_and_the_job_spreads_them_out(
        app: App, fake: FakeTelegram, clock: ManualClock) -> None:
    """On SQLite and PostgreSQL: after an upgrade every bound chat needs its menu."""
    async with app.context.db.write() as connection:
        ids = list((await connection.execute(select(person.c.id).order_by(person.c.id)))
                   .scalars())
        for number, person_id in enumerate(ids):
            await chats.bind_account(connection, CHANNEL, str(800 + number), person_id,
                                     clock.now())
    assert len(ids) > MENU_BURST + 2
    async with running(app, fake) as channel:
        assert [key for key in await outbox_rows(app) if key.startswith("menu:")] == []
        [job] = [job for job in app.jobs if job.name == "telegram_menus"]
        assert await run_job(app.context, job)
        rows = [row for key, row in (await outbox_rows(app)).items() if key.startswith("menu:")]
        assert len(rows) == len(ids)
        times = sorted(row.not_before for row in rows)
        assert times[:MENU_BURST] == [clock.now()] * MENU_BURST
        assert times[MENU_BURST:] == [clock.now() + MENU_SPACING * step
                                      for step in range(1, len(ids) - MENU_BURST + 1)]
        # Waiting menus are not a backlog people wait for: /healthz stays 200.
        strict = replace(app, settings=app.settings.model_copy(update={"health_backlog": 0}))
        status, found = await health(strict)
        assert status == 200 and found["outbox"] == {"pending": 0, "failed": 0, "limit": 0}
        # A message queued meanwhile goes out with the first menus, not after all of them.
        last = str(800 + len(ids) - 1)
        fake.know(private_chat(user(int(last), "颜荣香")))
        await enqueue(app, "hello", int(last), "你好")
        await app.dispatcher.drain()
        assert [call.params["text"] for call in fake.calls_of("sendMessage")
                if call.params["chat_id"] == last] == ["你好"]
        assert len(fake.calls_of("setMyCommands", since=0)) < len(ids)
        # Compared once in this worker; a copy computed meanwhile elsewhere queues nothing.
        assert await channel.refresh_menus(app.context) == 0
        async with app.context.db.write() as connection:
            target = menus_storage.Target(last, ChatKind.PRIVATE)
            [(name, fingerprint)] = [shown for chat, shown in
                                     (await menus_storage.shown(connection, CHANNEL)).items()
                                     if chat == target]
            assert not await menus_storage.queue(connection, CHANNEL, target, name, fingerprint,
                                                 clock.now() + timedelta(seconds=1))


async def test_a_429_on_the_description_does_not_keep_the_default_menus_back(
        sqlite_app: App, fake: FakeTelegram) -> None:
    fake.fail_next("setMyDescription", 429, "Too Many Requests: retry after 5",
                   {"retry_after": 5})
    async with running(sqlite_app, fake):
        pass
    assert fake.menu_for(private_chat(V01)["id"]) == ["start", "help"]
    assert fake.menu_for(MAPLE["id"], V01["id"]) == ["bind", "help"]
    assert fake.descriptions == {"short_description": texts.BOT_SHORT_DESCRIPTION}
    # The next start sets the description it missed, and nothing already as it should be.
    async with running(sqlite_app, fake):
        pass
    assert fake.descriptions["description"] == texts.BOT_DESCRIPTION
    assert [call.status for call in fake.calls if call.method == "setMyDescription"] \
        == [429, 200]  # the refused one, then this one
    assert [call.status for call in fake.calls if call.method == "setMyShortDescription"] \
        == [200]


async def test_a_roster_import_where_telegram_is_not_running_queues_no_menus(
        sqlite_app: App, sqlite_url: str, fake: FakeTelegram, clock: ManualClock,
        tmp_path: Path) -> None:
    """``wuchang roster import`` runs no channel: the running worker's menu job catches up."""
    async with running(sqlite_app, fake) as channel:
        await bind(sqlite_app, fake, H01, "H01", MAPLE)
        await start(sqlite_app, fake, R01, "R01")
        await settle(sqlite_app, channel)
        assert await channel.refresh_menus(sqlite_app.context) == 0
        before = set(await outbox_rows(sqlite_app))
        changed = tmp_path / "roster.csv"
        changed.write_text(SMALL_ROSTER.read_text(encoding="utf-8").replace("56,记录员,", "56,,"),
                           encoding="utf-8")
        office = await build_app(Settings(database_url=sqlite_url), clock)
        try:
            await import_roster_file(office, changed)
        finally:
            await office.close()
        assert set(await outbox_rows(sqlite_app)) == before
        assert "minutes" in fake.menu_for(private_chat(R01)["id"])  # not yet
        await settle(sqlite_app, channel)
        assert "minutes" not in fake.menu_for(private_chat(R01)["id"])
        assert fake.menu_for(MAPLE["id"], R01["id"]) == fake.menu_for(MAPLE["id"], V01["id"])


async def test_a_menu_taken_back_gives_up_an_older_one_still_waiting(
        sqlite_app: App, fake: FakeTelegram, clock: ManualClock) -> None:
    """A spread-out menu still waiting must not land after the newer one for that chat."""
    async with running(sqlite_app, fake):
        head = menus_storage.Target(str(MAPLE["id"]), ChatKind.GROUP, str(H01["id"]))
        name = menus.menu_name(Role.HEAD, ChatKind.GROUP)
        async with sqlite_app.context.db.write() as connection:
            assert await menus_storage.queue(
                connection, CHANNEL, head, name, menus.digest(menus.entries_of(COMMANDS, name)),
                clock.now(), not_before=clock.now() + timedelta(minutes=1))
            assert await menus_storage.queue(connection, CHANNEL, head, menus_storage.TAKEN_BACK,
                                             "", clock.now())
        await sqlite_app.dispatcher.drain()
        clock.set(clock.now() + timedelta(minutes=2))
        await sqlite_app.dispatcher.drain()
        assert ("chat_member", MAPLE["id"], H01["id"]) not in fake.menus
        assert not [call for call in fake.calls_of("setMyCommands")
                    if call.params.get("scope", {}).get("type") == "chat_member"]
        given_up = [row for key, row in (await outbox_rows(sqlite_app)).items()
                    if key.startswith("menu:") and row.status == "failed"]
        assert [row.last_error for row in given_up] == [menus_storage.SUPERSEDED]
