import numpy as np
import pytest

from ltv_engine.orders.cohorts import cohorts, month_index
from tests.orders.order_rows import day_number, table_from_rows

NAN = np.nan

ROWS = [
    ("A", "2023-01-05", 100.0),
    ("A", "2023-01-20", 10.0),  # a second order in the same month is still one active month
    ("A", "2023-03-01", 50.0),
    ("B", "2023-01-31", 40.0),
    ("B", "2023-02-01", 60.0),
    ("C", "2023-02-10", 30.0),
    ("D", "2023-02-11", 20.0),
    ("D", "2023-03-31", 20.0),
]


def test_month_index_counts_calendar_months() -> None:
    days = np.array([day_number("1970-01-31"), day_number("1970-02-01"), day_number("2023-03-31")])
    assert month_index(days).tolist() == [0, 1, 53 * 12 + 2]


def test_retention_and_cumulative_revenue_by_first_month() -> None:
    table = cohorts(table_from_rows(ROWS))
    assert table.months == ("2023-01", "2023-02")
    assert table.sizes.tolist() == [2, 2]
    np.testing.assert_allclose(table.retention, [[1.0, 0.5, 0.5], [1.0, 0.5, NAN]], equal_nan=True)
    np.testing.assert_allclose(
        table.cumulative_revenue_per_customer,
        [[75.0, 105.0, 130.0], [25.0, 35.0, NAN]],
        equal_nan=True,
    )


def test_months_without_new_customers_have_no_row() -> None:
    rows = [("A", "2023-01-05", 10.0), ("A", "2023-02-05", 10.0), ("B", "2023-03-05", 10.0)]
    table = cohorts(table_from_rows(rows))
    assert table.months == ("2023-01", "2023-03")
    np.testing.assert_allclose(table.retention, [[1.0, 1.0, 0.0], [1.0, NAN, NAN]], equal_nan=True)


def test_one_day_of_data_is_one_cohort_of_one_month() -> None:
    table = cohorts(table_from_rows([("A", "2024-05-05", 10.0), ("B", "2024-05-05", 30.0)]))
    assert table.months == ("2024-05",)
    assert table.retention.tolist() == [[1.0]]
    assert table.cumulative_revenue_per_customer[0, 0] == pytest.approx(20.0)


def test_cohorts_cross_a_year_boundary() -> None:
    rows = [("A", "2022-12-31", 10.0), ("A", "2023-01-01", 10.0), ("B", "2023-01-02", 5.0)]
    table = cohorts(table_from_rows(rows))
    assert table.months == ("2022-12", "2023-01")
    np.testing.assert_allclose(table.retention, [[1.0, 1.0], [1.0, NAN]], equal_nan=True)
