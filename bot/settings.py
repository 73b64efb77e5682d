"""Settings from ``WUCHANG_*`` environment variables and ``.env``, as DESIGN.md §5 names them."""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "WUCHANG_"
TELEGRAM_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")
WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
WECOM_AES_KEY = re.compile(r"^[A-Za-z0-9+/]{43}$")  # base64 of 32 bytes, without the "="
WECOM_SETTINGS = ("wecom_corp_id", "wecom_agent_id", "wecom_secret", "wecom_token",
                  "wecom_aes_key")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


class Settings(BaseSettings):
    """Every setting of the service; see ``.env.example`` for what each one means."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, env_file=".env",
                                      env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True)

    database_url: str = "sqlite+aiosqlite:///wuchang.db"
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    wecom_corp_id: str | None = None
    wecom_agent_id: int | None = None
    wecom_secret: str | None = None
    wecom_token: str | None = None
    wecom_aes_key: str | None = None
    wecom_api_url: str = "https://qyapi.weixin.qq.com/cgi-bin/"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    timezone: str = "Asia/Shanghai"
    rules_file: str = "wuchang.toml"
    holiday_file: str = "holidays.toml"
    public_pages: bool = True
    log_format: Literal["text", "json"] = "text"
    health_backlog: int = Field(default=500, ge=0)

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        if value is not None and not TELEGRAM_TOKEN.match(value):
            raise ValueError("is not a bot token of the form 123456:ABC... from @BotFather")
        return value or None

    @field_validator("telegram_api_url", "wecom_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be the public https:// URL of /telegram/webhook")
        return value or None

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str | None) -> str | None:
        if value is not None and not WEBHOOK_SECRET.match(value):
            raise ValueError("must be 1-256 characters A-Z, a-z, 0-9, _ or -")
        return value or None

    @field_validator("wecom_api_url")
    @classmethod
    def _cgi_bin(cls, value: str) -> str:
        if not value.endswith("/"):
            raise ValueError("must end with / (the API base, e.g. .../cgi-bin/)")
        return value

    @field_validator("wecom_aes_key")
    @classmethod
    def _aes_key(cls, value: str | None) -> str | None:
        if value is not None and not WECOM_AES_KEY.match(value):
            raise ValueError("must be the 43-character EncodingAESKey of the WeCom app")
        return value or None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("is not a known time zone such as Asia/Shanghai") from error
        return value

    @model_validator(mode="after")
    def _wecom_complete(self) -> Settings:
        given = [name for name in WECOM_SETTINGS if getattr(self, name)]
        if given and len(given) != len(WECOM_SETTINGS):
            missing = next(name for name in WECOM_SETTINGS if not getattr(self, name))
            raise ValueError(f"{PREFIX}{missing.upper()} is missing: the WeCom channel needs "
                             "all of " + ", ".join(PREFIX + n.upper() for n in WECOM_SETTINGS))
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The local time zone, in which times are shown."""
        return ZoneInfo(self.timezone)

    @property
    def wecom_enabled(self) -> bool:
        """Whether every WeCom setting is present."""
        return self.wecom_corp_id is not None


def load_settings() -> Settings:
    """Read the settings, turning a validation error into one line that names the setting."""
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        name = f"{PREFIX}{field.upper()}" if field else "settings"
        if not field:
            raise SettingsError(message) from None
        raise SettingsError(f"{name} {message}") from None
