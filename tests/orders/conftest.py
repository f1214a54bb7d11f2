"""Fixtures shared by the order-reader tests."""

from __future__ import annotations

import pytest

from ltv_engine.orders import ingest


@pytest.fixture
def fast_taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records, per read, whether the fast reader took the file."""
    taken: list[bool] = []
    original = ingest.collect_plain_csv

    def spy(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)  # type: ignore[arg-type]
        taken.append(result is not None)
        return result

    monkeypatch.setattr(ingest, "collect_plain_csv", spy)
    return taken
