"""An order export sent to the bot: read it, let the person check the columns, analyse it.

Private chats, and groups for their admins. The FSM keeps the file's Telegram id (never its
bytes), so the buttons still work after a restart: each step downloads the file again. The
flow has an FSM record of its own (``ORDERS_DESTINY``): a file sent in the middle of the
wizard or of a group's /setup leaves their answers where they were. The
reading, fitting and drawing run in worker threads, at most ``parallel_jobs`` files at a time
(download included), so memory stays bounded and the bot keeps answering other chats.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Document,
    InaccessibleMessage,
    Message,
    User,
)
from aiohttp import ClientError
from babel.numbers import get_decimal_symbol

from bot.filters import Magic
from bot.groups.admin import may_manage, sent_anonymously, written_by_admin
from bot.orders import views
from bot.orders.callbacks import OrdersCb, OrdersFlow
from bot.orders.work import (
    CORRECTABLE_ROLES,
    Refused,
    Understood,
    analyse,
    draw,
    understand,
    with_profile_extras,
)
from bot.render import Texts
from bot.screens import reply_in_group, topic_of
from bot.storage.base import Repository
from bot.views import Screen
from bot.wizard.handlers import chat_currency
from ltv_engine.orders.analysis import measured_ltv_inputs
from ltv_engine.orders.errors import InvalidOrdersFile
from ltv_engine.orders.export import predictions_csv, predicts
from ltv_engine.orders.ingest import DEFAULT_LIMITS
from ltv_engine.orders.ingest_columns import Column
from ltv_engine.serialize import inputs_from_dict, inputs_to_dict

MAX_PARALLEL_JOBS = 2
SPREADSHEET_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls")  # what a group's file must be
CSV_FILE_NAME = "clv_predictions.csv"
ORDERS_DESTINY = "orders"


def build_router(parallel_jobs: int = MAX_PARALLEL_JOBS) -> Router:
    files = OrderFiles(parallel_jobs)
    router = Router(name="orders")
    router.message.register(files.on_document, Magic(F.document))
    router.callback_query.register(files.on_button, OrdersCb.filter())
    return router


def orders_flow(state: FSMContext) -> FSMContext:
    """The file flow's own FSM record beside the chat's conversation (same chat and user)."""
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=ORDERS_DESTINY))


class OrderFiles:
    """The flow's handlers and the job slots they share."""

    def __init__(self, parallel_jobs: int) -> None:
        self._slots = asyncio.Semaphore(parallel_jobs)

    async def on_document(self, message: Message, state: FSMContext, t: Texts, bot: Bot) -> None:
        document = message.document
        if document is None or not await self._may_upload(message, document, t, bot):
            return
        if (document.file_size or 0) > DEFAULT_LIMITS.max_bytes:
            size = document.file_size or 0
            await message.answer(views.too_large_screen(size, DEFAULT_LIMITS.max_bytes, t).text)
            return
        state = orders_flow(state)
        progress = await message.answer(
            views.progress_screen("reading", t).text, reply_parameters=reply_in_group(message)
        )
        file = {"file_id": document.file_id, "file_name": document.file_name or "orders.csv"}
        understood = await self._understand(progress, file, {}, t, bot)
        if isinstance(understood, Screen):
            await state.clear()
            await _edit(progress, understood)
            return
        review, fields = _review(understood, {}, t)
        await state.set_state(OrdersFlow.review)
        await state.set_data(file | {"message_id": progress.message_id} | fields)
        await _edit(progress, review)

    async def _may_upload(self, message: Message, document: Document, t: Texts, bot: Bot) -> bool:
        """Anyone in a private chat; in a group, a spreadsheet from an admin (other files
        people share in the group are none of the bot's business)."""
        if message.chat.type == ChatType.PRIVATE:
            return True
        name = (document.file_name or "").lower()
        if not name.endswith(SPREADSHEET_SUFFIXES):
            return False
        if sent_anonymously(message):  # its review's buttons would have no one to answer
            await message.reply(t("group_write_as_yourself"))
            return False
        if await written_by_admin(bot, message):
            return True
        await message.reply(t("orders_admins_only"))
        return False

    async def _understand(
        self,
        progress: Message,
        file: dict[str, str],
        overrides: dict[str, Column],
        t: Texts,
        bot: Bot,
    ) -> Understood | Refused | Screen:
        """Download and read the file, showing the stages; on failure, what to say why (a
        refusal because of a column is Refused: the review shows it, to pick another)."""
        async with self._slots:
            data = await _download(bot, file["file_id"])
            if data is None:
                return Screen(t("orders_download_failed"))
            await _edit(progress, views.progress_screen("understanding", t))
            try:
                return await asyncio.to_thread(understand, data, file["file_name"], overrides)
            except InvalidOrdersFile as error:
                return views.invalid_screen(error, t)

    async def on_button(
        self,
        query: CallbackQuery,
        callback_data: OrdersCb,
        state: FSMContext,
        t: Texts,
        bot: Bot,
        repo: Repository,
    ) -> None:
        state = orders_flow(state)
        data = await state.get_data()
        message = query.message
        expected = OrdersFlow.analysed if callback_data.action == "save" else OrdersFlow.review
        if (
            not isinstance(message, Message)
            or message.message_id != data.get("message_id")
            or await state.get_state() != expected.state
        ):
            text, alert = _not_current(message, query.from_user, t)
            await query.answer(text, show_alert=alert)
            return
        if callback_data.action == "save" and not await may_manage(
            bot, message.chat, query.from_user
        ):
            await query.answer(t("group_admins_only"), show_alert=True)  # no longer an admin
            return
        await query.answer()
        if callback_data.action == "role" and callback_data.role in CORRECTABLE_ROLES:
            role, near = callback_data.role, callback_data.column
            screen = views.columns_screen(
                _labels(data, t), role, _position(data, role), t, near=near if near >= 0 else None
            )
            await _edit(message, screen)
        elif callback_data.action == "pick":
            await self._pick(message, callback_data, data, state, t, bot)
        elif callback_data.action == "go":
            await self._analyse(message, data, state, t, bot, repo)
        elif callback_data.action == "save":
            await _save(message, query.from_user, data, t, repo)
        else:
            await _edit(message, _review_again(data, t))

    async def _pick(
        self,
        message: Message,
        choice: OrdersCb,
        data: dict[str, Any],
        state: FSMContext,
        t: Texts,
        bot: Bot,
    ) -> None:
        """Read the file again with the chosen column; a column read for another role already
        is refused before reading, and a choice the file cannot be read with is explained
        above the columns as they were."""
        headers = data["headers"]
        if choice.role not in CORRECTABLE_ROLES or not 0 <= choice.column < len(headers):
            await _edit(message, _review_again(data, t))
            return
        taken_by = _role_at(data, choice.column, besides=choice.role)
        if taken_by is not None:
            current = _position(data, choice.role)
            screen = views.column_taken_screen(
                _labels(data, t), choice.role, current, choice.column, taken_by, t
            )
            await _edit(message, screen)
            return
        overrides = data["overrides"] | {choice.role: choice.column}
        understood = await self._understand(message, data, overrides, t, bot)
        if isinstance(understood, Screen):
            await _edit(message, _review_again(data, t, problem=understood.text))
            return
        if isinstance(understood, Refused) and understood.role == choice.role:
            label = _labels(data, t)[choice.column]
            note = views.wrong_column_note(understood, label, t)
            await _edit(message, _review_again(data, t, problem=note))
            return
        review, fields = _review(understood, overrides, t)
        await state.update_data(fields)
        await _edit(message, review)

    async def _analyse(
        self,
        message: Message,
        data: dict[str, Any],
        state: FSMContext,
        t: Texts,
        bot: Bot,
        repo: Repository,
    ) -> None:
        await state.set_state(None)  # a second press while this runs is outdated
        async with self._slots:
            await _edit(message, views.progress_screen("reading", t))
            raw = await _download(bot, data["file_id"])
            if raw is None:
                await _edit(message, Screen(t("orders_download_failed")))
                return
            await _edit(message, views.progress_screen("fitting", t))
            try:
                table, analysis = await asyncio.to_thread(
                    analyse, raw, data["file_name"], data["overrides"]
                )
            except InvalidOrdersFile as error:  # the file changed its mind since the review
                await _edit(message, views.invalid_screen(error, t))
                return
            del raw
            currency = table.currency or await chat_currency(repo, message.chat.id, t)
            await _edit(message, views.progress_screen("charts", t))
            label = views.currency_label(currency, t.locale)
            charts = await asyncio.to_thread(
                draw,
                table,
                analysis,
                label,
                views.chart_labels(t),
                partial(t.money, currency=currency),
            )
            csv = await asyncio.to_thread(
                predictions_csv,
                analysis,
                headers=views.csv_headers(t),
                words=views.csv_words(t),
                decimal_comma=get_decimal_symbol(t.locale) == ",",
            )
        inputs = measured_ltv_inputs(analysis, currency)
        if inputs is not None:
            await state.set_state(OrdersFlow.analysed)
            await state.set_data(
                {"message_id": message.message_id, "inputs": inputs_to_dict(inputs)}
            )
        private = message.chat.type == ChatType.PRIVATE
        today = datetime.now(UTC).date()
        screen = views.result_screen(analysis, inputs, currency, t, private=private, today=today)
        await _edit(message, screen)
        for chart in charts:
            photo = BufferedInputFile(chart.png, f"{chart.kind}.png")
            await bot.send_photo(
                message.chat.id,
                photo,
                message_thread_id=topic_of(message),
                caption=views.chart_caption(chart.kind, t),
            )
        document = BufferedInputFile(csv, CSV_FILE_NAME)
        caption = t("orders_csv_caption", predicted=predicts(analysis))
        await bot.send_document(
            message.chat.id, document, message_thread_id=topic_of(message), caption=caption
        )


