import numpy as np
import pytest

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.orders.summary import (
    summarize,
    summarized_customers,
    validated_histories,
)
from tests.orders.cdnow import CALIBRATION_END, read_columns, sample_orders
from tests.orders.order_rows import day_number, table_from_rows

# A: two orders on Jan 1 (one purchase day), then Jan 8 (30 + 20) and Jan 29 (70).
# B: a single order. C: first seen after Jan 20.
SHOP = [
    ("A", "2024-01-01", 10.0),
    ("A", "2024-01-01", 15.0),
    ("A", "2024-01-08", 30.0),
    ("A", "2024-01-08", 20.0),
    ("A", "2024-01-29", 70.0),
    ("B", "2024-01-15", 40.0),
    ("C", "2024-01-22", 5.0),
]


def test_orders_on_one_day_count_as_one_purchase() -> None:
    summary = summarize(table_from_rows(SHOP))
    np.testing.assert_allclose(summary.frequency, [2, 0, 0])
    np.testing.assert_allclose(summary.recency, [4, 0, 0])
    np.testing.assert_allclose(summary.age, [4, 2, 1])
    assert summary.unit_days == 7.0


def test_monetary_is_the_mean_repeat_day_total_without_the_first_day() -> None:
    summary = summarize(table_from_rows(SHOP))
    np.testing.assert_allclose(summary.monetary, [(50 + 70) / 2, 0, 0])


def test_end_day_cuts_later_orders_and_customers_first_seen_later() -> None:
    table = table_from_rows(SHOP)
    end = day_number("2024-01-20")
    summary = summarize(table, end_day=end, unit_days=1.0)
    np.testing.assert_allclose(summary.frequency, [1, 0])
    np.testing.assert_allclose(summary.recency, [7, 0])
    np.testing.assert_allclose(summary.age, [19, 5])
    np.testing.assert_allclose(summary.monetary, [50, 0])
    assert summarized_customers(table, end).tolist() == [0, 1]


def test_no_orders_up_to_the_end_day_is_empty() -> None:
    with pytest.raises(InvalidInput) as error:
        summarize(table_from_rows(SHOP), end_day=day_number("2023-12-31"))
    assert error.value.reason is Reason.EMPTY


@pytest.mark.parametrize(("unit_days", "reason"), [(0.0, Reason.ZERO), (-7.0, Reason.NEGATIVE)])
def test_unit_must_be_positive(unit_days: float, reason: Reason) -> None:
    with pytest.raises(InvalidInput) as error:
        summarize(table_from_rows(SHOP), unit_days=unit_days)
    assert (error.value.reason, error.value.field) == (reason, "unit_days")


def test_cdnow_transactions_reproduce_the_published_summary() -> None:
    summary = summarize(sample_orders(), end_day=CALIBRATION_END, unit_days=7.0)
    published = read_columns("cdnow_summary.csv")
    np.testing.assert_allclose(summary.frequency, published["frequency"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(np.round(summary.recency, 2), published["recency"], atol=1e-6)
    np.testing.assert_allclose(np.round(summary.age, 2), published["T"], atol=1e-6)


def test_cdnow_monetary_is_the_published_zbar() -> None:
    summary = summarize(sample_orders(), end_day=CALIBRATION_END)
    published = read_columns("cdnow_summary_with_transactions.csv")
    # the file rounds to cents; half-cent ties may round either way
    np.testing.assert_allclose(summary.monetary, published["zbar"], rtol=0, atol=0.005 + 1e-9)


@pytest.mark.parametrize(
    ("frequency", "recency", "age", "reason", "field"),
    [
        ([1, 2], [1], [2], Reason.CONFLICT, "frequency,recency,age"),
        ([-1], [1], [2], Reason.NEGATIVE, "frequency"),
        ([1], [np.nan], [2], Reason.NOT_FINITE, "recency"),
        ([1], [3], [2], Reason.CONFLICT, "recency"),
    ],
)
def test_histories_are_validated(
    frequency: list[float], recency: list[float], age: list[float], reason: Reason, field: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        validated_histories(frequency, recency, age)
    assert (error.value.reason, error.value.field) == (reason, field)
