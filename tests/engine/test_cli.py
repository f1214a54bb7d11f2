import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ltv_engine.cli import build_parser, main, run_calc
from ltv_engine.model import LtvResult

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_OPTIONS = {
    "--aov": "65",
    "--orders-per-month": "0.6",
    "--margin": "58",
    "--lifetime-months": "18",
    "--cac": "40",
    "--currency": "USD",
}


def calc(**changes: str) -> list[str]:
    """``ltv calc`` with the golden options, some replaced (``cac="-5"`` for ``--cac -5``)."""
    options = GOLDEN_OPTIONS | {f"--{name.replace('_', '-')}": v for name, v in changes.items()}
    return ["calc", *(item for pair in options.items() for item in pair)]


GOLDEN = calc()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def as_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, *argv, "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert isinstance(document, dict)
    return document


def test_golden_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *GOLDEN)
    assert (code, err) == (0, "")
    assert "Inputs (USD)" in out
    assert "407.16" in out
    assert "10.18 healthy" in out
    assert re.search(r"Payback, months +1\.8\n", out)
    assert "Levers (one step each, best first)" in out
    assert "cac_room_to_scale" in out


def test_table_rows_are_aligned(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, *GOLDEN)
    result_section = out.split("\n\n")[1].splitlines()[1:]
    assert len({len(line) for line in result_section}) == 1


def test_json_has_every_result_field_and_the_advice(capsys: pytest.CaptureFixture[str]) -> None:
    document = as_json(capsys, *GOLDEN)
    assert set(LtvResult._fields) <= set(document)
    assert document["ltv"] == pytest.approx(407.16)
    assert document["band"] == "healthy"
    advice = document["advice"]
    assert isinstance(advice, list)
    assert 3 <= len(advice) <= 5
    assert {"rule_id", "family", "lever", "worth", "trigger", "facts"} <= set(advice[0])


def test_orders_per_year_and_lifetime_in_years(capsys: pytest.CaptureFixture[str]) -> None:
    document = as_json(
        capsys, "calc", "--aov", "1000", "--orders-per-year", "12", "--lifetime-years", "1.5"
    )
    assert document["expected_orders"] == pytest.approx(18.0)
    assert document["ltv"] == pytest.approx(18_000.0)
    assert document["gross_profit_ltv"] is None


def test_monthly_churn_in_percent(capsys: pytest.CaptureFixture[str]) -> None:
    document = as_json(capsys, "calc", "--aov", "100", "--orders-per-month", "1", "--churn", "5")
    assert document["lifetime_months"] == pytest.approx(20.0)


def test_customer_counts_over_a_period(capsys: pytest.CaptureFixture[str]) -> None:
    document = as_json(
        capsys,
        "calc", "--aov", "100", "--orders-per-month", "1",
        "--customers-start", "200", "--customers-end", "150", "--period-months", "3",
    )  # fmt: skip
    assert document["lifetime_months"] == pytest.approx(10.936, abs=1e-3)


