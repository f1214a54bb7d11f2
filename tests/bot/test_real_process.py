"""The real bot process (`python -m bot`) against the local Bot API stand-in over HTTP.

Every wait has a generous deadline (a cold start imports aiogram, numpy and jinja2 on a slow CI
machine) and polls the stand-in's state, so no test depends on fixed sleeps.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

from bot.__main__ import main as bot_main
from tests import waiting
from tests.fakes.bot_api_server import BotApiStandIn
from tests.fakes.session import TOKEN

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="stops the bot with SIGINT")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 20.0  # seconds for any one thing the process should do
POLL_EVERY = 0.02
LOADING = 0.3  # seconds after its start, the bot is still loading aiogram on any machine
USER_ID = 5005


class BotProcess:
    """`python -m bot` in `workdir`, where a default SQLite file would land; stderr to a file."""

    def __init__(self, workdir: Path, environment: dict[str, str]) -> None:
        self.workdir = workdir
        self.environment = environment
        self.stderr_path = workdir / "stderr.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.stderr_path.open("ab") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=self.workdir,
                env=self.environment,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=stderr,
            )

    async def exit_code(self) -> int:
        """Wait for the process to end by itself."""
        assert self.process is not None
        async with asyncio.timeout(DEADLINE):
            return await self.process.wait()

    async def interrupt(self, signal_number: int = signal.SIGINT) -> int:
        """Ctrl+C, as a person stops the bot (or SIGTERM, as a service manager does); the exit
        code."""
        assert self.process is not None
        self.process.send_signal(signal_number)
        return await self.exit_code()

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    async def kill_if_running(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


class Person:
    """A person in a private chat with the bot, over the stand-in's getUpdates."""

    def __init__(self, api: BotApiStandIn, user_id: int = USER_ID) -> None:
        self.api = api
        self.user_id = user_id
        self.pushed = 0

    async def send(self, text: str, *, expect: str) -> str:
        """Type `text`; the bot's latest message once it shows `expect`."""
        self.api.push_message(
            self.user_id, self.user_id, text, first_name="Anna", language_code="en"
        )
        self.pushed += 1
        return await self.reply_showing(expect)

    async def press(self, button: str, *, expect: str) -> str:
        """Press a button (by text) on the bot's latest message that has a keyboard."""
        self.api.push_callback(self.user_id, self.user_id, button, language_code="en")
        self.pushed += 1
        return await self.reply_showing(expect)

    async def reply_showing(self, fragment: str) -> str:
        def latest() -> str:
            messages = self.api.telegram.bot_messages(self.user_id)
            return (messages[-1].text or "") if messages else ""

        await until(lambda: fragment in latest(), f"a reply showing {fragment!r}")
        return latest()

    async def all_updates_confirmed(self) -> None:
        """The bot asked for updates after the last one pushed, so a restart will not see it
        again (the stand-in numbers updates from 1, and only this person pushes any)."""
        await self.api.wait_for_call(
            "getUpdates",
            lambda params: int(params.get("offset") or 0) > self.pushed,
            timeout=DEADLINE,
        )


async def until(condition: Callable[[], bool], what: str) -> None:
    await waiting.until(condition, what, deadline=DEADLINE, every=POLL_EVERY)


def environment(**settings: str) -> dict[str, str]:
    """Only the settings given, plus what Python needs to import the project."""
    python_path = [str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(part for part in python_path if part),
        **settings,
    }


