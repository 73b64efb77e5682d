"""Issue 17's rest through the real handlers: the objection window, one veto withdrawn,
the liaison official's rectification, the grid averages and /year (F10-F13)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bot.files.scheme import load_scheme
from bot.wiring import App
from core import texts
from core.clock import ManualClock
from storage import events
from storage.export import snapshot
from tests.conftest import SHANGHAI, FakeBot, texts_of
from tests.test_flags import MONTH, OFFICIAL, add_villages, written

SCHEME = load_scheme("monthly")
PARTY = SCHEME.categories[0]
REVIEWER = "T04"  # an official of 金溪镇 who enters no score (tests/conftest.py MORE_OF_FENGSHU)


def say(bot: FakeBot, text: str, who: str = OFFICIAL) -> Any:
    return bot.say(who, "private", text)


# --- F10: /confirm waits for the objection window to close -------------------------------

async def test_confirm_waits_until_the_objection_window_closed(
        app: App, bot_with_more: FakeBot, clock: ManualClock) -> None:
    bot = bot_with_more
    for village, score in (("金竹村", 90), ("丰收村", 80)):
        for category in SCHEME.categories:
            await say(bot, f"/score {MONTH} {village} {category} {score}")
    # Reviewed on Thursday 5 November: 2 working days, objections until Monday 9 November.
    await say(bot, f"/review {MONTH}", REVIEWER)
    open_window = [texts.CONFIRM_APPEALS_OPEN.format(month=MONTH, until="11月9日",
                                                     first="11月10日")]
    assert texts_of(await say(bot, f"/confirm {MONTH}")) == open_window
    clock.set(datetime(2026, 11, 9, 23, 59, tzinfo=SHANGHAI))  # the window's last minute
    before = await written(app)
    assert texts_of(await say(bot, f"/confirm {MONTH} 2026-11-09")) == open_window
    assert await written(app) == before
    clock.set(datetime(2026, 11, 10, 0, 0, tzinfo=SHANGHAI))  # the first minute after it
    confirmed = await say(bot, f"/confirm {MONTH} 2026-11-10")
    assert confirmed[0].text == texts.CONFIRMED.format(month=MONTH, version=1)


# --- F11: /unveto withdraws exactly one veto ---------------------------------------------

async def test_unveto_withdraws_one_veto_named_by_its_number(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    await add_villages(app, bot, tmp_path)
    for reason in ("群众到省上访", "发生较大安全事故", "媒体曝光环境问题"):
        await say(bot, f"/veto {MONTH} 丰收村 {reason}")
    lines = [texts.UNVETO_LINE.format(number=number, reason=reason,
                                      ground=texts.UNVETO_NO_GROUND)
             for number, reason in ((1, "群众到省上访"), (2, "发生较大安全事故"),
                                    (3, "媒体曝光环境问题"))]
    which = texts.UNVETO_WHICH.format(village="丰收村", month=MONTH, count=3,
                                      lines="\n".join(lines), example=1)
    before = await written(app)
    for command in (f"/unveto {MONTH} 丰收村 误报", f"/unveto {MONTH} 丰收村 9 误报",
                    f"/unveto {MONTH} 丰收村 2"):
        assert texts_of(await say(bot, command)) == [which], command
    assert await written(app) == before
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 2 经核实为他村事故")) == [
        texts.UNVETOED.format(village="丰收村", month=MONTH, number=2, was="发生较大安全事故",
                              reason="经核实为他村事故", note="")]
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 2 再撤")) == [
        texts.UNVETO_WHICH.format(village="丰收村", month=MONTH, count=2,
                                  lines="\n".join([lines[0], lines[2]]), example=1)]
    await say(bot, f"/unveto {MONTH} 丰收村 3 已澄清")
    # One veto left: it is withdrawn without a number; a number matching none is refused.
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 7 误报")) == [
        texts.UNVETO_WHICH.format(village="丰收村", month=MONTH, count=1, lines=lines[0],
                                  example=1)]
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 误报")) == [
        texts.UNVETOED.format(village="丰收村", month=MONTH, number=1, was="群众到省上访",
                              reason="误报", note="")]
    assert texts_of(await say(bot, f"/unveto {MONTH} 丰收村 再撤")) == [
        texts.UNVETO_NONE.format(village="丰收村", month=MONTH)]
    async with app.context.db.read() as connection:
        document = await snapshot(connection, SHANGHAI, SCHEME)
        history = await events.stream_events(connection, f"flags:{MONTH}")
    assert [(row["reason"], row["withdrawn"], row["withdrawn_reason"])
            for row in document["vetoes"]] == [
        ("群众到省上访", True, "误报"), ("发生较大安全事故", True, "经核实为他村事故"),
        ("媒体曝光环境问题", True, "已澄清")]
    assert [found.payload["veto"] for found in history if found.kind == "flags.unveto"] == [
        2, 3, 1]
