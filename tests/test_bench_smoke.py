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


def test_the_markdown_table_names_the_date_and_the_machine() -> None:
    from datetime import UTC, datetime

    from bench.__main__ import machine, markdown
    from bench.common import info

    shown = markdown([below("a | b", 1, 0.5, "s"), info("ratio", 0.25, "x")],
                     datetime(2026, 11, 29, 15, 0, tzinfo=UTC), machine())
    lines = shown.splitlines()
    assert lines[0].startswith("Measured 2026-11-29 15:00 UTC") and "cores" in lines[0]
    assert lines[2:] == ["| figure | target | measured | unit | pass |", "|---|---|---|---|---|",
                         "| a \\| b | < 1 | 0.5 | s | pass |", "| ratio | - | 0.25 | x | pass |"]


def test_the_kill_test_finds_chats_out_of_order() -> None:
    from bench.broadcast import out_of_order

    # A message re-sent right after itself (in flight at the kill) keeps the order.
    assert out_of_order({-1: [1, 1, 2], -2: [1, 2, 2], -3: [1, 2]}) == 0
    assert out_of_order({-1: [1, 2, 1], -2: [2, 1], -3: [1, 2]}) == 2
