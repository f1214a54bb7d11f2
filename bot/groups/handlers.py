"""Commands of a group chat. Every reply answers the command that asked, once, on one screen."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, User

from bot.filters import Magic
from bot.groups import membership, wizard
from bot.groups.admin import sent_anonymously, written_by_admin
from bot.groups.views import quick_screen, team_screen
from bot.handlers.common import cancel_all
from bot.render import Texts
from bot.storage.base import Repository
from bot.views import Screen, quick_usage_screen
from bot.wizard.handlers import chat_currency
from bot.wizard.states import LtvWizard
from ltv_engine.calc import calculate
from ltv_engine.errors import InvalidInput
from ltv_engine.quick import parse_quick

GROUP_CHATS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
GROUP_COMMANDS = ("ltv", "team", "setup", "useprofile", "digest", "forget", "cancel", "help")
PRIVATE_ONLY_COMMANDS = ("calc", "history", "language")


def build_router() -> Router:
    router = Router(name="groups")
    router.message.filter(Magic(F.chat.type.in_(GROUP_CHATS)))
    router.callback_query.filter(Magic(F.message.chat.type.in_(GROUP_CHATS)))
    router.my_chat_member.filter(Magic(F.chat.type.in_(GROUP_CHATS)))
    router.message.register(on_ltv, Command("ltv"))
    router.message.register(on_team, Command("team"))
    router.message.register(on_setup, Command("setup"))
    router.message.register(on_use_profile, Command("useprofile"))
    router.message.register(on_forget, Command("forget"))
    router.message.register(on_cancel, Command("cancel"))
    router.message.register(on_help, Command("help", "start"))
    router.message.register(on_private_command, Command(*PRIVATE_ONLY_COMMANDS))
    router.include_routers(membership.build_router(), wizard.build_router())
    return router


async def _reply(message: Message, screen: Screen) -> None:
    await message.reply(screen.text, reply_markup=screen.markup)


async def on_private_command(message: Message, t: Texts) -> None:
    """A private chat's command in a group: said where it works, rather than ignored."""
    await _reply(message, Screen(t("group_private_only")))


async def on_ltv(message: Message, command: CommandObject, t: Texts, repo: Repository) -> None:
    """/ltv with numbers: calculate now; alone: the team profile, or how to get one."""
    profile = await repo.get_profile(message.chat.id)
    if not command.args:
        await _reply(
            message, team_screen(profile, t) if profile else Screen(t("group_no_profile"))
        )
        return
    currency = await chat_currency(repo, message.chat.id, t)
    try:
        result = calculate(parse_quick(command.args, currency=currency))
    except InvalidInput as error:
        await _reply(message, quick_usage_screen(error, t))
        return
    user_id = message.from_user.id if message.from_user else None
    await repo.add_calculation(
        message.chat.id, user_id, result.inputs, ltv=result.ltv, revenue_ltv=result.revenue_ltv
    )
    await _reply(message, quick_screen(result, t))


async def on_team(message: Message, t: Texts, repo: Repository) -> None:
    profile = await repo.get_profile(message.chat.id)
    await _reply(message, team_screen(profile, t) if profile else Screen(t("group_no_profile")))


async def _refused(message: Message, t: Texts, bot: Bot, *, as_a_person: bool = False) -> bool:
    """True (after a polite refusal) unless the sender is an admin of the group; with
    ``as_a_person``, one writing as themselves (what follows belongs to a person)."""
    if as_a_person and sent_anonymously(message):
        await _reply(message, Screen(t("group_write_as_yourself")))
        return True
    if await written_by_admin(bot, message):
        return False
    await _reply(message, Screen(t("group_admins_only")))
    return True


async def on_setup(
    message: Message, state: FSMContext, t: Texts, repo: Repository, bot: Bot
) -> None:
    if not await _refused(message, t, bot, as_a_person=True):
        await wizard.start_setup(message, state, t, repo, bot)


async def on_use_profile(message: Message, t: Texts, repo: Repository, bot: Bot) -> None:
    """An admin's own profile (their private chat's, whose id is theirs) becomes the team's."""
    if message.from_user is None or await _refused(message, t, bot, as_a_person=True):
        return
    user = message.from_user
    own = await repo.get_profile(user.id)
    if own is None:
        await _reply(message, Screen(t("group_no_private_profile")))
        return
    profile = await repo.save_profile(
        message.chat.id, own.inputs, user_id=user.id, user_name=user.full_name
    )
    await _reply(message, team_screen(profile, t))


async def on_forget(
    message: Message, state: FSMContext, t: Texts, repo: Repository, bot: Bot
) -> None:
    if await _refused(message, t, bot):
        return
    await state.clear()
    conversations = await repo.forget_chat(message.chat.id)
    setups = [user_id for user_id, state in conversations if state in LtvWizard]
    people = [await _member(bot, message.chat.id, user_id) for user_id in setups]
    await _reply(message, Screen(t("group_forgotten", interrupted=people)))


async def _member(bot: Bot, chat_id: int, user_id: int) -> User:
    """Who ``user_id`` is in the chat, to name them; one who has left is named by id alone."""
    try:
        return (await bot.get_chat_member(chat_id, user_id)).user
    except TelegramAPIError:
        return User(id=user_id, is_bot=False, first_name=str(user_id))


async def on_cancel(message: Message, state: FSMContext, t: Texts) -> None:
    ended = await cancel_all(state)
    cancelled = t("group_cancelled", ended=ended) if ended else t("group_nothing_to_cancel")
    await _reply(message, Screen(cancelled))


async def on_help(message: Message, t: Texts) -> None:
    await _reply(message, Screen(t("group_intro")))
