import math
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from bot.storage.fsm import RepositoryStorage, fsm_key
from bot.storage.sqlite import SqliteRepository
from tests.waiting import until

BOT = 123456
GROUP = -1001234567890
ANNA = 111
BORIS = 222
KEY = StorageKey(bot_id=BOT, chat_id=GROUP, user_id=ANNA)


class Wizard(StatesGroup):
    aov = State()
    margin = State()


@pytest.fixture
async def storage() -> AsyncIterator[RepositoryStorage]:
    storage = RepositoryStorage(await SqliteRepository.open(":memory:"))
    yield storage
    await storage.repository.close()


async def open_storage(path: Path) -> RepositoryStorage:
    return RepositoryStorage(await SqliteRepository.open(str(path)))


async def test_wizard_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    before = FSMContext(await open_storage(path), KEY)
    await before.set_state(Wizard.margin)
    await before.update_data(aov=2500.0, business="coffee")
    await before.storage.repository.close()

    after = FSMContext(await open_storage(path), KEY)
    try:
        assert await after.get_state() == Wizard.margin.state
        assert await after.get_data() == {"aov": 2500.0, "business": "coffee"}
    finally:
        await after.storage.repository.close()


@pytest.mark.parametrize(
    ("state", "stored"),
    [(Wizard.aov, "Wizard:aov"), ("Wizard:margin", "Wizard:margin"), (None, None)],
)
async def test_state_object_string_or_none(
    storage: RepositoryStorage, state: State | str | None, stored: str | None
) -> None:
    await storage.set_state(KEY, Wizard.margin)

    await storage.set_state(KEY, state)

    assert await storage.get_state(KEY) == stored


async def test_unknown_key_has_no_state_and_no_data(storage: RepositoryStorage) -> None:
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_state_and_data_are_independent(storage: RepositoryStorage) -> None:
    await storage.set_data(KEY, {"aov": 1500})
    await storage.set_state(KEY, Wizard.aov)
    await storage.set_state(KEY, None)

    assert await storage.get_data(KEY) == {"aov": 1500}


async def test_update_data_merges(storage: RepositoryStorage) -> None:
    await storage.set_data(KEY, {"aov": 1500, "margin": 0.3})

    merged = await storage.update_data(KEY, {"margin": 0.4, "cac": 900})

    assert merged == {"aov": 1500, "margin": 0.4, "cac": 900}
    assert await storage.get_data(KEY) == merged


async def test_returned_data_is_a_copy(storage: RepositoryStorage) -> None:
    await storage.set_data(KEY, {"steps": ["aov"]})
    data = await storage.get_data(KEY)
    data["steps"].append("margin")

    assert await storage.get_data(KEY) == {"steps": ["aov"]}


@pytest.mark.parametrize(
    "neighbour",
    [
        StorageKey(bot_id=BOT, chat_id=GROUP, user_id=BORIS),
        StorageKey(bot_id=BOT, chat_id=ANNA, user_id=ANNA),
        StorageKey(bot_id=BOT, chat_id=GROUP, user_id=ANNA, thread_id=5),
        StorageKey(bot_id=BOT, chat_id=GROUP, user_id=ANNA, business_connection_id="bc"),
        StorageKey(bot_id=BOT, chat_id=GROUP, user_id=ANNA, destiny="other"),
        StorageKey(bot_id=BOT + 1, chat_id=GROUP, user_id=ANNA),
    ],
)
async def test_keys_never_share_state(storage: RepositoryStorage, neighbour: StorageKey) -> None:
    await storage.set_state(KEY, Wizard.margin)
    await storage.set_data(KEY, {"aov": 1500})

    await storage.set_state(neighbour, Wizard.aov)
    await storage.set_data(neighbour, {"aov": 99})

    assert (await storage.get_state(KEY), await storage.get_data(KEY)) == (
        "Wizard:margin",
        {"aov": 1500},
    )
    assert (await storage.get_state(neighbour), await storage.get_data(neighbour)) == (
        "Wizard:aov",
        {"aov": 99},
    )


def test_key_format_is_stable() -> None:
    # Rows written by a previous release must still be found: changing this breaks them.
    key = StorageKey(bot_id=1, chat_id=-2, user_id=3, thread_id=4, business_connection_id="b:c")

    assert fsm_key(key) == '[1,-2,3,4,"b:c","default"]'


def test_separator_inside_a_business_connection_id_cannot_collide() -> None:
    joined = StorageKey(bot_id=1, chat_id=2, user_id=3, business_connection_id="x,4")
    split = StorageKey(bot_id=1, chat_id=2, user_id=3, thread_id=4, business_connection_id="x")

    assert fsm_key(joined) != fsm_key(split)


