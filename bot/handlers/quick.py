"""/ltv in a private chat: the whole result from one line, kept like a wizard's."""

from __future__ import annotations

from aiogram.filters import CommandObject
from aiogram.types import Message

from bot.render import Texts
from bot.screens import send
from bot.storage.base import Repository
from bot.views import Screen, quick_usage_screen, result_screen
from bot.wizard.handlers import chat_currency, save_result
from ltv_engine.errors import InvalidInput
from ltv_engine.quick import parse_quick


async def on_quick_ltv(
    message: Message, command: CommandObject, t: Texts, repo: Repository
) -> None:
    """``/ltv 2500 1.5 30% 18``: the result with its advice and what-if buttons, in the history
    and as the chat's profile; alone, how to write it. A wizard in progress is left as it is."""
    if not command.args or message.from_user is None:
        await send(message, Screen(t("quick_intro")))
        return
    currency = await chat_currency(repo, message.chat.id, t)
    try:
        inputs = parse_quick(command.args, currency=currency)
        record, result = await save_result(repo, message.chat.id, message.from_user, inputs)
    except InvalidInput as error:
        await send(message, quick_usage_screen(error, t))
        return
    await send(message, result_screen(record.id, result, t))
