"""Orders spread over several lines (one line per item, as many shops export them).

Lines are tied by the order id, kept as its 64-bit hash (0 when a line has none), so that a
million order ids cost eight megabytes rather than a dict of strings. An order is the line
that comes first: later lines add their money to it, and lines that could not stand alone (no
amount, no customer: the items below an order's first line) are merged rather than malformed.
A line whose money is there but unreadable (an amount or a quantity that is no number) is
malformed all the same: its order keeps its other lines, and the report says what was lost.
An order whose first line was cancelled or refunded takes its later lines with it.

Some exports repeat an order's own figures on each of its item lines (WooCommerce's "Order
Total Amount" on every line of the order). A column named as the order's (see
``ingest_columns.names_an_order_figure``) that holds one same value on every line of each order
that has several is taken once per order, not summed. Only such a name allows it, and it takes a
few such orders to tell: items of one price also make equal lines, as in a shop of one price.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Money = tuple[float, float, float]  # a line's amount, cost (or margin) and stated refund
MONEY_COLUMNS = 3
# Orders with several known values, all equal within each order, it takes to read a column as
# repeated per line rather than as line amounts.
REPEATED_EVIDENCE = 3


@dataclass(slots=True)
class SideLines:
    """Lines with an order id that did not become an order of their own."""

    pending_key: array[int] = field(default_factory=lambda: array("q"))
    pending_row: array[int] = field(default_factory=lambda: array("q"))
    # The lines' amount, cost (or margin) and stated refund, as Collected keeps them (NaN: none).
    pending_money: tuple[array[float], ...] = field(
        default_factory=lambda: tuple(array("d") for _ in range(MONEY_COLUMNS))
    )
    pending_why: list[str] = field(default_factory=list)
    pending_unreadable: array[int] = field(default_factory=lambda: array("b"))  # 1: money lost
    excluded_key: array[int] = field(default_factory=lambda: array("q"))
    excluded_row: array[int] = field(default_factory=lambda: array("q"))
    excluded_orders: set[int] = field(default_factory=set)

    def pend(self, key: int, row: int, why: str, money: Money, *, unreadable: bool) -> None:
        """``money``: the line's amount, cost (or margin) and stated refund. ``unreadable``:
        its amount is there but cannot be read (``why`` says how), and its cost counts nothing
        either."""
        self.pending_key.append(key)
        self.pending_row.append(row)
        self.pending_why.append(why)
        self.pending_unreadable.append(unreadable)
        if unreadable:
            money = (math.nan, math.nan, money[2])
        for kept, value in zip(self.pending_money, money, strict=True):
            kept.append(value)

    def exclude(self, key: int, row: int) -> bool:
        """Sets the line of a cancelled (or refunded, unpaid) order aside; True for the order's
        first such line."""
        self.excluded_key.append(key)
        self.excluded_row.append(row)
        first = key not in self.excluded_orders
        self.excluded_orders.add(key)
        return first


@dataclass(frozen=True, slots=True)
class Merged:
    keep: npt.NDArray[np.bool_]  # over the collected lines: the orders that remain
    merged_lines: int
    malformed: list[tuple[int, str]]  # (row, why) of side lines of no order or unreadable money
    repeated: tuple[bool, ...] = ()  # per money column: taken once per order (see the module)


def merge_lines(
    key: Ints,
    row: npt.NDArray[np.int32],
    money: Sequence[Floats | None],
    side: SideLines,
    order_figures: Sequence[bool],
) -> Merged:
    """Fold later lines into the first line of their order: ``money`` (the amount, cost or
    margin, and stated refund of each line; None for a column the file has not) in place.
    ``order_figures``: for each money column, whether it is named as the order's own figure
    (and may then be repeated on its lines; see the module)."""
    keep = np.ones(len(key), dtype=np.bool_)
    with_id = np.flatnonzero(key != 0)
    ids = key[with_id]
    by_id = np.argsort(ids, kind="stable")  # stable: the first line of an order comes first
    starts = np.ones(len(ids), dtype=np.bool_)
    starts[1:] = ids[by_id[1:]] != ids[by_id[:-1]]
    if starts.all() and not len(side.pending_key) and not len(side.excluded_key):
        return Merged(keep, 0, [])  # one line per order, nothing set aside
    orders = ids[by_id[starts]]  # sorted
    firsts = with_id[by_id[starts]]
    group = np.empty(len(ids), dtype=np.int64)
    group[by_id] = np.cumsum(starts) - 1
    keep[with_id] = False
    keep[firsts] = True
    pending = np.frombuffer(side.pending_key, dtype=np.int64)
    matched = _found(orders, pending)
    pending_group = np.searchsorted(orders, pending[matched])
    repeated = []
    for values, pending_values, may_repeat in zip(
        money, side.pending_money, order_figures, strict=True
    ):
        once = False
        if values is not None:
            of_pending = np.frombuffer(pending_values, dtype=np.float64)[matched]
            values[firsts], once = _per_order(
                np.concatenate([values[with_id], of_pending]),
                np.concatenate([group, pending_group]),
                len(orders),
                may_repeat=may_repeat,
            )
        repeated.append(once)
    excluded_keys, first_excluded_row = _first_excluded(side)
    dropped = _found(excluded_keys, orders)
    dropped[dropped] = (
        first_excluded_row[np.searchsorted(excluded_keys, orders[dropped])]
        < (row[firsts[dropped]])
    )
    keep[firsts[dropped]] = False
    excluded = _found(excluded_keys, pending) & ~matched
    of_dropped = np.zeros(len(pending), dtype=np.bool_)  # a cancelled order's lines go with it
    of_dropped[matched] = dropped[pending_group]
    lost = np.frombuffer(side.pending_unreadable, dtype=np.int8).astype(np.bool_)
    unreadable = matched & lost & ~of_dropped
    malformed = [
        (side.pending_row[i], side.pending_why[i])
        for i in np.flatnonzero((~matched & ~excluded) | unreadable).tolist()
    ]
    later_lines = len(ids) - len(orders)
    side_lines = int(np.count_nonzero(matched & ~unreadable) + np.count_nonzero(excluded))
    merged_lines = later_lines + int(np.count_nonzero(dropped)) + side_lines
    return Merged(keep, merged_lines, malformed, tuple(repeated))


def _found(sorted_keys: Ints, keys: Ints) -> npt.NDArray[np.bool_]:
    """Which ``keys`` are in ``sorted_keys``."""
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=np.bool_)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return np.asarray(sorted_keys[at] == keys)


def _first_excluded(side: SideLines) -> tuple[Ints, npt.NDArray[np.int64]]:
    """Order keys of cancelled or refunded lines (sorted), with the first such line's row."""
    keys, first_at = np.unique(np.frombuffer(side.excluded_key, dtype=np.int64), return_index=True)
    return keys, np.frombuffer(side.excluded_row, dtype=np.int64)[first_at]


def _per_order(
    values: Floats, group: Ints, groups: int, *, may_repeat: bool
) -> tuple[Floats, bool]:
    """Each order's value from its lines' known (non-NaN) ones, NaN for an order with none: the
    sum, or the one value its lines repeat (then True; see the module)."""
    known = ~np.isnan(values)
    values, group = values[known], group[known]
    counts = np.bincount(group, minlength=groups)
    if may_repeat and _repeated_per_line(values, group, counts):
        first = np.full(groups, np.nan)
        first[group[::-1]] = values[::-1]  # the last assignment wins: each order's first value
        return first, True
    total = np.bincount(group, weights=values, minlength=groups)
    return np.where(counts > 0, total, np.nan), False


def _repeated_per_line(values: Floats, group: Ints, counts: Ints) -> bool:
    several = counts[group] > 1
    if np.count_nonzero(counts > 1) < REPEATED_EVIDENCE:
        return False
    order = np.argsort(group[several], kind="stable")
    by_order, of_order = values[several][order], group[several][order]
    same_order = of_order[1:] == of_order[:-1]
    return bool(np.all(by_order[1:][same_order] == by_order[:-1][same_order]))
