"""Rules F1-F7 of the monthly flags as pure functions, with hand-computed expectations."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from bot.files.scheme import SHIPPED, SchemeError, load_scheme, parse_scheme
from core import texts
from core.flags import (
    ONSITE_CATEGORY,
    Consequence,
    ConsequenceRules,
    Flag,
    MonthInputs,
    Placement,
    Scheme,
    Settlement,
    VillageInfo,
    VillageMonth,
    YellowHistory,
    adjusted_score,
    combined_score,
    consequences,
    draft_month,
    grid_footer,
    rank_flags,
    settle,
)

EAST, WEST = "东片网格", "西片网格"
PARTY, HOME = "党建引领发展", "和美家园建设"
TWO = Scheme("两项评比", (PARTY, HOME))
ONE = Scheme("一项评比", (PARTY,))
SEED_002 = ("党建引领发展", "和美家园建设", "整体协同智治", "文明新风培育", "美丽经济发展")


def village(name: str, *scores: float, grid: str = EAST, vetoed: bool = False,
            onsite: bool = False, scheme: Scheme = TWO) -> VillageMonth:
    return VillageMonth(name, grid, dict(zip(scheme.categories, scores, strict=True)),
                        vetoed=vetoed, hosted_onsite_last_month=onsite)


def flagged(placements: list[Placement], category: str, flag: Flag) -> list[str]:
    """The villages with ``flag`` in ``category``, in ranking order."""
    return [p.village for p in placements if p.category == category and p.flag is flag]


def eight(**changes: dict[str, Any]) -> list[VillageMonth]:
    """A grid of eight villages with ties on purpose (totals in the comments).

    党建引领发展: 青山 95, 石桥 90, 龙潭 85 (155) before 白沙 85 (145) on the total,
    柳溪 70 (130) before 清水 70 (130) on the name (柳 U+67F3 < 清 U+6E05), 新塘 65, 长冲 60.
    和美家园建设: 长冲 90, 新塘 80, 龙潭 70, 白沙 60 (145), 柳溪 60 (130), 清水 60 (130),
    青山 50 (145) before 石桥 50 (140).
    """
    rows = [("青山村", 95, 50), ("石桥村", 90, 50), ("白沙村", 85, 60), ("龙潭村", 85, 70),
            ("柳溪村", 70, 60), ("清水村", 70, 60), ("新塘村", 65, 80), ("长冲村", 60, 90)]
    return [village(name, a, b, **changes.get(name, {})) for name, a, b in rows]


# --- F3: ranking within a grid and category --------------------------------------------

def test_eight_villages_three_red_three_yellow_with_ties() -> None:
    placements = rank_flags(TWO, eight())
    assert flagged(placements, PARTY, Flag.RED) == ["青山村", "石桥村", "龙潭村"]
    assert flagged(placements, PARTY, Flag.YELLOW) == ["清水村", "新塘村", "长冲村"]
    assert flagged(placements, HOME, Flag.RED) == ["长冲村", "新塘村", "龙潭村"]
    assert flagged(placements, HOME, Flag.YELLOW) == ["清水村", "青山村", "石桥村"]
    # The whole order, flagged or not, is the documented one.
    assert [p.village for p in placements if p.category == PARTY] == [
        "青山村", "石桥村", "龙潭村", "白沙村", "柳溪村", "清水村", "新塘村", "长冲村"]
    assert [p.village for p in placements if p.category == HOME] == [
        "长冲村", "新塘村", "龙潭村", "白沙村", "柳溪村", "清水村", "青山村", "石桥村"]
    assert {p.category for p in placements} == {PARTY, HOME}
    white_sand = [p for p in placements if p.village == "白沙村"]
    assert [(p.category, p.score, p.flag) for p in white_sand] == [(PARTY, 85, None),
                                                                   (HOME, 60, None)]


def test_equal_scores_and_totals_are_ordered_by_name() -> None:
    # 丁 U+4E01 < 丙 U+4E19 < 乙 U+4E59 < 己 U+5DF1 < 戊 U+620A < 甲 U+7532.
    names = ["甲村", "乙村", "丙村", "丁村", "戊村", "己村"]
    placements = rank_flags(ONE, [village(name, 80, scheme=ONE) for name in names])
    assert flagged(placements, PARTY, Flag.RED) == ["丁村", "丙村", "乙村"]
    assert flagged(placements, PARTY, Flag.YELLOW) == ["己村", "戊村", "甲村"]


@pytest.mark.parametrize("seed", range(12))
def test_insertion_order_never_matters(seed: int) -> None:
    expected = rank_flags(TWO, eight())
    shuffled = eight()
    random.Random(seed).shuffle(shuffled)
    assert rank_flags(TWO, shuffled) == expected


@pytest.mark.parametrize(("size", "reds", "yellows"), [
    (7, ["甲村", "乙村", "丙村"], ["戊村", "己村", "庚村"]),
    (6, ["甲村", "乙村", "丙村"], ["丁村", "戊村", "己村"]),
    (5, ["甲村", "乙村"], ["丁村", "戊村"]),
    (4, ["甲村", "乙村"], ["丙村", "丁村"]),
    (3, ["甲村"], ["丙村"]),
    (2, ["甲村"], ["乙村"]),
    (1, [], []),
])
def test_small_grids_give_half_the_villages_at_most(size: int, reds: list[str],
                                                    yellows: list[str]) -> None:
    names = ["甲村", "乙村", "丙村", "丁村", "戊村", "己村", "庚村"][:size]
    villages = [village(name, 90 - 5 * index, scheme=ONE) for index, name in enumerate(names)]
    placements = rank_flags(ONE, villages)
    assert flagged(placements, PARTY, Flag.RED) == reds
    assert flagged(placements, PARTY, Flag.YELLOW) == yellows
    assert len(placements) == size


def test_grids_are_ranked_independently() -> None:
    east = [village(name, 90 - 10 * index, scheme=ONE)
            for index, name in enumerate(["甲村", "乙村", "丙村", "丁村", "戊村", "己村"])]
    # Every western village scores below every eastern one, yet gets its own flags.
    west = [village(name, 30 - 10 * index, grid=WEST, scheme=ONE)
            for index, name in enumerate(["东村", "南村", "西村", "北村"])]
    placements = rank_flags(ONE, west + east)
    in_east = [p for p in placements if p.grid == EAST]
    in_west = [p for p in placements if p.grid == WEST]
    assert flagged(in_east, PARTY, Flag.RED) == ["甲村", "乙村", "丙村"]
    assert flagged(in_east, PARTY, Flag.YELLOW) == ["丁村", "戊村", "己村"]
    assert flagged(in_west, PARTY, Flag.RED) == ["东村", "南村"]
    assert flagged(in_west, PARTY, Flag.YELLOW) == ["西村", "北村"]
    assert {p.village for p in in_west} == {"东村", "南村", "西村", "北村"}


def test_scheme_places_are_used() -> None:
    scheme = Scheme("二红一黄", (PARTY,), red_places=2, yellow_places=1)
    names = ["甲村", "乙村", "丙村", "丁村", "戊村", "己村"]
    placements = rank_flags(scheme, [village(name, 90 - index, scheme=ONE)
                                     for index, name in enumerate(names)])
    assert flagged(placements, PARTY, Flag.RED) == ["甲村", "乙村"]
    assert flagged(placements, PARTY, Flag.YELLOW) == ["己村"]


# --- F4: one-vote veto -----------------------------------------------------------------

def test_vetoed_village_gets_no_red_but_can_get_yellow() -> None:
    placements = rank_flags(TWO, eight(青山村={"vetoed": True}))
    # 青山村 tops 党建引领发展: the red places go to the best three without a veto.
    assert flagged(placements, PARTY, Flag.RED) == ["石桥村", "龙潭村", "白沙村"]
    assert flagged(placements, PARTY, Flag.YELLOW) == ["清水村", "新塘村", "长冲村"]
    assert flagged(placements, HOME, Flag.RED) == ["长冲村", "新塘村", "龙潭村"]
    assert flagged(placements, HOME, Flag.YELLOW) == ["清水村", "青山村", "石桥村"]
    assert [p.flag for p in placements if p.village == "青山村"] == [None, Flag.YELLOW]


def test_vetoed_village_loses_the_onsite_red_too() -> None:
    placements = rank_flags(TWO, eight(青山村={"vetoed": True, "onsite": True}))
    assert not [p for p in placements if p.category == ONSITE_CATEGORY]
    assert [s for s in settle(TWO, placements) if s.village == "青山村"] == [
        Settlement("青山村", 0, 1, -1000)]


def test_reds_never_reach_into_the_yellow_places() -> None:
    villages = [village("甲村", 90, vetoed=True, scheme=ONE),
                village("乙村", 80, vetoed=True, scheme=ONE),
                village("丙村", 70, scheme=ONE), village("丁村", 60, scheme=ONE)]
    placements = rank_flags(ONE, villages)
    # Two places each in a grid of four; the two without a veto are the yellow ones.
    assert flagged(placements, PARTY, Flag.RED) == []
    assert flagged(placements, PARTY, Flag.YELLOW) == ["丙村", "丁村"]


# --- F5: the on-site meeting -------------------------------------------------------------

def test_onsite_red_takes_no_place_and_counts_once_in_the_money() -> None:
    placements = rank_flags(TWO, eight(柳溪村={"onsite": True}))
    assert flagged(placements, PARTY, Flag.RED) == ["青山村", "石桥村", "龙潭村"]
    assert flagged(placements, HOME, Flag.RED) == ["长冲村", "新塘村", "龙潭村"]
    assert [p for p in placements if p.category == ONSITE_CATEGORY] == [
        Placement("柳溪村", EAST, ONSITE_CATEGORY, None, Flag.RED)]
    money = {s.village: s for s in settle(TWO, placements)}
    assert money["柳溪村"] == Settlement("柳溪村", 1, 0, 1000)


def test_onsite_red_adds_to_reds_won_by_score() -> None:
    placements = rank_flags(TWO, eight(龙潭村={"onsite": True}))
    money = {s.village: s for s in settle(TWO, placements)}
    # Red in both categories by score (3000), plus the on-site red: three categories.
    assert money["龙潭村"] == Settlement("龙潭村", 3, 0, 5000)


# --- F6: money ---------------------------------------------------------------------------

def test_settlement_of_the_eight_villages() -> None:
    money = {s.village: (s.reds, s.yellows, s.amount) for s in settle(TWO, rank_flags(
        TWO, eight()))}
    assert money == {"青山村": (1, 1, 0), "石桥村": (1, 1, 0), "龙潭村": (2, 0, 3000),
                     "白沙村": (0, 0, 0), "柳溪村": (0, 0, 0), "清水村": (0, 2, -3000),
                     "新塘村": (1, 1, 0), "长冲村": (1, 1, 0)}


@pytest.mark.parametrize(("reds", "yellows", "amount"), [
    (0, 0, 0), (1, 0, 1000), (2, 0, 3000), (3, 0, 5000), (4, 0, 5000), (5, 0, 5000),
    (0, 1, -1000), (0, 2, -3000), (0, 3, -5000), (0, 5, -5000),
    (1, 1, 0), (2, 1, 2000), (1, 2, -2000), (3, 3, 0), (3, 1, 4000), (1, 4, -4000),
    (4, 1, 4000),
])
def test_settle_net(reds: int, yellows: int, amount: int) -> None:
    categories = [f"类别{index}" for index in range(reds + yellows)]
    placements = [Placement("甲村", EAST, category, 80, Flag.RED if index < reds
                            else Flag.YELLOW) for index, category in enumerate(categories)]
    placements.append(Placement("甲村", EAST, "其他", 70, None))
    assert settle(load_scheme("monthly"), placements) == [
        Settlement("甲村", reds, yellows, amount)]


def test_settle_lists_every_village_by_name() -> None:
    placements = [Placement("乙村", EAST, PARTY, 90, Flag.RED),
                  Placement("甲村", EAST, PARTY, 50, Flag.YELLOW),
                  Placement("丙村", EAST, PARTY, 70, None)]
    assert settle(TWO, placements) == [Settlement("丙村", 0, 0, 0),
                                       Settlement("乙村", 1, 0, 1000),
                                       Settlement("甲村", 0, 1, -1000)]


# --- F7: consequences ----------------------------------------------------------------------

TALK, WARNING, SUSPENSION = Consequence.TALK, Consequence.WARNING, Consequence.SUSPENSION
DOWNGRADE, STAR_DOWN = Consequence.DOWNGRADE, Consequence.STAR_DOWN
SUBSIDY = Consequence.SUBSIDY_LOWEST


@pytest.mark.parametrize(("history", "expected"), [
    # No yellow this month: nothing, whatever came before.
    (YellowHistory(0, (3, 3), 6, 2), []),
    # Any yellow: a talk.
    (YellowHistory(1), [TALK]),
    (YellowHistory(2, (0, 0)), [TALK]),
    # Yellow this month and last month: warning, the annual rating down one grade and the
    # cleaning subsidy at its lowest tier (F13).
    (YellowHistory(1, (1,), 1, 1), [TALK, WARNING, DOWNGRADE, SUBSIDY]),
    # A gap month breaks "running".
    (YellowHistory(1, (0, 1), 1, 1), [TALK]),
    # Three yellow categories in the calendar year: a warning.
    (YellowHistory(3), [TALK, WARNING]),
    (YellowHistory(1, (0, 2), 2, 1), [TALK, WARNING]),
    (YellowHistory(2, (0, 0, 0), 0, 0), [TALK]),
    # Three or more yellow categories this month and last: suspension.
    (YellowHistory(3, (3,), 3, 1), [TALK, WARNING, SUSPENSION, DOWNGRADE, SUBSIDY]),
    (YellowHistory(4, (5,), 5, 1), [TALK, WARNING, SUSPENSION, DOWNGRADE, SUBSIDY]),
    (YellowHistory(3, (2,), 2, 1), [TALK, WARNING, DOWNGRADE, SUBSIDY]),
    (YellowHistory(2, (3,), 3, 1), [TALK, WARNING, DOWNGRADE, SUBSIDY]),
    # A third yellow month in the year: one star down.
    (YellowHistory(1, (0, 1, 0, 1), 2, 2), [TALK, WARNING, STAR_DOWN]),
    (YellowHistory(1, (1, 0, 1), 2, 2), [TALK, WARNING, DOWNGRADE, SUBSIDY, STAR_DOWN]),
    # January: December counts for "running" but not for this year's totals.
    (YellowHistory(1, (1, 1, 1), 0, 0), [TALK, WARNING, DOWNGRADE, SUBSIDY]),
    (YellowHistory(1, (0, 2, 1), 0, 0), [TALK]),
])
def test_consequences(history: YellowHistory, expected: list[Consequence]) -> None:
    assert consequences(ConsequenceRules(), history) == expected


def test_consequences_follow_the_scheme_rules() -> None:
    rules = ConsequenceRules(talk_on_any_yellow=False, warning_consecutive_months=3,
                             warning_categories_in_year=5)
    assert consequences(rules, YellowHistory(1, (1,), 1, 1)) == [DOWNGRADE, SUBSIDY]
    assert consequences(rules, YellowHistory(1, (1, 1), 2, 2)) == [WARNING, DOWNGRADE, SUBSIDY, STAR_DOWN]


@pytest.mark.parametrize(("history", "issued", "expected"), [
    # Rule F13: a consequence issued earlier in the year is not issued again; talks are.
    (YellowHistory(1, (1,), 1, 1), {WARNING, DOWNGRADE, SUBSIDY}, [TALK]),
    (YellowHistory(1, (1,), 1, 1), {TALK, WARNING}, [TALK, DOWNGRADE, SUBSIDY]),
    (YellowHistory(3, (3,), 3, 1), {WARNING, DOWNGRADE, SUBSIDY}, [TALK, SUSPENSION]),
    (YellowHistory(1, (0, 1, 0, 1), 2, 2), {WARNING}, [TALK, STAR_DOWN]),
    (YellowHistory(0, (1,), 1, 1), set(), []),
])
def test_consequences_fire_once(history: YellowHistory, issued: set[Consequence],
                                expected: list[Consequence]) -> None:
    assert consequences(ConsequenceRules(), history, issued) == expected


def test_running_needs_every_month_and_enough_categories() -> None:
    assert YellowHistory(1, (1,)).running(2)
    assert not YellowHistory(1, ()).running(2)
    assert not YellowHistory(0, (1,)).running(2)
    assert YellowHistory(3, (3, 0)).running(2, 3)
    assert not YellowHistory(3, (3, 0)).running(3, 3)
    assert YellowHistory(2).running(1)


def test_consequence_labels() -> None:
    assert [c.label for c in Consequence] == [
        "镇主要领导约谈主职干部", "对主职干部警告", "主职干部停职", "年度考核降一档",
        "党组织五星评定降一颗星", "保洁费及垃圾分类补贴按最低档"]
    assert (Flag.RED.label, Flag.YELLOW.label) == ("红旗", "黄旗")


# --- F2: computed indicators combined by weights -------------------------------------------

@pytest.mark.parametrize(("weights", "indicators", "expected"), [
    ({"meetings_held": 1}, {"meetings_held": 0.5}, 50.0),
    ({"meetings_held": 1, "attendance": 3}, {"meetings_held": 0.5, "attendance": 1.0}, 87.5),
    ({"meetings_held": 1, "satisfaction": 1}, {"meetings_held": 1.0}, 50.0),
    ({"meetings_held": 1}, {"meetings_held": 1 / 3}, 33.33),
    ({"meetings_held": 2, "attendance": 1}, {"meetings_held": 1 / 3, "attendance": 0.0}, 22.22),
    ({"meetings_held": 0}, {"meetings_held": 1.0}, 0.0),
    ({}, {"meetings_held": 1.0}, 0.0),
    ({"meetings_held": 1, "attendance": 1, "issues_on_time": 1, "satisfaction": 1},
     {"meetings_held": 1.0, "attendance": 0.8, "issues_on_time": 1.0, "satisfaction": 0.6},
     85.0),
])
def test_combined_score(weights: dict[str, float], indicators: dict[str, float],
                        expected: float) -> None:
    assert combined_score(weights, indicators) == expected


# --- F1: schemes -------------------------------------------------------------------------

def test_shipped_monthly_scheme_is_seed_002() -> None:
    scheme = load_scheme("monthly")
    assert scheme.name == "月度红黄旗评比"
    assert scheme.categories == SEED_002
    assert (scheme.red_places, scheme.yellow_places) == (3, 3)
    assert (scheme.score_min, scheme.score_max) == (0, 100)
    assert scheme.amounts == (1000, 3000, 5000)
    assert scheme.consequences == ConsequenceRules()
    assert dict(scheme.weights) == {}
    assert [scheme.amount(count) for count in range(5)] == [0, 1000, 3000, 5000, 5000]


def test_only_the_monthly_scheme_is_shipped() -> None:
    # issue 17 item 7: the 五面红旗 of seeds 000/003 is an annual award, not a monthly scheme;
    # its award schemes (issue 18) and the 五个好 standard (issue 20) share the folder but
    # are no monthly scheme.
    assert sorted(path.stem for path in SHIPPED.glob("*.toml")) == [
        "award-000", "award-003", "monthly", "wuhao-001"]
    with pytest.raises(SchemeError, match="five-flags"):
        load_scheme("five-flags")
    for award in ("award-000", "award-003"):
        with pytest.raises(SchemeError, match="categories"):
            load_scheme(award)


GOOD: dict[str, Any] = {"name": "自定评比", "categories": [PARTY, HOME, "数据治理"],
                        "weights": {"数据治理": {"meetings_held": 2, "satisfaction": 1}}}


def test_parse_a_scheme_with_a_computed_category(tmp_path: Path) -> None:
    scheme = parse_scheme(dict(GOOD))
    assert scheme.categories == (PARTY, HOME, "数据治理")
    assert dict(scheme.weights) == {"数据治理": {"meetings_held": 2, "satisfaction": 1}}
    assert (scheme.period, scheme.unit, scheme.red_places) == ("monthly", "grid", 3)
    path = tmp_path / "自定.toml"
    path.write_text('name = "自定评比"\ncategories = ["甲", "乙"]\nred_places = 2\n'
                    'amounts = [500, 800]\n[consequences]\nsuspension_categories = 4\n'
                    '[weights."乙"]\nattendance = 1\n', encoding="utf-8")
    loaded = load_scheme(str(path))
    assert (loaded.categories, loaded.red_places, loaded.yellow_places) == (("甲", "乙"), 2, 3)
    assert loaded.amounts == (500, 800) and loaded.amount(3) == 800
    assert loaded.consequences.suspension_categories == 4
    assert dict(loaded.weights) == {"乙": {"attendance": 1}}


@pytest.mark.parametrize(("change", "message"), [
    ({"name": ""}, "name is missing"),
    ({"name": None}, "name is missing"),
    ({"categories": []}, "categories must be a non-empty list"),
    ({"categories": [PARTY, HOME, PARTY]}, "categories are not unique"),
    ({"period": "yearly"}, "period must be monthly"),
    ({"unit": "township"}, "unit must be grid"),
    ({"red_places": 0}, "red_places must be a whole number 1-20"),
    ({"yellow_places": 21}, "yellow_places must be a whole number 1-20"),
    ({"red_places": "3"}, "red_places must be a whole number 1-20"),
    ({"red_places": True}, "red_places must be a whole number 1-20"),
    ({"score_min": 100, "score_max": 100}, "score_min and score_max must be numbers, min below"),
    ({"score_min": 90, "score_max": 10}, "score_min and score_max must be numbers, min below"),
    ({"score_max": "100"}, "score_min and score_max must be numbers, min below"),
    ({"amounts": [3000, 1000]}, "amounts must be rising whole numbers"),
    ({"amounts": [1000, -5]}, "amounts must be rising whole numbers"),
    ({"amounts": []}, "amounts must be rising whole numbers"),
    ({"consequences": {"firing": 2}}, "unknown consequence firing"),
    ({"consequences": {"talk_on_any_yellow": 1}}, "consequences.talk_on_any_yellow must be"),
    ({"consequences": {"warning_consecutive_months": 0}},
     "consequences.warning_consecutive_months must be a whole number 1-12"),
    ({"consequences": []}, r"\[consequences\] must be a table"),
    ({"weights": {"乡风文明": {"attendance": 1}}}, "weights for unknown category 乡风文明"),
    ({"weights": {HOME: {"rainfall": 1}}}, f"weights.{HOME} must give meetings_held"),
    ({"weights": {HOME: {"attendance": -1}}}, f"weights.{HOME} must give meetings_held"),
    ({"weights": {HOME: {}}}, f"weights.{HOME} must give meetings_held"),
])
def test_scheme_validation_errors(change: dict[str, Any], message: str) -> None:
    data = {**GOOD, **change}
    with pytest.raises(SchemeError, match=f"^自定.toml: {message}"):
        parse_scheme(data, "自定.toml")


def test_unreadable_scheme_file(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match=r"flag scheme .*没有\.toml"):
        load_scheme(str(tmp_path / "没有.toml"))
    broken = tmp_path / "坏.toml"
    broken.write_text("name = \n", encoding="utf-8")
    with pytest.raises(SchemeError, match="flag scheme"):
        load_scheme(str(broken))


def test_the_onsite_category_name_is_reserved() -> None:
    with pytest.raises(SchemeError):
        parse_scheme({"name": "自定评比", "categories": [PARTY, ONSITE_CATEGORY]})


def test_the_weights_example_of_the_monthly_scheme_loads_when_uncommented(
        tmp_path: Path) -> None:
    example = re.compile(r"^# (\[weights|(meetings_held|attendance|issues_on_time|satisfaction) =)")
    lines = [line[2:] if example.match(line) else line
             for line in (SHIPPED / "monthly.toml").read_text(encoding="utf-8").splitlines()]
    path = tmp_path / "monthly-computed.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scheme = load_scheme(str(path))
    assert dict(scheme.weights) == {HOME: {"meetings_held": 1, "attendance": 1,
                                           "issues_on_time": 1, "satisfaction": 1}}


def test_adjusted_score_moves_a_score_that_is_there_only() -> None:  # rule F11
    assert adjusted_score(80, 2.5) == 82.5
    assert adjusted_score(80, -80.5) == -0.5
    assert adjusted_score(80, 0) == 80
    assert adjusted_score(None, 5) is None


def test_draft_month_adds_special_points_to_their_category() -> None:  # rule F11
    villages = (VillageInfo(1, "甲村", WEST), VillageInfo(2, "乙村", WEST))
    inputs = MonthInputs("2026-10", villages, {1: {PARTY: 80, HOME: 80}, 2: {PARTY: 79}},
                         adjustments={2: {PARTY: 1.5, HOME: 10}})
    result = draft_month(TWO, inputs)
    by_place = {(p.village, p.category): (p.score, p.flag) for p in result.placements}
    assert by_place[("乙村", PARTY)] == (80.5, Flag.RED)
    assert by_place[("甲村", PARTY)] == (80, Flag.YELLOW)
    assert by_place[("乙村", HOME)][0] is None  # a missing score stays missing
    assert ("乙村", HOME) in result.missing
    assert result.adjustments == {"乙村": {PARTY: 1.5, HOME: 10}}


def test_yellow_below_gives_yellow_only_under_the_floor() -> None:  # rule F3, issue 17 item 6
    floored = Scheme("有底线", (PARTY,), yellow_below=60)
    grid = [village(name, score, scheme=floored) for name, score in
            (("甲村", 90), ("乙村", 80), ("丙村", 70), ("丁村", 60), ("戊村", 59.5), ("己村", 30))]
    flags = {p.village: p.flag for p in rank_flags(floored, grid)}
    assert flags == {"甲村": Flag.RED, "乙村": Flag.RED, "丙村": Flag.RED, "丁村": None,
                     "戊村": Flag.YELLOW, "己村": Flag.YELLOW}  # 60 is not below 60
    all_well = [village(name, score, scheme=floored) for name, score in
                (("甲村", 90), ("乙村", 80), ("丙村", 70), ("丁村", 60))]
    assert [p.flag for p in rank_flags(floored, all_well)].count(Flag.YELLOW) == 0
    assert [p.flag for p in rank_flags(floored, all_well)].count(Flag.RED) == 2


def test_grid_footer_states_the_places_given() -> None:
    assert grid_footer(ONE, 8) == texts.GRID_PICTURE_FOOTER.format(reds=3, yellows=3, floor="")
    assert grid_footer(ONE, 5) == texts.GRID_PICTURE_FOOTER.format(reds=2, yellows=2, floor="")
    assert grid_footer(ONE, 1) == texts.GRID_FOOTER_NO_PLACES
    assert grid_footer(Scheme("有底线", (PARTY,), yellow_below=60), 2) == \
        texts.GRID_PICTURE_FOOTER.format(reds=1, yellows=1,
                                         floor=texts.GRID_FOOTER_FLOOR.format(floor=60))


def test_scheme_file_yellow_below() -> None:
    base: dict[str, Any] = {"name": "x", "categories": ["甲"]}
    assert parse_scheme(base).yellow_below is None
    assert parse_scheme({**base, "yellow_below": 60}).yellow_below == 60
    assert parse_scheme({**base, "yellow_below": 100}).yellow_below == 100
    for bad in (0, 101, "60", True):
        with pytest.raises(SchemeError, match="yellow_below"):
            parse_scheme({**base, "yellow_below": bad})
