"""Putting a Screen in front of the user: a new message, or an edit of the one a button was on.

Telegram answers a sent or edited message with the whole message, which aiogram would parse
into a Message (chat, sender, every button: about a tenth of a wizard update's time). Screens
need only its id, so they are sent as ``SendScreen`` and ``EditScreen``: the same Bot API
methods, with the answer read as a ``MessageId`` (the rest of the message is kept unparsed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from aiogram import Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import (
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardMarkup,
    Message,
    MessageId,
    ReplyParameters,
)

from bot.views import Screen


class SendScreen(SendMessage):
    """sendMessage, its answer read for the message id only."""

    __returning__ = MessageId  # type: ignore[assignment]  # the point: not a whole Message

    if TYPE_CHECKING:  # the fields screens fill; pydantic's plugin asks for deprecated ones

        def __init__(
            self,
            *,
            chat_id: int,
            text: str,
            reply_markup: InlineKeyboardMarkup | None,
            message_thread_id: int | None = None,
            business_connection_id: str | None = None,
            reply_parameters: ReplyParameters | None = None,
        ) -> None: ...


class EditScreen(EditMessageText):
    """editMessageText, its answer read for the message id only (or True)."""

    __returning__ = MessageId | bool

    if TYPE_CHECKING:

        def __init__(
            self,
            *,
            chat_id: int,
            message_id: int,
            business_connection_id: str | None,
            text: str,
            reply_markup: InlineKeyboardMarkup | None,
        ) -> None: ...


async def send(message: Message, screen: Screen) -> int:
    """The id of the message sent, in the message's chat (and topic, and business connection,
    as aiogram's ``message.answer`` fills them in); in a group, as a reply to ``message``, so
    that who asked can tell their answer from another's."""
    method = SendScreen(
        chat_id=message.chat.id,
        message_thread_id=topic_of(message),
        business_connection_id=message.business_connection_id,
        text=screen.text,
        reply_markup=screen.markup,
        reply_parameters=reply_in_group(message),
    )
    return await _sent(method, message.bot)


def topic_of(message: Message) -> int | None:
    """The forum topic of ``message`` (None: General, or a chat without topics)."""
    return message.message_thread_id if message.is_topic_message else None


def reply_in_group(message: Message) -> ReplyParameters | None:
    """In a group, an answer replies to what asked, so that who asked can tell it apart."""
    if message.chat.type == ChatType.PRIVATE:
        return None
    return ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True)


async def _sent(method: SendScreen, bot: Bot | None) -> int:
    # Built here rather than by aiogram's shortcut and copied: one validation instead of two,
    # about 16 us of each screen sent or edited.
    sent = cast(MessageId, await method.as_(bot))
    return sent.message_id


async def replace(query: CallbackQuery, screen: Screen) -> int | None:
    """Edit the message the button was on; send a new one when it can no longer be edited.
    Returns the id of the message that shows the screen (None if none could be sent)."""
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        if query.bot is None:
            return None
        chat_id = query.from_user.id
        alone = SendScreen(chat_id=chat_id, text=screen.text, reply_markup=screen.markup)
        return await _sent(alone, query.bot)
    edit = EditScreen(
        chat_id=message.chat.id,
        message_id=message.message_id,
        business_connection_id=message.business_connection_id,
        text=screen.text,
        reply_markup=screen.markup,
    )
    try:
        await edit.as_(message.bot)
    except TelegramBadRequest as error:
        if "not modified" not in error.message:
            return await send(message, screen)
    return message.message_id


def pressed_on(query: CallbackQuery, live_message_id: int | None) -> bool:
    """The button was on the flow's live message (on any, while none is recorded: a flow
    saved before the bot kept it)."""
    pressed = query.message.message_id if query.message else None
    return live_message_id is None or live_message_id == pressed
