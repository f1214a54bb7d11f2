"""The bot's own life in a group: added (an introduction, once), removed (data kept 30 days),
moved to a new id when the group becomes a supergroup."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatMemberStatus
from aiogram.types import ChatMemberUpdated, Message

from bot.filters import Magic
from bot.render import Texts
from bot.storage.base import Repository

GONE = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.KICKED})


def build_router() -> Router:
    router = Router(name="group_membership")
    router.my_chat_member.register(on_my_membership)
    router.message.register(on_migrated_to, Magic(F.migrate_to_chat_id))
    router.message.register(on_migrated_from, Magic(F.migrate_from_chat_id))
    return router


async def on_my_membership(event: ChatMemberUpdated, repo: Repository, t: Texts, bot: Bot) -> None:
    chat = event.chat
    if event.new_chat_member.status in GONE:
        await repo.mark_removed(chat.id)
        return
    if event.old_chat_member.status not in GONE:
        return  # a change of the bot's rights, not an arrival
    await repo.upsert_chat(chat.id, kind=chat.type, title=chat.title)
    if await repo.mark_introduced(chat.id):
        await bot.send_message(chat.id, t("group_intro"))


async def on_migrated_to(message: Message, repo: Repository) -> None:
    """The old group's last word: everything moves to the supergroup's id."""
    if message.migrate_to_chat_id is not None:
        await repo.migrate_chat(message.chat.id, message.migrate_to_chat_id)


async def on_migrated_from(message: Message, repo: Repository) -> None:
    """The supergroup's first word; whichever of the two comes first moves the data."""
    if message.migrate_from_chat_id is not None:
        await repo.migrate_chat(message.migrate_from_chat_id, message.chat.id)
