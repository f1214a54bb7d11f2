"""Per-customer predictions as a CSV file a shop owner opens in Excel or Google Sheets.

The file is UTF-8 with a byte-order mark (so Excel reads Cyrillic ids and headers right),
with CRLF line ends (RFC 4180). For a chat whose spreadsheets write a decimal point it is
comma-separated with a decimal point, as every tool reads it without asking; for one whose
spreadsheets write a decimal comma (Russian Excel), semicolon-separated with decimal commas,
which is what such an Excel splits into columns when the file is opened with a double click.
No ``sep=;`` line: Excel ignores the byte-order mark after one. Unknown values (no model
fitted) are empty cells. Customers come most valuable first when a model predicted their
value, else in the order of their ids.

Any cell that begins with ``= + - @``, a tab or a carriage return gets a leading apostrophe,
so a customer id such as ``=HYPERLINK(...)`` stays text instead of running as a formula.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Mapping

import numpy as np

from ltv_engine.orders.analysis import Analysis

COLUMNS = (
    "customer_id",
    "orders",
    "revenue",
    "p_alive",
    "predicted_purchases",
    "predicted_clv",
    "segment",
    "risk_band",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def predictions_csv(
    analysis: Analysis,
    *,
    headers: Mapping[str, str] | None = None,
    words: Mapping[str, str] | None = None,
    decimal_comma: bool = False,
) -> bytes:
    """One row per customer; ``headers`` maps column codes (``COLUMNS``) to the header the
    owner reads, ``words`` the segment and risk codes to the words for them; both default to
    the codes themselves. ``decimal_comma``: cells parted by ``;``, numbers written ``10,50``."""
    names = headers or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    writer.writerow(neutralised(names.get(column, column)) for column in COLUMNS)
    rows = _rows(analysis, words or {}, "," if decimal_comma else ".")
    writer.writerows((neutralised(cell) for cell in row) for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


def neutralised(cell: str) -> str:
    """The cell with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def predicts(analysis: Analysis) -> bool:
    """Whether the file carries a predicted value for any customer."""
    return bool(np.isfinite(analysis.customers.clv).any())


def _rows(analysis: Analysis, words: Mapping[str, str], point: str) -> Iterator[tuple[str, ...]]:
    c = analysis.customers
    columns = zip(
        c.ids,
        c.orders.tolist(),
        c.revenue.tolist(),
        c.p_alive.tolist(),
        c.predicted_purchases.tolist(),
        c.clv.tolist(),
        c.segment.tolist(),
        c.risk.tolist(),
        strict=True,
    )
    rows = list(columns)
    if predicts(analysis):  # highest first; a customer with no prediction last
        rows.sort(key=lambda row: -row[5] if math.isfinite(row[5]) else math.inf)
    for customer_id, orders, revenue, alive, purchases, clv, segment, risk in rows:
        yield (
            customer_id,
            str(orders),
            _number(revenue, 2, point),
            _number(alive, 4, point),
            _number(purchases, 3, point),
            _number(clv, 2, point),
            words.get(segment, segment),
            words.get(risk, risk),
        )


def _number(value: float, decimals: int, point: str) -> str:
    return f"{value:.{decimals}f}".replace(".", point) if math.isfinite(value) else ""
