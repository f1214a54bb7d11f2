"""The CPU-bound steps of an order file's analysis: plain functions the handlers run in
worker threads (``asyncio.to_thread``), so the event loop keeps answering other chats."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from itertools import islice

from ltv_engine.model import LtvInputs
from ltv_engine.orders import charts
from ltv_engine.orders.analysis import UNIT_DAYS, Analysis, analyze
from ltv_engine.orders.errors import FileReason, InvalidOrdersFile
from ltv_engine.orders.ingest import DEFAULT_LIMITS, ColumnGuess, read_orders, sniff
from ltv_engine.orders.ingest_columns import Column
from ltv_engine.orders.ingest_source import open_source
from ltv_engine.orders.table import IngestReport, OrderTable, as_date, day_of

Labels = Mapping[str, Mapping[str, str]]  # chart -> label key -> text
MISSING_ROLES = {
    FileReason.MISSING_CUSTOMER: "customer",
    FileReason.MISSING_DATE: "date",
    FileReason.MISSING_AMOUNT: "amount",
}
CORRECTABLE_ROLES = tuple(MISSING_ROLES.values())  # the roles the review lets the owner pick
# The role whose column a row's reason for being set aside points at.
ROLE_OF_WHY = {
    "missing_customer": "customer",
    "customer_too_long": "customer",
    "missing_date": "date",
    "bad_date": "date",
    "missing_amount": "amount",
    "bad_amount": "amount",
}
SAMPLE_ROWS = 220  # rows searched for the header and a value under each repeated header


@dataclass(frozen=True, slots=True)
class Understood:
    """What the reader made of the file, for the person to check."""

    report: IngestReport
    headers: tuple[str, ...]
    samples: tuple[str, ...]  # a value of each column whose header repeats; "" for the others
    by_content: frozenset[str]  # roles guessed from the values, not from the header name
    n_orders: int
    n_customers: int
    first_day: date
    last_day: date
    currency: str | None


@dataclass(frozen=True, slots=True)
class Refused:
    """A file refused because of a column: what the review can still show, so the owner
    picks the column instead of editing the export."""

    error: InvalidOrdersFile
    headers: tuple[str, ...]
    samples: tuple[str, ...]
    positions: dict[str, int]  # correctable role -> its column, where one is known

    @property
    def role(self) -> str | None:
        """The role whose column is to blame, when the refusal names one."""
        missing = MISSING_ROLES.get(self.error.reason)
        return missing or ROLE_OF_WHY.get(self.error.details.get("why") or "")


@dataclass(frozen=True, slots=True)
class Chart:
    kind: str  # retention | clv | cumulative
    png: bytes


def understand(
    data: bytes, file_name: str, overrides: Mapping[str, Column]
) -> Understood | Refused:
    """What the file reads as; Refused when a column is missing or unreadable in every row.
    Raises InvalidOrdersFile for the other refusals."""
    try:
        table, report = read_orders(data, file_name, overrides=overrides, latest_day=_tomorrow())
    except InvalidOrdersFile as error:
        return _refused(error, data, file_name, overrides)
    guess = _guess(data, file_name)
    return Understood(
        report=report,
        headers=guess.headers,
        samples=_samples(data, file_name, guess.headers),
        by_content=guess.by_content - set(overrides),
        n_orders=table.n_orders,
        n_customers=table.n_customers,
        first_day=as_date(int(table.day.min())),
        last_day=as_date(int(table.day.max())),
        currency=table.currency,
    )


def _refused(
    error: InvalidOrdersFile, data: bytes, file_name: str, overrides: Mapping[str, Column]
) -> Refused:
    """The refusal with the columns known, if it is about a column; else ``error`` raised."""
    positions: dict[str, int]
    if error.reason in MISSING_ROLES:
        headers, positions = tuple(error.details["headers"]), {}
    elif error.reason == FileReason.NO_USABLE_ROWS and error.details.get("why") in ROLE_OF_WHY:
        headers, positions = _guessed_columns(data, file_name)
    else:
        raise error
    chosen = {role: column for role, column in overrides.items() if isinstance(column, int)}
    positions |= {role: column for role, column in chosen.items() if role in CORRECTABLE_ROLES}
    return Refused(error, headers, _samples(data, file_name, headers), positions)


def _guess(data: bytes, file_name: str) -> ColumnGuess:
    """The columns as guessed with none chosen; when that guess misses a role (the owner
    picked its column), the headers alone."""
    try:
        return sniff(data, file_name)
    except InvalidOrdersFile as error:
        if error.reason not in MISSING_ROLES:
            raise
        return ColumnGuess(tuple(error.details["headers"]), {}, frozenset())


def _guessed_columns(data: bytes, file_name: str) -> tuple[tuple[str, ...], dict[str, int]]:
    """The headers and the correctable roles' columns as guessed with none chosen."""
    guess = _guess(data, file_name)
    positions = guess.positions.items()
    return guess.headers, {role: at for role, at in positions if role in CORRECTABLE_ROLES}


def _samples(data: bytes, file_name: str, headers: Sequence[str]) -> tuple[str, ...]:
    """The first value under each header that repeats ("" under the others): what tells
    apart two columns of one name. Read from the first rows of the sheet holding the header."""
    repeated = {header for header in headers if headers.count(header) > 1}
    samples = [""] * len(headers)
    if not repeated:
        return tuple(samples)
    with open_source(data, file_name, DEFAULT_LIMITS) as source:
        for sheet in source.sheets:
            rows = islice(sheet.rows, SAMPLE_ROWS)
            if _skip_to_header(rows, headers):
                _fill_samples(samples, rows, headers, repeated)
                break
    return tuple(samples)


def _skip_to_header(rows: Iterator[list[str]], headers: Sequence[str]) -> bool:
    """Advance ``rows`` past the header row; False if it is not among them."""
    wanted = list(headers)
    return any(_stripped(row) == wanted for row in rows)


def _stripped(row: list[str]) -> list[str]:
    cells = [cell.strip() for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _fill_samples(
    samples: list[str], rows: Iterator[list[str]], headers: Sequence[str], repeated: set[str]
) -> None:
    wanted = {index for index, header in enumerate(headers) if header in repeated}
    for row in rows:
        for index in [i for i in wanted if i < len(row) and row[i].strip()]:
            samples[index] = row[index].strip()
            wanted.discard(index)
        if not wanted:
            return


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
    table: OrderTable,
    analysis: Analysis,
    currency_label: str,
    labels: Labels,
    money: Callable[[float], str],
) -> list[Chart]:
    """The cohort heatmap always; the CLV charts only when a model predicted CLV. ``money``
    writes an amount as the chat reads it (the CLV chart's footnote)."""
    drawn = [Chart("retention", charts.retention_heatmap(analysis.cohorts, labels["retention"]))]
    if analysis.bg is not None:
        clv = charts.clv_histogram(
            analysis.customers.clv, currency_label, labels["clv"], money=money
        )
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
