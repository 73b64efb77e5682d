"""A month's draft from plain inputs, with no database (F2-F7 put together)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from core.flags import (
    HISTORY_MONTHS,
    ONSITE_CATEGORY,
    Consequence,
    Flag,
    MonthInputs,
    MonthResult,
    Placement,
    Scheme,
    VillageActivity,
    VillageInfo,
    draft_month,
    months_before,
    yellow_history,
)

MONTH = "2026-10"
PARTY, HOME, SMART = "党建引领发展", "和美家园建设", "整体协同智治"
TWO = Scheme("两项评比", (PARTY, HOME))
GRID = "东片网格"
# Six villages of one grid: three red and three yellow places in each category.
NAMES = ("金竹村", "石桥村", "白沙村", "清水村", "青山村", "龙潭村")
VILLAGES = tuple(VillageInfo(number, name, GRID) for number, name in enumerate(NAMES, 1))


def scores(*rows: tuple[float, float]) -> dict[int, dict[str, float]]:
    """Village id 1, 2, … in ``NAMES`` order: (党建, 和美)."""
    return {number: {PARTY: party, HOME: home} for number, (party, home) in enumerate(rows, 1)}


SCORES = scores((95, 95), (90, 90), (85, 85), (80, 80), (75, 75), (70, 70))


def draft(scheme: Scheme = TWO, **inputs: Any) -> MonthResult:
    """The month of the six villages, with ``SCORES`` unless ``scores`` says otherwise."""
    return draft_month(scheme, MonthInputs(MONTH, VILLAGES, **{"scores": SCORES, **inputs}))


def flagged(result: MonthResult, category: str, flag: Flag) -> list[str]:
    return [p.village for p in result.placements if p.category == category and p.flag is flag]


def money(result: MonthResult) -> dict[str, int]:
    return {item.village: item.amount for item in result.settlements}


def test_a_complete_month_is_ranked_settled_and_has_nothing_missing() -> None:
    result = draft()
    assert result.month == MONTH and result.villages == list(VILLAGES)
    assert result.missing == []
    assert flagged(result, PARTY, Flag.RED) == ["金竹村", "石桥村", "白沙村"]
    assert flagged(result, HOME, Flag.YELLOW) == ["清水村", "青山村", "龙潭村"]
    assert money(result) == {"金竹村": 3000, "石桥村": 3000, "白沙村": 3000,
                             "清水村": -3000, "青山村": -3000, "龙潭村": -3000}
    assert result.consequences["金竹村"] == []
    assert result.consequences["龙潭村"] == [Consequence.TALK]


def test_a_vetoed_village_gets_no_red_and_reds_never_reach_the_yellow_places() -> None:
    result = draft(vetoed=frozenset({1}))
    assert flagged(result, PARTY, Flag.RED) == ["石桥村", "白沙村"]
    assert flagged(result, PARTY, Flag.YELLOW) == ["清水村", "青山村", "龙潭村"]
    assert money(result)["金竹村"] == 0
    # A veto takes no yellow away.
    last = draft(vetoed=frozenset({6}))
    assert flagged(last, HOME, Flag.YELLOW) == ["清水村", "青山村", "龙潭村"]


def test_onsite_last_month_is_one_more_red_unless_vetoed() -> None:
    result = draft(onsite_last_month=frozenset({6}))
    assert [p for p in result.placements if p.category == ONSITE_CATEGORY] == [
        Placement("龙潭村", GRID, ONSITE_CATEGORY, None, Flag.RED)]
    assert money(result)["龙潭村"] == 1000 - 3000
    vetoed = draft(onsite_last_month=frozenset({6}), vetoed=frozenset({6}))
    assert not [p for p in vetoed.placements if p.category == ONSITE_CATEGORY]


def test_missing_scores_are_listed_in_village_and_scheme_order() -> None:
    partial = {1: {PARTY: 95.0}, 2: {HOME: 90.0}, **{n: SCORES[n] for n in (3, 4, 5, 6)}}
    result = draft(scores=partial)
    assert result.missing == [("金竹村", HOME), ("石桥村", PARTY)]
    assert result.missing_text(1) == f"金竹村{HOME}等"
    # A missing score ranks as 0: last place, so yellow.
    assert "石桥村" in flagged(result, PARTY, Flag.YELLOW)
    nothing = draft(scores={})
    assert len(nothing.missing) == len(NAMES) * 2


def test_a_score_outside_the_scheme_is_ignored() -> None:
    extra = {number: {**entered, "别的类别": 100.0} for number, entered in SCORES.items()}
    assert draft(scores=extra) == draft()


def test_no_villages_is_an_empty_month() -> None:
    result = draft_month(TWO, MonthInputs(MONTH, ()))
    assert (result.villages, result.placements, result.settlements, result.missing) == (
        [], [], [], [])


def test_a_computed_category_comes_from_the_activity_and_is_never_missing() -> None:
    scheme = Scheme("三项评比", (PARTY, HOME, SMART),
                    weights={SMART: {"meetings_held": 1, "issues_on_time": 1}})
    active = VillageActivity(homesteads=2, homesteads_met=1, issues=4, issues_overdue=1)
    result = draft(scheme, activity={1: active})
    assert result.missing == []
    assert result.indicators["金竹村"]["meetings_held"] == 0.5
    by_village = {p.village: p.score for p in result.placements if p.category == SMART}
    assert by_village["金竹村"] == round(100 * (0.5 + 0.75) / 2, 2)
    # No activity at all: no meetings held, and no issue was late.
    assert by_village["石桥村"] == 50.0
    # An entered score of a computed category is replaced by the computed one.
    entered = {number: {**row, SMART: 99.0} for number, row in SCORES.items()}
    assert draft(scheme, scores=entered, activity={1: active}) == result


def test_indicators_of_a_village() -> None:
    assert VillageActivity().indicators() == {
        "meetings_held": 0.0, "attendance": 0.0, "issues_on_time": 1.0, "satisfaction": 0.0}
    busy = VillageActivity(homesteads=4, homesteads_met=4, attendance=((30, 40), (50, 40)),
                           issues=2, issues_overdue=2, ratings=(0.5, 1.0))
    assert busy.indicators() == {"meetings_held": 1.0, "attendance": (0.75 + 1.0) / 2,
                                 "issues_on_time": 0.0, "satisfaction": 0.75}


def test_yellow_flags_of_confirmed_months_lead_to_more_consequences() -> None:
    september = {6: {"2026-09": 2}, 5: {"2025-10": 3}}
    result = draft(yellows_before=september)
    # 龙潭村: yellow in September too, so the warning, the downgrade and the lowest
    # cleaning subsidy follow (F13).
    assert result.consequences["龙潭村"] == [Consequence.TALK, Consequence.WARNING,
                                           Consequence.DOWNGRADE, Consequence.SUBSIDY_LOWEST]
    # 青山村's yellows of last October are of another year and not the month before.
    assert result.consequences["青山村"] == [Consequence.TALK]


def test_consequences_issued_earlier_in_the_year_are_not_issued_again() -> None:
    issued = {6: frozenset({Consequence.TALK, Consequence.WARNING})}
    result = draft(yellows_before={6: {"2026-09": 2}}, issued_before=issued)
    assert result.consequences["龙潭村"] == [Consequence.TALK, Consequence.DOWNGRADE,
                                           Consequence.SUBSIDY_LOWEST]


@pytest.mark.parametrize(("before", "expected"), [
    ({}, (2, (), 0, 0)),
    ({"2026-09": 1}, (2, (1, *(0,) * (HISTORY_MONTHS - 1)), 1, 1)),
    ({"2026-01": 2, "2026-03": 1, "2025-11": 3},
     (2, (0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 3, 0), 3, 2)),
])
def test_yellow_history(before: Mapping[str, int], expected: tuple[object, ...]) -> None:
    found = yellow_history(MONTH, 2, before)
    assert (found.this_month, found.previous, found.earlier_this_year,
            found.yellow_months_earlier_this_year) == expected


def test_months_before_cross_the_year_newest_first() -> None:
    assert months_before("2026-02")[:3] == ["2026-01", "2025-12", "2025-11"]
    assert len(months_before(MONTH)) == HISTORY_MONTHS
