"""Screens go out as the Bot API's own methods; only the message id is read from the answer."""

import json
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageId,
    ReplyParameters,
    User,
)

from bot.screens import EditScreen, SendScreen, replace, send
from bot.session import BotSession
from bot.views import Screen
from tests.fakes.session import TOKEN, RecordingSession, make_bot

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Skip", callback_data="wz:cac:skip:")]]
)
SENT = {
    "message_id": 77,
    "date": 1700000000,
    "chat": {"id": 5, "type": "private", "first_name": "Ann"},
    "from": {"id": 42, "is_bot": True, "first_name": "LTV", "username": "ltv_bot"},
    "text": "Customer acquisition cost?",
    "reply_markup": KEYBOARD.model_dump(mode="json", exclude_none=True),
}


def _bot(session: BotSession) -> Bot:
    return Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))


def _wire(session: BotSession, bot: Bot, method: TelegramMethod[Any]) -> list[object]:
    """The request as aiohttp would post it: its form fields, in order."""
    return [field[2] for field in session.build_form_data(bot, method)._fields]


def test_a_screen_is_the_same_request_as_the_method_it_stands_for() -> None:
    session = BotSession()
    bot = _bot(session)
    plain = SendMessage(chat_id=5, text="<b>CAC?</b>", reply_markup=KEYBOARD)
    edit = EditMessageText(chat_id=5, message_id=77, text="<b>CAC?</b>", reply_markup=KEYBOARD)

    assert SendScreen.__api_method__ == "sendMessage"
    assert _wire(session, bot, SendScreen(**dict(plain))) == _wire(session, bot, plain)
    assert EditScreen.__api_method__ == "editMessageText"
    assert _wire(session, bot, EditScreen(**dict(edit))) == _wire(session, bot, edit)


def test_only_the_message_id_is_read_from_the_answer() -> None:
    session = BotSession()
    bot = _bot(session)
    screen = SendScreen(**dict(SendMessage(chat_id=5, text="CAC?", reply_markup=KEYBOARD)))
    answer = json.dumps({"ok": True, "result": SENT})

    sent = session.check_response(bot, screen, 200, answer).result
    assert isinstance(sent, MessageId) and not isinstance(sent, Message)
    assert sent.message_id == 77

    edit = EditScreen(**dict(EditMessageText(chat_id=5, message_id=77, text="CAC?")))
    assert session.check_response(bot, edit, 200, answer).result.message_id == 77
    inline = json.dumps({"ok": True, "result": True})
    assert session.check_response(bot, edit, 200, inline).result is True


def _message_in(chat: Chat, bot: Bot, **where: Any) -> Message:
    user = User(id=5, is_bot=False, first_name="Ann")
    message = Message(message_id=3, date=1700000000, chat=chat, from_user=user, text="x", **where)
    return message.as_(bot)


@pytest.mark.parametrize(
    ("chat", "where"),
    [
        (Chat(id=5, type="private"), {}),
        (Chat(id=-100, type="supergroup", is_forum=True), {"message_thread_id": 9}),
        (
            Chat(id=-100, type="supergroup", is_forum=True),
            {"message_thread_id": 9, "is_topic_message": True},
        ),
        (Chat(id=5, type="private"), {"business_connection_id": "bc-1"}),
    ],
)
async def test_screens_go_where_aiogram_shortcuts_would_send_them(
    chat: Chat, where: dict[str, Any]
) -> None:
    recording = RecordingSession()
    bot = make_bot(recording)
    message = _message_in(chat, bot, **where)
    screen = Screen("<b>CAC?</b>", KEYBOARD)
    wire = BotSession()

    await send(message, screen)
    in_group = chat.type != "private"  # where several ask, the answer replies to its question
    reply = ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True)
    shortcut = message.answer(
        screen.text, reply_markup=screen.markup, reply_parameters=reply if in_group else None
    )
    assert _wire(wire, bot, recording.requests[-1]) == _wire(wire, bot, shortcut)

    press = CallbackQuery(id="q", from_user=message.from_user, chat_instance="c", message=message)
    recording.answer_next(EditScreen, True)  # the fake only edits messages the bot sent
    await replace(press.as_(bot), screen)
    assert isinstance(recording.requests[-1], EditScreen)
    shortcut_edit = message.edit_text(screen.text, reply_markup=screen.markup)
    assert _wire(wire, bot, recording.requests[-1]) == _wire(wire, bot, shortcut_edit)


async def test_a_screen_for_a_button_on_a_message_too_old_to_edit_is_sent_anew() -> None:
    recording = RecordingSession()
    bot = make_bot(recording)
    user = User(id=5, is_bot=False, first_name="Ann")
    gone = InaccessibleMessage(chat=Chat(id=5, type="private"), message_id=3, date=0)
    press = CallbackQuery(id="q", from_user=user, chat_instance="c", message=gone)
    screen = Screen("<b>CAC?</b>", KEYBOARD)

    shown_in = await replace(press.as_(bot), screen)

    sent = recording.requests[-1]
    assert (
        isinstance(sent, SendScreen)
        and shown_in == recording.telegram.bot_messages(5)[-1].message_id
    )
    plain = SendMessage(chat_id=5, text=screen.text, reply_markup=screen.markup)
    assert _wire(BotSession(), bot, sent) == _wire(BotSession(), bot, plain)
