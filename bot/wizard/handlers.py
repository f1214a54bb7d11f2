"""Handlers of the private-chat wizard: arithmetic is the engine's, words are the templates'."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, User

from bot.callbacks import StartCb, WizardCb
from bot.filters import Magic, PrivateTextIn
from bot.render import Texts
from bot.screens import pressed_on, replace, send
from bot.storage.base import CalculationRecord, Repository
from bot.views import Screen, result_screen, step_screen, unfinished_screen
from bot.wizard import steps
from bot.wizard.keyboards import typed_choices
from bot.wizard.states import LtvWizard
from ltv_engine.calc import calculate
from ltv_engine.errors import InvalidInput
from ltv_engine.model import LtvInputs, LtvResult

TEXT_STATES = [getattr(LtvWizard, name) for name, spec in steps.STEPS.items() if spec.parse]
# Start buttons that ask first while a calculation is under way -> the same start, unasked.
ASKING_STARTS = {"calc": "afresh", "recalc": "afresh_recalc"}
DEFAULT_CURRENCY = {"ru": "RUB", "en": "USD"}


def default_currency(t: Texts) -> str:
    return DEFAULT_CURRENCY.get(t.locale, "RUB")


async def chat_currency(repo: Repository, chat_id: int, t: Texts) -> str:
    """For amounts that name no currency: the chat profile's, else its latest calculation's
    (a team's members write in several languages, the shop has one currency), else the
    locale's default."""
    profile = await repo.get_profile(chat_id)
    if profile is not None:
        return profile.inputs.currency
    latest = await repo.list_calculations(chat_id, limit=1)
    return latest[0].currency if latest else default_currency(t)


def build_answers_router() -> Router:
    """Typed answers and button presses: most updates, so the dispatcher tries them early."""
    router = Router(name="wizard answers")
    router.message.register(on_text_answer, PrivateTextIn(state.state for state in TEXT_STATES))
    router.callback_query.filter(Magic(F.message.chat.type == ChatType.PRIVATE))
    router.callback_query.register(on_button, WizardCb.filter())
    return router


def build_router() -> Router:
    """/calc, the start buttons, and whatever else comes mid-wizard that no router before took."""
    router = _private_router("wizard")
    router.message.register(start_wizard, Command("calc"))
    router.callback_query.register(start_from_button, StartCb.filter())
    router.message.register(on_other_answer, StateFilter(LtvWizard))
    return router


def _private_router(name: str) -> Router:
    router = Router(name=name)
    router.message.filter(Magic(F.chat.type == ChatType.PRIVATE))
    router.callback_query.filter(Magic(F.message.chat.type == ChatType.PRIVATE))
    return router


def step_of(state: str | None) -> str | None:
    """'LtvWizard:aov' -> 'aov'; None outside the wizard."""
    if not state or not state.startswith(LtvWizard.__name__ + ":"):
        return None
    return state.split(":", 1)[1]


async def go(state: FSMContext, step: str, draft: steps.Draft) -> None:
    if step == steps.SUMMARY:
        draft = steps.at_summary(draft)
    await state.set_state(getattr(LtvWizard, step))
    await state.set_data(draft)


async def show(
    target: Message | CallbackQuery,
    state: FSMContext,
    step: str,
    draft: steps.Draft,
    screen: Screen,
) -> None:
    """Put ``screen`` of ``step`` in front of the user (a reply to a message, or in place of
    the one a button was on) and make that message the wizard's live one: buttons on any other
    message of the wizard are outdated from now on."""
    if isinstance(target, CallbackQuery):
        shown = await replace(target, screen)
    else:
        shown = await send(target, screen)
    await go(state, step, draft if shown is None else draft | {"screen": shown})


async def open_wizard(
    target: Message | CallbackQuery, state: FSMContext, t: Texts, known: steps.Draft | None = None
) -> None:
    """From scratch, or at the summary of ``known`` inputs."""
    first, draft = steps.opening(default_currency(t), known)
    await show(target, state, first, draft, step_screen(first, draft, t))


async def start_wizard(
    message: Message, state: FSMContext, raw_state: str | None, t: Texts
) -> None:
    if step_of(raw_state) is not None:
        await send(message, unfinished_screen(t, StartCb(action="afresh")))
        return
    await open_wizard(message, state, t)


async def start_from_button(
    query: CallbackQuery, callback_data: StartCb, state: FSMContext, t: Texts, repo: Repository
) -> None:
    await query.answer()
    step = step_of(await state.get_state())
    action = callback_data.action
    if action == "resume" and step is not None:
        draft = await state.get_data()
        await show(query, state, step, draft, step_screen(step, draft, t))
        return
    if action in ASKING_STARTS and step is not None:
        afresh = StartCb(action=ASKING_STARTS[action])
        await ask_before_dropping(query, unfinished_screen(t, afresh))
        return
    known = None
    if action in ("recalc", "afresh_recalc") and query.message is not None:
        profile = await repo.get_profile(query.message.chat.id)
        known = steps.from_inputs(profile.inputs) if profile else None
    await open_wizard(query, state, t, known)


async def ask_before_dropping(query: CallbackQuery, question: Screen) -> None:
    """Ask in a new message: the one the button is on (a result, a file's analysis) stays."""
    if isinstance(query.message, Message):
        await send(query.message, question)
    else:
        await replace(query, question)


async def advance(
    state: FSMContext, step: str, draft: steps.Draft, updates: dict[str, Any]
) -> tuple[str, steps.Draft]:
    following, draft = steps.advanced(step, draft, updates)
    await go(state, following, draft)
    return following, draft


async def on_text_answer(
    message: Message, state: FSMContext, raw_state: str | None, t: Texts
) -> None:
    step = step_of(raw_state)
    if step is None:
        return
    draft = await state.get_data()
    try:
        updates = steps.answer_text(step, message.text or "", draft)
    except InvalidInput as error:
        await show(message, state, step, draft, step_screen(step, draft, t, error=error))
        return
    following, draft = steps.advanced(step, draft, updates)
    await show(message, state, following, draft, step_screen(following, draft, t))


async def on_other_answer(
    message: Message, state: FSMContext, raw_state: str | None, t: Texts
) -> None:
    """A sticker, a photo, a command the bot does not know, or text where a button is
    expected: say what the step needs."""
    step = step_of(raw_state)
    if step is None:
        return
    draft = await state.get_data()
    text = message.text or ""
    needs_buttons = step == steps.SUMMARY or steps.STEPS[step].parse is None
    if needs_buttons and text and not text.startswith("/"):
        try:
            following, draft = steps.after_typed_choice(step, text, draft, typed_choices(step, t))
        except InvalidInput as error:
            if error.field != step:  # a lifetime or churn typed, but out of bounds
                await show(message, state, step, draft, step_screen(step, draft, t, error=error))
                return
        else:
            await show(message, state, following, draft, step_screen(following, draft, t))
            return
    screen = step_screen(step, draft, t)
    if text.startswith("/"):
        hint = t("unknown_command")
    else:
        hint = t("use_buttons", step=step) if needs_buttons else t("need_text")
    await show(message, state, step, draft, Screen(hint + "\n\n" + screen.text, screen.markup))


async def on_button(
    query: CallbackQuery,
    callback_data: WizardCb,
    state: FSMContext,
    raw_state: str | None,
    t: Texts,
    repo: Repository,
) -> None:
    step = step_of(raw_state)
    draft = await state.get_data()
    if step is None or not press_is_current(
        query, step, draft, callback_data, draft.get("screen")
    ):
        await query.answer(t("outdated"))
        return
    await query.answer()
    if callback_data.action == "cancel":
        await state.clear()
        await replace(query, Screen(t("cancelled", ended={"wizard"})))
    elif callback_data.action == "calc":
        await _finish(query, state, draft, t, repo)
    else:
        try:
            following, draft = steps.after_press(
                step, draft, callback_data.action, callback_data.value
            )
        except InvalidInput as error:  # a kept count that no longer fits, or a forged press
            await show(query, state, step, draft, step_screen(step, draft, t, error=error))
            return
        await show(query, state, following, draft, step_screen(following, draft, t))


def press_is_current(
    query: CallbackQuery,
    step: str,
    draft: steps.Draft,
    pressed: WizardCb,
    live_message_id: int | None,
) -> bool:
    """The press belongs to the step asked now, on the flow's live message; Back needs a way
    back, and Calculate the summary (a forged or retired button offers neither)."""
    return (
        step == pressed.step
        and pressed_on(query, live_message_id)
        and (pressed.action != "back" or bool(draft.get("trail")))
        and (pressed.action != "calc" or step == steps.SUMMARY)
    )


async def after_button(
    state: FSMContext, step: str, draft: steps.Draft, data: WizardCb
) -> tuple[str, steps.Draft]:
    following, draft = steps.after_press(step, draft, data.action, data.value)
    await go(state, following, draft)
    return following, draft


async def _finish(
    query: CallbackQuery, state: FSMContext, draft: steps.Draft, t: Texts, repo: Repository
) -> None:
    chat_id = query.message.chat.id if query.message else query.from_user.id
    try:
        record, result = await save_result(repo, chat_id, query.from_user, steps.to_inputs(draft))
    except InvalidInput as error:
        await replace(query, step_screen(steps.SUMMARY, draft, t, error=error))
        return
    await state.clear()
    await replace(query, result_screen(record.id, result, t))


async def save_result(
    repo: Repository, chat_id: int, user: User, inputs: LtvInputs
) -> tuple[CalculationRecord, LtvResult]:
    """Calculate, keep the calculation in the chat's history and make it the chat's profile."""
    result = calculate(inputs)
    record = await repo.save_calculation(
        chat_id,
        inputs,
        ltv=result.ltv,
        revenue_ltv=result.revenue_ltv,
        user_id=user.id,
        user_name=user.full_name,
    )
    return record, result
