"""Settings from the environment and a `.env` file."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.storage import URL_EXAMPLES, sqlite_path

TOKEN_SHAPE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
DEFAULT_API_URL = "https://api.telegram.org"


class ConfigError(Exception):
    """A setting is missing or malformed; the message says what to do, never holds the token."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr
    telegram_api_url: str = DEFAULT_API_URL
    database_url: str = "sqlite:///ltv_bot.sqlite3"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    polling_timeout: int = Field(default=30, ge=0, le=60)
    digest_rate: float = Field(default=25.0, gt=0, le=1000)  # digests a second, overall
    digest_group_per_minute: int = Field(default=20, ge=1, le=60)  # to one group chat

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, token: SecretStr) -> SecretStr:
        value = token.get_secret_value().strip()
        if not value:  # "BOT_TOKEN=" with nothing after it is no token at all
            raise PydanticCustomError("missing", "empty")
        if not TOKEN_SHAPE.match(value):
            raise ValueError("malformed")
        return SecretStr(value)

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url_shape(cls, url: str) -> str:
        url = url.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+", url):
            raise ValueError("malformed")
        return url

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, url: str) -> str:
        sqlite_path(url)  # raises ValueError for a URL no backend opens
        return url.strip()

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, level: object) -> object:
        return level.upper() if isinstance(level, str) else level


_HINTS = {
    "bot_token": (
        "BOT_TOKEN is {problem}: get a token from @BotFather (/newbot) and put it in .env as "
        "BOT_TOKEN=123456789:AA... (see .env.example)"
    ),
    "telegram_api_url": (
        "TELEGRAM_API_URL is {problem}: give the base URL of a Bot API server, e.g. "
        "https://api.telegram.org or http://127.0.0.1:8081, or leave it unset"
    ),
    "database_url": "DATABASE_URL is {problem}: use " + URL_EXAMPLES,
    "log_level": "LOG_LEVEL is {problem}: use DEBUG, INFO, WARNING or ERROR",
    "polling_timeout": "POLLING_TIMEOUT is {problem}: use whole seconds from 0 to 60",
    "digest_rate": "DIGEST_RATE is {problem}: use messages a second above 0, at most 1000",
    "digest_group_per_minute": (
        "DIGEST_GROUP_PER_MINUTE is {problem}: use whole messages a minute from 1 to 60"
    ),
}


def load_settings() -> Settings:
    """Read the settings or raise ConfigError with one line that says what to do."""
    try:
        return Settings()  # type: ignore[call-arg]  # values come from the environment
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "settings"
        problem = "missing" if first["type"] == "missing" else "malformed"
        hint = _HINTS.get(field, "{problem} setting " + field.upper())
        raise ConfigError(hint.format(problem=problem)) from None
