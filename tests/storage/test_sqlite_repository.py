import asyncio
import math
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import NoReturn

import aiosqlite
import pytest

from bot.storage import open_repository, sqlite_path
from bot.storage.base import UnknownChat
from bot.storage.migrations import (
    MIGRATIONS,
    Migration,
    SchemaTooNew,
    apply_migrations,
    schema_version,
)
from bot.storage.sqlite import SqliteRepository
from ltv_engine.model import Business, Lifetime, LifetimeSource, LtvInputs
from tests.waiting import until

START = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
GROUP = -1001234567890
OTHER_GROUP = -1009876543210
LATEST = MIGRATIONS[-1].version

INPUTS = LtvInputs(
    aov=2500.0,
    orders_per_month=0.8,
    lifetime=Lifetime(LifetimeSource.CHURN, monthly_churn=0.07),
    margin=0.35,
    cac=1200.0,
    currency="RUB",
    business=Business.COFFEE,
)


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.moment = START

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def repo(clock: FakeClock) -> AsyncIterator[SqliteRepository]:
    repository = await SqliteRepository.open(":memory:", now=clock)
    yield repository
    await repository.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.db"


@pytest.fixture
async def file_repo(db_path: Path) -> AsyncIterator[SqliteRepository]:
    """A repository on a file that tests read behind its back, with one chat recorded."""
    repository = await SqliteRepository.open(str(db_path))
    await repository.upsert_chat(GROUP, kind="group")
    yield repository
    await repository.close()


def raw_pragma(path: Path, name: str) -> object:
    with closing(sqlite3.connect(path)) as raw:
        return raw.execute(f"PRAGMA {name}").fetchone()[0]


def file_version(path: Path) -> object:
    return raw_pragma(path, "user_version")


# chats


async def test_new_chat_is_recorded_active_at_clock_time(repo: SqliteRepository) -> None:
    chat = await repo.upsert_chat(GROUP, kind="supergroup", title="Coffee & Co")

    assert (chat.chat_id, chat.kind, chat.title, chat.language) == (
        GROUP,
        "supergroup",
        "Coffee & Co",
        None,
    )
    assert chat.active
    assert chat.created_at == START
    assert await repo.get_chat(GROUP) == chat


async def test_upsert_refreshes_kind_keeps_title_and_creation_time(
    repo: SqliteRepository, clock: FakeClock
) -> None:
    await repo.upsert_chat(GROUP, kind="group", title="Coffee & Co")
    clock.advance(days=3)

    chat = await repo.upsert_chat(GROUP, kind="supergroup")

    assert (chat.kind, chat.title, chat.created_at) == ("supergroup", "Coffee & Co", START)


async def test_unknown_chat_is_none(repo: SqliteRepository) -> None:
    assert await repo.get_chat(GROUP) is None


async def test_language_is_kept_across_upserts(repo: SqliteRepository) -> None:
    await repo.upsert_chat(42, kind="private")
    await repo.set_language(42, "en")
    await repo.upsert_chat(42, kind="private")

    chat = await repo.get_chat(42)

    assert chat is not None
    assert chat.language == "en"


async def test_an_update_records_a_new_chat_and_reactivates_a_removed_one(
    repo: SqliteRepository,
) -> None:
    first = await repo.chat_for_update(GROUP, kind="group", title="Shop")
    await repo.set_language(GROUP, "ru")
    await repo.mark_removed(GROUP)

    again = await repo.chat_for_update(GROUP, kind="supergroup", title=None)

    assert (first.active, first.kind, first.language) == (True, "group", None)
    assert (again.active, again.kind, again.title, again.language) == (
        True,
        "supergroup",
        "Shop",
        "ru",
    )
    assert await repo.get_chat(GROUP) == again


async def test_a_chat_back_starts_its_grace_period_afresh_when_it_goes_again(
    repo: SqliteRepository, clock: FakeClock
) -> None:
    await repo.upsert_chat(GROUP, kind="group")
    await repo.mark_removed(GROUP)
    clock.advance(days=1)
    await repo.upsert_chat(GROUP, kind="group")  # added back
    clock.advance(days=40)
    await _deactivated_by_a_digest(repo, GROUP, clock())

    assert await repo.purge_removed(timedelta(days=30)) == []
    clock.advance(days=30, seconds=1)
    assert await repo.purge_removed(timedelta(days=30)) == [GROUP]


