"""The CPU-bound steps of an order file's analysis: plain functions the handlers run in
worker threads (``asyncio.to_thread``), so the event loop keeps answering other chats."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from ltv_engine.model import LtvInputs
from ltv_engine.orders import charts
from ltv_engine.orders.analysis import UNIT_DAYS, Analysis, analyze
from ltv_engine.orders.ingest import ColumnGuess, read_orders, sniff
from ltv_engine.orders.ingest_columns import Column
from ltv_engine.orders.table import IngestReport, OrderTable, as_date, day_of

Labels = Mapping[str, Mapping[str, str]]  # chart -> label key -> text


@dataclass(frozen=True, slots=True)
class Understood:
    """What the reader made of the file, for the person to check."""

    report: IngestReport
    headers: tuple[str, ...]
    by_content: frozenset[str]  # roles guessed from the values, not from the header name
    n_orders: int
    n_customers: int
    first_day: date
    last_day: date
    currency: str | None


@dataclass(frozen=True, slots=True)
class Chart:
    kind: str  # retention | clv | cumulative
    png: bytes


def understand(data: bytes, file_name: str, overrides: Mapping[str, Column]) -> Understood:
    """Raises InvalidOrdersFile."""
    table, report = read_orders(data, file_name, overrides=overrides, latest_day=_tomorrow())
    guess: ColumnGuess = sniff(data, file_name)
    return Understood(
        report=report,
        headers=guess.headers,
        by_content=guess.by_content - set(overrides),
        n_orders=table.n_orders,
        n_customers=table.n_customers,
        first_day=as_date(int(table.day.min())),
        last_day=as_date(int(table.day.max())),
        currency=table.currency,
    )


def analyse(
    data: bytes, file_name: str, overrides: Mapping[str, Column]
) -> tuple[OrderTable, Analysis]:
    """Raises InvalidOrdersFile."""
    table, _ = read_orders(data, file_name, overrides=overrides, latest_day=_tomorrow())
    return table, analyze(table)


def _tomorrow() -> int:
    """The last day an order may be dated: tomorrow in UTC, as a shop east of UTC is ahead."""
    return day_of(datetime.now(UTC).date()) + 1


def draw(
    table: OrderTable, analysis: Analysis, currency_label: str, labels: Labels
) -> list[Chart]:
    """The cohort heatmap always; the CLV charts only when a model predicted CLV."""
    drawn = [Chart("retention", charts.retention_heatmap(analysis.cohorts, labels["retention"]))]
    if analysis.bg is not None:
        clv = charts.clv_histogram(analysis.customers.clv, currency_label, labels["clv"])
        cumulative = charts.cumulative_purchases_chart(
            table, analysis.bg, labels["cumulative"], unit_days=UNIT_DAYS
        )
        drawn += [Chart("clv", clv), Chart("cumulative", cumulative)]
    return drawn


def with_profile_extras(measured: LtvInputs, previous: LtvInputs | None) -> LtvInputs:
    """The measured inputs, keeping what orders cannot tell from the chat's profile: the
    business, the discount rate, the CAC (in the same currency only) and a margin when the
    export had no costs."""
    if previous is None:
        return measured
    return replace(
        measured,
        business=previous.business,
        annual_discount_rate=previous.annual_discount_rate,
        cac=previous.cac if previous.currency == measured.currency else None,
        margin=measured.margin if measured.margin is not None else previous.margin,
    )
