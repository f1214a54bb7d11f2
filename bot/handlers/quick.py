"""/ltv in a private chat, and numbers typed without it: the whole result from one line, kept
like a wizard's."""

from __future__ import annotations

from aiogram.filters import CommandObject
from aiogram.types import Message, User

from bot.render import Texts
from bot.screens import send
from bot.storage.base import Repository
from bot.views import Screen, quick_usage_screen, result_screen
from bot.wizard.handlers import chat_currency, save_result
from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.quick import parse_quick


async def on_quick_ltv(
    message: Message, command: CommandObject, t: Texts, repo: Repository
) -> None:
    """``/ltv 2500 1.5 30% 18``: the result with its advice and what-if buttons, in the history
    and as the chat's profile; alone, how to write it. A wizard in progress is left as it is."""
    if not command.args or message.from_user is None:
        await send(message, Screen(t("quick_intro")))
        return
    error = await calculate_from_line(message, message.from_user, command.args, t, repo)
    if error is not None:
        await send(message, quick_usage_screen(error, t))


async def on_plain_text(message: Message, t: Texts, repo: Repository) -> None:
    """Text no flow expects. Numbers that read as an /ltv line are calculated ("чек 2500, 2 раза
    в месяц, 18 мес"); a line short of a value is told which; any other text is told what the
    bot understands."""
    text = message.text or ""
    sender = message.from_user
    if sender is None or text.startswith("/") or not any(char.isdigit() for char in text):
        await send(message, Screen(t("fallback")))
        return
    error = await calculate_from_line(message, sender, text, t, repo)
    if error is None:
        return
    if _meant_as_a_calculation(error):
        await send(message, quick_usage_screen(error, t))
    else:
        await send(message, Screen(t("fallback", numbers=True)))


def _meant_as_a_calculation(error: InvalidInput) -> bool:
    """Text that failed as an /ltv line yet was surely meant as one: a line that gave more than
    an order value, told what it lacks (a lone number, "70" after a cancelled wizard, is no
    calculation), or four numbers with too long a lifetime, told how else to write them."""
    if error.reason is Reason.MISSING:
        return len(error.details.get("given", ())) > 1
    return "without_margin" in error.details


async def calculate_from_line(
    message: Message, sender: User, line: str, t: Texts, repo: Repository
) -> InvalidInput | None:
    """Sends the result of the one-line calculation; the error instead when the line does not
    read as one."""
    currency = await chat_currency(repo, message.chat.id, t)
    try:
        inputs = parse_quick(line, currency=currency)
        record, result = await save_result(repo, message.chat.id, sender, inputs)
    except InvalidInput as error:
        return error
    await send(message, result_screen(record.id, result, t))
    return None