async def _deactivated_by_a_digest(repo: SqliteRepository, chat_id: int, moment: datetime) -> None:
    await repo.fail_digest_send(
        chat_id,
        "2025-W01",
        error="Forbidden: bot was blocked by the user",
        was_due_at=moment,
        next_due_at=None,
        deactivate=True,
    )


async def test_language_of_unknown_chat_is_refused(repo: SqliteRepository) -> None:
    with pytest.raises(UnknownChat):
        await repo.set_language(42, "en")


# profiles


async def test_profile_round_trips_and_is_replaced(
    repo: SqliteRepository, clock: FakeClock
) -> None:
    await repo.upsert_chat(GROUP, kind="group")
    await repo.save_profile(GROUP, INPUTS, user_id=7, user_name="Anna")
    later = clock.advance(hours=2)
    cheaper = LtvInputs(aov=900.0, orders_per_month=2.0, lifetime=INPUTS.lifetime)

    saved = await repo.save_profile(GROUP, cheaper, user_id=None, user_name=None)

    assert saved == await repo.get_profile(GROUP)
    assert (saved.inputs, saved.updated_by_id, saved.updated_at) == (cheaper, None, later)


async def test_profiles_are_per_chat(repo: SqliteRepository) -> None:
    await repo.upsert_chat(GROUP, kind="group")
    await repo.upsert_chat(OTHER_GROUP, kind="group")
    await repo.save_profile(GROUP, INPUTS, user_id=7, user_name="Anna")

    assert await repo.get_profile(OTHER_GROUP) is None


async def test_profile_for_unknown_chat_is_refused(repo: SqliteRepository) -> None:
    with pytest.raises(UnknownChat):
        await repo.save_profile(GROUP, INPUTS, user_id=7, user_name="Anna")

    assert await repo.get_profile(GROUP) is None


# calculations


async def test_calculation_round_trips(repo: SqliteRepository) -> None:
    await repo.upsert_chat(GROUP, kind="group")

    added = await repo.add_calculation(GROUP, 7, INPUTS, ltv=12345.5, revenue_ltv=35272.86)

    assert added == await repo.get_calculation(GROUP, added.id)
    assert (added.currency, added.created_at, added.inputs) == ("RUB", START, INPUTS)


async def test_calculation_of_another_chat_is_not_visible(repo: SqliteRepository) -> None:
    await repo.upsert_chat(GROUP, kind="group")
    await repo.upsert_chat(OTHER_GROUP, kind="group")
    added = await repo.add_calculation(GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=2.0)

    assert await repo.get_calculation(OTHER_GROUP, added.id) is None
    assert await repo.list_calculations(OTHER_GROUP) == []


async def test_calculation_for_unknown_chat_is_refused(repo: SqliteRepository) -> None:
    with pytest.raises(UnknownChat):
        await repo.add_calculation(GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=2.0)


async def test_a_saved_calculation_is_history_and_profile_at_once(
    repo: SqliteRepository,
) -> None:
    await repo.upsert_chat(GROUP, kind="group")

    saved = await repo.save_calculation(
        GROUP, INPUTS, ltv=12345.5, revenue_ltv=35272.86, user_id=7, user_name="Anna"
    )

    assert await repo.list_calculations(GROUP) == [saved]
    profile = await repo.get_profile(GROUP)
    assert profile is not None
    assert (profile.inputs, profile.updated_by_id, profile.updated_by_name) == (INPUTS, 7, "Anna")
    assert profile.updated_at == saved.created_at


async def test_saved_calculation_for_unknown_chat_is_refused_and_keeps_nothing(
    repo: SqliteRepository,
) -> None:
    with pytest.raises(UnknownChat):
        await repo.save_calculation(
            GROUP, INPUTS, ltv=1.0, revenue_ltv=2.0, user_id=7, user_name="Anna"
        )

    assert await repo.get_profile(GROUP) is None
    assert await repo.list_calculations(GROUP) == []


