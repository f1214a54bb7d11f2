"""The calculator's inputs measured from a shop's own orders (no model, just counting).

How churn is read from the data
-------------------------------
Nobody tells a shop that a customer has left, so a customer counts as *lapsed* when they have
not bought for longer than the lapse window before the last day of the export:

    window = max(90 days, 3 x the median gap between a customer's successive purchase days)

The lapse is "seen" when the window runs out, so each customer is *at risk* from their first
purchase until ``min(last purchase + window, last day of data)`` (both days counted). Then

    monthly churn    = lapsed customers / customer-months at risk
    orders per month = orders / customer-months at risk

Using the same exposure for both keeps the calculator's identity honest: when every customer
has lapsed, ``aov x orders_per_month / churn`` is exactly the revenue per customer observed.
In general it is the revenue over the lapsed customers, so it takes enough of them
(``MIN_LAPSED_CUSTOMERS``) before the calculator's LTV means anything.
A month is 365.25 / 12 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.model import Lifetime, LifetimeSource, LtvInputs
from ltv_engine.orders.summary import first_of_day
from ltv_engine.orders.table import OrderTable

DAYS_PER_MONTH = 365.25 / 12
MIN_LAPSE_DAYS = 90
LAPSE_GAPS = 3  # a customer is lapsed after this many typical gaps without a purchase
# Lapses are counted events: k of them measure the churn rate with a relative standard error of
# about 1 / sqrt(k) (a Poisson count), and the calculator's LTV, 1 / churn, inherits it. With
# one lapse the LTV is the whole shop's revenue; with 10 the error is 32 % (a 95 % interval of
# 0.48x..1.84x the estimate), the loosest a lifetime worth quoting can be.
MIN_LAPSED_CUSTOMERS = 10


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    """Per-customer aggregates, indexed by the table's customer code."""

    first_day: npt.NDArray[np.int64]
    last_day: npt.NDArray[np.int64]
    orders: npt.NDArray[np.int64]
    purchase_days: npt.NDArray[np.int64]  # distinct days with a purchase
    revenue: npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class MeasuredInputs:
    aov: float
    orders_per_month: float  # per customer-month at risk (see the module docstring)
    repeat_rate: float  # share of customers who bought on more than one day
    monthly_churn: float  # 0.0 when no customer has lapsed yet
    avg_observed_lifetime_months: float  # mean first-to-last purchase span, all customers
    margin: float | None  # 1 - cost / revenue over orders with a known cost
    n_customers: int
    n_orders: int
    first_day: int  # days since 1970-01-01
    last_day: int
    revenue: float
    lapse_days: int  # the lapse window used for churn
    lapsed_customers: int
    min_lapsed_customers: ClassVar[int] = MIN_LAPSED_CUSTOMERS

    @property
    def history_days(self) -> int:
        return self.last_day - self.first_day + 1

    @property
    def too_short(self) -> bool:
        """The export is no longer than the lapse window: nobody can have lapsed yet, and each
        customer's first order counts against a few days at risk, so neither the frequency nor
        the churn can be measured (a one-day export would show 30 orders a month)."""
        return self.history_days <= self.lapse_days

    @property
    def too_few_lapsed(self) -> bool:
        """Some customers lapsed, too few for their churn to mean much (``MIN_LAPSED_CUSTOMERS``):
        it is measured, but no lifetime is drawn from it."""
        return 0 < self.lapsed_customers < MIN_LAPSED_CUSTOMERS


def customer_facts(table: OrderTable) -> CustomerFacts:
    """Aggregate the (customer, day)-sorted table per customer, vectorised."""
    codes = np.arange(table.n_customers)
    starts = np.searchsorted(table.customer, codes, side="left")
    ends = np.searchsorted(table.customer, codes, side="right") - 1
    new_day = first_of_day(table.customer, table.day)
    n = table.n_customers
    return CustomerFacts(
        first_day=table.day[starts],
        last_day=table.day[ends],
        orders=np.bincount(table.customer, minlength=n).astype(np.int64),
        purchase_days=np.bincount(table.customer[new_day], minlength=n).astype(np.int64),
        revenue=np.bincount(table.customer, weights=table.amount, minlength=n).astype(np.float64),
    )


