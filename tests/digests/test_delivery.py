"""Delivery against the recording Bot API that injects 429s, 403s and network errors:
nothing lost, nothing doubled; pacing; what the digest says."""

import asyncio
import bisect
import heapq
import itertools
import random
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.digests.compose import compose
from bot.digests.delivery import (
    DeliveryLimits,
    DigestDelivery,
    DigestScheduler,
    Outcome,
    Pacer,
)
from bot.digests.schedule import Frequency, Schedule, next_due
from bot.render import Renderer
from bot.storage.digests import SendStatus
from bot.storage.sqlite import SqliteRepository
from ltv_engine.model import Lifetime, LifetimeSource, LtvInputs
from tests.digests.conftest import FakeClock
from tests.fakes.session import RecordingSession, make_bot
from tests.fakes.telegram import ApiError

MONDAY_UTC = Schedule(Frequency.WEEKLY, 0, time(5, 0), "UTC")
INPUTS = LtvInputs(
    aov=65.0,
    orders_per_month=0.9,
    lifetime=Lifetime(LifetimeSource.MONTHS, months=18),
    margin=0.58,
    cac=40.0,
    currency="USD",
)
GROUP = -1001234567890


def network_error(method: TelegramMethod[Any]) -> BaseException:
    return TelegramNetworkError(method, "connection reset by peer")


async def subscribe(
    repo: SqliteRepository,
    chat_id: int,
    due: datetime,
    *,
    inputs: LtvInputs | None = INPUTS,
    schedule: Schedule = MONDAY_UTC,
) -> None:
    await repo.upsert_chat(chat_id, kind="private" if chat_id > 0 else "supergroup")
    if inputs is not None:
        await repo.save_profile(chat_id, inputs, user_id=None, user_name=None)
    await repo.save_digest_subscription(chat_id, schedule, locale="en", next_due_at=due)


def delivery_for(
    bot: Bot, repo: SqliteRepository, clock: FakeClock, **limits: Any
) -> DigestDelivery:
    settings = DeliveryLimits(**limits)
    pacer = Pacer(
        settings.per_second,
        settings.group_per_minute,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
    )
    return DigestDelivery(
        bot, repo, Renderer(), limits=settings, now=clock, pacer=pacer, sleep=clock.sleep
    )


def received(session: RecordingSession, chat_id: int) -> list[str]:
    return [message.text or "" for message in session.telegram.bot_messages(chat_id)]


async def test_every_due_chat_gets_one_digest_and_the_due_time_moves_on(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock
) -> None:
    for chat_id in range(1, 6):
        await subscribe(repo, chat_id, clock.now)
    report = await delivery_for(bot, repo, clock).deliver_due()
    assert report.outcomes == {Outcome.SENT: 5}
    for chat_id in range(1, 6):
        (text,) = received(session, chat_id)
        assert "Your LTV digest" in text and "$610.74" in text
        sub = await repo.get_digest_subscription(chat_id)
        assert sub is not None and sub.next_due_at > clock.now
    again = await delivery_for(bot, repo, clock).deliver_due()
    assert not again.outcomes
    assert len(session.of_type(SendMessage)) == 5


async def test_retry_after_is_honoured_and_nothing_is_lost(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock
) -> None:
    for chat_id in range(1, 4):
        await subscribe(repo, chat_id, clock.now)
    session.fail_next(SendMessage, ApiError(429, retry_after=7))
    session.fail_next(SendMessage, ApiError(429, retry_after=3))
    report = await delivery_for(bot, repo, clock, workers=1).deliver_due()
    assert report.outcomes == {Outcome.SENT: 3} and report.rate_limited == 2
    assert [len(received(session, chat_id)) for chat_id in range(1, 4)] == [1, 1, 1]
    assert sum(clock.sleeps) >= 10  # both waits were sat out before sending again


async def test_blocked_or_deleted_chats_are_marked_inactive_and_skipped(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock
) -> None:
    for chat_id in (1, 2, 3):
        await subscribe(repo, chat_id, clock.now)
    session.fail_next(SendMessage, ApiError(400, "Bad Request: chat not found"))  # chat 1
    session.telegram.blocked_chats.add(2)
    report = await delivery_for(bot, repo, clock, workers=1).deliver_due()
    assert report.outcomes == {Outcome.DEACTIVATED: 2, Outcome.SENT: 1}
    for gone in (1, 2):
        chat = await repo.get_chat(gone)
        assert chat is not None and not chat.active
    assert len(received(session, 3)) == 1
    clock.advance(timedelta(days=7))
    session.clear()
    later = await delivery_for(bot, repo, clock).deliver_due()
    assert later.outcomes == {Outcome.SENT: 1}
    assert {method.chat_id for method in session.of_type(SendMessage)} == {3}


