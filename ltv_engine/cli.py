"""The ``ltv`` command line: ``ltv calc --aov 2500 --orders-per-month 1.5 --margin 30 ...``.

Values are read as people type them (``"2 500 ₽"``, ``"30%"``, ``"1,5"``) by ltv_engine.parsing.
Bad input, and a command line argparse or the commands refuse (``ltv_engine.cli_usage``),
prints one line, ``error: <option>: <what is wrong>. For example: ... [<reason>]`` (see
ltv_engine.cli_messages), and exits with code 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar

from ltv_engine import parsing
from ltv_engine.advice import Advice, advise
from ltv_engine.calc import calculate
from ltv_engine.cli_messages import explain
from ltv_engine.cli_options import (
    ANNUAL_DISCOUNT,
    parse_currency,
    parse_discount_rate,
    parse_months,
)
from ltv_engine.cli_usage import CommandLineParser, UsageError, UsageReason, fail
from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.model import (
    DEFAULT_CURRENCY,
    Band,
    Business,
    Lifetime,
    LifetimeSource,
    LtvInputs,
    LtvResult,
)
from ltv_engine.orders.cli import register as register_analyze

LABEL_WIDTH = 28
VALUE_WIDTH = 18
SIGNIFICANT_DIGITS = 3

Handler = Callable[[argparse.Namespace], int]
Way = TypeVar("Way", bound=str)

# The options of one input, each a way of stating it: two ways together are refused.
FREQUENCY_WAYS: Mapping[str, Literal["month", "year"]] = {
    "--orders-per-month": "month",
    "--orders-per-year": "year",
}
LifetimeWay = Literal["months", "years", "churn", "customer counts"]
LIFETIME_WAYS: Mapping[str, LifetimeWay] = {
    "--lifetime-months": "months",
    "--lifetime-years": "years",
    "--churn": "churn",
    "--customers-start": "customer counts",
    "--customers-end": "customer counts",
    "--period-months": "customer counts",
}


def build_parser() -> argparse.ArgumentParser:
    parser = CommandLineParser(prog="ltv", description="What a customer is worth to a shop (LTV).")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_calc_arguments(
        add_command(commands, "calc", "Compute LTV, LTV:CAC, the levers and advice.", run_calc)
    )
    register_analyze(commands)
    return parser


def add_command(
    commands: argparse._SubParsersAction[Any], name: str, summary: str, handler: Handler
) -> argparse.ArgumentParser:
    """Register a subcommand whose ``handler(args)`` returns the exit code."""
    command: argparse.ArgumentParser = commands.add_parser(name, help=summary, description=summary)
    command.set_defaults(handler=handler)
    return command


def _add_calc_arguments(calc: argparse.ArgumentParser) -> None:
    calc.add_argument("--aov", metavar="MONEY", help="average order value, e.g. '2 500 ₽'")
    calc.add_argument("--orders-per-month", metavar="N", help="orders a customer places a month")
    calc.add_argument("--orders-per-year", metavar="N", help="or a year")
    calc.add_argument("--margin", metavar="PERCENT", help="gross margin, e.g. 30 or '30 %%'")
    calc.add_argument("--lifetime-months", metavar="N", help="lifetime, one way only: months")
    calc.add_argument("--lifetime-years", metavar="N", help="or in years")
    calc.add_argument(
        "--churn",
        metavar="PERCENT",
        help="or monthly churn: 5 or '5%%' (below 1 without %% is a share)",
    )
    calc.add_argument("--customers-start", metavar="N", help="or customers at a period's start")
    calc.add_argument("--customers-end", metavar="N", help="of those, still buying at its end")
    calc.add_argument("--period-months", metavar="N", help="length of that period (default 1)")
    calc.add_argument("--cac", metavar="MONEY", help="customer acquisition cost")
    calc.add_argument(
        "--discount-rate",
        metavar="PERCENT",
        help="annual discount rate: 12, '12%%' or 0.12 (below 1 without %% is a share)",
    )
    calc.add_argument(
        "--currency", metavar="CODE", help=f"ISO 4217 code (default {DEFAULT_CURRENCY})"
    )
    calc.add_argument("--business", metavar="KIND", help=", ".join(Business))
    calc.add_argument("--json", action="store_true", help="print JSON instead of a table")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise InvalidInput(Reason.MISSING, "command")
        handler: Handler = args.handler
        return handler(args)
    except (InvalidInput, UsageError) as error:
        return fail(explain(error))
    except BrokenPipeError:  # `ltv calc ... | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


# --- calc -----------------------------------------------------------------------------------


def run_calc(args: argparse.Namespace) -> int:
    result = calculate(inputs_from_args(args))
    advice = advise(result)
    if args.json:
        print(_as_json(result, advice))
    else:
        print(_as_table(result, advice, lifetime_stated_as=_lifetime_stated(args)[0]))
    return 0


def inputs_from_args(args: argparse.Namespace) -> LtvInputs:
    aov = parsing.parse_money(_required(args.aov, "aov"), field="aov")
    cac = None if args.cac is None else parsing.parse_money(args.cac, field="cac")
    rate = args.discount_rate
    return LtvInputs(
        aov=aov.amount,
        orders_per_month=_orders_per_month(args),
        lifetime=_lifetime(args),
        margin=None if args.margin is None else parsing.parse_share(args.margin, field="margin"),
        cac=None if cac is None else cac.amount,
        annual_discount_rate=None if rate is None else parse_discount_rate(rate, ANNUAL_DISCOUNT),
        currency=_currency(args.currency, aov.currency, cac.currency if cac else None),
        business=_business(args.business),
    )


def _required(text: str | None, field: str) -> str:
    if text is None:
        raise InvalidInput(Reason.MISSING, field)
    return text


def _given(args: argparse.Namespace, option: str) -> str | None:
    """The text typed for ``option``, by argparse's rule for its attribute's name."""
    text: str | None = getattr(args, option.removeprefix("--").replace("-", "_"))
    return text


def _stated(
    args: argparse.Namespace, ways: Mapping[str, Way], field: str
) -> tuple[Way, str] | None:
    """How ``field`` was stated (``ways`` maps its options to their way) and the text of its
    first option given; None when not at all. Options of two ways together are refused."""
    given = {option: text for option in ways if (text := _given(args, option)) is not None}
    if len({ways[option] for option in given}) > 1:
        raise UsageError(UsageReason.CONFLICTING_OPTIONS, field, given=" and ".join(given))
    first = next(iter(given), None)
    return None if first is None else (ways[first], given[first])


def _orders_per_month(args: argparse.Namespace) -> float:
    stated = _stated(args, FREQUENCY_WAYS, "orders_per_month")
    if stated is None:
        raise InvalidInput(Reason.MISSING, "orders_per_month")
    per, text = stated
    return parsing.parse_frequency(text, default_per=per)


def _lifetime_stated(args: argparse.Namespace) -> tuple[LifetimeWay, str]:
    stated = _stated(args, LIFETIME_WAYS, "lifetime")
    if stated is None:
        raise InvalidInput(Reason.MISSING, "lifetime")
    return stated


def _lifetime(args: argparse.Namespace) -> Lifetime:
    way, text = _lifetime_stated(args)
    if way == "churn":
        return Lifetime(LifetimeSource.CHURN, monthly_churn=parsing.parse_churn(text))
    if way == "customer counts":
        period = args.period_months
        return Lifetime(
            LifetimeSource.COUNTS,
            customers_start=_count(args.customers_start, "customers_start"),
            customers_end=_count(args.customers_end, "customers_end"),
            period_months=1.0 if period is None else parse_months(period, "period_months"),
        )
    months = parsing.parse_duration_months(text, default_unit=way)
    return Lifetime(LifetimeSource.MONTHS, months=months)


def _count(text: str | None, field: str) -> int:
    return parsing.parse_count(_required(text, field), field=field)


def _currency(code: str | None, *signs: str | None) -> str:
    """``--currency`` (an ISO code), and the currencies the money's signs name: one at most."""
    codes = {sign for sign in signs if sign}
    if code is not None:
        codes.add(parse_currency(code))
    if len(codes) > 1:
        raise InvalidInput(Reason.CONFLICT, "currency", given="/".join(sorted(codes)))
    return codes.pop() if codes else DEFAULT_CURRENCY


