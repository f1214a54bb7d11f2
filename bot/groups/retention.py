"""Data of groups the bot was removed from is kept 30 days, then deleted."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.storage.groups import GroupStore

log = logging.getLogger(__name__)

KEEP_REMOVED = timedelta(days=30)
PURGE_EVERY = timedelta(hours=6)


async def purge_periodically(
    store: GroupStore, *, keep: timedelta = KEEP_REMOVED, every: timedelta = PURGE_EVERY
) -> None:
    """Run until cancelled: forget the chats removed more than ``keep`` ago, every ``every``."""
    while True:
        purged = await store.purge_removed(keep)
        if purged:
            log.info("Deleted the data of %d chats the bot left over %s ago", len(purged), keep)
        await asyncio.sleep(every.total_seconds())
