"""The fakes behave like Telegram: a small bot driven in-process and over HTTP."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command, CommandStart
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    GetMe,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from tests.fakes.bot_api_server import BotApiStandIn
from tests.fakes.client import TelegramClient
from tests.fakes.session import TOKEN, RecordingSession
from tests.fakes.telegram import ApiError

GROUP_ID = -1001234567890
PROJECT_ROOT = Path(__file__).resolve().parents[2]
MENU = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="Average check", callback_data="pick:check")],
        [InlineKeyboardButton(text="Margin", callback_data="pick:margin")],
    ]
)


def build_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        name = message.from_user.first_name if message.from_user else "?"
        await message.answer(f"Hello, <b>{name}</b>! Pick one:", reply_markup=MENU)

    @router.callback_query(F.data.startswith("pick:"))
    async def pick(callback: CallbackQuery) -> None:
        assert isinstance(callback.message, Message)
        await callback.answer()
        await callback.message.edit_text(f"You picked {callback.data}")

    @router.message(Command("broken"))
    async def broken(message: Message) -> None:
        await message.answer("<oops>")

    @router.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        assert message.document is not None
        content = await bot.download(message.document)
        assert content is not None
        await message.answer(f"{message.document.file_name}: {content.read().decode()}")

    @router.message(F.reply_to_message)
    async def reply(message: Message) -> None:
        assert message.reply_to_message is not None
        await message.answer(f"re {message.reply_to_message.message_id}: {message.text}")

    return router


@pytest.fixture
def dp() -> Dispatcher:
    dispatcher = Dispatcher()
    dispatcher.include_router(build_router())
    return dispatcher


def kinds(requests: list[TelegramMethod[Any]]) -> list[str]:
    return [type(request).__name__ for request in requests]


# --- RecordingSession + TelegramClient --------------------------------------------------


async def test_command_reply_then_button_press_edits_the_message(
    dp: Dispatcher, bot: Bot, session: RecordingSession
) -> None:
    anna = TelegramClient(dp, bot)

    sent = await anna.send("/start")

    assert kinds(sent) == ["SendMessage"]
    assert session.last(SendMessage).chat_id == anna.chat.id
    assert anna.last_text() == "Hello, Anna! Pick one:"
    assert session.sent_texts() == ["Hello, <b>Anna</b>! Pick one:"]

    pressed = await anna.click("Margin")

    assert kinds(pressed) == ["AnswerCallbackQuery", "EditMessageText"]
    assert session.last(EditMessageText).message_id == anna.last_message().message_id
    assert anna.last_text() == "You picked pick:margin"
    with pytest.raises(AssertionError, match="no bot message with an inline keyboard"):
        await anna.click("Margin")


async def test_click_finds_buttons_by_substring_or_data_and_lists_them_when_missing(
    dp: Dispatcher, bot: Bot, session: RecordingSession
) -> None:
    anna = TelegramClient(dp, bot)
    await anna.send("/start")
    menu = anna.last_message()

    with pytest.raises(AssertionError, match=r"'Average check' \(pick:check\), 'Margin'"):
        await anna.click("Churn")
    await anna.click(data="pick:check", message=menu)
    await anna.click("argin", message=menu)

    assert [edit.text for edit in session.of_type(EditMessageText)] == [
        "You picked pick:check",
        "You picked pick:margin",
    ]
    assert len(session.of_type(AnswerCallbackQuery)) == 2


async def test_command_addressed_to_this_bot_or_another(
    dp: Dispatcher, bot: Bot, session: RecordingSession
) -> None:
    anna = TelegramClient(dp, bot)

    assert "SendMessage" in kinds(await anna.send("/start@ltv_test_bot"))
    assert kinds(await anna.send("/start@other_bot")) == []
    assert session.of_type(GetMe), "the mention is checked against getMe"


async def test_two_people_in_one_group_share_message_ids(
    dp: Dispatcher, bot: Bot, session: RecordingSession
) -> None:
    anna = TelegramClient(dp, bot, user_id=1, chat_id=GROUP_ID, chat_type="supergroup")
    boris = TelegramClient(
        dp, bot, user_id=2, chat_id=GROUP_ID, chat_type="supergroup", first_name="Boris"
    )

    await anna.send("/start")
    await boris.send("/start")

    replies = session.of_type(SendMessage)
    assert [r.chat_id for r in replies] == [GROUP_ID, GROUP_ID]
    assert anna.last_text() == boris.last_text() == "Hello, Boris! Pick one:"
    # user and bot messages draw from one counter per chat: 1 anna, 2 bot, 3 boris, 4 bot
    assert anna.last_message().message_id == 4


async def test_reply_carries_the_replied_message(dp: Dispatcher, bot: Bot) -> None:
    anna = TelegramClient(dp, bot)
    await anna.send("/start")
    menu = anna.last_message()

    await anna.reply("this one", to=menu)

    assert anna.last_text() == f"re {menu.message_id}: this one"


async def test_sent_document_is_downloadable_by_the_bot(dp: Dispatcher, bot: Bot) -> None:
    anna = TelegramClient(dp, bot)

    await anna.send_document("orders.csv", b"id,sum\n1,500\n", "text/csv")

    assert anna.last_text() == "orders.csv: id,sum\n1,500\n"


async def test_malformed_html_is_rejected_like_telegram(dp: Dispatcher, bot: Bot) -> None:
    anna = TelegramClient(dp, bot)

    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "oops"'):
        await anna.send("/broken")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<b>bold", "Can't find end tag"),
        ("<b>x</i>", "Unexpected end tag"),
        ("1 < 2", "Unsupported start tag"),
        ("x" * 4097, "message is too long"),
        ("<b> </b>", "message text is empty"),
    ],
)
async def test_texts_telegram_refuses(bot: Bot, text: str, problem: str) -> None:
    with pytest.raises(TelegramBadRequest, match=problem):
        await bot.send_message(1001, text)


async def test_edit_that_changes_nothing_is_refused(bot: Bot) -> None:
    sent = await bot.send_message(1001, "a &amp; b", reply_markup=MENU)
    assert sent.text == "a & b"

    await sent.edit_text("a &amp; b")  # the keyboard goes away: a change
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await sent.edit_text("a &amp; b")


async def test_scripted_errors_and_results(bot: Bot, session: RecordingSession) -> None:
    session.fail_next(SendMessage, ApiError(429, retry_after=3))
    session.fail_next(SendMessage, ApiError(403))
    session.fail_next(SendMessage, lambda method: TelegramNetworkError(method, "timeout"))
    session.answer_next(GetMe, session.telegram.bot_user.model_copy(update={"id": 7}))

    with pytest.raises(TelegramRetryAfter) as flood:
        await bot.send_message(1001, "hi")
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1001, "hi")
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1001, "hi")
    await bot.send_message(1001, "hi")

    assert flood.value.retry_after == 3
    assert (await bot.get_me()).id == 7
    assert len(session.of_type(SendMessage)) == 4


async def test_blocked_chat_refuses_every_message(bot: Bot, session: RecordingSession) -> None:
    session.telegram.blocked_chats.add(1001)

    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(1001, "hi")
    await bot.send_message(1002, "hi")


async def test_chat_members_follow_the_admins_table(bot: Bot, session: RecordingSession) -> None:
    session.admins[GROUP_ID] = {1}

    assert (await bot.get_chat_member(GROUP_ID, 1)).status == "administrator"
    assert (await bot.get_chat_member(GROUP_ID, 2)).status == "member"
    assert [m.user.id for m in await bot.get_chat_administrators(GROUP_ID)] == [1]


async def test_uploads_are_kept_and_records_can_be_cleared(
    bot: Bot, session: RecordingSession
) -> None:
    sent = await bot.send_document(1001, BufferedInputFile(b"x,y", "ltv.csv"), caption="LTV")

    assert sent.document is not None
    assert sent.document.file_name == "ltv.csv"
    assert session.telegram.uploads[0].data == b"x,y"
    assert session.telegram.uploads[0].mime_type == "text/csv"
    session.clear()
    with pytest.raises(AssertionError, match="made no SendMessage call; it made: nothing"):
        session.last(SendMessage)


# --- BotApiStandIn over HTTP ------------------------------------------------------------


def http_bot(api: BotApiStandIn, token: str = TOKEN) -> Bot:
    return Bot(
        token,
        session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


@pytest.fixture
async def api_bot(bot_api: BotApiStandIn) -> AsyncIterator[Bot]:
    bot = http_bot(bot_api)
    yield bot
    await bot.session.close()


async def test_real_bot_polls_the_stand_in(bot_api: BotApiStandIn, dp: Dispatcher) -> None:
    bot = http_bot(bot_api)
    polling = asyncio.create_task(dp.start_polling(bot, polling_timeout=5, handle_signals=False))

    bot_api.push_message(1001, 1001, "/start")
    greeting = await bot_api.wait_for_call("sendMessage")
    mark = len(bot_api.calls)
    bot_api.push_callback(1001, 1001, "Average check")
    edit = await bot_api.wait_for_call("editMessageText", since=mark)

    await dp.stop_polling()
    await polling

    assert greeting["chat_id"] == 1001
    assert greeting["text"] == "Hello, <b>Anna</b>! Pick one:"
    assert greeting["parse_mode"] == "HTML"
    assert edit["text"] == "You picked pick:check"
    assert "answerCallbackQuery" in [name for name, _ in bot_api.calls[mark:]]
    getupdates = [params for name, params in bot_api.calls if name == "getUpdates"]
    assert set(getupdates[-1]["allowed_updates"]) == {"message", "callback_query"}


async def test_wrong_token_is_unauthorized(bot_api: BotApiStandIn) -> None:
    bot = http_bot(bot_api, token="42:WRONG")
    async with bot.context():
        with pytest.raises(TelegramUnauthorizedError):
            await bot.get_me()


async def test_unknown_method_and_json_body(bot_api: BotApiStandIn) -> None:
    async with aiohttp.ClientSession(bot_api.base_url) as http:
        async with http.post(f"/bot{TOKEN}/noSuchMethod") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        sent = {"chat_id": 5, "text": "hi", "reply_markup": MENU.model_dump(exclude_none=True)}
        async with http.post(f"/bot{TOKEN}/sendMessage", json=sent) as response:
            answer = await response.json()

    assert answer["ok"] is True
    assert answer["result"]["reply_markup"]["inline_keyboard"][1][0]["text"] == "Margin"


async def test_multipart_upload_then_download(bot_api: BotApiStandIn, api_bot: Bot) -> None:
    data = bytes(range(256)) * 300

    sent = await api_bot.send_document(
        1001, BufferedInputFile(data, "export.xlsx"), caption="<i>export</i>"
    )
    params = await bot_api.wait_for_call("sendDocument")
    assert sent.document is not None
    file = await api_bot.get_file(sent.document.file_id)
    assert file.file_path is not None
    downloaded = await api_bot.download_file(file.file_path)

    assert params["document"].data == data
    assert sent.caption == "export"
    assert sent.document.file_size == len(data)
    assert downloaded is not None
    assert downloaded.read() == data


async def test_scripted_failures_reach_aiogram(bot_api: BotApiStandIn, api_bot: Bot) -> None:
    bot_api.fail_next("sendMessage", 429, retry_after=2)
    bot_api.fail_next("sendMessage", 403)

    with pytest.raises(TelegramRetryAfter) as flood:
        await api_bot.send_message(1001, "hi")
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await api_bot.send_message(1001, "hi")
    sent = await api_bot.send_message(1001, "hi")

    assert flood.value.retry_after == 2
    assert sent.text == "hi"


async def test_get_updates_offset_limit_and_long_poll(
    bot_api: BotApiStandIn, api_bot: Bot
) -> None:
    first = [bot_api.push_message(1001, 1001, f"m{i}") for i in range(3)]
    assert [u.message.text for u in await api_bot.get_updates(limit=2) if u.message] == [
        "m0",
        "m1",
    ]
    third = await api_bot.get_updates(offset=(await api_bot.get_updates())[2].update_id)
    assert [u.message.message_id for u in third if u.message] == [first[2].message_id]
    assert await api_bot.get_updates(offset=third[0].update_id + 1, timeout=1) == []

    mark = len(bot_api.calls)
    waiting = asyncio.create_task(api_bot.get_updates(timeout=30))
    await bot_api.wait_for_call("getUpdates", since=mark)
    bot_api.push_message(1001, 1001, "late")
    async with asyncio.timeout(5):
        woken = await waiting

    assert [u.message.text for u in woken if u.message] == ["late"]


async def test_delete_webhook_can_drop_pending_updates(
    bot_api: BotApiStandIn, api_bot: Bot
) -> None:
    bot_api.push_message(1001, 1001, "before start")
    await api_bot.delete_webhook()
    assert len(await api_bot.get_updates()) == 1

    await api_bot.delete_webhook(drop_pending_updates=True)

    assert await api_bot.get_updates() == []


async def test_user_document_is_downloadable(bot_api: BotApiStandIn, api_bot: Bot) -> None:
    message = bot_api.push_document(1001, 1001, "orders.csv", b"id,sum\n")
    assert message.document is not None

    content = await api_bot.download(message.document.file_id)

    assert content is not None
    assert content.read() == b"id,sum\n"


async def test_standalone_server_prints_its_url() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.bot_api_server",
        "--port",
        "0",
        "--token",
        "7:T",
        stdout=asyncio.subprocess.PIPE,
        cwd=PROJECT_ROOT,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(20):
            base_url = (await process.stdout.readline()).decode().strip()
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{base_url}/bot7:T/getMe") as response,
        ):
            me = await response.json()
    finally:
        process.terminate()
        await process.wait()

    assert me["result"]["username"] == "ltv_test_bot"
