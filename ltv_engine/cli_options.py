"""Option values both ``ltv`` commands read: a discount rate, a duration, a currency code.

One rule for every rate: a number with "%", or a bare number of 1 and above, is a percent
("12", "12%", "0.5%"); a bare number below 1 is a share ("0.12" is 12 %). The period a rate
is for is in the option's name and help (``--discount-rate`` a year, ``--monthly-discount-rate``
a month), and in what the commands print; a rate typed with another period ("1% a month") is
made the one it compounds to.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final, Literal

from babel.numbers import list_currencies

from ltv_engine import parsing
from ltv_engine.cli_usage import UsageError, UsageReason
from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.limits import LIMITS

ANNUAL_DISCOUNT: Final = "annual_discount_rate"
MONTHLY_DISCOUNT: Final = "monthly_discount_rate"
DiscountField = Literal["annual_discount_rate", "monthly_discount_rate"]
MONTHS_A_YEAR = 12
PERIOD: dict[str, Literal["month", "year"]] = {ANNUAL_DISCOUNT: "year", MONTHLY_DISCOUNT: "month"}


def monthly_from_annual(annual: float) -> float:
    """The monthly rate that compounds to ``annual`` over a year (12 % a year: 0.949 % a month)."""
    return math.expm1(math.log1p(annual) / MONTHS_A_YEAR)


def annual_from_monthly(monthly: float) -> float:
    return math.expm1(math.log1p(monthly) * MONTHS_A_YEAR)


# The most a rate may be: the calculator's annual limit, for a month its monthly equivalent.
HIGHEST_DISCOUNT: dict[str, float] = {
    ANNUAL_DISCOUNT: LIMITS[ANNUAL_DISCOUNT].high,
    MONTHLY_DISCOUNT: monthly_from_annual(LIMITS[ANNUAL_DISCOUNT].high),
}


@contextmanager
def named(field: str) -> Iterator[None]:
    """Say a value's ``InvalidInput`` as ``field``'s: the parsers name the input they read
    (every duration is a lifetime), the command line names the option it came from."""
    try:
        yield
    except InvalidInput as error:
        raise InvalidInput(error.reason, field, **error.details) from None


def parse_discount_rate(text: str, field: DiscountField) -> float:
    """A discount rate as a share, for the period ``field`` names: "12", "12%", "0.12", or
    with a period: "12% a year", "1% в месяц"."""
    highest = HIGHEST_DISCOUNT[field]
    try:
        rate = parsing.parse_rate(text, field=ANNUAL_DISCOUNT, per=PERIOD[field])
    except InvalidInput as error:
        if error.reason is not Reason.TOO_LARGE:
            raise InvalidInput(error.reason, field, **error.details) from None
        rate = math.inf
    if rate > highest:
        raise InvalidInput(Reason.TOO_LARGE, field, high=highest)
    return rate


def parse_months(text: str, field: str) -> float:
    """A duration in months as ``parse_duration_months`` reads it ("3", "1 year"), said as
    ``field``'s."""
    with named(field):
        return parsing.parse_duration_months(text, default_unit="months")


def parse_whole_months(text: str, field: str) -> int:
    months = parse_months(text, field)
    if not months.is_integer():
        raise InvalidInput(Reason.NOT_WHOLE, field, months=months)
    return int(months)


def parse_currency(text: str) -> str:
    """An ISO 4217 code the money formatting knows ("usd" is USD)."""
    code = text.strip().upper()
    if not code:
        raise InvalidInput(Reason.EMPTY, "currency_code")
    if code not in list_currencies():
        raise UsageError(UsageReason.UNKNOWN_CURRENCY, "currency_code", text=text)
    return code
