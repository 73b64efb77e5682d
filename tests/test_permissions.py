"""Who may act where: the covers rule and the router's checks for every role."""

from __future__ import annotations

import pytest

from bot.wiring import App
from core import texts
from core.messages import ChatKind, Incoming, Outgoing
from core.permissions import Place, covers
from core.roles import EVERYONE, HOMESTEAD_LEADERS, OFFICIALS, Role
from handlers.context import Context, Request
from handlers.router import Command, Router, Where
from handlers.table import COMMANDS
from tests.conftest import FakeBot

HOME = Place(township_id=1, village_id=10, homestead_id=100)
SAME_VILLAGE = Place(1, 10, 101)
OTHER_VILLAGE = Place(1, 11, 110)
OTHER_TOWNSHIP = Place(2, 20, 200)


@pytest.mark.parametrize(("role", "target", "expected"), [
    (Role.VILLAGER, HOME, True),
    (Role.VILLAGER, SAME_VILLAGE, False),
    (Role.HEAD, HOME, True),
    (Role.HEAD, SAME_VILLAGE, False),
    (Role.RECORDER, SAME_VILLAGE, False),
    (Role.VILLAGE_CADRE, SAME_VILLAGE, True),
    (Role.VILLAGE_CADRE, OTHER_VILLAGE, False),
    (Role.TOWNSHIP_OFFICIAL, OTHER_VILLAGE, True),
    (Role.TOWNSHIP_OFFICIAL, OTHER_TOWNSHIP, False),
    (Role.VILLAGE_CADRE, OTHER_TOWNSHIP, False),
])
def test_covers(role: Role, target: Place, expected: bool) -> None:
    assert covers(role, HOME, target) is expected


def test_official_without_village_covers_township() -> None:
    assert covers(Role.TOWNSHIP_OFFICIAL, Place(1), HOME)
    assert not covers(Role.VILLAGER, Place(1), HOME)


async def _ok(context: Context, request: Request) -> list[Outgoing]:
    person = request.require_person()
    return [request.reply(f"ok {person.code}")]


TEST_HELP = texts.CommandHelp("/test", "测试")
ROUTER = Router([
    Command("lead", _ok, Where.GROUP, roles=HOMESTEAD_LEADERS, help=TEST_HELP),
    Command("official", _ok, Where.ANY, roles=OFFICIALS, help=TEST_HELP),
    Command("cadre", _ok, Where.GROUP, roles=frozenset({Role.VILLAGE_CADRE, Role.HEAD}),
            help=TEST_HELP),
    Command("anyone", _ok, Where.GROUP, roles=EVERYONE, aliases=("大家",), help=TEST_HELP),
    Command("mine", _ok, Where.PRIVATE, roles=EVERYONE, help=TEST_HELP),
])


@pytest.fixture
def test_bot(bot: FakeBot) -> FakeBot:
    bot.app.router = ROUTER
    return bot


@pytest.mark.parametrize(("person", "command", "allowed"), [
    ("H01", "lead", True), ("R01", "lead", True), ("V01", "lead", False),
    ("C01", "lead", False), ("T01", "lead", False),
    ("T01", "official", True), ("H01", "official", False), ("C01", "official", False),
    ("C01", "cadre", True), ("H01", "cadre", True), ("R01", "cadre", False),
    ("V01", "anyone", True), ("V03", "anyone", True),
])
async def test_role_allowed_or_refused(test_bot: FakeBot, person: str, command: str,
                                       allowed: bool) -> None:
    replies = await test_bot.say(person, "枫树湾", f"/{command}")
    assert len(replies) == 1
    if allowed:
        assert replies[0].text == f"ok {person}"
    else:
        assert replies[0].text.endswith(f"不能使用 /{command}。发送 /help 查看你能用的命令。")


@pytest.mark.parametrize(("person", "chat", "allowed"), [
    ("V01", "枫树湾", True),
    ("V01", "杨家湾", False),
    ("H02", "枫树湾", False),
    ("C01", "枫树湾", True),
    ("C01", "丰收村/老屋场", False),
    ("C02", "丰收村/老屋场", True),
    ("T01", "丰收村/老屋场", True),
    ("T02", "枫树湾", False),
])
async def test_place_is_checked(test_bot: FakeBot, person: str, chat: str,
                                allowed: bool) -> None:
    replies = await test_bot.say(person, chat, "/anyone")
    if allowed:
        assert replies[0].text == f"ok {person}"
    else:
        assert replies[0].text.startswith("你不属于")


