"""The whole analysis of an order export: measured figures, cohorts, RFM segments, and, when
the history is long and wide enough, BG/NBD + Gamma-Gamma predictions for every customer.

The result carries codes, never sentences: ``notes`` say what the analysis noticed or had to
do instead, ``advice`` names the actions the data calls for. Both are listed in
``NOTE_CODES`` and ``ADVICE_CODES``; the bot words them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from ltv_engine.calc import validate
from ltv_engine.errors import InvalidInput
from ltv_engine.model import LtvInputs
from ltv_engine.orders.bgnbd import (
    BgNbdParams,
    conditional_expected_purchases,
    fit_bgnbd,
    p_alive,
)
from ltv_engine.orders.clv import DAYS_PER_MONTH, customer_lifetime_value
from ltv_engine.orders.cohorts import CohortTable, cohorts
from ltv_engine.orders.gamma_gamma import (
    GammaGammaParams,
    expected_average_spend,
    fit_gamma_gamma,
    spend_frequency_correlation,
)
from ltv_engine.orders.holdout import HoldoutCheck, holdout_check
from ltv_engine.orders.measured import (
    MeasuredInputs,
    customer_facts,
    lapsed_mask,
    measure,
    purchase_gaps,
    to_ltv_inputs,
)
from ltv_engine.orders.rfm import Segment, SegmentCode, rfm_segments, risk_band
from ltv_engine.orders.summary import CustomerSummary, summarize
from ltv_engine.orders.table import OrderTable

UNIT_DAYS = 7.0  # the models count time in weeks, as the CDNOW papers do
MIN_MODEL_CUSTOMERS = 500
MIN_MODEL_DAYS = 180
MAX_SPEND_FREQUENCY_CORRELATION = 0.3
MANY_ONE_TIME_SHARE = 0.6
LARGE_AT_RISK_REVENUE_SHARE = 0.25
MANY_NEW_SHARE = 0.2
VIP_REVENUE_SHARE = 0.5
SUBSCRIPTION_MAX_GAP_DAYS = 35  # most come back about monthly or more often
SUBSCRIPTION_MIN_REPEAT_RATE = 0.5
HOLDOUT_TOLERANCE = 0.25  # |predicted - actual| / actual repeat purchases beyond this is "off"

NOTE_CODES = (
    "thin_data_customers",  # fewer than MIN_MODEL_CUSTOMERS customers: no model
    "thin_data_days",  # less than MIN_MODEL_DAYS days of history: no model
    "no_repeat_customers",  # nobody bought twice: no model
    "model_unfit",  # BG/NBD could not be fitted: measured figures only
    "gg_ok",  # Gamma-Gamma predicts each customer's spend
    "gg_correlated",  # spend moves with frequency: the average repeat spend is used instead
    "gg_unfit",  # Gamma-Gamma could not be fitted: the average repeat spend is used instead
    "holdout_off",  # the model missed the later orders by more than HOLDOUT_TOLERANCE
    "many_one_time_buyers",
    "large_at_risk",
    "no_cost_column",  # CLV is revenue, not gross profit
    "margin_not_positive",  # costs reach the revenue: CLV is shown as revenue
)
ADVICE_CODES = (
    "second_order_offer",
    "winback_and_feedback_calls",
    "subscription",
    "vip_program",
    "welcome_series",
)


TOP_SHARE = 0.1  # "the top decile" of customers by predicted CLV


@dataclass(frozen=True, slots=True)
class ClvSummary:
    average: float
    median: float
    total: float
    top_average: float  # per customer, over the top decile by predicted CLV
    top_share: float  # of the total predicted CLV


def clv_summary(clv: npt.NDArray[np.float64]) -> ClvSummary | None:
    """Average, median, total and the top decile's part of the predicted CLV; None if none."""
    clv = clv[np.isfinite(clv)]
    if clv.size == 0:
        return None
    top = np.sort(clv)[::-1][: max(1, round(clv.size * TOP_SHARE))]
    total = float(clv.sum())
    return ClvSummary(
        average=float(clv.mean()),
        median=float(np.median(clv)),
        total=total,
        top_average=float(top.mean()),
        top_share=float(top.sum()) / total if total > 0 else 0.0,
    )


@dataclass(frozen=True, slots=True)
class CustomerPredictions:
    """Per customer, in customer-code order; NaN where no model was fitted, and P(alive) NaN
    for one-time buyers (the model says nothing of them)."""

    ids: tuple[str, ...]
    orders: npt.NDArray[np.int64]
    revenue: npt.NDArray[np.float64]
    p_alive: npt.NDArray[np.float64]
    predicted_purchases: npt.NDArray[np.float64]  # repeat purchase days over the horizon
    clv: npt.NDArray[np.float64]  # discounted, times the margin when costs are known
    segment: npt.NDArray[np.str_]
    risk: npt.NDArray[np.str_]  # "low" / "medium" / "high" / "unknown"


