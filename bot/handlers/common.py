"""/start, /help, /cancel, /history, /language, /ltv and the catch-all of a private chat."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.callbacks import LanguageCb
from bot.digests.schedule import default_timezone
from bot.filters import Magic, PrivateCommand
from bot.handlers.quick import on_plain_text, on_quick_ltv
from bot.orders.handlers import orders_flow
from bot.render import LOCALES, Renderer, Texts
from bot.screens import replace, send
from bot.storage.base import Repository
from bot.views import Screen, history_screen, language_screen, start_screen, step_screen
from bot.wizard.handlers import show, step_of

HISTORY_SIZE = 10


def build_router() -> Router:
    router = Router(name="common")
    router.message.filter(PrivateCommand())
    router.message.register(on_start, CommandStart())
    router.message.register(on_help, Command("help"))
    router.message.register(on_cancel, Command("cancel"))
    router.message.register(on_history, Command("history"))
    router.message.register(on_language, Command("language"))
    router.message.register(on_quick_ltv, Command("ltv"))
    router.callback_query.register(on_language_chosen, LanguageCb.filter(F.code.in_(LOCALES)))
    return router


def build_fallback_router() -> Router:
    """Last in line: whatever no other handler took."""
    router = Router(name="fallback")
    router.message.filter(Magic(F.chat.type == ChatType.PRIVATE))
    router.message.register(on_plain_text)
    router.callback_query.register(on_unknown_button)
    return router


async def on_start(message: Message, state: FSMContext, t: Texts, repo: Repository) -> None:
    """Greets; a wizard in progress is kept and offered to continue, never thrown away."""
    resumable = step_of(await state.get_state()) is not None
    profile = await repo.get_profile(message.chat.id)
    name = message.from_user.first_name if message.from_user else ""
    await send(message, start_screen(name, profile is not None, resumable, t))


async def on_help(message: Message, t: Texts) -> None:
    await send(message, Screen(t.page("help.j2")))


async def on_cancel(message: Message, state: FSMContext, t: Texts) -> None:
    ended = await cancel_all(state)
    await send(message, Screen(t("cancelled", ended=ended) if ended else t("nothing_to_cancel")))


async def cancel_all(state: FSMContext) -> set[str]:
    """End the conversation and a file review of this person in this chat; the ones that ran
    ("wizard", "file")."""
    ended = set()
    for name, flow in (("wizard", state), ("file", orders_flow(state))):
        if await flow.get_state() is not None:
            ended.add(name)
        await flow.clear()
    return ended


async def on_history(message: Message, t: Texts, repo: Repository) -> None:
    await send(message, await history_of(message.chat.id, t, repo))


async def history_of(chat_id: int, t: Texts, repo: Repository) -> Screen:
    """The chat's latest calculations, dated in its digest's time zone, else its language's."""
    records = await repo.list_calculations(chat_id, limit=HISTORY_SIZE)
    digest = await repo.get_digest_subscription(chat_id)
    zone = digest.schedule.timezone if digest else default_timezone(t.locale)
    return history_screen(records, t, zone)


async def on_language(message: Message, t: Texts) -> None:
    await send(message, language_screen(t))


async def on_language_chosen(
    query: CallbackQuery,
    callback_data: LanguageCb,
    state: FSMContext,
    repo: Repository,
    renderer: Renderer,
) -> None:
    """Saves the language; a calculation in progress goes on in it, its question asked again."""
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await repo.set_language(chat_id, callback_data.code)
    t = renderer(callback_data.code)
    step = step_of(await state.get_state())
    await query.answer()
    await replace(query, Screen(t("language_set", resuming=step is not None)))
    if step is not None and isinstance(query.message, Message):
        draft = await state.get_data()
        await show(query.message, state, step, draft, step_screen(step, draft, t))


async def on_unknown_button(query: CallbackQuery, t: Texts) -> None:
    """A button no handler knows (from a retired version of the bot, or forged): still answered,
    or the user's client spins until it gives up."""
    await query.answer(t("outdated"))
