"""The in-memory order table every analysis step shares (columnar, NumPy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

EPOCH = date(1970, 1, 1)  # day 0 of ``OrderTable.day``


def as_date(day: int) -> date:
    return EPOCH + timedelta(days=day)


def day_of(moment: date) -> int:
    """``moment`` as days since ``EPOCH``, as ``OrderTable.day`` counts them."""
    return (moment - EPOCH).days


@dataclass(frozen=True, slots=True)
class OrderTable:
    """Usable orders, one row per order, sorted by (customer, date).

    ``customer`` holds dense integer codes 0..n_customers-1 into ``customer_ids``;
    ``day`` is the order date as days since 1970-01-01 (int64); ``amount`` is revenue in
    the shop's currency; ``cost`` is the cost of goods where the export had it (else None).
    """

    customer: npt.NDArray[np.int64]
    day: npt.NDArray[np.int64]
    amount: npt.NDArray[np.float64]
    customer_ids: tuple[str, ...]
    cost: npt.NDArray[np.float64] | None = None
    currency: str | None = None

    @property
    def n_orders(self) -> int:
        return int(self.customer.shape[0])

    @property
    def n_customers(self) -> int:
        return len(self.customer_ids)


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What the reader understood and what it set aside, for the user to check."""

    columns: dict[str, str]  # role ("customer", "date", "amount", ...) -> header as in the file
    delimiter: str | None
    encoding: str | None
    rows_read: int
    orders_used: int
    cancelled: int = 0
    refunded: int = 0  # by their status, or returns with no earlier order to take them off
    unpaid: int = 0  # by their status: not paid (yet), no purchase
    returns_netted: int = 0  # negative amounts taken off their customer's earlier orders
    returned_orders: int = 0  # orders those returns took off in full
    partly_refunded: int = 0  # orders less the refund their own row states (refunded role)
    zero_amount: int = 0
    malformed: int = 0
    first_malformed: tuple[int, str] | None = None  # (1-based row number, reason code)
    notes: tuple[str, ...] = field(default_factory=tuple)  # machine-readable codes
    merged_lines: int = 0  # further lines of multi-line orders, added into their order
    positions: dict[str, int] = field(default_factory=dict)  # role -> column, 0 the first
    respelled_customers: int = 0  # customers whose id is written in several ways, counted once
    sheet: str | None = None  # the sheet read, when the workbook opens on another one
    unposted: int = 0  # 1C documents not posted ("Проведён": "Нет"): drafts, voided sales
    future_dated: int = 0  # orders dated after the latest day: a typo in a year, set aside
    first_future: int | None = None  # 1-based row number of the first of them
    # Orders set aside by their currency (code -> orders) when the currency column (else the
    # amounts' signs: "$20") names several: only those of ``main_currency`` (most orders) are read.
    other_currencies: dict[str, int] = field(default_factory=dict)
    main_currency: str | None = None
