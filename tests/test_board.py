"""The public notice board (公开栏, rule P3) on the HTTP app: pages, feed, cache, switch."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import insert, select
from starlette.applications import Starlette

from bot.admin import import_roster_file
from bot.board import PublicBoard
from bot.http import build_http_app
from bot.wiring import App
from core import texts
from core.board import BoardDecision, BoardNotice, BoardObjection
from core.clock import ManualClock
from storage.board import Sources
from storage.schema import (
    flag_confirmation,
    flag_result,
    flag_settlement,
    township,
    village,
)
from tests.conftest import SHANGHAI, FakeBot

SCRIPT_TITLE = "<script>alert('x')</script>路灯坏了"
SHOWN_TITLE = "1号 &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;路灯坏了"
MEETING_AT = datetime(2026, 11, 6, 19, 30, tzinfo=SHANGHAI)
RAISER, PHONE_PREFIX = "李平杰", "1380000"
EXTRA_TOWNSHIP = ("编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机\n"
                  "H21,王大山,银山镇,北片网格,金竹村,大屋场,1,是,是,50,屋场长,13900000021\n")


async def story(bot: FakeBot) -> None:
    """A meeting held with a quorum and a motion passed, then an issue with a nasty title."""
    await bot.say("H01", "枫树湾", "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
    bot.clock.set(MEETING_AT)
    await bot.say("H01", "枫树湾", "/open")
    await bot.say("R01", "枫树湾", "/attend 1 2 3*2")
    await bot.say("H01", "枫树湾", "/motion 每户出资100元修路")
    await bot.say("R01", "枫树湾", "/tally 4 0 0")
    await bot.say("H01", "枫树湾", "/close")
    await bot.say("H01", "枫树湾", "/end")
    await bot.say("V01", "枫树湾", f"/issue {SCRIPT_TITLE}")
    await bot.press("V01", "枫树湾", "设施管护")


async def confirm_october(app: App) -> None:
    """Two confirmed versions of 2026-10 for 金竹村; the board shows only the second."""
    async with app.context.db.write() as connection:
        township_id = (await connection.execute(
            select(township.c.id).where(township.c.name == "金溪镇"))).scalar_one()
        village_id = (await connection.execute(
            select(village.c.id).where(village.c.name == "金竹村"))).scalar_one()
        for version, flag, amount in ((1, "yellow", -1000), (2, "red", 1000)):
            created = await connection.execute(insert(flag_confirmation).values(
                township_id=township_id, month="2026-10", version=version,
                confirmed_at=app.context.clock.now()))
            confirmation = created.inserted_primary_key[0]  # type: ignore[index]
            await connection.execute(insert(flag_result).values(
                confirmation_id=confirmation, village_id=village_id, category="党建引领发展",
                score=91.5, flag=flag))
            await connection.execute(insert(flag_settlement).values(
                confirmation_id=confirmation, village_id=village_id, reds=version - 1,
                yellows=2 - version, amount=amount,
                consequences='["talk"]' if flag == "yellow" else "[]"))


@pytest.fixture
async def http(app: App) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://wuchang.test") as client:
        yield client


def page(name: str) -> str:
    return f"/public/{quote(name)}"


async def test_village_page_shows_ledger_meetings_and_flags_never_raisers(
        app: App, bot: FakeBot, http: httpx.AsyncClient) -> None:
    await story(bot)
    await confirm_october(app)

    response = await http.get(page("金竹村"))

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=60"
    body = response.text
    assert "<h1>金竹村公开栏</h1>" in body
    assert "<p>金溪镇 · 东片网格</p>" in body
    assert SHOWN_TITLE in body
    assert "<script" not in body
    assert "枫树湾｜设施管护｜在屋场｜待处理" in body
    assert "2026年11月6日（周五）19:30 枫树湾：讨论修路" in body
    assert "到会3户，须到会3户，达到法定户数" in body
    assert "1. 每户出资100元修路：通过（赞成4/反对0/弃权0）" in body
    assert "2026-10（第2版）" in body and "第1版" not in body
    assert "红旗：党建引领发展；黄旗：无" in body
    assert texts.MONEY_REWARD.format(amount=1000) in body
    assert texts.BOARD_NO_NOTICES in body
    assert RAISER not in body and PHONE_PREFIX not in body
    # Only 枫树湾's meeting of 金竹村: 丰收村's board is empty.
    other = (await http.get(page("丰收村"))).text
    assert texts.BOARD_NO_MEETINGS in other and texts.BOARD_NO_ISSUES in other


async def test_feed_is_the_same_board_as_json(app: App, bot: FakeBot,
                                              http: httpx.AsyncClient) -> None:
    await story(bot)
    await confirm_october(app)

    response = await http.get(page("金竹村") + ".json")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=60"
    feed = response.json()
    assert (feed["township"], feed["grid"], feed["village"]) == ("金溪镇", "东片网格", "金竹村")
    (issue,) = feed["issues"]
    assert issue == {
        "number": 1, "homestead": "枫树湾", "title": SCRIPT_TITLE, "category": "设施管护",
        "level": "homestead", "level_label": "屋场", "status": "open", "status_label": "待处理",
        "deadline": None, "overdue": False, "satisfaction": None,
        "raised": "2026-11-06T19:30:00+08:00", "closed": None}
    (meeting,) = feed["meetings"]
    assert {key: meeting[key] for key in ("homestead", "starts_at", "state",
                                          "households_present", "households_required",
                                          "quorum_met")} == {
        "homestead": "枫树湾", "starts_at": "2026-11-06T19:30:00+08:00", "state": "ended",
        "households_present": 3, "households_required": 3, "quorum_met": True}
    assert meeting["motions"] == [{"text": "每户出资100元修路", "yes": 4, "no": 0, "abstain": 0,
                                   "persons_present": 4, "binding": True, "passed": True}]
    assert feed["flags"] == [{"month": "2026-10", "category": "党建引领发展", "score": 91.5,
                              "flag": "red", "flag_label": "红旗"}]
    assert feed["settlements"] == [{"month": "2026-10", "version": 2, "reds": 1, "yellows": 0,
                                    "amount": 1000}]
    assert feed["notices"] == []
    # The meeting's passed, binding motion became a decision (M9), wired from the tasks.
    assert feed["decisions"] == [{"number": 1, "meeting": meeting["number"], "homestead": "枫树湾",
                                  "text": "每户出资100元修路", "done": False}]
    assert RAISER not in response.text and PHONE_PREFIX not in response.text


async def test_index_and_a_village_name_two_townships_share(
        app: App, bot: FakeBot, http: httpx.AsyncClient, tmp_path: Path) -> None:
    index = await http.get("/public/")
    assert index.status_code == 200
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', index.text)
    assert links == [(page("丰收村"), "金溪镇 丰收村"), (page("金竹村"), "金溪镇 金竹村")]

    extra = tmp_path / "extra.csv"
    extra.write_text(EXTRA_TOWNSHIP, encoding="utf-8")
    await import_roster_file(app, extra)
    bot.clock.set(bot.clock.now() + timedelta(seconds=60))

    index = await http.get("/public/")
    assert "<h2>金溪镇</h2>" in index.text and "<h2>银山镇</h2>" in index.text
    assert (page("银山镇/金竹村"), "银山镇 金竹村") in re.findall(
        r'<a href="([^"]+)">([^<]+)</a>', index.text)
    shared = await http.get(page("金竹村"))
    assert shared.status_code == 404
    assert texts.BOARD_AMBIGUOUS.format(name="金竹村") in shared.text
    assert page("金溪镇/金竹村") in shared.text and page("银山镇/金竹村") in shared.text
    assert (await http.get(page("金竹村") + ".json")).json() == {
        "error": texts.BOARD_AMBIGUOUS.format(name="金竹村"),
        "choices": ["/public/金溪镇/金竹村.json", "/public/银山镇/金竹村.json"]}
    ours = await http.get(page("金溪镇/金竹村"))
    assert ours.status_code == 200 and "<p>金溪镇 · 东片网格</p>" in ours.text
    theirs = (await http.get(page("银山镇/金竹村") + ".json")).json()
    assert (theirs["township"], theirs["grid"]) == ("银山镇", "北片网格")


async def test_unknown_village_is_a_chinese_404(http: httpx.AsyncClient) -> None:
    response = await http.get(page("<b>无此村<b>"))

    assert response.status_code == 404
    assert response.headers["cache-control"] == "no-cache"
    assert texts.BOARD_MISSING.format(name="&lt;b&gt;无此村&lt;b&gt;") in response.text
    assert '<a href="/public/">' in response.text
    assert (await http.get(page("无此村") + ".json")).json() == {
        "error": texts.BOARD_MISSING.format(name="无此村"), "choices": []}
    assert (await http.get(page("金溪镇/丰收村/多余"))).status_code == 404
    assert (await http.get(page("银山镇/丰收村"))).status_code == 404


async def test_pages_are_kept_for_a_minute(app: App, bot: FakeBot, clock: ManualClock,
                                           http: httpx.AsyncClient) -> None:
    first = await http.get(page("金竹村"))
    assert texts.BOARD_NO_ISSUES in first.text
    await bot.say("V01", "枫树湾", "/issue 水井要清淤")

    clock.set(clock.now() + timedelta(seconds=59))
    assert (await http.get(page("金竹村"))).text == first.text
    assert (await http.get(page("金竹村") + ".json")).json()["issues"] == []

    clock.set(clock.now() + timedelta(seconds=1))
    assert "1号 水井要清淤" in (await http.get(page("金竹村"))).text


async def test_public_pages_can_be_turned_off(app: App) -> None:
    closed = replace(app, settings=app.settings.model_copy(update={"public_pages": False}))
    transport = httpx.ASGITransport(app=build_http_app(closed))
    async with httpx.AsyncClient(transport=transport, base_url="http://wuchang.test") as client:
        for address in ("/public/", page("金竹村"), page("金竹村") + ".json"):
            assert (await client.get(address)).status_code == 404
        assert (await client.get("/healthz")).status_code == 200


async def test_notices_and_decisions_from_their_sources(app: App, clock: ManualClock) -> None:
    asked: list[tuple[int, datetime]] = []
    sent = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)

    async def notices(connection: object, village_id: int, now: datetime,
                      since: datetime) -> list[BoardNotice]:
        asked.append((village_id, now))
        return [
            BoardNotice(7, "财务公开", "金竹村", "<b>10月收支</b>：收入3200元", sent,
                        publicity=True, ends_at=sent + timedelta(days=7), objections=(
                            BoardObjection(1, "路灯费偏高", "按合同价，附发票"),
                            BoardObjection(2, "<i>账目</i>不清", None)), households_read=2),
            BoardNotice(6, "政策宣讲", "金溪镇", "秋冬防火须知", sent, publicity=False,
                        ends_at=None, objections=(), households_read=0)]

    async def decisions(connection: object, village_id: int,
                        now: datetime) -> list[BoardDecision]:
        return [BoardDecision(3, 1, "枫树湾", "每户出资100元修路", done=False)]

    board = PublicBoard(app.context, Sources(notices=notices, decisions=decisions))
    transport = httpx.ASGITransport(app=Starlette(routes=board.routes()))
    async with httpx.AsyncClient(transport=transport, base_url="http://wuchang.test") as client:
        body = (await client.get(page("金竹村"))).text
        feed = (await client.get(page("金竹村") + ".json")).json()

    async with app.context.db.read() as connection:
        village_id = (await connection.execute(
            select(village.c.id).where(village.c.name == "金竹村"))).scalar_one()
    assert asked == [(village_id, clock.now())]  # the feed came from the page's cache
    assert "<span class=tag>财务公开</span> <span class='tag red'>公示</span> " \
           "&lt;b&gt;10月收支&lt;/b&gt;：收入3200元" in body
    assert "7号 · 2026年11月2日（周一）09:00发布｜公示至2026年11月9日（周一）09:00" in body
    assert "<li>异议1：路灯费偏高 答复：按合同价，附发票</li>" in body
    assert "<li>异议2：&lt;i&gt;账目&lt;/i&gt;不清 答复：尚未答复</li>" in body
    assert "<span class=tag>政策宣讲</span> 秋冬防火须知" in body
    assert body.index("10月收支") < body.index("秋冬防火须知")
    assert "3号决议（枫树湾）：每户出资100元修路（落实中）" in body
    assert feed["notices"][0]["objections"] == [
        {"number": 1, "text": "路灯费偏高", "answer": "按合同价，附发票"},
        {"number": 2, "text": "<i>账目</i>不清", "answer": None}]
    assert feed["notices"][0]["ends_at"] == "2026-11-09T09:00:00+08:00"
    assert feed["decisions"] == [{"number": 3, "meeting": 1, "homestead": "枫树湾",
                                  "text": "每户出资100元修路", "done": False}]


async def test_a_notice_and_a_publicity_sent_in_the_chat_reach_the_board(
        app: App, bot: FakeBot, http: httpx.AsyncClient) -> None:
    drafted = await bot.say("H01", "枫树湾", "/notice 明天上午<b>修路</b>，请挪车")
    assert drafted[0].button_labels()[:2] == ["政策宣讲", "村务公开"]
    await bot.press("H01", "枫树湾", "村务公开")
    await bot.say("C01", "private", "/publicize 3 2026年低保名单：李大娘")
    await bot.press("C01", "private", "财务公开")
    told = await bot.press("V01", "枫树湾", "异议")
    assert "/object 2 " in told[0].text  # the 公示 is number 2: it says how to object
    await bot.say("V01", "枫树湾", "/object 2 名单漏了颜荣香")

    feed = (await http.get(page("金竹村") + ".json")).json()
    body = (await http.get(page("金竹村"))).text

    assert [notice["text"] for notice in feed["notices"]] == [
        "2026年低保名单：李大娘", "明天上午<b>修路</b>，请挪车"]
    assert feed["notices"][0]["publicity"] and feed["notices"][0]["objections"] == [
        {"number": 1, "text": "名单漏了颜荣香", "answer": None}]
    assert "明天上午&lt;b&gt;修路&lt;/b&gt;，请挪车" in body
    assert "李平杰" not in body and "李平杰" not in str(feed)  # the objector is never named


async def test_a_yellow_month_shows_no_consequence_and_notice_times_are_local(
        app: App, bot: FakeBot, http: httpx.AsyncClient) -> None:
    async with app.context.db.write() as connection:
        township_id = (await connection.execute(
            select(township.c.id).where(township.c.name == "金溪镇"))).scalar_one()
        village_id = (await connection.execute(
            select(village.c.id).where(village.c.name == "金竹村"))).scalar_one()
        created = await connection.execute(insert(flag_confirmation).values(
            township_id=township_id, month="2026-10", version=1,
            confirmed_at=app.context.clock.now()))
        await connection.execute(insert(flag_settlement).values(
            confirmation_id=created.inserted_primary_key[0],  # type: ignore[index]
            village_id=village_id, reds=0, yellows=3, amount=-5000,
            consequences='["talk", "warning"]'))
    await bot.say("C01", "private", "/publicize 3 2026年低保名单")
    await bot.press("C01", "private", "财务公开")

    body = (await http.get(page("金竹村"))).text
    feed = (await http.get(page("金竹村") + ".json")).json()

    # F8: 约谈 and warnings go to the officials alone, never to the public board.
    assert "约谈" not in body and "警告" not in body and "consequences" not in str(feed)
    # Sent at 19:00 Shanghai time (START), shown as such, not in UTC.
    assert "11月5日（周四）19:00发布" in body
    assert feed["notices"][0]["sent_at"] == "2026-11-05T19:00:00+08:00"
