"""Buttons under a result: what-if, recalculate, history, open an old calculation."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from bot.callbacks import ResultCb
from bot.handlers.common import history_of
from bot.render import Texts
from bot.screens import replace
from bot.storage.base import Repository
from bot.views import result_screen, unfinished_screen, whatif_screen
from bot.wizard.handlers import ask_before_dropping, open_wizard, step_of
from bot.wizard.steps import from_inputs
from ltv_engine.calc import calculate, improve
from ltv_engine.errors import InvalidInput
from ltv_engine.model import Lever, LtvResult

LEVERS = frozenset(lever.value for lever in Lever)


def build_router() -> Router:
    router = Router(name="result")
    router.callback_query.register(on_result_button, ResultCb.filter())
    return router


async def on_result_button(
    query: CallbackQuery, callback_data: ResultCb, state: FSMContext, t: Texts, repo: Repository
) -> None:
    chat_id = query.message.chat.id if query.message else query.from_user.id
    if callback_data.action == "history":
        await query.answer()
        await replace(query, await history_of(chat_id, t, repo))
        return
    record = await repo.get_calculation(chat_id, callback_data.calc_id)
    if record is None or not _understood(callback_data):
        await query.answer(t("outdated"))
        return
    base = calculate(record.inputs)
    if callback_data.action == "whatif":
        await _what_if(query, record.id, base, Lever(callback_data.lever), t)
        return
    await query.answer()
    if callback_data.action == "recalc" and step_of(await state.get_state()) is not None:
        redo = ResultCb(action="redo", calc_id=record.id)
        await ask_before_dropping(query, unfinished_screen(t, redo))
    elif callback_data.action in ("recalc", "redo"):
        await open_wizard(query, state, t, from_inputs(record.inputs))
    else:
        await replace(query, result_screen(record.id, base, t))


async def _what_if(
    query: CallbackQuery, calc_id: int, base: LtvResult, lever: Lever, t: Texts
) -> None:
    try:
        improved = calculate(improve(base.inputs, lever))
    except InvalidInput:  # a step from the very edge of a range leaves it
        await query.answer(t("whatif_beyond_limits"), show_alert=True)
        return
    await query.answer()
    await replace(query, whatif_screen(calc_id, base, improved, lever, t))


def _understood(data: ResultCb) -> bool:
    return data.action in ("recalc", "redo", "open") or (
        data.action == "whatif" and data.lever in LEVERS
    )
