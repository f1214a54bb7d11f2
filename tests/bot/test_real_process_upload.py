"""The real bot process (`python -m bot`) analyses an uploaded order file over HTTP."""

import asyncio
import signal

from tests.bot.conftest import STOP_TIMEOUT
from tests.bot.order_files import orders_csv
from tests.fakes.bot_api_server import BotApiStandIn

USER = 1001
STARTUP_TIMEOUT = 30.0
WORK_TIMEOUT = 60.0


async def test_real_bot_analyses_an_uploaded_order_file(
    bot_api: BotApiStandIn, bot_process: asyncio.subprocess.Process
) -> None:
    await bot_api.wait_for_call("getUpdates", timeout=STARTUP_TIMEOUT)
    mark = len(bot_api.calls)

    bot_api.push_document(
        USER, USER, "orders.csv", orders_csv(600, 540), "text/csv", language_code="en"
    )
    review = await bot_api.wait_for_call(
        "editMessageText", lambda p: "Here is what I read" in p["text"], since=mark
    )
    assert "3,898 orders from 600 customers" in review["text"]

    mark = len(bot_api.calls)
    bot_api.push_callback(USER, USER, "Analyse", language_code="en")
    await bot_api.wait_for_call("sendDocument", since=mark, timeout=WORK_TIMEOUT)

    photos = [params for name, params in bot_api.calls[mark:] if name == "sendPhoto"]
    assert len(photos) == 3
    result = next(
        params["text"]
        for name, params in reversed(bot_api.calls)
        if name == "editMessageText" and "LTV from your orders" in params["text"]
    )
    assert "Predicted for the next 12 months" in result and "Champions" in result
    document = bot_api.telegram.uploads[-1]
    assert document.file_name == "clv_predictions.csv"
    assert document.data.decode("utf-8-sig").count("\r\n") == 601

    bot_process.send_signal(signal.SIGINT)
    assert await asyncio.wait_for(bot_process.wait(), STOP_TIMEOUT) == 0
