"""The command line's explanation of a value it cannot use: option, sentence, example, code."""

from __future__ import annotations

import pytest

from ltv_engine.cli_messages import OPTIONS, explain
from ltv_engine.cli_usage import UsageError, UsageReason
from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.limits import LIMITS


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_reads_as_a_sentence_even_without_its_details(reason: Reason) -> None:
    line = explain(InvalidInput(reason, "cac"))
    assert line.startswith("--cac: ") and line.endswith(f"For example: --cac 1500 [{reason}]")
    sentence = line.removesuffix(f". For example: --cac 1500 [{reason}]")
    assert not set("{}_'") & set(sentence) and "()" not in sentence


@pytest.mark.parametrize(
    ("reason", "sentence"),
    [
        (Reason.NOT_A_NUMBER, "--cac: it is not a number."),
        (Reason.TOO_SMALL, "--cac: it is implausibly small."),
        (Reason.END_ABOVE_START, "--cac: more customers at the end than at the start:"),
        (Reason.CONFLICT, "--cac: it names two currencies."),
    ],
)
def test_a_sentence_that_quotes_details_has_a_plain_form(reason: Reason, sentence: str) -> None:
    assert explain(InvalidInput(reason, "cac")).startswith(sentence)


@pytest.mark.parametrize("reason", list(UsageReason))
def test_every_usage_reason_reads_as_a_sentence_even_without_its_details(
    reason: UsageReason,
) -> None:
    line = explain(UsageError(reason, "ltv calc"))
    assert line.startswith("ltv calc: ") and line.endswith(f" [{reason}]")
    assert "For example: ltv calc --aov 2500" in line
    sentence = line.removeprefix("ltv calc: ").split(". For example:")[0]
    assert not set("{}_'") & set(sentence) and len(sentence) > 10


def test_every_input_the_engine_checks_names_its_option_and_an_example() -> None:
    assert set(LIMITS) | {"lifetime", "orders_per_month", "currency"} <= set(OPTIONS)
    assert all(option and example for option, example in OPTIONS.values())


def test_every_option_the_command_line_checks_names_an_example() -> None:
    checked = {"currency_code", "business", "horizon_months", "monthly_discount_rate", "csv"}
    assert checked | {"file", "command", "ltv", "ltv calc", "ltv analyze"} <= set(OPTIONS)


def test_the_option_typed_is_named_over_its_fields() -> None:
    error = UsageError(UsageReason.BAD_USAGE, "ltv calc", option="--aov", said="expected one")
    assert explain(error).startswith("--aov: expected one. For example: ltv calc --aov 2500")


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (
            InvalidInput(Reason.NOT_A_NUMBER, "aov", text="abc"),
            "--aov: 'abc' is not a number. For example: --aov 2500",
        ),
        (
            InvalidInput(Reason.TOO_SMALL, "monthly_churn", low=1 / 1200),
            "the churn: it is implausibly small (at least 0.0833%).",
        ),
        (
            InvalidInput(
                Reason.ZERO, "monthly_churn", start=100, end=100, hint="no_churn_observed"
            ),
            "the churn: as many customers at the end as at the start (100): no churn was seen",
        ),
        (
            InvalidInput(Reason.CHURN_100_OR_MORE, "monthly_churn", start=100, end=0),
            "the churn: none of the 100 customers was left at the end",
        ),
        (
            InvalidInput(Reason.NOT_A_NUMBER, "aov", too_long=True, limit=64),
            "--aov: the value is too long (at most 64 characters).",
        ),
        (
            InvalidInput(Reason.CONFLICT, "aov", currencies=["EUR", "USD"], text="€5 $"),
            "--aov: its signs name two currencies (EUR and USD).",
        ),
        (
            InvalidInput(Reason.CONFLICT, "currency", given="EUR/USD"),
            "the currency: the currencies given differ (EUR and USD).",
        ),
        (
            InvalidInput(Reason.TOO_SMALL, "orders_per_month", low=1e-4),
            "--orders-per-month/--orders-per-year: it is implausibly small (at least 0.0001 "
            "orders a month).",
        ),
        (InvalidInput(Reason.EMPTY, None), "the input: no value was given [empty]"),
        (
            InvalidInput(Reason.TOO_LARGE, "monthly_discount_rate", high=0.0595),
            "--monthly-discount-rate: it is implausibly large (at most 5.95% a month).",
        ),
        (
            InvalidInput(Reason.NOT_WHOLE, "horizon_months", months=2.5),
            "--horizon-months: 2.5 is not a whole number of months.",
        ),
        (
            UsageError(UsageReason.CONFLICTING_OPTIONS, "lifetime", given="--churn and --cac"),
            "the lifetime: --churn and --cac cannot be used together; state it one way.",
        ),
        (
            UsageError(UsageReason.CANNOT_WRITE, "csv", path="/x/out.csv", why="No such file"),
            "--csv: cannot write /x/out.csv: No such file. For example: --csv predictions.csv",
        ),
    ],
)
def test_details_are_quoted_in_the_sentence(
    error: InvalidInput | UsageError, sentence: str
) -> None:
    assert explain(error).startswith(sentence)
