"""Rules F9-F13 of seed 002 as pure functions, at their edges."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.files.rules import RulesFileError, parse_rules
from bot.files.scheme import SchemeError, load_scheme, parse_scheme
from core.calendar import WorkCalendar
from core.flag_review import Standing, appeal_open, appeals_until, may_review, standings
from core.flags import (
    Flag,
    MonthInputs,
    Scheme,
    ScoreItem,
    VillageInfo,
    category_score,
    draft_month,
)

PARTY, HOME = "党建引领发展", "和美家园建设"
HOME_ITEMS = tuple(ScoreItem(name, 25) for name in ("洁化", "绿化", "序化", "美化"))
ITEMS = Scheme("分项评比", (PARTY, HOME), items={HOME: HOME_ITEMS})
GRID = "东片网格"
VILLAGES = (VillageInfo(1, "金竹村", GRID), VillageInfo(2, "石桥村", GRID))


# --- F9: scored items ----------------------------------------------------------------------

def test_a_category_is_its_total_or_the_sum_of_all_its_items() -> None:
    assert category_score(HOME_ITEMS, 80, {"洁化": 10}) == 80
    assert category_score(HOME_ITEMS, None, {"洁化": 20, "绿化": 20, "序化": 20}) is None
    assert category_score(HOME_ITEMS, None, {"洁化": 20, "绿化": 20.5, "序化": 20,
                                             "美化": 0}) == 60.5
    assert category_score((), None, {}) is None
    assert category_score((), 0, {}) == 0


def test_the_draft_sums_complete_items_lists_partial_ones_as_missing() -> None:
    result = draft_month(ITEMS, MonthInputs(
        "2026-10", VILLAGES, scores={1: {PARTY: 90}, 2: {PARTY: 80}},
        item_scores={1: {HOME: {"美化": 25, "洁化": 20, "绿化": 20, "序化": 15}},
                     2: {HOME: {"洁化": 25}}}))
    scores = {(p.village, p.category): p.score for p in result.placements}
    assert scores[("金竹村", HOME)] == 80
    assert scores[("石桥村", HOME)] is None
    assert result.missing == [("石桥村", HOME)]
    # The draft shows the items in the scheme's order, not the order entered.
    assert list(result.items["金竹村"][HOME]) == ["洁化", "绿化", "序化", "美化"]
    assert result.items["石桥村"] == {HOME: {"洁化": 25}}


def test_the_shipped_monthly_scheme_lists_seed_002_standards() -> None:
    scheme = load_scheme("monthly")
    assert [item.name for item in scheme.items[HOME]] == ["洁化", "绿化", "序化", "美化"]
    assert [item.name for item in scheme.items["整体协同智治"]] == ["自治", "法治", "德治",
                                                                   "智治"]
    assert [item.name for item in scheme.items[PARTY]] == ["组织战斗力强", "执行力强",
                                                          "思考力强"]
    assert len(scheme.items["文明新风培育"]) == 5 and len(scheme.items["美丽经济发展"]) == 3
    assert all(sum(item.max_points for item in listed) == 100
               for listed in scheme.items.values())
    assert scheme.item("绿化") == (HOME, ScoreItem("绿化", 25))
    assert scheme.item(HOME) is None


BASE: dict[str, Any] = {"name": "分项", "categories": [PARTY, HOME, "数据治理"],
                        "weights": {"数据治理": {"attendance": 1}}}


@pytest.mark.parametrize(("items", "message"), [
    ({"美丽经济": {"甲": 10}}, "unknown category 美丽经济"),
    ({HOME: {}}, "maximum points, above 0"),
    ({HOME: {"洁化": 0}}, "maximum points, above 0"),
    ({HOME: {"洁化": True}}, "maximum points, above 0"),
    ({HOME: {"洁化": 60, "绿化": 40.5}}, "add up to more than score_max"),
    ({HOME: {"洁化": 50}, PARTY: {"洁化": 50}}, "'洁化' is empty, repeated"),
    ({HOME: {PARTY: 50}}, "names a category"),
    ([1], "[items] must be a table"),
])
def test_bad_items_are_refused(items: Any, message: str) -> None:
    with pytest.raises(SchemeError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_scheme({**BASE, "items": items})


def test_items_up_to_score_max_are_accepted_a_computed_category_keeps_none() -> None:
    scheme = parse_scheme({**BASE, "items": {HOME: {"洁化": 60, "绿化": 40},
                                             "数据治理": {"甲": 10}}})
    assert scheme.items == {HOME: (ScoreItem("洁化", 60), ScoreItem("绿化", 40))}


# --- F10: review and objections -------------------------------------------------------------

def test_only_an_official_who_entered_no_score_may_review() -> None:
    assert may_review(7, {None, 3})
    assert not may_review(3, {None, 3})
    assert may_review(3, set())


def test_objections_run_for_working_days_after_the_review() -> None:
    calendar = WorkCalendar(holidays=frozenset({date(2026, 10, 1), date(2026, 10, 2)}),
                            workdays=frozenset({date(2026, 10, 10)}))
    thursday, friday = date(2026, 11, 5), date(2026, 11, 6)
    assert appeals_until(thursday, calendar, 2) == date(2026, 11, 9)  # over the weekend
    assert appeals_until(friday, calendar, 2) == date(2026, 11, 10)
    assert appeals_until(date(2026, 9, 30), calendar, 2) == date(2026, 10, 6)
    assert appeals_until(date(2026, 10, 9), calendar, 1) == date(2026, 10, 10)  # 调休
    until = appeals_until(thursday, calendar, 2)
    assert appeal_open(until, until) and not appeal_open(until, until + timedelta(days=1))


def test_standings_rank_a_village_within_its_grid() -> None:
    result = draft_month(ITEMS, MonthInputs(
        "2026-10", (*VILLAGES, VillageInfo(3, "白沙村", GRID), VillageInfo(4, "丰收村", "西片")),
        scores={1: {PARTY: 90, HOME: 60}, 2: {PARTY: 80, HOME: 70}, 3: {PARTY: 85},
                4: {PARTY: 10, HOME: 10}}))
    assert standings(result, "白沙村") == [Standing(PARTY, 85, 2, 3, None),
                                          Standing(HOME, None, 3, 3, Flag.YELLOW)]
    assert standings(result, "丰收村") == [Standing(PARTY, 10, 1, 1, None),
                                          Standing(HOME, 10, 1, 1, None)]


def test_appeal_days_in_the_rules_file() -> None:
    assert parse_rules({}).appeal_days == 2
    assert parse_rules({"flags": {"appeal_days": 5}}).appeal_days == 5
    with pytest.raises(RulesFileError, match=r"flags\.appeal_days"):
        parse_rules({"flags": {"appeal_days": 0}})
