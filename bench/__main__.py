"""``python -m bench [--json PATH] [--markdown]``: build the data, run every benchmark, print.

Every benchmark of issues 8 and 23; the whole run stays under 10 minutes on the
2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import sqlite3
import tempfile
import time
from contextlib import suppress
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bench import broadcast, burst, city, footprint
from bench.common import Figure, info, postgres_answers, postgres_database, settings_for, sqlite_url
from core.clock import SystemClock


async def run_all(work: Path, console: Console) -> list[Figure]:
    """Every benchmark of issue 8, SQLite first, then PostgreSQL when it answers."""
    figures: list[Figure] = []

    def step(title: str) -> None:
        console.print(f"[bold cyan]{time.strftime('%H:%M:%S')} {title}[/bold cyan]")

    step("help")
    figures.append(footprint.help_time())
    step("city ranking and pictures")
    figures += city.run_ranking()
    step("burst on SQLite")
    figures += await burst.run(settings_for(sqlite_url(work / "burst.db"), work), work)
    step("city database: 1,000,000 issues")
    city_url = sqlite_url(work / "city.db")
    built = await city.build(city_url)
    figures.append(info("sweep[sqlite] build 1M issues (executemany)", built["seconds"], "s"))
    figures += await city.run_sweep(settings_for(city_url, work), "sqlite", console)
    step("xlsx export")
    figures += await city.run_export(settings_for(city_url, work), work, console)
    step("memory of wuchang run")
    figures.append(footprint.resident_memory(city_url, work))
    step("broadcast (two runs of about 70 s)")
    figures += await broadcast.run(work)
    if postgres_answers():
        step("PostgreSQL: burst")
        async with postgres_database("burst") as url:
            figures += await burst.run(settings_for(url, work), work, "postgresql")
        step("PostgreSQL: 1,000,000 issues and the sweep")
        async with postgres_database("city") as url:
            built = await city.build(url)
            figures.append(info("sweep[postgresql] build 1M issues (executemany)",
                                built["seconds"], "s"))
            figures += await city.run_sweep(settings_for(url, work), "postgresql", console)
    else:
        console.print("PostgreSQL does not answer on 127.0.0.1:5432: skipped")
    return figures


def table(figures: list[Figure]) -> Table:
    """The Rich table of figures."""
    shown = Table("figure", "target", "measured", "unit", "pass", "how", title="wuchang bench")
    for found in figures:
        shown.add_row(escape(found.name), found.target, f"{found.measured:g}", found.unit,
                      "[green]pass[/green]" if found.passed else "[red]FAIL[/red]",
                      escape(found.note))
    return shown


def side_by_side(figures: list[Figure]) -> Table | None:
    """Burst and sweep on SQLite and PostgreSQL next to each other."""
    by_name = {found.name: found for found in figures}
    rows = []
    for found in figures:
        if "[sqlite]" in found.name:
            other = by_name.get(found.name.replace("[sqlite]", "[postgresql]"))
            if other is not None:
                rows.append((found.name.replace("[sqlite]", ""), found, other))
    if not rows:
        return None
    shown = Table("figure", "target", "SQLite", "PostgreSQL", "unit",
                  title="SQLite and PostgreSQL")
    for name, left, right in rows:
        shown.add_row(escape(name), left.target, f"{left.measured:g}", f"{right.measured:g}",
                      left.unit)
    return shown


def machine() -> str:
    """The machine in one line: CPU, cores, memory, system, Python, SQLite, load average."""
    cpu = platform.processor() or platform.machine()
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    memory = ""
    with suppress(OSError, ValueError, IndexError):
        kilobytes = int(Path("/proc/meminfo").read_text(encoding="utf-8").split()[1])
        memory = f", {kilobytes / 1024 / 1024:.1f} GiB RAM"
    load = ", load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()) if hasattr(
        os, "getloadavg") else ""
    return (f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}{load}")


def markdown(figures: list[Figure], when: datetime, where: str) -> str:
    """The figures as a Markdown table for the README, headed by the date and the machine."""
    lines = [f"Measured {when:%Y-%m-%d %H:%M} UTC with `python -m bench --markdown` on {where}.",
             "", "| figure | target | measured | unit | pass |", "|---|---|---|---|---|"]
    for found in figures:
        cells = (found.name, found.target, f"{found.measured:g}", found.unit,
                 "pass" if found.passed else "**FAIL**")
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    """Parse the arguments, run, print, and write the JSON if asked."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--json", type=Path, help="write the figures as a JSON list here")
    parser.add_argument("--markdown", action="store_true",
                        help="also print the figures as a Markdown table for the README")
    arguments = parser.parse_args()
    when, where = SystemClock().now(), machine()  # the machine's load as the run starts
    logging.basicConfig(level=logging.ERROR)
    os.environ.setdefault("NO_PROXY", "127.0.0.1")
    os.environ.setdefault("no_proxy", "127.0.0.1")
    console = Console()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="wuchang_bench_") as directory:
        figures = asyncio.run(run_all(Path(directory), console))
    figures.append(info("total bench wall time", time.perf_counter() - started, "s"))
    console.print(table(figures))
    compared = side_by_side(figures)
    if compared is not None:
        console.print(compared)
    if arguments.markdown:
        print(markdown(figures, when, where))
    if arguments.json is not None:
        arguments.json.write_text(json.dumps([found.as_json() for found in figures],
                                             ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