async def test_network_errors_are_retried_with_backoff(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock
) -> None:
    await subscribe(repo, 1, clock.now)
    for _ in range(3):
        session.fail_next(SendMessage, network_error)
    report = await delivery_for(bot, repo, clock, backoff_first=2.0).deliver_due()
    assert report.outcomes == {Outcome.SENT: 1} and report.network_retries == 3
    assert [s for s in clock.sleeps if s >= 1] == [2.0, 4.0, 8.0]
    assert len(received(session, 1)) == 1


async def test_when_the_network_stays_down_the_digest_waits_for_the_next_round(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock
) -> None:
    await subscribe(repo, 1, clock.now)
    await subscribe(repo, 2, clock.now)
    for _ in range(3):
        session.fail_next(SendMessage, network_error)
    first = await delivery_for(bot, repo, clock, workers=1, network_attempts=3).deliver_due()
    assert first.outcomes == {Outcome.RETRY_LATER: 1, Outcome.SENT: 1}
    assert received(session, 1) == [] and len(received(session, 2)) == 1
    (attempt,) = await repo.recent_digest_sends(2)
    second = await delivery_for(bot, repo, clock).deliver_due()
    assert second.outcomes == {Outcome.SENT: 1}
    assert len(received(session, 1)) == 1 and len(received(session, 2)) == 1
    assert attempt.status is SendStatus.SENT


