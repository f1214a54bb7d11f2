"""Every refusal of the ``ltv`` command line is one line in the README's format: the option, what
is wrong, an example that works, the reason code; argparse's own complaints included."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ltv_engine.cli_usage import USAGE_ERROR
from tests.engine.test_cli import GOLDEN, calc, run

# error: <option>: <what is wrong>. For example: <what works> [<reason code>]
README_FORMAT = re.compile(r"error: [^:\n]+: [^\n]+\. For example: [^\n]+ \[[a-z_0-9]+\]\n")
CALC_EXAMPLE = "ltv calc --aov 2500 --orders-per-month 1.5 --margin 30 --lifetime-months 18"
COMMAND_EXAMPLE = f"For example: {CALC_EXAMPLE}, or ltv analyze orders.csv"
KINDS = "groceries, cosmetics, coffee, pets, household, clothing, electronics, furniture, services"


def refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The one line ``ltv`` prints for a command line it refuses, checked for the format."""
    code, out, err = run(capsys, *argv)
    assert (code, out) == (USAGE_ERROR, "")
    assert README_FORMAT.fullmatch(err), err
    return err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        ([], f"error: COMMAND: it is required. {COMMAND_EXAMPLE} [missing]\n"),
        (
            ["foo"],
            f"error: COMMAND: 'foo' is not a command. {COMMAND_EXAMPLE} [unknown_command]\n",
        ),
        (
            ["--json"],
            f"error: --json: it is not an option of ltv. {COMMAND_EXAMPLE} [unknown_option]\n",
        ),
        (
            ["calc", "--bogus"],
            f"error: --bogus: it is not an option of ltv calc. For example: {CALC_EXAMPLE} "
            "[unknown_option]\n",
        ),
        (
            ["analyze"],
            "error: file: it is required. For example: ltv analyze orders.csv (the path to a "
            "CSV or XLSX export) [missing]\n",
        ),
        (
            ["analyze", "a.csv", "b.csv"],
            "error: b.csv: it is not an option of ltv analyze. For example: ltv analyze "
            "orders.csv [unknown_option]\n",
        ),
        (
            ["calc", "--aov"],
            f"error: --aov: expected one argument. For example: {CALC_EXAMPLE} [bad_usage]\n",
        ),
    ],
)
def test_a_malformed_command_line_names_what_works(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    assert refusal(capsys, *argv) == said


def test_an_ambiguous_abbreviation_is_said_in_the_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    said = refusal(capsys, "calc", "--c", "5")
    assert said.startswith("error: ltv calc: ambiguous option: --c could match --churn,")
    assert said.endswith("[bad_usage]\n")


def test_an_unknown_business_lists_the_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    said = refusal(capsys, *GOLDEN, "--business", "spaceships")
    assert said == (
        f"error: --business: 'spaceships' is not one of {KINDS}, other. "
        "For example: --business coffee [not_a_choice]\n"
    )


@pytest.mark.parametrize(
    ("extra", "given"),
    [
        (["--orders-per-year", "6"], "--orders-per-month and --orders-per-year"),
        (["--customers-end", "150"], "--lifetime-months and --customers-end"),
        (["--period-months", "3"], "--lifetime-months and --period-months"),
        (["--churn", "5"], "--lifetime-months and --churn"),
        (["--lifetime-years", "2"], "--lifetime-months and --lifetime-years"),
    ],
)
def test_two_ways_of_stating_an_input_are_refused(
    capsys: pytest.CaptureFixture[str], extra: list[str], given: str
) -> None:
    said = refusal(capsys, *GOLDEN, *extra)
    assert f": {given} cannot be used together; state it one way. For example:" in said
    assert said.endswith("[conflicting_options]\n")


def test_the_customer_counts_are_one_way(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "calc", "--aov", "100", "--orders-per-month", "1",
        "--customers-start", "200", "--customers-end", "150", "--period-months", "3",
    )  # fmt: skip
    assert (code, err) == (0, "")


@pytest.mark.parametrize(("code", "shown"), [("XYZ", "'XYZ'"), ("USDD", "'USDD'")])
def test_a_currency_code_no_one_uses_is_refused(
    capsys: pytest.CaptureFixture[str], code: str, shown: str
) -> None:
    said = refusal(capsys, *calc(currency=code))
    assert said.startswith(f"error: --currency: {shown} is not an ISO 4217 currency code.")
    assert said.endswith("[unknown_currency]\n")


def test_an_empty_currency_is_refused_not_replaced(capsys: pytest.CaptureFixture[str]) -> None:
    said = refusal(capsys, *calc(currency=""))
    assert said.startswith("error: --currency: no value was given. For example: --currency USD")


def test_an_input_that_cannot_be_read_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.csv"
    assert refusal(capsys, "analyze", str(missing)) == (
        f"error: file: cannot read {missing}: No such file or directory. "
        "For example: ltv analyze orders.csv (the path to a CSV or XLSX export) [cannot_read]\n"
    )


def test_an_output_that_cannot_be_written_names_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "orders.csv"
    export.write_text("customer,date,amount\nanna,2024-01-05,100\nboris,2024-02-07,300\n")
    out = tmp_path / "no" / "such" / "out.csv"
    assert refusal(capsys, "analyze", str(export), "--csv", str(out)) == (
        f"error: --csv: cannot write {out}: No such file or directory. For example: --csv "
        "predictions.csv (in a folder that exists) [cannot_write]\n"
    )


CONSOLE_SCRIPT = Path(sys.executable).with_name("ltv")


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="the package is not installed")
def test_the_console_script_refuses_in_the_format() -> None:
    completed = subprocess.run(
        [str(CONSOLE_SCRIPT), *GOLDEN, "--business", "spaceships"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == USAGE_ERROR
    assert completed.stdout == ""
    assert README_FORMAT.fullmatch(completed.stderr), completed.stderr
    assert completed.stderr.startswith("error: --business: 'spaceships' is not one of")
