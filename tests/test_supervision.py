"""Township supervision through the console (S1-S3): digest, lagging 屋场, talks, the quarter."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.admin import verify_tasks
from bot.cli.main import cli
from bot.wiring import App
from core import texts
from core.messages import Outgoing
from storage.export import snapshot
from tests.conftest import SHANGHAI, FakeBot, texts_of

FENGSHU = "枫树湾"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment of 2026 in Shanghai."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


async def _meeting(bot: FakeBot, day: int, households: str, motion: str | None) -> None:
    """Hold a November meeting of 枫树湾 with these households present."""
    await bot.say("H01", FENGSHU, f"/meeting 2026-11-{day:02d} 19:30 晒谷坪 修路")
    bot.clock.set(at(11, day, 19, 30))
    await bot.say("H01", FENGSHU, "/open")
    await bot.say("R01", FENGSHU, f"/attend {households}")
    if motion is not None:
        await bot.say("H01", FENGSHU, f"/motion {motion}")
        await bot.say("R01", FENGSHU, "/tally 3 0 0")
        await bot.say("H01", FENGSHU, "/close")
    bot.clock.set(at(11, day, 21))
    await bot.say("H01", FENGSHU, "/end")


async def _november(bot: FakeBot) -> None:
    """A quorate and a non-quorate meeting, and an issue overdue past its 11-12 deadline."""
    replies = await bot.say("V01", FENGSHU, "/issue 村口路灯坏了")
    assert replies[0].text.startswith("已记入问题清单：1号问题"), texts_of(replies)
    await bot.press("V01", FENGSHU, "设施管护")
    await bot.say("H01", FENGSHU, "/escalate 1 需要村里出钱")
    await _meeting(bot, 6, "1 2 3", "村口修路")  # 3 of 3 resident households: quorate
    await bot.tick(at(11, 13, 0, 5))  # past its 5 working days: overdue from 11-13
    await _meeting(bot, 20, "1", None)  # 1 of 3: below quorum


def _digest_of(messages: list[Outgoing], chat: str) -> Outgoing:
    (found,) = [message for message in messages
                if message.chat_id == chat and "工作月报" in message.text]
    return found


async def test_the_monthly_digest_with_lagging_homesteads(app: App, bot: FakeBot) -> None:
    await _november(bot)
    # Its deadline was 11-12: /digest on 11-26 judges it exactly 10 working days overdue.
    bot.clock.set(at(11, 26, 10))
    early = (await bot.say("C01", "private", "/digest 2026-11"))[0].text
    assert "有问题超期超过10个工作日" not in early
    # On the 1st at 09:00 the digests go out, judged on the month's last day (12 days).
    assert [message for message in await bot.tick(at(12, 1, 8, 59))
            if "工作月报" in message.text] == []
    sent = await bot.tick(at(12, 1, 9))
    village = _digest_of(sent, "C01")
    assert village.text == "\n".join([
        texts.DIGEST_TITLE.format(place="金竹村", month="2026-11"), texts.DIGEST_LEGEND,
        "杨家湾：0/0｜—｜0/0｜0/0/0/0｜—",  # in roster order
        "枫树湾：2/1｜67%｜1/1｜1/0/0/1｜—",
        "老屋场：0/0｜—｜0/0｜0/0/0/0｜—",
        texts.DIGEST_LAGGING,
        "金竹村杨家湾：连续2个月没有开会",
        "金竹村枫树湾：有问题超期超过10个工作日",
        "金竹村老屋场：连续2个月没有开会"])
    assert village.image is not None and village.image.startswith(PNG_SIGNATURE)
    township = _digest_of(sent, "T01")
    assert township.text.splitlines()[2:4] == ["丰收村：0/0｜—｜0/0｜0/0/0/0｜—",
                                               "金竹村：2/1｜67%｜1/1｜1/0/0/1｜—"]
    assert "丰收村老屋场：连续2个月没有开会" in township.text
    assert _digest_of(sent, "C02").text.startswith("丰收村2026-11")
    # Once: a later tick, or a service that comes back later, sends nothing again.
    assert [message for message in await bot.tick(at(12, 3, 9))
            if "工作月报" in message.text] == []
    # On demand: the same text, for a cadre's village or an official's township.
    shown = await bot.say("C01", "private", "/digest")
    assert shown[0].text == village.text and shown[0].image is not None
    # The officials' digest that went out ends with the chain's head (tests/test_seals.py).
    sent_body, _, anchor = township.text.rpartition("\n")
    assert anchor.startswith(texts.CHAIN_HEAD_LINE.split("{")[0])
    assert texts_of(await bot.say("T01", "private", "/digest 2026-11"))[0] == sent_body
    assert texts_of(await bot.say("H01", "private", "/digest")) == [texts.ROLE_REFUSED.format(
        role="屋场长", command="/digest")]
    assert texts_of(await bot.say("C01", "private", "/digest 11月")) == [
        texts.MONTH_BAD.format(value="11月")]


async def test_a_talk_opened_and_closed(app: App, bot: FakeBot) -> None:
    opened = await bot.say("T01", "private", "/talk 金竹村 连续两个月没有开会")
    assert [(message.chat_id, message.text) for message in opened] == [
        ("T01", texts.TALK_OPENED.format(number=1, village="金竹村", reason="连续两个月没有开会",
                                         due="11月19日")),
        ("C01", texts.TALK_TOLD.format(official="周镇长", village="金竹村", number=1,
                                       reason="连续两个月没有开会"))]
    shown = texts_of(await bot.say("C01", "private", "/digest 2026-11"))[0]
    assert shown.endswith(f"{texts.DIGEST_TALKS}\n1号 金竹村：连续两个月没有开会（11月5日起）")
    assert texts_of(await bot.say("T01", "private", "/talk 金竹")) == [texts.TALK_USAGE]
    assert texts_of(await bot.say("T01", "private", "/talk 石桥村 滞后")) == [
        texts.VILLAGE_UNKNOWN.format(name="石桥村")]
    assert texts_of(await bot.say("T02", "private", "/talkdone 1 已约谈")) == [
        texts.TALK_UNKNOWN.format(number=1)]  # another township's
    assert texts_of(await bot.say("C01", "private", "/talkdone 1 已约谈")) == [
        texts.ROLE_REFUSED.format(role="村干部", command="/talkdone")]
    done = await bot.say("T01", "private", "/talkdone 1 已约谈村支书，限期整改")
    assert [(message.chat_id, message.text) for message in done] == [
        ("T01", texts.TALK_DONE.format(number=1, result="已约谈村支书，限期整改")),
        ("C01", texts.TALK_DONE_TOLD.format(number=1, village="金竹村", reason="连续两个月没有开会",
                                            result="已约谈村支书，限期整改"))]
    assert texts_of(await bot.say("T01", "private", "/talkdone 1 再次")) == [
        texts.TALK_CLOSED_ALREADY.format(number=1)]
    assert texts.DIGEST_TALKS not in texts_of(await bot.say("C01", "private", "/digest"))[0]
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
    assert [{key: talk[key] for key in ("village", "official", "reason", "status")}
            for talk in state["talks"]] == [{"village": "金竹村", "official": "周镇长",
                                             "reason": "连续两个月没有开会", "status": "done"}]
    assert [task["kind"] for task in state["tasks"]] == ["talk"]
    assert await verify_tasks(app) == []


async def test_a_quarter_ranked_with_bonus_points(app: App, bot: FakeBot) -> None:
    await _november(bot)
    assert texts_of(await bot.say("T01", "private", "/bonus 2026-Q4 丰收村 20 太多")) == [
        texts.BONUS_POINTS_BAD.format(value="20", limit=10)]
    assert texts_of(await bot.say("T01", "private", "/bonus 2026-Q9 丰收村 2 理由")) == [
        texts.QUARTER_BAD.format(value="2026-Q9")]
    assert texts_of(await bot.say("T01", "private", "/bonus 2026-Q4 丰收村 5 经验全县推广")) == [
        texts.BONUS_RECORDED.format(village="丰收村", quarter="2026-Q4", points=5,
                                    reason="经验全县推广")]
    ranked = texts_of(await bot.say("T01", "private", "/assess 2026-Q4"))[0]
    # 金竹村: October and December 30 (issues on time only); November 10 (one 屋场 of three
    # met) + 13.33 (attendance 2/3) + 0 (its one issue overdue): 23.33. Mean 27.78.
    assert ranked.splitlines() == [
        texts.ASSESS_TITLE.format(quarter="2026-Q4"),
        "1. 丰收村 30+5=35", "   加分+5：经验全县推广",
        "2. 金竹村 27.78+0=27.78"]
    assert texts_of(await bot.say("C01", "private", "/assess 2026-Q4")) == [
        texts.ROLE_REFUSED.format(role="村干部", command="/assess")]


@pytest.mark.parametrize("month", ["2026-11"])
def test_wuchang_digest_prints_each_township(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                             month: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WUCHANG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    runner = CliRunner()
    roster = Path(__file__).with_name("roster_small.csv")
    assert runner.invoke(cli, ["roster", "import", str(roster)]).exit_code == 0
    result = runner.invoke(cli, ["digest", "--month", month])
    assert result.exit_code == 0, result.output
    assert texts.DIGEST_TITLE.format(place="金溪镇", month=month) in result.output
    assert "金竹村：0/0｜—｜0/0｜0/0/0/0｜—" in result.output
    bad = runner.invoke(cli, ["digest", "--month", "2026-13"])
    assert bad.exit_code == 2


async def test_a_service_that_was_down_catches_up_within_the_first_week(
        app: App, bot: FakeBot) -> None:
    # Down from November to 12-08: November's digest is stale by then and is not sent.
    assert [message for message in await bot.tick(at(12, 8, 9))
            if "工作月报" in message.text] == []
    # Down over the 1st of January, back on the 3rd: December's digest goes out then.
    sent = [message for message in await bot.tick(datetime(2027, 1, 3, 15, tzinfo=SHANGHAI))
            if "工作月报" in message.text]
    assert sorted(message.chat_id for message in sent) == ["C01", "C02", "T01"]
    assert all("2026-12" in message.text for message in sent)
