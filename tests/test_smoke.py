from tests.conftest import FakeBot, texts_of


async def test_help_in_group_lists_only_allowed(bot: FakeBot) -> None:
    replies = await bot.say("V01", "枫树湾", "/help")
    assert len(replies) == 1
    assert "/help" in replies[0].text
    assert "/bind" not in replies[0].text
    assert texts_of(await bot.say("H01", "枫树湾", "/help"))[0].count("/bind") == 1