async def test_alias_and_bot_suffix(test_bot: FakeBot) -> None:
    assert (await test_bot.say("V01", "枫树湾", "大家"))[0].text == "ok V01"
    assert (await test_bot.say("V01", "枫树湾", "/anyone@wuchang_bot"))[0].text == "ok V01"


async def test_where_is_checked(test_bot: FakeBot) -> None:
    assert (await test_bot.say("V01", "private", "/anyone"))[0].text == \
        texts.GROUP_ONLY.format(command="/anyone")
    assert (await test_bot.say("V01", "枫树湾", "/mine"))[0].text == \
        texts.PRIVATE_ONLY.format(command="/mine")


async def test_unknown_command_and_plain_text(bot: FakeBot) -> None:
    assert (await bot.say("V01", "枫树湾", "/fly"))[0].text == \
        texts.UNKNOWN_COMMAND.format(command="/fly")
    assert await bot.say("V01", "枫树湾", "今天开会吗") == []
    assert (await bot.say("V01", "private", "你好"))[0].text == texts.NOT_A_COMMAND_PRIVATE


async def test_stranger_is_asked_to_bind(bot: FakeBot) -> None:
    replies = await bot.say("NOBODY", "private", "/help")
    assert replies[0].text.startswith(texts.HELP_HEADER_UNBOUND)
    assert "/start" in replies[0].text


async def test_help_lists_by_role(bot: FakeBot) -> None:
    head = (await bot.say("H01", "枫树湾", "/help"))[0].text
    villager = (await bot.say("V01", "枫树湾", "/help"))[0].text
    assert "/bind" in head and "/bind" not in villager
    private = (await bot.say("V01", "private", "/help"))[0].text
    assert "/start" not in private and "/bind" not in private


async def test_crash_in_a_handler_is_a_short_reply(app: App, bot: FakeBot) -> None:
    async def broken(context: Context, request: Request) -> list[Outgoing]:
        raise RuntimeError("boom")

    app.router = Router([*COMMANDS, Command("boom", broken, Where.ANY, roles=EVERYONE,
                                                      help=TEST_HELP)])
    replies = await bot.say("V01", "枫树湾", "/boom")
    assert [reply.text for reply in replies] == [texts.INTERNAL_ERROR]


def test_duplicate_command_names_are_rejected() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        Router([*COMMANDS, Command("help", _ok, Where.ANY, roles=None, help=TEST_HELP)])


def test_a_typed_command_has_help_and_a_button_only_one_none() -> None:
    assert all(command.help is not None for command in COMMANDS
               if not (command.button_only or command.attachment_only))
    with pytest.raises(ValueError, match="typed command 'mute' has no help"):
        Command("mute", _ok, Where.ANY, roles=EVERYONE)
    with pytest.raises(ValueError, match="button-only command 'press' is never listed"):
        Command("press", _ok, Where.ANY, roles=EVERYONE, button_only=True, help=TEST_HELP)


@pytest.mark.parametrize("text", ["/status 99999999999999999999999",
                                  "/solve 99999999999999999999 修好了",
                                  "/decisions", "/done 99999999999999999999 已办"])
async def test_a_number_too_large_is_refused_not_an_internal_error(
        bot: FakeBot, text: str) -> None:
    replies = await bot.say("H01", "枫树湾", text)
    assert texts.INTERNAL_ERROR not in [reply.text for reply in replies]
    assert replies


async def test_a_forged_payload_with_a_huge_number_is_refused(bot: FakeBot) -> None:
    incoming = Incoming(channel="console", chat_id="V01", chat_kind=ChatKind.PRIVATE,
                        user_id="V01", payload="rate:99999999999999999999999:satisfied")
    replies = await bot.app.answer(incoming)
    assert [reply.text for reply in replies] in ([texts.NUMBER_TOO_LARGE],
                                                  [texts.BUTTON_EXPIRED])
    with pytest.raises(ValueError, match="attachment command 'file' is never listed"):
        Command("file", _ok, Where.ANY, roles=EVERYONE, attachment_only=True, help=TEST_HELP)
