"""The real bot process (`python -m bot`) in a group chat, against the local Bot API stand-in."""

import asyncio
import signal

from tests.bot.conftest import STOP_TIMEOUT
from tests.fakes.bot_api_server import BotApiStandIn

GROUP = -1005
STARTUP_TIMEOUT = 30.0


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
