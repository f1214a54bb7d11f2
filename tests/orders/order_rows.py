"""Build small OrderTables by hand for the analysis tests: rows of (customer, date, amount)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from ltv_engine.orders.table import OrderTable

Row = tuple[str, str, float]


def day_number(iso: str) -> int:
    return (date.fromisoformat(iso) - date(1970, 1, 1)).days


def table_from_rows(
    rows: Sequence[Row], *, costs: Sequence[float] | None = None, currency: str = "RUB"
) -> OrderTable:
    """The table the reader would produce: dense customer codes, sorted by (customer, day)."""
    ids = tuple(sorted({customer for customer, _, _ in rows}))
    code = {customer_id: i for i, customer_id in enumerate(ids)}
    customer = np.array([code[c] for c, _, _ in rows], dtype=np.int64)
    day = np.array([day_number(d) for _, d, _ in rows], dtype=np.int64)
    order = np.lexsort((day, customer))
    cost = None if costs is None else np.asarray(costs, dtype=np.float64)[order]
    return OrderTable(
        customer=customer[order],
        day=day[order],
        amount=np.array([a for _, _, a in rows], dtype=np.float64)[order],
        customer_ids=ids,
        cost=cost,
        currency=currency,
    )
