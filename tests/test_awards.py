"""The 五面红旗 award through the console channel: apply, review, 公示, award, 摘牌 (A1-A3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from bot.files.award_scheme import load_award_scheme
from bot.wiring import App
from core import texts
from core.messages import ChatKind, Outgoing
from storage.export import snapshot
from tests.conftest import SHANGHAI, FakeBot, joined, texts_of

CADRE, OFFICIAL, VILLAGER, OTHER_CADRE = "C01", "T01", "V01", "C02"
AFTER_PUBLICITY = datetime(2026, 11, 13, 1, 0, tzinfo=SHANGHAI)  # 5 working days after 11-05


def use_scheme(app: App, name: str) -> None:
    app.context = replace(app.context, rules=replace(app.context.rules,
                                                     award=load_award_scheme(name)))


def group_texts(messages: list[Outgoing]) -> list[str]:
    return [message.text for message in messages if message.chat_kind is ChatKind.GROUP]


async def awards_of(app: App) -> list[dict[str, object]]:
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI, award=app.context.rules.award)
    return list(state["awards"])


async def answer_all(bot: FakeBot, flag: str, labels: list[str]) -> list[Outgoing]:
    """Apply for a flag pressing/typing each answer in turn; return the last replies."""
    replies = await bot.say(CADRE, "private", f"/hongqi apply {flag}")
    for label in labels:
        if label.startswith("填 "):
            replies = await bot.say(CADRE, "private", f"/hongqi {label}")
        else:
            replies = await bot.press(CADRE, "private", label)
    return replies


async def review_all(bot: FakeBot, village: str, flag: str, count: int) -> list[Outgoing]:
    replies = await bot.say(OFFICIAL, "private", f"/hongqi review {village} {flag}")
    for _ in range(count):
        replies = await bot.press(OFFICIAL, "private", texts.AWARD_MET_BUTTON)
    return replies


def notice_number(replies: list[Outgoing]) -> int:
    text = next(message.text for message in replies if "编号" in message.text)
    return int(text.split("编号", 1)[1].split("）", 1)[0])


async def test_apply_review_publicize_then_an_objection_holds_up_the_award(
        app: App, bot: FakeBot) -> None:
    summary = await answer_all(bot, "党建示范", [texts.AWARD_YES] * 5)
    assert "【党建示范】2026年申报已填完" in summary[0].text
    assert summary[0].button_labels() == [texts.AWARD_SUBMIT_BUTTON]
    # The township cannot review a draft.
    assert texts_of(await bot.say(OFFICIAL, "private", "/hongqi review 金竹村 党建示范")) == [
        texts.AWARD_NOT_SUBMITTED.format(village="金竹村", flag="党建示范", year=2026)]
    submitted = await bot.press(CADRE, "private", texts.AWARD_SUBMIT_BUTTON)
    assert texts.AWARD_SUBMITTED.format(flag="党建示范", year="2026") in texts_of(submitted)
    assert any("金竹村提交了2026年党建示范" in text for text in texts_of(submitted))
    assert [row["status"] for row in await awards_of(app)] == ["applied"]

    first = await bot.say(OFFICIAL, "private", "/hongqi review 金竹村 党建示范")
    assert "第1/5条" in first[0].text and first[0].button_labels() == ["达标", "不达标"]
    await bot.press(OFFICIAL, "private", texts.AWARD_MET_BUTTON)
    assert [row["status"] for row in await awards_of(app)] == ["reviewing"]
    publicized = await review_all(bot, "金竹村", "党建示范", 4)
    number = notice_number(publicized)
    assert any("拟授牌：金竹村党建示范红旗" in text for text in group_texts(publicized))
    assert [row["status"] for row in await awards_of(app)] == ["publicized"]

    # While the 公示 runs the flag is not awarded; a villager objects.
    refused = await bot.say(OFFICIAL, "private", "/hongqi award 2026")
    assert texts.AWARD_HELD_RUNNING.format(number=number) in refused[0].text
    await bot.say(VILLAGER, "枫树湾", f"/object {number} 村集体经济账目不清")
    await bot.tick(AFTER_PUBLICITY)
    held = await bot.say(OFFICIAL, "private", "/hongqi award 2026")
    assert texts.AWARD_HELD_OBJECTIONS.format(number=number, sequences="1") in held[0].text
    assert [row["status"] for row in await awards_of(app)] == ["publicized"]

    await bot.say(OFFICIAL, "private", f"/answer {number} 1 已核实，账目已公开")
    awarded = await bot.say(OFFICIAL, "private", "/hongqi award 2026")
    assert texts.AWARD_AWARDED.format(year=2026, listing="金竹村（党建示范）") in texts_of(awarded)
    groups = group_texts(awarded)
    assert any("金竹村荣获2026年“党建示范”红旗" in text for text in groups)
    assert [row for row in await awards_of(app)] == [{
        "year": 2026, "village": "金竹村", "flag": "党建示范", "status": "awarded",
        "criteria_met": 5, "criteria_total": 5}]
    listing = await bot.say(CADRE, "private", "/hongqi")
    assert "金竹村 党建示范：已授牌（达标5/5），11月13日授牌" in listing[0].text
    # The monthly flags know nothing of it.
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
    assert state["flags"] == [] and state["settlements"] == []


async def test_a_threshold_at_its_edge_and_an_or_criterion_in_chat(
        app: App, bot: FakeBot) -> None:
    use_scheme(app, "award-000")
    asked = await answer_all(bot, "产业兴旺", [texts.AWARD_YES])
    assert "土地集约化" in asked[0].text and "≥30%" in asked[0].text and " 或 " in asked[0].text
    assert texts_of(await bot.say(CADRE, "private", "/hongqi 填 abc"))[0].startswith("数值不对")
    await bot.say(CADRE, "private", "/hongqi 填 29.9")  # criterion 2: area only, 29.9%
    await bot.say(CADRE, "private", "/hongqi 填 40 -")  # 3: income share ≥50%? no; households -
    await bot.say(CADRE, "private", "/hongqi 填 10 30")  # 4: both at their edges
    summary = await bot.say(CADRE, "private", "/hongqi 填 30")  # 5
    text = summary[0].text
    assert "规模化经营面积占总面积29.9%（未达标）" in text
    assert "主导产业纯收入占人均纯收入40%（未达标）" in text
    assert "人均可支配收入高于本旗10%、产品基地规模占当地生产规模30%（达标）" in text
    # The OR: the households figure alone at 30% meets criterion 2.
    await bot.say(CADRE, "private", "/hongqi apply 产业兴旺 2")
    summary = await bot.say(CADRE, "private", "/hongqi 填 - 30")
    assert "流转土地农户占农户总数30%（达标）" in summary[0].text


async def test_an_incident_withdraws_an_awarded_flag(app: App, bot: FakeBot) -> None:
    use_scheme(app, "award-000")
    await answer_all(bot, "社会治理", [texts.AWARD_YES, texts.AWARD_NONE_YES, texts.AWARD_YES,
                                     texts.AWARD_NONE_YES])
    await bot.press(CADRE, "private", texts.AWARD_SUBMIT_BUTTON)
    await review_all(bot, "金竹村", "社会治理", 4)
    await bot.tick(AFTER_PUBLICITY)
    await bot.say(OFFICIAL, "private", "/hongqi award 2026")
    # A type the scheme does not list is refused, naming the types.
    wrong = await bot.say(OFFICIAL, "private", "/hongqi 事件 金竹村 吵架 邻里纠纷")
    assert "重大火灾" in wrong[0].text
    assert [row["status"] for row in await awards_of(app)] == ["awarded"]
    fire = await bot.say(OFFICIAL, "private", "/hongqi 事件 金竹村 重大火灾 仓库起火")
    assert texts.AWARD_INCIDENT_RECORDED.format(
        village="金竹村", type="重大火灾",
        note=texts.AWARD_INCIDENT_WITHDREW.format(flags="社会治理")) in texts_of(fire)
    assert any("“社会治理”红旗于11月13日摘牌。原因：发生重大火灾：仓库起火" in text
               for text in group_texts(fire))
    rows = await awards_of(app)
    assert rows[0]["status"] == "withdrawn" and rows[0]["criteria_met"] == 3
    # Withdrawn once: revoking again finds no flag held.
    again = await bot.say(OFFICIAL, "private", "/hongqi 摘牌 金竹村 社会治理 复查不达标")
    assert texts_of(again) == [texts.AWARD_NOT_HELD.format(village="金竹村", flag="社会治理")]


async def test_a_sent_back_criterion_opens_a_task_until_submitted_again(
        app: App, bot: FakeBot) -> None:
    await answer_all(bot, "社会治理", [texts.AWARD_YES] * 4)
    await bot.press(CADRE, "private", texts.AWARD_SUBMIT_BUTTON)
    await bot.say(OFFICIAL, "private", "/hongqi review 金竹村 社会治理")
    await bot.press(OFFICIAL, "private", texts.AWARD_MET_BUTTON)
    back = await bot.say(OFFICIAL, "private", "/hongqi 退回 金竹村 社会治理 2 2026-11-20 缺村民代表会议记录")
    assert any("第2条（自治体系健全）被退回：缺村民代表会议记录" in text for text in texts_of(back))
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
    task = [found for found in state["tasks"] if found["kind"] == "criterion"]
    assert len(task) == 1 and task[0]["status"] == "open" and task[0]["due"] == "2026-11-20"
    # Criteria not sent back stay as submitted.
    assert texts_of(await bot.say(CADRE, "private", "/hongqi apply 社会治理 3")) == [
        texts.AWARD_SUBMITTED_ALREADY.format(flag="社会治理")]
    await bot.say(CADRE, "private", "/hongqi apply 社会治理")
    await bot.say(CADRE, "private", "/hongqi 说明 会议记录已补齐，共12次")
    await bot.press(CADRE, "private", texts.AWARD_YES)
    await bot.press(CADRE, "private", texts.AWARD_SUBMIT_BUTTON)
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
    assert [found["status"] for found in state["tasks"] if found["kind"] == "criterion"] == [
        "done"]
    shown = await bot.say(OFFICIAL, "private", "/hongqi review 金竹村 社会治理")
    assert "第2/4条" in shown[0].text and "会议记录已补齐" in shown[0].text


async def test_a_community_applies_under_the_community_scheme(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    await joined(bot, tmp_path / "kind.csv",
                 "编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机,村类型\n"
                 "C02,唐村官,金溪镇,西片网格,丰收村,老屋场,3,是,是,45,村干部,13800000009,社区\n")
    refused = await bot.say(OTHER_CADRE, "private", "/hongqi apply 产业兴旺")
    assert texts_of(refused) == [texts.AWARD_FLAG_UNKNOWN.format(
        name="产业兴旺", kind="社区", names="党建引领、服务优质、绿色宜居、文明祥和、社会治理")]
    asked = await bot.say(OTHER_CADRE, "private", "/hongqi apply 服务优质")
    assert "【服务优质】第1/5条 居家养老服务优质" in asked[0].text
    # 金竹村 stays a 村.
    assert "产业兴旺" in texts_of(await bot.say(CADRE, "private", "/hongqi apply 产业兴旺"))[0]


async def test_roles_and_bad_words_are_refused(app: App, bot: FakeBot) -> None:
    assert texts_of(await bot.say(OFFICIAL, "private", "/hongqi apply 党建示范")) == [
        texts.AWARD_CADRE_ONLY]
    assert texts_of(await bot.say(CADRE, "private", "/hongqi award 2026")) == [
        texts.AWARD_OFFICIAL_ONLY]
    assert texts_of(await bot.say(CADRE, "private", "/hongqi 1999")) == [
        texts.AWARD_YEAR_BAD.format(value="1999")]
    assert texts_of(await bot.say(CADRE, "private", "/hongqi 填 3")) == [texts.AWARD_NO_CURRENT]
    assert texts.AWARD_LIST_NONE in texts_of(await bot.say(OFFICIAL, "private", "/红旗"))[0]


async def test_a_picture_while_answering_is_evidence_and_otherwise_goes_to_notices(
        app: App, bot: FakeBot) -> None:
    from core.messages import Attachment, AttachmentKind
    from tests.test_notice_attachments import send_file

    photo = Attachment(AttachmentKind.PICTURE, "活动室.jpg", "image/jpeg", b"\xff\xd8 room", 7)
    # Not answering anything: the picture is the notices' business (no notice: told so).
    before = await send_file(bot, CADRE, "private", photo)
    assert texts.AWARD_EVIDENCE_KEPT.format(number=1) not in texts_of(before)
    await bot.say(CADRE, "private", "/hongqi apply 党建示范")
    kept = await send_file(bot, CADRE, "private", photo)
    assert texts_of(kept) == [texts.AWARD_EVIDENCE_KEPT.format(number=1)]
    await answer_all(bot, "党建示范", [texts.AWARD_YES] * 5)
    await bot.press(CADRE, "private", texts.AWARD_SUBMIT_BUTTON)
    shown = await bot.say(OFFICIAL, "private", "/hongqi review 金竹村 党建示范")
    assert "佐证：picture：活动室.jpg" in shown[0].text


async def test_january_reminds_the_officials_to_re_review_once(app: App, bot: FakeBot) -> None:
    await answer_all(bot, "党建示范", [texts.AWARD_YES] * 5)
    await bot.press(CADRE, "private", texts.AWARD_SUBMIT_BUTTON)
    await review_all(bot, "金竹村", "党建示范", 5)
    await bot.tick(AFTER_PUBLICITY)
    await bot.say(OFFICIAL, "private", "/hongqi award 2026")
    assert not [text for text in texts_of(await bot.tick(datetime(2026, 12, 20, 9, 0,
                                                                  tzinfo=SHANGHAI)))
                if "一月复查" in text]
    january = await bot.tick(datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI))
    reminders = [message for message in january if "一月复查" in message.text]
    assert [message.chat_id for message in reminders] == ["T01"]
    assert "金竹村（党建示范，2026年）" in reminders[0].text
    later = await bot.tick(datetime(2027, 1, 20, 9, 0, tzinfo=SHANGHAI))
    assert not [message for message in later if "一月复查" in message.text]


async def test_a_figure_with_a_provider_is_filled_from_the_records(
        app: App, bot: FakeBot) -> None:
    from bot.files.award_scheme import parse_award_scheme
    from core.criteria import Subject
    from storage import criteria

    seen: list[tuple[Subject, str]] = []

    async def meetings_held(connection: object, found: Subject, period: str,
                            zone: object) -> float:
        seen.append((found, period))
        return 12.0

    criteria.register_provider("test_meetings_held", meetings_held)
    scheme = parse_award_scheme({"name": "own", "village": [{"name": "议事", "criteria": [
        {"number": 1, "title": "屋场会", "kind": "number", "text": "全年召开屋场会12次以上",
         "figures": [{"key": "held", "label": "屋场会", "unit": "次", "threshold": 12,
                      "source": "test_meetings_held"}]},
        {"number": 2, "title": "记录", "kind": "yes_no", "text": "会议记录完整"}]}]})
    app.context = replace(app.context, rules=replace(app.context.rules, award=scheme))
    try:
        asked = await bot.say(CADRE, "private", "/hongqi apply 议事")
        assert "第2/2条 记录" in asked[0].text
        summary = await bot.press(CADRE, "private", texts.AWARD_YES)
        assert "1. 屋场会：屋场会12次（达标）" in summary[0].text
        assert seen and seen[0][1] == "2026"
    finally:
        criteria.PROVIDERS.pop("test_meetings_held")
