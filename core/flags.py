"""Rules F1-F13 of the monthly red and yellow flags (seed 002), as pure functions.

Ranking (F3), within one grid and one category:
- villages are ordered by score, highest first; ties are broken by the village's
  total score over all categories that month (higher first), then by the village's
  name in Unicode order, so the order never depends on how data was entered;
- a grid of n villages gives min(places, n // 2) red and as many yellow flags, so no
  village is both red and yellow in one category (a grid of 1 gives none, of 5 two);
- yellow goes to the last places, and with the scheme's optional ``yellow_below`` floor
  only to a village scoring below it, so a grid where all did well gets fewer or none;
  red to the best villages that have no veto that month (F4) and are not yellow.
A village that hosted an on-site meeting (现场会) in the month before gets one more red
flag that takes no place (F5), unless it has a veto this month; it counts as one red
category in the money (F6).

A month's draft (``draft_month``) puts these rules together over what the database
holds of the month (``MonthInputs``): scores entered, vetoes, on-site meetings, the
bot's own figures of each village (F2) and the yellow flags of confirmed months (F7).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import partial
from zoneinfo import ZoneInfo

from core import texts

ONSITE_CATEGORY = "现场会"
# Seed 002's five grounds of a one-vote veto (一票否决), short, as the buttons show them (F11).
VETO_GROUNDS = ("中心工作不力", "非正常上访", "重大安全或刑事事件", "较大安全事故", "媒体曝光")
HISTORY_MONTHS = 12  # how far back F7 looks for yellow flags


class Flag(StrEnum):
    """A flag a village gets in one category."""

    RED = "red"
    YELLOW = "yellow"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return "红旗" if self is Flag.RED else "黄旗"


class Consequence(StrEnum):
    """What a village's yellow flags lead to (F7)."""

    TALK = "talk"
    WARNING = "warning"
    SUSPENSION = "suspension"
    DOWNGRADE = "downgrade"
    STAR_DOWN = "star_down"
    SUBSIDY_LOWEST = "subsidy_lowest"  # rule F13: with two yellow months running

    @property
    def label(self) -> str:
        """The Chinese name, as the township says it."""
        return {"talk": "镇主要领导约谈主职干部", "warning": "对主职干部警告",
                "suspension": "主职干部停职", "downgrade": "年度考核降一档",
                "star_down": "党组织五星评定降一颗星",
                "subsidy_lowest": "保洁费及垃圾分类补贴按最低档"}[self.value]


@dataclass(frozen=True, slots=True)
class ConsequenceRules:
    """When yellow flags lead to which consequence (F7); counts are of the scheme."""

    talk_on_any_yellow: bool = True
    warning_consecutive_months: int = 2
    warning_categories_in_year: int = 3
    suspension_categories: int = 3
    suspension_consecutive_months: int = 2
    downgrade_consecutive_months: int = 2
    star_down_months_in_year: int = 3


@dataclass(frozen=True, slots=True)
class ScoreItem:
    """One scored item of a category's standard, with its maximum points (F9)."""

    name: str
    max_points: float


@dataclass(frozen=True, slots=True)
class Scheme:
    """A flag scheme (F1): categories, places, score range, money and consequences."""

    name: str
    categories: tuple[str, ...]
    period: str = "monthly"
    unit: str = "grid"
    red_places: int = 3
    yellow_places: int = 3
    score_min: float = 0
    score_max: float = 100
    amounts: tuple[int, ...] = (1000, 3000, 5000)
    consequences: ConsequenceRules = field(default_factory=ConsequenceRules)
    weights: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    items: Mapping[str, tuple[ScoreItem, ...]] = field(default_factory=dict)
    yellow_below: float | None = None

    def item(self, name: str) -> tuple[str, ScoreItem] | None:
        """The category and item of an item's name, if a category lists it (F9)."""
        for category, listed in self.items.items():
            for found in listed:
                if found.name == name:
                    return category, found
        return None

    def amount(self, flags: int) -> int:
        """Money for this many flagged categories: the last amount for that many or more."""
        if flags <= 0:
            return 0
        return self.amounts[min(flags, len(self.amounts)) - 1]


@dataclass(frozen=True, slots=True)
class VillageMonth:
    """One village's scores of a month, with its grid and any veto or on-site meeting."""

    village: str
    grid: str
    scores: Mapping[str, float]
    vetoed: bool = False
    hosted_onsite_last_month: bool = False

    @property
    def total(self) -> float:
        """The sum of the village's scores, the first tie-breaker."""
        return sum(self.scores.values())


