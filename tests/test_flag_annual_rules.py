"""Rule F12 as pure functions (core.annual): grid averages, the year, ties and rounding."""

from __future__ import annotations

from core import texts
from core.annual import (
    BestGrid,
    GridAverage,
    best_grids,
    exported,
    grid_averages,
    rollup_text,
    shown,
    year_rollup,
)
from core.flags import ONSITE_CATEGORY, Flag, Placement

A, B = "党建", "和美"
EAST, WEST = "东片", "西片"


def place(village: str, grid: str, category: str, score: float | None,
          flag: Flag | None = None) -> Placement:
    return Placement(village, grid, category, score, flag)


def test_a_grid_average_counts_only_the_scores_there() -> None:
    month = [place("甲村", EAST, A, 90, Flag.RED), place("乙村", EAST, A, 80),
             place("丙村", EAST, A, None),  # no score: not in the average
             place("丁村", WEST, A, 70.25), place("甲村", EAST, ONSITE_CATEGORY, None, Flag.RED),
             place("甲村", EAST, B, 60)]
    assert grid_averages("2026-10", month, (A, B)) == [
        GridAverage("2026-10", EAST, A, 85.0), GridAverage("2026-10", EAST, B, 60.0),
        GridAverage("2026-10", WEST, A, 70.25)]
    assert grid_averages("2026-10", []) == []


def test_the_best_grid_sums_the_monthly_averages_and_ties_name_all() -> None:
    averages = [GridAverage("2026-01", EAST, A, 80.004), GridAverage("2026-02", EAST, A, 90),
                GridAverage("2026-01", WEST, A, 85), GridAverage("2026-02", WEST, A, 85),
                GridAverage("2026-01", EAST, B, 70), GridAverage("2026-01", WEST, B, 70.01)]
    # 党建: 170.004 and 170 are equal at 2 decimals: both best, by name.
    assert [(found.category, found.grids, shown(found.average))
            for found in best_grids(averages, (A, B))] == [
        (A, (EAST, WEST), "85.0"), (B, (WEST,), "70.0")]
    # One hundredth apart is not a tie.
    assert best_grids([GridAverage("2026-01", EAST, A, 80.01),
                       GridAverage("2026-01", WEST, A, 80.0)], (A,)) == [
        BestGrid(A, (EAST,), 80.01)]


def test_the_year_takes_its_own_months_and_counts_every_flag() -> None:
    months = {
        "2025-12": [place("甲村", EAST, A, 10, Flag.YELLOW)],  # another year: not counted
        "2026-01": [place("甲村", EAST, A, 90, Flag.RED), place("乙村", EAST, A, 80, Flag.YELLOW),
                    place("甲村", EAST, B, 70)],
        "2026-02": [place("甲村", EAST, A, 85, Flag.RED), place("乙村", EAST, A, 95, Flag.RED),
                    place("乙村", EAST, ONSITE_CATEGORY, None, Flag.RED)],
    }
    rollup = year_rollup(2026, months, (A, B))
    assert rollup.months == ("2026-01", "2026-02")
    assert [(v.village, v.averages, v.reds, v.yellows) for v in rollup.villages] == [
        ("乙村", {A: 87.5}, 2, 1), ("甲村", {A: 87.5, B: 70.0}, 2, 0)]  # by grid, name
    # Both have two reds (乙村's on-site red counts): both are candidates.
    assert rollup.candidates == ("乙村", "甲村")
    assert rollup.best_grids == [BestGrid(A, (EAST,), 87.5), BestGrid(B, (EAST,), 70.0)]


def test_no_red_no_candidate_and_one_red_more_decides() -> None:
    months = {"2026-03": [place("甲村", EAST, A, 60), place("乙村", EAST, A, 50, Flag.YELLOW)]}
    assert year_rollup(2026, months).candidates == ()
    months["2026-04"] = [place("甲村", EAST, A, 60, Flag.RED), place("乙村", EAST, A, 50)]
    assert year_rollup(2026, months).candidates == ("甲村",)


def test_rounding_one_decimal_in_texts_two_in_the_export() -> None:
    assert (shown(78.125), shown(78.15001), exported(78.125001), exported(70)) == (
        "78.1", "78.2", 78.13, 70)
    months = {"2026-01": [place("甲村", EAST, A, 90.04, Flag.RED), place("乙村", WEST, A, 80)]}
    rollup = year_rollup(2026, months, (A,))
    assert rollup_text(rollup).splitlines() == [
        texts.YEAR_TITLE.format(year=2026, count=1, months="1月"),
        texts.YEAR_VILLAGES,
        texts.YEAR_VILLAGE_LINE.format(village="甲村", grid=EAST, reds=1, yellows=0,
                                       items=f"{A}90.0"),
        texts.YEAR_VILLAGE_LINE.format(village="乙村", grid=WEST, reds=0, yellows=0,
                                       items=f"{A}80.0"),
        texts.YEAR_BEST_GRIDS,
        texts.YEAR_BEST_GRID.format(category=A, grids=EAST, average="90.0"),
        texts.YEAR_CANDIDATES.format(reds=1, villages="甲村")]
    assert rollup_text(rollup, "乙村").splitlines()[1:] == [texts.YEAR_VILLAGE_LINE.format(
        village="乙村", grid=WEST, reds=0, yellows=0, items=f"{A}80.0")]
