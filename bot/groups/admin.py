"""Who may change a group's data: its admins, as Telegram says (never as a message claims)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.enums import ChatMemberStatus

ADMIN_STATUSES = frozenset({ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR})


async def is_admin(bot: Bot, chat_id: int, user_id: int) -> bool:
    member = await bot.get_chat_member(chat_id, user_id)
    return member.status in ADMIN_STATUSES