async def test_list_is_newest_first_and_limited(repo: SqliteRepository, clock: FakeClock) -> None:
    await repo.upsert_chat(GROUP, kind="group")
    added = []
    for ltv in range(5):
        clock.advance(minutes=1)
        added.append(await repo.add_calculation(GROUP, 7, INPUTS, ltv=ltv, revenue_ltv=ltv))

    listed = await repo.list_calculations(GROUP, limit=3)

    assert listed == added[::-1][:3]


async def test_list_breaks_time_ties_by_insertion_order(repo: SqliteRepository) -> None:
    await repo.upsert_chat(GROUP, kind="group")
    first = await repo.add_calculation(GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=1.0)
    second = await repo.add_calculation(GROUP, 8, INPUTS, ltv=2.0, revenue_ltv=2.0)

    assert await repo.list_calculations(GROUP) == [second, first]


async def test_list_limit_zero_is_empty_and_negative_is_refused(repo: SqliteRepository) -> None:
    await repo.upsert_chat(GROUP, kind="group")
    await repo.add_calculation(GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=1.0)

    assert await repo.list_calculations(GROUP, limit=0) == []
    with pytest.raises(ValueError, match="limit"):
        await repo.list_calculations(GROUP, limit=-1)


# clock


async def test_times_are_stored_in_utc(clock: FakeClock) -> None:
    clock.moment = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=3)))
    repo = await SqliteRepository.open(":memory:", now=clock)
    try:
        chat = await repo.upsert_chat(42, kind="private")
    finally:
        await repo.close()

    assert chat.created_at == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert chat.created_at.utcoffset() == timedelta(0)


async def test_naive_clock_is_refused() -> None:
    repo = await SqliteRepository.open(":memory:", now=lambda: datetime(2026, 3, 1))
    try:
        with pytest.raises(ValueError, match="timezone-aware"):
            await repo.upsert_chat(42, kind="private")
        assert await repo.get_chat(42) is None
    finally:
        await repo.close()


# calculations written behind


def stored_calculation_ids(path: Path) -> list[int]:
    with closing(sqlite3.connect(path)) as raw:
        return [row[0] for row in raw.execute("SELECT id FROM calculations ORDER BY id")]


async def test_a_calculation_is_written_behind_and_read_back_at_once(
    file_repo: SqliteRepository, db_path: Path
) -> None:
    saved = await file_repo.save_calculation(
        GROUP, INPUTS, ltv=1.0, revenue_ltv=2.0, user_id=7, user_name="Anna"
    )

    assert stored_calculation_ids(db_path) == []  # the reply need not wait for the disk
    await until(lambda: stored_calculation_ids(db_path) == [saved.id])
    staged = await file_repo.add_calculation(GROUP, 7, INPUTS, ltv=3.0, revenue_ltv=4.0)
    assert await file_repo.get_calculation(GROUP, staged.id) == staged  # commits it first
    assert stored_calculation_ids(db_path) == [saved.id, staged.id]


async def test_ids_go_on_after_a_restart_and_a_deleted_id_is_not_given_again(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "bot.db")
    repo = await SqliteRepository.open(path)
    await repo.upsert_chat(GROUP, kind="group")
    first = await repo.add_calculation(GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=2.0)
    second = await repo.add_calculation(GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=2.0)
    await repo.forget_chat(GROUP)  # deletes both
    await repo.close()

    reopened = await SqliteRepository.open(path)
    try:
        await reopened.upsert_chat(GROUP, kind="group")
        third = await reopened.add_calculation(GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=2.0)
        assert (first.id, second.id, third.id) == (1, 2, 3)
        assert await reopened.list_calculations(GROUP) == [third]
    finally:
        await reopened.close()


async def test_a_staged_profile_never_overwrites_a_later_one(repo: SqliteRepository) -> None:
    await repo.upsert_chat(GROUP, kind="group")
    await repo.save_calculation(GROUP, INPUTS, ltv=1.0, revenue_ltv=2.0, user_id=7, user_name="A")

    later = await repo.save_profile(GROUP, INPUTS, user_id=8, user_name="Boris")

    assert await repo.get_profile(GROUP) == later


