"""Digest subscriptions and the record of every digest send: records, interface, SQLite mixin.

A send is recorded before the message goes out (``begin_digest_send``: status "sending") and
after it (``finish_digest_send``: "sent", together with the next due time). A crash between
the two leaves "sending" and the old due time, so the period is sent again after a restart:
at most that one message twice. A period recorded "sent" is never sent again.

``digest_sends`` is keyed by ``chat_id`` like every chat-scoped table, so moving a group's
rows to its new id (group -> supergroup) moves its digest history too.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from bot.digests.schedule import Frequency, Schedule
from ltv_engine.model import LtvInputs
from ltv_engine.serialize import inputs_from_dict, inputs_to_dict

if TYPE_CHECKING:
    import aiosqlite


class SendStatus(StrEnum):
    SENDING = "sending"  # recorded before the request; left so by a crash mid-send
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DigestSubscription:
    chat_id: int
    schedule: Schedule
    locale: str  # the language the chat subscribed in; a language the chat picks wins
    paused: bool
    next_due_at: datetime
    thread_id: int | None = None  # the forum topic digests go to; None: General, or no forum


@dataclass(frozen=True, slots=True)
class DigestSend:
    chat_id: int
    period: str  # schedule.period_of: "2024-W13" or "2024-03"
    status: SendStatus
    attempts: int
    due_at: datetime
    updated_at: datetime
    message_id: int | None
    inputs: LtvInputs | None  # the numbers the digest showed: the next one compares to them
    ltv: float | None
    advice_rule: str | None
    error: str | None


class DigestStore(Protocol):
    async def get_digest_subscription(self, chat_id: int) -> DigestSubscription | None: ...

    async def save_digest_subscription(
        self,
        chat_id: int,
        schedule: Schedule,
        *,
        locale: str,
        next_due_at: datetime,
        paused: bool = False,
        thread_id: int | None = None,
    ) -> DigestSubscription:
        """Subscribe or change the schedule, digests to go to the forum topic ``thread_id``;
        raises ``UnknownChat`` if the chat is not recorded."""
        ...

    async def forget_digest_topic(self, chat_id: int) -> None:
        """Digests go to the chat itself from now on (their topic was deleted or closed)."""
        ...

    async def set_digest_paused(
        self, chat_id: int, paused: bool, *, next_due_at: datetime
    ) -> DigestSubscription | None:
        """``None`` when the chat is not subscribed."""
        ...

    async def delete_digest_subscription(self, chat_id: int) -> bool:
        """``False`` when the chat was not subscribed."""
        ...

    async def due_digest_subscriptions(
        self, now: datetime, *, limit: int = 1000
    ) -> list[DigestSubscription]:
        """Subscriptions of active chats, not paused, due at ``now``: the longest waiting
        first."""
        ...

    async def next_digest_due_at(self) -> datetime | None:
        """The earliest due time among active, unpaused subscriptions."""
        ...

    async def begin_digest_send(
        self, chat_id: int, period: str, *, due_at: datetime
    ) -> DigestSend | None:
        """Record an attempt before sending; ``None`` when the period was already sent."""
        ...

    async def finish_digest_send(
        self,
        chat_id: int,
        period: str,
        *,
        message_id: int,
        inputs: LtvInputs | None,
        ltv: float | None,
        advice_rule: str | None,
        was_due_at: datetime,
        next_due_at: datetime,
    ) -> None:
        """Record the sent digest and move the due time on, if it is still ``was_due_at``
        (a schedule changed meanwhile keeps its own)."""
        ...

    async def fail_digest_send(
        self,
        chat_id: int,
        period: str,
        *,
        error: str,
        was_due_at: datetime,
        next_due_at: datetime | None,
        deactivate: bool = False,
    ) -> None:
        """Record a failure; move the due time on unless ``next_due_at`` is ``None`` (retry
        next round); ``deactivate`` marks the chat inactive (blocked, deleted)."""
        ...

    async def advance_digest(
        self, chat_id: int, *, was_due_at: datetime, next_due_at: datetime
    ) -> None:
        """Move the due time on without sending (the period was sent already)."""
        ...

    async def recent_digest_sends(self, chat_id: int, *, limit: int = 5) -> list[DigestSend]:
        """Sent digests, newest first."""
        ...


class SqliteDigestMixin:
    """``DigestStore`` for ``SqliteRepository`` (it provides the connection and helpers)."""

    if TYPE_CHECKING:
        _db: aiosqlite.Connection

        def _writing(self) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...

        async def _one(self, sql: str, parameters: tuple[Any, ...]) -> sqlite3.Row | None: ...

        async def _require_chat(self, chat_id: int) -> None: ...

        def _stamp(self) -> str: ...

    async def get_digest_subscription(self, chat_id: int) -> DigestSubscription | None:
        row = await self._one("SELECT * FROM digest_subscriptions WHERE chat_id = ?", (chat_id,))
        return None if row is None else _subscription(row)

    async def save_digest_subscription(
        self,
        chat_id: int,
        schedule: Schedule,
        *,
        locale: str,
        next_due_at: datetime,
        paused: bool = False,
        thread_id: int | None = None,
    ) -> DigestSubscription:
        async with self._writing() as db:
            await self._require_chat(chat_id)
            stamp = self._stamp()
            rows = await db.execute_fetchall(
                """
                INSERT INTO digest_subscriptions (chat_id, frequency, day, at_time, timezone,
                    locale, paused, next_due_at, thread_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET
                    frequency = excluded.frequency, day = excluded.day,
                    at_time = excluded.at_time, timezone = excluded.timezone,
                    locale = excluded.locale, paused = excluded.paused,
                    next_due_at = excluded.next_due_at, thread_id = excluded.thread_id,
                    updated_at = excluded.updated_at
                RETURNING *
                """,
                (
                    chat_id,
                    schedule.frequency.value,
                    schedule.day,
                    schedule.at.strftime("%H:%M"),
                    schedule.timezone,
                    locale,
                    int(paused),
                    _iso(next_due_at),
                    thread_id,
                    stamp,
                    stamp,
                ),
            )
        (row,) = rows
        return _subscription(row)

    async def forget_digest_topic(self, chat_id: int) -> None:
        async with self._writing() as db:
            await db.execute(
                "UPDATE digest_subscriptions SET thread_id = NULL WHERE chat_id = ?", (chat_id,)
            )

    async def set_digest_paused(
        self, chat_id: int, paused: bool, *, next_due_at: datetime
    ) -> DigestSubscription | None:
        async with self._writing() as db:
            rows = await db.execute_fetchall(
                """
                UPDATE digest_subscriptions SET paused = ?, next_due_at = ?, updated_at = ?
                WHERE chat_id = ? RETURNING *
                """,
                (int(paused), _iso(next_due_at), self._stamp(), chat_id),
            )
        return next((_subscription(row) for row in rows), None)

    async def delete_digest_subscription(self, chat_id: int) -> bool:
        async with self._writing() as db:
            cursor = await db.execute(
                "DELETE FROM digest_subscriptions WHERE chat_id = ?", (chat_id,)
            )
            return cursor.rowcount > 0

    async def due_digest_subscriptions(
        self, now: datetime, *, limit: int = 1000
    ) -> list[DigestSubscription]:
        rows = await self._db.execute_fetchall(
            """
            SELECT s.* FROM digest_subscriptions AS s JOIN chats AS c USING (chat_id)
            WHERE s.paused = 0 AND c.active = 1 AND s.next_due_at <= ?
            ORDER BY s.next_due_at, s.chat_id LIMIT ?
            """,
            (_iso(now), limit),
        )
        return [_subscription(row) for row in rows]

    async def next_digest_due_at(self) -> datetime | None:
        row = await self._one(
            """
            SELECT min(s.next_due_at) AS due FROM digest_subscriptions AS s
            JOIN chats AS c USING (chat_id) WHERE s.paused = 0 AND c.active = 1
            """,
            (),
        )
        return None if row is None or row["due"] is None else _time(row["due"])

    async def begin_digest_send(
        self, chat_id: int, period: str, *, due_at: datetime
    ) -> DigestSend | None:
        async with self._writing() as db:
            rows = await db.execute_fetchall(
                """
                INSERT INTO digest_sends (chat_id, period, status, attempts, due_at, updated_at)
                VALUES (?, ?, 'sending', 1, ?, ?)
                ON CONFLICT (chat_id, period) DO UPDATE SET
                    status = 'sending', attempts = digest_sends.attempts + 1,
                    updated_at = excluded.updated_at, error = NULL
                WHERE digest_sends.status != 'sent'
                RETURNING *
                """,
                (chat_id, period, _iso(due_at), self._stamp()),
            )
        return next((_send(row) for row in rows), None)

    async def finish_digest_send(
        self,
        chat_id: int,
        period: str,
        *,
        message_id: int,
        inputs: LtvInputs | None,
        ltv: float | None,
        advice_rule: str | None,
        was_due_at: datetime,
        next_due_at: datetime,
    ) -> None:
        encoded = None if inputs is None else json.dumps(inputs_to_dict(inputs), allow_nan=False)
        async with self._writing() as db:
            await db.execute(
                """
                UPDATE digest_sends SET status = 'sent', message_id = ?, inputs = ?, ltv = ?,
                    advice_rule = ?, error = NULL, updated_at = ?
                WHERE chat_id = ? AND period = ?
                """,
                (message_id, encoded, ltv, advice_rule, self._stamp(), chat_id, period),
            )
            await _move_due(db, chat_id, was_due_at, next_due_at)

    async def fail_digest_send(
        self,
        chat_id: int,
        period: str,
        *,
        error: str,
        was_due_at: datetime,
        next_due_at: datetime | None,
        deactivate: bool = False,
    ) -> None:
        async with self._writing() as db:
            await db.execute(
                """
                UPDATE digest_sends SET status = 'failed', error = ?, updated_at = ?
                WHERE chat_id = ? AND period = ?
                """,
                (error, self._stamp(), chat_id, period),
            )
            if next_due_at is not None:
                await _move_due(db, chat_id, was_due_at, next_due_at)
            if deactivate:  # the chat is gone or blocked us: as if removed, kept 30 days
                await db.execute(
                    """
                    UPDATE chats SET active = 0, removed_at = coalesce(removed_at, ?)
                    WHERE chat_id = ?
                    """,
                    (self._stamp(), chat_id),
                )

    async def advance_digest(
        self, chat_id: int, *, was_due_at: datetime, next_due_at: datetime
    ) -> None:
        async with self._writing() as db:
            await _move_due(db, chat_id, was_due_at, next_due_at)

    async def recent_digest_sends(self, chat_id: int, *, limit: int = 5) -> list[DigestSend]:
        rows = await self._db.execute_fetchall(
            """
            SELECT * FROM digest_sends WHERE chat_id = ? AND status = 'sent'
            ORDER BY updated_at DESC, period DESC LIMIT ?
            """,
            (chat_id, limit),
        )
        return [_send(row) for row in rows]


async def _move_due(
    db: aiosqlite.Connection, chat_id: int, was_due_at: datetime, next_due_at: datetime
) -> None:
    await db.execute(
        "UPDATE digest_subscriptions SET next_due_at = ? WHERE chat_id = ? AND next_due_at = ?",
        (_iso(next_due_at), chat_id, _iso(was_due_at)),
    )


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("digest times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def _subscription(row: sqlite3.Row) -> DigestSubscription:
    schedule = Schedule(
        Frequency(row["frequency"]),
        row["day"],
        time.fromisoformat(row["at_time"]),
        row["timezone"],
    )
    return DigestSubscription(
        chat_id=row["chat_id"],
        schedule=schedule,
        locale=row["locale"],
        paused=bool(row["paused"]),
        next_due_at=_time(row["next_due_at"]),
        thread_id=row["thread_id"],
    )


def _send(row: sqlite3.Row) -> DigestSend:
    inputs = row["inputs"]
    return DigestSend(
        chat_id=row["chat_id"],
        period=row["period"],
        status=SendStatus(row["status"]),
        attempts=row["attempts"],
        due_at=_time(row["due_at"]),
        updated_at=_time(row["updated_at"]),
        message_id=row["message_id"],
        inputs=None if inputs is None else inputs_from_dict(json.loads(inputs)),
        ltv=row["ltv"],
        advice_rule=row["advice_rule"],
        error=row["error"],
    )
