from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from ltv_engine.orders import bgnbd
from ltv_engine.orders.analysis import ADVICE_CODES, NOTE_CODES, Analysis, analyze, clv_summary
from ltv_engine.orders.clv import customer_lifetime_value
from ltv_engine.orders.gamma_gamma import GammaGammaParams, expected_average_spend
from ltv_engine.orders.measured import customer_facts
from ltv_engine.orders.summary import summarize
from ltv_engine.orders.table import OrderTable
from tests.orders.cdnow import sample_orders
from tests.orders.order_rows import table_from_rows


@pytest.fixture(scope="module")
def cdnow() -> OrderTable:
    return sample_orders()


@pytest.fixture(scope="module")
def cdnow_analysis(cdnow: OrderTable) -> Analysis:
    return analyze(cdnow)


def _days(start: str, count: int, step: int) -> list[str]:
    first = date.fromisoformat(start)
    return [(first + timedelta(days=step * i)).isoformat() for i in range(count)]


def test_cdnow_fits_both_models_and_checks_them_on_later_orders(
    cdnow_analysis: Analysis,
) -> None:
    a = cdnow_analysis
    assert a.bg is not None
    assert a.gg is not None
    assert a.holdout is not None
    # the 1997 cohort had mostly stopped buying by mid-1998: over a quarter of the revenue
    # came from big spenders who have lapsed
    assert a.notes == ("gg_ok", "large_at_risk", "no_cost_column")
    assert abs(a.holdout.total_error) < 0.25
    assert set(a.notes) <= set(NOTE_CODES)
    assert set(a.advice) <= set(ADVICE_CODES)


def test_cdnow_predictions_per_customer(cdnow: OrderTable, cdnow_analysis: Analysis) -> None:
    c = cdnow_analysis.customers
    assert c.ids == cdnow.customer_ids
    known = c.p_alive[np.isfinite(c.p_alive)]
    assert len(known) and np.all((known >= 0) & (known <= 1))
    assert np.all(np.isfinite(c.clv) & (c.clv >= 0))
    assert np.all(c.predicted_purchases >= 0)
    assert int(c.orders.sum()) == cdnow.n_orders
    assert float(c.revenue.sum()) == pytest.approx(float(cdnow.amount.sum()))
    assert set(c.risk.tolist()) == {"low", "medium", "high"}


def test_cdnow_clv_is_the_bg_nbd_times_gamma_gamma_value(
    cdnow: OrderTable, cdnow_analysis: Analysis
) -> None:
    a = cdnow_analysis
    assert a.bg is not None
    assert a.gg is not None
    direct = customer_lifetime_value(a.bg, a.gg, summarize(cdnow), horizon_months=12)
    np.testing.assert_allclose(a.customers.clv, direct, rtol=1e-10)


def test_one_time_buyers_are_not_low_risk_whatever_p_alive_says(
    cdnow: OrderTable, cdnow_analysis: Analysis
) -> None:
    c = cdnow_analysis.customers
    one_time = customer_facts(cdnow).purchase_days == 1
    # BG/NBD: nobody drops out before a repeat, so its P(alive) of 1 means nothing: unknown
    assert np.all(np.isnan(c.p_alive[one_time])) and np.all(np.isfinite(c.p_alive[~one_time]))
    assert "low" not in set(c.risk[one_time].tolist())
    assert "high" in set(c.risk[one_time].tolist())


def test_margin_from_costs_scales_clv(cdnow: OrderTable, cdnow_analysis: Analysis) -> None:
    with_cost = analyze(replace(cdnow, cost=cdnow.amount * 0.4))
    assert with_cost.margin_applied == pytest.approx(0.6)
    assert "no_cost_column" not in with_cost.notes
    np.testing.assert_allclose(with_cost.customers.clv, cdnow_analysis.customers.clv * 0.6)


def test_spend_that_grows_with_frequency_falls_back_to_the_average_repeat_spend(
    cdnow: OrderTable,
) -> None:
    purchase_days = customer_facts(cdnow).purchase_days
    skewed = replace(cdnow, amount=cdnow.amount * purchase_days[cdnow.customer] ** 2)
    a = analyze(skewed)
    assert "gg_correlated" in a.notes
    assert a.gg is None
    summary = summarize(skewed)
    repeat_spend = float(summary.frequency @ summary.monetary)
    assert a.average_repeat_spend == pytest.approx(repeat_spend / summary.frequency.sum())
    # Any Gamma-Gamma's CLV divided by its spend leaves the discounted expected purchases.
    assert a.bg is not None
    published = GammaGammaParams(p=6.25, q=3.74, v=15.44, log_likelihood=-4055.92)
    spend = expected_average_spend(published, summary.frequency, summary.monetary)
    purchases = customer_lifetime_value(a.bg, published, summary) / spend
    np.testing.assert_allclose(a.customers.clv, purchases * a.average_repeat_spend)


