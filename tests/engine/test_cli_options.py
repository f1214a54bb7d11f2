"""The values both ``ltv`` commands read: one rule for rates, durations, currency codes; and
what ``ltv calc`` prints of them."""

from __future__ import annotations

import re

import pytest

from ltv_engine.cli import main
from ltv_engine.cli_options import (
    ANNUAL_DISCOUNT,
    HIGHEST_DISCOUNT,
    MONTHLY_DISCOUNT,
    annual_from_monthly,
    monthly_from_annual,
    parse_currency,
    parse_discount_rate,
    parse_whole_months,
)
from ltv_engine.cli_usage import UsageError, UsageReason
from ltv_engine.errors import InvalidInput, Reason
from tests.engine.test_cli import GOLDEN, as_json, calc, run


@pytest.mark.parametrize("field", [ANNUAL_DISCOUNT, MONTHLY_DISCOUNT])
@pytest.mark.parametrize(("text", "share"), [("1", 0.01), ("1%", 0.01), ("0.01", 0.01), ("0", 0)])
def test_a_rate_reads_the_same_for_a_year_and_a_month(field: str, text: str, share: float) -> None:
    assert parse_discount_rate(text, field) == pytest.approx(share)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "field", "share"),
    [
        ("12% a year", ANNUAL_DISCOUNT, 0.12),
        ("12% годовых", ANNUAL_DISCOUNT, 0.12),
        ("1% в месяц", ANNUAL_DISCOUNT, 1.01**12 - 1),
        ("1% a month", MONTHLY_DISCOUNT, 0.01),
        ("12% p.a.", MONTHLY_DISCOUNT, 1.12 ** (1 / 12) - 1),
    ],
)
def test_a_rate_with_its_period_is_made_the_options(text: str, field: str, share: float) -> None:
    assert parse_discount_rate(text, field) == pytest.approx(share)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("-1", MONTHLY_DISCOUNT, Reason.NEGATIVE),
        ("500", MONTHLY_DISCOUNT, Reason.TOO_LARGE),
        ("7", MONTHLY_DISCOUNT, Reason.TOO_LARGE),  # 125 % a year
        ("0.5", MONTHLY_DISCOUNT, Reason.TOO_LARGE),  # a share: 50 % a month, not 0.5 %
        ("150", ANNUAL_DISCOUNT, Reason.TOO_LARGE),
        ("often", ANNUAL_DISCOUNT, Reason.NOT_A_NUMBER),
    ],
)
def test_a_rate_out_of_range_names_its_period(text: str, field: str, reason: Reason) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_discount_rate(text, field)  # type: ignore[arg-type]
    assert (raised.value.reason, raised.value.field) == (reason, field)
    if reason is Reason.TOO_LARGE:
        assert raised.value.details == {"high": HIGHEST_DISCOUNT[field]}


def test_a_month_may_discount_what_a_year_may() -> None:
    assert annual_from_monthly(HIGHEST_DISCOUNT[MONTHLY_DISCOUNT]) == pytest.approx(1.0)
    assert parse_discount_rate("5.9", MONTHLY_DISCOUNT) == pytest.approx(0.059)
    assert monthly_from_annual(0.12) == pytest.approx(0.009489, abs=1e-6)


@pytest.mark.parametrize(("text", "months"), [("12", 12), ("2 years", 24), ("1 год", 12)])
def test_a_horizon_is_whole_months(text: str, months: int) -> None:
    assert parse_whole_months(text, "horizon_months") == months


@pytest.mark.parametrize(
    ("text", "reason"),
    [("-3", Reason.NEGATIVE), ("0", Reason.ZERO), ("1.5", Reason.NOT_WHOLE)],
)
def test_a_horizon_that_is_no_horizon(text: str, reason: Reason) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_whole_months(text, "horizon_months")
    assert (raised.value.reason, raised.value.field) == (reason, "horizon_months")