def test_discount_rate_and_business(capsys: pytest.CaptureFixture[str]) -> None:
    document = as_json(capsys, *GOLDEN, "--discount-rate", "12", "--business", "coffee")
    assert document["discounted_ltv"] < document["ltv"]
    rule_ids = {item["rule_id"] for item in document["advice"]}
    assert "subscription_consumables" in rule_ids


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"margin": "120"},
            "error: --margin: a gross margin cannot exceed 100%. For example: --margin 30",
        ),
        ({"cac": "-5"}, "error: --cac: it cannot be negative. For example: --cac 1500 [negative]"),
        (
            {"discount_rate": "150"},
            "error: --discount-rate: it is implausibly large (at most 100% a year). For example:",
        ),
        (
            {"aov": "2e12"},
            "error: --aov: it is implausibly large (at most 1,000,000,000). For example: --aov",
        ),
        (
            {"lifetime_months": "1300"},
            "error: --lifetime-months/--lifetime-years: it is implausibly large (at most 1,200 "
            "months)",
        ),
        (
            {"orders_per_month": "often"},
            "error: --orders-per-month/--orders-per-year: 'often' is not a number. For example: "
            "--orders-per-month 1.5",
        ),
    ],
)
def test_a_bad_value_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], changes: dict[str, str], expected: str
) -> None:
    code, out, err = run(capsys, *calc(**changes))
    assert (code, out) == (2, "")
    assert err.startswith(expected)
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_end_above_start_quotes_the_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "calc", "--aov", "100", "--orders-per-month", "1",
        "--customers-start", "100", "--customers-end", "120",
    )  # fmt: skip
    assert code == 2
    assert err.startswith("error: --customers-end: 120 customers at the end but 100 at the start")
    assert err.endswith("[end_above_start]\n")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["calc", "--orders-per-month", "1", "--churn", "5"], "error: --aov: it is required."),
        (
            ["calc", "--aov", "100", "--churn", "5"],
            "error: --orders-per-month/--orders-per-year: it is required.",
        ),
        (
            ["calc", "--aov", "100", "--orders-per-month", "1"],
            "error: the lifetime: it is required. For example: --lifetime-months 18,",
        ),
        (
            ["calc", "--aov", "1", "--orders-per-month", "1", "--customers-end", "5"],
            "error: --customers-start: it is required.",
        ),
    ],
)
def test_a_missing_value_is_named(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith(expected) and err.endswith("[missing]\n")


def test_calc_is_a_subcommand_of_the_parser() -> None:
    args = build_parser().parse_args(["calc", "--aov", "1"])
    assert args.handler is run_calc


def test_python_dash_m_runs_the_cli() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "ltv_engine", *GOLDEN],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert "407.16" in completed.stdout


def test_values_typed_as_people_type_them(capsys: pytest.CaptureFixture[str]) -> None:
    document = as_json(
        capsys,
        "calc", "--aov", "2 500 ₽", "--orders-per-month", "1,5",
        "--margin", "30%", "--lifetime-years", "1,5 года",
    )  # fmt: skip
    assert document["ltv"] == pytest.approx(2500 * 1.5 * 18 * 0.3)
    assert document["inputs"]["currency"] == "RUB"


def test_currency_comes_from_the_money_typed(capsys: pytest.CaptureFixture[str]) -> None:
    document = as_json(capsys, *calc(aov="$65", currency="usd"))
    assert document["inputs"]["currency"] == "USD"


def test_conflicting_currencies_are_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *calc(aov="$65", currency="EUR"))
    assert code == 2
    assert err.startswith("error: the currency: the currencies given differ (EUR and USD).")
    assert err.endswith("[conflict]\n")


def test_a_bad_period_names_the_period(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "calc", "--aov", "100", "--orders-per-month", "1",
        "--customers-start", "100", "--customers-end", "90", "--period-months", "0",
    )  # fmt: skip
    assert code == 2
    assert err.startswith("error: --period-months: it cannot be zero.")


def _analyzed(tmp_path: Path, capsys: pytest.CaptureFixture[str], export_text: str) -> str:
    """What `ltv analyze` prints for an export holding ``export_text``."""
    export = tmp_path / "orders.csv"
    export.write_text(export_text, encoding="utf-8")
    assert main(["analyze", str(export)]) == 0
    return capsys.readouterr().out


def test_analyze_is_a_subcommand_of_ltv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _analyzed(
        tmp_path,
        capsys,
        "Клиент;Дата заказа;Сумма\n"
        "anna;05.01.2024;1 200,50\nanna;20.02.2024;800\nboris;07.01.2024;500\n",
    )
    assert "Orders used / rows read" in out
    assert "3 / 3" in out
    assert "Returns taken off orders" not in out


@pytest.mark.parametrize(
    ("export_text", "lines"),
    [
        (
            "customer,date,amount\nanna,2024-01-05,100\nanna,2024-01-08,-100\n"
            "boris,2024-01-07,500\nboris,2024-02-07,300\nboris,2024-02-09,-30\n",
            [
                "Orders used / rows read       2 / 5",
                "Returns taken off orders      2 (whole orders: 1)",
            ],
        ),
        (
            "customer,date,amount,refunded amount\nanna,2024-01-05,100,40\nanna,2024-01-08,50,\n"
            "boris,2024-01-07,500,\n",
            ["Orders less their refunds     1"],
        ),
    ],
)
def test_analyze_says_what_it_took_off_orders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], export_text: str, lines: list[str]
) -> None:
    out = _analyzed(tmp_path, capsys, export_text)
    assert all(line in out for line in lines)
