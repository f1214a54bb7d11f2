"""Versioned schema of the SQLite database.

The schema version lives in ``PRAGMA user_version``. To change the schema, append a
``Migration`` with the next version number; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    sql: str


class SchemaTooNew(RuntimeError):
    """The database was written by a newer release; running older code on it could corrupt it."""

    def __init__(self, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"database schema version {found} is newer than this release supports "
            f"({supported}); upgrade the bot or point DATABASE_URL at another database"
        )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        """
        CREATE TABLE chats (
            chat_id    INTEGER PRIMARY KEY,
            kind       TEXT    NOT NULL,
            language   TEXT,
            title      TEXT,
            created_at TEXT    NOT NULL,
            active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
        );

        CREATE TABLE shop_profiles (
            chat_id         INTEGER PRIMARY KEY REFERENCES chats (chat_id) ON DELETE CASCADE,
            inputs          TEXT NOT NULL,  -- JSON, ltv_engine.serialize
            updated_by_id   INTEGER,
            updated_by_name TEXT,
            updated_at      TEXT NOT NULL
        );

        CREATE TABLE calculations (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id     INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
            user_id     INTEGER,
            inputs      TEXT    NOT NULL,  -- JSON, ltv_engine.serialize
            ltv         REAL    NOT NULL,
            revenue_ltv REAL    NOT NULL,
            currency    TEXT    NOT NULL,
            created_at  TEXT    NOT NULL
        );
        CREATE INDEX calculations_by_chat ON calculations (chat_id, created_at);

        CREATE TABLE fsm (
            key   TEXT PRIMARY KEY,
            state TEXT,
            data  TEXT NOT NULL DEFAULT '{}'  -- JSON object
        );
        """,
    ),
    Migration(
        2,
        """
        -- groups: when the bot was removed (data purged 30 days later), the intro said once
        ALTER TABLE chats ADD COLUMN removed_at TEXT;
        ALTER TABLE chats ADD COLUMN introduced INTEGER NOT NULL DEFAULT 0
            CHECK (introduced IN (0, 1));
        CREATE INDEX chats_removed ON chats (active, removed_at);
        """,
    ),
    Migration(
        3,
        """
        CREATE TABLE digest_subscriptions (
            chat_id     INTEGER PRIMARY KEY REFERENCES chats (chat_id) ON DELETE CASCADE,
            frequency   TEXT    NOT NULL CHECK (frequency IN ('weekly', 'monthly')),
            day         INTEGER NOT NULL,  -- weekly: 0 = Monday; monthly: 1..31
            at_time     TEXT    NOT NULL,  -- local wall time, HH:MM
            timezone    TEXT    NOT NULL,  -- IANA name
            locale      TEXT    NOT NULL,
            paused      INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
            next_due_at TEXT    NOT NULL,  -- UTC
            created_at  TEXT    NOT NULL,
            updated_at  TEXT    NOT NULL
        );
        CREATE INDEX digest_subscriptions_due ON digest_subscriptions (paused, next_due_at);

        CREATE TABLE digest_sends (
            chat_id     INTEGER NOT NULL,
            period      TEXT    NOT NULL,  -- "2024-W13" or "2024-03"
            status      TEXT    NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
            attempts    INTEGER NOT NULL DEFAULT 0,
            due_at      TEXT    NOT NULL,
            updated_at  TEXT    NOT NULL,
            message_id  INTEGER,
            inputs      TEXT,  -- JSON, ltv_engine.serialize: what the digest showed
            ltv         REAL,
            advice_rule TEXT,
            error       TEXT,
            PRIMARY KEY (chat_id, period)
        );
        CREATE INDEX digest_sends_recent ON digest_sends (chat_id, status, updated_at);
        """,
    ),
    Migration(
        4,
        """
        -- the forum topic a group's digests go to; NULL: the chat itself (General in a forum)
        ALTER TABLE digest_subscriptions ADD COLUMN thread_id INTEGER;
        """,
    ),
)


async def schema_version(connection: aiosqlite.Connection) -> int:
    ((version,),) = await connection.execute_fetchall("PRAGMA user_version")
    return int(version)


async def apply_migrations(
    connection: aiosqlite.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> int:
    """Bring the database up to the last of ``migrations``; return the resulting version.

    Each migration runs in its own transaction together with its ``user_version`` bump, so a
    failing one leaves the database at the previous version.
    """
    current = await schema_version(connection)
    ordered = sorted(migrations, key=lambda migration: migration.version)
    latest = ordered[-1].version if ordered else 0
    if current > latest:
        raise SchemaTooNew(current, latest)
    for migration in ordered:
        if migration.version > current:
            await _apply(connection, migration)
    return max(current, latest)


async def _apply(connection: aiosqlite.Connection, migration: Migration) -> None:
    script = (
        f"BEGIN IMMEDIATE;\n{migration.sql}\n"
        f"PRAGMA user_version = {int(migration.version)};\nCOMMIT;"
    )
    try:
        await connection.executescript(script)
    except BaseException:
        if connection.in_transaction:
            await connection.rollback()
        raise
