"""What a fake Telegram remembers and how it answers Bot API methods.

Shared by RecordingSession (in-process) and BotApiStandIn (over HTTP), so both fakes answer the
same way and raise the errors the real API raises in the cases a bot can run into: malformed
HTML, texts over the length limit, edits that change nothing, unknown files, blocked chats.
"""

from __future__ import annotations

import itertools
import mimetypes
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.enums import ChatType
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMyCommands,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetChatAdministrators,
    GetChatMember,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetChatMenuButton,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Chat,
    ChatMemberAdministrator,
    ChatMemberMember,
    Document,
    File,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    MessageEntity,
    PhotoSize,
    ReplyParameters,
    TelegramObject,
    User,
)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
STANDARD_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
# The tags Telegram accepts with parse_mode=HTML (https://core.telegram.org/bots/api#html-style).
HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a"}
    | {"code", "pre", "blockquote", "tg-emoji", "tg-time"}
)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)(\s[^<>]*)?>")


class ApiError(Exception):
    """An error answer of the Bot API, e.g. ApiError(429, retry_after=3) or ApiError(403)."""

    def __init__(
        self, status: int, description: str | None = None, *, retry_after: int | None = None
    ) -> None:
        if description is None:
            description = STANDARD_DESCRIPTIONS.get(status, "Error")
            if retry_after is not None:
                description += f": retry after {retry_after}"
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass(frozen=True)
class StoredFile:
    """A file Telegram keeps: one a user sent, or one the bot uploaded."""

    file_id: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_unique_id(self) -> str:
        return f"unique-{self.file_id}"

    @property
    def file_path(self) -> str:
        return f"documents/{self.file_id}"

    def as_document(self) -> Document:
        return Document(
            file_id=self.file_id,
            file_unique_id=self.file_unique_id,
            file_name=self.file_name,
            mime_type=self.mime_type,
            file_size=len(self.data),
        )


