"""Waiting in a test for what happens in the background (a write behind, another process)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(
    condition: Callable[[], bool],
    what: str = "change",
    *,
    deadline: float = 5.0,
    every: float = 0.001,
) -> None:
    """Let the event loop turn until ``condition`` holds; AssertionError after ``deadline``
    seconds, naming ``what`` was awaited."""
    try:
        async with asyncio.timeout(deadline):
            while not condition():  # noqa: ASYNC110 (what is awaited has no event to wait on)
                await asyncio.sleep(every)
    except TimeoutError:
        raise AssertionError(f"no {what} within {deadline}s") from None
