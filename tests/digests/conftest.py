from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot, Dispatcher

from bot.app import create_dispatcher
from bot.render import Renderer
from bot.storage.sqlite import SqliteRepository
from tests.fakes.client import TelegramClient

START = datetime(2024, 3, 25, 5, 0, tzinfo=UTC)  # a Monday, 08:00 in Moscow


class FakeClock:
    """Wall time and monotonic time that move only when told to, or when someone sleeps."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start
        self.mono = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def advance(self, delta: timedelta) -> None:
        self.now += delta
        self.mono += delta.total_seconds()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(timedelta(seconds=max(seconds, 0.0)))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def repo(clock: FakeClock) -> AsyncIterator[SqliteRepository]:
    repository = await SqliteRepository.open(":memory:", now=clock)
    yield repository
    await repository.close()


@pytest.fixture
def dp(repo: SqliteRepository, clock: FakeClock) -> Dispatcher:
    dispatcher = create_dispatcher(repo, Renderer())
    dispatcher["digest_clock"] = clock
    return dispatcher


@pytest.fixture
def client(dp: Dispatcher, bot: Bot) -> TelegramClient:
    return TelegramClient(dp, bot, language_code="en", first_name="Anna")


@pytest.fixture
def ru_client(dp: Dispatcher, bot: Bot) -> TelegramClient:
    return TelegramClient(dp, bot, user_id=2002, language_code="ru", first_name="Анна")
