"""The Bot API session: aiogram's HTTP session, with each answer's parsed type built once."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

# Response[X] by X: one per result type of the Bot API methods the bot calls (a few dozen at most).
_RESPONSE_TYPES: dict[Any, type[Response[Any]]] = {}


class PinnedResponseTypes(BaseSession):
    """Keeps every ``Response[X]`` that ``check_response`` parses answers with alive.

    aiogram parametrizes ``Response`` for each answer, and pydantic caches the parametrized
    class only weakly: once garbage collection frees it, the next answer builds it again, which
    takes about 3 ms (a Message's whole schema). Unpinned, that happened about once in 40
    wizard updates of benchmarks/dispatch.py.
    """

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in _RESPONSE_TYPES:
            _RESPONSE_TYPES[returning] = Response[returning]  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)


class BotSession(PinnedResponseTypes, AiohttpSession):
    """The production session: HTTP through aiohttp."""
