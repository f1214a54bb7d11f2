"""/setup in a group: the private wizard's steps, asked of one admin with forced replies.

Privacy mode shows the bot only commands and replies to its messages, so each typed answer is
asked for as a reply to that person (ForceReply, selective: only their client opens it) and is
taken only when it replies to the question asked. Choices stay inline buttons that carry the
owner's id: someone else's press gets an alert and changes nothing. FSM state is per person in
the chat, so two people's setups never mix.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    ForceReply,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
)

from bot.callbacks import WizardCb
from bot.filters import Magic
from bot.groups.admin import is_admin
from bot.groups.views import team_screen
from bot.render import Texts
from bot.screens import replace, topic_of
from bot.storage.base import Repository
from bot.views import Screen, step_screen
from bot.wizard import steps
from bot.wizard.handlers import (
    advance,
    after_button,
    chat_currency,
    go,
    press_is_current,
    save_result,
    step_of,
)
from bot.wizard.keyboards import typed_choices
from bot.wizard.states import LtvWizard
from ltv_engine.errors import InvalidInput

SKIP_ANSWER = "-"
QUESTION = "group_question"  # draft key: the bot's message the answer must reply to
ANCHOR = "group_anchor"  # draft key: the person's latest message, the next question's target
TOPIC = "group_topic"  # draft key: the forum topic /setup was sent in (None: the chat itself)
# Draft key: the name of an owner who opened the setup with a button. Until a message of theirs
# is the anchor, questions mention them: a selective forced reply reaches whom a message
# mentions or replies to, and a reply to the bot's own message would reach no one.
MENTIONED = "group_mentioned"


class GroupWizardCb(CallbackData, prefix="gw"):
    """A wizard button (``WizardCb``'s fields) that only ``owner`` may press."""

    owner: int
    step: str
    action: str
    value: str = ""


def build_router() -> Router:
    router = Router(name="group_wizard")
    router.message.register(
        on_answer, StateFilter(LtvWizard), Magic(F.text), Magic(F.reply_to_message)
    )
    router.callback_query.register(on_button, GroupWizardCb.filter())
    return router


async def start_setup(
    message: Message, state: FSMContext, t: Texts, repo: Repository, bot: Bot
) -> None:
    """An admin's /setup."""
    where = Asked(message.chat.id, message.message_id, topic_of(message))
    await open_setup(bot, where, state, t, repo, owner=_sender(message))


@dataclass(frozen=True, slots=True)
class Asked:
    """Where a setup was asked for: the chat, the owner's message its questions reply to (None
    for a button the owner pressed, ``name`` then mentioned instead), the topic."""

    chat_id: int
    anchor: int | None
    topic: int | None
    name: str = ""


async def open_setup(
    bot: Bot, where: Asked, state: FSMContext, t: Texts, repo: Repository, *, owner: int
) -> None:
    """The setup of ``owner`` (an admin): from the team profile's summary when there is one. A
    setup this person has under way is never thrown away: its question is asked again (/cancel
    starts afresh)."""
    if step_of(await state.get_state()) is not None:
        await state.update_data({ANCHOR: where.anchor, TOPIC: where.topic, MENTIONED: where.name})
        note = t("group_setup_under_way")
        await _ask(bot, where.chat_id, state, t, owner=owner, note=note)
        return
    profile = await repo.get_profile(where.chat_id)
    known = steps.from_inputs(profile.inputs) if profile else None
    first, draft = steps.opening(await chat_currency(repo, where.chat_id, t), known)
    draft[ANCHOR] = where.anchor
    draft[TOPIC] = where.topic
    draft[MENTIONED] = where.name
    await go(state, first, draft)
    await _ask(bot, where.chat_id, state, t, owner=owner)


async def on_answer(message: Message, state: FSMContext, t: Texts, bot: Bot) -> None:
    """A reply from the person running the setup (FSM state is per person in the chat)."""
    step = step_of(await state.get_state())
    draft = await state.get_data()
    replied = message.reply_to_message
    if step is None or replied is None:
        return
    to_the_question = replied.message_id == draft.get(QUESTION)
    if to_the_question and not _asks_text(step):
        await _on_typed_choice(message, state, t, bot, step, draft)
        return
    if not to_the_question:
        # Said rather than dropped silently, or the person would think it was taken: a reply to
        # an older question of the bot's. Other replies are talk.
        if replied.from_user is not None and replied.from_user.id == bot.id:
            await state.update_data({ANCHOR: message.message_id})
            note = t("group_reply_to_latest")
            await _ask(bot, message.chat.id, state, t, owner=_sender(message), note=note)
        return
    draft[ANCHOR] = message.message_id
    try:
        updates = _typed_answer(step, message.text or "", draft)
    except InvalidInput as error:
        await state.set_data(draft)
        await _ask(bot, message.chat.id, state, t, owner=_sender(message), error=error)
        return
    await advance(state, step, draft, updates)
    await _ask(bot, message.chat.id, state, t, owner=_sender(message))


async def _on_typed_choice(
    message: Message, state: FSMContext, t: Texts, bot: Bot, step: str, draft: steps.Draft
) -> None:
    """Typed where buttons answer: taken as the private wizard takes it, else the question again
    with what is wrong, or with a word to press a button."""
    draft[ANCHOR] = message.message_id
    owner = _sender(message)
    try:
        following, draft = steps.after_typed_choice(
            step, message.text or "", draft, typed_choices(step, t)
        )
    except InvalidInput as error:
        await state.set_data(draft)
        if error.field == step:
            await _ask(bot, message.chat.id, state, t, owner=owner, note=t("group_press_a_button"))
        else:
            await _ask(bot, message.chat.id, state, t, owner=owner, error=error)
        return
    await go(state, following, draft)
    await _ask(bot, message.chat.id, state, t, owner=owner)


def _typed_answer(step: str, text: str, draft: steps.Draft) -> steps.Updates:
    if text.strip() == SKIP_ANSWER and steps.STEPS[step].optional:
        return steps.answer_skip(step)
    return steps.answer_text(step, text, draft)


async def on_button(
    query: CallbackQuery,
    callback_data: GroupWizardCb,
    state: FSMContext,
    t: Texts,
    repo: Repository,
    bot: Bot,
) -> None:
    if query.from_user.id != callback_data.owner:
        await query.answer(t("group_not_yours"), show_alert=True)
        return
    step = step_of(await state.get_state())
    draft = await state.get_data()
    pressed = WizardCb(
        step=callback_data.step, action=callback_data.action, value=callback_data.value
    )
    chat_id = _chat_id(query)
    if step is None or not press_is_current(query, step, draft, pressed, draft.get(QUESTION)):
        await query.answer(t("outdated"))
    elif pressed.action == "cancel":
        await query.answer()
        await state.clear()
        await replace(query, Screen(t("group_cancelled", ended={"wizard"})))
    elif pressed.action == "calc":
        await _finish(query, state, draft, t, repo, bot)
    else:
        await query.answer()
        with suppress(InvalidInput):  # a choice the step does not offer: the same step again
            await after_button(state, step, draft, pressed)
        await _ask(bot, chat_id, state, t, owner=query.from_user.id, pressed=query)


async def _finish(
    query: CallbackQuery,
    state: FSMContext,
    draft: steps.Draft,
    t: Texts,
    repo: Repository,
    bot: Bot,
) -> None:
    chat_id = _chat_id(query)
    if not await is_admin(bot, chat_id, query.from_user.id):  # demoted since /setup
        await query.answer(t("group_admins_only"), show_alert=True)
        return
    try:
        await save_result(repo, chat_id, query.from_user, steps.to_inputs(draft))
    except InvalidInput as error:
        await query.answer()
        screen = step_screen(steps.SUMMARY, draft, t, error=error)
        await replace(query, _owned(screen, owner=query.from_user.id))
        return
    await query.answer()
    await state.clear()
    profile = await repo.get_profile(chat_id)
    if profile is not None:
        await replace(query, team_screen(profile, t))


async def _ask(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    t: Texts,
    *,
    owner: int,
    error: InvalidInput | None = None,
    pressed: CallbackQuery | None = None,
    note: str | None = None,
) -> None:
    """Put the current step before its owner: a choice in place of the pressed buttons, a typed
    answer as a forced reply to the owner's latest message; ``note`` goes on top."""
    step = step_of(await state.get_state())
    if step is None:
        return
    draft = await state.get_data()
    screen = step_screen(step, draft, t, error=error, group=True)
    if note is not None:
        screen = Screen(note + "\n\n" + screen.text, screen.markup)
    asks_text = _asks_text(step)
    if not asks_text and pressed is not None:
        shown = await replace(pressed, _owned(screen, owner=owner))
        if shown != draft.get(QUESTION):  # it could not be edited: a new message took its place
            await state.update_data({QUESTION: shown})
        return
    markup: ForceReply | InlineKeyboardMarkup | None
    if asks_text:
        spec = steps.STEPS[step]
        unit = spec.toggle.key if spec.toggle else None
        mentioned = draft.get(MENTIONED) if draft.get(ANCHOR) is None else None
        hint = t(
            "group_reply_hint",
            skippable=spec.optional,
            unit=unit,
            owner=owner,
            mentioned=mentioned,
        )
        text = screen.text + "\n\n" + hint
        markup = ForceReply(selective=True, input_field_placeholder=t.button("group_placeholder"))
    else:
        text, markup = screen.text, _owned(screen, owner=owner).markup
    sent = await bot.send_message(
        chat_id,
        text,
        reply_markup=markup,
        message_thread_id=draft.get(TOPIC),
        reply_parameters=_reply_to(draft.get(ANCHOR)),
    )
    await state.update_data({QUESTION: sent.message_id})


def _reply_to(anchor: int | None) -> ReplyParameters | None:
    return (
        None
        if anchor is None
        else ReplyParameters(message_id=anchor, allow_sending_without_reply=True)
    )


def _asks_text(step: str) -> bool:
    return step != steps.SUMMARY and steps.STEPS[step].parse is not None


def _owned(screen: Screen, owner: int) -> Screen:
    """The screen with its wizard buttons bound to ``owner``."""
    if screen.markup is None:
        return screen
    rows = [
        [_owned_button(button, owner) for button in row] for row in screen.markup.inline_keyboard
    ]
    return Screen(screen.text, InlineKeyboardMarkup(inline_keyboard=rows))


def _owned_button(button: InlineKeyboardButton, owner: int) -> InlineKeyboardButton:
    if button.callback_data is None:
        return button
    data = WizardCb.unpack(button.callback_data)
    owned = GroupWizardCb(owner=owner, step=data.step, action=data.action, value=data.value)
    return button.model_copy(update={"callback_data": owned.pack()})


def _sender(message: Message) -> int:
    return message.from_user.id if message.from_user else message.chat.id


def _chat_id(query: CallbackQuery) -> int:
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        return query.from_user.id
    return message.chat.id