def _business(text: str | None) -> Business | None:
    if text is None:
        return None
    try:
        return Business(text.strip().lower())
    except ValueError:
        choices = ", ".join(Business)
        raise UsageError(
            UsageReason.NOT_A_CHOICE, "business", text=text, choices=choices
        ) from None


# --- output ---------------------------------------------------------------------------------


def _as_json(result: LtvResult, advice: tuple[Advice, ...]) -> str:
    document = result._asdict()
    document["inputs"] = dataclasses.asdict(result.inputs)
    document["sensitivity"] = [effect._asdict() for effect in result.sensitivity]
    document["advice"] = [item._asdict() for item in advice]
    return json.dumps(document, indent=2, ensure_ascii=False)


def _as_table(result: LtvResult, advice: tuple[Advice, ...], *, lifetime_stated_as: str) -> str:
    inputs = result.inputs
    sections = (
        _section(f"Inputs ({inputs.currency})", _input_rows(inputs, lifetime_stated_as)),
        _section("Result", _result_rows(result)),
        _sensitivity_table(result),
        _advice_table(advice),
    )
    return "\n\n".join(sections)


Row = tuple[str, str]


def _section(title: str, rows: list[Row]) -> str:
    lines = [title] + [f"  {label:<{LABEL_WIDTH}}{value:>{VALUE_WIDTH}}" for label, value in rows]
    return "\n".join(lines)


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _percent(share: float) -> str:
    return f"{share * 100:.2f} %"


