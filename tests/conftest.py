from collections.abc import AsyncIterator

import pytest
from aiogram import Bot

from tests.fakes.bot_api_server import BotApiStandIn
from tests.fakes.session import TOKEN, RecordingSession, make_bot


@pytest.fixture
def session() -> RecordingSession:
    return RecordingSession()


@pytest.fixture
def bot(session: RecordingSession) -> Bot:
    return make_bot(session)


@pytest.fixture
async def bot_api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN) as api:
        yield api
