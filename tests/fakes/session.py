"""A Bot API session that records every method the bot calls and answers like Telegram.

Results and errors travel through `check_response` as JSON, exactly as with the bot's real HTTP
session (bot.session: aiogram's, with its answer types pinned): returned objects are bound to
the bot, and a scripted ApiError(429) reaches the bot as TelegramRetryAfter.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientResponseError, RequestInfo
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from bot.session import PinnedResponseTypes
from tests.fakes.telegram import ApiError, FakeTelegram, StoredFile, jsonable

TOKEN = "42:TEST"

M = TypeVar("M", bound=TelegramMethod[Any])
ErrorScript = ApiError | BaseException | Callable[[TelegramMethod[Any]], BaseException]


@dataclass(frozen=True)
class _Scripted:
    error: ErrorScript | None = None
    result: Any = None


class RecordingSession(PinnedResponseTypes):
    """Records `requests` (method objects, in order) and answers them from a FakeTelegram."""

    def __init__(self, telegram: FakeTelegram | None = None) -> None:
        super().__init__()
        self.telegram = telegram or FakeTelegram()
        self.requests: list[TelegramMethod[Any]] = []
        self.closed = False
        self._scripted: defaultdict[str, deque[_Scripted]]  # by Bot API method name
        self._scripted = defaultdict(deque)

    @property
    def admins(self) -> dict[int, set[int]]:
        """chat id -> ids of its administrators (getChatMember, getChatAdministrators)."""
        return self.telegram.admins

    def add_file(
        self,
        file_id: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        """Make a file downloadable by id (getFile + bot.download_file)."""
        return self.telegram.add_file(file_id, data, file_name=file_name, mime_type=mime_type)

    def fail_next(self, method_type: type[TelegramMethod[Any]], error: ErrorScript) -> None:
        """The next call of this method fails: an ApiError becomes aiogram's exception for it
        (ApiError(429, retry_after=3) -> TelegramRetryAfter, ApiError(403) ->
        TelegramForbiddenError); an exception is raised as is; a callable gets the method."""
        self._scripted[method_type.__api_method__].append(_Scripted(error=error))

    def answer_next(self, method_type: type[TelegramMethod[TelegramType]], result: Any) -> None:
        """The next call of this method returns `result` instead of the automatic answer."""
        self._scripted[method_type.__api_method__].append(_Scripted(result=result))

    def sent_texts(self) -> list[str]:
        """Texts of sendMessage and editMessageText calls in order, markup as sent."""
        return [
            method.text
            for method in self.requests
            if isinstance(method, SendMessage | EditMessageText) and method.text is not None
        ]

    def of_type(self, method_type: type[M]) -> list[M]:
        return [method for method in self.requests if isinstance(method, method_type)]

    def last(self, method_type: type[M]) -> M:
        calls = self.of_type(method_type)
        if not calls:
            sent = ", ".join(type(method).__name__ for method in self.requests) or "nothing"
            raise AssertionError(f"the bot made no {method_type.__name__} call; it made: {sent}")
        return calls[-1]

    def clear(self) -> None:
        self.requests.clear()

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (BaseSession's signature)
    ) -> TelegramType:
        self.requests.append(method)
        try:
            status, body = 200, {"ok": True, "result": jsonable(await self._result(method, bot))}
        except ApiError as error:
            status, body = error.status, error.payload()
        response = self.check_response(bot, method, status, json.dumps(body))
        return response.result  # type: ignore[return-value]

    async def _result(self, method: TelegramMethod[Any], bot: Bot) -> Any:
        queue = self._scripted.get(method.__api_method__)
        if not queue:
            return await self.telegram.answer(method, bot)
        scripted = queue.popleft()
        if scripted.error is None:
            return scripted.result
        if isinstance(scripted.error, BaseException):
            raise scripted.error
        raise scripted.error(method)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 (BaseSession's signature)
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        # url is "<base>/file/bot<token>/<file_path>"
        file_path = url.split("/file/bot", 1)[-1].partition("/")[2]
        stored = self.telegram.file_at(file_path)
        if stored is None:  # as aiohttp's raise_for_status on Telegram's 404
            raise ClientResponseError(
                RequestInfo(URL(url), "GET", CIMultiDictProxy(CIMultiDict()), URL(url)),
                (),
                status=404,
                message="Not Found",
            )
        for start in range(0, len(stored.data), chunk_size):
            yield stored.data[start : start + chunk_size]

    async def close(self) -> None:
        self.closed = True


def make_bot(session: RecordingSession) -> Bot:
    """The bot the way production builds it (HTML by default), talking to the fake."""
    return Bot(
        token=TOKEN,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
