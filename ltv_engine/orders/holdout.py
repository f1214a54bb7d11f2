"""Does BG/NBD predict this shop? Fit on the early orders, compare with the later ones."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.orders.bgnbd import conditional_expected_purchases, fit_bgnbd
from ltv_engine.orders.summary import (
    first_of_day,
    last_order_day,
    summarize,
    summarized_customers,
)
from ltv_engine.orders.table import OrderTable


@dataclass(frozen=True, slots=True)
class HoldoutCheck:
    calibration_end_day: int
    holdout_days: int
    predicted_total: float  # repeat purchase days in the holdout, summed over customers
    actual_total: float
    total_error: float  # (predicted - actual) / actual
    mean_absolute_error: float  # per customer, in repeat purchase days
    n_customers: int


def holdout_check(
    table: OrderTable, *, calibration_end_day: int | None = None, unit_days: float = 7.0
) -> HoldoutCheck:
    """Fit BG/NBD on orders up to the split day, predict each customer's repeat purchase days
    after it up to the last order day, and compare with what they did.

    Only customers first seen on or before the split are scored (the model cannot predict
    the others). Purchase days are counted as in ``summarize``: several orders on one day
    count once.
    """
    end_day = last_order_day(table)
    first_day = int(table.day.min())
    split = calibration_end_day
    if split is None:
        split = first_day + (end_day - first_day) * 2 // 3  # the last third is the holdout
    if not first_day <= split < end_day:
        raise InvalidInput(Reason.CONFLICT, "calibration_end_day", low=first_day, high=end_day - 1)
    calibration = summarize(table, end_day=split, unit_days=unit_days)
    params = fit_bgnbd(calibration.frequency, calibration.recency, calibration.age)
    predicted = conditional_expected_purchases(
        params,
        (end_day - split) / unit_days,
        calibration.frequency,
        calibration.recency,
        calibration.age,
    )
    actual = _purchase_days_after(table, split)[summarized_customers(table, split)]
    actual_total = float(actual.sum())
    if actual_total == 0:
        raise InvalidInput(Reason.ZERO, "holdout_purchases")
    predicted_total = float(predicted.sum())
    return HoldoutCheck(
        calibration_end_day=split,
        holdout_days=end_day - split,
        predicted_total=predicted_total,
        actual_total=actual_total,
        total_error=(predicted_total - actual_total) / actual_total,
        mean_absolute_error=float(np.mean(np.abs(predicted - actual))),
        n_customers=int(actual.size),
    )


def _purchase_days_after(table: OrderTable, split: int) -> NDArray[np.float64]:
    """Distinct purchase days after ``split``, per customer code."""
    later = table.day > split
    customer, day = table.customer[later], table.day[later]
    counts = np.bincount(customer[first_of_day(customer, day)], minlength=table.n_customers)
    return counts.astype(np.float64)
