"""Factories for the bot and the dispatcher (the same ones the tests use), and the runner."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from bot.config import Settings
from bot.digests import handlers as digests
from bot.digests.delivery import digest_scheduler
from bot.groups import handlers as groups
from bot.groups.retention import purge_periodically
from bot.handlers import common, errors, result
from bot.middlewares import ChatContextMiddleware
from bot.orders import handlers as orders
from bot.render import LOCALES, Renderer
from bot.session import BotSession
from bot.storage import open_repository
from bot.storage.base import Repository
from bot.storage.fsm import RepositoryStorage
from bot.wizard import handlers as wizard

log = logging.getLogger(__name__)

PRIVATE_COMMANDS = ("calc", "ltv", "history", "digest", "language", "help", "cancel")
MENU_DEFAULT_LOCALE = "en"  # users whose language is neither ru nor en read English


def create_bot(settings: Settings) -> Bot:
    session = BotSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def create_dispatcher(repo: Repository, renderer: Renderer) -> Dispatcher:
    dp = Dispatcher(storage=RepositoryStorage(repo), repo=repo, renderer=renderer)
    context = ChatContextMiddleware(repo, renderer)
    dp.message.outer_middleware(context)
    dp.callback_query.outer_middleware(context)
    dp.my_chat_member.outer_middleware(context)
    dp.errors.register(errors.on_unexpected_error)
    dp.include_routers(
        common.build_router(),
        wizard.build_answers_router(),
        orders.build_router(),  # a file sent mid-calculation is analysed, not refused
        digests.build_router(),  # /digest mid-wizard too, before the wizard's catch-all
        wizard.build_router(),
        result.build_router(),
        groups.build_router(),
        common.build_fallback_router(),
    )
    return dp


async def register_commands(bot: Bot, renderer: Renderer) -> None:
    menus = (
        (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS, "cmd_"),
        (BotCommandScopeAllGroupChats(), groups.GROUP_COMMANDS, "group_cmd_"),
    )
    for scope, names, description in menus:
        for locale in (*LOCALES, None):
            t = renderer(locale or MENU_DEFAULT_LOCALE)
            commands = [
                BotCommand(command=c, description=t.button(description + c)) for c in names
            ]
            await bot.set_my_commands(commands, scope=scope, language_code=locale)


def freeze_startup_objects() -> None:
    """Exempt what start-up built (modules, templates, compiled validators) from garbage
    collection: it lives as long as the process, and full collections then walk only what
    updates create (about 10 % more wizard updates a second in benchmarks/dispatch.py)."""
    gc.collect()
    gc.freeze()


class StartupStop:
    """Ctrl+C (SIGINT) or SIGTERM before polling starts; aiogram's own handlers take over when
    it does.

    Unlike asyncio's default, which cancels the run wherever it is, a stop requested while the
    database opens waits for it to open, and a stop during the Bot API calls cancels only
    those, so everything opened is closed in order and nothing is left running.
    """

    def __init__(self, task: asyncio.Task[None] | None) -> None:
        self._task = task
        self._cancellable = False
        self.requested = False

    def install(self) -> None:
        loop = asyncio.get_running_loop()
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError):  # no loop signal handlers on Windows
                loop.add_signal_handler(stop_signal, self._request)

    def _request(self) -> None:
        self.requested = True
        if self._cancellable and self._task is not None:
            self._task.cancel()

    @contextmanager
    def cancellable(self) -> Iterator[None]:
        self._cancellable = True
        try:
            yield
        except asyncio.CancelledError:
            if not self.requested or self._task is None:
                raise
            self._task.uncancel()
        finally:
            self._cancellable = False


async def run(settings: Settings) -> None:
    """Check the token against the API, register the menu, poll until stopped."""
    stop = StartupStop(asyncio.current_task())
    stop.install()
    renderer = Renderer()
    repo = await open_repository(settings.database_url)
    bot = create_bot(settings)
    scheduler = digest_scheduler(bot, repo, renderer, settings)
    try:
        with stop.cancellable():
            if not stop.requested:
                me = await bot.get_me()
                await register_commands(bot, renderer)
        if stop.requested:
            return
        log.info("Started as @%s", me.username)
        dp = create_dispatcher(repo, renderer)
        scheduler.start()
        purging = asyncio.create_task(purge_periodically(repo))
        freeze_startup_objects()
        try:
            if not stop.requested:  # no await since the check: aiogram's handlers come next
                await dp.start_polling(bot, polling_timeout=settings.polling_timeout)
        finally:
            purging.cancel()
            with suppress(asyncio.CancelledError):
                await purging
    finally:
        await scheduler.stop()
        await bot.session.close()
        await repo.close()
