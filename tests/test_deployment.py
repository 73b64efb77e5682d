"""Issue 21 items 3 and 7: /healthz, JSON logs, deployment files, --version and --quiet."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import tomllib
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import cli
from bot.http import build_http_app
from bot.logs import JsonLines
from bot.wiring import App
from core.clock import ManualClock
from storage import jobs as job_log
from storage import notify
from storage.schema import person
from tests.conftest import FakeBot, cli_environment

ROOT = Path(__file__).parents[1]


async def health(app: App) -> tuple[int, dict[str, object]]:
    transport = httpx.ASGITransport(app=build_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://wuchang.test") as client:
        answer = await client.get("/healthz")
    found: dict[str, object] = answer.json()
    return answer.status_code, found


async def test_healthz_reports_database_jobs_and_backlog(
        app: App, bot: FakeBot, clock: ManualClock) -> None:
    status, found = await health(app)
    assert status == 200 and found["ok"] is True and found["database"] == "ok"
    assert {job["name"] for job in found["jobs"]} == {job.name for job in app.jobs}  # type: ignore[attr-defined]

    # More waiting in the outbox than the limit: 503.
    async with app.context.db.write() as connection:
        ids = list((await connection.execute(select(person.c.id))).scalars())
        await notify.tell(connection, ids[:3], key="health-test", text="测试", now=clock.now())
    strict = replace(app, settings=app.settings.model_copy(update={"health_backlog": 2}))
    status, found = await health(strict)
    assert status == 503 and found["outbox"] == {"pending": 3, "failed": 0, "limit": 2}
    assert (await health(replace(app, settings=app.settings.model_copy(
        update={"health_backlog": 3}))))[0] == 200

    # A job that last finished more than three intervals (and ten minutes) ago: 503.
    job = min(app.jobs, key=lambda found: found.every_seconds)
    async with app.context.db.write() as connection:
        await job_log.started(connection, job.name, clock.now())
        await job_log.finished(connection, job.name, clock.now(), None)
    assert (await health(app))[0] == 200
    clock.set(clock.now() + max(timedelta(seconds=3 * job.every_seconds),
                                timedelta(minutes=10)) + timedelta(seconds=1))
    status, found = await health(app)
    assert status == 503
    late = [entry for entry in found["jobs"] if entry["late"]]  # type: ignore[attr-defined]
    assert [entry["name"] for entry in late] == [job.name]


async def test_a_probe_writes_no_log_line(app: App, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert (await health(app))[0] == 200
    assert [record.getMessage() for record in caplog.records  # httpx: the test's own client
            if record.levelno >= logging.INFO and record.name != "httpx"] == []


async def test_healthz_is_503_when_the_database_is_gone(app: App) -> None:
    await app.context.db.engine.dispose()
    broken = replace(app, context=replace(app.context, db=type(app.context.db)(
        "postgresql+asyncpg://nobody@127.0.0.1:1/none")))
    status, found = await health(broken)
    assert status == 503 and found == {"ok": False, "database": "unreachable"}
    await broken.context.db.dispose()


def test_json_log_lines() -> None:
    try:
        raise ValueError("坏了")
    except ValueError:
        import sys

        record = logging.LogRecord("wuchang.x", logging.ERROR, __file__, 1, "发送失败：%s", ("群",),
                                   sys.exc_info())
    line = json.loads(JsonLines().format(record))
    assert line["level"] == "ERROR" and line["logger"] == "wuchang.x"
    assert line["message"] == "发送失败：群"
    assert "ValueError: 坏了" in line["exception"]
    assert re.match(r"\d{4}-\d\d-\d\dT", line["time"])


def test_version_quiet_and_chinese_help(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli_environment(monkeypatch, tmp_path)
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert CliRunner().invoke(cli, ["--version"]).stdout == f"wuchang {version}\n"
    quiet = CliRunner().invoke(cli, ["--quiet", "init"])
    assert quiet.exit_code == 0 and quiet.stdout == ""
    assert "数据库已就绪" in CliRunner().invoke(cli, ["init"]).stdout
    helped = CliRunner().invoke(cli, ["--help"]).stdout
    assert "建立或升级数据库" in helped and "init" in helped
    assert "导入或更新花名册" in CliRunner().invoke(cli, ["roster", "--help"]).stdout


def test_the_command_line_loads_no_database_or_channel_library_before_a_command_runs() -> None:
    # `wuchang --help` answers quickly (issue 23) because these load only when needed.
    heavy = ("sqlalchemy", "alembic", "telegram", "wechatpy", "openpyxl", "PIL", "pydantic")
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, bot.cli; print(' '.join(sorted("
         f"name for name in {heavy!r} if name in sys.modules)))"],
        capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    assert loaded == ""


def test_pyproject_uses_an_spdx_license_string() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    assert "setuptools>=77" in project["build-system"]["requires"]


# --- the deployment files (parsed here: no Docker build in the tests, no internet) -------

DOCKER_INSTRUCTIONS = {"FROM", "ENV", "WORKDIR", "COPY", "RUN", "VOLUME", "USER", "EXPOSE",
                       "HEALTHCHECK", "CMD", "ARG", "LABEL", "ENTRYPOINT"}


def _docker_instructions(text: str) -> list[tuple[str, str]]:
    """Join continuation lines and split each instruction from its arguments."""
    joined = re.sub(r"\\\n\s*", " ", text)
    lines = [line.strip() for line in joined.splitlines()]
    return [(line.split(None, 1)[0], line.split(None, 1)[1]) for line in lines
            if line and not line.startswith("#")]


def test_dockerfile_is_well_formed() -> None:
    instructions = _docker_instructions((ROOT / "Dockerfile").read_text())
    assert instructions[0][0] == "FROM"
    assert {name for name, _ in instructions} <= DOCKER_INSTRUCTIONS
    arguments = dict(instructions)
    assert json.loads(arguments["CMD"]) == ["wuchang", "run"]
    health = arguments["HEALTHCHECK"]
    probe = json.loads(health[health.index("CMD") + 3:].strip())
    assert "/healthz" in probe[-1]
    compile(probe[-1], "healthcheck", "exec")
    copied = {arguments.split()[0] for name, arguments in instructions if name == "COPY"}
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())[
        "tool"]["setuptools"]["packages"]["find"]["include"]
    assert {name.rstrip("*") for name in packages} <= copied  # every package is in the image
    assert "pyproject.toml" in copied
    assert "'.[pg]'" in arguments["RUN"]
    assert arguments["USER"] == "wuchang"


def test_compose_runs_wuchang_with_postgres_healthchecks_volume_and_env() -> None:
    text = (ROOT / "compose.yaml").read_text()
    assert "\t" not in text
    services = re.findall(r"^  (\w[\w-]*):$", text[:text.index("\nvolumes:")],
                          flags=re.MULTILINE)
    assert services == ["db", "wuchang"]
    wuchang = text[text.index("\n  wuchang:"):text.index("\nvolumes:")]
    database = text[text.index("\n  db:"):text.index("\n  wuchang:")]
    assert "image: postgres:" in database and "pg_isready" in database
    assert "pgdata:/var/lib/postgresql/data" in database
    assert "env_file: .env" in wuchang and "build: ." in wuchang
    assert "condition: service_healthy" in wuchang and "/healthz" in wuchang
    assert "postgresql+asyncpg://wuchang:${POSTGRES_PASSWORD}@db:5432/wuchang" in wuchang
    assert re.search(r"^volumes:\n  pgdata:\n  wuchang-data:\n$", text, flags=re.MULTILINE)
    for line in text.splitlines():  # block style only, two-space indents
        assert (len(line) - len(line.lstrip(" "))) % 2 == 0, line


def test_systemd_unit_runs_wuchang() -> None:
    import configparser

    unit = configparser.ConfigParser(strict=True, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((ROOT / "deploy" / "wuchang.service").read_text())
    assert unit.sections() == ["Unit", "Service", "Install"]
    assert unit["Service"]["ExecStart"].endswith("wuchang run")
    assert unit["Service"]["ExecStartPre"].endswith("wuchang --quiet init")
    assert unit["Service"]["KillSignal"] == "SIGTERM"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    argv = unit["Service"]["ExecStartPre"].split()[1:]
    assert CliRunner().invoke(cli, [*argv, "--help"]).exit_code == 0
