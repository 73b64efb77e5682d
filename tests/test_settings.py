"""Settings: DESIGN.md §5 defaults, WUCHANG_* variables, .env, and one-line errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from bot.settings import Settings, SettingsError, load_settings
from tests.conftest import cli_environment

ENV_EXAMPLE = Path(__file__).parents[1] / ".env.example"
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
WECOM = {
    "WUCHANG_WECOM_CORP_ID": "ww0123456789abcdef",
    "WUCHANG_WECOM_AGENT_ID": "1000002",
    "WUCHANG_WECOM_SECRET": "s3cr3t",
    "WUCHANG_WECOM_TOKEN": "callbacktoken",
    "WUCHANG_WECOM_AES_KEY": AES_KEY,
}
# Every setting with a valid value that differs from its default.
EVERY_SETTING = {
    "WUCHANG_DATABASE_URL": "postgresql+asyncpg://wuchang:pw@db.example:5432/wuchang",
    "WUCHANG_TELEGRAM_TOKEN": TOKEN,
    "WUCHANG_TELEGRAM_API_URL": "http://127.0.0.1:8081/bot",
    "WUCHANG_TELEGRAM_WEBHOOK_URL": "https://wuchang.example.org/telegram/webhook",
    "WUCHANG_TELEGRAM_WEBHOOK_SECRET": "s3cret_token-1",
    **WECOM,
    "WUCHANG_WECOM_API_URL": "http://127.0.0.1:8082/cgi-bin/",
    "WUCHANG_HTTP_HOST": "0.0.0.0",
    "WUCHANG_HTTP_PORT": "9090",
    "WUCHANG_TIMEZONE": "Asia/Urumqi",
    "WUCHANG_RULES_FILE": "township.toml",
    "WUCHANG_HOLIDAY_FILE": "holidays-2027.toml",
    "WUCHANG_PUBLIC_PAGES": "false",
    "WUCHANG_LOG_FORMAT": "json",
    "WUCHANG_HEALTH_BACKLOG": "50",
}
EXPECTED = {
    "database_url": "postgresql+asyncpg://wuchang:pw@db.example:5432/wuchang",
    "telegram_token": TOKEN,
    "telegram_api_url": "http://127.0.0.1:8081/bot",
    "telegram_webhook_url": "https://wuchang.example.org/telegram/webhook",
    "telegram_webhook_secret": "s3cret_token-1",
    "wecom_corp_id": "ww0123456789abcdef",
    "wecom_agent_id": 1000002,
    "wecom_secret": "s3cr3t",
    "wecom_token": "callbacktoken",
    "wecom_aes_key": AES_KEY,
    "wecom_api_url": "http://127.0.0.1:8082/cgi-bin/",
    "http_host": "0.0.0.0",
    "http_port": 9090,
    "timezone": "Asia/Urumqi",
    "rules_file": "township.toml",
    "holiday_file": "holidays-2027.toml",
    "public_pages": False,
    "log_format": "json",
    "health_backlog": 50,
}
# (variables to set, the variable the error must name)
MALFORMED = [
    pytest.param({"WUCHANG_HTTP_PORT": "abc"}, "WUCHANG_HTTP_PORT", id="port-not-int"),
    pytest.param({"WUCHANG_HTTP_PORT": "70000"}, "WUCHANG_HTTP_PORT", id="port-too-big"),
    pytest.param({"WUCHANG_HTTP_PORT": "0"}, "WUCHANG_HTTP_PORT", id="port-zero"),
    pytest.param({"WUCHANG_DATABASE_URL": "mysql://x"}, "WUCHANG_DATABASE_URL", id="mysql"),
    pytest.param({"WUCHANG_DATABASE_URL": "sqlite:///wuchang.db"}, "WUCHANG_DATABASE_URL",
                 id="sync-sqlite"),
    pytest.param({"WUCHANG_TIMEZONE": "Mars/Base"}, "WUCHANG_TIMEZONE", id="timezone"),
    pytest.param({"WUCHANG_TELEGRAM_TOKEN": "nope"}, "WUCHANG_TELEGRAM_TOKEN", id="token"),
    pytest.param({"WUCHANG_TELEGRAM_API_URL": "api.telegram.org/bot"},
                 "WUCHANG_TELEGRAM_API_URL", id="telegram-url"),
    pytest.param({**WECOM, "WUCHANG_WECOM_AES_KEY": AES_KEY[:42]}, "WUCHANG_WECOM_AES_KEY",
                 id="aes-key-short"),
    pytest.param({"WUCHANG_WECOM_AES_KEY": "short"}, "WUCHANG_WECOM_AES_KEY",
                 id="aes-key-alone-short"),
    pytest.param({"WUCHANG_WECOM_API_URL": "https://qyapi.weixin.qq.com/cgi-bin"},
                 "WUCHANG_WECOM_API_URL", id="wecom-url-no-slash"),
    pytest.param({**WECOM, "WUCHANG_WECOM_AGENT_ID": "agent"}, "WUCHANG_WECOM_AGENT_ID",
                 id="agent-id-not-int"),
    *(pytest.param({name: value for name, value in WECOM.items() if name != missing}, missing,
                   id=f"wecom-without-{missing.removeprefix('WUCHANG_WECOM_').lower()}")
      for missing in WECOM),
    pytest.param({"WUCHANG_WECOM_CORP_ID": "ww0123456789abcdef"}, "WUCHANG_WECOM_",
                 id="wecom-only-corp-id"),
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No WUCHANG_* variable from the outside and no .env: run in an empty directory."""
    cli_environment(monkeypatch, tmp_path)
    return tmp_path


