import numpy as np
import pytest

from ltv_engine.orders.rfm import (
    ACTIONS,
    SegmentCode,
    quintile_scores,
    rfm_segments,
    risk_band,
)
from tests.orders.order_rows import table_from_rows


def test_quintile_scores_of_distinct_values() -> None:
    values = np.array([50.0, 10.0, 40.0, 20.0, 30.0])
    assert quintile_scores(values).tolist() == [5, 1, 4, 2, 3]


def test_ties_share_the_quintile_of_their_middle_rank() -> None:
    values = np.array([1.0] * 6 + [2.0, 3.0, 4.0, 5.0])
    assert quintile_scores(values).tolist() == [2] * 6 + [4, 4, 5, 5]


def test_a_column_without_variation_scores_three() -> None:
    assert quintile_scores(np.full(4, 7.0)).tolist() == [3, 3, 3, 3]
    assert quintile_scores(np.array([7.0])).tolist() == [3]


def _shop() -> list[tuple[str, str, float]]:
    """Ten customers whose recency, frequency and spend rank them into clear segments."""
    rows: list[tuple[str, str, float]] = []
    for i in range(5):  # frequent, big buyers: two still buying, three quiet since spring
        last = "2023-12-20" if i < 2 else "2023-04-01"
        rows += [(f"big{i}", f"2023-0{m}-01", 500.0) for m in range(1, 4)]
        rows.append((f"big{i}", last, 500.0))
    rows += [(f"new{i}", "2023-12-2" + str(i), 20.0) for i in range(3)]  # first order lately
    rows += [(f"old{i}", "2023-01-1" + str(i), 10.0) for i in range(2)]  # once, long ago
    return rows


def test_segments_name_recent_big_buyers_new_ones_and_the_gone() -> None:
    table = table_from_rows(_shop())
    codes, segments = rfm_segments(table)
    by_id = dict(zip(table.customer_ids, codes.tolist(), strict=True))
    assert by_id["big0"] == by_id["big1"] == SegmentCode.CHAMPIONS
    assert {by_id[f"big{i}"] for i in (2, 3, 4)} == {SegmentCode.CANT_LOSE}
    assert {by_id[f"new{i}"] for i in range(3)} == {SegmentCode.NEW}
    assert {by_id[f"old{i}"] for i in range(2)} == {SegmentCode.LOST}
    assert [s.code for s in segments] == [
        SegmentCode.CHAMPIONS,
        SegmentCode.NEW,
        SegmentCode.CANT_LOSE,
        SegmentCode.LOST,
    ]
    assert sum(s.count for s in segments) == 10
    assert sum(s.revenue_share for s in segments) == pytest.approx(1.0)
    champions = segments[0]
    assert champions.revenue_share == pytest.approx(4000 / 10080)
    assert champions.action_code == ACTIONS[SegmentCode.CHAMPIONS]


def test_a_single_one_time_customer_is_new() -> None:
    codes, segments = rfm_segments(table_from_rows([("A", "2024-01-01", 10.0)]))
    assert codes.tolist() == [SegmentCode.NEW]
    assert segments[0].count == 1
    assert segments[0].revenue_share == pytest.approx(1.0)


def test_risk_bands_follow_p_alive() -> None:
    p = np.array([0.95, 0.7, 0.69, 0.3, 0.29, 0.0, np.nan])
    assert risk_band(p).tolist() == ["low", "low", "medium", "medium", "high", "high", "unknown"]


def test_recency_heeds_the_calendar_not_only_ranks() -> None:
    """Everyone bought once in 2022 except a few regulars still buying at the end of 2023: the
    most recent fifth of the one-time buyers left over a year ago, so none of them is new."""
    rows = [(f"once{i}", f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}", 50.0) for i in range(40)]
    for i in range(4):
        rows += [(f"regular{i}", f"2023-{m:02d}-15", 80.0) for m in range(1, 13)]
    table = table_from_rows(rows)
    codes, _ = rfm_segments(table)
    by_id = dict(zip(table.customer_ids, codes.tolist(), strict=True))
    assert {by_id[f"regular{i}"] for i in range(4)} == {SegmentCode.CHAMPIONS}
    once = {by_id[f"once{i}"] for i in range(40)}
    active = {SegmentCode.NEW, SegmentCode.CHAMPIONS, SegmentCode.LOYAL, SegmentCode.POTENTIAL}
    assert once and not once & active


def test_a_recent_customer_is_never_lost_however_the_ranks_fall() -> None:
    """All bought within the last month: the lowest-ranked of them are still active."""
    rows = [(f"c{i}", f"2024-03-{1 + i:02d}", 30.0) for i in range(20)]
    codes, _ = rfm_segments(table_from_rows(rows))
    assert set(codes.tolist()) == {SegmentCode.NEW}
