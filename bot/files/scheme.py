"""Load and validate a flag scheme (TOML): a shipped one by name, or a township's own file."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.flags import ONSITE_CATEGORY, ConsequenceRules, Scheme, ScoreItem

SHIPPED = Path(__file__).parent.parent / "schemes"
INDICATORS = ("meetings_held", "attendance", "issues_on_time", "satisfaction")


class SchemeError(ValueError):
    """The scheme is malformed; the message names the entry."""


def load_scheme(name_or_path: str) -> Scheme:
    """A shipped scheme (``monthly``) or the scheme file at a path."""
    data, source = read_scheme_file(name_or_path, "flag scheme")
    return parse_scheme(data, source)


def read_scheme_file(name_or_path: str, what: str,
                     error: type[SchemeError] = SchemeError) -> tuple[dict[str, Any], str]:
    """The TOML of a shipped scheme (``bot/schemes/NAME.toml``) or of the file at a path.

    Raise ``error`` naming ``what`` when it cannot be read; return it with its path.
    """
    path = SHIPPED / f"{name_or_path}.toml"
    if not path.exists():
        path = Path(name_or_path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), str(path)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as problem:
        raise error(f"{what} {name_or_path}: {problem}") from None


def parse_scheme(data: dict[str, Any], source: str = "scheme") -> Scheme:
    """Validate a parsed scheme document."""
    def fail(message: str) -> SchemeError:
        return SchemeError(f"{source}: {message}")

    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise fail("name is missing")
    categories = data.get("categories")
    if not isinstance(categories, list) or not categories \
            or not all(isinstance(item, str) and item for item in categories):
        raise fail("categories must be a non-empty list of names")
    if len(set(categories)) != len(categories):
        raise fail("categories are not unique")
    if ONSITE_CATEGORY in categories:
        raise fail(f"{ONSITE_CATEGORY} is reserved for the on-site meeting's red flag")
    if data.get("period", "monthly") != "monthly":
        raise fail("period must be monthly")
    if data.get("unit", "grid") != "grid":
        raise fail("unit must be grid (the 网格 of the roster)")
    places = {key: data.get(key, 3) for key in ("red_places", "yellow_places")}
    for key, value in places.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 20:
            raise fail(f"{key} must be a whole number 1-20")
    low, high = data.get("score_min", 0), data.get("score_max", 100)
    if not all(isinstance(value, int | float) for value in (low, high)) or low >= high:
        raise fail("score_min and score_max must be numbers, min below max")
    amounts = data.get("amounts", [1000, 3000, 5000])
    if not isinstance(amounts, list) or not amounts \
            or not all(isinstance(value, int) and value >= 0 for value in amounts) \
            or amounts != sorted(amounts):
        raise fail("amounts must be rising whole numbers of 元 for 1, 2, 3... categories")
    consequences = data.get("consequences", {})
    if not isinstance(consequences, dict):
        raise fail("[consequences] must be a table")
    defaults = ConsequenceRules()
    rules: dict[str, Any] = {}
    for key in ConsequenceRules.__dataclass_fields__:
        value = consequences.get(key, getattr(defaults, key))
        if isinstance(getattr(defaults, key), bool):
            if not isinstance(value, bool):
                raise fail(f"consequences.{key} must be true or false")
        elif not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 12:
            raise fail(f"consequences.{key} must be a whole number 1-12")
        rules[key] = value
    unknown = set(consequences) - set(ConsequenceRules.__dataclass_fields__)
    if unknown:
        raise fail(f"unknown consequence {sorted(unknown)[0]}")
    weights = data.get("weights", {})
    if not isinstance(weights, dict):
        raise fail("[weights] must be a table")
    for category, table in weights.items():
        if category not in categories:
            raise fail(f"weights for unknown category {category}")
        if not isinstance(table, dict) or not table or any(
                key not in INDICATORS or not isinstance(value, int | float) or value < 0
                for key, value in table.items()):
            raise fail(f"weights.{category} must give {', '.join(INDICATORS)} non-negative "
                       "numbers")
    items = _items(data.get("items", {}), categories, weights, float(high), fail)
    floor = data.get("yellow_below")
    if floor is not None and (not isinstance(floor, int | float) or isinstance(floor, bool)
                              or not low < floor <= high):
        raise fail("yellow_below must be a score above score_min, at most score_max")
    return Scheme(
        name=name, categories=tuple(categories), red_places=places["red_places"],
        yellow_places=places["yellow_places"], score_min=float(low), score_max=float(high),
        amounts=tuple(amounts), consequences=ConsequenceRules(**rules),
        weights={category: dict(table) for category, table in weights.items()}, items=items,
        yellow_below=float(floor) if floor is not None else None)


def _items(table: Any, categories: list[str], weights: dict[str, Any], high: float,
           fail: Callable[[str], SchemeError]) -> dict[str, tuple[ScoreItem, ...]]:
    """Each category's scored items with their maximum points (F9), as the file lists them.

    A category computed by weights (F2) keeps no items: the weights decide its score.
    """
    if not isinstance(table, dict):
        raise fail("[items] must be a table")
    names: set[str] = set()
    items: dict[str, tuple[ScoreItem, ...]] = {}
    for category, listed in table.items():
        if category not in categories:
            raise fail(f"items for unknown category {category}")
        if not isinstance(listed, dict) or not listed or any(
                not isinstance(points, int | float) or isinstance(points, bool) or points <= 0
                for points in listed.values()):
            raise fail(f"items.{category} must give each item its maximum points, above 0")
        if sum(listed.values()) > high:
            raise fail(f"items.{category}: the maximum points add up to more than score_max")
        for name in listed:
            if not name or name in names or name in categories or " " in name:
                raise fail(f"item {name!r} is empty, repeated, has a space or names a category")
            names.add(name)
        if category not in weights:
            items[category] = tuple(ScoreItem(name, float(points))
                                    for name, points in listed.items())
    return items