def serving_environment(api: BotApiStandIn, workdir: Path) -> dict[str, str]:
    return environment(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=api.base_url,
        DATABASE_URL=f"sqlite:///{workdir / 'ltv.db'}",
        POLLING_TIMEOUT="1",
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def processes() -> AsyncIterator[list[BotProcess]]:
    """Bot processes a test starts; any still running at the end are killed."""
    started: list[BotProcess] = []
    yield started
    for process in started:
        await process.kill_if_running()


@pytest.fixture
def launch(processes: list[BotProcess], tmp_path: Path) -> Callable[..., BotProcess]:
    def make(environment: dict[str, str]) -> BotProcess:
        process = BotProcess(tmp_path, environment)
        processes.append(process)
        return process

    return make


async def start_serving(process: BotProcess, api: BotApiStandIn) -> None:
    mark = len(api.calls)
    await process.start()
    await api.wait_for_call("getUpdates", since=mark, timeout=DEADLINE)


async def test_whole_wizard_over_http_then_ctrl_c(
    bot_api: BotApiStandIn, launch: Callable[..., BotProcess], tmp_path: Path
) -> None:
    bot = launch(serving_environment(bot_api, tmp_path))
    await start_serving(bot, bot_api)
    anna = Person(bot_api)

    await anna.send("/calc", expect="What do you sell")
    await anna.press("Cosmetics", expect="Average order value")
    await anna.send("$65", expect="Purchase frequency")
    await anna.send("0.6", expect="Gross margin")
    await anna.send("58%", expect="How long do customers keep buying")
    await anna.press("lifetime", expect="Customer lifetime")
    await anna.send("18 months", expect="Customer acquisition cost")
    await anna.send("40", expect="Annual discount rate")
    await anna.press("Skip", expect="Check your numbers")
    result = await anna.press("Calculate LTV", expect="Customer LTV")
    exit_code = await bot.interrupt()

    assert "Customer LTV: $407.16" in result
    menus = {
        params.get("language_code") for name, params in bot_api.calls if name == "setMyCommands"
    }
    assert {"ru", "en"} <= menus
    assert exit_code == 0
    assert TOKEN not in bot.stderr()
    assert "Traceback" not in bot.stderr()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
async def test_restart_in_the_middle_of_the_wizard_keeps_the_answers(
    bot_api: BotApiStandIn, launch: Callable[..., BotProcess], tmp_path: Path, stop: int
) -> None:
    settings = serving_environment(bot_api, tmp_path)
    first = launch(settings)
    await start_serving(first, bot_api)
    anna = Person(bot_api)
    await anna.send("/calc", expect="What do you sell")
    await anna.press("Cosmetics", expect="Average order value")
    await anna.send("$65", expect="Purchase frequency")
    await anna.send("0.6", expect="Gross margin")
    await anna.all_updates_confirmed()
    assert await first.interrupt(stop) == 0

    second = launch(settings)
    await start_serving(second, bot_api)
    await anna.send("58%", expect="How long do customers keep buying")
    await anna.press("lifetime", expect="Customer lifetime")
    await anna.send("18 months", expect="Customer acquisition cost")
    await anna.send("40", expect="Annual discount rate")
    summary = await anna.press("Skip", expect="Check your numbers")
    result = await anna.press("Calculate LTV", expect="Customer LTV")
    assert await second.interrupt() == 0

    assert "Business: cosmetics" in summary
    assert "Average order value: $65" in summary
    assert "0.6 orders a month" in summary
    assert "Customer LTV: $407.16" in result


def assert_one_line_failure(process: BotProcess, exit_code: int, secret: str | None) -> str:
    stderr = process.stderr()
    assert exit_code != 0
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert stderr.startswith("ltv-bot: ")
    assert "Traceback" not in stderr
    if secret is not None:
        assert secret not in stderr
    return stderr


@pytest.mark.parametrize("token", [None, "", "  "])
async def test_missing_token_is_one_line(
    launch: Callable[..., BotProcess], tmp_path: Path, token: str | None
) -> None:
    """Not set at all, or set to nothing ("BOT_TOKEN=")."""
    given = {} if token is None else {"BOT_TOKEN": token}
    bot = launch(environment(DATABASE_URL=f"sqlite:///{tmp_path / 'ltv.db'}", **given))
    await bot.start()

    stderr = assert_one_line_failure(bot, await bot.exit_code(), secret=None)

    assert "BOT_TOKEN is missing" in stderr


async def test_malformed_token_is_one_line(
    launch: Callable[..., BotProcess], tmp_path: Path
) -> None:
    bot = launch(
        environment(BOT_TOKEN="not-a-token", DATABASE_URL=f"sqlite:///{tmp_path / 'ltv.db'}")
    )
    await bot.start()

    stderr = assert_one_line_failure(bot, await bot.exit_code(), secret="not-a-token")

    assert "BOT_TOKEN is malformed" in stderr


async def test_token_the_api_rejects_is_one_line(
    bot_api: BotApiStandIn, launch: Callable[..., BotProcess], tmp_path: Path
) -> None:
    wrong = "42:WRONG"
    settings = serving_environment(bot_api, tmp_path) | {"BOT_TOKEN": wrong}
    bot = launch(settings)
    await bot.start()

    stderr = assert_one_line_failure(bot, await bot.exit_code(), secret=wrong)

    assert "rejected BOT_TOKEN" in stderr


async def test_unreachable_api_is_one_line(
    launch: Callable[..., BotProcess], tmp_path: Path
) -> None:
    api_url = f"http://127.0.0.1:{closed_port()}"
    bot = launch(
        environment(
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=api_url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'ltv.db'}",
        )
    )
    await bot.start()

    stderr = assert_one_line_failure(bot, await bot.exit_code(), secret=TOKEN)

    assert f"cannot reach the Bot API at {api_url}" in stderr


