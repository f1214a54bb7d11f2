"""Persistence: the repository interface, its backends and the FSM storage on top."""

from __future__ import annotations

from bot.storage.base import Repository
from bot.storage.sqlite import MEMORY, SqliteRepository

SQLITE_SCHEME = "sqlite"
URL_EXAMPLES = "sqlite:///relative.db, sqlite:////abs/path.db, sqlite://:memory: or a bare path"


async def open_repository(database_url: str) -> Repository:
    """Open the backend ``database_url`` names; only SQLite exists so far."""
    return await SqliteRepository.open(sqlite_path(database_url))


def sqlite_path(database_url: str) -> str:
    """The file path (or ``":memory:"``) of a SQLite URL or bare path."""
    scheme, separator, rest = database_url.strip().partition("://")
    if not separator and scheme.lower().startswith(SQLITE_SCHEME + ":"):
        raise ValueError(f"malformed SQLite URL; use {URL_EXAMPLES}")  # "sqlite:x.db"
    if not separator:
        path = scheme
    elif scheme.lower() != SQLITE_SCHEME:
        raise ValueError(f"unsupported database scheme {scheme!r}; use {URL_EXAMPLES}")
    elif rest == MEMORY:
        path = MEMORY
    elif rest.startswith("/"):
        path = rest[1:]
    else:
        raise ValueError(f"malformed SQLite URL; use {URL_EXAMPLES}")
    if not path:
        raise ValueError(f"no database path; use {URL_EXAMPLES}")
    return path
