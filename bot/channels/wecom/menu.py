"""The WeCom app's custom menu (``wuchang wecom menu``): 会议, 问题, 公开.

Each item is a click button whose key is a command line (``texts.APP_MENU``); the
callback hands a click on to the router as that text, typed by the person who
clicked, so one menu serves every role and the router decides what each may do.
"""

from __future__ import annotations

from typing import Any

from bot.channels.wecom.api import WeComApi
from core import texts

# WeCom's limits: 3 top buttons, 5 items under each, a key of at most 128 bytes.
TOP_BUTTONS, ITEMS, KEY_BYTES = 3, 5, 128


def menu_body(layout: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]) -> dict[str, Any]:
    """The menu/create body of a layout; ValueError if it breaks one of WeCom's limits."""
    if len(layout) > TOP_BUTTONS or any(len(items) > ITEMS for _, items in layout):
        raise ValueError("a WeCom menu has at most 3 buttons of at most 5 items")
    if any(len(key.encode()) > KEY_BYTES for _, items in layout for _, key in items):
        raise ValueError("a WeCom menu key has at most 128 bytes")
    return {"button": [{"name": name, "sub_button": [
        {"type": "click", "name": label, "key": key} for label, key in items]}
        for name, items in layout]}


async def set_menu(api: WeComApi) -> str:
    """Set the app's menu from ``texts.APP_MENU``; return what to tell the admin."""
    await api.create_menu(menu_body(texts.APP_MENU))
    return texts.WECOM_MENU_SET.format(names="、".join(name for name, _ in texts.APP_MENU))