@pytest.mark.parametrize(
    ("value", "error"),
    [(object(), TypeError), (date(2026, 3, 1), TypeError), ({1, 2}, TypeError)],
)
async def test_data_json_cannot_hold_fails_loudly_and_keeps_old_data(
    storage: RepositoryStorage, value: object, error: type[Exception]
) -> None:
    await storage.set_data(KEY, {"aov": 1500})

    with pytest.raises(error):
        await storage.set_data(KEY, {"aov": 1500, "bad": value})

    assert await storage.get_data(KEY) == {"aov": 1500}


@pytest.mark.parametrize("value", [math.nan, math.inf])
async def test_non_finite_numbers_fail_loudly(storage: RepositoryStorage, value: float) -> None:
    with pytest.raises(ValueError, match="JSON"):
        await storage.set_data(KEY, {"aov": value})


async def test_data_comes_back_as_json_would_return_it(storage: RepositoryStorage) -> None:
    await storage.set_data(KEY, {"pair": (1, 2), "text": "Кофейня «Зерно»"})

    assert await storage.get_data(KEY) == {"pair": [1, 2], "text": "Кофейня «Зерно»"}


async def test_data_must_be_a_mapping(storage: RepositoryStorage) -> None:
    not_a_mapping: Any = [("aov", 1500)]

    with pytest.raises(DataNotDictLikeError):
        await storage.set_data(KEY, not_a_mapping)


async def test_finished_wizard_leaves_no_row(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    storage = await open_storage(path)
    await storage.set_state(KEY, Wizard.aov)
    await storage.set_data(KEY, {"aov": 1500})

    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    await storage.repository.close()

    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("SELECT count(*) FROM fsm").fetchone()[0] == 0


def stored_fsm_rows(path: Path) -> dict[str, tuple[str | None, str]]:
    with closing(sqlite3.connect(path)) as raw:
        return {key: (state, data) for key, state, data in raw.execute("SELECT * FROM fsm")}


async def test_a_step_is_committed_in_the_background(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    storage = await open_storage(path)
    try:
        await storage.set_state(KEY, Wizard.aov)

        await until(lambda: fsm_key(KEY) in stored_fsm_rows(path))
        assert stored_fsm_rows(path)[fsm_key(KEY)] == ("Wizard:aov", "{}")
    finally:
        await storage.repository.close()


async def test_a_staged_step_travels_with_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    repo = await SqliteRepository.open(str(path))
    try:
        await repo.set_fsm_state(fsm_key(KEY), "Wizard:aov")

        await repo.upsert_chat(GROUP, kind="supergroup")

        assert stored_fsm_rows(path) == {fsm_key(KEY): ("Wizard:aov", "{}")}
    finally:
        await repo.close()


async def test_steps_staged_together_are_committed_and_cleared_together(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    storage = await open_storage(path)
    await storage.set_state(KEY, Wizard.aov)
    await until(lambda: fsm_key(KEY) in stored_fsm_rows(path))
    others = [StorageKey(bot_id=BOT, chat_id=user, user_id=user) for user in range(1, 51)]

    await storage.set_state(KEY, None)
    for number, key in enumerate(others):
        await storage.set_data(key, {"aov": number})
    await storage.repository.close()

    rows = stored_fsm_rows(path)
    assert fsm_key(KEY) not in rows
    assert [rows[fsm_key(key)] for key in others] == [(None, f'{{"aov": {n}}}') for n in range(50)]


async def test_staged_steps_are_committed_before_a_later_write(tmp_path: Path) -> None:
    repo = await SqliteRepository.open(str(tmp_path / "bot.db"))
    try:
        await repo.set_fsm_state(fsm_key(KEY), "Wizard:aov")

        # deletes the chat's FSM rows, the staged one too, and says whose conversation it was
        assert await repo.forget_chat(GROUP) == [(KEY.user_id, "Wizard:aov")]

        assert await repo.get_fsm(fsm_key(KEY)) == (None, {})
        assert stored_fsm_rows(tmp_path / "bot.db") == {}
    finally:
        await repo.close()


async def test_a_failed_save_keeps_the_step_and_the_next_one_saves_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "bot.db"
    storage = await open_storage(path)
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("CREATE TRIGGER full BEFORE INSERT ON fsm BEGIN SELECT RAISE(ABORT, 'x'); END")
    await storage.set_state(KEY, Wizard.aov)
    await until(lambda: "not saved yet: 1 conversation states" in caplog.text)
    assert await storage.get_state(KEY) == Wizard.aov.state

    with closing(sqlite3.connect(path)) as raw:
        raw.execute("DROP TRIGGER full")
    await storage.set_data(KEY, {"aov": 1500})
    await storage.repository.close()

    assert stored_fsm_rows(path) == {fsm_key(KEY): ("Wizard:aov", '{"aov": 1500}')}


async def test_the_dispatcher_shutting_down_leaves_the_repository_open() -> None:
    """The digest scheduler and the purge still use it until the app closes it itself."""
    repo = await SqliteRepository.open(":memory:")
    try:
        await RepositoryStorage(repo).close()
        await repo.upsert_chat(1, kind="private")
        assert await repo.get_chat(1) is not None
    finally:
        await repo.close()
