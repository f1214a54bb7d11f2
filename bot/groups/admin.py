"""Who may change a group's data: its admins, as Telegram says (never as a message claims)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import Chat, Message, User

ADMIN_STATUSES = frozenset({ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR})


async def is_admin(bot: Bot, chat_id: int, user_id: int) -> bool:
    member = await bot.get_chat_member(chat_id, user_id)
    return member.status in ADMIN_STATUSES


async def may_manage(bot: Bot, chat: Chat, user: User | None) -> bool:
    """Anyone in a private chat; in a group, its creator and administrators."""
    if chat.type == ChatType.PRIVATE:
        return True
    return user is not None and await is_admin(bot, chat.id, user.id)


def sent_anonymously(message: Message) -> bool:
    """Written on behalf of the group itself: by one of its admins, who stays anonymous. Such a
    message has no person to own a setup or a file's buttons (the presses that follow come
    from the person)."""
    return message.sender_chat is not None and message.sender_chat.id == message.chat.id


async def written_by_admin(bot: Bot, message: Message) -> bool:
    """The message comes from an admin of its group: by Telegram's word on its sender, or
    written on behalf of the group itself, which only an anonymous admin can (the sender is
    then GroupAnonymousBot, no admin of anything)."""
    if sent_anonymously(message):
        return True
    return message.from_user is not None and await is_admin(
        bot, message.chat.id, message.from_user.id
    )


async def may_manage_by(bot: Bot, message: Message) -> bool:
    """``may_manage`` for the sender of a message."""
    return message.chat.type == ChatType.PRIVATE or await written_by_admin(bot, message)
