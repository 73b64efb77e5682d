"""Binding accounts with /start and groups with /bind, and their refusals."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.wiring import App
from core import texts
from core.clock import ManualClock
from storage.schema import chat_binding, chat_identity, event
from tests.conftest import FakeBot


async def _counts(app: App) -> tuple[int, int, int]:
    async with app.context.db.read() as connection:
        identities = await connection.scalar(select(func.count()).select_from(chat_identity))
        bindings = await connection.scalar(select(func.count()).select_from(chat_binding))
        events = await connection.scalar(select(func.count()).select_from(event))
    return identities or 0, bindings or 0, events or 0


async def fresh_bot(app: App, clock: ManualClock, *persons: str) -> FakeBot:
    """A bot where ``persons`` are not bound yet and no group is bound."""
    fake = FakeBot(app, clock)
    await fake.replayer.console.load_names()
    await fake.replayer.console.bind_everyone(set(persons), {1, 2, 3, 4})
    return fake


async def test_start_with_code_binds_and_says_who(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock, "V01")
    code = await fake.invite_code("V01")
    replies = await fake.say("V01", "private", f"/start {code}")
    assert replies[0].text == "绑定成功：李平杰，金竹村枫树湾村民。发送 /help 查看你能用的命令。"
    again = await fake.say("V01", "private", f"/start {code}")
    assert again[0].text.startswith("你已绑定为李平杰")


async def test_code_is_case_insensitive(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock, "V01")
    code = await fake.invite_code("V01")
    replies = await fake.say("V01", "private", f"/start  {code.lower()} ")
    assert replies[0].text.startswith("绑定成功")


async def test_wrong_code_is_refused_and_changes_nothing(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock, "V01")
    before = await _counts(app)
    replies = await fake.say("V01", "private", "/start ZZZZ2222")
    assert replies[0].text == texts.INVITE_UNKNOWN.format(code="ZZZZ2222")
    assert await _counts(app) == before
    follow_up = await fake.say("V01", "枫树湾", "/help")
    assert follow_up[0].text.startswith(texts.HELP_HEADER_UNBOUND)


async def test_start_without_code_explains(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock, "V01")
    assert (await fake.say("V01", "private", "/start"))[0].text == texts.START_USAGE


async def test_reused_code_is_refused(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock, "V01", "V02")
    code = await fake.invite_code("V01")
    await fake.say("V01", "private", f"/start {code}")
    before = await _counts(app)
    replies = await fake.say("V02", "private", f"/start {code}")
    assert replies[0].text == texts.INVITE_USED
    assert await _counts(app) == before


async def test_bound_account_cannot_take_a_second_person(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock, "V02")
    other = await fake.invite_code("V02")
    replies = await fake.say("V01", "private", f"/start {other}")
    assert replies[0].text == texts.ACCOUNT_TAKEN.format(name="李平杰")


async def test_start_in_a_group_is_refused(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock, "V01")
    code = await fake.invite_code("V01")
    replies = await fake.say("V01", "枫树湾", f"/start {code}")
    assert replies[0].text == texts.PRIVATE_ONLY.format(command="/start")


async def test_head_binds_group_with_own_code(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock)
    code = await fake.invite_code("H01")
    replies = await fake.say("H01", "枫树湾", f"/bind {code}")
    assert replies[0].text == texts.GROUP_BOUND.format(place="金竹村枫树湾")
    again = await fake.say("H01", "枫树湾", f"/bind {code}")
    assert again[0].text == texts.GROUP_ALREADY_BOUND.format(place="金竹村枫树湾")
    help_reply = await fake.say("V01", "枫树湾", "/help")
    assert help_reply[0].text.startswith("李平杰（村民）")


async def test_unbound_head_binds_group_and_account_at_once(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock, "H01")
    code = await fake.invite_code("H01")
    replies = await fake.say("H01", "枫树湾", f"/bind {code}")
    assert replies[0].text == texts.GROUP_BOUND.format(place="金竹村枫树湾")
    private = await fake.say("H01", "private", "/start")
    assert private[0].text.startswith("你已绑定为李勇")


async def test_villager_code_cannot_bind_a_group(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock)
    before = await _counts(app)
    code = await fake.invite_code("V01")
    replies = await fake.say("V01", "枫树湾", f"/bind {code}")
    assert replies[0].text == texts.BIND_NOT_HEAD
    assert await _counts(app) == before


async def test_someone_elses_head_code_is_refused(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock)
    code = await fake.invite_code("H01")
    replies = await fake.say("V01", "枫树湾", f"/bind {code}")
    assert replies[0].text == texts.BIND_NOT_YOURS


async def test_another_homesteads_code_cannot_rebind(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock)
    await fake.say("H01", "枫树湾", f"/bind {await fake.invite_code('H01')}")
    before = await _counts(app)
    # 杨家湾's head is in the 枫树湾 group and tries to take it over with their code.
    replies = await fake.say("H02", "枫树湾", f"/bind {await fake.invite_code('H02')}")
    assert replies[0].text == texts.GROUP_BOUND_ELSEWHERE.format(place="金竹村枫树湾")
    assert await _counts(app) == before


async def test_head_cannot_bind_with_another_heads_code(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock)
    replies = await fake.say("H02", "杨家湾", f"/bind {await fake.invite_code('H01')}")
    assert replies[0].text == texts.BIND_NOT_YOURS


async def test_unbound_group_asks_for_binding(app: App, clock: ManualClock) -> None:
    fake = await fresh_bot(app, clock)
    replies = await fake.say("V01", "枫树湾", "/help")
    assert "李平杰（村民）" in replies[0].text
    assert "/bind" not in replies[0].text


async def test_moving_a_group_onto_an_id_bound_already_keeps_one_binding(app: App) -> None:
    from storage import chats

    now = app.context.clock.now()
    async with app.context.db.write() as connection:
        await chats.bind_group(connection, "telegram", "-100", 1, None, now)
        await chats.bind_group(connection, "telegram", "-100200", 1, None, now)
        await chats.move_group(connection, "telegram", "-100", "-100200")
        assert await chats.homestead_id_for(connection, "telegram", "-100") is None
        assert await chats.homestead_id_for(connection, "telegram", "-100200") == 1
        await chats.move_group(connection, "telegram", "-100200", "-100300")
        assert await chats.homestead_id_for(connection, "telegram", "-100300") == 1