async def test_a_calculation_of_a_chat_deleted_meanwhile_is_dropped_and_the_rest_saved(
    file_repo: SqliteRepository, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await file_repo.upsert_chat(OTHER_GROUP, kind="group")
    with closing(sqlite3.connect(db_path)) as raw, raw:  # behind the repository's back
        raw.execute("DELETE FROM chats WHERE chat_id = ?", (GROUP,))

    await file_repo.add_calculation(GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=2.0)
    kept = await file_repo.add_calculation(OTHER_GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=2.0)

    assert await file_repo.list_calculations(OTHER_GROUP) == [kept]
    assert stored_calculation_ids(db_path) == [kept.id]
    assert "a staged write the database refused was dropped" in caplog.text


async def test_a_staged_calculation_that_fails_for_now_is_written_by_a_later_try(
    file_repo: SqliteRepository, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with closing(sqlite3.connect(db_path)) as raw:
        raw.execute("ALTER TABLE calculations RENAME TO away")
    saved = await file_repo.add_calculation(GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=2.0)
    await until(lambda: "not saved yet: 0 conversation states, 1 calculation" in caplog.text)

    with closing(sqlite3.connect(db_path)) as raw:
        raw.execute("ALTER TABLE away RENAME TO calculations")
    assert await file_repo.list_calculations(GROUP) == [saved]


async def test_a_read_waits_for_calculations_on_their_way_to_the_database(
    repo: SqliteRepository,
) -> None:
    await repo.upsert_chat(GROUP, kind="group")
    saved = await repo.add_calculation(GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=2.0)
    writing = asyncio.create_task(repo.upsert_chat(OTHER_GROUP, kind="group"))
    await asyncio.sleep(0)  # the write takes the staged calculation along, not yet written

    assert await repo.get_calculation(GROUP, saved.id) == saved
    await writing


async def test_a_profile_tried_again_never_overwrites_a_later_one(
    repo: SqliteRepository, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staged profile fails for now in the very trip that writes a newer one."""
    await repo.upsert_chat(GROUP, kind="group")
    await repo.save_calculation(GROUP, INPUTS, ltv=1.0, revenue_ltv=2.0, user_id=7, user_name="A")
    send = repo._send
    busy = sqlite3.OperationalError("database is locked")

    async def once_busy_for_a(*statements: tuple[str, tuple[object, ...]]) -> list[object]:
        monkeypatch.setattr(repo, "_send", send)
        results: list[object] = list(await send(*statements))
        return [
            busy if "A" in parameters else r
            for (_, parameters), r in zip(statements, results, strict=True)
        ]

    monkeypatch.setattr(repo, "_send", once_busy_for_a)
    clock.advance(seconds=1)
    later = await repo.save_profile(GROUP, INPUTS, user_id=8, user_name="Boris")

    assert await repo.get_profile(GROUP) == later  # after "A" was written on the next try


async def test_a_staged_write_refused_for_good_holds_up_no_one(
    file_repo: SqliteRepository, caplog: pytest.LogCaptureFixture
) -> None:
    await file_repo.upsert_chat(OTHER_GROUP, kind="group")
    await file_repo.save_calculation(  # a lone surrogate: text SQLite cannot store
        GROUP, INPUTS, ltv=1.0, revenue_ltv=2.0, user_id=7, user_name="A\ud800"
    )

    kept = await file_repo.add_calculation(OTHER_GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=2.0)
    assert await file_repo.list_calculations(OTHER_GROUP) == [kept]
    assert await file_repo.get_profile(GROUP) is None
    assert await file_repo.forget_chat(OTHER_GROUP) == []
    assert "a staged write the database refused was dropped" in caplog.text


async def test_nothing_is_staged_once_the_repository_is_closed(clock: FakeClock) -> None:
    repo = await SqliteRepository.open(":memory:", now=clock)
    await repo.upsert_chat(GROUP, kind="group")
    await repo.close()

    with pytest.raises(ValueError, match="closed"):
        await repo.add_calculation(GROUP, 7, INPUTS, ltv=1.0, revenue_ltv=2.0)
    with pytest.raises(ValueError, match="closed"):
        await repo.set_fsm_state('["key"]', "Wizard:aov")


# files, restarts and migrations


async def test_everything_survives_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    path = str(tmp_path / "bot.db")
    repo = await SqliteRepository.open(path, now=clock)
    await repo.upsert_chat(GROUP, kind="group", title="Shop")
    await repo.set_language(GROUP, "ru")
    profile = await repo.save_profile(GROUP, INPUTS, user_id=7, user_name="Anna")
    calculation = await repo.add_calculation(GROUP, 7, INPUTS, ltv=10.0, revenue_ltv=30.0)
    chat = await repo.get_chat(GROUP)
    await repo.close()

    reopened = await SqliteRepository.open(path, now=clock)
    try:
        assert await reopened.get_chat(GROUP) == chat
        assert await reopened.get_profile(GROUP) == profile
        assert await reopened.list_calculations(GROUP) == [calculation]
    finally:
        await reopened.close()


async def test_file_database_uses_wal_and_latest_schema(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    repo = await SqliteRepository.open(str(path))
    await repo.close()

    assert raw_pragma(path, "journal_mode") == "wal"
    assert file_version(path) == LATEST


async def test_failed_write_releases_the_database(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    repo = await SqliteRepository.open(str(path))
    try:
        with pytest.raises(UnknownChat):  # the foreign key fails inside the write
            await repo.save_profile(GROUP, INPUTS, user_id=7, user_name="Anna")

        with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" if the write were left open
            other.execute("ROLLBACK")
        assert await repo.get_profile(GROUP) is None
    finally:
        await repo.close()


@pytest.mark.parametrize("value", [math.nan, math.inf])
async def test_a_calculation_that_is_not_a_number_is_refused_at_once(
    repo: SqliteRepository, value: float
) -> None:
    """Written behind, it would fail after the reply went out (SQLite stores NaN as NULL)."""
    await repo.upsert_chat(GROUP, kind="group")

    with pytest.raises(ValueError, match="finite"):
        await repo.add_calculation(GROUP, 7, INPUTS, ltv=value, revenue_ltv=1.0)
    with pytest.raises(ValueError, match="finite"):
        await repo.save_calculation(
            GROUP, INPUTS, ltv=1.0, revenue_ltv=value, user_id=7, user_name="Anna"
        )

    assert await repo.list_calculations(GROUP) == []
    assert await repo.get_profile(GROUP) is None


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    assert [migration.version for migration in MIGRATIONS] == list(range(1, LATEST + 1))


async def test_version_1_database_upgrades_to_latest(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    async with aiosqlite.connect(path) as db:
        assert await apply_migrations(db, MIGRATIONS[:1]) == 1
        await db.execute(
            "INSERT INTO chats (chat_id, kind, created_at) VALUES (?, 'group', ?)",
            (GROUP, START.isoformat()),
        )
        await db.commit()

    repo = await SqliteRepository.open(str(path))
    try:
        chat = await repo.get_chat(GROUP)
    finally:
        await repo.close()

    assert file_version(path) == LATEST
    assert chat is not None
    assert chat.created_at == START


async def test_a_version_3_digest_subscription_upgrades_to_no_topic(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    async with aiosqlite.connect(path) as db:
        assert await apply_migrations(db, MIGRATIONS[:3]) == 3
        stamp = START.isoformat()
        await db.execute(
            "INSERT INTO chats (chat_id, kind, created_at) VALUES (?, 'supergroup', ?)",
            (GROUP, stamp),
        )
        await db.execute(
            """INSERT INTO digest_subscriptions (chat_id, frequency, day, at_time, timezone,
            locale, next_due_at, created_at, updated_at)
            VALUES (?, 'weekly', 0, '09:00', 'Europe/Moscow', 'ru', ?, ?, ?)""",
            (GROUP, stamp, stamp, stamp),
        )
        await db.commit()

    repo = await SqliteRepository.open(str(path))
    try:
        sub = await repo.get_digest_subscription(GROUP)
    finally:
        await repo.close()

    assert sub is not None and sub.thread_id is None and sub.schedule.timezone == "Europe/Moscow"


async def test_appended_migration_upgrades_an_old_database_and_keeps_rows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v1.db"
    repo = await SqliteRepository.open(str(path))
    await repo.upsert_chat(GROUP, kind="group", title="Shop")
    await repo.close()
    appended = Migration(LATEST + 1, "ALTER TABLE chats ADD COLUMN timezone TEXT;")

    async with aiosqlite.connect(path) as db:
        assert await apply_migrations(db, (*MIGRATIONS, appended)) == LATEST + 1
        assert await apply_migrations(db, (*MIGRATIONS, appended)) == LATEST + 1
        rows = await db.execute_fetchall("SELECT title, timezone FROM chats")

    assert [tuple(row) for row in rows] == [("Shop", None)]
    assert file_version(path) == LATEST + 1


async def test_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    broken = Migration(LATEST + 1, "CREATE TABLE half_done (x); CREATE TABLE (;")

    async with aiosqlite.connect(path) as db:
        await apply_migrations(db)
        with pytest.raises(sqlite3.OperationalError):
            await apply_migrations(db, (*MIGRATIONS, broken))
        assert await schema_version(db) == LATEST
        tables = await db.execute_fetchall("SELECT name FROM sqlite_master WHERE type='table'")

    assert "half_done" not in {row[0] for row in tables}


async def test_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with closing(sqlite3.connect(path)) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST + 5}")

    with pytest.raises(SchemaTooNew, match="newer than this release") as caught:
        await SqliteRepository.open(str(path))

    assert (caught.value.found, caught.value.supported) == (LATEST + 5, LATEST)


# database URLs


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///relative.db", "relative.db"),
        ("sqlite:///data/bot.db", "data/bot.db"),
        ("sqlite:////abs/path.db", "/abs/path.db"),
        ("sqlite://:memory:", ":memory:"),
        (":memory:", ":memory:"),
        ("ltv_bot.sqlite3", "ltv_bot.sqlite3"),
        ("/var/lib/ltv/bot.db", "/var/lib/ltv/bot.db"),
    ],
)
def test_sqlite_urls_name_their_path(url: str, path: str) -> None:
    assert sqlite_path(url) == path


@pytest.mark.parametrize("url", ["sqlite://relative.db", "sqlite:///", "", "  "])
def test_malformed_sqlite_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"sqlite:///relative\.db"):
        sqlite_path(url)


@pytest.mark.parametrize("url", ["postgresql://user@host/ltv", "mysql://host/db"])
async def test_unknown_scheme_is_refused_with_the_scheme_named(url: str) -> None:
    scheme = url.partition("://")[0]
    with pytest.raises(ValueError, match=f"unsupported database scheme '{scheme}'"):
        await open_repository(url)


@pytest.mark.parametrize("url", [":memory:", "sqlite://:memory:"])
async def test_memory_database_works(url: str) -> None:
    repo = await open_repository(url)
    try:
        await repo.upsert_chat(42, kind="private")
        assert await repo.get_chat(42) is not None
    finally:
        await repo.close()


async def test_relative_url_creates_the_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    repo = await open_repository("sqlite:///relative.db")
    await repo.close()

    assert file_version(tmp_path / "relative.db") == LATEST


async def test_absolute_url_creates_the_file_there(tmp_path: Path) -> None:
    target = tmp_path / "abs.db"

    repo = await open_repository(f"sqlite:///{target}")
    await repo.close()

    assert target.is_absolute()
    assert file_version(target) == LATEST


async def test_a_file_that_cannot_be_opened_fails_before_any_worker_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiosqlite's worker would report the failure after the caller's loop may have closed."""

    def no_worker(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("aiosqlite.connect was called for a file that cannot be opened")

    monkeypatch.setattr(aiosqlite, "connect", no_worker)
    with pytest.raises(sqlite3.OperationalError):
        await SqliteRepository.open(str(tmp_path / "no" / "such" / "folder" / "ltv.db"))
