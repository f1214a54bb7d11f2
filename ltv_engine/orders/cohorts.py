"""Cohorts by the calendar month of a customer's first purchase.

``retention[c, k]`` is the share of cohort ``c`` that bought in its k-th month after the first
(month 0 is the first month itself, so it is 1.0); ``cumulative_revenue_per_customer[c, k]``
is the cohort's revenue from month 0 to month k divided by the cohort's size. Both are NaN
where month k lies after the last month of the data. The last month counts as observed even
when the export ends in the middle of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ltv_engine.orders.summary import first_of_day
from ltv_engine.orders.table import OrderTable


@dataclass(frozen=True, slots=True)
class CohortTable:
    months: tuple[str, ...]  # "2023-01", one per cohort, oldest first
    sizes: npt.NDArray[np.int64]
    retention: npt.NDArray[np.float64]  # [cohort, months since first purchase]
    cumulative_revenue_per_customer: npt.NDArray[np.float64]  # same shape


def month_index(day: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Calendar months since 1970-01 for days since 1970-01-01."""
    return day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def cohorts(table: OrderTable) -> CohortTable:
    order_month = month_index(table.day)
    first_row = np.searchsorted(table.customer, np.arange(table.n_customers))
    first_month = order_month[first_row]  # rows are sorted by day within each customer
    last = int(order_month.max())
    present = np.unique(first_month)
    cohort_of_customer = np.searchsorted(present, first_month)
    n_cohorts, width = present.size, last - int(present[0]) + 1
    n_cells = n_cohorts * width

    offset = order_month - first_month[table.customer]
    cell = cohort_of_customer[table.customer] * width + offset
    # months never go back within a customer, so "first of day" finds first orders of a month
    active = np.bincount(cell[first_of_day(table.customer, order_month)], minlength=n_cells)
    revenue = np.bincount(cell, weights=table.amount, minlength=n_cells)

    sizes = np.bincount(cohort_of_customer, minlength=n_cohorts).astype(np.int64)
    unobserved = np.arange(width)[None, :] > (last - present)[:, None]
    retention = active.reshape(n_cohorts, width) / sizes[:, None]
    cumulative = np.cumsum(revenue.reshape(n_cohorts, width), axis=1) / sizes[:, None]
    retention[unobserved] = np.nan
    cumulative[unobserved] = np.nan
    labels = np.datetime_as_string(present.astype("datetime64[M]"), unit="M")
    return CohortTable(
        months=tuple(str(label) for label in labels),
        sizes=sizes,
        retention=retention,
        cumulative_revenue_per_customer=cumulative,
    )
