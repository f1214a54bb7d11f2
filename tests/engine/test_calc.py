import math
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ltv_engine.calc import STEPS, calculate, improve, monthly_rate, resolve_lifetime, validate
from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.model import Band, Lever, Lifetime, LifetimeSource, LtvInputs


def months(value: float) -> Lifetime:
    return Lifetime(LifetimeSource.MONTHS, months=value)


def churn(value: float) -> Lifetime:
    return Lifetime(LifetimeSource.CHURN, monthly_churn=value)


def counts(start: Any, end: Any, period: float = 1.0) -> Lifetime:
    """Counts typed loosely on purpose: the engine itself must reject fractional customers."""
    return Lifetime(
        LifetimeSource.COUNTS, customers_start=start, customers_end=end, period_months=period
    )


GOLDEN = LtvInputs(aov=65, orders_per_month=0.6, lifetime=months(18), margin=0.58, cac=40)
GOLDEN_LTV = 407.16


def test_golden_case() -> None:
    result = calculate(GOLDEN)
    assert result.revenue_ltv == pytest.approx(702.0)
    assert result.gross_profit_ltv == pytest.approx(407.16)
    assert round(result.ltv, 2) == 407.16
    assert result.ltv_cac is not None
    assert round(result.ltv_cac, 2) == 10.18
    assert result.payback_months is not None
    assert round(result.payback_months, 1) == 1.8
    assert result.band is Band.HEALTHY
    assert result.value_per_month == pytest.approx(22.62)
    assert result.max_cac_3_to_1 == pytest.approx(135.72)
    assert result.expected_orders == pytest.approx(10.8)
    assert result.discounted_ltv is None


def test_revenue_ltv_is_the_headline_without_margin() -> None:
    result = calculate(LtvInputs(aov=1000, orders_per_month=2, lifetime=churn(0.05)))
    assert result.lifetime_months == pytest.approx(20.0)
    assert result.gross_profit_ltv is None
    assert result.ltv == result.revenue_ltv == pytest.approx(40_000.0)
    assert result.value_per_month == pytest.approx(2000.0)


def test_lifetime_stated_in_months_implies_churn() -> None:
    assert resolve_lifetime(months(25)) == pytest.approx((25.0, 0.04))


def test_churn_over_one_month_from_counts() -> None:
    assert resolve_lifetime(counts(100, 90)) == pytest.approx((10.0, 0.1))


def test_churn_over_a_quarter_is_converted_to_monthly() -> None:
    # 200 -> 150 over 3 months: 25 % lost, 0.75 ** (1/3) = 0.908560 kept each month.
    lifetime_months, monthly_churn = resolve_lifetime(counts(200, 150, period=3))
    assert monthly_churn == pytest.approx(0.091440, abs=1e-6)
    assert lifetime_months == pytest.approx(10.9362, abs=1e-4)


