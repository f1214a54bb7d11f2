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


class SqliteRepository(SqliteDigestMixin, GroupSqlMixin):
    """Writes are serialised by a lock and each one is committed before the call returns."""

    def __init__(self, connection: aiosqlite.Connection, *, now: Clock = utc_now) -> None:
        self._db = connection
        self._now = now
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str, *, now: Clock = utc_now) -> SqliteRepository:
        """Connect to ``path`` (or ``":memory:"``) and migrate it to the current schema."""
        connection = await aiosqlite.connect(path)
        try:
            connection.row_factory = sqlite3.Row
            await connection.execute("PRAGMA foreign_keys = ON")
            if path != MEMORY:
                await connection.execute("PRAGMA journal_mode = WAL")
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
        return _chat(row)

    async def get_chat(self, chat_id: int) -> ChatRecord | None:
        row = await self._one("SELECT * FROM chats WHERE chat_id = ?", (chat_id,))
        return None if row is None else _chat(row)

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
        async with self._writing() as db:
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
        async with self._writing() as db:
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
        row = await self._one("SELECT state, data FROM fsm WHERE key = ?", (key,))
        if row is None:
            return None, {}
        return row["state"], json.loads(row["data"])

    async def set_fsm_state(self, key: str, state: str | None) -> None:
        async with self._writing() as db:
            await db.execute(
                """
                INSERT INTO fsm (key, state) VALUES (?, ?)
                ON CONFLICT (key) DO UPDATE SET state = excluded.state
                """,
                (key, state),
            )
            await self._forget_empty_fsm(key)

    async def set_fsm_data(self, key: str, data: Mapping[str, Any]) -> None:
        encoded = json.dumps(dict(data), ensure_ascii=False, allow_nan=False)
        async with self._writing() as db:
            await db.execute(
                """
                INSERT INTO fsm (key, data) VALUES (?, ?)
                ON CONFLICT (key) DO UPDATE SET data = excluded.data
                """,
                (key, encoded),
            )
            await self._forget_empty_fsm(key)

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction at a time: committed on success, rolled back on error."""
        async with self._write_lock:
            try:
                yield self._db
            except BaseException:
                await self._db.rollback()
                raise
            await self._db.commit()

    async def _one(self, sql: str, parameters: tuple[Any, ...]) -> sqlite3.Row | None:
        async with self._db.execute(sql, parameters) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
        return row

    async def _require_chat(self, chat_id: int) -> None:
        if await self._one("SELECT 1 FROM chats WHERE chat_id = ?", (chat_id,)) is None:
            raise UnknownChat(chat_id)

    async def _forget_empty_fsm(self, key: str) -> None:
        """A key with no state and no data is the same as no row: keep the table small."""
        await self._db.execute(
            "DELETE FROM fsm WHERE key = ? AND state IS NULL AND data = ?", (key, EMPTY_DATA)
        )

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
