"""Pictures and files sent right after a notice are attached to it (rule P1)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.wiring import App
from core import texts
from core.clock import ManualClock
from core.messages import MAX_ATTACHMENT, Attachment, AttachmentKind, ChatKind, Outgoing
from core.permissions import Place
from core.publication import (
    ATTACH_WINDOW,
    MAX_ATTACHMENTS,
    PUSHED_PICTURE,
    Notice,
    Status,
    attachment_for,
    size_label,
)
from storage import events
from storage.export import snapshot
from storage.schema import notice_attachment, outbox
from tests.conftest import SHANGHAI, START, FakeBot, texts_of

HEAD, VILLAGER, CADRE = "H01", "V01", "C01"
FENGSHU, YANGJIA = "枫树湾", "杨家湾"
ROAD = "明天上午修村口的路，请各户把车挪开"
PICTURE = Attachment(AttachmentKind.PICTURE, "图片.jpg", "image/jpeg", b"\xff\xd8 road", 7)
LIST = Attachment(AttachmentKind.FILE, "低保名单.xlsx", "application/vnd.ms-excel",
                  b"PK list", 7)


def sent_notice(number: int, status: Status = Status.OPEN,
                sent_at: datetime | None = START) -> Notice:
    return Notice(id=number, kind=None, scope=Place(1, 1, 1), text=ROAD, publisher_id=3,
                  publicity=False, days=None, ends_at=None, status=status, corrects=None,
                  sent_at=sent_at if status is not Status.DRAFT else None)


def test_an_attachment_joins_the_newest_notice_within_ten_minutes() -> None:
    newest = sent_notice(4)
    assert attachment_for(newest, 0, START) == newest
    assert attachment_for(newest, MAX_ATTACHMENTS - 1, START + ATTACH_WINDOW) == newest
    with pytest.raises(ValueError, match="请先用 /notice"):
        attachment_for(newest, 0, START + ATTACH_WINDOW + timedelta(seconds=1))
    with pytest.raises(ValueError, match="请先用 /notice"):
        attachment_for(None, 0, START)
    with pytest.raises(ValueError, match="最多附9个"):
        attachment_for(newest, MAX_ATTACHMENTS, START)
    # A notice whose kind is not chosen takes none: it has not gone out yet.
    with pytest.raises(ValueError, match="第5号还没发出"):
        attachment_for(sent_notice(5, Status.DRAFT), 0, START)
    # An ended 公示 is still the notice the sender just sent (results published at once).
    assert attachment_for(sent_notice(6, Status.ENDED), 0, START) == sent_notice(6, Status.ENDED)


def test_sizes_read_as_people_read_them() -> None:
    assert [size_label(size) for size in (0, 1023, 1024, 1024 * 1024 - 1, 1024 * 1024,
                                          MAX_ATTACHMENT)] == [
        "0 字节", "1023 字节", "1 KB", "1023 KB", "1.0 MB", "10.0 MB"]


async def send_file(bot: FakeBot, person: str, chat: str, attachment: Attachment,
                    caption: str | None = None) -> list[Outgoing]:
    """``person`` sends a picture or file in ``chat`` (no console script can); return what went out."""
    before = len(bot.sent)
    console = bot.replayer.console
    incoming = await console.incoming(person, chat, text=caption)
    for reply in await bot.app.answer(replace(incoming, attachment=attachment)):
        await console.send(reply)
    await bot.app.dispatcher.drain()
    return [message for _, message in bot.sent[before:]]


async def notice(bot: FakeBot, person: str, chat: str, text: str = ROAD) -> int:
    drafted = await bot.say(person, chat, f"/notice {text}")
    number = int(drafted[0].text.split("第", 1)[1].split("号", 1)[0])
    await bot.press(person, chat, "村务公开")
    return number


async def stored(app: App) -> int:
    async with app.context.db.read() as connection:
        return int(await connection.scalar(
            select(func.count()).select_from(notice_attachment)) or 0)


async def queued(app: App) -> int:
    async with app.context.db.read() as connection:
        return int(await connection.scalar(select(func.count()).select_from(outbox)) or 0)


async def test_a_picture_and_a_file_after_a_notice_reach_its_groups(
        app: App, bot: FakeBot, clock: ManualClock) -> None:
    number = await notice(bot, HEAD, FENGSHU)
    clock.set(START + ATTACH_WINDOW)
    went = await send_file(bot, HEAD, "private", PICTURE, caption="村口这段")
    assert texts_of(went) == [
        texts.ATTACHED.format(number=number, sequence=1, name="图片.jpg", groups=1),
        texts.ATTACHED_PICTURE.format(number=number, name="图片.jpg")]
    assert went[0].chat_kind is ChatKind.PRIVATE
    assert went[1].chat_kind is ChatKind.GROUP and went[1].image == PICTURE.content

    # In the group itself: the reply and the line naming the file both go there.
    went = await send_file(bot, HEAD, FENGSHU, LIST)
    assert texts_of(went) == [
        texts.ATTACHED.format(number=number, sequence=2, name="低保名单.xlsx", groups=1),
        texts.ATTACHED_FILE.format(number=number, name="低保名单.xlsx", size="7 字节",
                                   publisher="李勇（屋场长）")]
    assert {message.chat_id for message in went} == {went[0].chat_id}
    assert went[1].image is None

    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
        logged = await events.stream_events(connection, f"notice:{number}")
    assert state["notices"][0]["attachments"] == ["图片.jpg", "低保名单.xlsx"]
    attached = [event.payload for event in logged if event.kind == "notice.attached"]
    assert attached[0] == {"number": 1, "kind": "picture", "name": "图片.jpg",
                           "mime_type": "image/jpeg", "size": 7,
                           "sha256": hashlib.sha256(PICTURE.content).hexdigest()}


async def test_a_village_cadres_picture_reaches_every_group_of_the_village(
        app: App, bot: FakeBot) -> None:
    number = await notice(bot, CADRE, "private")
    went = await send_file(bot, CADRE, "private", PICTURE)
    groups = [message for message in went if message.chat_kind is ChatKind.GROUP]
    assert texts_of(went)[0] == texts.ATTACHED.format(number=number, sequence=1,
                                                      name="图片.jpg", groups=len(groups))
    assert len(groups) >= 2 and all(message.image == PICTURE.content for message in groups)


async def test_a_large_picture_reaches_the_groups_by_its_name(app: App, bot: FakeBot) -> None:
    number = await notice(bot, HEAD, FENGSHU)
    content = bytes(PUSHED_PICTURE + 1)
    large = replace(PICTURE, content=content, size=len(content))
    went = await send_file(bot, HEAD, "private", large)
    assert went[1].image is None
    assert went[1].text == texts.ATTACHED_FILE.format(
        number=number, name="图片.jpg", size="2.0 MB", publisher="李勇（屋场长）")


async def test_what_cannot_be_attached_changes_nothing(app: App, bot: FakeBot,
                                                       clock: ManualClock) -> None:
    no_notice = texts.ATTACH_NO_NOTICE.format(minutes=10)
    # Nothing sent yet: the sender is told what to do; in a group, nobody hears of it.
    assert texts_of(await send_file(bot, HEAD, "private", PICTURE)) == [no_notice]
    assert await send_file(bot, HEAD, FENGSHU, PICTURE) == []
    # People share pictures in their groups: a villager's is left alone.
    number = await notice(bot, HEAD, FENGSHU)
    assert await send_file(bot, VILLAGER, FENGSHU, PICTURE) == []
    assert texts_of(await send_file(bot, VILLAGER, "private", PICTURE)) == [
        texts.MEDIA_NOT_TAKEN]  # issue 21 item 6: what the bot can take
    # Not where the head may publish: another 屋场's group.
    assert await send_file(bot, HEAD, YANGJIA, PICTURE) == []
    # Over the limit (the channel did not download it).
    too_big = replace(PICTURE, content=b"", size=MAX_ATTACHMENT + 1)
    assert texts_of(await send_file(bot, HEAD, "private", too_big)) == [
        texts.ATTACH_TOO_BIG.format(most="10.0 MB")]
    # A caption that is a command is that command; the picture is not attached.
    listing = await send_file(bot, HEAD, "private", PICTURE, caption="/notices")
    assert texts_of(listing)[0].startswith(texts.NOTICES_HEADER.format(count=1))
    # Typing the attachment command is no way round.
    assert texts_of(await bot.say(HEAD, "private", "/attachment")) == [
        texts.UNKNOWN_COMMAND.format(command="/attachment")]
    # Too late.
    clock.set(START + ATTACH_WINDOW + timedelta(seconds=1))
    before = await queued(app)
    assert texts_of(await send_file(bot, HEAD, "private", PICTURE)) == [no_notice]
    assert await stored(app) == 0 and await queued(app) == before
    assert number == 1


async def test_a_newer_notice_takes_the_attachments_and_a_notice_takes_nine(
        app: App, bot: FakeBot) -> None:
    first = await notice(bot, HEAD, FENGSHU)
    # A notice drafted but not sent: choose its kind first.
    drafted = await bot.say(HEAD, FENGSHU, "/notice 第二件事")
    second = int(drafted[0].text.split("第", 1)[1].split("号", 1)[0])
    assert texts_of(await send_file(bot, HEAD, "private", PICTURE)) == [
        texts.ATTACH_DRAFT.format(number=second)]
    await bot.press(HEAD, FENGSHU, "村务公开")
    for sequence in range(1, MAX_ATTACHMENTS + 1):
        went = await send_file(bot, HEAD, "private", PICTURE)
        assert went[0].text == texts.ATTACHED.format(number=second, sequence=sequence,
                                                     name="图片.jpg", groups=1)
    assert texts_of(await send_file(bot, HEAD, "private", PICTURE)) == [
        texts.ATTACH_TOO_MANY.format(number=second, most=MAX_ATTACHMENTS)]
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
    assert [item["attachments"] for item in state["notices"]] == [
        [], ["图片.jpg"] * MAX_ATTACHMENTS]
    assert first < second
