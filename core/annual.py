"""Rule F12, the annual roll-up of the monthly flags (seed 002 §七), as pure functions.

Seed 002: 每月统计网格内各村每项评比的平均分，年底将各个月平均分进行汇总，单项汇总分数最高的
(网格) 在年度考核及评先评优上予以倾斜; 获评红旗先进村次数多的，优先列入年度考核优秀等次.

- A grid's average of a month in a category is the plain mean of the scores its
  villages have in that category; a village without a score there does not count,
  and the on-site meeting's red flag (F5) has no score, so it is in no average.
- The year is the calendar year (the scheme year of F7/F13); it takes the newest
  confirmed version of each confirmed month of that year, and nothing else.
- A village's average in a category is the mean of its scores over those months.
- The best grid of a category is the one whose monthly averages sum highest (汇总);
  grids are compared at 2 decimals, the precision scores are kept to, and grids equal
  there are all best (并列), named in name order. Every grid of a township has every
  confirmed month of it, so the sum orders grids as their yearly mean does; the texts
  show that mean, which reads like a score.
- Red and yellow counts are flagged categories over the year, the on-site red included
  (it counts as a red category in the money, F5/F6); the candidates for the annual 优秀
  rating are the villages with the most reds, all of them when tied, none without a red.
- Texts show one decimal; the export keeps 2 decimals (``EXPORT_DECIMALS``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from core import texts
from core.flags import ONSITE_CATEGORY, Flag, Placement

EXPORT_DECIMALS = 2
COMPARE_DECIMALS = 2  # best grid: sums equal at this precision are a tie


@dataclass(frozen=True, slots=True)
class GridAverage:
    """One grid's average score in one category of one confirmed month (rule F12)."""

    month: str
    grid: str
    category: str
    average: float


def _ordered(categories: Sequence[str], found: Iterable[str]) -> list[str]:
    """The scheme's categories first, in its order, then any other in the order seen."""
    seen = [category for category in dict.fromkeys(found) if category != ONSITE_CATEGORY]
    return [*(c for c in categories if c in seen), *(c for c in seen if c not in categories)]


def grid_averages(month: str, placements: Iterable[Placement],
                  categories: Sequence[str] = ()) -> list[GridAverage]:
    """Each grid's average per category of a month's placements, grid by grid (rule F12)."""
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    for placement in placements:
        if placement.score is not None and placement.category != ONSITE_CATEGORY:
            scores[(placement.grid, placement.category)].append(placement.score)
    order = _ordered(categories, (category for _, category in scores))
    return [GridAverage(month, grid, category, sum(found) / len(found))
            for grid in sorted({grid for grid, _ in scores}) for category in order
            if (found := scores.get((grid, category)))]


@dataclass(frozen=True, slots=True)
class VillageYear:
    """A village's year: its average per category, its red and yellow flags (rule F12)."""

    village: str
    grid: str
    averages: dict[str, float]
    reds: int
    yellows: int


@dataclass(frozen=True, slots=True)
class BestGrid:
    """The best grid(s) of a category over the year, with their mean monthly average."""

    category: str
    grids: tuple[str, ...]
    average: float


@dataclass(frozen=True, slots=True)
class YearRollup:
    """A township's year of confirmed months (rule F12)."""

    year: int
    months: tuple[str, ...]
    villages: list[VillageYear]
    best_grids: list[BestGrid]
    candidates: tuple[str, ...]
    grid_averages: list[GridAverage]


