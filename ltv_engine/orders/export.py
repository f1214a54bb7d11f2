"""Per-customer predictions as a CSV file a shop owner opens in Excel or Google Sheets.

The file is UTF-8 with a byte-order mark (so Excel reads Cyrillic ids and headers right),
comma-separated with a decimal point and CRLF line ends (RFC 4180). A comma rather than a
semicolon because that is what every tool reads without asking, whatever the locale; an Excel
set to a decimal comma opens it through Data -> From Text. Unknown values (no model fitted)
are empty cells.

Any cell that begins with ``= + - @``, a tab or a carriage return gets a leading apostrophe,
so a customer id such as ``=HYPERLINK(...)`` stays text instead of running as a formula.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Mapping

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
) -> bytes:
    """One row per customer; ``headers`` maps column codes (``COLUMNS``) to the header the
    owner reads, ``words`` the segment and risk codes to the words for them; both default to
    the codes themselves."""
    names = headers or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(neutralised(names.get(column, column)) for column in COLUMNS)
    writer.writerows((neutralised(cell) for cell in row) for row in _rows(analysis, words or {}))
    return (BOM + buffer.getvalue()).encode("utf-8")


def neutralised(cell: str) -> str:
    """The cell with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _rows(analysis: Analysis, words: Mapping[str, str]) -> Iterator[tuple[str, ...]]:
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
    for customer_id, orders, revenue, alive, purchases, clv, segment, risk in columns:
        yield (
            customer_id,
            str(orders),
            _number(revenue, 2),
            _number(alive, 4),
            _number(purchases, 3),
            _number(clv, 2),
            words.get(segment, segment),
            words.get(risk, risk),
        )


def _number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}" if math.isfinite(value) else ""
