"""Plausible ranges of every input: one table serves the parser, the calculator and the CLI."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ltv_engine.errors import InvalidInput, Reason


@dataclass(frozen=True, slots=True)
class Range:
    low: float
    high: float
    low_inclusive: bool = False  # is ``low`` itself allowed?


LIMITS: dict[str, Range] = {
    "aov": Range(0.0, 1e9),
    "orders_per_month": Range(0.0, 1000.0),
    "lifetime_months": Range(0.0, 1200.0),
    "margin": Range(0.0, 1.0),
    "monthly_churn": Range(0.0, 1.0),
    "customers_start": Range(1.0, 1e9, low_inclusive=True),
    "customers_end": Range(0.0, 1e9, low_inclusive=True),
    "period_months": Range(0.0, 1200.0),
    "cac": Range(0.0, 1e9, low_inclusive=True),
    "annual_discount_rate": Range(0.0, 1.0, low_inclusive=True),
}

_ABOVE_HIGH = {"margin": Reason.MARGIN_ABOVE_100, "monthly_churn": Reason.CHURN_100_OR_MORE}


def check_range(value: float, field: str) -> float:
    """Return ``value`` if it is plausible for ``field``, else raise ``InvalidInput``."""
    limit = LIMITS[field]
    if not math.isfinite(value):
        raise InvalidInput(Reason.NOT_FINITE, field)
    if value < 0:
        raise InvalidInput(Reason.NEGATIVE, field)
    if value == 0 and not limit.low_inclusive:
        raise InvalidInput(Reason.ZERO, field)
    if value < limit.low or (value == limit.low and not limit.low_inclusive):
        raise InvalidInput(Reason.TOO_SMALL, field, low=limit.low)
    if field == "monthly_churn" and value >= limit.high:
        raise InvalidInput(Reason.CHURN_100_OR_MORE, field)
    if value > limit.high:
        raise InvalidInput(_ABOVE_HIGH.get(field, Reason.TOO_LARGE), field, high=limit.high)
    return value