@dataclass(frozen=True, slots=True)
class Placement:
    """A village's flag in one category, with its score."""

    village: str
    grid: str
    category: str
    score: float | None
    flag: Flag | None


def rank_flags(scheme: Scheme, villages: Iterable[VillageMonth]) -> list[Placement]:
    """Red and yellow flags for every village and category (F3, F4, F5)."""
    by_grid: dict[str, list[VillageMonth]] = defaultdict(list)
    for village in villages:
        by_grid[village.grid].append(village)
    placements: list[Placement] = []
    for grid in sorted(by_grid):
        members = by_grid[grid]
        reds, yellows = grid_places(scheme, len(members))
        for category in scheme.categories:
            order = sorted(members, key=partial(_rank_key, category))
            last = order[len(order) - yellows:] if yellows else []
            yellow = {v.village for v in last
                      if below_floor(scheme.yellow_below, v.scores.get(category))}
            red = [v.village for v in order if not v.vetoed and v.village not in yellow][:reds]
            for village in order:
                flag = (Flag.RED if village.village in red
                        else Flag.YELLOW if village.village in yellow else None)
                placements.append(Placement(village.village, grid, category,
                                            village.scores.get(category), flag))
        for village in sorted(members, key=lambda v: v.village):
            if village.hosted_onsite_last_month and not village.vetoed:
                placements.append(Placement(village.village, grid, ONSITE_CATEGORY, None,
                                            Flag.RED))
    return placements


def grid_places(scheme: Scheme, villages: int) -> tuple[int, int]:
    """The red and yellow places of a grid of this many villages: at most half each (F3)."""
    places = villages // 2
    return min(scheme.red_places, places), min(scheme.yellow_places, places)


def below_floor(yellow_below: float | None, score: float | None) -> bool:
    """Whether a score may get a yellow flag under the scheme's optional floor (F3)."""
    return yellow_below is None or score is None or score < yellow_below


def grid_footer(scheme: Scheme, villages: int) -> str:
    """The rule line under a grid's picture, with the places this grid actually gives."""
    reds, yellows = grid_places(scheme, villages)
    if not reds and not yellows:
        return texts.GRID_FOOTER_NO_PLACES
    floor = (texts.GRID_FOOTER_FLOOR.format(floor=scheme.yellow_below)
             if scheme.yellow_below is not None else "")
    return texts.GRID_PICTURE_FOOTER.format(reds=reds, yellows=yellows, floor=floor)


def _rank_key(category: str, village: VillageMonth) -> tuple[float, float, str]:
    """Highest score first; ties by total score, then by name (see the module docstring)."""
    return (-village.scores.get(category, 0.0), -village.total, village.village)


@dataclass(frozen=True, slots=True)
class Settlement:
    """A village's money for the month, net of red and yellow (F6)."""

    village: str
    reds: int
    yellows: int
    amount: int


def settle(scheme: Scheme, placements: Iterable[Placement]) -> list[Settlement]:
    """Money per village: red categories earn, yellow categories cost, settled net (F6)."""
    reds: dict[str, int] = defaultdict(int)
    yellows: dict[str, int] = defaultdict(int)
    villages: set[str] = set()
    for placement in placements:
        villages.add(placement.village)
        if placement.flag is Flag.RED:
            reds[placement.village] += 1
        elif placement.flag is Flag.YELLOW:
            yellows[placement.village] += 1
    return [Settlement(village, reds[village], yellows[village],
                       scheme.amount(reds[village]) - scheme.amount(yellows[village]))
            for village in sorted(villages)]


@dataclass(frozen=True, slots=True)
class YellowHistory:
    """A village's yellow categories this month and in the confirmed months before it.

    ``previous`` holds the calendar months just before, newest first (0 for a month
    with no yellow or no confirmed result); the yearly counts cover the confirmed
    months of the same calendar year before this one.
    """

    this_month: int
    previous: tuple[int, ...] = ()
    earlier_this_year: int = 0
    yellow_months_earlier_this_year: int = 0

    def running(self, months: int, at_least: int = 1) -> bool:
        """Whether this and the ``months - 1`` months before each had ``at_least`` yellow."""
        needed = self.previous[:months - 1]
        return (self.this_month >= at_least and len(needed) == months - 1
                and all(count >= at_least for count in needed))


