"""Shared fixtures: a real database (SQLite file, and PostgreSQL when it answers) and a bot."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection
from typer.testing import CliRunner, Result

from bot.admin import import_roster_file
from bot.cli import cli
from bot.replay import Line, Replayer
from bot.settings import Settings
from bot.wiring import App, build_app
from core.clock import ManualClock
from core.config import Rules
from core.meetings import Blackout
from core.messages import Outgoing
from storage import flag_review, invites
from storage.db import Database
from storage.schema import grid, homestead, person, township, village

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 5, 19, 0, tzinfo=SHANGHAI)
SMALL_ROSTER = Path(__file__).with_name("roster_small.csv")
# More of 枫树湾: two minors of household 3, an adult villager just 18, and two 村干部 and
# a 镇干部 who live there (rule I8 lets only V08 of them rate).
MORE_OF_FENGSHU = ("编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机\n"
                   "V06,李小军,金溪镇,东片网格,金竹村,枫树湾,3,是,否,16,,\n"
                   "V07,李小红,金溪镇,东片网格,金竹村,枫树湾,3,是,否,17,,\n"
                   "V08,李春生,金溪镇,东片网格,金竹村,枫树湾,5,是,否,18,,\n"
                   "C03,李村官,金溪镇,东片网格,金竹村,枫树湾,6,是,是,46,村干部,13800000012\n"
                   "C04,袁村官,金溪镇,东片网格,金竹村,枫树湾,6,是,是,39,村干部,13800000013\n"
                   "T04,李镇干,金溪镇,东片网格,金竹村,枫树湾,7,是,是,35,镇干部,13800000014\n")
PG_ADMIN_URL = os.environ.get("WUCHANG_TEST_PG_URL",
                              "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
PG_ADMIN_DSN = PG_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")  # asyncpg's
# One database per test process, so parallel runs on one machine do not collide.
PG_DATABASE = f"wuchang_test_{os.getpid()}"
PG_TEMPLATE = f"{PG_DATABASE}_migrated"  # migrated once per run, copied for each test


def _postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


POSTGRES = "WUCHANG_TEST_PG_URL" in os.environ or _postgres_answers()


async def _fresh_postgres(template: str | None = None) -> str:
    """Create the test database if needed and empty its public schema; return its URL.

    With ``template``, the test database is made anew as a copy of that database.
    """
    import asyncpg

    url = f"{PG_ADMIN_URL.rpartition('/')[0]}/{PG_DATABASE}"
    if template is not None:
        await _as_admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)',
                        f'CREATE DATABASE "{PG_DATABASE}" TEMPLATE "{template}"')
        return url
    connection = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        exists = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", PG_DATABASE)
        if not exists:
            await connection.execute(f'CREATE DATABASE "{PG_DATABASE}"')
        # A connection an earlier test left open (idle in a transaction, say) would hold
        # locks that DROP SCHEMA waits on for ever: this test starts alone.
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()", PG_DATABASE)
    finally:
        await connection.close()
    base, _, _ = PG_ADMIN_DSN.rpartition("/")
    connection = await asyncpg.connect(f"{base}/{PG_DATABASE}")
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()
    return url


async def _as_admin(*statements: str) -> None:
    """Run ``statements`` one after another on the PostgreSQL admin database."""
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def _migrated_template() -> None:
    """Create ``PG_TEMPLATE`` and migrate it to head."""
    await _as_admin(f'DROP DATABASE IF EXISTS "{PG_TEMPLATE}" WITH (FORCE)',
                    f'CREATE DATABASE "{PG_TEMPLATE}"')
    await _migrate(f"{PG_ADMIN_URL.rpartition('/')[0]}/{PG_TEMPLATE}")


async def _migrate(url: str) -> None:
    database = Database(url)
    try:
        await database.migrate()
    finally:
        await database.dispose()


async def _drop_postgres() -> None:
    await _as_admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
                      for name in (PG_DATABASE, PG_TEMPLATE)))


async def _drop_abandoned_postgres() -> None:
    """Drop the test databases of runs that were killed before they could drop their own.

    Each one is named for its process (``PG_DATABASE``); one whose process is gone is
    left over, and a machine that runs the suite often would fill its disk with them.
    """
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        names = await connection.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE 'wuchang\\_test\\_%'")
        for (name,) in names:
            pid = name.removeprefix("wuchang_test_").split("_")[0]  # PG_TEMPLATE's too
            if pid.isdecimal() and not Path(f"/proc/{pid}").exists():
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(scope="session", autouse=True)
def _postgres_cleanup() -> Iterator[None]:
    """Drop abandoned test databases first, and this process's at the end of the run."""
    if POSTGRES:
        asyncio.run(_drop_abandoned_postgres())
    yield
    if POSTGRES:
        asyncio.run(_drop_postgres())


