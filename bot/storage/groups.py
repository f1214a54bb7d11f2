"""What a group chat's life needs from storage: a new id on migration to a supergroup, removal
with a grace period, deletion on request, an introduction said once.

Every table with a ``chat_id`` column belongs to a chat: it is found with ``PRAGMA table_info``,
so tables that later features add move and are deleted with their chat without changes here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Protocol

import aiosqlite

CHATS = "chats"
FSM = "fsm"
# bot.storage.fsm.fsm_key stores a JSON array whose second element is the chat id, the third
# the user's.
FSM_CHAT = "$[1]"
FSM_USER = "$[2]"
# What a chat's record says about the chat itself rather than its settings: the new id keeps its
# own on migration.
OWN_COLUMNS = frozenset({"kind", "title", "created_at", "active", "removed_at"})


class GroupStore(Protocol):
    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Move everything of chat ``old_id`` to ``new_id`` (a group became a supergroup).

        Where ``new_id`` already has a row that can exist once per chat (its profile), the
        newer one at ``new_id`` is kept; rows that may repeat (history) all move.
        """
        ...

    async def mark_removed(self, chat_id: int) -> None:
        """The bot left or was removed: the chat turns inactive and its grace period starts.
        ``upsert_chat`` (the bot added again) makes it active and keeps its data."""
        ...

    async def purge_removed(self, older_than: timedelta) -> list[int]:
        """Forget chats inactive for longer than ``older_than``; return their ids."""
        ...

    async def forget_chat(self, chat_id: int) -> list[tuple[int, str]]:
        """Delete the chat and every row that belongs to it, now. Return the conversations
        under way in the chat that went with it: (user id, FSM state), by user id."""
        ...

    async def mark_introduced(self, chat_id: int) -> bool:
        """True the first time it is called for a recorded chat, False ever after."""
        ...


class _Connected(Protocol):
    """The parts of SqliteRepository the mixin builds on."""

    _db: aiosqlite.Connection
    _now: Callable[[], datetime]

    def _writing(self) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...

    def _stamp(self) -> str: ...


class GroupSqlMixin:
    """``GroupStore`` for ``SqliteRepository``."""

    async def migrate_chat(self: _Connected, old_id: int, new_id: int) -> None:
        async with self._writing() as db:
            await _copy_chat_row(db, old_id, new_id)
            for table in await _chat_tables(db):
                await db.execute(
                    f"UPDATE OR IGNORE {_quoted(table)} SET chat_id = ? WHERE chat_id = ?",
                    (new_id, old_id),
                )
            await db.execute(
                f"UPDATE OR IGNORE {FSM} SET key = json_set(key, '{FSM_CHAT}', ?) "
                f"WHERE json_extract(key, '{FSM_CHAT}') = ?",
                (new_id, old_id),
            )
            await _delete_chat(db, old_id)

    async def mark_removed(self: _Connected, chat_id: int) -> None:
        async with self._writing() as db:
            await db.execute(
                "UPDATE chats SET active = 0, removed_at = ? WHERE chat_id = ?",
                (self._stamp(), chat_id),
            )

    async def purge_removed(self: _Connected, older_than: timedelta) -> list[int]:
        cutoff = self._now() - older_than
        rows = await self._db.execute_fetchall(
            "SELECT chat_id, removed_at FROM chats WHERE active = 0 AND removed_at IS NOT NULL"
        )
        expired = [row[0] for row in rows if _removed_before(row, cutoff)]
        async with self._writing() as db:
            for chat_id in expired:
                await _delete_chat(db, chat_id)
        return expired

    async def forget_chat(self: _Connected, chat_id: int) -> list[tuple[int, str]]:
        async with self._writing() as db:
            return await _delete_chat(db, chat_id)

    async def mark_introduced(self: _Connected, chat_id: int) -> bool:
        async with self._writing() as db:
            cursor = await db.execute(
                "UPDATE chats SET introduced = 1 WHERE chat_id = ? AND introduced = 0", (chat_id,)
            )
            return cursor.rowcount == 1


async def _copy_chat_row(db: aiosqlite.Connection, old_id: int, new_id: int) -> None:
    """The old chat's record under the new id. A record the new id already has (made by the
    first update from the supergroup, seconds old) takes the settings of an older old record;
    an old record younger than it was only re-made by the old group's last message."""
    columns = [column for column in await _columns(db, CHATS) if column != "chat_id"]
    settings = [column for column in columns if column not in OWN_COLUMNS]
    names = ", ".join(_quoted(column) for column in columns)
    updates = ", ".join(
        f"{_quoted(column)} = CASE WHEN excluded.created_at < chats.created_at "
        f"THEN excluded.{_quoted(column)} ELSE chats.{_quoted(column)} END"
        for column in settings
    )
    await db.execute(
        f"""
        INSERT INTO chats (chat_id, {names}) SELECT ?, {names} FROM chats WHERE chat_id = ?
        ON CONFLICT (chat_id) DO UPDATE SET {updates}
        """,
        (new_id, old_id),
    )
    await db.execute("UPDATE chats SET kind = 'supergroup' WHERE chat_id = ?", (new_id,))


async def _columns(db: aiosqlite.Connection, table: str) -> list[str]:
    return [
        str(row[1]) for row in await db.execute_fetchall(f"PRAGMA table_info({_quoted(table)})")
    ]


async def _chat_tables(db: aiosqlite.Connection) -> list[str]:
    """Tables other than ``chats`` that have a ``chat_id`` column."""
    names = await db.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in names if name != CHATS and "chat_id" in await _columns(db, name)]


async def _delete_chat(db: aiosqlite.Connection, chat_id: int) -> list[tuple[int, str]]:
    """Delete the chat's rows; return its FSM states: (user id, state), by user id."""
    for table in await _chat_tables(db):
        await db.execute(f"DELETE FROM {_quoted(table)} WHERE chat_id = ?", (chat_id,))
    conversations = await db.execute_fetchall(
        f"DELETE FROM {FSM} WHERE json_extract(key, '{FSM_CHAT}') = ? "
        f"RETURNING json_extract(key, '{FSM_USER}'), state",
        (chat_id,),
    )
    await db.execute("DELETE FROM chats WHERE chat_id = ?", (chat_id,))
    return sorted((user_id, state) for user_id, state in conversations if state is not None)


def _removed_before(row: sqlite3.Row, cutoff: datetime) -> bool:
    return datetime.fromisoformat(row[1]).astimezone(UTC) <= cutoff


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