def _not_current(
    review: Message | InaccessibleMessage | None, presser: User, t: Texts
) -> tuple[str, bool]:
    """Why a review's button does nothing for ``presser``: in a group, the review of another
    person's file (an alert); else an outdated button."""
    asked = review.reply_to_message if isinstance(review, Message) else None
    sender = asked.from_user if asked else None
    if sender is not None and sender.id != presser.id:
        return t("orders_not_yours"), True
    return t("outdated"), False


async def _save(
    message: Message, user: User, data: dict[str, Any], t: Texts, repo: Repository
) -> None:
    chat_id = message.chat.id
    previous = await repo.get_profile(chat_id)
    inputs = with_profile_extras(
        inputs_from_dict(data["inputs"]), previous.inputs if previous else None
    )
    await repo.save_profile(chat_id, inputs, user_id=user.id, user_name=user.full_name)
    private = message.chat.type == ChatType.PRIVATE
    screen = views.saved_screen(inputs, private=private, t=t)
    await message.answer(screen.text, reply_markup=screen.markup)


def _position(data: dict[str, Any], role: str) -> int | None:
    """The position of the column the role is read from (reviews saved before positions were
    kept: the first column of its header)."""
    if "positions" in data:
        position: int | None = data["positions"].get(role)
        return position
    header = data["columns"].get(role)
    return data["headers"].index(header) if header in data["headers"] else None