class FlakySession(RecordingSession):
    """Answers sendMessage with a 429 or a network error now and then, at random."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.rng = random.Random(seed)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (BaseSession's signature)
    ) -> TelegramType:
        if isinstance(method, SendMessage):
            roll = self.rng.random()
            if roll < 0.2:
                self.fail_next(SendMessage, ApiError(429, retry_after=self.rng.randint(1, 5)))
            elif roll < 0.35:
                self.fail_next(SendMessage, network_error)
        return await super().make_request(bot, method, timeout)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_chaos_nothing_lost_nothing_doubled(
    repo: SqliteRepository, clock: FakeClock, seed: int
) -> None:
    session = FlakySession(seed)
    bot = make_bot(session)
    chats = [*range(1, 41), *range(-100, -90)]
    for chat_id in chats:
        await subscribe(repo, chat_id, clock.now)
    blocked = {5, 17, -95}
    session.telegram.blocked_chats.update(blocked)
    delivery = delivery_for(bot, repo, clock, network_attempts=3)
    for _ in range(6):  # rounds of the scheduler, until nothing is due
        if not (await delivery.deliver_due()).outcomes:
            break
    for chat_id in chats:
        expected = 0 if chat_id in blocked else 1
        assert len(received(session, chat_id)) == expected, chat_id
        chat = await repo.get_chat(chat_id)
        assert chat is not None and chat.active is (chat_id not in blocked)
    assert await repo.due_digest_subscriptions(clock.now) == []


class Crash(BaseException):
    """The process dies."""


async def test_a_crash_between_sending_and_recording_doubles_only_that_message(
    bot: Bot,
    session: RecordingSession,
    repo: SqliteRepository,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for chat_id in range(1, 6):
        await subscribe(repo, chat_id, clock.now)
    record = repo.finish_digest_send

    async def crash_on_third(chat_id: int, *args: Any, **kwargs: Any) -> None:
        if chat_id == 3:
            raise Crash
        await record(chat_id, *args, **kwargs)

    monkeypatch.setattr(repo, "finish_digest_send", crash_on_third)
    with pytest.raises(BaseExceptionGroup):
        await delivery_for(bot, repo, clock, workers=1).deliver_due()
    monkeypatch.undo()
    assert [len(received(session, chat_id)) for chat_id in range(1, 6)] == [1, 1, 1, 0, 0]

    restarted = await delivery_for(bot, repo, clock, workers=1).deliver_due()
    assert restarted.outcomes == {Outcome.SENT: 3}
    assert [len(received(session, chat_id)) for chat_id in range(1, 6)] == [1, 1, 2, 1, 1]
    assert not (await delivery_for(bot, repo, clock).deliver_due()).outcomes


class GatedSession(RecordingSession):
    """sendMessage to ``stuck`` never answers: the bot is stopped in the middle of it."""

    def __init__(self, stuck: int) -> None:
        super().__init__()
        self.stuck = stuck
        self.entered = asyncio.Event()

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (BaseSession's signature)
    ) -> TelegramType:
        if isinstance(method, SendMessage) and method.chat_id == self.stuck:
            self.stuck = 0  # only the first time
            self.entered.set()
            await asyncio.Event().wait()
        return await super().make_request(bot, method, timeout)


async def test_stopping_during_a_send_resumes_where_it_stopped(
    repo: SqliteRepository, clock: FakeClock
) -> None:
    session = GatedSession(stuck=3)
    bot = make_bot(session)
    for chat_id in range(1, 6):
        await subscribe(repo, chat_id, clock.now)
    delivery = delivery_for(bot, repo, clock, workers=1)
    scheduler = DigestScheduler(delivery, repo, now=clock, sleep=asyncio.sleep)
    scheduler.start()
    await asyncio.wait_for(session.entered.wait(), timeout=5)
    await scheduler.stop()
    assert [len(received(session, chat_id)) for chat_id in range(1, 6)] == [1, 1, 0, 0, 0]

    report = await delivery_for(bot, repo, clock, workers=1).deliver_due()
    assert report.outcomes == {Outcome.SENT: 3}
    assert [len(received(session, chat_id)) for chat_id in range(1, 6)] == [1, 1, 1, 1, 1]
    (sent,) = await repo.recent_digest_sends(3)
    assert sent.attempts == 2


async def test_after_downtime_each_missed_digest_is_sent_once(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock
) -> None:
    await subscribe(repo, 1, clock.now - timedelta(weeks=3))
    report = await delivery_for(bot, repo, clock).deliver_due()
    assert report.outcomes == {Outcome.SENT: 1}
    sub = await repo.get_digest_subscription(1)
    assert sub is not None and clock.now < sub.next_due_at <= clock.now + timedelta(days=7)
    clock.advance(timedelta(days=6))
    assert not (await delivery_for(bot, repo, clock).deliver_due()).outcomes
    assert len(received(session, 1)) == 1


async def test_a_period_already_sent_is_not_sent_again_after_a_schedule_change(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock
) -> None:
    await subscribe(repo, 1, clock.now)  # Monday
    await delivery_for(bot, repo, clock).deliver_due()
    clock.advance(timedelta(days=1))
    wednesday = Schedule(Frequency.WEEKLY, 2, time(5, 0), "UTC")  # the same ISO week
    due = next_due(wednesday, clock.now)
    await repo.save_digest_subscription(1, wednesday, locale="en", next_due_at=due)
    clock.advance(timedelta(days=1))
    report = await delivery_for(bot, repo, clock).deliver_due()
    assert report.outcomes == {Outcome.ALREADY_SENT: 1}
    assert len(received(session, 1)) == 1


async def test_pacer_keeps_the_overall_rate() -> None:
    clock = FakeClock()
    pacer = Pacer(25, 20, monotonic=clock.monotonic, sleep=clock.sleep)
    moments = []
    for chat_id in range(1, 101):
        async with pacer.turn(chat_id):
            moments.append(clock.monotonic())
    gaps = [later - earlier for earlier, later in itertools.pairwise(moments)]
    assert min(gaps) == pytest.approx(1 / 25)


async def test_pacer_keeps_one_group_within_twenty_a_minute() -> None:
    clock = FakeClock()
    pacer = Pacer(25, 20, monotonic=clock.monotonic, sleep=clock.sleep)
    moments = []
    for _ in range(45):
        async with pacer.turn(GROUP):
            moments.append(clock.monotonic())
    for index in range(20, 45):
        assert moments[index] - moments[index - 20] >= 60 - 1e-6
    assert moments[20] - moments[0] == pytest.approx(60)
    async with pacer.turn(7):  # a person is not held up by the group's limit
        assert clock.monotonic() - moments[-1] < 1


async def test_pacer_holds_everyone_after_a_429() -> None:
    clock = FakeClock()
    pacer = Pacer(25, 20, monotonic=clock.monotonic, sleep=clock.sleep)
    async with pacer.turn(1):
        pass
    start = clock.monotonic()
    pacer.hold(5)
    async with pacer.turn(2):
        pass
    assert clock.monotonic() - start == pytest.approx(5)


async def test_the_digest_says_what_moved_ltv_and_does_not_repeat_advice(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock
) -> None:
    await subscribe(repo, 1, clock.now)
    await delivery_for(bot, repo, clock).deliver_due()
    (first,) = received(session, 1)
    assert "since the last digest" not in first

    lower = LtvInputs(**{**_fields(INPUTS), "orders_per_month": 0.8})
    await repo.save_profile(1, lower, user_id=None, user_name=None)
    clock.advance(timedelta(days=7))
    await delivery_for(bot, repo, clock).deliver_due()
    second = received(session, 1)[-1]
    assert "LTV -11.1% since the last digest (2024-03-25)" in second
    assert "purchase frequency fell from 0.9 to 0.8 a month" in second

    clock.advance(timedelta(days=7))
    await delivery_for(bot, repo, clock).deliver_due()
    assert "LTV has not changed since the last digest (2024-04-01)" in received(session, 1)[-1]
    rules = [send.advice_rule for send in await repo.recent_digest_sends(1)]
    assert len(rules) == 3 and len(set(rules)) == 3


async def test_a_margin_given_on_one_side_only_compares_revenue_ltv(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock
) -> None:
    """Gross profit then against revenue now read as "LTV +157%" while customers bought less."""
    await subscribe(repo, 1, clock.now)
    await delivery_for(bot, repo, clock).deliver_due()
    fewer_no_margin = LtvInputs(**{**_fields(INPUTS), "orders_per_month": 0.81, "margin": None})
    await repo.save_profile(1, fewer_no_margin, user_id=None, user_name=None)
    clock.advance(timedelta(days=7))

    await delivery_for(bot, repo, clock).deliver_due()

    digest = received(session, 1)[-1]
    assert "— revenue (no margin given) per customer" in digest
    assert "Revenue LTV -10% since the last digest" in digest
    assert "purchase frequency fell from 0.9 to 0.81 a month" in digest
    assert "The margin is no longer given, so LTV by revenue is compared" in digest


async def test_the_last_digests_date_is_the_chats_local_date(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock
) -> None:
    sunday_evening_in_la = Schedule(Frequency.WEEKLY, 6, time(22, 0), "America/Los_Angeles")
    await subscribe(repo, 1, clock.now, schedule=sunday_evening_in_la)
    await delivery_for(bot, repo, clock).deliver_due()  # Monday 05:00 UTC, Sunday 22:00 in LA
    clock.advance(timedelta(days=7))

    await delivery_for(bot, repo, clock).deliver_due()

    assert "since the last digest (2024-03-24)" in received(session, 1)[-1]


def _fields(inputs: LtvInputs) -> dict[str, Any]:
    return {name: getattr(inputs, name) for name in LtvInputs.__slots__}


async def test_old_numbers_bring_a_nudge_and_no_numbers_an_invitation(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock
) -> None:
    await subscribe(repo, 1, clock.now)
    await subscribe(repo, 2, clock.now, inputs=None)
    clock.advance(timedelta(days=31))
    await repo.save_digest_subscription(1, MONDAY_UTC, locale="ru", next_due_at=clock.now)
    await repo.save_digest_subscription(2, MONDAY_UTC, locale="en", next_due_at=clock.now)
    await delivery_for(bot, repo, clock).deliver_due()
    stale = session.telegram.bot_messages(1)[-1]
    assert "старше месяца" in (stale.text or "")
    assert stale.reply_markup is not None
    labels = [button.text for row in stale.reply_markup.inline_keyboard for button in row]
    assert labels == ["🔁 Обновить цифры", "⚙️ Изменить дайджест", "🔕 Отписаться"]
    (invitation,) = received(session, 2)
    assert "You have not calculated your LTV yet" in invitation and "/calc" in invitation


async def test_one_chats_broken_digest_does_not_stop_the_others(
    bot: Bot,
    session: RecordingSession,
    repo: SqliteRepository,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for chat_id in (1, 2, 3):
        await subscribe(repo, chat_id, clock.now)
    session.fail_next(SendMessage, ApiError(400, "Bad Request: can't parse entities"))
    report = await delivery_for(bot, repo, clock, workers=1).deliver_due()
    assert report.outcomes == {Outcome.FAILED: 1, Outcome.SENT: 2}
    assert [len(received(session, chat_id)) for chat_id in (1, 2, 3)] == [0, 1, 1]
    assert not (await delivery_for(bot, repo, clock).deliver_due()).outcomes  # period skipped


async def test_a_forum_groups_digest_goes_to_its_topic(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock
) -> None:
    await subscribe(repo, GROUP, clock.now)
    await repo.save_digest_subscription(
        GROUP, MONDAY_UTC, locale="en", next_due_at=clock.now, thread_id=77
    )
    report = await delivery_for(bot, repo, clock).deliver_due()
    assert report.outcomes == {Outcome.SENT: 1}
    assert session.last(SendMessage).message_thread_id == 77


@pytest.mark.parametrize(
    "refusal", ["Bad Request: message thread not found", "Bad Request: TOPIC_CLOSED"]
)
async def test_a_deleted_or_closed_topic_sends_the_digest_to_the_group_from_then_on(
    bot: Bot, session: RecordingSession, repo: SqliteRepository, clock: FakeClock, refusal: str
) -> None:
    await subscribe(repo, GROUP, clock.now)
    await repo.save_digest_subscription(
        GROUP, MONDAY_UTC, locale="en", next_due_at=clock.now, thread_id=77
    )
    session.fail_next(SendMessage, ApiError(400, refusal))
    report = await delivery_for(bot, repo, clock).deliver_due()
    assert report.outcomes == {Outcome.SENT: 1}
    tried, sent = session.of_type(SendMessage)
    assert (tried.message_thread_id, sent.message_thread_id) == (77, None)
    assert "Your LTV digest" in (sent.text or "")
    sub = await repo.get_digest_subscription(GROUP)
    assert sub is not None and sub.thread_id is None and sub.next_due_at > clock.now


class StallingTime:
    """Virtual time for concurrent sleepers; once, the process stalls for ``stall`` seconds
    and everyone whose moment passed meanwhile wakes up at the same instant."""

    def __init__(self, stall_at: float, stall: float) -> None:
        self.now = 0.0
        self.stall_at, self.stall = stall_at, stall
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._count = itertools.count()

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._count), future))
        await future

    async def run(self, tasks: list["asyncio.Task[None]"]) -> None:
        while not all(task.done() for task in tasks):
            for _ in range(5):
                await asyncio.sleep(0)
            if not self._sleepers:
                continue
            moment = self._sleepers[0][0]
            if self.stall and moment >= self.stall_at:
                moment, self.stall = moment + self.stall, 0.0
            self.now = max(self.now, moment)
            while self._sleepers and self._sleepers[0][0] <= self.now:
                heapq.heappop(self._sleepers)[2].set_result(None)


async def test_a_stall_never_bunches_more_than_the_rate_into_one_second() -> None:
    virtual = StallingTime(stall_at=2.0, stall=0.6)
    pacer = Pacer(25, 20, monotonic=virtual.monotonic, sleep=virtual.sleep)
    moments: list[float] = []

    async def send(chat_id: int) -> None:
        async with pacer.turn(chat_id):
            moments.append(virtual.monotonic())

    tasks = [asyncio.create_task(send(chat_id)) for chat_id in range(1, 151)]
    await virtual.run(tasks)
    assert len(moments) == 150
    assert busiest_second(moments) <= 25


async def test_requests_arriving_late_never_bunch_more_than_the_rate_into_one_second() -> None:
    """Telegram counts a send when it arrives: anywhere between the pacer's release and the
    answer (here at the answer, the worst case, after up to half a second on the way)."""
    virtual = StallingTime(stall_at=0.0, stall=0.0)
    pacer = Pacer(25, 20, monotonic=virtual.monotonic, sleep=virtual.sleep)
    on_the_way = random.Random(4)
    arrivals: list[float] = []

    async def send(chat_id: int) -> None:
        async with pacer.turn(chat_id):
            await virtual.sleep(on_the_way.uniform(0.0, 0.5))
            arrivals.append(virtual.monotonic())

    tasks = [asyncio.create_task(send(chat_id)) for chat_id in range(1, 201)]
    await virtual.run(tasks)
    assert len(arrivals) == 200
    assert busiest_second(arrivals) <= 25


def busiest_second(moments: list[float]) -> int:
    """The most moments within any one second."""
    ordered = sorted(moments)
    return max(
        bisect.bisect_left(ordered, start + 1.0) - index for index, start in enumerate(ordered)
    )


async def test_a_preview_before_subscribing_dates_in_the_zone_of_the_chats_language(
    repo: SqliteRepository, clock: FakeClock
) -> None:
    await repo.upsert_chat(1, kind="private")
    await repo.save_profile(1, INPUTS, user_id=None, user_name=None)

    digest = await compose(repo, 1, clock.now, default_zone="Europe/Moscow")

    assert digest.updated_at is not None
    assert digest.updated_at.utcoffset() == timedelta(hours=3)