def consequences(rules: ConsequenceRules, history: YellowHistory,
                 issued: Collection[Consequence] = ()) -> list[Consequence]:
    """What this month's yellow flags lead to, looking back at confirmed months (F7).

    Each consequence but the talk fires once in the scheme year, when its condition is
    first met: one in ``issued`` (by an earlier month of the year) is not issued again
    (rule F13). Every yellow month has its talk.
    """
    if history.this_month == 0:
        return []
    found: list[Consequence] = []
    if rules.talk_on_any_yellow:
        found.append(Consequence.TALK)
    in_year = history.earlier_this_year + history.this_month
    if history.running(rules.warning_consecutive_months) \
            or in_year >= rules.warning_categories_in_year:
        found.append(Consequence.WARNING)
    if history.running(rules.suspension_consecutive_months, rules.suspension_categories):
        found.append(Consequence.SUSPENSION)
    if history.running(rules.downgrade_consecutive_months):
        found += [Consequence.DOWNGRADE, Consequence.SUBSIDY_LOWEST]  # rules F7, F13
    if history.yellow_months_earlier_this_year + 1 >= rules.star_down_months_in_year:
        found.append(Consequence.STAR_DOWN)
    return [item for item in found  # rule F13: once, when first met
            if item is Consequence.TALK or item not in issued]


def category_score(items: tuple[ScoreItem, ...], total: float | None,
                   entered: Mapping[str, float]) -> float | None:
    """A category's score: the total entered, else the sum of its items once all are in (F9)."""
    if total is not None:
        return total
    if not items or any(found.name not in entered for found in items):
        return None
    return round(sum(entered[found.name] for found in items), 2)


def adjusted_score(score: float | None, points: float) -> float | None:
    """A category's score with the township meeting's special points (特别加扣分) added (F11).

    Points only move a score that is there: a missing score stays missing.
    """
    if score is None:
        return None
    return round(score + points, 2)


def combined_score(weights: Mapping[str, float], indicators: Mapping[str, float]) -> float:
    """A category score from computed indicators (each 0..1) by the scheme's weights, 0..100."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return round(100 * sum(weight * indicators.get(name, 0.0)
                           for name, weight in weights.items()) / total, 2)


def month_start(month: str) -> date:
    """The first day of a YYYY-MM month."""
    return date(int(month[:4]), int(month[5:7]), 1)


def shift_month(month: str, months: int) -> str:
    """The month ``months`` after (negative: before) a YYYY-MM month."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_bounds(zone: ZoneInfo, month: str) -> tuple[datetime, datetime]:
    """The local start of a month and of the month after it."""
    start = month_start(month)
    following = month_start(shift_month(month, 1))
    return (datetime(start.year, start.month, 1, tzinfo=zone),
            datetime(following.year, following.month, 1, tzinfo=zone))


def months_before(month: str) -> list[str]:
    """The ``HISTORY_MONTHS`` months before a month, newest first."""
    return [shift_month(month, -offset) for offset in range(1, HISTORY_MONTHS + 1)]


@dataclass(frozen=True, slots=True)
class VillageInfo:
    """A village of the township, with its grid."""

    id: int
    name: str
    grid: str


@dataclass(frozen=True, slots=True)
class VillageActivity:
    """A village's own figures of a month in the bot's data, counted as stored (F2).

    ``attendance`` holds (households present, resident households) of each ended
    meeting that knows its resident households; ``ratings`` the satisfaction of each
    issue of the month that was closed with one.
    """

    homesteads: int = 0
    homesteads_met: int = 0
    attendance: tuple[tuple[int, int], ...] = ()
    issues: int = 0
    issues_overdue: int = 0
    ratings: tuple[float, ...] = ()

    def indicators(self) -> dict[str, float]:
        """The computed indicators, each 0..1, that a scheme's weights combine (F2)."""
        rates = [min(1.0, present / resident) for present, resident in self.attendance]
        return {
            "meetings_held": self.homesteads_met / self.homesteads if self.homesteads else 0.0,
            "attendance": sum(rates) / len(rates) if rates else 0.0,
            "issues_on_time": 1 - self.issues_overdue / self.issues if self.issues else 1.0,
            "satisfaction": sum(self.ratings) / len(self.ratings) if self.ratings else 0.0,
        }