def _role_at(data: dict[str, Any], column: int, *, besides: str) -> str | None:
    """The other correctable role read from this column now, if any."""
    others = (role for role in CORRECTABLE_ROLES if role != besides)
    return next((role for role in others if _position(data, role) == column), None)


def _review(
    reviewed: Understood | Refused, overrides: dict[str, Column], t: Texts
) -> tuple[Screen, dict[str, Any]]:
    """The review and what the flow keeps of it: enough to show it again and to pick."""
    screen, names = views.review_screen(reviewed, overrides, t)
    positions = reviewed.positions if isinstance(reviewed, Refused) else reviewed.report.positions
    fields = {
        "headers": list(reviewed.headers),
        "samples": list(reviewed.samples),
        "names": names,
        "positions": positions,
        "overrides": overrides,
        "review_text": screen.text,
        "ready": not isinstance(reviewed, Refused),
    }
    return screen, fields


def _labels(data: dict[str, Any], t: Texts) -> list[str]:
    return views.column_labels(data["headers"], data.get("samples", ()), t)


def _review_again(data: dict[str, Any], t: Texts, *, problem: str = "") -> Screen:
    """The review as last shown (reviews saved before names were kept: by their columns)."""
    text = data["review_text"] if not problem else problem + "\n\n" + data["review_text"]
    names = data.get("names", data.get("columns", {}))
    return Screen(text, views.review_keyboard(names, t, ready=data.get("ready", True)))


async def _download(bot: Bot, file_id: str) -> bytes | None:
    """The file's bytes; None when Telegram will not hand it over (too big, gone, or the
    download broke off)."""
    try:
        buffer = await bot.download(file_id)
    except (TelegramBadRequest, ClientError, TimeoutError):
        return None
    return None if buffer is None else buffer.read()


async def _edit(message: Message, screen: Screen) -> None:
    try:
        await message.edit_text(screen.text, reply_markup=screen.markup)
    except TelegramBadRequest as error:
        if "not modified" not in error.message:
            raise
