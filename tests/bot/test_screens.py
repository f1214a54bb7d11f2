"""Screens go out as the Bot API's own methods; only the message id is read from the answer."""

import json
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageId

from bot.screens import EditScreen, SendScreen
from bot.session import BotSession
from tests.fakes.session import TOKEN

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
