"""The real bot process (`python -m bot`) in a group chat, against the local Bot API stand-in."""

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.bot_api_server import BotApiStandIn
from tests.fakes.session import TOKEN

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GROUP = -1005
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


@pytest.fixture
async def bot_process(
    bot_api: BotApiStandIn, tmp_path: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": bot_api.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "POLLING_TIMEOUT": "1",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,  # no .env of the developer's is read
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                process.kill()
                await process.wait()
                pytest.fail("the bot did not stop within the timeout after SIGINT")


async def test_real_bot_answers_ltv_in_a_group(
    bot_api: BotApiStandIn, bot_process: asyncio.subprocess.Process
) -> None:
    await bot_api.wait_for_call("getUpdates", timeout=STARTUP_TIMEOUT)
    mark = len(bot_api.calls)

    command = bot_api.push_message(
        GROUP, 7, "/ltv@ltv_test_bot 2500 1.5 30% 18", chat_type="group", language_code="en"
    )
    reply = await bot_api.wait_for_call("sendMessage", since=mark, timeout=STARTUP_TIMEOUT)

    assert reply["chat_id"] == GROUP
    assert "LTV: $20,250" in reply["text"]
    assert reply["reply_parameters"]["message_id"] == command.message_id
    group_menus = [
        params
        for name, params in bot_api.calls
        if name == "setMyCommands" and params.get("scope", {}).get("type") == "all_group_chats"
    ]
    assert len(group_menus) == 3
    assert "ltv" in [command["command"] for command in group_menus[0]["commands"]]

    bot_process.send_signal(signal.SIGINT)
    assert await asyncio.wait_for(bot_process.wait(), STOP_TIMEOUT) == 0
