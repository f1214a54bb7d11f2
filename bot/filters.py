"""Filters checked in the event loop.

aiogram runs a plain callable — a magic filter like ``F.chat.type == "private"`` included — in a
worker thread; that hop costs far more than the check. ``Magic(F...)`` does the same check inline.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject
from magic_filter import MagicFilter


class Magic(Filter):
    def __init__(self, magic: MagicFilter) -> None:
        self._magic = magic

    async def __call__(self, event: TelegramObject) -> bool:
        return bool(self._magic.resolve(event))


class PrivateCommand(Filter):
    """A command in a private chat, in a text or a caption as aiogram's ``Command`` reads it.

    One check in front of a router of commands spares every other message a check per command.
    """

    async def __call__(self, message: Message) -> bool:
        text = message.text or message.caption or ""
        return message.chat.type == ChatType.PRIVATE and text.startswith("/")


class PrivateTextIn(Filter):
    """A text that is no command, in a private chat while its conversation is in one of
    ``states``: the busiest handler's checks (chat type, state, text) as one. A command typed
    mid-wizard is never read as an answer: /calc restarts, /digest opens the digest."""

    def __init__(self, states: Iterable[str]) -> None:
        self._states = frozenset(states)

    async def __call__(self, message: Message, raw_state: str | None = None) -> bool:
        return (
            raw_state in self._states
            and message.text is not None
            and not message.text.startswith("/")
            and message.chat.type == ChatType.PRIVATE
        )
