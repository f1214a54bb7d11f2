"""`python -m bot` / `ltv-bot`: load the settings, start polling; fail with one clear line."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramUnauthorizedError,
)
from aiohttp import ClientError

from bot.app import run
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging
from bot.storage import sqlite_path

log = logging.getLogger("bot")


def _fail(line: str) -> int:
    print(f"ltv-bot: {line}", file=sys.stderr)
    return 2


def main() -> int:
    try:
        settings = load_settings()
    except ConfigError as error:
        return _fail(str(error))
    configure_logging(settings.log_level, secret=settings.bot_token.get_secret_value())
    try:
        asyncio.run(run(settings))
    except TelegramUnauthorizedError:
        return _fail("Telegram rejected BOT_TOKEN: copy the token again from @BotFather (/token).")
    except (TelegramNetworkError, ClientError, OSError) as error:
        return _fail(_unreachable(settings, error))
    except (TelegramAPIError, ClientDecodeError) as error:
        # never the error's text: it may quote the request URL, and so the token
        return _fail(_not_a_bot_api(settings, error))
    except sqlite3.Error as error:
        return _fail(
            f"cannot open the database at {sqlite_path(settings.database_url)} ({error}): "
            "check that its folder exists and is writable, or set DATABASE_URL."
        )
    except KeyboardInterrupt:
        pass
    except Exception:
        log.exception("stopped by an unexpected error")  # the log redacts the token
        return 1
    return 0


def _unreachable(settings: Settings, error: Exception) -> str:
    reason = type(error).__name__
    return (
        f"cannot reach the Bot API at {settings.telegram_api_url} ({reason}): check the network, "
        "or TELEGRAM_API_URL if you run your own Bot API server."
    )


def _not_a_bot_api(settings: Settings, error: Exception) -> str:
    reason = type(error).__name__
    return (
        f"the server at {settings.telegram_api_url} did not answer as a Bot API does ({reason}): "
        "check TELEGRAM_API_URL, or try again later if Telegram itself is failing."
    )


if __name__ == "__main__":
    sys.exit(main())
