"""Per-update context: the chat's record and the renderer bound to the chat's language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, User

from bot.render import Renderer, locale_for
from bot.storage.base import Repository

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ChatContextMiddleware(BaseMiddleware):
    """Registers a chat on first contact and hands handlers ``t`` in the chat's language."""

    def __init__(self, repo: Repository, renderer: Renderer) -> None:
        self._repo = repo
        self._renderer = renderer

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        user: User | None = data.get("event_from_user")
        language = None
        if chat is not None:
            record = await self._repo.chat_for_update(chat.id, kind=chat.type, title=chat.title)
            language = record.language
        locale = language or locale_for(user.language_code if user else None)
        data["t"] = self._renderer(locale)
        data["locale"] = locale
        return await handler(event, data)
