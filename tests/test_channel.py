"""A fourth channel added through the Channel interface alone, and the delivery policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from starlette.routing import BaseRoute

from bot.channels import AVAILABLE, Channel
from bot.wiring import App
from core import texts
from core.clock import ManualClock
from core.delivery import REFUSED, fan_out, within
from core.messages import Button, Capabilities, ChatKind, Incoming, Outgoing
from storage import invites, meetings, org
from storage.export import snapshot
from tests.conftest import SHANGHAI

GROUP = "g-fengshu"
MEETING_AT = datetime(2026, 11, 6, 19, 30, tzinfo=SHANGHAI)
PEOPLE = ("H01", "R01", "V01", "V02")


@dataclass
class PagerChannel:
    """A minimal platform, like an SMS gateway: it hears groups but shows only plain text."""

    name = "pager"
    capabilities = Capabilities(group_buttons=False, edit=False, toast=False, pictures=False)
    parallel_sends = 1
    sent: list[Outgoing] = field(default_factory=list)
    started: bool = False

    def routes(self) -> list[BaseRoute]:
        return []  # a gateway polled, not calling back

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.started = False

    async def send(self, message: Outgoing) -> None:
        self.sent.append(message)


class Pager:
    """People on the pager channel, talking to the real handlers."""

    def __init__(self, app: App, channel: PagerChannel) -> None:
        self.app = app
        self.channel = channel

    async def say(self, person: str, chat: str, text: str | None = None,
                  press: str | None = None) -> list[Outgoing]:
        """``person`` writes ``text`` (or presses ``press``) in ``chat``; return what arrived."""
        before = len(self.channel.sent)
        kind = ChatKind.PRIVATE if chat == person else ChatKind.GROUP
        payload = self._payload(person, press) if press else None
        incoming = Incoming(channel=self.channel.name, chat_id=chat, chat_kind=kind,
                            user_id=person, text=text, payload=payload)
        for reply in await self.app.answer(incoming):  # as an adapter does
            await self.channel.send(reply)
        await self.app.dispatcher.drain()
        return self.channel.sent[before:]

    def to(self, chat: str) -> list[Outgoing]:
        return [message for message in self.channel.sent if message.chat_id == chat]

    def _payload(self, person: str, label: str) -> str:
        for message in reversed(self.to(person)):
            for row in message.buttons:
                for button in row:
                    if button.label == label:
                        return button.payload
        raise AssertionError(f"{person} has no button {label}")


async def test_a_fourth_channel_runs_a_meeting_through_the_interface_alone(
        app: App, clock: ManualClock) -> None:
    channel = PagerChannel()
    assert isinstance(channel, Channel)
    wired: Channel = channel
    app.add_channel(wired)
    await wired.start()
    pager = Pager(app, channel)
    async with app.context.db.read() as connection:
        codes = {code: invite for code, _, invite, _ in await invites.listing(connection)}
    for person in PEOPLE:
        await pager.say(person, person, f"/start {codes[person]}")
    await pager.say("H01", GROUP, f"/bind {codes['H01']}")
    assert pager.to(GROUP)[-1].text == texts.GROUP_BOUND.format(place="金竹村枫树湾")

    await pager.say("H01", "H01", "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
    assert pager.to(GROUP)[-1].text.startswith("李勇安排了议事恳谈会")
    clock.set(MEETING_AT)

    # The group cannot show buttons: it gets the text, each member the 签到 button.
    await pager.say("H01", GROUP, "/open")
    board = pager.to(GROUP)[-1]
    assert board.text.startswith("红色屋场议事恳谈会开始：讨论修路")
    assert board.text.endswith(texts.BUTTONS_SENT_PRIVATELY) and not board.buttons
    for person in PEOPLE:
        assert pager.to(person)[-1].button_labels() == ["签到"]

    # Without toasts or edits, the presser gets plain messages in their own chat.
    checked = await pager.say("V01", "V01", press="签到")
    assert [message.chat_id for message in checked] == ["V01", "V01"]
    assert checked[0].text == "李平杰已签到。到会1/3户，1人。"
    assert not any(message.toast or message.edit for message in checked)
    await pager.say("R01", "R01", "/attend 1 2 3*2")

    await pager.say("H01", GROUP, "/motion 每户出资100元修路")
    assert pager.to("V02")[-1].button_labels() == ["赞成", "反对", "弃权"]
    voted = await pager.say("V01", "V01", press="赞成")
    assert [message.text for message in voted] == ["李平杰：已记录赞成。"]
    await pager.say("R01", "R01", "/tally 4 0 0")  # the room's show of hands
    await pager.say("H01", GROUP, "/close")
    assert pager.to(GROUP)[-1].text.startswith("表决结果：每户出资100元修路\n赞成4 反对0 弃权0")
    await pager.say("H01", GROUP, "/end")
    assert pager.to(GROUP)[-1].text.startswith("议事恳谈会结束：金竹村枫树湾")

    assert not any(message.buttons for message in pager.to(GROUP))
    assert not any(message.image or message.toast or message.edit
                   for message in channel.sent)
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
        fengshu = (await org.homesteads_named(connection, "枫树湾"))[0]
        assert await meetings.find(connection, fengshu.id, meetings.OPEN) is None
    assert state["meetings"][0]["quorum_met"] and state["meetings"][0]["motions"][0]["passed"]
    await wired.stop()
    assert not channel.started


def test_the_shipped_channels_are_one_line_each() -> None:
    assert AVAILABLE == ("bot.channels.telegram.channel", "bot.channels.wecom.channel")


FULL = Capabilities()
NO_GROUP_BUTTONS = Capabilities(group_buttons=False)
BUTTONS = ((Button("签到", "checkin:1"),),)


def test_fan_out_keeps_what_the_channel_can_show() -> None:
    group = Outgoing(chat_id="g", text="会议开始", buttons=BUTTONS, image=b"png")
    assert fan_out(group, FULL, [(1, "a")]) == [("", group)]
    private = Outgoing(chat_id="a", text="表决", buttons=BUTTONS, chat_kind=ChatKind.PRIVATE)
    assert fan_out(private, NO_GROUP_BUTTONS, [(1, "a")]) == [("", private)]
    plain = Outgoing(chat_id="g", text="通知")
    assert fan_out(plain, NO_GROUP_BUTTONS, [(1, "a")]) == [("", plain)]
    assert fan_out(group, Capabilities(pictures=False), [])[0][1].image is None


def test_fan_out_sends_each_member_the_buttons_of_a_group_message() -> None:
    group = Outgoing(chat_id="g", text="会议开始", buttons=BUTTONS, image=b"png")
    rows = fan_out(group, NO_GROUP_BUTTONS, [(7, "a"), (9, "b")])
    assert [suffix for suffix, _ in rows] == ["", ":p7", ":p9"]
    assert rows[0][1] == Outgoing(chat_id="g", text=f"会议开始\n{texts.BUTTONS_SENT_PRIVATELY}",
                                  image=b"png")
    assert rows[1][1] == Outgoing(chat_id="a", text="会议开始", buttons=BUTTONS,
                                  chat_kind=ChatKind.PRIVATE)
    assert rows[2][1].chat_id == "b" and rows[2][1].image is None
    # A 屋场 with nobody on the channel: the group still gets the text.
    assert [row.text for _, row in fan_out(group, NO_GROUP_BUTTONS, [])] == [
        rows[0][1].text]


def test_within_turns_toasts_and_edits_into_messages() -> None:
    press = Incoming(channel="x", chat_id="g", chat_kind=ChatKind.GROUP, user_id="u7",
                     payload="checkin:1")
    toast = Outgoing(chat_id="g", text="已签到", toast=True, extra={REFUSED: "1"})
    edit = Outgoing(chat_id="g", text="到会1户", buttons=BUTTONS, edit=True)
    assert within(toast, FULL, press) == toast and within(edit, FULL, press) == edit
    private = within(toast, Capabilities(toast=False), press)
    assert (private.chat_id, private.chat_kind, private.toast) == ("u7", ChatKind.PRIVATE, False)
    assert within(edit, Capabilities(edit=False), press) == Outgoing(
        chat_id="g", text="到会1户", buttons=BUTTONS)
