"""The repository on one SQLite database, through one aiosqlite connection."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, cast

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

log = logging.getLogger(__name__)

MEMORY = ":memory:"
EMPTY_DATA = "{}"
CACHE_SIZE = 10_000  # chats and FSM keys kept in memory; past that the cache starts afresh
FOREIGN_KEY_FAILED = "SQLITE_CONSTRAINT_FOREIGNKEY"
FSM_COMMIT_WINDOW = 0.002  # seconds a staged write waits for others to share its commit
FsmRow = tuple[str | None, str]  # state, data as JSON
NO_FSM_ROW: FsmRow = (None, EMPTY_DATA)
Statement = tuple[str, tuple[Any, ...]]

UPSERT_FSM_ROWS = """
    INSERT INTO fsm (key, state, data)
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
    FROM json_each(?) WHERE true
    ON CONFLICT (key) DO UPDATE SET state = excluded.state, data = excluded.data
"""
UPSERT_CHAT = """
    INSERT INTO chats (chat_id, kind, title, created_at, active)
    VALUES (?, ?, ?, ?, 1)
    ON CONFLICT (chat_id) DO UPDATE SET
        kind = excluded.kind,
        title = coalesce(excluded.title, chats.title),
        active = 1,
        removed_at = NULL
    RETURNING *
