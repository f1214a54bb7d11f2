"""`python -m bot` / `ltv-bot`: load the settings, start polling; fail with one clear line.

aiogram and the rest load only once the arguments and settings are read (seconds on a slow
machine): ``--help`` and a settings error answer at once, and Ctrl+C while the bot loads stops
it as quietly as Ctrl+C later.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger("bot")


def _fail(line: str) -> int:
    print(f"ltv-bot: {line}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    try:
        _arguments().parse_args(argv)  # --help, and a clear refusal of anything else
        from bot.config import ConfigError, load_settings  # pydantic, not aiogram: quick

        try:
            settings = load_settings()
        except ConfigError as error:
            return _fail(str(error))
        return _poll(settings)
    except KeyboardInterrupt:  # stopped while loading; once polling, _poll stops quietly too
        return 0


def _poll(settings: Settings) -> int:
    # aiogram, aiohttp and the app load here, not with the module (see its docstring)
    from aiogram.exceptions import (
        ClientDecodeError,
        TelegramAPIError,
        TelegramNetworkError,
        TelegramUnauthorizedError,
    )
    from aiohttp import ClientError

    from bot.app import run
    from bot.logs import configure_logging
    from bot.storage import sqlite_path
    from bot.storage.migrations import SchemaTooNew

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
    except SchemaTooNew as error:  # its text says what to do
        return _fail(f"cannot open the database at {sqlite_path(settings.database_url)}: {error}.")
    except sqlite3.Error as error:
        where = sqlite_path(settings.database_url)
        return _fail(f"cannot open the database at {where} ({error}): {_database_hint(error)}")
    except KeyboardInterrupt:
        pass
    except Exception:
        log.exception("stopped by an unexpected error")  # the log redacts the token
        return 1
    return 0


def _arguments() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="ltv-bot",
        description="LTV Bot: polls Telegram for updates until stopped (Ctrl+C).",
        epilog=(
            "Settings come from the environment or a .env file: BOT_TOKEN (required), "
            "TELEGRAM_API_URL, DATABASE_URL, LOG_LEVEL, POLLING_TIMEOUT, DIGEST_RATE, "
            "DIGEST_GROUP_PER_MINUTE; see .env.example and the README."
        ),
    )


def _database_hint(error: sqlite3.Error) -> str:
    """What to do, by what went wrong: the error's own words say what, not where to look."""
    text = str(error).lower()
    if "already exists" in text or "not a database" in text:
        return "the file is not this bot's database; set DATABASE_URL to a new file."
    return "check that its folder exists and is writable, or set DATABASE_URL."


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
