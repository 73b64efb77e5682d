"""The WeCom app menu (issue 21 item 6): set by ``wuchang wecom menu``, clicks run commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.wecom.menu import menu_body
from core import texts
from core.messages import ChatKind, Incoming
from core.roles import Role
from handlers.table import build_router
from tests.conftest import cli_environment, run_cli
from tests.fake_wecom import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN, FakeWeCom, _xml
from tests.test_wecom import Rig, fake, fake_server, rig

__all__ = ["fake", "fake_server", "rig"]  # the fixtures, shared with the WeCom tests

MENU_NAMES = ["会议", "问题", "公开"]


@pytest.fixture
def configured(fake: FakeWeCom, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeWeCom:
    """WeCom settings in the environment of a CLI run, in an empty directory."""
    cli_environment(monkeypatch, tmp_path)
    for name, value in {"WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID": str(AGENT_ID),
                        "WECOM_SECRET": SECRET, "WECOM_TOKEN": TOKEN,
                        "WECOM_AES_KEY": AES_KEY, "WECOM_API_URL": fake.url}.items():
        monkeypatch.setenv(f"WUCHANG_{name}", value)
    return fake


def test_wecom_menu_sets_the_apps_menu(configured: FakeWeCom, tmp_path: Path) -> None:
    result = run_cli("wecom", "menu")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == texts.WECOM_MENU_SET.format(names="、".join(MENU_NAMES))
    [call] = [call for call in configured.calls if call.path == "menu/create"]
    assert call.params["agentid"] == str(AGENT_ID)
    assert [button["name"] for button in call.body["button"]] == MENU_NAMES
    items = [item for button in call.body["button"] for item in button["sub_button"]]
    assert all(item["type"] == "click" for item in items)
    assert {"name": "问题清单", "type": "click", "key": "/issues"} in items
    assert not (tmp_path / "wuchang.db").exists()  # a menu needs no database

    configured.fail_next["menu/create"] = [60020]
    failed = run_cli("wecom", "menu")
    assert failed.exit_code == 2 and "60020" in failed.output


def test_every_menu_key_is_a_command_a_villager_may_use() -> None:
    router = build_router()
    for _, items in texts.APP_MENU:
        for _, key in items:
            typed = Incoming(channel="wecom", chat_id="u", chat_kind=ChatKind.PRIVATE,
                             user_id="u", text=key)
            command = router.command_for(typed)
            assert command is not None and command.help is not None, key
            assert command.allows(Role.VILLAGER) and command.listed(Role.VILLAGER, ChatKind.PRIVATE), key
    with pytest.raises(ValueError):
        menu_body((("一", ()),) * 4)


def click_xml(user: str, key: str) -> str:
    """A click on an app menu item, as WeCom posts it."""
    return _xml({"ToUserName": CORP_ID, "FromUserName": user, "CreateTime": "1790000001",
                 "MsgType": "event", "Event": "click", "EventKey": key,
                 "AgentID": str(AGENT_ID)})


def media_xml(user: str, kind: str, msg_id: int) -> str:
    """A picture or voice message to the app, as WeCom posts it."""
    fields = {"ToUserName": CORP_ID, "FromUserName": user, "CreateTime": "1790000002",
              "MsgType": kind, "MediaId": f"media{msg_id}", "MsgId": str(msg_id),
              "AgentID": str(AGENT_ID)}
    fields.update({"PicUrl": "http://example.invalid/p.jpg"} if kind == "image"
                  else {"Format": "amr"})
    return _xml(fields)


async def test_a_menu_click_runs_its_command_for_the_clicker(rig: Rig) -> None:
    await rig.bind("V01", "H01")
    assert (await rig.peer.post(click_xml("lipingjie", "/help"))).status_code == 200
    await rig.channel.idle()
    assert rig.fake.texts_to("lipingjie")[-1].startswith("李平杰（村民），你在这里可以用：")
    # 公示异议 tells a villager how to object.
    await rig.peer.post(click_xml("lipingjie", "/object"))
    await rig.channel.idle()
    assert rig.fake.texts_to("lipingjie")[-1] == texts.OBJECT_USAGE
    # The keys are the same for everyone; the router decides what each may do.
    await rig.peer.post(click_xml("lipingjie", "/notices"))
    await rig.channel.idle()
    assert rig.fake.texts_to("lipingjie")[-1] == texts.ROLE_REFUSED.format(
        role="村民", command="/notices")
    await rig.peer.post(click_xml("liyong", "/notices"))
    await rig.channel.idle()
    assert rig.fake.texts_to("liyong")[-1] != texts.ROLE_REFUSED.format(
        role="屋场长", command="/notices")


async def test_pictures_and_voice_get_what_the_bot_can_take(rig: Rig) -> None:
    await rig.bind("V01")
    for number, kind in enumerate(("image", "voice"), start=1):
        assert (await rig.peer.post(media_xml("lipingjie", kind, 7000 + number))
                ).status_code == 200
        await rig.channel.idle()
        assert rig.fake.texts_to("lipingjie")[-1] == texts.MEDIA_NOT_TAKEN
