"""Returns exported as rows of their own: a negative amount, usually under an order id of its
own (a credit note, a return slip), so merging the lines of an order cannot net it.

Each return is taken off its customer's latest order on or before the return's day, and what
that order cannot cover off the orders before it: a customer who bought 100 and returned 40
spent 60, and an order returned in full was no purchase at all. A return with no earlier order
of its customer (a return of something bought before the export begins, or a mistyped date)
cannot be placed and is set aside. Money a customer's earlier orders cannot cover is dropped:
no order goes below zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

# An order left with less than this share of its amount was returned in full: what is left is
# the rounding of the line amounts that added up to it.
RETURNED_IN_FULL = 1e-9


@dataclass(frozen=True, slots=True)
class Returns:
    """Return rows: the customer's code, the day, and the money given back (positive)."""

    customer: Ints
    day: Ints
    money: Floats


@dataclass(frozen=True, slots=True)
class Netted:
    amount: Floats  # each purchase less what returns took off it (0 for one returned in full)
    kept: npt.NDArray[np.bool_]  # the purchases that remain purchases
    netted: int  # returns taken off earlier orders
    unmatched: int  # returns with no earlier order of their customer: set aside


def net_returns(customer: Ints, day: Ints, amount: Floats, returns: Returns) -> Netted:
    """Take ``returns`` off the purchases (``customer``, ``day``, ``amount``), which are sorted
    by (customer, day); the purchase arrays are left as they are."""
    if not len(returns.day):
        return Netted(amount, np.ones(len(amount), dtype=np.bool_), 0, 0)
    latest = _latest_order_before(customer, day, returns)
    placed = latest >= 0
    remaining = amount.copy()
    if placed.any():
        by_day = np.argsort(returns.day[placed], kind="stable")
        _take_off(
            remaining, customer, latest[placed][by_day], returns.money[placed][by_day].tolist()
        )
    kept = remaining > amount * RETURNED_IN_FULL
    netted = int(np.count_nonzero(placed))
    return Netted(np.where(kept, remaining, 0.0), kept, netted, len(placed) - netted)


def _latest_order_before(customer: Ints, day: Ints, returns: Returns) -> Ints:
    """Per return, the index of its customer's latest purchase on or before its day; -1 when
    there is none."""
    if not len(customer):
        return np.full(len(returns.day), -1, dtype=np.int64)
    first = min(int(day.min()), int(returns.day.min()))
    span = max(int(day.max()), int(returns.day.max())) - first + 1
    keys = customer * span + (day - first)  # ascending: the purchases are sorted
    at = np.searchsorted(keys, returns.customer * span + (returns.day - first), side="right") - 1
    same_customer = customer[np.maximum(at, 0)] == returns.customer
    return np.where((at >= 0) & same_customer, at, -1).astype(np.int64)


def _take_off(remaining: Floats, customer: Ints, latest: Ints, money: list[float]) -> None:
    """Each return's money off its latest order, then off the ones before it (in place).

    Orders brought to zero are skipped through ``before``, a pointer to an earlier order with
    money left, shortened on every walk (path compression): many returns bigger than the
    orders they meet cost linear time, not quadratic.
    """
    left = remaining.tolist()
    owner = customer.tolist()
    before = list(range(-1, len(left) - 1))  # the order to try when this one is used up

    def with_money_left(at: int, who: int) -> int:
        """The latest order at or before ``at`` of customer ``who`` with money left; -1 if none."""
        found = at
        while found >= 0 and owner[found] == who and left[found] <= 0:
            found = before[found]
        while at != found and at >= 0 and owner[at] == who:
            following = before[at]
            before[at] = found
            at = following
        return found if found >= 0 and owner[found] == who else -1

    for at, given_back in zip(latest.tolist(), money, strict=True):
        who = owner[at]
        at = with_money_left(at, who)
        while given_back > 0 and at >= 0:
            taken = min(left[at], given_back)
            left[at] -= taken
            given_back -= taken
            at = with_money_left(at, who)
    remaining[:] = left