@pytest.mark.parametrize(("text", "code"), [("usd", "USD"), (" KZT ", "KZT"), ("rub", "RUB")])
def test_a_currency_code_is_an_iso_code(text: str, code: str) -> None:
    assert parse_currency(text) == code


@pytest.mark.parametrize("text", ["XYZ", "USDD", "$", "рубли"])
def test_a_currency_code_babel_does_not_know_is_refused(text: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_currency(text)
    assert raised.value.reason is UsageReason.UNKNOWN_CURRENCY


# --- what ltv calc reads and prints ---------------------------------------------------------


@pytest.mark.parametrize("rate", ["12", "12%", "0.12"])
def test_calc_reads_a_rate_as_people_type_it(
    capsys: pytest.CaptureFixture[str], rate: str
) -> None:
    document = as_json(capsys, *GOLDEN, "--discount-rate", rate)
    assert document["inputs"]["annual_discount_rate"] == pytest.approx(0.12)


@pytest.mark.parametrize(
    ("command", "said"),
    [("calc", "annual discount rate: 12, '12%' or 0.12"), ("analyze", "a month's rate: 1, '1%'")],
)
def test_the_help_says_the_period_of_the_rate(
    capsys: pytest.CaptureFixture[str], command: str, said: str
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert said in " ".join(capsys.readouterr().out.split())


def test_the_analyze_usage_shows_the_file_as_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    usage = " ".join(capsys.readouterr().out.split("\n\n")[0].split())
    assert usage.startswith("usage: ltv analyze [-h]")
    assert usage.endswith("[--csv OUT] FILE")


def table(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    return out


def row(out: str, label: str) -> str:
    """The value of the table row ``label``."""
    found = re.search(rf"^  {re.escape(label)} +(.+)$", out, re.MULTILINE)
    assert found, out
    return found.group(1)


def test_a_cac_above_ltv_never_pays_back(capsys: pytest.CaptureFixture[str]) -> None:
    out = table(capsys, *calc(cac="100000"))
    assert row(out, "LTV:CAC").endswith("loses_money")
    assert row(out, "Payback, months") == "beyond lifetime"
    assert row(table(capsys, *GOLDEN), "Payback, months") == "1.8"


@pytest.mark.parametrize(
    ("changes", "orders", "lifetime"),
    [
        ({"orders_per_month": "1000"}, "1,000", "18"),
        ({"orders_per_month": "0.0001"}, "0.0001", "18"),
        ({"orders_per_month": "2 раза в 3 месяца"}, "0.667", "18"),
        ({"lifetime_months": "0.012"}, "0.6", "0.012"),
        ({"lifetime_months": "1200"}, "0.6", "1,200"),
        ({"lifetime_months": "10.936"}, "0.6", "10.9"),
    ],
)
def test_counts_show_three_digits_and_no_exponent(
    capsys: pytest.CaptureFixture[str], changes: dict[str, str], orders: str, lifetime: str
) -> None:
    out = table(capsys, *calc(**changes))
    assert (row(out, "Orders per month"), row(out, "Lifetime, months")) == (orders, lifetime)


@pytest.mark.parametrize(
    ("lifetime", "stated"),
    [
        (["--lifetime-months", "18"], "months"),
        (["--lifetime-years", "1.5"], "years"),
        (["--churn", "5"], "churn"),
        (["--customers-start", "200", "--customers-end", "150"], "customer counts"),
    ],
)
def test_the_table_says_how_the_lifetime_was_stated(
    capsys: pytest.CaptureFixture[str], lifetime: list[str], stated: str
) -> None:
    out = table(capsys, "calc", "--aov", "100", "--orders-per-month", "1", *lifetime)
    assert row(out, "Lifetime stated as") == stated


def test_a_lifetime_below_the_wizards_limit_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, *calc(lifetime_months="0.0001"))
    assert code == 2
    assert err.startswith(
        "error: --lifetime-months/--lifetime-years: it is implausibly small (at least 0.01 months)"
    )
