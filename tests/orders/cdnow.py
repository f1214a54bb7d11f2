"""The CDNOW fixtures (the 1/10 sample shipped with lifetimes) as the engine's types."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ltv_engine.orders.table import OrderTable

FIXTURES = Path(__file__).parent / "fixtures"
EPOCH = date(1970, 1, 1)
CALIBRATION_END = (date(1997, 9, 30) - EPOCH).days
HOLDOUT_END = (date(1998, 6, 30) - EPOCH).days


def read_columns(name: str) -> dict[str, NDArray[np.float64]]:
    """``cdnow_summary.csv`` (ID, frequency, recency, T) or
    ``cdnow_summary_with_transactions.csv`` (ID, x, t_x, T, zbar)."""
    header, *rows = (FIXTURES / name).read_text().split()
    values = np.array([row.split(",") for row in rows], dtype=np.float64)
    return {column: values[:, i] for i, column in enumerate(header.split(","))}


def sample_orders() -> OrderTable:
    """cdnow_sample.txt (master_id, sample_id, YYYYMMDD, cds, dollars); customer = sample_id."""
    rows = [line.split() for line in (FIXTURES / "cdnow_sample.txt").read_text().splitlines()]
    ids = tuple(sorted({row[1] for row in rows}))
    code = {customer_id: i for i, customer_id in enumerate(ids)}
    customer = np.array([code[row[1]] for row in rows], dtype=np.int64)
    day = np.array([_day_number(row[2]) for row in rows], dtype=np.int64)
    amount = np.array([float(row[4]) for row in rows], dtype=np.float64)
    order = np.lexsort((day, customer))
    return OrderTable(
        customer=customer[order], day=day[order], amount=amount[order], customer_ids=ids
    )


def _day_number(yyyymmdd: str) -> int:
    return (date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:])) - EPOCH).days