def purchase_gaps(table: OrderTable) -> npt.NDArray[np.int64]:
    """Days between a customer's successive purchase days, over all customers."""
    same_customer = table.customer[1:] == table.customer[:-1]
    steps = np.diff(table.day)
    return steps[same_customer & (steps > 0)]


def lapse_window_days(table: OrderTable) -> int:
    gaps = purchase_gaps(table)
    typical = float(np.median(gaps)) if gaps.size else 0.0
    return max(MIN_LAPSE_DAYS, round(LAPSE_GAPS * typical))


def lapsed_mask(facts: CustomerFacts, window: int, end_day: int) -> npt.NDArray[np.bool_]:
    """True for customers with no purchase in the ``window`` days before ``end_day``."""
    return facts.last_day + window < end_day


def measure(table: OrderTable) -> MeasuredInputs:
    """Average check, frequency, repeat rate, churn and margin as the orders show them."""
    if table.n_orders == 0 or table.n_customers == 0:
        raise InvalidInput(Reason.EMPTY, "orders")
    facts = customer_facts(table)
    end_day = int(table.day.max())
    window = lapse_window_days(table)
    lapsed = lapsed_mask(facts, window, end_day)
    at_risk_days = np.minimum(facts.last_day + window, end_day) - facts.first_day + 1
    at_risk_months = float(at_risk_days.sum()) / DAYS_PER_MONTH
    revenue = float(table.amount.sum())
    spans = (facts.last_day - facts.first_day) / DAYS_PER_MONTH
    return MeasuredInputs(
        aov=revenue / table.n_orders,
        orders_per_month=table.n_orders / at_risk_months,
        repeat_rate=float(np.mean(facts.purchase_days > 1)),
        monthly_churn=int(lapsed.sum()) / at_risk_months,
        avg_observed_lifetime_months=float(spans.mean()),
        margin=measured_margin(table),
        n_customers=table.n_customers,
        n_orders=table.n_orders,
        first_day=int(table.day.min()),
        last_day=end_day,
        revenue=revenue,
        lapse_days=window,
        lapsed_customers=int(lapsed.sum()),
    )


def measured_margin(table: OrderTable) -> float | None:
    """Gross margin over the orders whose cost is known; None without a cost column."""
    if table.cost is None:
        return None
    known = np.isfinite(table.cost)
    revenue = float(table.amount[known].sum())
    if revenue <= 0:
        return None
    return 1.0 - float(table.cost[known].sum()) / revenue


def to_ltv_inputs(m: MeasuredInputs, currency: str) -> LtvInputs:
    """The calculator's inputs, the lifetime stated as the measured monthly churn.

    Raises ``InvalidInput(ZERO, "monthly_churn", hint="no_churn_observed")`` when no customer
    has lapsed yet, and ``InvalidInput(TOO_SMALL, "lapsed_customers", low=...,
    hint="too_few_lapsed")`` when too few have: the data cannot tell a lifetime then.
    """
    if m.lapsed_customers == 0:
        raise InvalidInput(Reason.ZERO, "monthly_churn", hint="no_churn_observed")
    if m.too_few_lapsed:
        raise InvalidInput(
            Reason.TOO_SMALL, "lapsed_customers", low=MIN_LAPSED_CUSTOMERS, hint="too_few_lapsed"
        )
    return LtvInputs(
        aov=m.aov,
        orders_per_month=m.orders_per_month,
        lifetime=Lifetime(LifetimeSource.CHURN, monthly_churn=m.monthly_churn),
        margin=m.margin,
        currency=currency,
    )
