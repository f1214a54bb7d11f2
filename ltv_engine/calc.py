"""The LTV calculation: lifetime, revenue and gross-profit LTV, discounting, LTV:CAC, payback,
and the sensitivity of the headline LTV to one step of each lever."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from types import MappingProxyType

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.limits import LIMITS, check_range
from ltv_engine.model import (
    Band,
    Lever,
    LeverEffect,
    Lifetime,
    LifetimeSource,
    LtvInputs,
    LtvResult,
)

STEPS: Mapping[Lever, float] = MappingProxyType(
    {
        Lever.AOV: 0.10,  # relative
        Lever.FREQUENCY: 0.10,  # relative
        Lever.LIFETIME: 0.10,  # lifetime +10 %, or churn -10 % when lifetime is stated as churn
        Lever.MARGIN: 0.05,  # margin points
    }
)
HEALTHY_LTV_CAC = 3.0
# A band's lower bound less float noise: 65 x 0.6 x 18 x 0.58 is 407.15999999999997
_BAND_NOISE = 1e-9  # relative
_BREAK_EVEN_LTV_CAC = 1 - _BAND_NOISE
_HEALTHY_LTV_CAC = HEALTHY_LTV_CAC * (1 - _BAND_NOISE)
# Uplifts relative to the LTV are compared in units of 1e-12: levers that the arithmetic makes
# equal tie exactly. round(x * scale) costs a fifth of round(x, 12), which goes through text.
_TIE_SCALE = 1e12
MAX_LIFETIME_MONTHS = LIMITS["lifetime_months"].high
# Where each value is plainly valid: the usual case, tested at once; check_range says why not.
_AOV, _ORDERS, _MARGIN, _CAC, _RATE, _LIFETIME = (
    LIMITS[field].accepted
    for field in (
        "aov",
        "orders_per_month",
        "margin",
        "cac",
        "annual_discount_rate",
        "lifetime_months",
    )
)
# Skip the Python-level __new__ of these named tuples: each is built at every calculation.
_new_result = partial(tuple.__new__, LtvResult)
_effect = partial(tuple.__new__, LeverEffect)


def monthly_rate(annual_rate: float) -> float:
    """The monthly rate that compounds to ``annual_rate`` over a year: (1+a)**(1/12)-1."""
    return math.expm1(math.log1p(annual_rate) / 12)


def resolve_lifetime(lifetime: Lifetime) -> tuple[float, float]:
    """Validate ``lifetime`` and return ``(lifetime_months, monthly_churn)``.

    MONTHS is taken as given and CHURN as 1 / churn. COUNTS gives the churn over the period,
    ``c = (start - end) / start``, converted to a monthly churn that compounds to it:
    ``1 - (1 - c) ** (1 / period_months)``; the lifetime is 1 / that churn.
    """
    if lifetime.source is LifetimeSource.MONTHS:
        months = lifetime.months
        if months is None or not _LIFETIME[0] <= months <= _LIFETIME[1]:  # else plainly valid
            months = check_range(_given(months, "lifetime_months"), "lifetime_months")
        return months, 1 / months
    if lifetime.source is LifetimeSource.CHURN:
        churn = check_range(_given(lifetime.monthly_churn, "monthly_churn"), "monthly_churn")
    else:
        churn = _validated_churn_from_counts(lifetime)
    if 1 / churn > MAX_LIFETIME_MONTHS:
        raise InvalidInput(Reason.TOO_SMALL, "monthly_churn", low=1 / MAX_LIFETIME_MONTHS)
    return 1 / churn, churn


def _given(value: float | None, field: str) -> float:
    if value is None:
        raise InvalidInput(Reason.MISSING, field)
    return value


def _validated_churn_from_counts(lifetime: Lifetime) -> float:
    start = _whole(_given(lifetime.customers_start, "customers_start"), "customers_start")
    end = _whole(_given(lifetime.customers_end, "customers_end"), "customers_end")
    check_range(lifetime.period_months, "period_months")
    if end > start:
        raise InvalidInput(Reason.END_ABOVE_START, "customers_end", start=start, end=end)
    if end == start:
        raise InvalidInput(
            Reason.ZERO, "monthly_churn", start=start, end=end, hint="no_churn_observed"
        )
    if end == 0:
        raise InvalidInput(Reason.CHURN_100_OR_MORE, "monthly_churn", start=start, end=end)
    return _churn_from_counts(start, end, lifetime.period_months)


def _whole(value: float, field: str) -> float:
    check_range(value, field)
    if not float(value).is_integer():
        raise InvalidInput(Reason.NOT_WHOLE, field, value=value)
    return value


def _churn_from_counts(start: float, end: float, period_months: float) -> float:
    period_churn = (start - end) / start
    return -math.expm1(math.log1p(-period_churn) / period_months)


def validate(inputs: LtvInputs) -> None:
    """Raise ``InvalidInput`` (with the field) for the first implausible input."""
    _validate_scalars(inputs)
    resolve_lifetime(inputs.lifetime)


def _validate_scalars(inputs: LtvInputs) -> None:
    margin, cac, rate = inputs.margin, inputs.cac, inputs.annual_discount_rate
    if (  # NaN and infinities fail these comparisons
        _AOV[0] <= inputs.aov <= _AOV[1]
        and _ORDERS[0] <= inputs.orders_per_month <= _ORDERS[1]
        and (margin is None or _MARGIN[0] <= margin <= _MARGIN[1])
        and (cac is None or _CAC[0] <= cac <= _CAC[1])
        and (rate is None or _RATE[0] <= rate <= _RATE[1])
    ):
        return
    check_range(inputs.aov, "aov")
    check_range(inputs.orders_per_month, "orders_per_month")
    if inputs.margin is not None:
        check_range(inputs.margin, "margin")
    if inputs.cac is not None:
        check_range(inputs.cac, "cac")
    if inputs.annual_discount_rate is not None:
        check_range(inputs.annual_discount_rate, "annual_discount_rate")


def calculate(inputs: LtvInputs, *, with_sensitivity: bool = True) -> LtvResult:
    """The full result for valid ``inputs``; raises ``InvalidInput`` otherwise."""
    _validate_scalars(inputs)
    lifetime_months, monthly_churn = resolve_lifetime(inputs.lifetime)
    margin = inputs.margin
    revenue_per_month = inputs.aov * inputs.orders_per_month
    value_per_month = revenue_per_month * (1.0 if margin is None else margin)
    if value_per_month == 0:  # only a float underflow of tiny inputs gets here
        raise InvalidInput(Reason.TOO_SMALL, "aov", low=0.0)
    revenue_ltv = revenue_per_month * lifetime_months
    gross_profit_ltv = None if margin is None else revenue_ltv * margin
    ltv = revenue_ltv if gross_profit_ltv is None else gross_profit_ltv
    cac = inputs.cac
    ltv_cac = _ltv_cac(ltv, cac)
    return _new_result(
        (
            inputs,
            lifetime_months,
            monthly_churn,
            revenue_ltv,
            gross_profit_ltv,
            ltv,
            _discounted(value_per_month, lifetime_months, inputs.annual_discount_rate),
            ltv_cac,
            None if ltv_cac is None else _band(ltv_cac),
            None if cac is None else cac / value_per_month,
            ltv / HEALTHY_LTV_CAC,
            value_per_month,
            inputs.orders_per_month * lifetime_months,
            _sensitivity(inputs, lifetime_months, monthly_churn, ltv) if with_sensitivity else (),
        )
    )


def _discounted(
    value_per_month: float, lifetime_months: float, annual_rate: float | None
) -> float | None:
    """Present value of ``value_per_month`` paid at the end of each month for the lifetime.

    The annuity formula m * (1 - (1+i)**-L) / i also takes a fractional last month, pro rata in
    continuous time; i = 0 gives m * L.
    """
    if annual_rate is None:
        return None
    rate = monthly_rate(annual_rate)
    if rate == 0:
        return value_per_month * lifetime_months
    growth = math.log1p(rate)
    present = value_per_month * -math.expm1(-lifetime_months * growth) / rate
    return min(present, value_per_month * lifetime_months)  # rounding at rates near 0


def _ltv_cac(ltv: float, cac: float | None) -> float | None:
    if not cac:  # unknown, or free customers: the ratio means nothing
        return None
    return ltv / cac


def _band(ratio: float) -> Band:
    """The band of ``ratio``; float noise must not turn a break-even 1.0 into 0.999..."""
    if ratio < _BREAK_EVEN_LTV_CAC:
        return Band.LOSES_MONEY
    if ratio < _HEALTHY_LTV_CAC:
        return Band.ROOM_TO_GROW
    return Band.HEALTHY


def improve(inputs: LtvInputs, lever: Lever) -> LtvInputs:
    """The what-if: valid ``inputs`` after one step of ``lever`` (the step the sensitivity uses).

    Raises ``InvalidInput`` for invalid inputs, and ``InvalidInput(MISSING, "margin")`` for MARGIN
    when the margin is unknown. The result is not re-validated: a step from the very edge of a
    range may leave it.
    """
    validate(inputs)
    return _improve(inputs, lever)


def _improve(inputs: LtvInputs, lever: Lever) -> LtvInputs:
    if lever is Lever.AOV:
        return replace(inputs, aov=_raised(inputs.aov, lever))
    if lever is Lever.FREQUENCY:
        return replace(inputs, orders_per_month=_raised(inputs.orders_per_month, lever))
    if lever is Lever.LIFETIME:
        return replace(inputs, lifetime=_longer(inputs.lifetime))
    if inputs.margin is None:
        raise InvalidInput(Reason.MISSING, "margin")
    return replace(inputs, margin=_wider(inputs.margin))


def _raised(value: float, lever: Lever) -> float:
    return value * (1 + STEPS[lever])


def _wider(margin: float) -> float:
    return min(margin + STEPS[Lever.MARGIN], 1.0)


def _lower(churn: float) -> float:
    return churn * (1 - STEPS[Lever.LIFETIME])


def _longer(lifetime: Lifetime) -> Lifetime:
    if lifetime.source is LifetimeSource.MONTHS:
        months = _given(lifetime.months, "lifetime_months")
        return replace(lifetime, months=_raised(months, Lever.LIFETIME))
    return Lifetime(LifetimeSource.CHURN, monthly_churn=_lower(resolve_lifetime(lifetime)[1]))


_AOV_FACTOR = 1 + STEPS[Lever.AOV]
_FREQUENCY_FACTOR = 1 + STEPS[Lever.FREQUENCY]
_LIFETIME_FACTOR = 1 + STEPS[Lever.LIFETIME]
_CHURN_FACTOR = 1 - STEPS[Lever.LIFETIME]
_LEVERS = tuple(Lever)  # the headlines of _sensitivity come in this order
_LEVER_STEPS = tuple(STEPS[lever] for lever in _LEVERS)


def _sensitivity(
    inputs: LtvInputs, lifetime_months: float, monthly_churn: float, ltv: float
) -> tuple[LeverEffect, ...]:
    """The headline LTV after ``improve`` by each applicable lever, biggest uplift first.

    MARGIN applies only to a known margin below 100 %. The headlines are computed from the
    stepped factors directly (the same steps ``improve`` takes, without building new inputs).
    Uplifts are compared relative to ``ltv`` and rounded (see _TIE_SCALE), so levers that the
    arithmetic makes equal (a 10 % step of any factor) tie exactly and keep the ``Lever`` order.
    """
    aov, orders = inputs.aov, inputs.orders_per_month
    margin = 1.0 if inputs.margin is None else inputs.margin
    if inputs.lifetime.source is LifetimeSource.MONTHS:
        longer = lifetime_months * _LIFETIME_FACTOR
    else:
        longer = 1 / (monthly_churn * _CHURN_FACTOR)
    headlines = [
        aov * _AOV_FACTOR * orders * lifetime_months * margin,
        aov * (orders * _FREQUENCY_FACTOR) * lifetime_months * margin,
        aov * orders * longer * margin,
    ]
    steps = _LEVER_STEPS
    if margin < 1:
        headlines.append(aov * orders * lifetime_months * _wider(margin))
        steps = (*_LEVER_STEPS[:3], min(_LEVER_STEPS[3], 1 - margin))  # fewer points near 100 %
    per_ltv = _TIE_SCALE / ltv
    ranked = [  # the position in _LEVERS breaks ties
        (-round((headline - ltv) * per_ltv), position, headline)
        for position, headline in enumerate(headlines)
    ]
    ranked.sort()
    return tuple(
        [
            _effect((_LEVERS[position], steps[position], headline, headline - ltv))
            for _, position, headline in ranked
        ]
    )
