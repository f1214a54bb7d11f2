import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.model import Business, Lifetime, LifetimeSource, LtvInputs
from ltv_engine.serialize import inputs_from_dict, inputs_to_dict

finite = st.floats(allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=0, max_value=10**12)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


lifetimes = st.one_of(
    st.builds(Lifetime, source=st.just(LifetimeSource.MONTHS), months=finite),
    st.builds(Lifetime, source=st.just(LifetimeSource.CHURN), monthly_churn=finite),
    st.builds(
        Lifetime,
        source=st.just(LifetimeSource.COUNTS),
        customers_start=counts,
        customers_end=counts,
        period_months=finite,
    ),
)

inputs = st.builds(
    LtvInputs,
    aov=finite,
    orders_per_month=finite,
    lifetime=lifetimes,
    margin=optional(finite),
    cac=optional(finite),
    annual_discount_rate=optional(finite),
    currency=st.sampled_from(["RUB", "USD", "EUR", "KZT"]),
    business=optional(st.sampled_from(Business)),
)


def minimal() -> dict[str, Any]:
    return {"aov": 1500, "orders_per_month": 0.5, "lifetime": {"source": "months", "months": 12}}


@given(inputs)
def test_round_trip_through_json_text(original: LtvInputs) -> None:
    text = json.dumps(inputs_to_dict(original), allow_nan=False)

    assert inputs_from_dict(json.loads(text)) == original


@given(inputs)
def test_enums_are_stored_as_plain_values(original: LtvInputs) -> None:
    data = inputs_to_dict(original)

    assert type(data["lifetime"]["source"]) is str
    assert data["business"] is None or type(data["business"]) is str


def test_missing_optional_keys_load_with_model_defaults() -> None:
    loaded = inputs_from_dict(minimal())

    assert loaded == LtvInputs(
        aov=1500.0, orders_per_month=0.5, lifetime=Lifetime(LifetimeSource.MONTHS, months=12.0)
    )


def test_unknown_keys_are_ignored() -> None:
    assert inputs_from_dict({**minimal(), "added_later": 1}) == inputs_from_dict(minimal())


def test_whole_float_counts_load_as_int() -> None:
    data = minimal()
    data["lifetime"] = {"source": "counts", "customers_start": 100.0, "customers_end": 80}

    lifetime = inputs_from_dict(data).lifetime

    assert lifetime.customers_start == 100
    assert type(lifetime.customers_start) is int


@pytest.mark.parametrize(
    "field", ["aov", "margin", "cac", "annual_discount_rate", "orders_per_month"]
)
def test_non_finite_input_cannot_be_serialised(field: str) -> None:
    values: dict[str, Any] = {
        "aov": 1.0,
        "orders_per_month": 1.0,
        "lifetime": Lifetime(LifetimeSource.MONTHS, months=12.0),
        field: math.inf,
    }

    with pytest.raises(InvalidInput) as caught:
        inputs_to_dict(LtvInputs(**values))

    assert (caught.value.reason, caught.value.field) == (Reason.NOT_FINITE, field)


def with_change(path: tuple[str, ...], value: object) -> dict[str, Any]:
    data = minimal()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def without(*path: str) -> dict[str, Any]:
    data = minimal()
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return data


@pytest.mark.parametrize(
    ("data", "reason", "field"),
    [
        (without("aov"), Reason.MISSING, "aov"),
        (without("lifetime"), Reason.MISSING, "lifetime"),
        (without("lifetime", "source"), Reason.MISSING, "source"),
        (without("lifetime", "months"), Reason.MISSING, "months"),
        (with_change(("lifetime",), [12]), Reason.MISSING, "lifetime"),
        (with_change(("lifetime", "source"), "weeks"), Reason.UNKNOWN_UNIT, "source"),
        (with_change(("lifetime", "source"), 1), Reason.UNKNOWN_UNIT, "source"),
        (
            with_change(("lifetime",), {"source": "churn", "months": 3}),
            Reason.MISSING,
            "monthly_churn",
        ),
        (
            with_change(("lifetime",), {"source": "counts", "customers_start": 10}),
            Reason.MISSING,
            "customers_end",
        ),
        (
            with_change(
                ("lifetime",), {"source": "counts", "customers_start": 10.5, "customers_end": 1}
            ),
            Reason.NOT_WHOLE,
            "customers_start",
        ),
        (with_change(("aov",), "1500"), Reason.NOT_A_NUMBER, "aov"),
        (with_change(("aov",), True), Reason.NOT_A_NUMBER, "aov"),
        (with_change(("aov",), math.nan), Reason.NOT_FINITE, "aov"),
        (with_change(("aov",), 10**400), Reason.NOT_FINITE, "aov"),
        (with_change(("margin",), "high"), Reason.NOT_A_NUMBER, "margin"),
        (with_change(("lifetime", "period_months"), None), Reason.NOT_A_NUMBER, "period_months"),
        (with_change(("business",), "casino"), Reason.UNKNOWN_UNIT, "business"),
        (with_change(("currency",), ""), Reason.UNKNOWN_UNIT, "currency"),
        (with_change(("currency",), None), Reason.UNKNOWN_UNIT, "currency"),
    ],
)
def test_malformed_dict_is_rejected(data: dict[str, Any], reason: Reason, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        inputs_from_dict(data)

    assert (caught.value.reason, caught.value.field) == (reason, field)


def test_a_non_mapping_is_rejected() -> None:
    with pytest.raises(InvalidInput) as caught:
        inputs_from_dict([1, 2])  # type: ignore[arg-type]

    assert caught.value.reason is Reason.MISSING
