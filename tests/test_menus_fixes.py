"""Menus that fit the person, second reading (issue 21 item 6): menus taken back, no flood."""

from __future__ import annotations

from pathlib import Path

from bench.fake_bot_api import FakeTelegram, private_chat, user
from bot.admin import import_roster_file
from bot.wiring import App
from core.clock import ManualClock
from storage import invites, org
from tests.conftest import SMALL_ROSTER
from tests.test_menus import H01, MAPLE, R01, T01, V01, helped, settle
from tests.test_telegram import bind, fake, running, say, sqlite_app, start, text_of

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


async def test_officials_covering_the_groups_homestead_see_their_menu_there(
        sqlite_app: App, fake: FakeTelegram, clock: ManualClock) -> None:
    """The village's cadre and the township's official act in the group: their menus."""
    async with running(sqlite_app, fake) as channel:
        await bind(sqlite_app, fake, H01, "H01", MAPLE)
        for person, code in ((T01, "T01"), (C01, "C01"), (C02, "C02"), (V01, "V01")):
            await start(sqlite_app, fake, person, code)
        await settle(sqlite_app, channel)
        villagers = fake.menu_for(MAPLE["id"], V01["id"])
        official = fake.menu_for(MAPLE["id"], T01["id"])
        cadre = fake.menu_for(MAPLE["id"], C01["id"])
        assert fake.menu_for(MAPLE["id"], C02["id"]) == villagers  # another village's cadre
    assert official == await helped(sqlite_app, clock, "T01", "枫树湾") != villagers
    assert cadre == await helped(sqlite_app, clock, "C01", "枫树湾") != villagers
    assert "escalate" in cadre and "talk" in official
