"""Predictive customer lifetime value: BG/NBD purchases times Gamma-Gamma spend, discounted."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.limits import check_range
from ltv_engine.orders.bgnbd import BgNbdParams, weighted_expected_purchases
from ltv_engine.orders.gamma_gamma import GammaGammaParams, expected_average_spend
from ltv_engine.orders.summary import CustomerSummary

DAYS_PER_MONTH = 365.25 / 12
MAX_HORIZON_MONTHS = 1200


def customer_lifetime_value(
    bg: BgNbdParams,
    gg: GammaGammaParams,
    summary: CustomerSummary,
    *,
    horizon_months: int = 12,
    monthly_discount_rate: float = 0.01,
    margin: float = 1.0,
) -> NDArray[np.float64]:
    """Each customer's discounted value over the next ``horizon_months`` months.

    lifetimes' convention: CLV = sum over months i = 1..H of
    (E[X(t_i) | hist] - E[X(t_(i-1)) | hist]) * E[Z | x, zbar] * margin / (1 + d)^i,
    with t_i = i * (365.25 / 12) / unit_days, i.e. each month's expected purchases are
    discounted as if they happened at the month's end.
    """
    _check_horizon(horizon_months)
    _check_discount_rate(monthly_discount_rate)
    check_range(margin, "margin")
    spend = expected_average_spend(gg, summary.frequency, summary.monetary)
    months = np.arange(1, horizon_months + 1)
    discount = (1.0 + monthly_discount_rate) ** -months.astype(np.float64)
    # sum_i d_i (E_i - E_(i-1)) = sum_i (d_i - d_(i+1)) E_i with E_0 = 0 and d_(H+1) = 0
    weights = discount - np.r_[discount[1:], 0.0]
    purchases = weighted_expected_purchases(
        bg, months * DAYS_PER_MONTH / summary.unit_days, weights,
        summary.frequency, summary.recency, summary.age,
    )  # fmt: skip
    return np.asarray(purchases * spend * margin, dtype=np.float64)


def _check_horizon(horizon_months: int) -> None:
    if horizon_months != int(horizon_months):
        raise InvalidInput(Reason.NOT_WHOLE, "horizon_months")
    if horizon_months < 1:
        raise InvalidInput(Reason.TOO_SMALL, "horizon_months", low=1)
    if horizon_months > MAX_HORIZON_MONTHS:
        raise InvalidInput(Reason.TOO_LARGE, "horizon_months", high=MAX_HORIZON_MONTHS)


def _check_discount_rate(rate: float) -> None:
    if not math.isfinite(rate):
        raise InvalidInput(Reason.NOT_FINITE, "monthly_discount_rate")
    if rate < 0:
        raise InvalidInput(Reason.NEGATIVE, "monthly_discount_rate")
    if rate >= 1:
        raise InvalidInput(Reason.TOO_LARGE, "monthly_discount_rate", high=1.0)