def test_a_single_customer_gets_measured_figures_only() -> None:
    a = analyze(table_from_rows([("A", "2024-01-01", 10.0), ("A", "2024-02-01", 20.0)]))
    assert a.bg is None
    assert a.gg is None
    assert a.holdout is None
    assert a.notes[:2] == ("thin_data_customers", "thin_data_days")
    assert np.isnan(a.customers.clv).all()
    assert a.customers.risk.tolist() == ["unknown"]
    assert a.measured.n_customers == 1


def test_one_day_of_data() -> None:
    a = analyze(table_from_rows([(f"c{i}", "2024-03-01", 10.0 + i) for i in range(3)]))
    assert "thin_data_days" in a.notes
    assert a.cohorts.months == ("2024-03",)
    assert "many_one_time_buyers" in a.notes


def test_all_one_time_buyers_over_a_long_period() -> None:
    rows = [(f"c{i:03d}", day, 20.0) for i, day in enumerate(_days("2023-01-01", 600, 1))]
    a = analyze(table_from_rows(rows))
    assert a.notes[:2] == ("no_repeat_customers", "many_one_time_buyers")
    assert a.bg is None
    assert a.advice[0] == "second_order_offer"


def test_monthly_buyers_are_offered_a_subscription() -> None:
    rows = [(f"c{i}", day, 15.0) for i in range(10) for day in _days("2023-01-01", 12, 30)]
    a = analyze(table_from_rows(rows))
    assert "subscription" in a.advice
    assert "second_order_offer" not in a.advice


def test_big_spenders_gone_quiet_call_for_a_winback() -> None:
    rows = []
    for i in range(5):
        last = "2023-12-20" if i < 2 else "2023-04-01"
        rows += [(f"big{i}", day, 500.0) for day in ("2023-01-01", "2023-02-01", last)]
    rows += [(f"new{i}", f"2023-12-2{i}", 20.0) for i in range(3)]
    rows += [(f"old{i}", f"2023-01-1{i}", 10.0) for i in range(2)]
    a = analyze(table_from_rows(rows))
    assert "large_at_risk" in a.notes
    assert "winback_and_feedback_calls" in a.advice
    assert "welcome_series" in a.advice


def test_clv_summary_of_the_top_decile() -> None:
    clv = np.array([float(v) for v in range(1, 21)] + [np.nan])  # 1..20, one unknown
    summary = clv_summary(clv)
    assert summary is not None
    assert summary.total == 210
    assert summary.average == 10.5
    assert summary.median == 10.5
    assert summary.top_average == 19.5  # the top 2 of 20: 20 and 19
    assert summary.top_share == pytest.approx(39 / 210)
    assert clv_summary(np.array([np.nan])) is None


def _set_order_counts(seed: int) -> list[tuple[str, str, float]]:
    """600 customers who each buy a set number of times (1 to 8), 5 to 90 days apart, and
    stop: not the steady buying BG/NBD assumes, so it over-predicts the later orders."""
    rng = np.random.default_rng(seed)
    start, end = date(2023, 1, 2), date(2024, 6, 24)
    rows = []
    for customer in range(600):
        day = start + timedelta(days=int(rng.integers(0, 401)))
        for _ in range(int(rng.choice([1, 1, 1, 2, 3, 5, 8]))):
            if day > end:
                break
            rows.append((f"c{customer}", day.isoformat(), float(rng.integers(300, 9000))))
            day += timedelta(days=int(rng.integers(5, 91)))
    return rows


def test_a_model_that_misses_the_later_orders_says_so() -> None:
    a = analyze(table_from_rows(_set_order_counts(seed=0)))
    assert a.holdout is not None
    assert abs(a.holdout.total_error) > 0.25
    assert "holdout_off" in a.notes


def test_a_model_whose_predictions_cannot_be_computed_is_unfit(
    cdnow: OrderTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    # scipy's hyp2f1 gives NaN at the edge of the parameter space, as for a 19 MB export of
    # steady buyers fitted at r = 1.7e7, alpha = 4.9e8, a = 3e-8, b = 6e6
    monkeypatch.setattr(bgnbd, "hyp2f1", lambda *args: np.full(np.broadcast(*args).shape, np.nan))
    a = analyze(cdnow)
    assert "model_unfit" in a.notes
    assert "gg_ok" not in a.notes
    assert a.bg is None
    assert a.holdout is None
    assert np.isnan(a.customers.clv).all()
