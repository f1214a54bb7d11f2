"""Churn from a handful of lapsed customers is no churn: the calculator's LTV waits for more."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.orders import cli
from ltv_engine.orders.analysis import analyze, measured_ltv_inputs
from ltv_engine.orders.measured import MIN_LAPSED_CUSTOMERS, measure, to_ltv_inputs
from ltv_engine.orders.table import OrderTable
from tests.orders.order_rows import Row, table_from_rows
from tests.orders.test_analyze_cli import _run


def shop_rows(lapsed: int, active: int) -> list[Row]:
    """``lapsed`` customers who bought once a year before the end; ``active`` customers who
    buy every month up to the last day."""
    rows: list[Row] = [(f"gone{n}", "2023-01-10", 100.0) for n in range(lapsed)]
    months = [f"2023-{month:02d}-28" for month in range(1, 13)]
    rows += [(f"buyer{n}", day, 50.0) for n in range(active) for day in months]
    return rows


def shop(lapsed: int, active: int) -> OrderTable:
    return table_from_rows(shop_rows(lapsed, active))


def test_one_lapsed_customer_of_six_gives_no_calculator_ltv() -> None:
    m = measure(shop(1, 5))
    assert m.lapsed_customers == 1 and m.too_few_lapsed
    assert m.monthly_churn > 0  # measured all the same, and shown as thin
    with pytest.raises(InvalidInput) as caught:
        to_ltv_inputs(m, "RUB")
    assert caught.value.reason is Reason.TOO_SMALL
    assert caught.value.field == "lapsed_customers"
    assert caught.value.details == {"low": MIN_LAPSED_CUSTOMERS, "hint": "too_few_lapsed"}


@pytest.mark.parametrize(
    ("lapsed", "stated"), [(MIN_LAPSED_CUSTOMERS - 1, False), (MIN_LAPSED_CUSTOMERS, True)]
)
def test_the_calculator_ltv_needs_the_minimum_of_lapsed_customers(
    lapsed: int, stated: bool
) -> None:
    m = measure(shop(lapsed, 5))
    assert m.lapsed_customers == lapsed and m.too_few_lapsed is not stated
    assert (measured_ltv_inputs(analyze(shop(lapsed, 5)), "RUB") is not None) is stated


def test_nobody_lapsed_is_not_too_few() -> None:
    m = measure(shop(0, 5))
    assert m.lapsed_customers == 0 and not m.too_few_lapsed
    with pytest.raises(InvalidInput) as caught:
        to_ltv_inputs(m, "RUB")
    assert caught.value.details["hint"] == "no_churn_observed"


@pytest.fixture
def thin_export(tmp_path: Path) -> Path:
    path = tmp_path / "orders.csv"
    lines = ["customer,date,amount", *(f"{c},{d},{a}" for c, d, a in shop_rows(1, 5))]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_analyze_says_why_there_is_no_calculator_ltv(
    thin_export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(str(thin_export)) == 0
    out = capsys.readouterr().out
    said = f"- (only 1 customer lapsed, churn needs {MIN_LAPSED_CUSTOMERS})"
    assert f"{'Calculator LTV':<{cli.LABEL_WIDTH}}{said}" in out
    assert "days; thin: 1 lapsed)" in out
    assert _run(str(thin_export), "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["calculator_ltv"] is None
    assert document["measured"]["too_few_lapsed"] is True
    assert document["measured"]["monthly_churn"] > 0


def test_analyze_still_says_nobody_lapsed_when_nobody_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("customer,date,amount\n" + "".join(f"c{n},2024-01-05,10\n" for n in range(5)))
    assert _run(str(path)) == 0
    out = capsys.readouterr().out
    assert "- (nobody lapsed yet)" in out and "thin:" not in out
