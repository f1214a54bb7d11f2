"""The ``ltv`` command line: ``ltv calc --aov 2500 --orders-per-month 1.5 --margin 30 ...``.

Values are read as people type them (``"2 500 ₽"``, ``"30%"``, ``"1,5"``) by ltv_engine.parsing.
Bad input prints one line, ``error: <option>: <what is wrong>. For example: ... [<reason>]``
(see ltv_engine.cli_messages), and exits with code 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from ltv_engine import parsing
from ltv_engine.advice import Advice, advise
from ltv_engine.calc import calculate
from ltv_engine.cli_messages import explain
from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.model import Business, Lifetime, LifetimeSource, LtvInputs, LtvResult
from ltv_engine.orders.cli import register as register_analyze

USAGE_ERROR = 2
DEFAULT_CURRENCY = "RUB"
LABEL_WIDTH = 28
VALUE_WIDTH = 18

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """argparse found the command line malformed (unknown option, missing value...)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ltv", description="What a customer is worth to a shop (LTV).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
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
    frequency = calc.add_mutually_exclusive_group()
    frequency.add_argument("--orders-per-month", metavar="N")
    frequency.add_argument("--orders-per-year", metavar="N")
    calc.add_argument("--margin", metavar="PERCENT", help="gross margin, e.g. 30 or '30 %%'")
    lifetime = calc.add_mutually_exclusive_group()
    lifetime.add_argument("--lifetime-months", metavar="N")
    lifetime.add_argument("--lifetime-years", metavar="N")
    lifetime.add_argument(
        "--churn",
        metavar="PERCENT",
        help="monthly churn: 5 or '5%%' (below 1 without %% is a share)",
    )
    lifetime.add_argument("--customers-start", metavar="N", help="customers at the period start")
    calc.add_argument("--customers-end", metavar="N", help="of those, still buying at the end")
    calc.add_argument("--period-months", metavar="N", help="length of that period (default 1)")
    calc.add_argument("--cac", metavar="MONEY", help="customer acquisition cost")
    calc.add_argument("--discount-rate", metavar="PERCENT", help="annual, e.g. 12")
    calc.add_argument("--currency", metavar="CODE", help=f"ISO code (default {DEFAULT_CURRENCY})")
    kinds = ", ".join(kind.value for kind in Business)
    calc.add_argument(
        "--business", type=Business, choices=list(Business), metavar="KIND", help=kinds
    )
    calc.add_argument("--json", action="store_true", help="print JSON instead of a table")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        handler: Handler = args.handler
        return handler(args)
    except UsageError as error:
        return _fail(f"usage: {error}")
    except InvalidInput as error:
        return _fail(explain(error))
    except BrokenPipeError:  # `ltv calc ... | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return USAGE_ERROR


# --- calc -----------------------------------------------------------------------------------


def run_calc(args: argparse.Namespace) -> int:
    result = calculate(inputs_from_args(args))
    advice = advise(result)
    print(_as_json(result, advice) if args.json else _as_table(result, advice))
    return 0


def inputs_from_args(args: argparse.Namespace) -> LtvInputs:
    aov = parsing.parse_money(_required(args.aov, "aov"), field="aov")
    cac = None if args.cac is None else parsing.parse_money(args.cac, field="cac")
    return LtvInputs(
        aov=aov.amount,
        orders_per_month=_orders_per_month(args),
        lifetime=_lifetime(args),
        margin=_share(args.margin, "margin"),
        cac=None if cac is None else cac.amount,
        annual_discount_rate=_share(args.discount_rate, "annual_discount_rate"),
        currency=_currency(args.currency, aov.currency, cac.currency if cac else None),
        business=args.business,
    )


def _required(text: str | None, field: str) -> str:
    if text is None:
        raise InvalidInput(Reason.MISSING, field)
    return text


def _share(text: str | None, field: str) -> float | None:
    return None if text is None else parsing.parse_share(text, field=field)


def _orders_per_month(args: argparse.Namespace) -> float:
    if args.orders_per_year is not None:
        return parsing.parse_frequency(args.orders_per_year, default_per="year")
    return parsing.parse_frequency(
        _required(args.orders_per_month, "orders_per_month"), default_per="month"
    )


def _lifetime(args: argparse.Namespace) -> Lifetime:
    if args.lifetime_months is not None:
        months = parsing.parse_duration_months(args.lifetime_months, default_unit="months")
        return Lifetime(LifetimeSource.MONTHS, months=months)
    if args.lifetime_years is not None:
        months = parsing.parse_duration_months(args.lifetime_years, default_unit="years")
        return Lifetime(LifetimeSource.MONTHS, months=months)
    if args.churn is not None:
        churn = parsing.parse_churn(args.churn)
        return Lifetime(LifetimeSource.CHURN, monthly_churn=churn)
    if args.customers_start is None and args.customers_end is None:
        raise InvalidInput(Reason.MISSING, "lifetime")
    period = args.period_months
    return Lifetime(
        LifetimeSource.COUNTS,
        customers_start=_count(args.customers_start, "customers_start"),
        customers_end=_count(args.customers_end, "customers_end"),
        period_months=1.0 if period is None else _period_months(period),
    )


def _period_months(text: str) -> float:
    try:
        return parsing.parse_duration_months(text, default_unit="months")
    except InvalidInput as error:  # the parser names every duration a lifetime
        raise InvalidInput(error.reason, "period_months", **error.details) from None


def _count(text: str | None, field: str) -> int:
    return parsing.parse_count(_required(text, field), field=field)


def _currency(*stated: str | None) -> str:
    codes = {code.upper() for code in stated if code}
    if len(codes) > 1:
        raise InvalidInput(Reason.CONFLICT, "currency", given="/".join(sorted(codes)))
    return codes.pop() if codes else DEFAULT_CURRENCY


# --- output ---------------------------------------------------------------------------------


def _as_json(result: LtvResult, advice: tuple[Advice, ...]) -> str:
    document = dataclasses.asdict(result)
    document["sensitivity"] = [effect._asdict() for effect in result.sensitivity]
    document["advice"] = [item._asdict() for item in advice]
    return json.dumps(document, indent=2, ensure_ascii=False)


def _as_table(result: LtvResult, advice: tuple[Advice, ...]) -> str:
    sections = (
        _section(f"Inputs ({result.inputs.currency})", _input_rows(result.inputs)),
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


def _input_rows(inputs: LtvInputs) -> list[Row]:
    rows = [
        ("Average order value", _money(inputs.aov)),
        ("Orders per month", f"{inputs.orders_per_month:.3g}"),
        ("Lifetime stated as", inputs.lifetime.source.value),
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
        ("Lifetime, months", f"{result.lifetime_months:,.1f}"),
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
    if result.payback_months is not None:
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