BOTH_DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not POSTGRES, reason="no PostgreSQL on 127.0.0.1:5432"))]


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per run, copied for each test (``database_url``).

    Migrating for every test cost a tenth of a second on SQLite and over half a second
    on PostgreSQL, a few minutes of the run; the migrations themselves are tested from
    an empty database (``empty_database_url``) in test_migrations.py.
    """
    path = tmp_path_factory.mktemp("migrated") / "wuchang.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    with closing(sqlite3.connect(path)) as connection:  # all of it in the file itself
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def migrated_postgres() -> str:
    """The PostgreSQL database migrated to head once per run, copied for each test."""
    asyncio.run(_migrated_template())
    return PG_TEMPLATE


@pytest.fixture(params=BOTH_DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database migrated to head: a SQLite file, or the PostgreSQL test database."""
    if request.param == "sqlite":
        path = tmp_path / "wuchang.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        yield f"sqlite+aiosqlite:///{path}"
    else:
        yield asyncio.run(_fresh_postgres(request.getfixturevalue("migrated_postgres")))


@pytest.fixture(params=BOTH_DATABASES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or the PostgreSQL test database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'wuchang.db'}"
    else:
        yield asyncio.run(_fresh_postgres())


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file, for tests that need no second database."""
    return f"sqlite+aiosqlite:///{tmp_path / 'wuchang.db'}"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated, empty database (a module overriding ``database_url`` picks which)."""
    migrated = Database(database_url)
    await migrated.migrate()
    try:
        yield migrated
    finally:
        await migrated.dispose()


async def insert_homestead(connection: AsyncConnection) -> None:
    """金溪镇, its 东片网格, 金竹村 and 枫树湾, each with id 1, for tests that write rows."""
    await connection.execute(insert(township).values(id=1, name="金溪镇"))
    await connection.execute(insert(grid).values(id=1, township_id=1, name="东片网格"))
    await connection.execute(insert(village).values(id=1, township_id=1, grid_id=1,
                                                    name="金竹村"))
    await connection.execute(insert(homestead).values(id=1, village_id=1, name="枫树湾"))


async def township_names(database: Database) -> list[str]:
    """The names of the townships in ``database``, in order."""
    async with database.read() as connection:
        return list(await connection.scalars(select(township.c.name).order_by(township.c.name)))


