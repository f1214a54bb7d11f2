"""``ltv analyze FILE``: the order-export analysis from the command line.

Prints a readable summary (codes as they are, in English) or, with ``--json``, one JSON
document; ``--csv OUT`` also writes the per-customer predictions. The bot's charts are not
drawn. Options are read before the file (``ltv_engine.cli_options``: ``--monthly-discount-rate``
is a month's rate, as the model discounts; ``--discount-rate`` is its old name). A file the
reader refuses prints ``error: file: <what is wrong and what to do> [<reason code> <details>]``
(see ``cli_messages``), one that cannot be read or written at all ``error: file: cannot read
<path>: <the system's reason>. For example: ... [cannot_read]`` (``--csv`` for the output);
all exit with code 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from datetime import date
from pathlib import Path
from typing import Any, Literal

from ltv_engine.calc import calculate
from ltv_engine.cli_messages import explain
from ltv_engine.cli_options import (
    MONTHLY_DISCOUNT,
    annual_from_monthly,
    parse_discount_rate,
    parse_whole_months,
)
from ltv_engine.cli_usage import USAGE_ERROR, UsageError, UsageReason, fail
from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.model import DEFAULT_CURRENCY
from ltv_engine.orders.analysis import (
    TOP_SHARE,
    Analysis,
    analyze,
    clv_summary,
    measured_ltv_inputs,
)
from ltv_engine.orders.cli_messages import explain_file
from ltv_engine.orders.errors import InvalidOrdersFile
from ltv_engine.orders.export import predictions_csv
from ltv_engine.orders.holdout import HoldoutCheck
from ltv_engine.orders.ingest import read_orders_file
from ltv_engine.orders.measured import MeasuredInputs
from ltv_engine.orders.table import IngestReport, OrderTable, as_date, day_of

FILE_ERROR = USAGE_ERROR
LABEL_WIDTH = 30


def register(subparsers: argparse._SubParsersAction[Any]) -> argparse.ArgumentParser:
    """Add the ``analyze`` command; its handler (``args.handler(args)``) returns the exit code."""
    summary = "Analyse an order export: measured LTV inputs, cohorts, segments, predicted CLV."
    command: argparse.ArgumentParser = subparsers.add_parser(
        "analyze", help=summary, description=summary
    )
    command.add_argument("file", nargs="?", metavar="FILE", help="CSV or XLSX order export")
    command.add_argument(
        "--horizon-months",
        default="12",
        metavar="N",
        help="months of predicted value (default 12)",
    )
    command.add_argument(
        "--monthly-discount-rate",
        default="1",
        metavar="PERCENT",
        help="a month's rate: 1, '1%%' or 0.01 (below 1 without %% is a share); default 1 %%",
    )
    command.add_argument(  # the option's old name, before ltv calc's annual one shared it
        "--discount-rate", dest="monthly_discount_rate", help=argparse.SUPPRESS
    )
    command.add_argument("--json", action="store_true", help="print JSON instead of text")
    command.add_argument("--csv", metavar="OUT", help="write per-customer predictions")
    command.set_defaults(handler=run_analyze)
    # FILE is optional to argparse only so that its absence is refused in the one-line format
    # (run_analyze): the usage says it is required.
    command.usage = (
        command.format_usage().removeprefix("usage: ").strip().replace("[FILE]", "FILE")
    )
    return command


def run_analyze(args: argparse.Namespace) -> int:
    """Analyse ``args.file``; options it cannot use raise (``InvalidInput``, ``UsageError``),
    a file it cannot read or write is said here."""
    horizon_months = parse_whole_months(args.horizon_months, "horizon_months")
    monthly_discount_rate = parse_discount_rate(args.monthly_discount_rate, MONTHLY_DISCOUNT)
    if args.file is None:
        raise InvalidInput(Reason.MISSING, "file")
    try:
        table, report = read_orders_file(Path(args.file), latest_day=day_of(date.today()) + 1)
    except InvalidOrdersFile as error:
        return fail(f"file: {explain_file(error)}")
    except OSError as error:
        return _cannot(UsageReason.CANNOT_READ, "file", args.file, error)
    analysis = analyze(
        table, horizon_months=horizon_months, monthly_discount_rate=monthly_discount_rate
    )
    if args.csv is not None:
        try:
            Path(args.csv).write_bytes(predictions_csv(analysis))
        except OSError as error:
            return _cannot(UsageReason.CANNOT_WRITE, "csv", args.csv, error)
    currency = _currency_of(table, report)
    text = as_json if args.json else as_text
    print(text(analysis, report, currency))
    return 0


def _cannot(reason: UsageReason, field: str, path: str, error: OSError) -> int:
    why = error.strerror or str(error)
    return fail(explain(UsageError(reason, field, path=path, why=why)))


@dataclasses.dataclass(frozen=True, slots=True)
class Currency:
    """The currency of the file's money: the one its signs or currency column name, or the
    default when it names none, or more than one."""

    code: str
    in_file: Literal["one", "none", "mixed"]


def _currency_of(table: OrderTable, report: IngestReport) -> Currency:
    if table.currency is not None:
        return Currency(table.currency, "one")
    return Currency(DEFAULT_CURRENCY, "mixed" if "currency_mixed" in report.notes else "none")


def as_json(analysis: Analysis, report: IngestReport, currency: Currency) -> str:
    """Everything but the per-customer arrays (those go to ``--csv``), plus CLV statistics and
    the calculator's LTV from the measured inputs (null when no customer, or too few, lapsed).
    Days are ISO dates."""
    document = {
        "file": dataclasses.asdict(report),
        "currency": dataclasses.asdict(currency),
        "measured": _measured_fields(analysis.measured),
        "calculator_ltv": calculator_ltv(analysis, currency.code),
        "cohorts": {
            "months": list(analysis.cohorts.months),
            "sizes": analysis.cohorts.sizes.tolist(),
            "retention": analysis.cohorts.retention.tolist(),
            "cumulative_revenue_per_customer": (
                analysis.cohorts.cumulative_revenue_per_customer.tolist()
            ),
        },
        "segments": [dataclasses.asdict(segment) for segment in analysis.segments],
        "bg_nbd": _fields(analysis.bg),
        "gamma_gamma": _fields(analysis.gg),
        "holdout": _holdout_fields(analysis.holdout),
        "clv": _fields(clv_summary(analysis.customers.clv)),
        "notes": list(analysis.notes),
        "advice": list(analysis.advice),
        "horizon_months": analysis.horizon_months,
        "monthly_discount_rate": analysis.monthly_discount_rate,
        "margin_applied": analysis.margin_applied,
        "average_repeat_spend": analysis.average_repeat_spend,
    }
    return json.dumps(_without_nan(document), indent=2, ensure_ascii=False)


def _measured_fields(m: MeasuredInputs) -> dict[str, Any]:
    """The measured inputs, with null for the frequency and churn of a too short export."""
    fields = dataclasses.asdict(m) | {
        "first_day": _iso(m.first_day),
        "last_day": _iso(m.last_day),
        "history_days": m.history_days,
        "too_short": m.too_short,
        "too_few_lapsed": m.too_few_lapsed,
    }
    if m.too_short:
        fields |= {"orders_per_month": None, "monthly_churn": None}
    return fields


def _fields(item: Any) -> dict[str, Any] | None:
    return None if item is None else dataclasses.asdict(item)


def _holdout_fields(holdout: HoldoutCheck | None) -> dict[str, Any] | None:
    if holdout is None:
        return None
    return dataclasses.asdict(holdout) | {"calibration_end_day": _iso(holdout.calibration_end_day)}


def _without_nan(value: Any) -> Any:
    """JSON has no NaN: unknown numbers become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _without_nan(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nan(item) for item in value]
    return value


