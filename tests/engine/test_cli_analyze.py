"""``ltv analyze`` through ``ltv``'s main: options read before the file, one rule for the rate,
ISO dates and the currency in what it prints."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.engine.test_cli import run
from tests.orders.test_analyze_cli import export

__all__ = ["export"]  # the CDNOW export fixture, shared with the orders tests

SMALL_EXPORT = (
    "email,date,total\n"
    "anna@x.com,2024-01-05,$100.00\nanna@x.com,2024-02-20,$80.00\n"
    "boris@x.com,2024-01-07,$50.00\nvera@x.com,2024-03-01,$70.00\n"
)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Too few customers for the model: the options were never checked by it."""
    path = tmp_path / "small.csv"
    path.write_text(SMALL_EXPORT, encoding="utf-8")
    return path


def analyzed(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, "analyze", *argv)
    assert (code, err) == (0, ""), err
    return out


def document(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    parsed = json.loads(analyzed(capsys, *argv, "--json"))
    assert isinstance(parsed, dict)
    return parsed


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--horizon-months", "-3", "error: --horizon-months: it cannot be negative. For example:"),
        (
            "--horizon-months",
            "1.5",
            "error: --horizon-months: 1.5 is not a whole number of months.",
        ),
        ("--discount-rate", "-1", "error: --monthly-discount-rate: it cannot be negative."),
        (
            "--discount-rate",
            "500",
            "error: --monthly-discount-rate: it is implausibly large (at most 5.95% a month).",
        ),
        (
            "--monthly-discount-rate",
            "0.5",  # a share, as for every rate: 50 % a month
            "error: --monthly-discount-rate: it is implausibly large (at most 5.95% a month).",
        ),
    ],
)
def test_an_option_is_refused_whatever_the_file(
    small: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, said: str
) -> None:
    for file in (str(small), str(small.with_name("missing.csv"))):
        code, out, err = run(capsys, "analyze", file, option, value)
        assert (code, out) == (2, "")
        assert err.startswith(said) and err.count("\n") == 1


@pytest.mark.parametrize(
    "option", [["--monthly-discount-rate", "1%"], ["--discount-rate", "0.01"], []]
)
def test_the_rate_reads_as_calcs_and_is_a_months(
    small: Path, capsys: pytest.CaptureFixture[str], option: list[str]
) -> None:
    assert document(capsys, str(small), *option)["monthly_discount_rate"] == pytest.approx(0.01)


def test_the_text_says_the_rate_a_month_and_a_year(
    export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = analyzed(capsys, str(export), "--horizon-months", "2 years", "--discount-rate", "2%")
    assert "CLV horizon, discount         24 months, 2.00% a month (26.8% a year)\n" in out


def test_json_days_are_iso_dates(export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    said = document(capsys, str(export))
    measured = said["measured"]
    assert (measured["first_day"], measured["last_day"]) == ("1997-01-01", "1998-06-30")
    calibration_end = date.fromisoformat(said["holdout"]["calibration_end_day"])
    assert date(1997, 1, 1) < calibration_end < date(1998, 6, 30)


def test_the_currency_the_file_names_is_said(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert document(capsys, str(small))["currency"] == {"code": "USD", "in_file": "one"}
    assert "  Currency                      USD\n" in analyzed(capsys, str(small))


def test_a_file_that_names_no_currency_says_the_one_assumed(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small.write_text(SMALL_EXPORT.replace("$", ""), encoding="utf-8")
    assert document(capsys, str(small))["currency"] == {"code": "RUB", "in_file": "none"}
    assert "  Currency                      RUB (the file names none)\n" in analyzed(
        capsys, str(small)
    )


def test_a_file_of_mixed_currencies_says_so(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the header names euros, every amount dollars (a € among the $ is set aside, not mixed)
    small.write_text(SMALL_EXPORT.replace("total", "total (EUR)"), encoding="utf-8")
    assert document(capsys, str(small))["currency"] == {"code": "RUB", "in_file": "mixed"}
    assert "  Currency                      RUB (the file mixes currencies)\n" in analyzed(
        capsys, str(small)
    )
