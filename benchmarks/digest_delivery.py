"""Digest delivery to many subscribed chats against the local Bot API stand-in over HTTP.

Run: ``.venv/bin/python -m benchmarks.digest_delivery`` (10,000 chats, about 7 minutes at the
default 25 a second) or ``--chats 2000`` for a quick try. The stand-in runs as a separate process,
so a pause of the bot's event loop cannot bunch arrivals at the server that the bot never sent
together; it answers 429 to more than ``--flood-limit`` sendMessage calls in any second, as
Telegram does, and the bot must cause none. Prints the achieved send rate against the configured
limit (target: at least 95 %), the server's counts (429s, busiest second, messages per chat), the
time to finish and the peak memory of the bot's process.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from bot.digests.delivery import DeliveryLimits, DigestDelivery, Outcome
from bot.digests.schedule import default_schedule
from bot.render import Renderer
from bot.storage.sqlite import SqliteRepository
from ltv_engine.model import Business, Lifetime, LifetimeSource, LtvInputs
from tests.fakes.session import TOKEN

TARGET_SHARE = 0.95
PROJECT_ROOT = Path(__file__).resolve().parents[1]
SERVER_START_TIMEOUT = 30.0  # seconds for the stand-in's process to print its URL
GROUP_EVERY = 10  # one chat in ten is a group
INPUTS = LtvInputs(
    aov=2500,
    orders_per_month=1.5,
    lifetime=Lifetime(LifetimeSource.MONTHS, months=18),
    margin=0.3,
    cac=1500,
    business=Business.GROCERIES,
)


def chat_ids(count: int) -> list[int]:
    return [-(10**12) - n if n % GROUP_EVERY == 0 else n for n in range(1, count + 1)]


async def seed(repo: SqliteRepository, chats: list[int], due: datetime) -> None:
    for index, chat_id in enumerate(chats):
        locale = "ru" if index % 2 else "en"
        await repo.upsert_chat(chat_id, kind="supergroup" if chat_id < 0 else "private")
        await repo.save_profile(chat_id, INPUTS, user_id=None, user_name=None)
        schedule = default_schedule(locale)
        await repo.save_digest_subscription(chat_id, schedule, locale=locale, next_due_at=due)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class StandInProcess:
    """``async with StandInProcess(flood_limit) as base_url:`` the stand-in in its own process."""

    def __init__(self, flood_limit: int) -> None:
        self._flood_limit = flood_limit
        self._process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> str:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.fakes.bot_api_server",
            *("--port", "0", "--token", TOKEN, "--flood-limit", str(self._flood_limit)),
            stdout=asyncio.subprocess.PIPE,
            cwd=PROJECT_ROOT,
        )
        assert self._process.stdout is not None
        async with asyncio.timeout(SERVER_START_TIMEOUT):
            return (await self._process.stdout.readline()).decode().strip()

    async def __aexit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.terminate()
            await self._process.wait()


async def server_stats(base_url: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.get(f"{base_url}/_stats") as response:
        response.raise_for_status()
        stats: dict[str, Any] = await response.json()
        return stats


async def measure(chats: int, rate: float, flood_limit: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        repo = await SqliteRepository.open(str(Path(folder) / "bench.sqlite3"))
        started = time.perf_counter()
        await seed(repo, chat_ids(chats), datetime.now(UTC) - timedelta(minutes=1))
        seeded = time.perf_counter() - started
        rss_before = peak_rss_mib()
        async with StandInProcess(flood_limit) as base_url:
            session = AiohttpSession(api=TelegramAPIServer.from_base(base_url))
            html = DefaultBotProperties(parse_mode=ParseMode.HTML)
            bot = Bot(TOKEN, session=session, default=html)
            limits = DeliveryLimits(per_second=rate, workers=workers)
            delivery = DigestDelivery(bot, repo, Renderer(), limits=limits)
            started = time.perf_counter()
            report = await delivery.deliver_due()
            elapsed = time.perf_counter() - started
            await session.close()
            stats = await server_stats(base_url)
        await repo.close()
    sent = report.outcomes[Outcome.SENT]
    achieved = sent / elapsed
    rows = [
        ("chats subscribed", f"{chats:,}"),
        ("digests sent", f"{sent:,}"),
        ("chats with exactly one digest (server)", f"{stats['chats_by_messages'].get('1', 0):,}"),
        ("sendMessage calls (server)", f"{stats['calls'].get('sendMessage', 0):,}"),
        ("configured limit, msg/s", f"{rate:g}"),
        ("achieved rate, msg/s", f"{achieved:.2f}"),
        ("achieved / limit", f"{achieved / rate:.1%} (target >= {TARGET_SHARE:.0%})"),
        ("busiest second at the server, msg", f"{stats['busiest_second']}"),
        (f"429s from the stand-in (>{flood_limit}/s)", f"{stats['flood_rejections']}"),
        ("429s the bot received", f"{report.rate_limited}"),
        ("time to finish", f"{elapsed:.1f} s"),
        ("seeding the database (not timed above)", f"{seeded:.1f} s"),
        ("peak memory before sending, MiB (bot)", f"{rss_before:.0f}"),
        ("peak memory, MiB (bot)", f"{peak_rss_mib():.0f}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if Outcome.SENT not in report.outcomes or len(report.outcomes) > 1:
        print("outcomes:", dict(report.outcomes))
    if set(stats["chats_by_messages"]) - {"1"}:
        print("chats by messages received:", stats["chats_by_messages"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0, help="the bot's limit, msg/s")
    parser.add_argument("--flood-limit", type=int, default=30, help="the stand-in's, msg/s")
    parser.add_argument("--workers", type=int, default=DeliveryLimits().workers)
    args = parser.parse_args()
    asyncio.run(measure(args.chats, args.rate, args.flood_limit, args.workers))


if __name__ == "__main__":
    main()