def calculator_ltv(analysis: Analysis, currency: str) -> float | None:
    """LTV by the calculator's formula from the measured inputs, as the bot shows it."""
    inputs = measured_ltv_inputs(analysis, currency)
    return None if inputs is None else calculate(inputs, with_sensitivity=False).ltv


def as_text(analysis: Analysis, report: IngestReport, currency: Currency) -> str:
    m = analysis.measured
    sections = [
        _section(
            "Orders",
            [
                *([("Sheet", report.sheet)] if report.sheet else []),
                ("Orders used / rows read", f"{report.orders_used:,} / {report.rows_read:,}"),
                *_set_aside_rows(report),
                *_returns_rows(report),
                ("Customers", f"{m.n_customers:,}"),
                ("Period", f"{_iso(m.first_day)} .. {_iso(m.last_day)}"),
                ("Currency", _currency(currency)),
                ("Revenue", _money(m.revenue)),
            ],
        ),
        _section("Measured", _measured_rows(analysis, currency.code)),
        _section("Model", _model_rows(analysis)),
        _section("Segments (count, revenue share, action)", _segment_rows(analysis)),
        _section("Notes", [(code, "") for code in analysis.notes]),
        _section("Advice", [(code, "") for code in analysis.advice]),
    ]
    return "\n\n".join(sections)


Row = tuple[str, str]


def _set_aside_rows(report: IngestReport) -> list[Row]:
    """Every kind of row set aside, as ``--json`` counts them, on one line."""
    counts = {
        "cancelled": report.cancelled,
        "refunded": report.refunded,
        "unpaid": report.unpaid,
        "unposted": report.unposted,
        "zero amount": report.zero_amount,
        "dated in the future": report.future_dated,
        **{f"in {code}": orders for code, orders in report.other_currencies.items()},
        "unreadable": report.malformed,
    }
    shown = ", ".join(f"{count:,} {what}" for what, count in counts.items() if count)
    return [("Set aside", shown)] if shown else []