@dataclass(frozen=True, slots=True)
class Analysis:
    measured: MeasuredInputs
    cohorts: CohortTable
    segments: tuple[Segment, ...]
    customers: CustomerPredictions
    bg: BgNbdParams | None
    gg: GammaGammaParams | None
    holdout: HoldoutCheck | None
    notes: tuple[str, ...]
    advice: tuple[str, ...]
    horizon_months: int
    monthly_discount_rate: float
    margin_applied: float | None  # the margin the CLV was multiplied by, if any
    average_repeat_spend: float | None  # the spend used when Gamma-Gamma is not


@dataclass(frozen=True, slots=True)
class _Model:
    bg: BgNbdParams | None
    gg: GammaGammaParams | None
    p_alive: npt.NDArray[np.float64]
    purchases: npt.NDArray[np.float64]
    clv: npt.NDArray[np.float64]
    average_repeat_spend: float | None
    notes: tuple[str, ...]


# E[Z | x, zbar = 1] = p (v + x) / (p x + q - 1) is 1 for every x when p = v = 1 and q = 2:
# with it, customer_lifetime_value returns each customer's discounted expected purchases.
_UNIT_SPEND = GammaGammaParams(p=1.0, q=2.0, v=1.0, log_likelihood=math.nan)


def analyze(
    table: OrderTable, *, horizon_months: int = 12, monthly_discount_rate: float = 0.01
) -> Analysis:
    measured = measure(table)
    codes, segments = rfm_segments(table)
    margin, margin_notes = _usable_margin(measured.margin)
    model = _predict(table, measured, horizon_months, monthly_discount_rate, margin)
    facts = customer_facts(table)
    lapsed = lapsed_mask(facts, measured.lapse_days, measured.last_day)
    one_time = facts.purchase_days == 1
    customers = CustomerPredictions(
        ids=table.customer_ids,
        orders=facts.orders,
        revenue=facts.revenue,
        # BG/NBD's P(alive) of a one-time buyer is 1 however long ago: it says nothing (see
        # _risk), so it is unknown rather than a certainty beside a "high" risk.
        p_alive=np.where(one_time, np.nan, model.p_alive),
        predicted_purchases=model.purchases,
        clv=model.clv,
        segment=codes,
        risk=_risk(model.p_alive, one_time=one_time, lapsed=lapsed),
    )
    behaviour_notes = _behaviour_notes(measured, segments)
    holdout = _holdout(table) if model.bg is not None else None
    return Analysis(
        measured=measured,
        cohorts=cohorts(table),
        segments=segments,
        customers=customers,
        bg=model.bg,
        gg=model.gg,
        holdout=holdout,
        notes=model.notes + _holdout_notes(holdout) + behaviour_notes + margin_notes,
        advice=_advice(table, measured, segments, behaviour_notes),
        horizon_months=horizon_months,
        monthly_discount_rate=monthly_discount_rate,
        margin_applied=margin,
        average_repeat_spend=model.average_repeat_spend,
    )


def _risk(
    p: npt.NDArray[np.float64], *, one_time: npt.NDArray[np.bool_], lapsed: npt.NDArray[np.bool_]
) -> npt.NDArray[np.str_]:
    """Risk bands from P(alive), except for one-time buyers: BG/NBD lets customers drop out
    only after a repeat purchase, so their P(alive) is 1 however long ago they bought. They
    are "high" once lapsed (see ``measured``) and "medium" until then."""
    bands = risk_band(p)
    modelled = np.isfinite(p)
    bands[modelled & one_time & lapsed] = "high"
    bands[modelled & one_time & ~lapsed] = "medium"
    return bands


def _usable_margin(margin: float | None) -> tuple[float | None, tuple[str, ...]]:
    if margin is None:
        return None, ("no_cost_column",)
    if margin <= 0:
        return None, ("margin_not_positive",)
    return min(margin, 1.0), ()


def _predict(
    table: OrderTable,
    measured: MeasuredInputs,
    horizon_months: int,
    monthly_discount_rate: float,
    margin: float | None,
) -> _Model:
    notes = _thin_data_notes(measured)
    if notes:
        return _no_model(table.n_customers, notes)
    summary = summarize(table, unit_days=UNIT_DAYS)
    try:
        bg = fit_bgnbd(summary.frequency, summary.recency, summary.age)
    except InvalidInput:
        return _no_model(table.n_customers, ("model_unfit",))
    gg, spend, spend_notes = _spend(summary)
    discounted = customer_lifetime_value(
        bg,
        _UNIT_SPEND,
        replace(summary, monetary=np.ones_like(summary.monetary)),
        horizon_months=horizon_months,
        monthly_discount_rate=monthly_discount_rate,
    )
    history = (summary.frequency, summary.recency, summary.age)
    horizon = horizon_months * DAYS_PER_MONTH / UNIT_DAYS
    model = _Model(
        bg=bg,
        gg=gg,
        p_alive=p_alive(bg, *history),
        purchases=conditional_expected_purchases(bg, horizon, *history),
        clv=discounted * spend * (1.0 if margin is None else margin),
        average_repeat_spend=None if gg is not None else float(spend[0]),
        notes=spend_notes,
    )
    if not all(np.isfinite(values).all() for values in (model.purchases, model.clv)):
        # a fit at the edge of the parameter space (say, nobody ever drops out) that the
        # predictions cannot be computed from
        return _no_model(table.n_customers, ("model_unfit",))
    return model


