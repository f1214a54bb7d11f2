import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher

from bot.app import create_dispatcher
from bot.render import Renderer
from bot.storage.sqlite import SqliteRepository
from tests.fakes.bot_api_server import BotApiStandIn
from tests.fakes.client import TelegramClient
from tests.fakes.session import TOKEN

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STOP_TIMEOUT = 15.0


@pytest.fixture
async def repo() -> AsyncIterator[SqliteRepository]:
    repository = await SqliteRepository.open(":memory:")
    yield repository
    await repository.close()


@pytest.fixture
def dp(repo: SqliteRepository) -> Dispatcher:
    return create_dispatcher(repo, Renderer())


@pytest.fixture
def client(dp: Dispatcher, bot: Bot) -> TelegramClient:
    return TelegramClient(dp, bot, language_code="en", first_name="Anna")


@pytest.fixture
def ru_client(dp: Dispatcher, bot: Bot) -> TelegramClient:
    return TelegramClient(dp, bot, user_id=2002, language_code="ru", first_name="Анна")


@pytest.fixture
async def bot_process(  # the real `python -m bot` against the stand-in
    bot_api: BotApiStandIn, tmp_path: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": bot_api.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "POLLING_TIMEOUT": "1",
        "PYTHONPATH": str(PROJECT_ROOT),
        "MPLCONFIGDIR": str(tmp_path / "matplotlib"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,  # no .env of the developer's is read
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                process.kill()
                await process.wait()
                pytest.fail("the bot did not stop within the timeout after SIGINT")
