"""Read a shop's order export (CSV or XLSX) into the shared OrderTable.

The reader never trusts the file: size, rows, columns, line length and the XLSX zip are
bounded before they can cost memory; values that start with ``=``, ``+``, ``-`` or ``@`` are
plain text (nothing is evaluated), and a customer id keeps the text of its first spelling
(stripped; the spellings of one customer are merged, see ``customer_keys``), so whoever writes
ids back to CSV must neutralise them and whoever shows them must escape them.

Customer codes in the table are dense 0..n-1 in the sorted order of the customer ids; rows
are sorted by (customer, day). Rows of one order (same order id) are merged into one order.

Codes in ``IngestReport.notes``: ``date_order_ambiguous`` (every dd/mm date could be mm/dd:
read day-first), ``date_month_first``, ``date_order_conflict`` (both orders proven: read
day-first, the others malformed), ``currency_mixed``, ``cost_from_margin``,
``amount_from_price_and_quantity``, ``order_values_repeated`` (an order's total written on each
of its lines, counted once), ``currency_main`` (the currency column, or with none the signs and
codes the amounts are written with, name several currencies: only the orders of the main one
are read, see ``IngestReport.other_currencies``).
Reasons in ``first_malformed``: ``short_row``, ``missing_customer``, ``customer_too_long``,
``missing_amount``, ``bad_amount``, ``missing_date``, ``bad_date``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from itertools import chain, islice

from ltv_engine.orders.errors import FileReason, InvalidOrdersFile
from ltv_engine.orders.ingest_collect import Finish, build_table, collect
from ltv_engine.orders.ingest_columns import Column, ColumnGuess, Layout, find_layout
from ltv_engine.orders.ingest_fast import collect_plain_csv
from ltv_engine.orders.ingest_source import IngestLimits, Sheet, Source, open_source
from ltv_engine.orders.table import IngestReport, OrderTable

__all__ = [
    "ColumnGuess",
    "FileReason",
    "IngestLimits",
    "InvalidOrdersFile",
    "read_orders",
    "read_orders_file",
    "sniff",
]

_HEAD_ROWS = 220  # rows read ahead: title lines, the header and a sample for guessing
DEFAULT_LIMITS = IngestLimits()


def sniff(data: bytes, filename: str, *, limits: IngestLimits = DEFAULT_LIMITS) -> ColumnGuess:
    """The headers and the role each column seems to play, from the first rows only."""
    with open_source(data, filename, limits) as source:
        _, _, layout = _sheet_head_and_layout(source, None, limits)
    return layout.guess


def read_orders(
    data: bytes,
    filename: str,
    *,
    overrides: Mapping[str, Column] | None = None,
    limits: IngestLimits = DEFAULT_LIMITS,
    latest_day: int | None = None,
) -> tuple[OrderTable, IngestReport]:
    """The usable orders and a report of what was understood and set aside.

    ``overrides`` maps a role (customer, date, amount, cost, margin, order_id, status) to the
    column to use for it, when the guess was wrong: its header, or its position (0 is the
    first) where headers repeat. Orders dated after ``latest_day`` (days since 1970-01-01;
    say, tomorrow) are set aside as ``future_dated``: a typo in a year would otherwise stretch
    every history to it. Raises InvalidOrdersFile.
    """
    with open_source(data, filename, limits) as source:
        sheet, head, layout = _sheet_head_and_layout(source, overrides, limits)
        plain = collect_plain_csv(data, source, layout, limits)  # NumPy; None if not plain
        collected, readers = plain or collect(
            chain(head[layout.header_index + 1 :], sheet.rows),
            layout.header_index + 2,
            layout,
            max_rows=limits.max_rows,
            max_cell_chars=limits.max_cell_chars,
            delimiter=source.delimiter,
        )
    finish = Finish(layout, source.encoding, source.delimiter)
    table, report = build_table(collected, readers, finish, latest_day=latest_day)
    return table, replace(report, sheet=sheet.name if sheet.index else None)


def read_orders_file(
    path: str | os.PathLike[str],
    *,
    overrides: Mapping[str, Column] | None = None,
    limits: IngestLimits = DEFAULT_LIMITS,
    latest_day: int | None = None,
) -> tuple[OrderTable, IngestReport]:
    """``read_orders`` on a file, refusing a too large one before reading it."""
    size = os.path.getsize(path)
    if size > limits.max_bytes:
        raise InvalidOrdersFile(FileReason.TOO_LARGE, size=size, limit=limits.max_bytes)
    with open(path, "rb") as file:
        data = file.read()
    return read_orders(
        data, os.path.basename(path), overrides=overrides, limits=limits, latest_day=latest_day
    )


def _sheet_head_and_layout(
    source: Source, overrides: Mapping[str, Column] | None, limits: IngestLimits
) -> tuple[Sheet, list[list[str]], Layout]:
    """The sheet of orders, its first rows and its layout, with the ``overrides``.

    The sheet is chosen as if there were no overrides, so that a column picked from the
    review (which ``sniff`` showed without them) is read on the sheet the review showed.
    """
    sheet, head, layout = _orders_sheet(source, limits)
    if layout is None or overrides:
        layout = find_layout(head, overrides, limits.max_columns)  # raises what is wrong
    return sheet, head, layout


def _orders_sheet(
    source: Source, limits: IngestLimits
) -> tuple[Sheet, list[list[str]], Layout | None]:
    """The first sheet whose first rows have the columns of orders, with its layout; when no
    sheet has, the first one, with none. Only the first rows of a sheet passed over are read."""
    first: tuple[Sheet, list[list[str]], Layout | None] | None = None
    for sheet in source.sheets:
        head = list(islice(sheet.rows, _HEAD_ROWS))
        try:
            return sheet, head, find_layout(head, None, limits.max_columns)
        except InvalidOrdersFile:
            first = first or (sheet, head, None)
    if first is None:
        raise InvalidOrdersFile(FileReason.EMPTY_FILE)
    return first
