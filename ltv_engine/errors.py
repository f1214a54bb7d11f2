"""Domain errors: the engine says what is wrong with a machine-readable reason;
the bot turns the reason into a localized sentence with an example."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Reason(StrEnum):
    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    ZERO = "zero"
    NOT_FINITE = "not_finite"
    TOO_LARGE = "too_large"
    TOO_SMALL = "too_small"
    MARGIN_ABOVE_100 = "margin_above_100"
    CHURN_100_OR_MORE = "churn_100_or_more"
    END_ABOVE_START = "end_above_start"
    NOT_WHOLE = "not_whole"
    UNKNOWN_UNIT = "unknown_unit"
    AMBIGUOUS = "ambiguous"
    MISSING = "missing"
    CONFLICT = "conflict"


class InvalidInput(ValueError):
    """A value the engine cannot use.

    ``field`` names the input (``aov``, ``frequency``, ``margin``, ``lifetime``, ``churn``,
    ``customers_start``, ``customers_end``, ``cac``, ``discount_rate``...) when it is known;
    ``details`` carries numbers the explanation may quote (limits, the offending value).
    """

    def __init__(self, reason: Reason, field: str | None = None, **details: Any) -> None:
        self.reason = reason
        self.field = field
        self.details: dict[str, Any] = details
        where = f" ({field})" if field else ""
        super().__init__(f"{reason.value}{where}")