def cli_environment(monkeypatch: pytest.MonkeyPatch, directory: Path,
                    database_url: str | None = None) -> Path:
    """Run the CLI in an empty directory with no WUCHANG_* setting from outside (no .env).

    Only the database URL is set, when given.
    """
    for name in list(os.environ):
        if name.startswith("WUCHANG_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(directory)
    if database_url is not None:
        monkeypatch.setenv("WUCHANG_DATABASE_URL", database_url)
    return directory


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's empty working directory, its database the SQLite file w.db there."""
    return cli_environment(monkeypatch, tmp_path, f"sqlite+aiosqlite:///{tmp_path}/w.db")


def run_cli(*args: str) -> Result:
    """Run ``wuchang`` with these arguments in this process."""
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def clock() -> ManualClock:
    """The clock of the test, starting on a November evening in Shanghai."""
    return ManualClock(START)


@pytest.fixture
async def app(database_url: str, clock: ManualClock) -> AsyncIterator[App]:
    """A wired app on a migrated database with the small roster imported."""
    wired = await build_app(Settings(database_url=database_url), clock)
    await import_roster_file(wired, SMALL_ROSTER)
    try:
        yield wired
    finally:
        await wired.close()


class FakeBot:
    """The test workhorse: people talk to the real handlers through the console channel."""

    def __init__(self, app: App, clock: ManualClock) -> None:
        self.app = app
        self.clock = clock
        self.sent: list[tuple[str, Outgoing]] = []
        self.replayer = Replayer(app, clock, lambda message, chat: self.sent.append(
            (chat, message)), on_error=self._fail)

    @staticmethod
    def _fail(line: Line, problem: str) -> None:
        raise AssertionError(problem)

    async def start(self, unbound: set[str]) -> None:
        """Bind everyone but ``unbound`` on the console, as replay does."""
        script = [Line(0, None, code, "private", "/start") for code in unbound]
        await self.replayer.prepare(script)

    async def say(self, person: str, chat: str, text: str) -> list[Outgoing]:
        """Send ``text`` as ``person`` in ``chat``; return every message the bot sent."""
        return await self._step(Line(0, None, person, chat, text))

    async def press(self, person: str, chat: str, label: str) -> list[Outgoing]:
        """Press the newest button ``label`` in ``chat`` as ``person``."""
        return await self._step(Line(0, None, person, chat, press=label))

    async def tick(self, moment: datetime) -> list[Outgoing]:
        """Move the clock and run every job."""
        return await self._step(Line(0, moment))

    async def _step(self, line: Line) -> list[Outgoing]:
        before = len(self.sent)
        await self.replayer.step(line)
        return [message for _, message in self.sent[before:]]

    async def invite_code(self, person: str) -> str:
        """The current invite code of a roster person."""
        async with self.app.context.db.read() as connection:
            codes = {code: invite for code, _name, invite, _used in
                     await invites.listing(connection)}
        return codes[person]


@pytest.fixture
async def bot(app: App, clock: ManualClock) -> FakeBot:
    """A fake channel where every small-roster person and 屋场 group is already bound."""
    fake = FakeBot(app, clock)
    await fake.start(set())
    return fake


@pytest.fixture
async def busy_bot(app: App, clock: ManualClock) -> FakeBot:
    """The ``bot``, with 金竹村's autumn harvest (11-01 to 11-15) a busy season (rule M2)."""
    season = Blackout("秋收", date(2000, 11, 1), date(2000, 11, 15), yearly=True,
                      village="金竹村")
    app.context = replace(app.context, rules=Rules(blackouts=(season,)))
    fake = FakeBot(app, clock)
    await fake.start(set())
    return fake


async def reviewed(app: App, month: str, code: str = "T01") -> None:
    """Test setup: a month's draft reviewed (F10) by this official, with no objections.

    Tests of what /confirm does after the review and the objections begin here; the
    review's own rules are tested through /review in tests/test_flags_review.py.
    """
    async with app.context.db.write() as connection:
        row = (await connection.execute(select(person.c.id, person.c.township_id)
                                        .where(person.c.code == code))).one()
        if await flag_review.review_of(connection, row.township_id, month) is None:
            await flag_review.add_review(connection, township_id=row.township_id, month=month,
                                         by=row.id, now=app.context.clock.now(),
                                         appeals_until=date(2000, 1, 1))


def texts_of(messages: list[Outgoing]) -> list[str]:
    """The texts of messages, for assertions."""
    return [message.text for message in messages]


async def joined(bot: FakeBot, path: Path, roster: str) -> FakeBot:
    """The bot after the people of ``roster`` (CSV text, written to ``path``) joined, bound."""
    path.write_text(roster, encoding="utf-8")
    await import_roster_file(bot.app, path)
    await bot.start(set())
    return bot


@pytest.fixture
async def bot_with_more(bot: FakeBot, tmp_path: Path) -> FakeBot:
    """The bot after more people of 枫树湾 joined the roster: whom rule I8 lets rate or not."""
    return await joined(bot, tmp_path / "more.csv", MORE_OF_FENGSHU)
