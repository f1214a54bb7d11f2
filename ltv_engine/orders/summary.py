"""Per-customer purchase histories (frequency, recency, age, spend): the input of BG/NBD and
Gamma-Gamma, with the conventions that reproduce the published CDNOW numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.orders.table import OrderTable


@dataclass(frozen=True, slots=True)
class CustomerSummary:
    """One row per customer seen on or before the end day, in customer-code order.

    ``frequency`` counts repeat purchase days (several orders on one day count once);
    ``recency`` and ``age`` run from the first purchase day to the last purchase day and to
    the end day, in units of ``unit_days`` days; ``monetary`` is the mean day total of the
    repeat purchase days (the first day excluded), 0 where there is none.
    """

    frequency: NDArray[np.float64]
    recency: NDArray[np.float64]
    age: NDArray[np.float64]
    monetary: NDArray[np.float64]
    unit_days: float


@dataclass(frozen=True, slots=True)
class _PurchaseDays:
    """Orders up to the end day merged into one row per (customer, day)."""

    customer: NDArray[np.int64]
    day: NDArray[np.int64]
    total: NDArray[np.float64]


def summarize(
    table: OrderTable, *, end_day: int | None = None, unit_days: float = 7.0
) -> CustomerSummary:
    """Summarize each customer's orders up to ``end_day`` (default: the last order day).

    Orders after ``end_day`` are ignored and customers first seen after it are left out, so
    the summary of a calibration period is ``summarize(table, end_day=split)``.
    """
    if not np.isfinite(unit_days) or unit_days <= 0:
        raise InvalidInput(Reason.ZERO if unit_days == 0 else Reason.NEGATIVE, "unit_days")
    end = last_order_day(table) if end_day is None else end_day
    days = _purchase_days(table, end)
    if days.day.size == 0:
        raise InvalidInput(Reason.EMPTY, "orders", end_day=end)
    starts = np.flatnonzero(np.r_[True, days.customer[1:] != days.customer[:-1]])
    ends = np.r_[starts[1:], days.day.size] - 1
    n_days = (ends - starts + 1).astype(np.float64)
    first, last = days.day[starts], days.day[ends]
    repeat_spend = np.add.reduceat(days.total, starts) - days.total[starts]
    frequency = n_days - 1.0
    monetary = np.divide(
        repeat_spend, frequency, out=np.zeros_like(repeat_spend), where=frequency > 0
    )
    return CustomerSummary(
        frequency=frequency,
        recency=(last - first) / unit_days,
        age=(end - first) / unit_days,
        monetary=monetary,
        unit_days=float(unit_days),
    )


def last_order_day(table: OrderTable) -> int:
    if table.n_orders == 0:
        raise InvalidInput(Reason.EMPTY, "orders")
    return int(table.day.max())


def summarized_customers(table: OrderTable, end_day: int) -> NDArray[np.int64]:
    """Customer codes of the rows of ``summarize(table, end_day=end_day)``, in row order."""
    return np.unique(table.customer[table.day <= end_day])


def _purchase_days(table: OrderTable, end_day: int) -> _PurchaseDays:
    """Relies on the table's (customer, day) order to find day boundaries in one pass."""
    kept = table.day <= end_day
    customer, day, amount = table.customer[kept], table.day[kept], table.amount[kept]
    if day.size == 0:
        return _PurchaseDays(customer, day, amount)
    starts = np.flatnonzero(first_of_day(customer, day))
    return _PurchaseDays(customer[starts], day[starts], np.add.reduceat(amount, starts))


def first_of_day(customer: NDArray[np.int64], day: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Marks each customer's first order of each day, for orders sorted by (customer, day)."""
    if day.size == 0:
        return np.zeros(0, dtype=np.bool_)
    return np.r_[True, (customer[1:] != customer[:-1]) | (day[1:] != day[:-1])]


def validated_columns(**columns: ArrayLike) -> tuple[NDArray[np.float64], ...]:
    """The named columns as float arrays, checked: same length, finite, non-negative."""
    arrays = tuple(np.asarray(values, dtype=np.float64).reshape(-1) for values in columns.values())
    lengths = {array.size for array in arrays}
    if len(lengths) > 1:
        raise InvalidInput(Reason.CONFLICT, ",".join(columns), lengths=sorted(lengths))
    for name, array in zip(columns, arrays, strict=True):
        if not np.all(np.isfinite(array)):
            raise InvalidInput(Reason.NOT_FINITE, name)
        if np.any(array < 0):
            raise InvalidInput(Reason.NEGATIVE, name)
    return arrays


def validated_histories(
    frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """BG/NBD inputs, checked; a last purchase after the end of observation is a conflict."""
    x, t_x, big_t = validated_columns(frequency=frequency, recency=recency, age=age)
    if np.any(t_x > big_t):
        raise InvalidInput(Reason.CONFLICT, "recency")
    return x, t_x, big_t