def _set(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)


def _error_of(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]) -> str:
    _set(monkeypatch, variables)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    return str(raised.value)


def test_defaults_are_those_of_design() -> None:
    settings = load_settings()

    assert settings.database_url == "sqlite+aiosqlite:///wuchang.db"
    assert settings.timezone == "Asia/Shanghai"
    assert settings.zone == ZoneInfo("Asia/Shanghai")
    assert settings.telegram_token is None
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.wecom_api_url == "https://qyapi.weixin.qq.com/cgi-bin/"
    assert settings.wecom_api_url.endswith("/cgi-bin/")
    assert (settings.wecom_corp_id, settings.wecom_agent_id, settings.wecom_secret,
            settings.wecom_token, settings.wecom_aes_key) == (None, None, None, None, None)
    assert settings.wecom_enabled is False
    assert settings.http_host == "127.0.0.1"
    assert settings.http_port == 8080


def test_env_example_lists_every_setting() -> None:
    listed = set(re.findall(r"^(WUCHANG_[A-Z_]+)=", ENV_EXAMPLE.read_text(encoding="utf-8"),
                            flags=re.MULTILINE))

    assert listed == {f"WUCHANG_{name.upper()}" for name in Settings.model_fields}


def test_every_setting_has_a_test_value() -> None:
    assert set(EVERY_SETTING) == {f"WUCHANG_{name.upper()}" for name in Settings.model_fields}
    assert set(EXPECTED) == set(Settings.model_fields)


def test_every_setting_is_read_from_its_environment_variable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _set(monkeypatch, EVERY_SETTING)

    settings = load_settings()

    assert settings.model_dump() == EXPECTED
    assert settings.wecom_enabled is True
    assert settings.zone == ZoneInfo("Asia/Urumqi")


def test_every_setting_is_read_from_dotenv_in_the_working_directory(tmp_path: Path) -> None:
    lines = [f"{name}={value}" for name, value in EVERY_SETTING.items()]
    (tmp_path / ".env").write_text("# local settings\n" + "\n".join(lines) + "\n",
                                   encoding="utf-8")

    settings = load_settings()

    assert settings.model_dump() == EXPECTED
    assert settings.wecom_enabled is True


def test_environment_overrides_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("WUCHANG_HTTP_PORT=9090\nWUCHANG_TIMEZONE=Asia/Urumqi\n",
                                   encoding="utf-8")
    monkeypatch.setenv("WUCHANG_HTTP_PORT", "9191")

    settings = load_settings()

    assert settings.http_port == 9191
    assert settings.timezone == "Asia/Urumqi"


def test_dotenv_elsewhere_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("WUCHANG_HTTP_PORT=9090\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    assert load_settings().http_port == 8080


def test_env_example_copied_to_dotenv_loads_the_defaults(tmp_path: Path) -> None:
    """.env.example says: copy it to .env and fill in; nothing is required for the demo."""
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")

    settings = load_settings()

    assert settings.database_url == "sqlite+aiosqlite:///wuchang.db"
    assert settings.telegram_token is None
    assert settings.wecom_enabled is False
    assert settings.http_port == 8080


def test_empty_variables_mean_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    _set(monkeypatch, {"WUCHANG_TELEGRAM_TOKEN": "", "WUCHANG_WECOM_AGENT_ID": "",
                       "WUCHANG_WECOM_AES_KEY": ""})

    settings = load_settings()

    assert settings.telegram_token is None
    assert settings.wecom_agent_id is None
    assert settings.wecom_enabled is False


@pytest.mark.parametrize(("variables", "named"), MALFORMED)
def test_malformed_setting_is_one_line_naming_the_variable(
        monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], named: str) -> None:
    message = _error_of(monkeypatch, variables)

    assert "\n" not in message
    assert message.strip() == message
    assert named in message


@pytest.mark.parametrize("missing", list(WECOM))
def test_incomplete_wecom_names_the_missing_variable_first(
        monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    given = {name: value for name, value in WECOM.items() if name != missing}

    message = _error_of(monkeypatch, given)

    assert message.startswith(missing)


def test_malformed_dotenv_setting_names_the_variable(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("WUCHANG_HTTP_PORT=abc\n", encoding="utf-8")

    with pytest.raises(SettingsError, match=r"^WUCHANG_HTTP_PORT\b"):
        load_settings()


@pytest.mark.parametrize(("variables", "named"), MALFORMED)
def test_init_with_malformed_setting_exits_2_with_one_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variables: dict[str, str],
        named: str) -> None:
    _set(monkeypatch, variables)

    result = CliRunner().invoke(cli, ["init"])

    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("配置错误")
    assert named in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "wuchang.db").exists()
