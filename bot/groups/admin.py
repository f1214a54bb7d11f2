"""Who may change a group's data: its admins, as Telegram says (never as a message claims)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import Chat, User

ADMIN_STATUSES = frozenset({ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR})


async def is_admin(bot: Bot, chat_id: int, user_id: int) -> bool:
    member = await bot.get_chat_member(chat_id, user_id)
    return member.status in ADMIN_STATUSES


async def may_manage(bot: Bot, chat: Chat, user: User | None) -> bool:
    """Anyone in a private chat; in a group, its creator and administrators."""
    if chat.type == ChatType.PRIVATE:
        return True
    return user is not None and await is_admin(bot, chat.id, user.id)
