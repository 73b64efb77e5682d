"""What every benchmark shares: the figure it reports, timing, PostgreSQL and settings."""

from __future__ import annotations

import os
import socket
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.settings import Settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 5, 19, 0, tzinfo=SHANGHAI)
PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = os.environ.get("WUCHANG_BENCH_PG_URL",
                              "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured figure against its target; ``note`` says how it was measured."""

    name: str
    target: str
    measured: float
    unit: str
    passed: bool
    note: str = ""

    def as_json(self) -> dict[str, object]:
        """The JSON shape of issue 8: name, target, measured, unit, pass."""
        data = asdict(self)
        data["pass"] = data.pop("passed")
        data.pop("note")
        return data


def at_most(name: str, limit: float, measured: float, unit: str, note: str = "") -> Figure:
    """A figure that passes when ``measured`` is not above ``limit``."""
    return Figure(name, f"<= {limit:g}", round(measured, 4), unit, measured <= limit, note)


def below(name: str, limit: float, measured: float, unit: str, note: str = "") -> Figure:
    """A figure that passes when ``measured`` is strictly below ``limit``."""
    return Figure(name, f"< {limit:g}", round(measured, 4), unit, measured < limit, note)


def at_least(name: str, limit: float, measured: float, unit: str, note: str = "") -> Figure:
    """A figure that passes when ``measured`` reaches ``limit``."""
    return Figure(name, f">= {limit:g}", round(measured, 4), unit, measured >= limit, note)


def exactly(name: str, wanted: float, measured: float, unit: str, note: str = "") -> Figure:
    """A figure that passes when ``measured`` equals ``wanted``."""
    return Figure(name, f"= {wanted:g}", measured, unit, measured == wanted, note)


def info(name: str, measured: float, unit: str, note: str = "") -> Figure:
    """A figure printed for comparison, with no target of its own."""
    return Figure(name, "-", round(measured, 4), unit, True, note)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0..100) of ``values``."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(share) - 1]


class Stopwatch:
    """Wall time of a block: ``with Stopwatch() as watch: ...; watch.seconds``."""

    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self.started


def sqlite_url(path: Path) -> str:
    """The database URL of a SQLite file."""
    return f"sqlite+aiosqlite:///{path}"


def settings_for(url: str, work: Path) -> Settings:
    """Settings for a benchmark database, with rules and holidays files that do not exist."""
    return Settings(database_url=url, rules_file=str(work / "rules.toml"),
                    holiday_file=str(work / "holidays.toml"))


def postgres_answers() -> bool:
    """Whether PostgreSQL listens on 127.0.0.1:5432."""
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=0.5):
            return True
    except OSError:
        return False


@asynccontextmanager
async def postgres_database(suffix: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database of this process, dropped at the end; yields its URL."""
    import asyncpg  # type: ignore[import-untyped]

    name = f"wuchang_bench_{os.getpid()}_{suffix}"
    admin_dsn = PG_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield f"{PG_ADMIN_URL.rpartition('/')[0]}/{name}"
    finally:
        admin = await asyncpg.connect(admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
