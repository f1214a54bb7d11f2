"""aiogram FSM storage on the repository, so a half-finished wizard survives a restart."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.storage.base import Repository

FSM_KEY_CACHE_SIZE = 4096  # keys of the chats talking to the bot right now


@lru_cache(maxsize=FSM_KEY_CACHE_SIZE)
def fsm_key(key: StorageKey) -> str:
    """Every part of the aiogram key, as an unambiguous and stable string.

    A JSON array rather than a joined string: a business connection id is free text and
    could contain any separator.
    """
    parts = [
        key.bot_id,
        key.chat_id,
        key.user_id,
        key.thread_id,
        key.business_connection_id,
        key.destiny,
    ]
    return json.dumps(parts, separators=(",", ":"), ensure_ascii=False)


class RepositoryStorage(BaseStorage):
    """FSM state and data in the repository; data round-trips through JSON.

    The storage does not own the repository, so ``close`` (which the dispatcher calls when
    polling stops) leaves it open: whoever opened it closes it, after the digest scheduler and
    the other tasks that use it have stopped.
    """

    def __init__(self, repository: Repository) -> None:
        self._repository = repository

    @property
    def repository(self) -> Repository:
        return self._repository

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name = state.state if isinstance(state, State) else state
        await self._repository.set_fsm_state(fsm_key(key), name)

    async def get_state(self, key: StorageKey) -> str | None:
        return await self._repository.get_fsm_state(fsm_key(key))

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping):
            raise DataNotDictLikeError(
                f"Data must be a dict or dict-like object, got {type(data).__name__}"
            )
        await self._repository.set_fsm_data(fsm_key(key), data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self._repository.get_fsm(fsm_key(key))
        return data

    async def close(self) -> None:
        """Nothing to release: the repository outlives the dispatcher (see the class)."""
