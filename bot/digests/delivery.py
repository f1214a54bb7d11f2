"""Sending due digests: paced under Telegram's limits, recorded before and after each send.

- The pacer spaces sends evenly at ``per_second`` overall and keeps any group chat within
  ``group_per_minute`` over a sliding minute; a 429 holds every send for ``retry_after``.
- A chat that blocked the bot or no longer exists is marked inactive and skipped from then on.
- Network and server errors are retried with exponential backoff; when the tries run out the
  digest stays due and the next round picks it up.
- Whatever happens to one chat, the others are sent.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Message

from bot.config import Settings
from bot.digests.compose import compose, digest_screen
from bot.digests.schedule import due_now
from bot.render import Renderer
from bot.storage.base import Clock, Repository, utc_now
from bot.storage.digests import DigestSubscription
from bot.views import Screen

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]
GROUP_WINDOW = 60.0  # seconds: Telegram's per-group limit is per minute
CLOSE_ENOUGH = 1e-6  # seconds: float rounding must not turn a finished wait into an endless one
BATCH = 500  # due subscriptions read at a time
GONE_MARKERS = ("chat not found", "user not found", "chat_id is empty", "bot was kicked")
TOPIC_GONE_MARKERS = ("message thread not found", "topic_closed", "topic_deleted")


@dataclass(frozen=True, slots=True)
class DeliveryLimits:
    per_second: float = 25.0
    group_per_minute: int = 20
    workers: int = 8  # sends in flight at once; the pacer decides when each goes
    network_attempts: int = 5
    backoff_first: float = 1.0  # seconds; doubles with every failed try
    backoff_max: float = 60.0


class Outcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"  # the period was recorded sent: only the due time moved
    NOT_DUE = "not_due"
    DEACTIVATED = "deactivated"  # blocked or deleted: the chat is marked inactive
    FAILED = "failed"  # a permanent error: this period is skipped
    RETRY_LATER = "retry_later"  # the network kept failing: still due


@dataclass
class DeliveryReport:
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    rate_limited: int = 0  # 429 answers received
    network_retries: int = 0


class Pacer:
    """Reserves a moment for each send; reservations are made without awaiting in between,
    so concurrent senders never share one. On top, a sliding second: a send counts from its
    release until one second after its answer. Telegram counts a send when it arrives, which
    is somewhere in between, so senders waking late together or a request written late (either
    process stalled) never put more than ``per_second`` arrivals into one second."""

    def __init__(
        self,
        per_second: float,
        group_per_minute: int,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if per_second <= 0 or group_per_minute < 1:
            raise ValueError("pacing limits must be positive")
        self._interval = 1 / per_second
        self._group_limit = group_per_minute
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_free = 0.0
        self._window_limit = max(1, math.floor(per_second))
        self._in_flight = 0
        self._answered: deque[float] = deque(maxlen=self._window_limit)
        self._an_answer = asyncio.Event()
        self._group_sends: dict[int, deque[float]] = {}

    @asynccontextmanager
    async def turn(self, chat_id: int) -> AsyncIterator[None]:
        """``async with pacer.turn(chat_id): send`` — the block runs when the chat's turn comes."""
        await self._wait_slot(chat_id)
        await self._wait_window()
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
            self._answered.append(self._monotonic())
            self._an_answer.set()
            self._an_answer = asyncio.Event()

    async def _wait_slot(self, chat_id: int) -> None:
        if _is_group(chat_id):
            while (wait := self._group_wait(chat_id)) > CLOSE_ENOUGH:
                await self._sleep(wait)
        now = self._monotonic()
        slot = max(now, self._next_free)
        self._next_free = slot + self._interval
        if _is_group(chat_id):
            self._group_sends.setdefault(chat_id, deque()).append(slot)
        if slot > now:
            await self._sleep(slot - now)

    async def _wait_window(self) -> None:
        """Until the sends in flight and those answered within the last second leave room."""
        while True:
            room = self._window_limit - self._in_flight
            if room < 1:
                await self._an_answer.wait()
                continue
            answered = self._answered
            if len(answered) < room:
                return
            wait = answered[-room] + 1.0 - self._monotonic()
            if wait <= CLOSE_ENOUGH:
                return
            await self._sleep(wait)

    def hold(self, seconds: float) -> None:
        """Telegram asked to wait: no send before ``seconds`` from now."""
        self._next_free = max(self._next_free, self._monotonic() + seconds)

    def _group_wait(self, chat_id: int) -> float:
        sends = self._group_sends.get(chat_id)
        if not sends:
            return 0.0
        now = self._monotonic()
        while sends and sends[0] <= now - GROUP_WINDOW:
            sends.popleft()
        if not sends:
            del self._group_sends[chat_id]
            return 0.0
        if len(sends) < self._group_limit:
            return 0.0
        return sends[-self._group_limit] + GROUP_WINDOW - now


