"""LtvInputs to and from plain JSON-safe dicts, for storage and exports.

Loading is tolerant of missing optional keys (rows written before a field existed keep
loading with the field's default) and strict about everything else: a wrong type, a
non-finite number or an unknown enum value raises ``InvalidInput``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from contextlib import suppress
from enum import StrEnum
from typing import Any, TypeVar

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.model import Business, Lifetime, LifetimeSource, LtvInputs

_Enum = TypeVar("_Enum", bound=StrEnum)

# The field each way of stating the lifetime cannot do without.
_REQUIRED_BY_SOURCE = {
    LifetimeSource.MONTHS: ("months",),
    LifetimeSource.CHURN: ("monthly_churn",),
    LifetimeSource.COUNTS: ("customers_start", "customers_end"),
}


def inputs_to_dict(inputs: LtvInputs) -> dict[str, Any]:
    """A dict that ``json.dumps(..., allow_nan=False)`` accepts; enums become their values."""
    lifetime = inputs.lifetime
    return {
        "aov": _finite(inputs.aov, "aov"),
        "orders_per_month": _finite(inputs.orders_per_month, "orders_per_month"),
        "lifetime": {
            "source": lifetime.source.value,
            "months": _optional_finite(lifetime.months, "months"),
            "monthly_churn": _optional_finite(lifetime.monthly_churn, "monthly_churn"),
            "customers_start": lifetime.customers_start,
            "customers_end": lifetime.customers_end,
            "period_months": _finite(lifetime.period_months, "period_months"),
        },
        "margin": _optional_finite(inputs.margin, "margin"),
        "cac": _optional_finite(inputs.cac, "cac"),
        "annual_discount_rate": _optional_finite(
            inputs.annual_discount_rate, "annual_discount_rate"
        ),
        "currency": inputs.currency,
        "business": inputs.business.value if inputs.business is not None else None,
    }


def inputs_from_dict(data: Mapping[str, Any]) -> LtvInputs:
    """The inverse of ``inputs_to_dict``; raises ``InvalidInput`` on a malformed dict."""
    data = _mapping(data, "inputs")
    return LtvInputs(
        aov=_number(_required(data, "aov"), "aov"),
        orders_per_month=_number(_required(data, "orders_per_month"), "orders_per_month"),
        lifetime=_lifetime_from_dict(_mapping(_required(data, "lifetime"), "lifetime")),
        margin=_optional_number(data.get("margin"), "margin"),
        cac=_optional_number(data.get("cac"), "cac"),
        annual_discount_rate=_optional_number(
            data.get("annual_discount_rate"), "annual_discount_rate"
        ),
        currency=_currency(data.get("currency", _default(LtvInputs, "currency"))),
        business=_optional_enum(Business, data.get("business"), "business"),
    )


def _lifetime_from_dict(data: Mapping[str, Any]) -> Lifetime:
    source = _enum(LifetimeSource, _required(data, "source"), "source")
    lifetime = Lifetime(
        source=source,
        months=_optional_number(data.get("months"), "months"),
        monthly_churn=_optional_number(data.get("monthly_churn"), "monthly_churn"),
        customers_start=_optional_whole(data.get("customers_start"), "customers_start"),
        customers_end=_optional_whole(data.get("customers_end"), "customers_end"),
        period_months=_number(
            data.get("period_months", _default(Lifetime, "period_months")), "period_months"
        ),
    )
    for field in _REQUIRED_BY_SOURCE[source]:
        if getattr(lifetime, field) is None:
            raise InvalidInput(Reason.MISSING, field, source=source.value)
    return lifetime


def _mapping(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(Reason.MISSING, field, value=repr(value))
    return value


def _required(data: Mapping[str, Any], field: str) -> Any:
    value = data.get(field)
    if value is None:
        raise InvalidInput(Reason.MISSING, field)
    return value


def _number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(Reason.NOT_A_NUMBER, field, value=repr(value))
    return _finite(value, field)


def _optional_number(value: object, field: str) -> float | None:
    return None if value is None else _number(value, field)


def _optional_whole(value: object, field: str) -> int | None:
    if value is None:
        return None
    number = _number(value, field)
    if not number.is_integer():
        raise InvalidInput(Reason.NOT_WHOLE, field, value=number)
    return value if isinstance(value, int) else int(number)


def _finite(value: float, field: str) -> float:
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        raise InvalidInput(Reason.NOT_FINITE, field) from None
    if not math.isfinite(number):
        raise InvalidInput(Reason.NOT_FINITE, field)
    return number


def _optional_finite(value: float | None, field: str) -> float | None:
    return None if value is None else _finite(value, field)


def _enum(kind: type[_Enum], value: object, field: str) -> _Enum:
    if isinstance(value, str):
        with suppress(ValueError):
            return kind(value)
    raise InvalidInput(Reason.UNKNOWN_UNIT, field, value=repr(value))


def _optional_enum(kind: type[_Enum], value: object, field: str) -> _Enum | None:
    return None if value is None else _enum(kind, value, field)


def _default(cls: type[Any], name: str) -> Any:
    """The declared default of a dataclass field, so a missing key loads as the model says."""
    return next(field.default for field in dataclasses.fields(cls) if field.name == name)


def _currency(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(Reason.UNKNOWN_UNIT, "currency", value=repr(value))
    return value
