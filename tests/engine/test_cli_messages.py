"""The command line's explanation of a value it cannot use: option, sentence, example, code."""

from __future__ import annotations

import pytest

from ltv_engine.cli_messages import OPTIONS, explain
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


def test_every_input_the_engine_checks_names_its_option_and_an_example() -> None:
    assert set(LIMITS) | {"lifetime", "orders_per_month", "currency"} <= set(OPTIONS)
    assert all(option and example for option, example in OPTIONS.values())


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
    ],
)
def test_details_are_quoted_in_the_sentence(error: InvalidInput, sentence: str) -> None:
    assert explain(error).startswith(sentence)