def jsonable(result: Any) -> Any:
    """A method result as the Bot API puts it in JSON."""
    if isinstance(result, TelegramObject):
        return result.model_dump(mode="json", exclude_none=True, by_alias=True)
    if isinstance(result, list):
        return [jsonable(item) for item in result]
    return result


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text a person reads, or ApiError(400) where Telegram cannot parse the markup.

    Only HTML is checked (the bot's default); other parse modes pass through unchanged.
    """
    if parse_mode != "HTML":
        return text
    parts: list[str] = []
    open_tags: list[str] = []
    position = 0
    while (start := text.find("<", position)) != -1:
        parts.append(text[position:start])
        tag = _TAG.match(text, start)
        if tag is None or tag.group(2).lower() not in HTML_TAGS:
            shown = tag.group(2) if tag else text[start + 1 : start + 10]
            raise _parse_error(f'Unsupported start tag "{shown}" at byte offset {start}')
        name = tag.group(2).lower()
        if not tag.group(1):
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            raise _parse_error(f'Unexpected end tag "{name}" at byte offset {start}')
        position = tag.end()
    if open_tags:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    parts.append(text[position:])
    return unescape("".join(parts))


def _parse_error(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: can't parse entities: {detail}")


def command_entities(text: str) -> list[MessageEntity] | None:
    """The bot_command entity Telegram attaches to a message starting with /command[@bot]."""
    if not text.startswith("/") or len(text) < 2:
        return None
    command = text.split(maxsplit=1)[0]
    return [MessageEntity(type="bot_command", offset=0, length=_utf16_length(command))]


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def inline_buttons(message: Message) -> list[InlineKeyboardButton]:
    markup = message.reply_markup
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [button for row in markup.inline_keyboard for button in row]


def find_button(
    message: Message, text: str | None = None, *, data: str | None = None
) -> InlineKeyboardButton:
    """The inline button with this callback data, or this exact text, or containing this text."""
    buttons = inline_buttons(message)
    if data is not None:
        matches = [button for button in buttons if button.callback_data == data]
    elif text is not None:
        matches = [button for button in buttons if button.text == text] or [
            button for button in buttons if text in button.text
        ]
    else:
        raise ValueError("give the button's text or its callback data")
    if len(matches) != 1:
        available = ", ".join(f"{b.text!r} ({b.callback_data})" for b in buttons) or "none"
        wanted = f"data={data!r}" if data is not None else f"text={text!r}"
        found = "no button" if not matches else f"{len(matches)} buttons"
        raise AssertionError(
            f"{found} with {wanted} on message {message.message_id}; buttons: {available}"
        )
    return matches[0]


class FakeTelegram:
    """Users, chats, message ids, the bot's messages, files and admins; answers methods."""

    def __init__(self, bot_user: User | None = None) -> None:
        self.bot_user = bot_user or User(
            id=42, is_bot=True, first_name="LTV Test", username="ltv_test_bot"
        )
        self.admins: dict[int, set[int]] = {}
        self.blocked_chats: set[int] = set()
        self.files: dict[str, StoredFile] = {}
        self.uploads: list[StoredFile] = []
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        # The bot's messages as they look now, the most recently sent or edited last.
        self._people_messages: dict[tuple[int, int], Message] = {}  # to show what is replied to
        self._bot_messages: dict[tuple[int, int], Message] = {}
        self._last_message_id: dict[int, int] = {}
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        answers: dict[type[TelegramMethod[Any]], Callable[[Any, Bot | None], Awaitable[Any]]] = {
            GetMe: self._get_me,
            SendMessage: self._send_message,
            SendDocument: self._send_document,
            SendPhoto: self._send_photo,
            EditMessageText: self._edit_message_text,
            EditMessageReplyMarkup: self._edit_reply_markup,
            DeleteMessage: self._delete_message,
            GetChatMember: self._get_chat_member,
            GetChatAdministrators: self._get_chat_administrators,
            GetFile: self._get_file,
            AnswerCallbackQuery: _true,
            SetMyCommands: _true,
            DeleteMyCommands: _true,
            SetChatMenuButton: _true,
            DeleteWebhook: _true,
        }
        self._answers = {kind.__api_method__: answer for kind, answer in answers.items()}

    def answers(self, method_type: type[TelegramMethod[Any]]) -> bool:
        return method_type.__api_method__ in self._answers

    async def answer(self, method: TelegramMethod[Any], bot: Bot | None = None) -> Any:
        """The result Telegram gives for this method (known by its Bot API name, as Telegram
        knows it, whatever class sent it), or ApiError."""
        answer = self._answers.get(method.__api_method__)
        if answer is None:
            name = method.__api_method__
            raise ApiError(404, f"Not Found: the fake Bot API does not implement {name}")
        return await answer(method, bot)

    # --- what people do -------------------------------------------------------------------

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def next_message_id(self, chat_id: int) -> int:
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        return message_id

    def new_file_id(self) -> str:
        return f"file-{next(self._file_ids)}"

    def add_file(
        self,
        file_id: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        stored = StoredFile(file_id, data, file_name=file_name, mime_type=mime_type)
        self.files[file_id] = stored
        return stored

    def file_at(self, file_path: str) -> StoredFile | None:
        prefix, _, file_id = file_path.partition("/")
        stored = self.files.get(file_id)
        return stored if prefix == "documents" and stored else None

    def incoming_message(
        self,
        user: User,
        chat: Chat,
        *,
        text: str | None = None,
        document: Document | None = None,
        caption: str | None = None,
        reply_to: Message | None = None,
        sender_chat: Chat | None = None,
        topic: int | None = None,
    ) -> Message:
        """A message a person sends to the chat (it takes the chat's next message id);
        ``sender_chat``: the chat it is sent on behalf of (an anonymous admin's group);
        ``topic``: the forum topic it is written in."""
        self.users[user.id] = user
        self.chats[chat.id] = chat
        message = Message(
            **_in_topic(topic),
            message_id=self.next_message_id(chat.id),
            date=datetime.now(UTC),
            chat=chat,
            from_user=user,
            text=text,
            entities=command_entities(text) if text else None,
            document=document,
            caption=caption,
            reply_to_message=reply_to,
            sender_chat=sender_chat,
        )
        self._people_messages[(chat.id, message.message_id)] = message
        return message

    def incoming_callback(self, user: User, message: Message, data: str | None) -> CallbackQuery:
        """A press of an inline button on a message the bot sent."""
        self.users[user.id] = user
        return CallbackQuery(
            id=f"cq-{next(self._callback_ids)}",
            from_user=user,
            chat_instance=str(message.chat.id),
            message=message,
            data=data,
        )

    def bot_messages(self, chat_id: int) -> list[Message]:
        """The bot's messages in this chat as they look now, the most recently touched last."""
        return [m for (chat, _), m in self._bot_messages.items() if chat == chat_id]

    def bot_message(self, chat_id: int, message_id: int) -> Message:
        message = self._bot_messages.get((chat_id, message_id))
        if message is None:
            raise AssertionError(f"the bot sent no message {message_id} to chat {chat_id}")
        return message

    def keyboard_message(self, chat_id: int) -> Message:
        """The bot's most recently sent or edited message in the chat with an inline keyboard."""
        for message in reversed(self.bot_messages(chat_id)):
            if inline_buttons(message):
                return message
        raise AssertionError(f"no bot message with an inline keyboard in chat {chat_id}")

    # --- answers --------------------------------------------------------------------------

    async def _get_me(self, method: GetMe, bot: Bot | None) -> User:
        return self.bot_user

    async def _send_message(self, method: SendMessage, bot: Bot | None) -> Message:
        text = _message_text(method.text, _parse_mode(method.parse_mode, bot))
        replied = method.reply_parameters
        return self._new_bot_message(
            method.chat_id,
            text=text,
            reply_markup=method.reply_markup,
            reply_to_message=self._replied(method.chat_id, replied),
            **_in_topic(method.message_thread_id),
        )

    async def _send_document(self, method: SendDocument, bot: Bot | None) -> Message:
        stored = await self._upload(method.document, bot)
        return self._new_bot_message(
            method.chat_id,
            document=stored.as_document(),
            caption=self._caption(method.caption, method.parse_mode, bot),
            reply_markup=method.reply_markup,
        )

    async def _send_photo(self, method: SendPhoto, bot: Bot | None) -> Message:
        stored = await self._upload(method.photo, bot)
        # Dimensions are not decoded from the bytes; nothing reads them back.
        photo = PhotoSize(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            width=0,
            height=0,
            file_size=len(stored.data),
        )
        return self._new_bot_message(
            method.chat_id,
            photo=[photo],
            caption=self._caption(method.caption, method.parse_mode, bot),
            reply_markup=method.reply_markup,
        )

    async def _edit_message_text(self, method: EditMessageText, bot: Bot | None) -> Message | bool:
        if method.inline_message_id is not None:
            return True
        old = self._edited(method.chat_id, method.message_id)
        if old.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = _message_text(method.text, _parse_mode(method.parse_mode, bot))
        return self._replace(old, text=text, reply_markup=_inline(method.reply_markup))

    async def _edit_reply_markup(
        self, method: EditMessageReplyMarkup, bot: Bot | None
    ) -> Message | bool:
        if method.inline_message_id is not None:
            return True
        old = self._edited(method.chat_id, method.message_id)
        return self._replace(old, reply_markup=method.reply_markup)

    async def _delete_message(self, method: DeleteMessage, bot: Bot | None) -> bool:
        chat_id = _chat_id(method.chat_id)
        if self._bot_messages.pop((chat_id, method.message_id), None) is None and (
            method.message_id > self._last_message_id.get(chat_id, 0)
        ):
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    async def _get_chat_member(
        self, method: GetChatMember, bot: Bot | None
    ) -> ChatMemberAdministrator | ChatMemberMember:
        user = self._user(method.user_id)
        if method.user_id in self.admins.get(_chat_id(method.chat_id), set()):
            return _administrator(user)
        return ChatMemberMember(user=user)

    async def _get_chat_administrators(
        self, method: GetChatAdministrators, bot: Bot | None
    ) -> list[ChatMemberAdministrator]:
        admins = sorted(self.admins.get(_chat_id(method.chat_id), set()))
        return [_administrator(self._user(user_id)) for user_id in admins]

    async def _get_file(self, method: GetFile, bot: Bot | None) -> File:
        stored = self.files.get(method.file_id)
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return File(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            file_size=len(stored.data),
            file_path=stored.file_path,
        )

    # --- helpers --------------------------------------------------------------------------

    def _new_bot_message(self, chat_id: int | str, **content: Any) -> Message:
        chat = self._chat(_chat_id(chat_id))
        if chat.id in self.blocked_chats:
            raise ApiError(403)
        content["reply_markup"] = _inline(content.get("reply_markup"))
        message = Message(
            message_id=self.next_message_id(chat.id),
            date=datetime.now(UTC),
            chat=chat,
            from_user=self.bot_user,
            **content,
        )
        self._bot_messages[(chat.id, message.message_id)] = message
        return message

    def _replied(self, chat_id: int | str, replied: ReplyParameters | None) -> Message | None:
        """The message a new one replies to, as Telegram shows it in ``reply_to_message``."""
        if replied is None or replied.message_id is None:  # None: a reply to an ephemeral one
            return None
        key = (_chat_id(chat_id), replied.message_id)
        return self._bot_messages.get(key) or self._people_messages.get(key)

    def _edited(self, chat_id: int | str | None, message_id: int | None) -> Message:
        if chat_id is None or message_id is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        old = self._bot_messages.get((_chat_id(chat_id), message_id))
        if old is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return old

    def _replace(self, old: Message, **changes: Any) -> Message:
        if all(getattr(old, field) == value for field, value in changes.items()):
            raise ApiError(400, NOT_MODIFIED)
        edited_at = int(datetime.now(UTC).timestamp())  # Message.edit_date is unix time
        new = old.model_copy(update={**changes, "edit_date": edited_at})
        key = (old.chat.id, old.message_id)
        del self._bot_messages[key]
        self._bot_messages[key] = new
        return new

    def _caption(self, caption: str | None, parse_mode: Any, bot: Bot | None) -> str | None:
        if caption is None:
            return None
        shown = visible_text(caption, _parse_mode(parse_mode, bot))
        if len(shown) > CAPTION_LIMIT:
            raise ApiError(400, "Bad Request: message caption is too long")
        return shown

    async def _upload(self, payload: InputFile | str, bot: Bot | None) -> StoredFile:
        if isinstance(payload, str):
            known = self.files.get(payload)
            if known is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            return known
        data = await _read(payload, bot)
        name = payload.filename
        mime_type = mimetypes.guess_type(name)[0] if name else None
        stored = self.add_file(self.new_file_id(), data, file_name=name, mime_type=mime_type)
        self.uploads.append(stored)
        return stored

    def _chat(self, chat_id: int) -> Chat:
        known = self.chats.get(chat_id)
        if known is not None:
            return known
        if chat_id > 0:
            user = self.users.get(chat_id)
            name = user.first_name if user else f"User {chat_id}"
            return Chat(id=chat_id, type=ChatType.PRIVATE, first_name=name)
        chat_type = ChatType.SUPERGROUP if str(chat_id).startswith("-100") else ChatType.GROUP
        return Chat(id=chat_id, type=chat_type, title=f"Chat {chat_id}")

    def _user(self, user_id: int) -> User:
        return self.users.get(user_id) or User(
            id=user_id, is_bot=False, first_name=f"User {user_id}"
        )


async def _true(method: TelegramMethod[Any], bot: Bot | None) -> bool:
    return True


async def _read(payload: InputFile, bot: Bot | None) -> bytes:
    if isinstance(payload, BufferedInputFile):
        return payload.data
    if bot is None:
        raise ApiError(400, "Bad Request: file must be uploaded as multipart/form-data")
    return b"".join([chunk async for chunk in payload.read(bot)])


def _message_text(text: str | None, parse_mode: str | None) -> str:
    shown = visible_text(text or "", parse_mode)
    if not shown.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(shown) > TEXT_LIMIT:
        raise ApiError(400, "Bad Request: message is too long")
    return shown


def _parse_mode(value: str | Default | None, bot: Bot | None) -> str | None:
    if isinstance(value, Default):
        return bot.default[value.name] if bot else None
    return value


def _inline(markup: Any) -> InlineKeyboardMarkup | None:
    """Only inline keyboards stay on a message; reply keyboards belong to the chat."""
    return markup if isinstance(markup, InlineKeyboardMarkup) else None


def _chat_id(chat_id: int | str) -> int:
    try:
        return int(chat_id)
    except ValueError:
        raise ApiError(400, "Bad Request: chat not found") from None


def _administrator(user: User) -> ChatMemberAdministrator:
    return ChatMemberAdministrator(
        user=user,
        can_be_edited=False,
        is_anonymous=False,
        can_manage_chat=True,
        can_delete_messages=True,
        can_manage_video_chats=False,
        can_restrict_members=True,
        can_promote_members=False,
        can_change_info=True,
        can_invite_users=True,
        can_post_stories=False,
        can_edit_stories=False,
        can_delete_stories=False,
        can_send_welcome_messages=False,
    )


def _in_topic(topic: int | None) -> dict[str, Any]:
    """A message's fields in a forum topic (none for General or a chat without topics)."""
    return {} if topic is None else {"message_thread_id": topic, "is_topic_message": True}
