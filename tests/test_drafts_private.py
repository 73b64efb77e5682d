"""Drafts answer only in private chats: a 屋场 group never sees an unconfirmed month (issue 22)."""

from __future__ import annotations

from bot.files.scheme import load_scheme
from core import texts
from tests.conftest import FakeBot, reviewed, texts_of

MONTH = "2026-10"
ASK = texts.DRAFT_ASK_PRIVATELY


async def test_flags_and_review_of_a_draft_only_in_private(bot: FakeBot) -> None:
    assert texts_of(await bot.say("T01", "枫树湾", f"/flags {MONTH}")) == [
        ASK.format(command=f"/flags {MONTH}")]
    assert texts_of(await bot.say("T01", "枫树湾", f"/review {MONTH}")) == [
        ASK.format(command=f"/review {MONTH}")]
    private = texts_of(await bot.say("T01", "private", f"/flags {MONTH}"))
    assert private and private[0] != ASK.format(command=f"/flags {MONTH}")


async def test_a_confirmed_month_may_be_shown_in_a_group(bot: FakeBot) -> None:
    for village in ("金竹村", "丰收村"):
        for category in load_scheme("monthly").categories:
            await bot.say("T01", "private", f"/score {MONTH} {village} {category} 80")
    await reviewed(bot.app, MONTH)
    await bot.say("T01", "private", f"/confirm {MONTH}")
    shown = texts_of(await bot.say("T01", "枫树湾", f"/flags {MONTH}"))
    assert shown and not shown[0].startswith(ASK[:8])
    await bot.say("T01", "private", f"/score {MONTH} 金竹村 {load_scheme('monthly').categories[0]} 90")
    assert texts_of(await bot.say("T01", "枫树湾", f"/flags {MONTH}")) == [
        ASK.format(command=f"/flags {MONTH}")]  # changed since: a draft again


async def test_status_in_a_group_only_for_its_own_homestead(bot: FakeBot) -> None:
    await bot.say("V05", "丰收村/老屋场", "/issue 桥栏杆松了")
    assert texts_of(await bot.say("T01", "枫树湾", "/status 1")) == [
        texts.STATUS_ASK_PRIVATELY.format(number=1)]
    assert "桥栏杆松了" in texts_of(await bot.say("T01", "private", "/status 1"))[0]
    assert "桥栏杆松了" in texts_of(await bot.say("H03", "丰收村/老屋场", "/status 1"))[0]