@pytest.mark.parametrize(
    ("lifetime", "reason", "field"),
    [
        (counts(100, 120), Reason.END_ABOVE_START, "customers_end"),
        (counts(100, 100), Reason.ZERO, "monthly_churn"),
        (counts(100, 0), Reason.CHURN_100_OR_MORE, "monthly_churn"),
        (counts(100.5, 50), Reason.NOT_WHOLE, "customers_start"),
        (counts(0, 0), Reason.TOO_SMALL, "customers_start"),
        (counts(1, 0), Reason.TOO_SMALL, "customers_start"),  # one can only stay or leave
        (counts(100, 90, period=0), Reason.ZERO, "period_months"),
        (Lifetime(LifetimeSource.COUNTS, customers_start=10), Reason.MISSING, "customers_end"),
        (Lifetime(LifetimeSource.MONTHS), Reason.MISSING, "lifetime_months"),
        (Lifetime(LifetimeSource.CHURN), Reason.MISSING, "monthly_churn"),
        (churn(1.0), Reason.CHURN_100_OR_MORE, "monthly_churn"),
        (churn(0.0), Reason.ZERO, "monthly_churn"),
        (churn(0.0001), Reason.TOO_SMALL, "monthly_churn"),  # a 10 000-month lifetime
        (months(-3), Reason.NEGATIVE, "lifetime_months"),
    ],
)
def test_implausible_lifetime_is_rejected(lifetime: Lifetime, reason: Reason, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        resolve_lifetime(lifetime)
    assert (caught.value.reason, caught.value.field) == (reason, field)


def test_end_above_start_quotes_both_counts() -> None:
    with pytest.raises(InvalidInput) as caught:
        resolve_lifetime(counts(100, 120))
    assert caught.value.details == {"start": 100, "end": 120}


def test_no_churn_observed_carries_a_hint() -> None:
    with pytest.raises(InvalidInput) as caught:
        resolve_lifetime(counts(80, 80))
    assert caught.value.details["hint"] == "no_churn_observed"


@pytest.mark.parametrize(
    ("change", "reason", "field"),
    [
        ({"aov": 0.0}, Reason.ZERO, "aov"),
        ({"aov": math.nan}, Reason.NOT_FINITE, "aov"),
        ({"orders_per_month": -1.0}, Reason.NEGATIVE, "orders_per_month"),
        ({"margin": 1.2}, Reason.MARGIN_ABOVE_100, "margin"),
        ({"margin": 0.0}, Reason.ZERO, "margin"),
        ({"cac": math.inf}, Reason.NOT_FINITE, "cac"),
        ({"annual_discount_rate": 1.5}, Reason.TOO_LARGE, "annual_discount_rate"),
    ],
)
def test_implausible_input_is_rejected(change: dict[str, Any], reason: Reason, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate(replace(GOLDEN, **change))
    assert (caught.value.reason, caught.value.field) == (reason, field)


def test_monthly_rate_compounds_to_the_annual_rate() -> None:
    assert monthly_rate(0.12) == pytest.approx(0.0094888, abs=1e-7)
    assert (1 + monthly_rate(0.3)) ** 12 == pytest.approx(1.3)
    assert monthly_rate(0.0) == 0.0


def discounted(value_per_month: float, lifetime_months: float, annual_rate: float) -> float:
    inputs = LtvInputs(
        aov=value_per_month,
        orders_per_month=1,
        lifetime=months(lifetime_months),
        annual_discount_rate=annual_rate,
    )
    value = calculate(inputs).discounted_ltv
    assert value is not None
    return value


def test_discounting_pays_at_the_end_of_each_month() -> None:
    one_percent_a_month = 1.01**12 - 1
    assert discounted(100, 2, one_percent_a_month) == pytest.approx(100 / 1.01 + 100 / 1.01**2)


def test_discounting_a_year_at_twelve_percent() -> None:
    assert discounted(100, 12, 0.12) == pytest.approx(1129.15, abs=0.01)


def test_a_fractional_last_month_counts_in_part() -> None:
    one_percent_a_month = 1.01**12 - 1
    value = discounted(100, 2.5, one_percent_a_month)
    assert value == pytest.approx(245.69, abs=0.01)
    assert 100 / 1.01 + 100 / 1.01**2 < value < 100 / 1.01 + 100 / 1.01**2 + 100 / 1.01**3


def test_zero_discount_rate_changes_nothing() -> None:
    assert discounted(100, 7.5, 0.0) == pytest.approx(750.0)


@pytest.mark.parametrize(
    ("cac", "band"),
    [(814.32, Band.LOSES_MONEY), (203.58, Band.ROOM_TO_GROW), (100.0, Band.HEALTHY)],
)
def test_ltv_cac_bands(cac: float, band: Band) -> None:
    result = calculate(replace(GOLDEN, cac=cac))
    assert result.ltv_cac == pytest.approx(GOLDEN_LTV / cac)
    assert result.band is band


def test_band_boundaries_are_inclusive_from_below() -> None:
    # 65 x 0.6 x 18 x 0.58 is 407.15999999999997 in binary floats: still break-even.
    assert calculate(replace(GOLDEN, cac=GOLDEN_LTV)).band is Band.ROOM_TO_GROW
    revenue_only = LtvInputs(aov=100, orders_per_month=1, lifetime=months(3))
    assert calculate(replace(revenue_only, cac=300.0)).band is Band.ROOM_TO_GROW
    assert calculate(replace(revenue_only, cac=100.0)).band is Band.HEALTHY


def test_free_customers_have_no_ratio_and_pay_back_at_once() -> None:
    result = calculate(replace(GOLDEN, cac=0.0))
    assert (result.ltv_cac, result.band, result.payback_months) == (None, None, 0.0)


def test_unknown_cac_leaves_the_acquisition_fields_empty() -> None:
    result = calculate(replace(GOLDEN, cac=None))
    assert (result.ltv_cac, result.band, result.payback_months) == (None, None, None)
    assert result.max_cac_3_to_1 == pytest.approx(135.72)


def test_sensitivity_ranks_levers_by_uplift() -> None:
    result = calculate(replace(GOLDEN, margin=0.2))
    # +5 points on a 20 % margin is +25 %; the three 10 % steps tie in Lever order.
    assert [effect.lever for effect in result.sensitivity] == [
        Lever.MARGIN,
        Lever.AOV,
        Lever.FREQUENCY,
        Lever.LIFETIME,
    ]
    by_lever = {effect.lever: effect for effect in result.sensitivity}
    assert by_lever[Lever.MARGIN].uplift == pytest.approx(result.ltv * 0.25)
    assert by_lever[Lever.AOV].uplift == pytest.approx(result.ltv * 0.10)
    assert by_lever[Lever.AOV].new_ltv == pytest.approx(result.ltv * 1.10)
    assert by_lever[Lever.MARGIN].step == STEPS[Lever.MARGIN]


def test_a_churn_step_lengthens_the_lifetime_by_a_ninth() -> None:
    result = calculate(LtvInputs(aov=100, orders_per_month=1, lifetime=churn(0.1)))
    assert result.sensitivity[0].lever is Lever.LIFETIME
    assert result.sensitivity[0].new_ltv == pytest.approx(100 / 0.09)


@pytest.mark.parametrize("margin", [None, 1.0])
def test_margin_lever_needs_room_to_grow(margin: float | None) -> None:
    result = calculate(replace(GOLDEN, margin=margin))
    assert Lever.MARGIN not in {effect.lever for effect in result.sensitivity}


def test_without_sensitivity() -> None:
    assert calculate(GOLDEN, with_sensitivity=False).sensitivity == ()


def test_improve_steps_each_lever() -> None:
    assert improve(GOLDEN, Lever.AOV).aov == pytest.approx(71.5)
    assert improve(GOLDEN, Lever.FREQUENCY).orders_per_month == pytest.approx(0.66)
    assert improve(GOLDEN, Lever.LIFETIME).lifetime.months == pytest.approx(19.8)
    assert improve(GOLDEN, Lever.MARGIN).margin == pytest.approx(0.63)
    assert improve(replace(GOLDEN, margin=0.98), Lever.MARGIN).margin == 1.0


def test_improve_lowers_churn_stated_as_counts() -> None:
    improved = improve(replace(GOLDEN, lifetime=counts(100, 90)), Lever.LIFETIME)
    assert improved.lifetime.source is LifetimeSource.CHURN
    assert improved.lifetime.monthly_churn == pytest.approx(0.09)


def test_improve_is_what_the_sensitivity_reports() -> None:
    result = calculate(GOLDEN)
    for effect in result.sensitivity:
        assert calculate(improve(GOLDEN, effect.lever)).ltv == pytest.approx(effect.new_ltv)


def test_improve_margin_needs_a_margin() -> None:
    with pytest.raises(InvalidInput) as caught:
        improve(replace(GOLDEN, margin=None), Lever.MARGIN)
    assert (caught.value.reason, caught.value.field) == (Reason.MISSING, "margin")


def test_improve_rejects_invalid_inputs() -> None:
    with pytest.raises(InvalidInput):
        improve(replace(GOLDEN, aov=-1.0), Lever.AOV)


# --- properties ---------------------------------------------------------------------------


def usable(inputs: LtvInputs) -> bool:
    try:
        validate(inputs)
    except InvalidInput:
        return False
    return True


plausible_lifetimes = st.one_of(
    st.builds(months, st.floats(0.5, 600)),
    st.builds(churn, st.floats(0.002, 0.99)),
    st.integers(2, 100_000).flatmap(
        lambda start: st.builds(
            counts, st.just(start), st.integers(1, start - 1), st.floats(0.5, 60)
        )
    ),
)
plausible_inputs = st.builds(
    LtvInputs,
    aov=st.floats(0.01, 1e6),
    orders_per_month=st.floats(0.01, 100),
    lifetime=plausible_lifetimes,
    margin=st.none() | st.floats(0.01, 1.0),
    cac=st.none() | st.floats(0.0, 1e6),
    annual_discount_rate=st.none() | st.floats(0.0, 1.0),
).filter(usable)  # a few counts imply a lifetime beyond the limits


@given(plausible_inputs, st.floats(1.0, 10.0))
def test_more_lifetime_never_lowers_ltv(inputs: LtvInputs, factor: float) -> None:
    lifetime_months, _ = resolve_lifetime(inputs.lifetime)
    assume(lifetime_months * factor <= 1200)
    longer = replace(inputs, lifetime=months(lifetime_months * factor))
    assert calculate(longer).ltv >= calculate(inputs).ltv * (1 - 1e-12)


@given(plausible_inputs, st.floats(0.01, 1.0))
def test_higher_margin_never_lowers_ltv(inputs: LtvInputs, other_margin: float) -> None:
    low, high = sorted((inputs.margin or 1.0, other_margin))
    assert (
        calculate(replace(inputs, margin=high)).ltv >= calculate(replace(inputs, margin=low)).ltv
    )


@given(plausible_inputs)
def test_discounted_never_exceeds_undiscounted(inputs: LtvInputs) -> None:
    assume(inputs.annual_discount_rate is not None)
    result = calculate(inputs)
    assert result.discounted_ltv is not None
    assert result.discounted_ltv <= result.ltv * (1 + 1e-12)


@given(plausible_inputs, st.floats(0.01, 100))
def test_ltv_is_linear_in_aov(inputs: LtvInputs, factor: float) -> None:
    assume(inputs.aov * factor >= 0.01)  # a smaller average check is refused as implausible
    scaled = replace(inputs, aov=inputs.aov * factor)
    assert calculate(scaled).ltv == pytest.approx(calculate(inputs).ltv * factor, rel=1e-9)


@given(plausible_inputs, st.sampled_from(list(Lever)))
def test_improve_never_lowers_ltv(inputs: LtvInputs, lever: Lever) -> None:
    assume(lever is not Lever.MARGIN or inputs.margin is not None)
    improved = improve(inputs, lever)
    assume(usable(improved))
    assert calculate(improved).ltv >= calculate(inputs).ltv
    assert all(effect.uplift >= 0 for effect in calculate(inputs).sensitivity)


any_float = st.floats(allow_nan=True, allow_infinity=True)
any_lifetimes = st.one_of(
    st.builds(months, any_float),
    st.builds(churn, any_float),
    st.builds(counts, any_float, any_float, any_float),
    st.builds(counts, st.integers(-5, 10**12), st.integers(-5, 10**12), any_float),
)
any_inputs = st.builds(
    LtvInputs,
    aov=any_float,
    orders_per_month=any_float,
    lifetime=any_lifetimes,
    margin=st.none() | any_float,
    cac=st.none() | any_float,
    annual_discount_rate=st.none() | any_float,
)


@given(any_inputs)
def test_calculate_raises_only_invalid_input(inputs: LtvInputs) -> None:
    try:
        result = calculate(inputs)
    except InvalidInput:
        return
    assert math.isfinite(result.ltv)
    assert result.ltv > 0


def test_inputs_too_small_to_be_meant_are_refused_not_divided_by() -> None:
    """Found by hypothesis: 4.77e-222 orders a month made the monthly value underflow to 0."""
    tiny = LtvInputs(aov=65, orders_per_month=4.77e-222, lifetime=months(18), margin=0.5, cac=40)
    with pytest.raises(InvalidInput) as caught:
        calculate(tiny)
    assert caught.value.reason is Reason.TOO_SMALL
    assert caught.value.field == "orders_per_month"