"""
DELETE_FSM_ROWS = "DELETE FROM fsm WHERE key IN (SELECT value FROM json_each(?))"
INSERT_CALCULATION = """
    INSERT INTO calculations (id, chat_id, user_id, inputs, ltv, revenue_ltv, currency, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
# The highest id ever given (AUTOINCREMENT's counter): ids of deleted rows are not given again.
LAST_CALCULATION_ID = """
    SELECT max(
        coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'calculations'), 0),
        coalesce((SELECT max(id) FROM calculations), 0)
    )
"""
UPSERT_PROFILE = """
    INSERT INTO shop_profiles (chat_id, inputs, updated_by_id, updated_by_name, updated_at)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (chat_id) DO UPDATE SET
        inputs = excluded.inputs,
        updated_by_id = excluded.updated_by_id,
        updated_by_name = excluded.updated_by_name,
        updated_at = excluded.updated_at
    WHERE excluded.updated_at >= shop_profiles.updated_at  -- a retried staged one is older
"""


class SqliteRepository(SqliteDigestMixin, GroupSqlMixin):
    """Writes are serialised by a lock and committed before the call returns, except the FSM's
    and the calculations'.

    The connection is in autocommit mode: a write of several statements opens its own
    transaction (``_writing``); independent single statements commit themselves and are sent
    to aiosqlite's thread together (``_write_alone``). Each trip there costs about as much as
    a whole update's other work, so the hot path makes as few as it can.

    FSM rows are written behind: a step's state is staged in memory and served from there at
    once. Staged rows travel with the next write, or after ``FSM_COMMIT_WINDOW`` in one or two
    statements of their own (group commit): in production, while the reply is still on its
    way to Telegram. ``_writing`` and ``close`` commit them first, so no other write and no
    shutdown overtakes them (unless the database fails them for now: then they wait for the
    next try, and the failure is logged); only a hard kill within that window loses the last
    step.

    Calculations (with the profile a finished wizard saves) are written behind the same way:
    the reply with the result need not wait for the disk. Their ids are given here, from the
    database's counter read at start-up, so the reply's buttons can name the row to come.
    Reads of calculations and profiles commit the staged ones first. A staged write that fails
    for now (the database busy or out of reach) is logged and tried again with the next
    commit; one the database refuses for good is logged and dropped: a calculation of a chat
    forgotten or migrated while it was staged, which goes with its chat.

    Chats and FSM rows are read on every update, so they are cached: the methods that write
    them keep the cache right, and any multi-statement write clears it (a mixin's SQL may touch
    them).
    """

    def __init__(
        self, connection: aiosqlite.Connection, *, last_calculation_id: int, now: Clock = utc_now
    ) -> None:
        self._db = connection
        self._now = now
        self._write_lock = asyncio.Lock()
        self._chats: dict[int, ChatRecord] = {}
        self._fsm: dict[str, FsmRow] = {}
        self._fsm_staged: dict[str, FsmRow] = {}  # newer than the database until committed
        self._staged_writes: list[Statement] = []  # calculations and profiles, oldest first
        self._last_calculation_id = last_calculation_id
        self._saver: asyncio.Task[None] | None = None
        self._closed = False

    @classmethod
    async def open(cls, path: str, *, now: Clock = utc_now) -> SqliteRepository:
        """Connect to ``path`` (or ``":memory:"``) and migrate it to the current schema.

        A file that cannot be opened raises ``sqlite3.Error`` here, from a plain connection
        tried first: when aiosqlite's own connect fails, its worker thread reports back after
        the caller may have closed the event loop, and prints a traceback of its own.
        """
        if path != MEMORY:
            sqlite3.connect(path).close()
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
            ((last_calculation_id,),) = await connection.execute_fetchall(LAST_CALCULATION_ID)
        except BaseException:
            await connection.close()
            raise
        return cls(connection, last_calculation_id=last_calculation_id, now=now)

    async def close(self) -> None:
        """Commit the staged writes, then close the connection. Nothing more is staged from
        here on: a handler still at work when polling stops gets an error, not a silent loss."""
        self._closed = True
        async with self._write_lock:
            try:
                await self._commit_staged()
            finally:
                if self._saver is not None:
                    self._saver.cancel()  # done, or waiting for the lock held here
                await self._db.close()

    async def upsert_chat(
        self, chat_id: int, *, kind: str, title: str | None = None
    ) -> ChatRecord:
        ((row,),) = await self._write_alone((UPSERT_CHAT, (chat_id, kind, title, self._stamp())))
        self._chats[chat_id] = _chat(row)
        return self._chats[chat_id]

    async def get_chat(self, chat_id: int) -> ChatRecord | None:
        if chat_id not in self._chats:
            row = await self._one("SELECT * FROM chats WHERE chat_id = ?", (chat_id,))
            if row is None:
                return None
            self._remember(self._chats, chat_id, _chat(row))
        return self._chats[chat_id]

    async def chat_for_update(
        self, chat_id: int, *, kind: str, title: str | None = None
    ) -> ChatRecord:
        known = self._chats.get(chat_id)
        return known or await self.upsert_chat(chat_id, kind=kind, title=title)

    async def set_language(self, chat_id: int, language: str) -> None:
        (updated,) = await self._write_alone(
            (
                "UPDATE chats SET language = ? WHERE chat_id = ? RETURNING chat_id",
                (language, chat_id),
            )
        )
        self._chats.pop(chat_id, None)
        if not updated:
            raise UnknownChat(chat_id)

    async def save_profile(
        self, chat_id: int, inputs: LtvInputs, *, user_id: int | None, user_name: str | None
    ) -> ShopProfile:
        stamp = self._stamp()
        await self._write_for_chat(
            chat_id, (UPSERT_PROFILE, (chat_id, _encode_inputs(inputs), user_id, user_name, stamp))
        )
        return ShopProfile(chat_id, inputs, user_id, user_name, _parse_time(stamp))

    async def get_profile(self, chat_id: int) -> ShopProfile | None:
        await self._settle_staged_writes()
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
        return await self._insert_calculation(chat_id, user_id, inputs, ltv, revenue_ltv)

    async def save_calculation(
        self,
        chat_id: int,
        inputs: LtvInputs,
        *,
        ltv: float,
        revenue_ltv: float,
        user_id: int | None,
        user_name: str | None,
    ) -> CalculationRecord:
        return await self._insert_calculation(
            chat_id, user_id, inputs, ltv, revenue_ltv, profile=True, user_name=user_name
        )

    async def _insert_calculation(
        self,
        chat_id: int,
        user_id: int | None,
        inputs: LtvInputs,
        ltv: float,
        revenue_ltv: float,
        *,
        profile: bool = False,
        user_name: str | None = None,
    ) -> CalculationRecord:
        """Staged (see the class), once the chat is known to be recorded."""
        self._require_open()
        if not (math.isfinite(ltv) and math.isfinite(revenue_ltv)):
            raise ValueError(f"a calculation's LTV must be finite, got {ltv} and {revenue_ltv}")
        stamp = self._stamp()
        if chat_id not in self._chats:
            await self._require_chat(chat_id)
        encoded = _encode_inputs(inputs)
        self._last_calculation_id += 1
        calculation_id = self._last_calculation_id
        self._staged_writes.append(
            (
                INSERT_CALCULATION,
                (
                    calculation_id,
                    chat_id,
                    user_id,
                    encoded,
                    ltv,
                    revenue_ltv,
                    inputs.currency,
                    stamp,
                ),
            )
        )
        if profile:
            self._staged_writes.append(
                (UPSERT_PROFILE, (chat_id, encoded, user_id, user_name, stamp))
            )
        self._schedule_commit()
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
        await self._settle_staged_writes()
        rows = await self._db.execute_fetchall(
            """
            SELECT * FROM calculations WHERE chat_id = ?
            ORDER BY created_at DESC, id DESC LIMIT ?
            """,
            (chat_id, limit),
        )
        return [_calculation(row) for row in rows]

    async def get_calculation(self, chat_id: int, calculation_id: int) -> CalculationRecord | None:
        await self._settle_staged_writes()
        row = await self._one(
            "SELECT * FROM calculations WHERE chat_id = ? AND id = ?", (chat_id, calculation_id)
        )
        return None if row is None else _calculation(row)

    async def get_fsm(self, key: str) -> tuple[str | None, dict[str, Any]]:
        state, data = await self._fsm_row(key)
        return state, json.loads(data)

    async def get_fsm_state(self, key: str) -> str | None:
        state, _ = await self._fsm_row(key)
        return state

    async def set_fsm_state(self, key: str, state: str | None) -> None:
        _, data = await self._fsm_row(key)
        self._stage_fsm(key, (state, data))

    async def set_fsm_data(self, key: str, data: Mapping[str, Any]) -> None:
        encoded = json.dumps(dict(data), ensure_ascii=False, allow_nan=False)
        state, _ = await self._fsm_row(key)
        self._stage_fsm(key, (state, encoded))

    async def _fsm_row(self, key: str) -> FsmRow:
        known = self._fsm_staged.get(key) or self._fsm.get(key)
        if known is not None:
            return known
        found = await self._one("SELECT state, data FROM fsm WHERE key = ?", (key,))
        row: FsmRow = NO_FSM_ROW if found is None else (found[0], found[1])
        self._remember(self._fsm, key, row)
        return self._fsm_staged.get(key, row)  # staged while we read

    def _stage_fsm(self, key: str, row: FsmRow) -> None:
        self._require_open()
        self._fsm_staged[key] = row
        self._schedule_commit()

    def _require_open(self) -> None:
        if self._closed:
            raise ValueError("the repository is closed")

    def _schedule_commit(self) -> None:
        if self._saver is None or self._saver.done():
            self._saver = asyncio.create_task(self._save_staged())

    async def _save_staged(self) -> None:
        await asyncio.sleep(FSM_COMMIT_WINDOW)
        async with self._write_lock:
            await self._commit_staged()

    async def _settle_staged_writes(self) -> None:
        """Before a read of calculations or profiles: the staged ones committed, and those on
        their way to the database arrived (there are seldom any: they wait a few milliseconds)."""
        if self._staged_writes or self._write_lock.locked():
            async with self._write_lock:
                await self._commit_staged()

    async def _commit_staged(self) -> None:
        """Under the write lock. What fails for now stays staged, and is logged: the next step,
        write or close tries again."""
        while self._staged_writes or self._fsm_staged:
            _, error = await self._send_with_staged()
            if error is not None:
                self._log_unsaved(error)
                return

    def _log_unsaved(self, error: BaseException) -> None:
        log.error(
            "not saved yet: %d conversation states, %d calculation writes (%r)",
            len(self._fsm_staged),
            len(self._staged_writes),
            error,
        )

    async def _send_with_staged(
        self, *statements: Statement
    ) -> tuple[list[list[sqlite3.Row] | BaseException], BaseException | None]:
        """Under the write lock, in one trip: the staged writes (older than ``statements``),
        ``statements``, the staged FSM rows. The results of ``statements``, and the first error
        of the staged ones that failed for now (they stay staged)."""
        writes, self._staged_writes = self._staged_writes, []
        batch = dict(self._fsm_staged)
        results = await self._send(*writes, *statements, *_fsm_statements(batch))
        ours = len(writes) + len(statements)
        write_error = self._settle_writes(writes, results[: len(writes)])
        fsm_error = self._settle_fsm(batch, results[ours:])
        return results[len(writes) : ours], write_error or fsm_error

    def _settle_writes(
        self, writes: list[Statement], results: Sequence[object]
    ) -> BaseException | None:
        """Stage again, ahead of newer ones, the ``writes`` that failed for now (the database
        busy or out of reach), and return the first such error. A write refused for good (a
        calculation of a chat forgotten in the meantime, text SQLite cannot store) is dropped,
        so that it holds up no one else's."""
        again = []
        for write, result in zip(writes, results, strict=True):
            if isinstance(result, sqlite3.OperationalError):
                again.append((write, result))
            elif isinstance(result, BaseException):
                log.error("a staged write the database refused was dropped: %r", result)
        self._staged_writes[:0] = [write for write, _ in again]
        return again[0][1] if again else None

    def _settle_fsm(
        self, batch: dict[str, FsmRow], results: Sequence[object]
    ) -> BaseException | None:
        """Mark ``batch`` saved when its statements' ``results`` hold no error, else return it."""
        error = next((r for r in results if isinstance(r, BaseException)), None)
        if error is None:
            for key, row in batch.items():
                if self._fsm_staged.get(key) is row:
                    del self._fsm_staged[key]
                self._remember(self._fsm, key, row)
        return error

    @staticmethod
    def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = value

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction at a time, after the staged writes: committed on success,
        rolled back on error."""
        async with self._write_lock:
            await self._commit_staged()
            await self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                await self._db.rollback()
                raise
            finally:
                self._forget_cached()
            await self._db.commit()

    async def _write_alone(self, *statements: Statement) -> list[list[sqlite3.Row]]:
        """Independent statements, each committed by SQLite itself (autocommit), sent to
        aiosqlite's thread at once with the staged writes: one trip for all of them. A failing
        statement does not stop the others; the first error is raised once all have run.

        Under the lock all the same, or they would join another write's open transaction.
        """
        async with self._write_lock:
            written, staged_error = await self._send_with_staged(*statements)
        if staged_error is not None:
            self._log_unsaved(staged_error)
        error = next((r for r in written if isinstance(r, BaseException)), None)
        if error is not None:
            raise error
        return cast(list[list[sqlite3.Row]], written)

    async def _write_for_chat(
        self, chat_id: int, *statements: Statement
    ) -> list[list[sqlite3.Row]]:
        """``_write_alone`` for rows that reference the chat: ``UnknownChat`` without it."""
        try:
            return await self._write_alone(*statements)
        except sqlite3.IntegrityError as error:
            if error.sqlite_errorname == FOREIGN_KEY_FAILED:
                raise UnknownChat(chat_id) from error
            raise

    async def _send(self, *statements: Statement) -> list[list[sqlite3.Row] | BaseException]:
        """Queue every statement before awaiting any: aiosqlite's thread runs them back to back."""
        fetches = [self._db.execute_fetchall(sql, parameters) for sql, parameters in statements]
        results = await asyncio.gather(*fetches, return_exceptions=True)
        return [r if isinstance(r, BaseException) else list(r) for r in results]

    def _forget_cached(self) -> None:
        self._chats.clear()
        self._fsm.clear()

    async def _one(self, sql: str, parameters: tuple[Any, ...]) -> sqlite3.Row | None:
        rows = await self._db.execute_fetchall(sql, parameters)
        return next(iter(rows), None)

    async def _require_chat(self, chat_id: int) -> None:
        if await self._one("SELECT 1 FROM chats WHERE chat_id = ?", (chat_id,)) is None:
            raise UnknownChat(chat_id)

    def _stamp(self) -> str:
        moment = self._now()
        if moment.tzinfo is None:
            raise ValueError("the repository clock must return timezone-aware datetimes")
        return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _fsm_statements(batch: dict[str, FsmRow]) -> list[Statement]:
    """Upsert and delete of many FSM rows, one statement each; no state and no data is no row."""
    kept = [[key, *row] for key, row in batch.items() if row != NO_FSM_ROW]
    gone = [key for key, row in batch.items() if row == NO_FSM_ROW]
    statements: list[Statement] = []
    if kept:
        statements.append((UPSERT_FSM_ROWS, (json.dumps(kept, ensure_ascii=False),)))
    if gone:
        statements.append((DELETE_FSM_ROWS, (json.dumps(gone, ensure_ascii=False),)))
    return statements


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
