"""The last line of defence: a handler that failed still leaves the user with a sentence."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from bot.render import Renderer, locale_for
from bot.storage.base import Repository

log = logging.getLogger(__name__)


async def on_unexpected_error(
    event: ErrorEvent, bot: Bot, renderer: Renderer, repo: Repository
) -> bool:
    update = event.update
    source = update.message or (update.callback_query.message if update.callback_query else None)
    user = update.message.from_user if update.message else None
    if update.callback_query:
        user = update.callback_query.from_user
    log.exception("Update %s failed", update.update_id, exc_info=event.exception)
    if source is None:
        return True
    record = await repo.get_chat(source.chat.id)
    language = record.language if record and record.language else None
    t = renderer(language or locale_for(user.language_code if user else None))
    try:
        group = source.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
        await bot.send_message(source.chat.id, t("unexpected_error", group=group))
    except TelegramAPIError:
        log.warning("Could not tell chat %s about the failure", source.chat.id)
    return True
