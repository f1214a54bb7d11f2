"""What the bot keeps between messages: records and the repository interface.

Handlers depend on ``Repository`` only; a backend (``bot.storage.sqlite``) implements it.
Times are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.storage.digests import DigestStore
from bot.storage.groups import GroupStore
from ltv_engine.model import LtvInputs

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class UnknownChat(LookupError):
    """A chat-scoped write for a chat that ``upsert_chat`` has not recorded yet."""

    def __init__(self, chat_id: int) -> None:
        self.chat_id = chat_id
        super().__init__(f"chat {chat_id} is not recorded; call upsert_chat first")


@dataclass(frozen=True, slots=True)
class ChatRecord:
    chat_id: int
    kind: str  # Telegram chat type: private, group, supergroup, channel
    language: str | None  # chosen by the chat; None until someone picks one
    title: str | None
    created_at: datetime
    active: bool


@dataclass(frozen=True, slots=True)
class ShopProfile:
    """The last inputs a chat calculated with: the defaults of its next calculation."""

    chat_id: int
    inputs: LtvInputs
    updated_by_id: int | None
    updated_by_name: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CalculationRecord:
    id: int
    chat_id: int
    user_id: int | None
    inputs: LtvInputs
    ltv: float
    revenue_ltv: float
    currency: str
    created_at: datetime


class Repository(DigestStore, GroupStore, Protocol):
    async def upsert_chat(
        self, chat_id: int, *, kind: str, title: str | None = None
    ) -> ChatRecord:
        """Record the chat or refresh it (a ``None`` title keeps the stored one); marks it
        active."""
        ...

    async def get_chat(self, chat_id: int) -> ChatRecord | None: ...

    async def chat_for_update(
        self, chat_id: int, *, kind: str, title: str | None = None
    ) -> ChatRecord:
        """The record of a chat an update came from: ``upsert_chat`` unless the backend
        remembers the chat (an update proves it active, so a refresh is never wrong)."""
        ...

    async def set_language(self, chat_id: int, language: str) -> None:
        """Raises ``UnknownChat`` if the chat is not recorded."""
        ...

    async def save_profile(
        self, chat_id: int, inputs: LtvInputs, *, user_id: int | None, user_name: str | None
    ) -> ShopProfile:
        """Replace the chat's profile; raises ``UnknownChat`` if the chat is not recorded."""
        ...

    async def get_profile(self, chat_id: int) -> ShopProfile | None: ...

    async def add_calculation(
        self,
        chat_id: int,
        user_id: int | None,
        inputs: LtvInputs,
        *,
        ltv: float,
        revenue_ltv: float,
    ) -> CalculationRecord:
        """Raises ``UnknownChat`` if the chat is not recorded, ``ValueError`` if an LTV is not
        finite."""
        ...

    async def save_calculation(
        self,
        chat_id: int,
        inputs: LtvInputs,
        *,
        ltv: float,
        revenue_ltv: float,
        user_id: int | None,
        user_name: str | None,
    ) -> CalculationRecord:
        """``add_calculation`` and ``save_profile`` at once, the way a finished wizard needs.
        Raises ``UnknownChat`` if the chat is not recorded, ``ValueError`` if an LTV is not
        finite."""
        ...

    async def list_calculations(self, chat_id: int, *, limit: int = 10) -> list[CalculationRecord]:
        """The chat's latest calculations, newest first."""
        ...

    async def get_calculation(self, chat_id: int, calculation_id: int) -> CalculationRecord | None:
        """``None`` also when the calculation belongs to another chat."""
        ...

    async def get_fsm(self, key: str) -> tuple[str | None, dict[str, Any]]:
        """State and data stored under ``key``; ``(None, {})`` when nothing is."""
        ...

    async def get_fsm_state(self, key: str) -> str | None:
        """The state alone, read on every update: cheaper than ``get_fsm``."""
        ...

    async def set_fsm_state(self, key: str, state: str | None) -> None: ...

    async def set_fsm_data(self, key: str, data: Mapping[str, Any]) -> None:
        """Data goes through JSON: a value JSON cannot hold raises ``TypeError`` (``ValueError``
        for NaN and infinities) and nothing is stored."""
        ...

    async def close(self) -> None: ...