@pytest.fixture
async def not_a_bot_api() -> AsyncIterator[Callable[[int, str, str], Awaitable[str]]]:
    """Serves every request one scripted answer, as a proxy or a web app at the wrong URL
    does; returns the base URL."""
    runners: list[web.AppRunner] = []

    async def serve(status: int, content_type: str, body: str) -> str:
        async def answer(request: web.Request) -> web.Response:
            text = body.replace("{path}", request.path)  # as Express says "Cannot POST /path"
            return web.Response(status=status, text=text, content_type=content_type)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", answer)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        return f"http://127.0.0.1:{port}"

    yield serve
    for runner in runners:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [
        (404, "text/html", "<pre>Cannot POST {path}</pre>"),
        (502, "application/json", '{"ok": false, "error_code": 502, "description": "{path}"}'),
    ],
)
async def test_a_server_that_is_no_bot_api_is_one_line_without_the_token(
    not_a_bot_api: Callable[[int, str, str], Awaitable[str]],
    launch: Callable[..., BotProcess],
    tmp_path: Path,
    status: int,
    content_type: str,
    body: str,
) -> None:
    api_url = await not_a_bot_api(status, content_type, body)
    bot = launch(
        environment(
            BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api_url, DATABASE_URL=f"sqlite:///{tmp_path}/x.db"
        )
    )
    await bot.start()

    stderr = assert_one_line_failure(bot, await bot.exit_code(), secret=TOKEN)

    assert f"the server at {api_url} did not answer as a Bot API does" in stderr


@pytest.mark.parametrize(
    ("database_url", "said"),
    [
        ("postgresql://shop:s3cret@db.example/ltv", "DATABASE_URL is malformed"),
        ("sqlite:///", "DATABASE_URL is malformed"),
        ("sqlite:relative.db", "DATABASE_URL is malformed"),
        ("sqlite:///no/such/folder/ltv.db", "cannot open the database at no/such/folder/ltv.db"),
    ],
)
async def test_a_database_url_that_cannot_be_used_is_one_line(
    launch: Callable[..., BotProcess], database_url: str, said: str
) -> None:
    bot = launch(
        environment(
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=f"http://127.0.0.1:{closed_port()}",
            DATABASE_URL=database_url,
        )
    )
    await bot.start()

    stderr = assert_one_line_failure(bot, await bot.exit_code(), secret="s3cret")

    assert said in stderr


@dataclass
class SilentApi:
    """A server that takes every request and never answers: a Bot API slow to answer."""

    url: str
    asked: asyncio.Event


@pytest.fixture
async def silent_api() -> AsyncIterator[SilentApi]:
    asked = asyncio.Event()

    async def never_answer(request: web.Request) -> web.Response:
        asked.set()
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", never_answer)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield SilentApi(f"http://127.0.0.1:{runner.addresses[0][1]}", asked)
    finally:
        await runner.cleanup()


def launched_against(
    api: SilentApi, launch: Callable[..., BotProcess], tmp_path: Path
) -> BotProcess:
    return launch(
        environment(
            BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.url, DATABASE_URL=f"sqlite:///{tmp_path}/x.db"
        )
    )


async def test_ctrl_c_while_the_bot_is_still_loading_stops_cleanly(
    silent_api: SilentApi, launch: Callable[..., BotProcess], tmp_path: Path
) -> None:
    """aiogram and the app take seconds to load on a slow machine: a person may stop it
    meanwhile (once loaded, it waits for the silent API: a stop just as clean)."""
    bot = launched_against(silent_api, launch, tmp_path)
    await bot.start()
    await asyncio.sleep(LOADING)

    assert await bot.interrupt() == 0
    assert bot.stderr() == ""


async def test_ctrl_c_while_the_api_is_slow_to_answer_stops_cleanly(
    silent_api: SilentApi, launch: Callable[..., BotProcess], tmp_path: Path
) -> None:
    bot = launched_against(silent_api, launch, tmp_path)
    await bot.start()
    async with asyncio.timeout(DEADLINE):
        await silent_api.asked.wait()  # the bot waits for getMe

    assert await bot.interrupt() == 0
    assert "Traceback" not in bot.stderr()


def newer_release_database(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE kept (x)")
        db.execute("PRAGMA user_version = 999")
        db.commit()


def another_programs_database(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE chats (id INTEGER)")
        db.commit()


@pytest.mark.parametrize(
    ("prepare", "said"),
    [
        (
            newer_release_database,
            "version 999 is newer than this release supports (4); upgrade the bot or point "
            "DATABASE_URL at another database.",
        ),
        (another_programs_database, "the file is not this bot's database"),
    ],
)
async def test_a_database_file_the_bot_cannot_use_is_one_line_that_says_why(
    launch: Callable[..., BotProcess],
    tmp_path: Path,
    prepare: Callable[[Path], None],
    said: str,
) -> None:
    prepare(tmp_path / "other.db")
    bot = launch(
        environment(
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=f"http://127.0.0.1:{closed_port()}",
            DATABASE_URL=f"sqlite:///{tmp_path / 'other.db'}",
        )
    )
    await bot.start()

    stderr = assert_one_line_failure(bot, await bot.exit_code(), secret=TOKEN)

    assert said in stderr


def test_help_says_how_to_run_and_starts_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        bot_main(["--help"])
    assert stopped.value.code == 0
    assert "BOT_TOKEN" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        bot_main(["--polling"])
    assert refused.value.code == 2
    assert "unrecognized arguments: --polling" in capsys.readouterr().err
