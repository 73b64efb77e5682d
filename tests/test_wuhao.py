"""The 五个好 party branch through the console channel (rule Y4): standard, stages, 民主生活会."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.files.award_scheme import load_wuhao_scheme
from bot.wiring import App
from core import texts
from core.criteria import Kind
from core.messages import Outgoing
from core.wuhao import (
    Moment,
    Stage,
    StageReminder,
    fewest_items,
    inspection_year,
    items_problem,
    read_items,
    reminders_due,
    shown,
)
from storage.export import snapshot
from tests.conftest import SHANGHAI, FakeBot, joined, texts_of
from tests.test_party import PARTY_ROSTER

SECRETARY, OFFICIAL, LEADER, MEMBER, VILLAGER = "C01", "T01", "H01", "P02", "V02"
WUHAO = load_wuhao_scheme("wuhao-001")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
async def branch_bot(bot: FakeBot, tmp_path: Path) -> FakeBot:
    """金竹村党支部: C01 its 支部书记, H01 党小组长, R01 后备干部, V01 入党积极分子, P02 有岗."""
    return await joined(bot, tmp_path / "party.csv", PARTY_ROSTER)


async def tasks_of(app: App, kind: str) -> list[dict[str, object]]:
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI)
    return [found for found in state["tasks"] if found["kind"] == kind]


def test_the_standard_carries_seed_001s_numbers() -> None:
    checklists = {found.name: found for found in WUHAO.checklists("党支部")}
    assert list(checklists) == ["领导班子好", "党员队伍好", "制度建设好", "工作业绩好", "群众反映好"]
    thresholds = {figure.key: (figure.threshold, figure.source)
                  for found in checklists.values() for criterion in found.criteria
                  for figure in criterion.figures}
    assert thresholds["reserve_cadres"] == (5, "wuhao_reserve_cadres")
    # The year's new 入党积极分子 (seed 001: 每年发展), typed: the roster has the standing ones.
    assert thresholds["activists"] == (10, None)
    assert thresholds["new_members"] == (3, None) and thresholds["new_young"] == (3, None)
    assert thresholds["new_women"] == (1, None)
    assert thresholds["post_participation"] == (80, "wuhao_post_participation")
    assert thresholds["members_rate"] == (90, "wuhao_members_survey")
    assert thresholds["committee_rate"] == (90, "wuhao_committee_survey")
    assert thresholds["star_households"] == (80, None)
    assert thresholds["video_lessons"] == (12, "wuhao_video_lessons")
    assert thresholds["central_group_months"] == (12, "wuhao_central_group_months")
    assert thresholds["items_fewest"] == (2, "wuhao_rectification_fewest")
    assert thresholds["income_growth"] == (15, None)
    assert thresholds["training_kinds"] == (5, None)  # (二)5 开展5类以上适用技术培训
    achievements = checklists["工作业绩好"]
    assert [(found.number, found.kind) for found in achievements.criteria[4:]] == [
        (5, Kind.YES_NO), (6, Kind.YES_NO), (7, Kind.YES_NO), (8, Kind.YES_NO)]
    assert "林业偷砍盗伐专项治理" in achievements.criteria[4].text
    assert "集体林权制度改革和866工程" in achievements.criteria[7].text
    assert [len(found.criteria) for found in checklists.values()] == [5, 9, 5, 8, 5]
    life = checklists["领导班子好"].criterion(4)
    assert life is not None and life.kind is Kind.NUMBER and not life.either


def test_the_three_stages_and_their_reminders() -> None:
    assert reminders_due(date(2027, 1, 3)) == [StageReminder(Stage.MOBILISE, Moment.START, 2027)]
    assert reminders_due(date(2027, 1, 4)) == []  # past the days a late service catches up
    assert reminders_due(date(2027, 3, 1)) == [
        StageReminder(Stage.MOBILISE, Moment.ENDING, 2027),
        StageReminder(Stage.INSPECT, Moment.ENDING, 2026)]
    assert reminders_due(date(2027, 4, 1)) == [
        StageReminder(Stage.IMPLEMENT, Moment.START, 2027)]
    assert reminders_due(date(2027, 10, 1)) == [
        StageReminder(Stage.IMPLEMENT, Moment.ENDING, 2027)]
    assert reminders_due(date(2027, 11, 2)) == [StageReminder(Stage.INSPECT, Moment.START, 2027)]
    assert reminders_due(date(2027, 6, 1)) == reminders_due(date(2027, 12, 1)) == []
    assert inspection_year(date(2027, 3, 31)) == 2026 and inspection_year(date(2027, 4, 1)) == 2027


def test_rectification_items_are_at_least_two_per_cadre() -> None:
    assert read_items("学习不够；联系群众不够;\n 作风不实 ") == ["学习不够", "联系群众不够", "作风不实"]
    assert items_problem(["学习不够"]) == texts.WUHAO_REMEDY_TOO_FEW.format(count=1, least=2)
    assert items_problem(read_items("；；")) == texts.WUHAO_REMEDY_TOO_FEW.format(count=0, least=2)
    assert items_problem(["学习不够", "联系群众不够"]) is None
    # The figure is the fewest any cadre on the roll got: one without items makes it 0.
    assert fewest_items([1, 2], {1: 3, 2: 2}) == 2
    assert fewest_items([1, 2], {1: 3}) == 0
    assert shown(89.99) == 89.9 and shown(90.0) == 90.0


async def test_a_target_is_filled_from_the_records_and_shown_by_wuhao(
        branch_bot: FakeBot) -> None:
    shown = texts_of(await branch_bot.say(SECRETARY, "private", "/wuhao"))[0]
    assert shown.startswith(texts.WUHAO_PROGRESS_HEADER.format(
        branch="金竹村党支部", year=2026, stages="2026年检查提高"))
    # 无职党员 P01 P02 (屋场长 H02 H04 hold an office): P02 holds a post (岗位); R01 后备干部.
    assert "无职党员参与率50%（目标≥80%）未达" in shown
    assert "后备人才1人（目标≥5人）未达" in shown
    assert "新发展入党积极分子待填（目标≥10名）" in shown  # V01 stands, not new this year
    assert "中心组学习月数0个月（目标≥12个月）未达" in shown
    assert "人均纯收入增长待填（目标≥15%）" in shown
    # A 中心组学习 held (someone checked in) counts its month.
    await branch_bot.say(SECRETARY, "private", "/lesson 中心组学习 2026-11-10 19:30 学习方案")
    await branch_bot.tick(at(2026, 11, 10, 19, 0))
    await branch_bot.say(SECRETARY, "private", f"/attend {SECRETARY} {LEADER}")
    shown = texts_of(await branch_bot.say(MEMBER, "private", "/wuhao"))[0]
    assert "中心组学习月数1个月（目标≥12个月）未达" in shown
    # The self-check answers what the records give by itself and asks the rest.
    # 2 党员民主测评 waits for a survey to end: the records fill it, it is not asked.
    asked = await branch_bot.say(SECRETARY, "private", "/wuhao 自查 党员队伍好")
    assert "【党员队伍好】第4/9条 入党积极分子" in asked[0].text
    summary = None
    for figure in ("2", "3 3", "1"):  # 4 积极分子, 5 新党员 and 30岁以下, 6 女党员
        summary = await branch_bot.say(SECRETARY, "private", f"/wuhao 填 {figure}")
    assert summary is not None
    for _ in range(2):
        await branch_bot.press(SECRETARY, "private", texts.AWARD_YES)
    summary = await branch_bot.say(SECRETARY, "private", "/wuhao 填 5")  # 9 技术培训 5类
    assert "9. 适用技术培训：适用技术培训5类（达标）" in summary[0].text
    assert "1. 无职党员设岗定责：无职党员参与率50%（未达标）" in summary[0].text
    assert "3. 后备人才：后备人才1人（未达标）" in summary[0].text
    assert f"2. 党员民主测评：{texts.AWARD_NOT_ANSWERED}" in summary[0].text


async def test_a_month_of_study_is_a_local_month(branch_bot: FakeBot) -> None:
    # 00:30 on 1 December in Shanghai is still 30 November in UTC: it is December's study.
    for day, hour, minute in ((10, 19, 30), (1, 0, 30)):
        month = 11 if day == 10 else 12
        await branch_bot.say(SECRETARY, "private",
                             f"/lesson 中心组学习 2026-{month}-{day:02d} {hour:02d}:{minute:02d} 学习")
        await branch_bot.tick(at(2026, month, day, hour, minute) - timedelta(minutes=20))
        await branch_bot.say(SECRETARY, "private", f"/attend {SECRETARY} {LEADER}")
    shown = texts_of(await branch_bot.say(MEMBER, "private", "/wuhao"))[0]
    assert "中心组学习月数2个月（目标≥12个月）未达" in shown


async def test_who_sees_the_progress(branch_bot: FakeBot) -> None:
    assert texts_of(await branch_bot.say(VILLAGER, "private", "/wuhao")) == [
        texts.WUHAO_MEMBERS_ONLY]
    township = texts_of(await branch_bot.say(OFFICIAL, "private", "/wuhao"))[0]
    assert "金竹村：领导班子好未自查" in township and "丰收村：" in township
    one = texts_of(await branch_bot.say(OFFICIAL, "private", "/wuhao 金竹村"))[0]
    assert "后备人才1人" in one
    assert texts_of(await branch_bot.say(LEADER, "private", "/wuhao 自查 制度建设好")) == [
        texts.WUHAO_WORDS.applicant_only]
    await branch_bot.say(SECRETARY, "private", "/wuhao 自查 制度建设好")
    township = texts_of(await branch_bot.say(OFFICIAL, "private", "/wuhao"))[0]
    lines = dict(line.split("：", 1) for line in township.splitlines()[1:-1])
    assert f"制度建设好{texts.WUHAO_STATE_DRAFT}" in lines["金竹村"]
    assert f"制度建设好{texts.WUHAO_STATE_NONE}" in lines["丰收村"]
    assert texts_of(await branch_bot.say(SECRETARY, "private", "/wuhao 检查 金竹村 制度建设好")) \
        == [texts.WUHAO_WORDS.official_only]


async def test_the_inspection_sends_an_item_back_as_a_task_then_accepts(
        branch_bot: FakeBot) -> None:
    await branch_bot.say(SECRETARY, "private", "/wuhao 自查 制度建设好")
    for _ in range(5):
        summary = await branch_bot.press(SECRETARY, "private", texts.AWARD_YES)
    assert texts.WUHAO_WORDS.summary.format(flag="制度建设好", year=2026) in summary[0].text
    submitted = await branch_bot.press(SECRETARY, "private", texts.WUHAO_WORDS.submit_button)
    assert texts.WUHAO_WORDS.submitted_to_officials.format(
        village="金竹村", flag="制度建设好", year=2026) in texts_of(submitted)
    shown = await branch_bot.say(OFFICIAL, "private", "/wuhao 检查 金竹村 制度建设好")
    assert "【金竹村·制度建设好·2026】第1/5条 活动场所" in shown[0].text
    await branch_bot.press(OFFICIAL, "private", texts.AWARD_MET_BUTTON)
    back = await branch_bot.say(OFFICIAL, "private",
                                "/wuhao 退回 金竹村 制度建设好 2 2026-11-20 缺会议签到表")
    told = [message for message in back if message.chat_id == SECRETARY]
    assert told and "第2条（按时参加会议）被镇里退回：缺会议签到表" in told[0].text
    [task] = await tasks_of(branch_bot.app, "criterion")
    assert task["status"] == "open" and task["due"] == "2026-11-20"
    assert task["owner"] == "金竹村党支部支部书记"
    for _ in range(3):
        waiting = await branch_bot.press(OFFICIAL, "private", texts.AWARD_MET_BUTTON)
    assert "第2条已退回" in waiting[0].text
    progress = texts_of(await branch_bot.say(SECRETARY, "private", "/wuhao"))[0]
    assert "【制度建设好】" + texts.WUHAO_STATE_BACK.format(numbers="2") in progress
    # The branch answers again and resubmits: the task is done; the township accepts.
    asked = await branch_bot.say(SECRETARY, "private", "/wuhao 自查 制度建设好")
    assert "第2/5条 按时参加会议" in asked[0].text
    await branch_bot.say(SECRETARY, "private", "/wuhao 说明 补齐了全年会议签到表")
    await branch_bot.press(SECRETARY, "private", texts.AWARD_YES)
    await branch_bot.press(SECRETARY, "private", texts.WUHAO_WORDS.submit_button)
    assert [found["status"] for found in await tasks_of(branch_bot.app, "criterion")] == ["done"]
    again = await branch_bot.say(OFFICIAL, "private", "/wuhao 检查 金竹村 制度建设好")
    assert "第2/5条" in again[0].text and "补齐了全年会议签到表" in again[0].text
    accepted = await branch_bot.press(OFFICIAL, "private", texts.AWARD_MET_BUTTON)
    assert texts.WUHAO_ACCEPTED.format(village="金竹村", flag="制度建设好") in texts_of(accepted)
    assert any(message.chat_id == SECRETARY and "通过镇里验收" in message.text
               for message in accepted)
    assert texts_of(await branch_bot.say(OFFICIAL, "private", "/wuhao 检查 金竹村 制度建设好")) \
        == [texts.WUHAO_WORDS.closed.format(village="金竹村", flag="制度建设好")]
    progress = texts_of(await branch_bot.say(SECRETARY, "private", "/wuhao"))[0]
    assert "【制度建设好】" + texts.WUHAO_STATE_ACCEPTED in progress
    # The award's flow is untouched by the branch's: 金竹村 has no 五面红旗 application.
    listing = texts_of(await branch_bot.say(OFFICIAL, "private", "/hongqi"))[0]
    assert texts.AWARD_LIST_NONE in listing


async def test_the_stage_reminders_go_out_once_each(branch_bot: FakeBot) -> None:
    def reminders(messages: list[Outgoing]) -> list[tuple[str, str]]:
        return sorted((message.chat_id, message.text) for message in messages
                      if "“五个好”" in message.text and "阶段" in message.text)

    assert reminders(await branch_bot.tick(at(2026, 11, 6, 9))) == []  # began 11-01
    mobilise = texts.WUHAO_STAGE_TEXT[("宣传动员", "start")].format(year=2027)
    first = reminders(await branch_bot.tick(at(2027, 1, 2, 9)))
    # The township's officials (T02 of 银山镇 too) and the branch secretary C01.
    assert first == [("C01", mobilise), ("T01", mobilise), ("T02", mobilise)]
    assert reminders(await branch_bot.tick(at(2027, 1, 3, 9))) == []
    march = [text for chat, text in reminders(await branch_bot.tick(at(2027, 3, 1, 9)))
             if chat == "T01"]
    assert sorted(march) == sorted([
        texts.WUHAO_STAGE_TEXT[("宣传动员", "ending")].format(year=2027),
        texts.WUHAO_STAGE_TEXT[("检查提高", "ending")].format(year=2026)])
    assert reminders(await branch_bot.tick(at(2027, 3, 2, 9))) == []
    inspect = texts.WUHAO_STAGE_TEXT[("检查提高", "start")].format(year=2027)
    assert [text for chat, text in reminders(await branch_bot.tick(at(2027, 11, 1, 9)))
            if chat == "C01"] == [inspect]


async def life_meeting(bot: FakeBot) -> None:
    """C01 calls 民主生活会 1 on 11-10 09:00; it is held (C01 and H01 present)."""
    await bot.say(SECRETARY, "private", "/lesson 民主生活会 2026-11-10 09:00 对照检查")
    await bot.tick(at(2026, 11, 10, 8, 30))
    await bot.say(SECRETARY, "private", f"/attend {SECRETARY} {LEADER}")
    await bot.tick(at(2026, 11, 10, 11, 0))


async def test_fewer_than_two_rectification_items_are_refused_and_nothing_is_stored(
        branch_bot: FakeBot) -> None:
    called = await branch_bot.say(SECRETARY, "private",
                                  "/lesson 民主生活会 2026-11-10 09:00 对照检查")
    assert "应到2人" in texts_of(called)[0]  # the 班子: C01 村干部, H01 党小组长
    early = await branch_bot.say(SECRETARY, "private", "/remedy 1 H01 2027-03-31 甲；乙")
    assert texts_of(early)[0].startswith("1号民主生活会还没召开")
    await branch_bot.tick(at(2026, 11, 10, 11, 0))
    one = await branch_bot.say(SECRETARY, "private", "/remedy 1 H01 2027-03-31 学习不够深入")
    assert texts_of(one) == [texts.WUHAO_REMEDY_TOO_FEW.format(count=1, least=2)]
    assert texts_of(await branch_bot.say(SECRETARY, "private", "/remedy 1 V01 2027-03-31 甲；乙")) \
        == [texts.WUHAO_REMEDY_NOT_ON_ROLL.format(code="V01", number=1)]
    assert texts_of(await branch_bot.say(LEADER, "private", "/remedy 1 H01 2027-03-31 甲；乙")) \
        == [texts.WUHAO_REMEDY_NOT_CALLER.format(number=1)]
    assert await tasks_of(branch_bot.app, "remedy") == []


async def test_rectification_items_are_tasks_reported_done(branch_bot: FakeBot) -> None:
    await life_meeting(branch_bot)
    recorded = await branch_bot.say(
        SECRETARY, "private", "/remedy 1 H01 2027-03-31 学习不够深入；联系群众不够")
    items = await tasks_of(branch_bot.app, "remedy")
    assert [(found["owner"], found["due"], found["status"]) for found in items] == [
        ("李勇", "2027-03-31", "open"), ("李勇", "2027-03-31", "open")]
    first, second = (int(str(found["id"])) for found in items)
    assert texts.WUHAO_REMEDY_RECORDED.format(name="李勇", count=2, due="3月31日",
                                              tasks=f"{first}、{second}") in texts_of(recorded)
    assert any(message.chat_id == LEADER and f"任务{first}：学习不够深入" in message.text
               for message in recorded)
    assert texts_of(await branch_bot.say(SECRETARY, "private", "/remedy 1 H01 2027-03-31 丙；丁")) \
        == [texts.WUHAO_REMEDY_ALREADY.format(name="李勇", number=1,
                                              tasks=f"{first}、{second}")]
    # Each cadre at least two: C01 has none yet, so the fewest is 0.
    shown = texts_of(await branch_bot.say(SECRETARY, "private", "/wuhao"))[0]
    assert "民主生活会1次（目标≥1次）✓；每位班子成员整改问题0条（目标≥2条）未达" in shown
    await branch_bot.say(SECRETARY, "private", "/remedy 1 C01 2027-03-31 调研不够；制度执行不严")
    shown = texts_of(await branch_bot.say(SECRETARY, "private", "/wuhao"))[0]
    assert "每位班子成员整改问题2条（目标≥2条）✓" in shown
    # Only its cadre reports an item done, with the existing /done.
    assert texts_of(await branch_bot.say(SECRETARY, "private", f"/done {first} 已整改")) == [
        texts.WUHAO_REMEDY_DONE_NOT_YOURS.format(number=first, owner="李勇")]
    done = await branch_bot.say(LEADER, "private", f"/done {first} 每周集中学习一次")
    assert texts.WUHAO_REMEDY_DONE.format(number=first, text="民主生活会整改：学习不够深入",
                                          report="每周集中学习一次") in texts_of(done)
    assert any(message.chat_id == SECRETARY for message in done)
    assert [found["status"] for found in await tasks_of(branch_bot.app, "remedy")][:2] == [
        "done", "open"]
    assert texts_of(await branch_bot.say(LEADER, "private", f"/done {first} 再报")) == [
        texts.WUHAO_REMEDY_DONE_ALREADY.format(number=first, report="每周集中学习一次")]
    # A villager's /done of a decision is still refused for their role.
    assert texts_of(await branch_bot.say("V01", "private", "/done 999 修好了")) == [
        texts.ROLE_REFUSED.format(role="村民", command="/done")]


async def test_the_two_committees_survey_fills_its_target(bot: FakeBot, tmp_path: Path) -> None:
    from tests.test_surveys import CLOSES, SHIMEN_ROSTER

    shimen = await joined(bot, tmp_path / "shimen.csv", SHIMEN_ROSTER)
    before = texts_of(await shimen.say("K01", "private", "/wuhao"))[0]
    assert "两委满意度测评满意率待填（目标≥90%）" in before
    await shimen.say("K01", "private", "/survey 两委 90")
    for code in ("S01", "S02", "S03", *(f"S{number:02d}" for number in range(4, 10))):
        await shimen.press(code, "private", "满意")
    await shimen.press("S10", "private", "不满意")
    running = texts_of(await shimen.say("K01", "private", "/wuhao"))[0]
    assert "两委满意度测评满意率待填" in running  # counted once the survey has ended
    await shimen.tick(CLOSES)
    after = texts_of(await shimen.say("K01", "private", "/wuhao"))[0]
    assert "两委满意度测评满意率90%（目标≥90%）✓" in after  # exactly at it meets ≥


async def test_a_picture_during_the_self_check_is_its_evidence(branch_bot: FakeBot) -> None:
    from core.messages import Attachment, AttachmentKind
    from tests.test_notice_attachments import send_file

    photo = Attachment(AttachmentKind.PICTURE, "活动室.jpg", "image/jpeg", b"\xff\xd8 room", 7)
    await branch_bot.say(SECRETARY, "private", "/wuhao 自查 制度建设好")
    kept = await send_file(branch_bot, SECRETARY, "private", photo)
    assert texts_of(kept) == [texts.AWARD_EVIDENCE_KEPT.format(number=1)]
    for _ in range(5):
        await branch_bot.press(SECRETARY, "private", texts.AWARD_YES)
    await branch_bot.press(SECRETARY, "private", texts.WUHAO_WORDS.submit_button)
    shown = await branch_bot.say(OFFICIAL, "private", "/wuhao 检查 金竹村 制度建设好")
    assert "佐证：picture：活动室.jpg" in shown[0].text


async def test_record_figures_are_filled_afresh_and_never_typed(branch_bot: FakeBot) -> None:
    # Issue 20: a figure in the bot's records is filled from them, at each opening and at
    # submitting; typing over it is refused and changes nothing.
    await life_meeting(branch_bot)
    await branch_bot.say(SECRETARY, "private", "/wuhao 自查 领导班子好")
    for _ in range(3):  # 1, 3, 5; 2 and 4 come from the records
        summary = await branch_bot.press(SECRETARY, "private", texts.AWARD_YES)
    assert "2. 中心组每月学习：中心组学习月数0个月（未达标）" in summary[0].text
    refused = texts.CRITERIA_FIGURE_RECORDED.format(number=2, labels="中心组学习月数")
    asked = await branch_bot.say(SECRETARY, "private", "/wuhao 自查 领导班子好 2")
    assert refused in asked[0].text
    assert texts_of(await branch_bot.say(SECRETARY, "private", "/wuhao 填 12")) == [refused]
    again = await branch_bot.say(SECRETARY, "private", "/wuhao 自查 领导班子好 2")
    assert texts.AWARD_GIVEN.format(answer="中心组学习月数0个月") in again[0].text
    # A 中心组学习 held since: opening the self-check again shows it.
    await branch_bot.say(SECRETARY, "private", "/lesson 中心组学习 2026-11-10 19:30 学习方案")
    await branch_bot.tick(at(2026, 11, 10, 19, 0))
    await branch_bot.say(SECRETARY, "private", f"/attend {SECRETARY} {LEADER}")
    again = await branch_bot.say(SECRETARY, "private", "/wuhao 自查 领导班子好 2")
    assert texts.AWARD_GIVEN.format(answer="中心组学习月数1个月") in again[0].text
    # ... and one held after that is counted at submitting, where the inspector sees it.
    await branch_bot.say(SECRETARY, "private", "/lesson 中心组学习 2026-12-01 19:30 学习")
    await branch_bot.tick(at(2026, 12, 1, 19, 0))
    await branch_bot.say(SECRETARY, "private", f"/attend {SECRETARY} {LEADER}")
    await branch_bot.say(SECRETARY, "private", "/wuhao 提交 领导班子好")
    await branch_bot.say(OFFICIAL, "private", "/wuhao 检查 金竹村 领导班子好")
    shown = await branch_bot.press(OFFICIAL, "private", texts.AWARD_MET_BUTTON)
    assert "中心组学习月数2个月" in shown[0].text
    assert texts.CRITERIA_REVIEW_NOTE.format(note=texts.AWARD_PROVIDED_NOTE) in shown[0].text


async def test_a_party_member_holding_an_office_is_not_wuzhi(bot: FakeBot,
                                                             tmp_path: Path) -> None:
    # 无职党员 hold no office at all: C03, a 村干部 without a party post, is not one;
    # neither are the 屋场长 H02 and H04. P01 and P02 are, P02 with a post: 50%.
    roster = PARTY_ROSTER + "C03,周会计,金溪镇,东片网格,金竹村,杨家湾,8,是,是,38,村干部,13800000020,,,,,,,\n"
    branch = await joined(bot, tmp_path / "party.csv", roster)
    shown = texts_of(await branch.say(SECRETARY, "private", "/wuhao"))[0]
    assert "无职党员参与率50%（目标≥80%）未达" in shown


async def test_every_member_reaches_the_survey_rate_not_the_pooled_cards(
        bot: FakeBot, tmp_path: Path) -> None:
    from tests.test_surveys import CLOSES, SHIMEN_ROSTER

    shimen = await joined(bot, tmp_path / "shimen.csv", SHIMEN_ROSTER)
    await shimen.say("K01", "private", "/survey 党员 90")  # 1 石书记, 2 石红, 3 石大山
    for code in ("S02", "S03", *(f"S{number:02d}" for number in range(4, 12))):
        await shimen.press(code, "private", "1满意")
        await shimen.press(code, "private", "2不满意" if code in ("S10", "S11") else "2满意")
        await shimen.press(code, "private", "3满意")
    await shimen.tick(CLOSES)
    # 28 of 30 cards are satisfied (93%), but 石红 has 8 of 10: 80%, short of 90%.
    shown = texts_of(await shimen.say("K01", "private", "/wuhao"))[0]
    assert "党员民主测评满意率80%（目标≥90%）未达" in shown


async def test_the_general_secretary_alone_calls_the_democratic_life_meeting(
        bot: FakeBot, tmp_path: Path) -> None:
    # Seed 001: 由村党总支部书记主持召开. With a 总支书记 G01 in 金竹村, C01 (支部书记) may
    # still call his branch's other meetings, but not the 民主生活会.
    roster = PARTY_ROSTER + ("G01,黄总支,金溪镇,东片网格,金竹村,杨家湾,7,是,是,55,村干部,"
                             "13800000021,金竹村党总支,总支书记,,,,,\n")
    branch = await joined(bot, tmp_path / "party.csv", roster)
    refused = await branch.say(SECRETARY, "private", "/lesson 民主生活会 2026-11-10 09:00 对照检查")
    assert texts_of(refused) == [texts.LESSON_NOT_ALLOWED.format(kind="民主生活会")]
    called = await branch.say(SECRETARY, "private", "/lesson 主题党日 2026-11-10 09:00 学习")
    assert texts_of(called)[0] != texts.LESSON_NOT_ALLOWED.format(kind="主题党日")
    called = await branch.say("G01", "private", "/lesson 民主生活会 2026-11-11 09:00 对照检查")
    assert texts_of(called)[0] != texts.LESSON_NOT_ALLOWED.format(kind="民主生活会")


async def test_rectification_items_count_over_the_years_democratic_life_meetings(
        branch_bot: FakeBot) -> None:
    await life_meeting(branch_bot)  # 1: C01 and H01 each get two items
    for code in (SECRETARY, LEADER):
        await branch_bot.say(SECRETARY, "private", f"/remedy 1 {code} 2027-03-31 甲；乙")
    await branch_bot.say(SECRETARY, "private", "/lesson 民主生活会 2026-11-20 09:00 补充检查")
    await branch_bot.tick(at(2026, 11, 20, 8, 30))
    await branch_bot.say(SECRETARY, "private", f"/attend {SECRETARY} {LEADER}")
    await branch_bot.tick(at(2026, 11, 20, 11, 0))
    # The second meeting gave none, yet each cadre has two items from the year's meetings.
    shown = texts_of(await branch_bot.say(SECRETARY, "private", "/wuhao"))[0]
    assert "民主生活会2次（目标≥1次）✓；每位班子成员整改问题2条（目标≥2条）✓" in shown


async def test_in_january_each_stage_shows_its_own_year(branch_bot: FakeBot) -> None:
    # January 2027 runs 2027's 宣传动员 and 2026's 检查提高; the figures are 2026's.
    await branch_bot.tick(at(2027, 1, 5, 9))
    shown = texts_of(await branch_bot.say(SECRETARY, "private", "/wuhao"))[0]
    assert shown.startswith(texts.WUHAO_PROGRESS_HEADER.format(
        branch="金竹村党支部", year=2026, stages="2027年宣传动员、2026年检查提高"))


TWO_BRANCHES = "\n".join([
    "编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机,党支部,党内职务",
    *(f"S{number:02d},石{number}号,金溪镇,东片网格,石门村,上屋,{number},是,否,60,,,,"
      for number in range(2, 12)),
    "K01,石书记,金溪镇,东片网格,石门村,上屋,20,是,是,52,村干部,,石门村第一支部,支部书记",
    "P01,石红,金溪镇,东片网格,石门村,上屋,21,是,是,30,,,石门村第一支部,",
    "K03,石三书记,金溪镇,东片网格,石门村,上屋,22,是,是,48,,,石门村第二支部,支部书记",
    "P03,石绿,金溪镇,东片网格,石门村,上屋,23,是,是,35,,,石门村第二支部,",
]) + "\n"


async def test_the_members_survey_takes_every_card_of_the_year(bot: FakeBot,
                                                              tmp_path: Path) -> None:
    from tests.test_surveys import CLOSES

    shimen = await joined(bot, tmp_path / "two.csv", TWO_BRANCHES)
    raters = [f"S{number:02d}" for number in range(2, 12)]
    await shimen.say("K01", "private", "/survey 党员 90")  # 第一支部: 1 石书记, 2 石红
    for code in raters:
        await shimen.press(code, "private", "1满意")
        await shimen.press(code, "private", "2不满意" if code in ("S10", "S11") else "2满意")
    await shimen.tick(CLOSES)
    await shimen.say("K03", "private", "/survey 党员 90")  # 第二支部, a later card
    for code in raters:
        await shimen.press(code, "private", "1满意")
        await shimen.press(code, "private", "2满意")
    await shimen.tick(CLOSES + timedelta(days=7))
    # The later card alone is 100%; 石红 of the first has 80%.
    shown = texts_of(await shimen.say("K01", "private", "/wuhao"))[0]
    assert "党员民主测评满意率80%（目标≥90%）未达" in shown
