"""`python -m bot` / `ltv-bot`: load the settings, start polling; fail with one clear line."""

from __future__ import annotations

import asyncio
import sys

from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiohttp import ClientError

from bot.app import run
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging


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
    except KeyboardInterrupt:
        pass
    return 0


def _unreachable(settings: Settings, error: Exception) -> str:
    reason = type(error).__name__
    return (
        f"cannot reach the Bot API at {settings.telegram_api_url} ({reason}): check the network, "
        "or TELEGRAM_API_URL if you run your own Bot API server."
    )


if __name__ == "__main__":
    sys.exit(main())
