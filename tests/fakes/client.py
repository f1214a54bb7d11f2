"""A person using the bot: types messages, presses buttons, sends files; reads the answers.

Drives the real dispatcher with `dp.feed_update` over a bot built on RecordingSession. Several
clients may share one dispatcher, bot and chat (two people in one group).
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.enums import ChatType
from aiogram.methods import TelegramMethod
from aiogram.types import Chat, Message, Update, User

from tests.fakes.session import RecordingSession
from tests.fakes.telegram import find_button

# Telegram's stand-in sender of messages written on behalf of a chat (an anonymous admin's).
GROUP_ANONYMOUS_BOT = User(
    id=1087968824, is_bot=True, first_name="Group", username="GroupAnonymousBot"
)


class TelegramClient:
    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        chat_type: str = ChatType.PRIVATE,
        language_code: str | None = "ru",
        first_name: str = "Anna",
        username: str | None = None,
        chat_title: str = "Test group",
        on_behalf_of: int | None = None,
    ) -> None:
        """``on_behalf_of``: the id of a chat the messages are written on behalf of, sent by
        GroupAnonymousBot: the group's own for an anonymous admin (button presses still show
        the person), a channel's for its posts."""
        if not isinstance(bot.session, RecordingSession):
            raise TypeError("TelegramClient needs a bot on a RecordingSession (see make_bot)")
        private = chat_type == ChatType.PRIVATE
        if chat_id is None and not private:
            raise ValueError(f"a {chat_type} chat needs a chat_id")
        self.dp = dp
        self.on_behalf_of = on_behalf_of
        self.bot = bot
        self.session = bot.session
        self.user = User(
            id=user_id,
            is_bot=False,
            first_name=first_name,
            username=username,
            language_code=language_code,
        )
        self.topic: int | None = None  # the forum topic the person writes in; None: General
        self.chat = Chat(
            id=user_id if chat_id is None else chat_id,
            type=chat_type,
            first_name=first_name if private else None,
            username=username if private else None,
            title=None if private else chat_title,
        )

    async def send(self, text: str) -> list[TelegramMethod[Any]]:
        """Send a text (a /command gets its bot_command entity); return what the bot did."""
        return await self._feed(message=self._message(text=text))

    async def reply(self, text: str, *, to: Message) -> list[TelegramMethod[Any]]:
        return await self._feed(message=self._message(text=text, reply_to=to))

    async def send_document(
        self,
        file_name: str,
        data: bytes,
        mime_type: str = "application/octet-stream",
        *,
        caption: str | None = None,
    ) -> list[TelegramMethod[Any]]:
        """Send a file; the bot can getFile and download these bytes."""
        stored = self.session.add_file(
            self.session.telegram.new_file_id(), data, file_name=file_name, mime_type=mime_type
        )
        message = self._message(document=stored.as_document(), caption=caption)
        return await self._feed(message=message)

    async def click(
        self,
        button_text: str | None = None,
        *,
        data: str | None = None,
        message: Message | None = None,
    ) -> list[TelegramMethod[Any]]:
        """Press an inline button (exact text, else unique substring, or by callback data) on
        `message`, by default the bot's latest message in this chat that has a keyboard."""
        if message is None:
            message = self.session.telegram.keyboard_message(self.chat.id)
        button = find_button(message, button_text, data=data)
        if button.callback_data is None:
            raise AssertionError(f"button {button.text!r} has no callback data to press")
        return await self.press_forged(button.callback_data, message=message)

    async def press_forged(
        self, data: str, *, message: Message | None = None
    ) -> list[TelegramMethod[Any]]:
        """A press with callback data no button need carry, as a tampered client sends it."""
        if message is None:
            message = self.session.telegram.keyboard_message(self.chat.id)
        callback = self.session.telegram.incoming_callback(self.user, message, data)
        return await self._feed(callback_query=callback)

    def last_message(self) -> Message:
        """The bot's most recently sent or edited message in this chat, as it looks now."""
        messages = self.session.telegram.bot_messages(self.chat.id)
        if not messages:
            raise AssertionError(f"the bot has sent nothing to chat {self.chat.id}")
        return messages[-1]

    def last_text(self) -> str:
        """What the person reads in that message: text or caption, markup already rendered."""
        message = self.last_message()
        return message.text or message.caption or ""

    def _message(self, **content: Any) -> Message:
        sender = self.user
        if self.on_behalf_of is not None:
            sender = GROUP_ANONYMOUS_BOT
            content["sender_chat"] = Chat(id=self.on_behalf_of, type=ChatType.GROUP)
        return self.session.telegram.incoming_message(
            sender, self.chat, topic=self.topic, **content
        )

    async def _feed(self, **event: Any) -> list[TelegramMethod[Any]]:
        update = Update(update_id=self.session.telegram.next_update_id(), **event)
        first = len(self.session.requests)
        await self.dp.feed_update(self.bot, update)
        return self.session.requests[first:]
