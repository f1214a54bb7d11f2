"""A local stand-in of the Telegram Bot API over HTTP, for the real bot process and benchmarks.

URLs match `TelegramAPIServer.from_base(base_url)` (not local mode): methods at
`{base_url}/bot{token}/{method}`, files at `{base_url}/file/bot{token}/{file_path}`.
Parameters come as a query, a urlencoded or multipart form (aiogram's way: every value a
string, nested objects as JSON, files as `attach://` parts) or a JSON body.
Answers come from the same FakeTelegram as RecordingSession's.

Standalone: `python -m tests.fakes.bot_api_server --port 8081 --token 42:TEST [--flood-limit 30]`
prints its base URL; `GET {base_url}/_stats` answers what it counted (see `BotApiStandIn.stats`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter, deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from types import NoneType, TracebackType
from typing import Any, Self, get_args

import aiogram.methods
from aiogram.client.default import Default
from aiogram.enums import ChatType
from aiogram.methods import DeleteWebhook, GetUpdates, SendMessage, TelegramMethod
from aiogram.types import BufferedInputFile, CallbackQuery, Chat, Message, User
from aiohttp import BodyPartReader, web
from pydantic import ValidationError

from tests.fakes.telegram import ApiError, FakeTelegram, find_button, jsonable

Params = dict[str, Any]
ATTACH = "attach://"
MAX_UPLOAD = 50 * 1024 * 1024  # Telegram's limit for bots' uploads


def _method_types() -> dict[str, type[TelegramMethod[Any]]]:
    """Bot API method name, lower case (Telegram ignores case) -> aiogram's method class."""
    classes = (getattr(aiogram.methods, name) for name in aiogram.methods.__all__)
    return {
        cls.__api_method__.lower(): cls
        for cls in classes
        if isinstance(cls, type) and issubclass(cls, TelegramMethod) and cls is not TelegramMethod
    }


METHOD_TYPES = _method_types()


@dataclass(frozen=True)
class _Update:
    update_id: int
    kind: str
    payload: Params


