"""The repository on one SQLite database, through one aiosqlite connection."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.storage.base import (
    CalculationRecord,
    ChatRecord,
    Clock,
    ShopProfile,
    UnknownChat,
    utc_now,
)
from bot.storage.digests import SqliteDigestMixin
from bot.storage.groups import GroupSqlMixin
from bot.storage.migrations import apply_migrations
from ltv_engine.model import LtvInputs
from ltv_engine.serialize import inputs_from_dict, inputs_to_dict

MEMORY = ":memory:"
EMPTY_DATA = "{}"
CACHE_SIZE = 10_000  # chats and FSM keys kept in memory; past that the cache starts afresh


class SqliteRepository(SqliteDigestMixin, GroupSqlMixin):
    """Writes are serialised by a lock and each one is committed before the call returns.

    The connection is in autocommit mode: a write of several statements opens its own
    transaction (``_writing``), and a single statement commits itself in the same trip to
    aiosqlite's thread (``_write_alone``), which matters for the FSM row written every step.

    Chats and FSM rows are read on every update, so they are cached: the methods that write
    them keep the cache right, and any other write clears it (a mixin's SQL may touch them).
    """

    def __init__(self, connection: aiosqlite.Connection, *, now: Clock = utc_now) -> None:
        self._db = connection
        self._now = now
        self._write_lock = asyncio.Lock()
        self._chats: dict[int, ChatRecord] = {}
        self._fsm: dict[str, tuple[str | None, str]] = {}  # key -> (state, data as JSON)

    @classmethod
    async def open(cls, path: str, *, now: Clock = utc_now) -> SqliteRepository:
        """Connect to ``path`` (or ``":memory:"``) and migrate it to the current schema."""
        connection = await aiosqlite.connect(path, isolation_level=None)
        try:
            connection.row_factory = sqlite3.Row
            await connection.execute("PRAGMA foreign_keys = ON")
            if path != MEMORY:
                await connection.execute("PRAGMA journal_mode = WAL")
                # With WAL, NORMAL loses at most the last commits on power loss, never integrity,
                # and spares an fsync per commit: each FSM step is a commit.
                await connection.execute("PRAGMA synchronous = NORMAL")
            await apply_migrations(connection)
        except BaseException:
            await connection.close()
            raise
        return cls(connection, now=now)

    async def close(self) -> None:
        await self._db.close()

    async def upsert_chat(
        self, chat_id: int, *, kind: str, title: str | None = None
    ) -> ChatRecord:
        async with self._writing() as db:
            rows = await db.execute_fetchall(
                """
                INSERT INTO chats (chat_id, kind, title, created_at, active)
                VALUES (?, ?, ?, ?, 1)
                ON CONFLICT (chat_id) DO UPDATE SET
                    kind = excluded.kind,
                    title = coalesce(excluded.title, chats.title),
                    active = 1
                RETURNING *
                """,
                (chat_id, kind, title, self._stamp()),
            )
        (row,) = rows
        self._chats[chat_id] = _chat(row)
        return self._chats[chat_id]

    async def get_chat(self, chat_id: int) -> ChatRecord | None:
        if chat_id not in self._chats:
            row = await self._one("SELECT * FROM chats WHERE chat_id = ?", (chat_id,))
            if row is None:
                return None
            self._remember(self._chats, chat_id, _chat(row))
        return self._chats[chat_id]

    async def set_language(self, chat_id: int, language: str) -> None:
        async with self._writing() as db:
            cursor = await db.execute(
                "UPDATE chats SET language = ? WHERE chat_id = ?", (language, chat_id)
            )
            if cursor.rowcount == 0:
                raise UnknownChat(chat_id)

    async def save_profile(
        self, chat_id: int, inputs: LtvInputs, *, user_id: int | None, user_name: str | None
    ) -> ShopProfile:
        encoded = _encode_inputs(inputs)
        async with self._writing(keeps_caches=True) as db:
            await self._require_chat(chat_id)
            stamp = self._stamp()
            await db.execute(
                """
                INSERT INTO shop_profiles
                    (chat_id, inputs, updated_by_id, updated_by_name, updated_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET
                    inputs = excluded.inputs,
                    updated_by_id = excluded.updated_by_id,
                    updated_by_name = excluded.updated_by_name,
                    updated_at = excluded.updated_at
                """,
                (chat_id, encoded, user_id, user_name, stamp),
            )
        return ShopProfile(chat_id, inputs, user_id, user_name, _parse_time(stamp))

    async def get_profile(self, chat_id: int) -> ShopProfile | None:
        row = await self._one("SELECT * FROM shop_profiles WHERE chat_id = ?", (chat_id,))
        if row is None:
            return None
        return ShopProfile(
            chat_id=row["chat_id"],
            inputs=_decode_inputs(row["inputs"]),
            updated_by_id=row["updated_by_id"],
            updated_by_name=row["updated_by_name"],
            updated_at=_parse_time(row["updated_at"]),
        )

    async def add_calculation(
        self,
        chat_id: int,
        user_id: int | None,
        inputs: LtvInputs,
        *,
        ltv: float,
        revenue_ltv: float,
    ) -> CalculationRecord:
        encoded = _encode_inputs(inputs)
        async with self._writing(keeps_caches=True) as db:
            await self._require_chat(chat_id)
            stamp = self._stamp()
            ((calculation_id,),) = await db.execute_fetchall(
                """
                INSERT INTO calculations
                    (chat_id, user_id, inputs, ltv, revenue_ltv, currency, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                RETURNING id
                """,
                (chat_id, user_id, encoded, ltv, revenue_ltv, inputs.currency, stamp),
            )
        return CalculationRecord(
            calculation_id,
            chat_id,
            user_id,
            inputs,
            ltv,
            revenue_ltv,
            inputs.currency,
            _parse_time(stamp),
        )

    async def list_calculations(self, chat_id: int, *, limit: int = 10) -> list[CalculationRecord]:
        if limit < 0:
            raise ValueError(f"limit must not be negative, got {limit}")
        rows = await self._db.execute_fetchall(
            """
            SELECT * FROM calculations WHERE chat_id = ?
            ORDER BY created_at DESC, id DESC LIMIT ?
            """,
            (chat_id, limit),
        )
        return [_calculation(row) for row in rows]

    async def get_calculation(self, chat_id: int, calculation_id: int) -> CalculationRecord | None:
        row = await self._one(
            "SELECT * FROM calculations WHERE chat_id = ? AND id = ?", (chat_id, calculation_id)
        )
        return None if row is None else _calculation(row)

    async def get_fsm(self, key: str) -> tuple[str | None, dict[str, Any]]:
        state, data = await self._fsm_row(key)
        return state, json.loads(data)

    async def set_fsm_state(self, key: str, state: str | None) -> None:
        _, data = await self._fsm_row(key)
        await self._put_fsm(key, state, data)

    async def set_fsm_data(self, key: str, data: Mapping[str, Any]) -> None:
        encoded = json.dumps(dict(data), ensure_ascii=False, allow_nan=False)
        state, _ = await self._fsm_row(key)
        await self._put_fsm(key, state, encoded)

    async def _fsm_row(self, key: str) -> tuple[str | None, str]:
        if key not in self._fsm:
            row = await self._one("SELECT state, data FROM fsm WHERE key = ?", (key,))
            self._remember(self._fsm, key, (None, EMPTY_DATA) if row is None else tuple(row))
        return self._fsm[key]

    async def _put_fsm(self, key: str, state: str | None, data: str) -> None:
        """One statement: a key with no state and no data is the same as no row."""
        if state is None and data == EMPTY_DATA:
            await self._write_alone("DELETE FROM fsm WHERE key = ?", (key,))
        else:
            await self._write_alone(
                """
                INSERT INTO fsm (key, state, data) VALUES (?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET state = excluded.state, data = excluded.data
                """,
                (key, state, data),
            )
        self._remember(self._fsm, key, (state, data))

    @staticmethod
    def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = value

    @asynccontextmanager
    async def _writing(self, *, keeps_caches: bool = False) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction at a time: committed on success, rolled back on error."""
        async with self._write_lock:
            await self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                await self._db.rollback()
                self._forget_cached()
                raise
            await self._db.commit()
            if not keeps_caches:
                self._forget_cached()

    async def _write_alone(self, sql: str, parameters: tuple[Any, ...]) -> None:
        """One statement, committed by SQLite itself (autocommit): all of it or nothing.

        Under the lock all the same, or it would join another write's open transaction.
        """
        async with self._write_lock:
            await self._db.execute(sql, parameters)

    def _forget_cached(self) -> None:
        self._chats.clear()
        self._fsm.clear()

    async def _one(self, sql: str, parameters: tuple[Any, ...]) -> sqlite3.Row | None:
        async with self._db.execute(sql, parameters) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
        return row

    async def _require_chat(self, chat_id: int) -> None:
        if await self._one("SELECT 1 FROM chats WHERE chat_id = ?", (chat_id,)) is None:
            raise UnknownChat(chat_id)

    def _stamp(self) -> str:
        moment = self._now()
        if moment.tzinfo is None:
            raise ValueError("the repository clock must return timezone-aware datetimes")
        return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _parse_time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def _encode_inputs(inputs: LtvInputs) -> str:
    return json.dumps(inputs_to_dict(inputs), ensure_ascii=False, allow_nan=False)


def _decode_inputs(text: str) -> LtvInputs:
    return inputs_from_dict(json.loads(text))


def _chat(row: sqlite3.Row) -> ChatRecord:
    return ChatRecord(
        chat_id=row["chat_id"],
        kind=row["kind"],
        language=row["language"],
        title=row["title"],
        created_at=_parse_time(row["created_at"]),
        active=bool(row["active"]),
    )


def _calculation(row: sqlite3.Row) -> CalculationRecord:
    return CalculationRecord(
        id=row["id"],
        chat_id=row["chat_id"],
        user_id=row["user_id"],
        inputs=_decode_inputs(row["inputs"]),
        ltv=row["ltv"],
        revenue_ltv=row["revenue_ltv"],
        currency=row["currency"],
        created_at=_parse_time(row["created_at"]),
    )