def year_rollup(year: int, months: Mapping[str, Sequence[Placement]],
                categories: Sequence[str] = ()) -> YearRollup:
    """Roll up a year's confirmed months (month → its placements) as seed 002 §七 says."""
    in_year = sorted(month for month in months if month[:4] == f"{year:04d}")
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    reds: dict[str, int] = defaultdict(int)
    yellows: dict[str, int] = defaultdict(int)
    grid_of: dict[str, str] = {}
    averages: list[GridAverage] = []
    for month in in_year:
        averages += grid_averages(month, months[month], categories)
        for placement in months[month]:
            grid_of[placement.village] = placement.grid
            reds[placement.village] += placement.flag is Flag.RED
            yellows[placement.village] += placement.flag is Flag.YELLOW
            if placement.score is not None and placement.category != ONSITE_CATEGORY:
                scores[(placement.village, placement.category)].append(placement.score)
    order = _ordered(categories, (category for _, category in scores))
    villages = [VillageYear(
        village, grid_of[village],
        {category: sum(found) / len(found) for category in order
         if (found := scores.get((village, category)))},
        reds[village], yellows[village])
        for village in sorted(grid_of, key=lambda name: (grid_of[name], name))]
    most = max(reds.values(), default=0)
    return YearRollup(year, tuple(in_year), villages, best_grids(averages, order),
                      tuple(found.village for found in villages
                            if most and found.reds == most), averages)


def best_grids(averages: Iterable[GridAverage], categories: Sequence[str]) -> list[BestGrid]:
    """Per category, the grid(s) whose monthly averages sum highest; ties all best (F12)."""
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for found in averages:
        sums[found.category][found.grid].append(found.average)
    best: list[BestGrid] = []
    for category in categories:
        by_grid = sums.get(category)
        if not by_grid:
            continue
        totals = {grid: round(sum(found), COMPARE_DECIMALS) for grid, found in by_grid.items()}
        top = max(totals.values())
        winners = tuple(sorted(grid for grid, total in totals.items() if total == top))
        best.append(BestGrid(category, winners,
                             sum(by_grid[winners[0]]) / len(by_grid[winners[0]])))
    return best


def shown(value: float) -> str:
    """A figure as the texts show it: one decimal (rule F12)."""
    return f"{value:.1f}"


def averages_lines(averages: Sequence[GridAverage]) -> list[str]:
    """The month's grid averages as text lines, a grid a line, for the results (F12)."""
    if not averages:
        return []
    by_grid: dict[str, list[GridAverage]] = defaultdict(list)
    for found in averages:
        by_grid[found.grid].append(found)
    return [texts.GRID_AVERAGES_TITLE, *(texts.GRID_AVERAGE_LINE.format(
        grid=grid, items="，".join(texts.GRID_AVERAGE_ITEM.format(
            category=found.category, average=shown(found.average)) for found in listed))
        for grid, listed in by_grid.items())]


def exported(value: float) -> float:
    """A figure as the export keeps it: 2 decimals (rule F12)."""
    return round(value, EXPORT_DECIMALS)


def _months_text(months: Sequence[str]) -> str:
    return "、".join(str(int(month[5:])) for month in months) + "月"


def village_line(found: VillageYear) -> str:
    """One village's year as a text line: flags, then its average per category (F12)."""
    return texts.YEAR_VILLAGE_LINE.format(
        village=found.village, grid=found.grid, reds=found.reds, yellows=found.yellows,
        items="，".join(texts.GRID_AVERAGE_ITEM.format(category=category, average=shown(value))
                       for category, value in found.averages.items()) or texts.YEAR_NO_SCORES)


def rollup_text(rollup: YearRollup, village: str | None = None) -> str:
    """The year's roll-up as the officials read it, or only one village's line (F12)."""
    lines = [texts.YEAR_TITLE.format(year=rollup.year, count=len(rollup.months),
                                     months=_months_text(rollup.months))]
    if village is not None:
        return "\n".join([*lines, *(village_line(found) for found in rollup.villages
                                    if found.village == village)])
    lines += [texts.YEAR_VILLAGES, *map(village_line, rollup.villages), texts.YEAR_BEST_GRIDS]
    lines += [texts.YEAR_BEST_GRID.format(category=found.category, grids="、".join(found.grids),
                                          average=shown(found.average))
              for found in rollup.best_grids]
    most = max((found.reds for found in rollup.villages), default=0)
    lines.append(texts.YEAR_CANDIDATES.format(reds=most, villages="、".join(rollup.candidates))
                 if rollup.candidates else texts.YEAR_NO_CANDIDATES)
    return "\n".join(lines)