def _returns_rows(report: IngestReport) -> list[Row]:
    rows = []
    if report.returns_netted:
        netted = f"{report.returns_netted:,}"
        if report.returned_orders:
            netted += f" (whole orders: {report.returned_orders:,})"
        rows.append(("Returns taken off orders", netted))
    if report.partly_refunded:
        rows.append(("Orders less their refunds", f"{report.partly_refunded:,}"))
    return rows


def _section(title: str, rows: list[Row]) -> str:
    body = [f"  {label:<{LABEL_WIDTH}}{value}".rstrip() for label, value in rows]
    return "\n".join([title, *(body or ["  -"])])


_ASSUMED = {"none": "the file names none", "mixed": "the file mixes currencies"}


def _currency(currency: Currency) -> str:
    assumed = _ASSUMED.get(currency.in_file)
    return f"{currency.code} ({assumed})" if assumed else currency.code


def _iso(day: int) -> str:
    return as_date(day).isoformat()


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _measured_rows(analysis: Analysis, currency: str) -> list[Row]:
    m = analysis.measured
    rows = [
        ("Average order value", _money(m.aov)),
        ("Orders per customer-month", _unless_too_short(m, f"{m.orders_per_month:.3f}")),
        ("Repeat rate", f"{m.repeat_rate:.1%}"),
        ("Monthly churn", _unless_too_short(m, _churn(m))),
        ("Observed lifetime, months", f"{m.avg_observed_lifetime_months:.1f}"),
    ]
    if m.margin is not None:
        rows.append(("Gross margin", f"{m.margin:.1%}"))
    ltv = calculator_ltv(analysis, currency)
    rows.append(("Calculator LTV", _no_calculator_ltv(m) if ltv is None else _money(ltv)))
    return rows


def _churn(m: MeasuredInputs) -> str:
    thin = f"; thin: {m.lapsed_customers} lapsed" if m.too_few_lapsed else ""
    return f"{m.monthly_churn:.1%} (lapse after {m.lapse_days} days{thin})"


def _no_calculator_ltv(m: MeasuredInputs) -> str:
    if m.too_few_lapsed:
        lapsed = f"{m.lapsed_customers} customer{'' if m.lapsed_customers == 1 else 's'}"
        return f"- (only {lapsed} lapsed, churn needs {m.min_lapsed_customers})"
    return "- (nobody lapsed yet)"


def _unless_too_short(m: MeasuredInputs, shown: str) -> str:
    if m.too_short:
        days = f"{m.history_days} day{'' if m.history_days == 1 else 's'}"
        return f"- ({days} of orders, not longer than the {m.lapse_days}-day lapse)"
    return shown


def _model_rows(analysis: Analysis) -> list[Row]:
    rows: list[Row] = []
    if analysis.bg is not None:
        bg = analysis.bg
        params = f"r={bg.r:.4g} alpha={bg.alpha:.4g} a={bg.a:.4g} b={bg.b:.4g}"
        rows.append(("BG/NBD (weeks)", params))
    if analysis.gg is not None:
        gg = analysis.gg
        rows.append(("Gamma-Gamma", f"p={gg.p:.4g} q={gg.q:.4g} v={gg.v:.4g}"))
    if analysis.average_repeat_spend is not None:
        rows.append(("Average repeat spend used", _money(analysis.average_repeat_spend)))
    if analysis.holdout is not None:
        h = analysis.holdout
        comparison = (
            f"predicted {h.predicted_total:,.0f}, actual {h.actual_total:,.0f}"
            f" ({h.total_error:+.1%}) over {h.holdout_days} days"
        )
        rows.append(("Holdout repeat purchases", comparison))
    clv = clv_summary(analysis.customers.clv)
    if clv is not None:
        monthly = analysis.monthly_discount_rate
        discount = f"{monthly:.2%} a month ({annual_from_monthly(monthly):.1%} a year)"
        rows.append(("CLV horizon, discount", f"{analysis.horizon_months} months, {discount}"))
        rows.append(("CLV mean", _money(clv.average)))
        rows.append(("CLV median", _money(clv.median)))
        rows.append(("CLV total", _money(clv.total)))
        top = f"{_money(clv.top_average)} each, {clv.top_share:.1%} of the total"
        rows.append((f"CLV top {TOP_SHARE:.0%} of customers", top))
    return rows


def _segment_rows(analysis: Analysis) -> list[Row]:
    return [
        (s.code.value, f"{s.count:>8,}  {s.revenue_share:6.1%}  {s.action_code}")
        for s in analysis.segments
    ]
