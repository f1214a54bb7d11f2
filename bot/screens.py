"""Putting a Screen in front of the user: a new message, or an edit of the one a button was on."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot.views import Screen


async def send(message: Message, screen: Screen) -> Message:
    return await message.answer(screen.text, reply_markup=screen.markup)


async def replace(query: CallbackQuery, screen: Screen) -> int | None:
    """Edit the message the button was on; send a new one when it can no longer be edited.
    Returns the id of the message that shows the screen (None if none could be sent)."""
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        if query.bot is None:
            return None
        sent = await query.bot.send_message(
            query.from_user.id, screen.text, reply_markup=screen.markup
        )
        return sent.message_id
    try:
        await message.edit_text(screen.text, reply_markup=screen.markup)
    except TelegramBadRequest as error:
        if "not modified" not in error.message:
            return (await message.answer(screen.text, reply_markup=screen.markup)).message_id
    return message.message_id


def pressed_on(query: CallbackQuery, live_message_id: int | None) -> bool:
    """The button was on the flow's live message (on any, while none is recorded: a flow
    saved before the bot kept it)."""
    pressed = query.message.message_id if query.message else None
    return live_message_id is None or live_message_id == pressed
