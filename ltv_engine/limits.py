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
    smallest: float = 0.0  # below this a positive value is too small to be meant
    high_inclusive: bool = True  # is ``high`` itself allowed?

    @property
    def accepted(self) -> tuple[float, float]:
        """``(lowest, highest)``: every value from one to the other, both included, passes
        ``check_range``. Only for a range whose ends pass: ``low`` itself or a ``smallest``
        above it, and ``high`` itself."""
        if not self.high_inclusive:
            raise ValueError("an open range has no highest accepted value")
        if self.low_inclusive:
            return max(self.low, self.smallest), self.high
        if self.smallest > self.low:
            return self.smallest, self.high
        raise ValueError("an open range has no lowest accepted value")


# The lower bounds keep every product of inputs far from float underflow: the smallest
# monthly value a customer can bring is 0.01 x 0.0001 x 0.0001.
LIMITS: dict[str, Range] = {
    "aov": Range(0.0, 1e9, smallest=0.01),
    "orders_per_month": Range(0.0, 1000.0, smallest=1e-4),  # once in 833 years
    "lifetime_months": Range(0.0, 1200.0, smallest=0.01),
    "margin": Range(0.0, 1.0, smallest=1e-4),
    "monthly_churn": Range(0.0, 1.0, high_inclusive=False),
    "customers_start": Range(2.0, 1e9, low_inclusive=True),  # 1 can only stay or leave
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
    if value < limit.smallest:
        raise InvalidInput(Reason.TOO_SMALL, field, low=limit.smallest)
    if value > limit.high or (value == limit.high and not limit.high_inclusive):
        raise InvalidInput(_ABOVE_HIGH.get(field, Reason.TOO_LARGE), field, high=limit.high)
    return value