def _thin_data_notes(measured: MeasuredInputs) -> tuple[str, ...]:
    notes = []
    if measured.n_customers < MIN_MODEL_CUSTOMERS:
        notes.append("thin_data_customers")
    if measured.last_day - measured.first_day < MIN_MODEL_DAYS:
        notes.append("thin_data_days")
    if not notes and measured.repeat_rate == 0:
        notes.append("no_repeat_customers")
    return tuple(notes)


def _no_model(n_customers: int, notes: tuple[str, ...]) -> _Model:
    unknown = np.full(n_customers, np.nan)
    return _Model(None, None, unknown, unknown, unknown, None, notes)


def _spend(
    summary: CustomerSummary,
) -> tuple[GammaGammaParams | None, npt.NDArray[np.float64], tuple[str, ...]]:
    """Gamma-Gamma's expected spend per customer when its assumptions hold, else everybody's
    average repeat spend (total repeat spend / repeat purchase days)."""
    average = float(summary.frequency @ summary.monetary / summary.frequency.sum())
    fallback = np.full(summary.frequency.size, average)
    try:
        correlation = spend_frequency_correlation(summary.frequency, summary.monetary)
        if abs(correlation) > MAX_SPEND_FREQUENCY_CORRELATION:
            return None, fallback, ("gg_correlated",)
        gg = fit_gamma_gamma(summary.frequency, summary.monetary)
        spend = expected_average_spend(gg, summary.frequency, summary.monetary)
    except InvalidInput:
        return None, fallback, ("gg_unfit",)
    return gg, spend, ("gg_ok",)


def _holdout(table: OrderTable) -> HoldoutCheck | None:
    try:
        return holdout_check(table, unit_days=UNIT_DAYS)
    except InvalidInput:
        return None


def _holdout_notes(holdout: HoldoutCheck | None) -> tuple[str, ...]:
    off = holdout is not None and abs(holdout.total_error) > HOLDOUT_TOLERANCE
    return ("holdout_off",) if off else ()


def _behaviour_notes(measured: MeasuredInputs, segments: tuple[Segment, ...]) -> tuple[str, ...]:
    notes = []
    if 1.0 - measured.repeat_rate >= MANY_ONE_TIME_SHARE:
        notes.append("many_one_time_buyers")
    quiet = {SegmentCode.AT_RISK, SegmentCode.CANT_LOSE}
    if _revenue_share(segments, quiet) >= LARGE_AT_RISK_REVENUE_SHARE:
        notes.append("large_at_risk")
    return tuple(notes)


def _revenue_share(segments: tuple[Segment, ...], codes: set[SegmentCode]) -> float:
    return sum(s.revenue_share for s in segments if s.code in codes)


def _customer_share(segments: tuple[Segment, ...], code: SegmentCode) -> float:
    total = sum(s.count for s in segments)
    return sum(s.count for s in segments if s.code == code) / total


def _advice(
    table: OrderTable,
    measured: MeasuredInputs,
    segments: tuple[Segment, ...],
    behaviour_notes: tuple[str, ...],
) -> tuple[str, ...]:
    """Most pressing first."""
    advice = []
    if "many_one_time_buyers" in behaviour_notes:
        advice.append("second_order_offer")
    if "large_at_risk" in behaviour_notes:
        advice.append("winback_and_feedback_calls")
    gaps = purchase_gaps(table)
    monthly = gaps.size > 0 and float(np.median(gaps)) <= SUBSCRIPTION_MAX_GAP_DAYS
    if monthly and measured.repeat_rate >= SUBSCRIPTION_MIN_REPEAT_RATE:
        advice.append("subscription")
    best = {SegmentCode.CHAMPIONS, SegmentCode.LOYAL}
    if _revenue_share(segments, best) >= VIP_REVENUE_SHARE:
        advice.append("vip_program")
    if _customer_share(segments, SegmentCode.NEW) >= MANY_NEW_SHARE:
        advice.append("welcome_series")
    return tuple(advice)


def measured_ltv_inputs(analysis: Analysis, currency: str) -> LtvInputs | None:
    """The calculator's inputs as the orders measure them (margin only where it is usable);
    None when the data cannot state them (churn unmeasured: fewer customers have lapsed than
    ``measured.MIN_LAPSED_CUSTOMERS``, none at all in a short export)."""
    try:
        inputs = to_ltv_inputs(analysis.measured, currency)
        inputs = replace(inputs, margin=analysis.margin_applied)
        validate(inputs)
    except InvalidInput:
        return None
    return inputs
