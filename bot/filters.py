"""Filters checked in the event loop.

aiogram runs a plain callable — a magic filter like ``F.chat.type == "private"`` included — in a
worker thread; that hop costs far more than the check. ``Magic(F...)`` does the same check inline.
"""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter


class Magic(Filter):
    def __init__(self, magic: MagicFilter) -> None:
        self._magic = magic

    async def __call__(self, event: TelegramObject) -> bool:
        return bool(self._magic.resolve(event))