def _is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids; people have positive ones."""
    return chat_id < 0


class ChatGone(Exception):
    """The chat blocked the bot, was deleted, or moved to another id."""


class DigestDelivery:
    def __init__(
        self,
        bot: Bot,
        repo: Repository,
        renderer: Renderer,
        *,
        limits: DeliveryLimits | None = None,
        now: Clock = utc_now,
        pacer: Pacer | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._bot = bot
        self._repo = repo
        self._renderer = renderer
        self._limits = limits or DeliveryLimits()
        self._now = now
        self._sleep = sleep
        self._pacer = pacer or Pacer(
            self._limits.per_second, self._limits.group_per_minute, sleep=sleep
        )
        self._report = DeliveryReport()

    async def deliver_due(self) -> DeliveryReport:
        """Send every digest due now, once; return what happened."""
        self._report = DeliveryReport()
        still_due: set[int] = set()
        while True:
            due = await self._repo.due_digest_subscriptions(
                self._now(), limit=BATCH + len(still_due)
            )
            batch = [sub for sub in due if sub.chat_id not in still_due]
            if not batch:
                return self._report
            await self._deliver_all(iter(batch))
            still_due.update(sub.chat_id for sub in batch)

    async def _deliver_all(self, subscriptions: Iterator[DigestSubscription]) -> None:
        async def worker() -> None:
            for sub in subscriptions:  # one iterator shared by all workers
                self._report.outcomes[await self.deliver(sub)] += 1

        async with asyncio.TaskGroup() as workers:
            for _ in range(self._limits.workers):
                workers.create_task(worker())

    async def deliver(self, sub: DigestSubscription) -> Outcome:
        """Send ``sub``'s digest if it is due; never raises for one chat's trouble."""
        chat_id = sub.chat_id
        now = self._now()
        due = due_now(sub.schedule, sub.next_due_at, now)
        if due is None:
            return Outcome.NOT_DUE
        moved = {"was_due_at": sub.next_due_at, "next_due_at": due.next_due}
        try:
            send = await self._repo.begin_digest_send(chat_id, due.period, due_at=due.occurrence)
            if send is None:
                await self._repo.advance_digest(chat_id, **moved)
                return Outcome.ALREADY_SENT
            digest = await compose(self._repo, chat_id, now)
            chat = await self._repo.get_chat(chat_id)
            t = self._renderer((chat.language if chat else None) or sub.locale)
            screen = digest_screen(digest, t, group=_is_group(chat_id))
            message = await self._posted(sub, screen)
        except ChatGone as gone:
            await self._fail(
                chat_id, due.period, str(gone), sub.next_due_at, due.next_due, deactivate=True
            )
            return Outcome.DEACTIVATED
        except TelegramNetworkError as error:
            await self._fail(chat_id, due.period, str(error), sub.next_due_at, None)
            return Outcome.RETRY_LATER
        except Exception as error:
            log.exception("digest for chat %s failed", chat_id)
            await self._fail(chat_id, due.period, repr(error), sub.next_due_at, due.next_due)
            return Outcome.FAILED
        result = digest.result
        await self._repo.finish_digest_send(
            chat_id,
            due.period,
            message_id=message.message_id,
            inputs=result.inputs if result else None,
            ltv=result.ltv if result else None,
            advice_rule=digest.advice.rule_id if digest.advice else None,
            **moved,
        )
        return Outcome.SENT

    async def _posted(self, sub: DigestSubscription, screen: Screen) -> Message:
        """In the subscription's forum topic; in the chat itself (from now on) when the topic
        was deleted or closed."""
        if sub.thread_id is None:
            return await self._send(sub.chat_id, screen)
        try:
            return await self._send(sub.chat_id, screen, thread_id=sub.thread_id)
        except TelegramBadRequest as error:
            if not any(marker in error.message.lower() for marker in TOPIC_GONE_MARKERS):
                raise
        log.info("digest topic of chat %s is gone: posting to the chat itself", sub.chat_id)
        await self._repo.forget_digest_topic(sub.chat_id)
        return await self._send(sub.chat_id, screen)

    async def _send(
        self, chat_id: int, screen: Screen, *, thread_id: int | None = None
    ) -> Message:
        """Send, waiting out 429s and retrying network trouble; ChatGone when it is gone."""
        failures = 0
        while True:
            try:
                async with self._pacer.turn(chat_id):
                    return await self._bot.send_message(
                        chat_id,
                        screen.text,
                        message_thread_id=thread_id,
                        reply_markup=screen.markup,
                    )
            except TelegramRetryAfter as error:
                self._report.rate_limited += 1
                self._pacer.hold(error.retry_after)
            except (TelegramForbiddenError, TelegramMigrateToChat, TelegramNotFound) as error:
                raise ChatGone(error.message) from error
            except TelegramBadRequest as error:
                if any(marker in error.message.lower() for marker in GONE_MARKERS):
                    raise ChatGone(error.message) from error
                raise
            except (TelegramNetworkError, TelegramServerError) as error:
                failures += 1
                if failures >= self._limits.network_attempts:
                    raise TelegramNetworkError(error.method, error.message) from error
                self._report.network_retries += 1
                await self._sleep(self._backoff(failures))

    def _backoff(self, failures: int) -> float:
        limits = self._limits
        return float(min(limits.backoff_first * 2 ** (failures - 1), limits.backoff_max))

    async def _fail(
        self,
        chat_id: int,
        period: str,
        error: str,
        was_due_at: datetime,
        next_due_at: datetime | None,
        *,
        deactivate: bool = False,
    ) -> None:
        try:
            await self._repo.fail_digest_send(
                chat_id,
                period,
                error=error[:500],
                was_due_at=was_due_at,
                next_due_at=next_due_at,
                deactivate=deactivate,
            )
        except Exception:
            log.exception("could not record the failed digest of chat %s", chat_id)


class DigestScheduler:
    """Runs delivery rounds in the background from ``start()`` until ``stop()``."""

    def __init__(
        self,
        delivery: DigestDelivery,
        repo: Repository,
        *,
        tick: float = 60.0,
        now: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._delivery = delivery
        self._repo = repo
        self._tick = tick
        self._now = now
        self._sleep = sleep
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="digest-scheduler")

    async def stop(self) -> None:
        """Cancel the loop; a digest cut off mid-send stays "sending" and is retried on start."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            if not task.cancelled():
                raise

    async def _run(self) -> None:
        while True:
            try:
                report = await self._delivery.deliver_due()
                if report.outcomes:
                    log.info("digests: %s", dict(report.outcomes))
                pause = await self._pause()
            except Exception:
                log.exception("digest round failed; trying again in %s s", self._tick)
                pause = self._tick
            await self._sleep(pause)

    async def _pause(self) -> float:
        """Until the next due digest, at most ``tick`` (schedules change meanwhile)."""
        due = await self._repo.next_digest_due_at()
        if due is None:
            return self._tick
        return min(max((due - self._now()).total_seconds(), 1.0), self._tick)


def digest_scheduler(
    bot: Bot, repo: Repository, renderer: Renderer, settings: Settings
) -> DigestScheduler:
    """The scheduler production runs, paced by the settings."""
    limits = DeliveryLimits(
        per_second=settings.digest_rate, group_per_minute=settings.digest_group_per_minute
    )
    return DigestScheduler(DigestDelivery(bot, repo, renderer, limits=limits), repo)