@dataclass(frozen=True, slots=True)
class MonthInputs:
    """Everything a township's month is drafted from, by village id.

    ``scores`` are those entered (a category outside the scheme is ignored);
    ``item_scores`` the item scores entered, by category and item (F9);
    ``adjustments`` the special points' sum by category (F11); ``vetoed`` the villages
    with a veto not withdrawn;
    ``yellows_before`` holds, per village, the yellow categories of each confirmed
    month among ``months_before(month)``, from the newest confirmed version;
    ``issued_before`` the consequences of the confirmed earlier months of its year (F13).
    """

    month: str
    villages: tuple[VillageInfo, ...]
    scores: Mapping[int, Mapping[str, float]] = field(default_factory=dict)
    item_scores: Mapping[int, Mapping[str, Mapping[str, float]]] = field(default_factory=dict)
    adjustments: Mapping[int, Mapping[str, float]] = field(default_factory=dict)
    vetoed: frozenset[int] = frozenset()
    onsite_last_month: frozenset[int] = frozenset()
    activity: Mapping[int, VillageActivity] = field(default_factory=dict)
    yellows_before: Mapping[int, Mapping[str, int]] = field(default_factory=dict)
    issued_before: Mapping[int, frozenset[Consequence]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MonthResult:
    """A month's ranking, money and consequences for one township."""

    month: str
    villages: list[VillageInfo]
    placements: list[Placement]
    settlements: list[Settlement]
    consequences: dict[str, list[Consequence]]
    missing: list[tuple[str, str]]
    indicators: dict[str, dict[str, float]]
    items: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    adjustments: dict[str, dict[str, float]] = field(default_factory=dict)

    def missing_text(self, shown: int) -> str:
        """The first ``shown`` missing scores as 村类别, with 等 when there are more."""
        items = "、".join(f"{village}{category}" for village, category in self.missing[:shown])
        return items + (texts.FLAGS_MORE if len(self.missing) > shown else "")


def yellow_history(month: str, this_month: int, before: Mapping[str, int]) -> YellowHistory:
    """A village's yellow history from its yellow categories of confirmed earlier months."""
    if not before:
        return YellowHistory(this_month)
    earlier = months_before(month)
    this_year = [before.get(found, 0) for found in earlier if found[:4] == month[:4]]
    return YellowHistory(this_month, tuple(before.get(found, 0) for found in earlier),
                         sum(this_year), sum(1 for count in this_year if count))


def draft_month(scheme: Scheme, inputs: MonthInputs) -> MonthResult:
    """Rank a month from its inputs, with money and consequences (F2-F7)."""
    villages = list(inputs.villages)
    indicators = {found.name: inputs.activity.get(found.id, VillageActivity()).indicators()
                  for found in villages}
    scores: dict[int, dict[str, float]] = {}
    items: dict[str, dict[str, dict[str, float]]] = {}
    for found in villages:
        entered = inputs.scores.get(found.id, {})
        entered_items = inputs.item_scores.get(found.id, {})
        scores[found.id] = {}
        points = inputs.adjustments.get(found.id, {})
        for category in scheme.categories:
            score = adjusted_score(category_score(  # rule F11: special points
                scheme.items.get(category, ()), entered.get(category),
                entered_items.get(category, {})), points.get(category, 0.0))
            if score is not None:
                scores[found.id][category] = score
        items[found.name] = {
            category: {item.name: entered_items[category][item.name]
                       for item in scheme.items.get(category, ())
                       if item.name in entered_items[category]}
            for category in scheme.categories if entered_items.get(category)}
        for category, weights in scheme.weights.items():
            scores[found.id][category] = round(combined_score(
                weights, indicators[found.name]) + points.get(category, 0.0), 2)
    placements = rank_flags(scheme, [
        VillageMonth(found.name, found.grid, scores[found.id], found.id in inputs.vetoed,
                     found.id in inputs.onsite_last_month) for found in villages])
    yellow_now = Counter(placement.village for placement in placements
                         if placement.flag is Flag.YELLOW)
    found_consequences = {
        found.name: consequences(scheme.consequences, yellow_history(
            inputs.month, yellow_now[found.name], inputs.yellows_before.get(found.id, {})),
            inputs.issued_before.get(found.id, frozenset()))
        for found in villages}
    missing = [(found.name, category) for found in villages for category in scheme.categories
               if category not in scores[found.id]]
    adjustments = {found.name: {category: points for category, points
                                in inputs.adjustments.get(found.id, {}).items()
                                if category in scheme.categories and points}
                   for found in villages}
    return MonthResult(inputs.month, villages, placements, settle(scheme, placements),
                       found_consequences, missing, indicators, items,
                       {name: found for name, found in adjustments.items() if found})
