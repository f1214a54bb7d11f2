from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher

from bot.app import create_dispatcher
from bot.render import Renderer
from bot.storage.sqlite import SqliteRepository
from tests.fakes.client import TelegramClient


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
