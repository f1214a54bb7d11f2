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
    assert "{" not in line and "_" not in line.removesuffix(f"[{reason}]")


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
            "the churn: it is implausibly small (it must be above 0.0833%).",
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
            "--aov: it names two currencies (EUR and USD).",
        ),
        (InvalidInput(Reason.EMPTY, None), "the input: no value was given [empty]"),
    ],
)
def test_details_are_quoted_in_the_sentence(error: InvalidInput, sentence: str) -> None:
    assert explain(error).startswith(sentence)
