"""The benchmarks must not rot: their cheapest figure runs with the tests."""

from __future__ import annotations

from bench import city
from bench.__main__ import table
from bench.common import Stopwatch, below
from core.flags import rank_flags, settle


def test_city_ranking_on_tiny_data() -> None:
    months, history = city.month_of(40)
    placements = rank_flags(city.SCHEME, months)
    assert len(settle(city.SCHEME, placements)) == 40
    assert len(history) == 40


def test_ranking_figure_is_reported() -> None:
    months, _ = city.month_of(200)
    with Stopwatch() as watch:
        rank_flags(city.SCHEME, months)
    figure = below("city ranking", 1, watch.seconds, "s")
    assert figure.passed
    assert set(figure.as_json()) == {"name", "target", "measured", "unit", "pass"}
    assert table([figure]).row_count == 1
