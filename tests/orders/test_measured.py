import math

import numpy as np
import pytest

from ltv_engine.calc import calculate
from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.model import LifetimeSource
from ltv_engine.orders.measured import (
    DAYS_PER_MONTH,
    customer_facts,
    measure,
    purchase_gaps,
    to_ltv_inputs,
)
from ltv_engine.orders.table import OrderTable
from tests.orders.order_rows import day_number, table_from_rows

# A buys every 30 days three times, B once, C twice 30 days apart, D on the last day.
SHOP = [
    ("A", "2023-01-01", 100.0),
    ("A", "2023-01-31", 50.0),
    ("A", "2023-03-02", 150.0),
    ("B", "2023-01-10", 200.0),
    ("C", "2023-01-15", 100.0),
    ("C", "2023-02-14", 100.0),
    ("D", "2023-12-31", 50.0),
]
# At risk until min(last + 90, end), both days counted: A 151 days, B 91, C 121, D 1.
SHOP_AT_RISK_MONTHS = (151 + 91 + 121 + 1) / DAYS_PER_MONTH
# The shop four times over: 12 customers lapsed, enough to measure churn by.
SHOPS = [(f"{customer}{n}", day, amount) for n in range(4) for customer, day, amount in SHOP]


def test_counts_and_averages() -> None:
    m = measure(table_from_rows(SHOP))
    assert (m.n_customers, m.n_orders) == (4, 7)
    assert m.revenue == pytest.approx(750.0)
    assert m.aov == pytest.approx(750.0 / 7)
    assert m.repeat_rate == pytest.approx(0.5)
    assert (m.first_day, m.last_day) == (day_number("2023-01-01"), day_number("2023-12-31"))
    assert m.avg_observed_lifetime_months == pytest.approx((60 + 30) / 4 / DAYS_PER_MONTH)
    assert m.margin is None


def test_churn_is_lapses_per_customer_month_at_risk() -> None:
    m = measure(table_from_rows(SHOP))
    assert m.lapse_days == 90  # 3 x the median gap of 30 days is not above the 90-day floor
    assert m.lapsed_customers == 3  # A, B and C; D bought on the last day
    assert m.monthly_churn == pytest.approx(3 / SHOP_AT_RISK_MONTHS)
    assert m.orders_per_month == pytest.approx(7 / SHOP_AT_RISK_MONTHS)


def test_lapse_window_grows_with_the_typical_gap() -> None:
    rows = [
        ("A", "2023-01-01", 10.0),
        ("A", "2023-03-02", 10.0),  # 60-day gaps -> a 180-day window
        ("A", "2023-05-01", 10.0),
        ("B", "2023-07-01", 10.0),
        ("C", "2023-12-01", 10.0),  # end: A lapsed (214 days), B not (153 days)
    ]
    m = measure(table_from_rows(rows))
    assert m.lapse_days == 180
    assert m.lapsed_customers == 1


def test_calculator_ltv_equals_revenue_per_lapsed_customer() -> None:
    m = measure(table_from_rows(SHOPS))
    result = calculate(to_ltv_inputs(m, "USD"), with_sensitivity=False)
    assert result.revenue_ltv == pytest.approx(4 * 750.0 / 12)


def test_to_ltv_inputs_states_lifetime_as_churn() -> None:
    m = measure(table_from_rows(SHOPS, costs=[60, 30, 90, 150, 50, 50, 20] * 4))
    inputs = to_ltv_inputs(m, "EUR")
    assert inputs.lifetime.source is LifetimeSource.CHURN
    assert inputs.lifetime.monthly_churn == pytest.approx(m.monthly_churn)
    assert inputs.currency == "EUR"
    assert inputs.margin == pytest.approx(1 - 450 / 750)


def test_margin_ignores_orders_without_a_known_cost() -> None:
    costs = [50.0, math.nan, math.nan, 100.0, math.nan, math.nan, math.nan]
    assert measure(table_from_rows(SHOP, costs=costs)).margin == pytest.approx(0.5)


def test_one_day_of_data_has_no_churn_to_state() -> None:
    m = measure(table_from_rows([("A", "2024-05-05", 10.0), ("B", "2024-05-05", 30.0)]))
    assert m.monthly_churn == 0.0
    assert m.repeat_rate == 0.0
    assert m.orders_per_month == pytest.approx(2 / (2 / DAYS_PER_MONTH))
    with pytest.raises(InvalidInput) as caught:
        to_ltv_inputs(m, "RUB")
    assert caught.value.reason is Reason.ZERO
    assert caught.value.details["hint"] == "no_churn_observed"


def test_several_orders_on_one_day_are_one_purchase_day() -> None:
    rows = [("A", "2023-01-01", 10.0), ("A", "2023-01-01", 5.0), ("A", "2023-01-21", 5.0)]
    table = table_from_rows(rows)
    facts = customer_facts(table)
    assert facts.orders.tolist() == [3]
    assert facts.purchase_days.tolist() == [2]
    assert purchase_gaps(table).tolist() == [20]
    assert facts.revenue.tolist() == [20.0]


def test_empty_table_is_rejected() -> None:
    empty = OrderTable(
        customer=np.zeros(0, dtype=np.int64),
        day=np.zeros(0, dtype=np.int64),
        amount=np.zeros(0),
        customer_ids=(),
    )
    with pytest.raises(InvalidInput) as caught:
        measure(empty)
    assert caught.value.reason is Reason.EMPTY
