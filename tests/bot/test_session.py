"""The production Bot API session parses answers with types that outlive garbage collection."""

import gc
import json
import weakref

from aiogram import Bot
from aiogram.methods import GetUserProfilePhotos, Response
from aiogram.types import UserProfilePhotos

from bot.session import BotSession
from tests.fakes.session import TOKEN

PHOTOS_ANSWER = {"ok": True, "result": {"total_count": 0, "photos": []}}


def test_an_answers_parsed_type_survives_garbage_collection() -> None:
    """Unpinned, pydantic's weak cache loses Response[X] at the next collection, and the
    next answer rebuilds its whole schema (milliseconds)."""
    session = BotSession()
    bot = Bot(TOKEN, session=session)
    method = GetUserProfilePhotos(user_id=1)

    photos = session.check_response(bot, method, 200, json.dumps(PHOTOS_ANSWER)).result
    assert isinstance(photos, UserProfilePhotos)
    assert photos.total_count == 0

    parsed_with = weakref.ref(Response[UserProfilePhotos])
    gc.collect()
    assert parsed_with() is not None