class BotApiStandIn:
    """`async with BotApiStandIn("42:TEST") as api:` serves on 127.0.0.1, `api.base_url`."""

    def __init__(
        self,
        token: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        telegram: FakeTelegram | None = None,
        flood_limit: int | None = None,
    ) -> None:
        """``flood_limit``: answer sendMessage with 429 beyond this many in any second, as
        Telegram does; ``flood_rejections`` counts those answers."""
        self.token = token
        self.flood_limit = flood_limit
        self.flood_rejections = 0
        self.busiest_second = 0  # the most sendMessage calls that arrived within one second
        self._recent_sends: deque[float] = deque()
        self._send_arrivals: deque[float] = deque()
        self._delivered: Counter[int] = Counter()  # chat id -> sendMessage calls answered ok
        self.telegram = telegram or FakeTelegram()
        self.calls: list[tuple[str, Params]] = []
        self._host = host
        self._port = port
        self._failures: dict[str, list[ApiError]] = {}
        self._pending: list[_Update] = []
        self._allowed_updates: list[str] | None = None
        self._update_pushed = asyncio.Event()
        self._call_logged = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None

    # --- life cycle -----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        app.router.add_get("/_stats", self._handle_stats)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()

    async def close(self) -> None:
        """Wake long polls (they answer with no updates), then stop serving."""
        self._closing = True
        self._update_pushed = _fire(self._update_pushed)
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        if self._runner is None or not self._runner.addresses:
            raise RuntimeError("the stand-in is not started")
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}"

    def stats(self) -> Params:
        """What a benchmark in another process needs: calls per method, the 429s answered for
        flooding, the busiest second of sendMessage arrivals, and how many chats got how many
        messages ({"1": 10000} when every chat got exactly one)."""
        chats_by_messages = Counter(self._delivered.values())
        return {
            "calls": dict(Counter(name for name, _ in self.calls)),
            "flood_rejections": self.flood_rejections,
            "busiest_second": self.busiest_second,
            "chats_by_messages": {str(n): chats for n, chats in sorted(chats_by_messages.items())},
        }

    @property
    def admins(self) -> dict[int, set[int]]:
        return self.telegram.admins

    # --- what people do -------------------------------------------------------------------

    def push_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        chat_type: str = ChatType.PRIVATE,
        *,
        first_name: str = "Anna",
        language_code: str | None = "ru",
        reply_to_message_id: int | None = None,
    ) -> Message:
        """A person writes to the chat; the bot gets it from getUpdates."""
        user = User(id=user_id, is_bot=False, first_name=first_name, language_code=language_code)
        reply_to = (
            self.telegram.bot_message(chat_id, reply_to_message_id)
            if reply_to_message_id is not None
            else None
        )
        message = self.telegram.incoming_message(
            user, self._chat(chat_id, chat_type, first_name), text=text, reply_to=reply_to
        )
        self._push("message", message)
        return message

    def push_document(
        self,
        chat_id: int,
        user_id: int,
        file_name: str,
        data: bytes,
        mime_type: str = "application/octet-stream",
        chat_type: str = ChatType.PRIVATE,
        *,
        first_name: str = "Anna",
        language_code: str | None = "ru",
    ) -> Message:
        """A person sends a file; the bot can getFile and download it."""
        user = User(id=user_id, is_bot=False, first_name=first_name, language_code=language_code)
        stored = self.telegram.add_file(
            self.telegram.new_file_id(), data, file_name=file_name, mime_type=mime_type
        )
        chat = self._chat(chat_id, chat_type, first_name)
        message = self.telegram.incoming_message(user, chat, document=stored.as_document())
        self._push("message", message)
        return message

    def push_callback(
        self,
        chat_id: int,
        user_id: int,
        button_text: str | None = None,
        *,
        data: str | None = None,
        message_id: int | None = None,
        first_name: str = "Anna",
        language_code: str | None = "ru",
    ) -> CallbackQuery:
        """A person presses an inline button on a message the bot sent (by default its latest
        message in the chat with a keyboard), found by text or callback data."""
        user = User(id=user_id, is_bot=False, first_name=first_name, language_code=language_code)
        message = (
            self.telegram.keyboard_message(chat_id)
            if message_id is None
            else self.telegram.bot_message(chat_id, message_id)
        )
        button = find_button(message, button_text, data=data)
        callback = self.telegram.incoming_callback(user, message, button.callback_data)
        self._push("callback_query", callback)
        return callback

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """The next call of `method` gets this error; a 429 carries retry_after (default 1)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        error = ApiError(status, description, retry_after=retry_after)
        self._failures.setdefault(method.lower(), []).append(error)

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Params], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 (a deadline that names its failure)
        since: int = 0,
    ) -> Params:
        """Params of the first call of `method` (e.g. "sendMessage") among calls[since:] that
        satisfies `predicate`, waiting for it; AssertionError after `timeout` seconds."""
        checked = since
        try:
            async with asyncio.timeout(timeout):
                while True:
                    for name, params in self.calls[checked:]:
                        if name == method and (predicate is None or predicate(params)):
                            return params
                    checked = len(self.calls)
                    await self._call_logged.wait()
        except TimeoutError:
            made = ", ".join(name for name, _ in self.calls[since:]) or "none"
            raise AssertionError(
                f"no matching {method} within {timeout}s; calls: {made}"
            ) from None

    # --- HTTP -----------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401))
        name = request.match_info["method"]
        method_type = METHOD_TYPES.get(name.lower())
        params = await _read_params(request, method_type)
        canonical = method_type.__api_method__ if method_type else name
        self._log_call(canonical, params)
        if method_type is None:
            return _error(ApiError(404))
        try:
            result = await self._answer(canonical, method_type, params)
        except ApiError as error:
            return _error(error)
        if isinstance(result, Message) and method_type is SendMessage:
            self._delivered[result.chat.id] += 1
        return web.json_response({"ok": True, "result": jsonable(result)})

    async def _handle_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats())

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self.telegram.file_at(request.match_info["file_path"])
        if request.match_info["token"] != self.token or stored is None:
            return _error(ApiError(404))
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _answer(
        self, name: str, method_type: type[TelegramMethod[Any]], params: Params
    ) -> Any:
        failures = self._failures.get(name.lower())
        if failures:
            raise failures.pop(0)
        if method_type is SendMessage:
            self._count_arrival()
            self._check_flood()
        try:
            method = method_type.model_validate(params)
        except ValidationError as error:
            raise ApiError(400, f"Bad Request: {_first_problem(error)}") from None
        if isinstance(method, GetUpdates):
            return await self._get_updates(method)
        if isinstance(method, DeleteWebhook) and method.drop_pending_updates:
            self._pending.clear()
        return await self.telegram.answer(method)

    def _count_arrival(self) -> None:
        now = time.monotonic()
        arrivals = self._send_arrivals
        arrivals.append(now)
        while arrivals[0] <= now - 1:
            arrivals.popleft()
        self.busiest_second = max(self.busiest_second, len(arrivals))

    def _check_flood(self) -> None:
        if self.flood_limit is None:
            return
        now = time.monotonic()
        while self._recent_sends and self._recent_sends[0] <= now - 1:
            self._recent_sends.popleft()
        if len(self._recent_sends) >= self.flood_limit:
            self.flood_rejections += 1
            raise ApiError(429, retry_after=1)
        self._recent_sends.append(now)

    def _log_call(self, name: str, params: Params) -> None:
        self.calls.append((name, params))
        self._call_logged = _fire(self._call_logged)

    # --- getUpdates -----------------------------------------------------------------------

    def _push(self, kind: str, event: Message | CallbackQuery) -> None:
        update_id = self.telegram.next_update_id()
        payload = {"update_id": update_id, kind: jsonable(event)}
        self._pending.append(_Update(update_id, kind, payload))
        self._update_pushed = _fire(self._update_pushed)

    async def _get_updates(self, method: GetUpdates) -> list[Params]:
        self._confirm(method.offset or 0)
        if method.allowed_updates:
            self._allowed_updates = method.allowed_updates
        with suppress(TimeoutError):
            async with asyncio.timeout(method.timeout or 0):
                while not self._closing and not self._deliverable():
                    await self._update_pushed.wait()
        limit = min(max(method.limit or 100, 1), 100)
        return [update.payload for update in self._deliverable()[:limit]]

    def _confirm(self, offset: int) -> None:
        """Forget updates before `offset`; a negative offset keeps only the last -offset."""
        if offset > 0:
            self._pending = [u for u in self._pending if u.update_id >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def _deliverable(self) -> list[_Update]:
        allowed = self._allowed_updates
        return [u for u in self._pending if allowed is None or u.kind in allowed]

    def _chat(self, chat_id: int, chat_type: str, first_name: str) -> Chat:
        known = self.telegram.chats.get(chat_id)
        if known is not None:
            return known
        if chat_type == ChatType.PRIVATE:
            return Chat(id=chat_id, type=chat_type, first_name=first_name)
        return Chat(id=chat_id, type=chat_type, title="Test group")


async def _read_params(
    request: web.Request, method_type: type[TelegramMethod[Any]] | None
) -> Params:
    if request.content_type == "application/json":
        body = await request.json()
        return dict(body) if isinstance(body, dict) else {}
    fields: dict[str, str] = dict(request.query)
    files: dict[str, BufferedInputFile] = {}
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is None:
                fields[part.name] = await part.text()
            else:
                files[part.name] = BufferedInputFile(await part.read(), part.filename)
    elif request.body_exists:
        fields.update((key, str(value)) for key, value in (await request.post()).items())
    params: Params = {name: _decode(method_type, name, value) for name, value in fields.items()}
    for name, value in params.items():
        if isinstance(value, str) and value.startswith(ATTACH):
            params[name] = files.pop(value.removeprefix(ATTACH), value)
    params.update(files)  # a file sent directly as the parameter, curl style
    return params


def _fire(event: asyncio.Event) -> asyncio.Event:
    """Wake everyone waiting on `event`; later waiters wait on the fresh one returned."""
    event.set()
    return asyncio.Event()


def _decode(method_type: type[TelegramMethod[Any]] | None, name: str, value: str) -> Any:
    """A form value as the Bot API reads it: JSON unless the parameter is plain text."""
    if method_type is None or _is_text(method_type, name):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


@cache
def _is_text(method_type: type[TelegramMethod[Any]], name: str) -> bool:
    field = method_type.model_fields.get(name)
    if field is None:
        return True
    kinds = get_args(field.annotation) or (field.annotation,)
    return str in kinds and all(kind in (str, NoneType, Default) for kind in kinds)


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"])
    return f"{where}: {problem['msg']}"


def _error(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.status)


async def _serve(host: str, port: int, token: str, flood_limit: int | None) -> None:
    async with BotApiStandIn(token, host=host, port=port, flood_limit=flood_limit) as api:
        print(api.base_url, flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a local stand-in of the Telegram Bot API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="42:TEST")
    parser.add_argument(
        "--flood-limit", type=int, help="answer 429 beyond this many sendMessage calls a second"
    )
    args = parser.parse_args()
    with suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port, args.token, args.flood_limit))


if __name__ == "__main__":
    main()
