"""What the ``ltv`` command line says about a value or an option it cannot use: which option,
what is wrong in a sentence, an example that works, and the reason code for scripts.

The bot explains the same reasons from its templates, in the chat's language and in the
conversation's terms (steps, buttons); the command line speaks English and names options.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ltv_engine.cli_usage import UsageError, UsageReason
from ltv_engine.errors import InvalidInput, Reason

_LIFETIME_EXAMPLE = (
    "--lifetime-months 18, --lifetime-years 1.5, --churn 5, "
    "or --customers-start 200 --customers-end 150 --period-months 3"
)
_COUNTS_EXAMPLE = "--customers-start 200 --customers-end 150 --period-months 3"
_CALC_EXAMPLE = "ltv calc --aov 2500 --orders-per-month 1.5 --margin 30 --lifetime-months 18"
_ANALYZE_EXAMPLE = "ltv analyze orders.csv"
_COMMAND_EXAMPLE = f"{_CALC_EXAMPLE}, or {_ANALYZE_EXAMPLE}"

# field -> (the option(s) it comes from, an example that works); a command line refused as a
# whole is keyed by its command ("ltv calc")
OPTIONS: Mapping[str, tuple[str, str]] = {
    "aov": ("--aov", '--aov 2500 (also "2 500 ₽", $65, 2.5k)'),
    "orders_per_month": (
        "--orders-per-month/--orders-per-year",
        '--orders-per-month 1.5 (also "2 раза в месяц"), or --orders-per-year 6',
    ),
    "margin": ("--margin", '--margin 30 (percent; also "30%" or 0.3)'),
    "lifetime": ("the lifetime", _LIFETIME_EXAMPLE),
    "lifetime_months": ("--lifetime-months/--lifetime-years", _LIFETIME_EXAMPLE),
    "monthly_churn": ("the churn", "--churn 5 (percent a month), or " + _COUNTS_EXAMPLE),
    "customers_start": ("--customers-start", _COUNTS_EXAMPLE),
    "customers_end": ("--customers-end", _COUNTS_EXAMPLE),
    "period_months": ("--period-months", "--period-months 3 (also '1 year')"),
    "cac": ("--cac", "--cac 1500"),
    "annual_discount_rate": (
        "--discount-rate",
        '--discount-rate 12 (percent a year; also "12%" or 0.12)',
    ),
    "currency": ("the currency", "--currency USD, the same as any sign in --aov and --cac"),
    "currency_code": ("--currency", "--currency USD (an ISO 4217 code: RUB, USD, EUR, KZT...)"),
    "business": ("--business", "--business coffee"),
    "horizon_months": ("--horizon-months", "--horizon-months 12 (whole months; also '2 years')"),
    "monthly_discount_rate": (
        "--monthly-discount-rate",
        '--monthly-discount-rate 1 (percent a month; also "1%" or 0.01)',
    ),
    "file": ("file", f"{_ANALYZE_EXAMPLE} (the path to a CSV or XLSX export)"),
    "csv": ("--csv", "--csv predictions.csv (in a folder that exists)"),
    "command": ("COMMAND", _COMMAND_EXAMPLE),
    "ltv": ("ltv", _COMMAND_EXAMPLE),
    "ltv calc": ("ltv calc", _CALC_EXAMPLE),
    "ltv analyze": ("ltv analyze", _ANALYZE_EXAMPLE),
}

_SENTENCES: Mapping[Reason | UsageReason, str] = {
    Reason.EMPTY: "no value was given",
    Reason.NOT_A_NUMBER: "{text!r} is not a number",
    Reason.NEGATIVE: "it cannot be negative",
    Reason.ZERO: "it cannot be zero",
    Reason.NOT_FINITE: "it must be a finite number",
    Reason.TOO_LARGE: "it is implausibly large (at most {high})",
    Reason.TOO_SMALL: "it is implausibly small (at least {low})",
    Reason.MARGIN_ABOVE_100: "a gross margin cannot exceed 100%",
    Reason.CHURN_100_OR_MORE: "a monthly churn of 100% or more leaves no customer for a month",
    Reason.END_ABOVE_START: (
        "{end:g} customers at the end but {start:g} at the start: count at the end only the "
        "customers of the start who still buy (new customers do not count)"
    ),
    Reason.NOT_WHOLE: "a number of customers must be whole",
    Reason.UNKNOWN_UNIT: "{unit!r} is not a unit I know",
    Reason.AMBIGUOUS: "{text!r} holds more than one value",
    Reason.MISSING: "it is required",
    Reason.CONFLICT: "{conflict} ({currencies})",
    UsageReason.UNKNOWN_COMMAND: "{text!r} is not a command",
    UsageReason.UNKNOWN_OPTION: "it is not an option of {command}",
    UsageReason.BAD_USAGE: "{said}",
    UsageReason.CONFLICTING_OPTIONS: "{given} cannot be used together; state it one way",
    UsageReason.NOT_A_CHOICE: "{text!r} is not one of {choices}",
    UsageReason.UNKNOWN_CURRENCY: "{text!r} is not an ISO 4217 currency code",
    UsageReason.CANNOT_READ: "cannot read {path}: {why}",
    UsageReason.CANNOT_WRITE: "cannot write {path}: {why}",
}
_WITHOUT_DETAILS: Mapping[
    Reason | UsageReason, str
] = {  # where a detail the sentence quotes is absent
    Reason.NOT_A_NUMBER: "it is not a number",
    Reason.TOO_LARGE: "it is implausibly large",
    Reason.TOO_SMALL: "it is implausibly small",
    Reason.END_ABOVE_START: (
        "more customers at the end than at the start: count at the end only the customers of "
        "the start who still buy (new customers do not count)"
    ),
    Reason.UNKNOWN_UNIT: "its unit is not one I know",
    Reason.AMBIGUOUS: "it holds more than one value",
    Reason.CONFLICT: "it names two currencies",
    UsageReason.UNKNOWN_COMMAND: "it is not a command",
    UsageReason.UNKNOWN_OPTION: "it is not an option of this command",
    UsageReason.BAD_USAGE: "the command line is malformed",
    UsageReason.CONFLICTING_OPTIONS: "options of two ways were given; state it one way",
    UsageReason.NOT_A_CHOICE: "it is not one of the choices",
    UsageReason.UNKNOWN_CURRENCY: "it is not an ISO 4217 currency code",
    UsageReason.CANNOT_READ: "the file cannot be read",
    UsageReason.CANNOT_WRITE: "the file cannot be written",
}
_SPECIAL: Mapping[
    tuple[Reason | UsageReason, str], str
] = {  # (reason, hint or detail) -> sentence
    (Reason.ZERO, "no_churn_observed"): (
        "as many customers at the end as at the start ({start:g}): no churn was seen, so the "
        "lifetime is unknown; state it in months instead"
    ),
    (Reason.NOT_A_NUMBER, "too_long"): "the value is too long (at most {limit} characters)",
    (Reason.CHURN_100_OR_MORE, "end"): (
        "none of the {start:g} customers was left at the end: that is a churn of 100%"
    ),
    (Reason.NOT_WHOLE, "months"): "{months:g} is not a whole number of months",
}


_SHARES = frozenset(  # limits shown in %
    {"margin", "monthly_churn", "annual_discount_rate", "monthly_discount_rate"}
)
# Limits are in the engine's units, whatever option was used (--lifetime-years, per year).
_LIMIT_UNITS = {
    "lifetime_months": " months",
    "period_months": " months",
    "horizon_months": " months",
    "orders_per_month": " orders a month",
    "annual_discount_rate": " a year",
    "monthly_discount_rate": " a month",
}


def explain(error: InvalidInput | UsageError) -> str:
    """``--aov: 'abc' is not a number. For example: --aov 2500 (...) [not_a_number]``."""
    field = error.field or ""
    option, example = OPTIONS.get(field, (field or "the input", ""))
    option = error.details.get("option") or option
    limits = {
        key: _shown(error.details[key], share=field in _SHARES) + _LIMIT_UNITS.get(field, "")
        for key in ("low", "high")
        if isinstance(error.details.get(key), int | float)
    }
    sentence = _sentence(error.reason, error.details | limits)
    for_example = f". For example: {example}" if example else ""
    return f"{option}: {sentence}{for_example} [{error.reason.value}]"


def _shown(limit: float, *, share: bool) -> str:
    """1e9 as "1,000,000,000", a share of 1.0 as "100%", 1/1200 of a share as "0.0833%"."""
    if share:
        return f"{limit * 100:.3g}%"
    return f"{limit:,.0f}" if limit >= 1000 else f"{limit:.3g}"


def _sentence(reason: Reason | UsageReason, details: Mapping[str, Any]) -> str:
    template = _SENTENCES[reason]
    for (special_reason, key), special in _SPECIAL.items():
        if special_reason is reason and (details.get("hint") == key or key in details):
            template = special
    try:
        return template.format_map({**details, **_currencies(details)})
    except (KeyError, ValueError, TypeError):
        return _WITHOUT_DETAILS[reason]


def _currencies(details: Mapping[str, Any]) -> dict[str, str]:
    """The currencies of a conflict: those of one value ("$5 €"), or of the options given."""
    if details.get("currencies"):
        named = " and ".join(details["currencies"])
        return {"currencies": named, "conflict": "its signs name two currencies"}
    if details.get("given"):
        given = " and ".join(details["given"].split("/"))
        return {"currencies": given, "conflict": "the currencies given differ"}
    return {}