def _quantity(value: float) -> str:
    """Three significant digits and never an exponent: "1,000", "18", "1.5", "0.012"."""
    decimals = max(0, SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(value))) if value > 0 else 0
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if decimals else text


def _input_rows(inputs: LtvInputs, lifetime_stated_as: str) -> list[Row]:
    rows = [
        ("Average order value", _money(inputs.aov)),
        ("Orders per month", _quantity(inputs.orders_per_month)),
        ("Lifetime stated as", lifetime_stated_as),
    ]
    if inputs.margin is not None:
        rows.append(("Gross margin", _percent(inputs.margin)))
    if inputs.cac is not None:
        rows.append(("CAC", _money(inputs.cac)))
    if inputs.annual_discount_rate is not None:
        rows.append(("Annual discount rate", _percent(inputs.annual_discount_rate)))
    if inputs.business is not None:
        rows.append(("Business", inputs.business.value))
    return rows


def _result_rows(result: LtvResult) -> list[Row]:
    rows = [
        ("Lifetime, months", _quantity(result.lifetime_months)),
        ("Monthly churn", _percent(result.monthly_churn)),
        ("Expected orders", f"{result.expected_orders:,.1f}"),
        ("Revenue LTV", _money(result.revenue_ltv)),
    ]
    if result.gross_profit_ltv is not None:
        rows.append(("Gross-profit LTV", _money(result.gross_profit_ltv)))
    rows.append(("LTV (headline)", _money(result.ltv)))
    if result.discounted_ltv is not None:
        rows.append(("Discounted LTV", _money(result.discounted_ltv)))
    rows.append(("Value per month", _money(result.value_per_month)))
    if result.ltv_cac is not None and result.band is not None:
        rows.append(("LTV:CAC", f"{result.ltv_cac:,.2f} {result.band.value}"))
    if result.band is Band.LOSES_MONEY:  # the bot's rule: CAC above LTV is never paid back
        rows.append(("Payback, months", "beyond lifetime"))
    elif result.payback_months is not None:
        rows.append(("Payback, months", f"{result.payback_months:,.1f}"))
    rows.append(("Max CAC at 3:1", _money(result.max_cac_3_to_1)))
    return rows


def _sensitivity_table(result: LtvResult) -> str:
    lines = [
        "Levers (one step each, best first)",
        f"  {'lever':<12}{'step':>8}{'new LTV':>18}{'uplift':>16}",
    ]
    for effect in result.sensitivity:
        step = f"+{effect.step * 100:.0f} {'pt' if effect.lever == 'margin' else '%'}"
        lines.append(
            f"  {effect.lever.value:<12}{step:>8}"
            f"{_money(effect.new_ltv):>18}{_money(effect.uplift):>16}"
        )
    return "\n".join(lines)


def _advice_table(advice: tuple[Advice, ...]) -> str:
    lines = ["Advice (best first)", f"  {'rule':<26}{'family':<14}{'trigger':<22}{'worth':>12}"]
    for item in advice:
        lines.append(
            f"  {item.rule_id:<26}{item.family.value:<14}{item.trigger:<22}"
            f"{_money(item.worth):>12}"
        )
    return "\n".join(lines)
