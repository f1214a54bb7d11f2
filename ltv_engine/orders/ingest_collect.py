"""The hot loop: rows of text into columns of numbers, then into a sorted OrderTable.

Memory stays proportional to the orders kept, never to the text: customers become codes
through a dict (of their spellings, merged into customers at the end: see customer_keys),
dates become codes into the distinct date strings (parsed once each), amounts go to
``array('d')``. The day/month order of ``05/04/2024`` is settled once the whole column
has been seen, so the days are only computed at the end, in NumPy.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ltv_engine.orders.customer_keys import merge_spellings
from ltv_engine.orders.errors import FileReason, InvalidOrdersFile
from ltv_engine.orders.ingest_columns import Layout, names_an_order_figure
from ltv_engine.orders.ingest_orders import SideLines, merge_lines
from ltv_engine.orders.ingest_returns import Netted, Returns, net_returns
from ltv_engine.orders.ingest_values import (
    AMOUNT_BOUND,
    ISO_CURRENCIES,
    NOT_POSTED,
    UNPOSTED,
    AmountReader,
    DateForm,
    Status,
    currency_in,
    date_form,
    date_part,
    decide_date_order,
    plain_number,
    resolve_day,
    status_of,
)
from ltv_engine.orders.table import IngestReport, OrderTable

Floats = npt.NDArray[np.float64]
_NO_DAY = np.iinfo(np.int64).min
_STATUS_CACHE = 1000  # distinct status texts worth remembering
_GROUPING = " '\u00a0\u202f\u2009"  # thousands separators float() does not take
_ISO_CODE = re.compile(r"[A-Z]{3}")  # a currency code as ISO 4217 writes it
_MARKS = tuple(sorted(ISO_CURRENCIES))  # the currencies an amount can be marked with
_MARK_CODES = {currency: code for code, currency in enumerate(_MARKS)}


@dataclass(slots=True)
class Collected:
    """What the loop gathered, line by line, before the whole-column decisions."""

    customer: array[int] = field(default_factory=lambda: array("i"))  # int32: rows < 2**31
    date_code: array[int] = field(default_factory=lambda: array("i"))
    amount: array[float] = field(default_factory=lambda: array("d"))
    extra: array[float] = field(default_factory=lambda: array("d"))  # cost or margin
    order_key: array[int] = field(default_factory=lambda: array("q"))  # hash of the order id
    row_number: array[int] = field(default_factory=lambda: array("i"))
    customer_codes: dict[str, int] = field(default_factory=dict)  # id shown -> code
    respelled_customers: int = 0  # customers whose id the file writes in several ways
    date_forms: list[DateForm] = field(default_factory=list)
    side: SideLines = field(default_factory=SideLines)
    rows_read: int = 0
    excluded: Counter[str] = field(default_factory=Counter)  # by Status value
    refund: array[float] = field(default_factory=lambda: array("d"))  # stated refunds; NaN: none
    currency: array[int] = field(default_factory=lambda: array("i"))  # code into currency_texts
    currency_texts: dict[str, int] = field(default_factory=dict)  # currency column's cells kept
    # The lines kept whose amount is marked with a currency ("$20"), by row number, and each
    # one's currency: nothing to fill where no amount is marked.
    marked_rows: array[int] = field(default_factory=lambda: array("i"))
    marked_currency: array[int] = field(default_factory=lambda: array("i"))  # into _MARKS
    malformed: Counter[str] = field(default_factory=Counter)
    first_malformed: tuple[int, str] | None = None

    def exclude(self, row_number: int, why: str, order_key: int) -> None:
        """Sets aside a line by its status (``why``: a Status value, or ``UNPOSTED``), counted
        once per order, not per item line."""
        if not order_key or self.side.exclude(order_key, row_number):
            self.excluded[why] += 1

    def reject(self, row_number: int, why: str, count: int = 1) -> None:
        self.malformed[why] += count
        if self.first_malformed is None or row_number < self.first_malformed[0]:
            self.first_malformed = (row_number, why)


@dataclass(frozen=True, slots=True)
class Readers:
    """Money readers of the amount and the cost/margin columns (they collect currencies), and
    how the file writes a quantity's comma."""

    amount: AmountReader
    extra: AmountReader
    grouping: dict[int, int | None]  # str.translate table: drop spaces, decimal comma -> dot
    # "1,500" of a quantity is one and a half: the money writes a decimal comma, or the columns
    # are separated by semicolons, as where a comma is the decimal mark (a whole-rouble price
    # list says nothing about it).
    quantity_comma_decimal: bool

    @classmethod
    def for_layout(cls, layout: Layout, delimiter: str | None) -> Readers:
        grouping = str.maketrans(",", ".", _GROUPING) if layout.comma_decimal else None
        return cls(
            AmountReader(comma_decimal=layout.comma_decimal),
            AmountReader(comma_decimal=layout.comma_decimal),
            grouping or str.maketrans("", "", _GROUPING),
            layout.comma_decimal or delimiter == ";",
        )

    def extra_value(self, text: str) -> float:
        """Cost or margin; NaN when the cell holds none."""
        try:
            value: float | None = float(text.translate(self.grouping))
        except ValueError:
            value = self.extra(text)
        return math.nan if value is None or not -AMOUNT_BOUND < value < AMOUNT_BOUND else value

    def refund(self, text: str) -> float:
        """Money an order's row says was given back; NaN when the cell states none."""
        return self.extra_value(text) if text.strip() else math.nan

    def quantity(self, text: str) -> float:
        """A count of units, or a weight: "3", "2 шт", "0,5", "1.5 kg", "1,000", "1.500,5";
        NaN when the cell holds none. A lone comma before three digits ("1,500") groups
        thousands unless ``quantity_comma_decimal``; "0,250" never does."""
        try:
            value = float(text)
        except ValueError:
            value = _quantity_in(text, self.quantity_comma_decimal)
        return value if -AMOUNT_BOUND < value < AMOUNT_BOUND else math.nan


_QUANTITY = re.compile(r"\s*([-+]?\d[\d\s\u00a0\u202f',.]*)(?:[^\W\d_]+\.?)?\s*")


def _quantity_in(text: str, comma_decimal: bool) -> float:
    """The number of "2 шт", "1 234", "0,5 кг", "1,000" (see ``Readers.quantity``); NaN for
    anything else."""
    found = _QUANTITY.fullmatch(text)
    if found is None:
        return math.nan
    try:
        return float(plain_number(re.sub(r"[\s\u00a0\u202f']", "", found.group(1)), comma_decimal))
    except ValueError:
        return math.nan


def collect(
    rows: Iterable[list[str]],
    first_row_number: int,
    layout: Layout,
    *,
    max_rows: int,
    max_cell_chars: int,
    delimiter: str | None,
) -> tuple[Collected, Readers]:
    """Read every data row; ``first_row_number`` is the 1-based number of the first one."""
    got, readers = Collected(), Readers.for_layout(layout, delimiter)
    columns = layout.columns
    ci, di, ai = columns["customer"], columns["date"], columns["amount"]
    si, oi = columns.get("status"), columns.get("order_id")
    xi = columns.get("cost", columns.get("margin"))
    qi = columns.get("quantity")  # only when the amount is a unit price (see Layout)
    cost_per_unit = qi is not None and "cost" in columns  # a line export's cost is per unit too
    ri = columns.get("refunded")
    ki = columns.get("currency")
    pi = columns.get("posted")
    add_currency, currency_texts = got.currency.append, got.currency_texts
    width = max(columns.values()) + 1
    date_width = layout.date_width or sys.maxsize
    plain = not layout.comma_decimal  # float() reads the amounts as they are
    customers, forms, grouping, read_amount = (
        got.customer_codes,
        got.date_forms,
        readers.grouping,
        readers.amount,
    )
    add_customer, add_date, add_amount = (
        got.customer.append,
        got.date_code.append,
        got.amount.append,
    )
    add_order, add_extra, add_row = got.order_key.append, got.extra.append, got.row_number.append
    add_refund = got.refund.append
    add_marked_row, add_marked_currency = got.marked_rows.append, got.marked_currency.append
    date_codes: dict[str, int] = {}
    statuses: dict[str, Status] = {}

    def set_aside(number: int, why: str, order_key: int, row: list[str]) -> None:
        """A line that cannot be an order: malformed, unless its order id ties it to one. Tied,
        it is malformed all the same when its money is there but unreadable (see
        ingest_orders), whatever else it lacks: an item line has no customer of its own."""
        if not order_key:
            got.reject(number, why)
            return
        quantity_text = "1" if qi is None else row[qi]
        units = readers.quantity(quantity_text)
        price = readers.extra_value(row[ai])
        amount = _line_money(price, units)
        unreadable = _unreadable_money(row[ai], quantity_text, price, units, amount)
        extra = math.nan if xi is None else readers.extra_value(row[xi])
        cost = _line_money(extra, units) if cost_per_unit else extra
        side_why = unreadable or why
        refund = math.nan if ri is None else readers.refund(row[ri])
        got.side.pend(
            order_key, number, side_why, (amount, cost, refund), unreadable=bool(unreadable)
        )

    last_row = first_row_number + max_rows - 1
    number = first_row_number - 1
    rows_read = 0
    units = 1.0
    amount: float | None
    for row in rows:
        number += 1
        if number > last_row:
            raise InvalidOrdersFile(FileReason.TOO_MANY_ROWS, row=number, limit=max_rows)
        if len(row) < width:
            if any(row):
                rows_read += 1
                got.reject(number, "short_row")
            continue
        customer, day_text, amount_text = row[ci].strip(), row[di], row[ai]
        if not (customer or day_text or amount_text) and not any(row):
            continue
        rows_read += 1
        order_key = 0 if oi is None else hash(row[oi].strip())  # hash("") == 0: no order id
        if si is not None:
            status = statuses.get(row[si]) or _status(statuses, row[si])
            if status is not Status.KEPT and not _a_return(status, amount_text, readers):
                got.exclude(number, status.value, order_key)
                continue
        if pi is not None and row[pi].strip().lower() in NOT_POSTED:
            got.exclude(number, UNPOSTED, order_key)
            continue
        if not customer or len(customer) > max_cell_chars:
            set_aside(
                number, "customer_too_long" if customer else "missing_customer", order_key, row
            )
            continue
        try:
            amount = float(amount_text if plain else amount_text.translate(grouping))
            marked = None
        except ValueError:
            amount = read_amount(amount_text)
            marked = read_amount.currency
        if amount is None or not -AMOUNT_BOUND < amount < AMOUNT_BOUND:
            set_aside(
                number, "bad_amount" if amount_text.strip() else "missing_amount", order_key, row
            )
            continue
        if qi is not None:
            units = readers.quantity(row[qi])
            if units != units:  # NaN: no quantity
                set_aside(number, "bad_quantity", order_key, row)
                continue
            amount = _line_money(amount, units)
            if not -AMOUNT_BOUND < amount < AMOUNT_BOUND:
                set_aside(number, "bad_amount", order_key, row)
                continue
        date_code = date_codes.get(day_text[:date_width])
        if date_code is None:
            date_code = _date_code(date_codes, forms, day_text)
            if date_code is None:
                set_aside(
                    number, "bad_date" if day_text.strip() else "missing_date", order_key, row
                )
                continue
        code = customers.get(customer)
        if code is None:
            code = customers[customer] = len(customers)
        add_customer(code)
        add_date(date_code)
        add_amount(amount)
        add_row(number)
        if marked is not None:
            add_marked_row(number)
            add_marked_currency(_MARK_CODES[marked])
        if oi is not None:
            add_order(order_key)
        if xi is not None:
            extra = readers.extra_value(row[xi])
            add_extra(_line_money(extra, units) if cost_per_unit else extra)
        if ri is not None:
            add_refund(readers.refund(row[ri]))
        if ki is not None:
            currency_text = row[ki].strip()
            currency_code = currency_texts.get(currency_text)
            if currency_code is None:
                currency_code = currency_texts[currency_text] = len(currency_texts)
            add_currency(currency_code)
    got.rows_read = rows_read
    _merge_spellings(got, layout.headers[ci])
    return got, readers


def _merge_spellings(got: Collected, header: str) -> None:
    """One code per customer, however the file spells its id in the column headed ``header``
    (see customer_keys)."""
    merged = merge_spellings(list(got.customer_codes), header=header)
    if merged is None:
        return
    by_spelling = merged.code.astype(np.int32)[np.frombuffer(got.customer, dtype=np.int32)]
    got.customer = array("i", by_spelling.tobytes())
    got.customer_codes = dict(zip(merged.ids, range(len(merged.ids)), strict=True))
    got.respelled_customers = merged.respelled


def _unreadable_money(
    price_text: str, quantity_text: str, price: float, units: float, money: float
) -> str | None:
    """Why a line's money, there in the file, cannot be read; None when it can, or is absent."""
    if units != units and (quantity_text.strip() or price == price):
        return "bad_quantity"
    if (price != price and price_text.strip()) or abs(money) >= AMOUNT_BOUND:
        return "bad_amount"
    return None


def _line_money(price: float, units: float) -> float:
    """A line's money (or cost): a negative price of a negative quantity is money going back
    too."""
    money = price * units
    return -money if units < 0 < money else money


def _a_return(status: Status, amount_text: str, readers: Readers) -> bool:
    """A refund line: money going back under a return status ("Возврат", -1 124,10), to be
    taken off the customer's orders as a negative amount without a status is. A positive order
    marked returned is no sale and stays set aside."""
    if status is not Status.REFUNDED:
        return False
    amount: float | None
    try:
        amount = float(amount_text.translate(readers.grouping))
    except ValueError:
        amount = readers.amount(amount_text)
    return amount is not None and amount < 0


def _status(cache: dict[str, Status], text: str) -> Status:
    status = status_of(text)
    if len(cache) < _STATUS_CACHE:
        cache[text] = status
    return status


def _date_code(codes: dict[str, int], forms: list[DateForm], text: str) -> int | None:
    """Code of the date part of ``text``. Only real dates are remembered, so junk cannot
    grow the dict past the number of distinct calendar days (times a few spellings)."""
    part = date_part(text)
    code = codes.get(part)
    if code is None:
        form = date_form(part)
        if form is None:
            return None
        code = codes[part] = len(forms)
        forms.append(form)
    if part == text:
        codes[text] = code
    return code


@dataclass(frozen=True, slots=True)
class Finish:
    """How the reader met the file, for the report."""

    layout: Layout
    encoding: str | None
    delimiter: str | None


def build_table(
    got: Collected, readers: Readers, finish: Finish, *, latest_day: int | None = None
) -> tuple[OrderTable, IngestReport]:
    """Merge multi-line orders, settle the date order (month-first when only that keeps every
    date up to ``latest_day``), set aside orders dated after ``latest_day`` (see
    ``read_orders``) and zero orders, take returns off the orders they return (see
    ``ingest_returns``), sort."""
    layout = finish.layout
    notes = ["amount_from_price_and_quantity"] if layout.price_times_quantity else []
    amount = np.array(got.amount, dtype=np.float64)
    extra = np.array(got.extra, dtype=np.float64) if _has_extra(layout) else None
    refund = np.array(got.refund, dtype=np.float64) if "refunded" in layout.columns else None
    keep, merged_lines, repeated = _merge(got, layout, (amount, extra, refund))
    notes += ["order_values_repeated"] if repeated else []
    day, note = _days(got, layout, latest_day)
    notes += [note] if note else []
    dated = day != _NO_DAY
    bad_date = np.flatnonzero(keep & ~dated)
    if len(bad_date):
        got.reject(got.row_number[bad_date[0]], "bad_date", count=len(bad_date))
    keep &= dated
    future = _future(got, keep, day, latest_day)
    main_currency, other_currencies = _main_currency(got, layout, keep)
    notes += ["currency_main"] if other_currencies else []
    refunded_in_full = 0
    if refund is not None:  # an order whose stated refund is all of it was no sale
        in_full = keep & (amount > 0) & (refund >= amount)
        refunded_in_full = int(np.count_nonzero(in_full))
        keep &= ~in_full
    zero = int(np.count_nonzero(keep & (amount == 0)))
    sold = keep & (amount != 0)
    customer, customer_ids = _dense_sorted(
        np.frombuffer(got.customer, dtype=np.int32)[sold], got.customer_codes
    )
    day, amount = day[sold], amount[sold]
    cost = _cost(layout, amount, None if extra is None else extra[sold], readers, notes)
    partly_refunded = 0
    if refund is not None:
        amount, cost, partly_refunded = _less_refunds(amount, cost, refund[sold])
    netted, order = _net_returns(customer, day, amount)
    by_refund = got.excluded[Status.REFUNDED.value] + refunded_in_full
    _check_usable(
        got,
        int(np.count_nonzero(netted.kept)),
        refunded=by_refund + netted.netted + netted.unmatched,
        zero_amount=zero,
        future=future,
    )
    cost = None if cost is None else cost[order]
    if cost is not None and netted.netted:
        cost *= netted.amount / amount[order]  # returned goods cost nothing: shrink with amount
    currency = _currency(readers.amount, layout, (main_currency, other_currencies), notes)
    table = _table(customer[order], customer_ids, day[order], netted, cost, currency)
    report = IngestReport(
        columns=layout.guess.roles,
        delimiter=finish.delimiter,
        encoding=finish.encoding,
        rows_read=got.rows_read,
        orders_used=table.n_orders,
        cancelled=got.excluded[Status.CANCELLED.value],
        refunded=by_refund + netted.unmatched,
        unpaid=got.excluded[Status.UNPAID.value],
        returns_netted=netted.netted,
        returned_orders=int(np.count_nonzero(~netted.kept)),
        partly_refunded=partly_refunded,
        zero_amount=zero,
        malformed=got.malformed.total(),
        first_malformed=got.first_malformed,
        notes=tuple(notes),
        merged_lines=merged_lines,
        positions=dict(layout.columns),
        respelled_customers=got.respelled_customers,
        unposted=got.excluded[UNPOSTED],
        future_dated=future.count,
        first_future=future.first_row,
        other_currencies=other_currencies,
        main_currency=main_currency if other_currencies else None,
    )
    return table, report


@dataclass(frozen=True, slots=True)
class _Future:
    """Orders dated after the latest day: set aside as a kind of their own (a typo in a year)."""

    count: int = 0
    first_row: int | None = None


def _future(
    got: Collected, keep: npt.NDArray[np.bool_], day: npt.NDArray[np.int64], latest_day: int | None
) -> _Future:
    """Sets aside (in ``keep``) the orders dated after ``latest_day``."""
    if latest_day is None:
        return _Future()
    future = keep & (day > latest_day)
    keep &= ~future
    rows = np.frombuffer(got.row_number, dtype=np.int32)[future]
    return _Future(len(rows), int(rows.min()) if len(rows) else None)


def _main_currency(
    got: Collected, layout: Layout, keep: npt.NDArray[np.bool_]
) -> tuple[str | None, dict[str, int]]:
    """The currency of most orders, and the orders in each other currency, set aside in
    ``keep``: sums in different currencies are never added, and cannot be compared without
    rates either, so the main one is the one of most orders. An order's currency is the one
    its currency column names, else the one its amount is marked with (see
    ``_currencies_of_lines``); orders of none stay with the main one. Neither: (None, {})."""
    named, of_row = _currencies_of_lines(got, layout)
    if of_row is None:
        return None, {}
    counts = np.bincount(of_row[keep & (of_row >= 0)], minlength=len(named))
    if np.count_nonzero(counts) < 2:
        return (named[int(np.argmax(counts))] if counts.any() else None), {}
    main = int(np.argmax(counts))  # a tie goes to the currency seen first
    keep &= (of_row == main) | (of_row < 0)
    others = {named[i]: int(counts[i]) for i in np.flatnonzero(counts).tolist() if i != main}
    return named[main], others


def _currencies_of_lines(
    got: Collected, layout: Layout
) -> tuple[list[str], npt.NDArray[np.int64] | None]:
    """The currencies of the lines kept, in the order first seen, and each line's one as an
    index into them (-1: none), by the currency column; with none, by the mark on each amount
    ("$20", "1 500 ₽", "CAD 30"), an amount without one being in the currency its header
    names ("Amount (USD)"), if any. None when neither the column nor any mark names one."""
    if got.currency_texts:
        codes = [_currency_code(text) if text else "" for text in got.currency_texts]
        named = list(dict.fromkeys(code for code in codes if code))
        of_text = np.array([named.index(code) if code else -1 for code in codes], dtype=np.int64)
        return named, of_text[np.frombuffer(got.currency, dtype=np.int32)]
    if not got.marked_rows:
        return [], None
    marked = np.frombuffer(got.marked_currency, dtype=np.int32)
    present, first_seen = np.unique(marked, return_index=True)
    seen = present[np.argsort(first_seen)]
    named = [_MARKS[code] for code in seen.tolist()]
    unmarked = currency_in(layout.headers[layout.columns["amount"]])
    if unmarked is not None and unmarked not in named:
        named.append(unmarked)
    index_of_mark = np.full(len(_MARKS), -1, dtype=np.int64)
    index_of_mark[seen] = np.arange(len(seen))
    of_line = np.full(len(got.amount), -1 if unmarked is None else named.index(unmarked))
    rows = np.frombuffer(got.row_number, dtype=np.int32)  # ascending: lines kept in file order
    at = np.searchsorted(rows, np.frombuffer(got.marked_rows, dtype=np.int32))
    of_line[at] = index_of_mark[marked]
    return named, of_line


def _has_extra(layout: Layout) -> bool:
    return "cost" in layout.columns or "margin" in layout.columns


def _merge(
    got: Collected, layout: Layout, money: tuple[Floats, Floats | None, Floats | None]
) -> tuple[npt.NDArray[np.bool_], int, bool]:
    """Lines kept as orders, how many lines were merged into others, and whether a money column
    repeated an order's value on its lines; ``money`` (amount, cost or margin, stated refund)
    made per order in place (see ingest_orders)."""
    if "order_id" not in layout.columns:
        return np.ones(len(money[0]), dtype=np.bool_), 0, False
    key = np.frombuffer(got.order_key, dtype=np.int64)
    row = np.frombuffer(got.row_number, dtype=np.int32)
    merged = merge_lines(key, row, money, got.side, _order_figures(layout))
    for number, why in merged.malformed:
        got.reject(number, why)
    return merged.keep, merged.merged_lines, any(merged.repeated)


def _order_figures(layout: Layout) -> tuple[bool, bool, bool]:
    """For the amount, the cost (or margin) and the stated refund: whether the column is named
    as the order's own figure (see ingest_orders). A cost is an item's."""
    amount = layout.headers[layout.columns["amount"]]
    refund = layout.columns.get("refunded")
    return (
        names_an_order_figure(amount) and not layout.price_times_quantity,
        False,
        refund is not None and names_an_order_figure(layout.headers[refund]),
    )


def _less_refunds(
    amount: Floats, cost: Floats | None, refund: Floats
) -> tuple[Floats, Floats | None, int]:
    """Orders less the refunds their rows state (each smaller than its order: those as large
    were set aside), the cost shrinking with the money kept; and how many orders had one."""
    stated = (refund > 0) & (amount > 0)  # NaN compares false: none stated
    if not stated.any():
        return amount, cost, 0
    net = np.where(stated, amount - refund, amount)
    cost_kept = None if cost is None else cost * np.where(stated, net / amount, 1.0)
    return net, cost_kept, int(np.count_nonzero(stated))


def _days(
    got: Collected, layout: Layout, latest_day: int | None
) -> tuple[npt.NDArray[np.int64], str | None]:
    """Day numbers per line (``_NO_DAY`` where the column's date order makes no date)."""
    order, note = decide_date_order(got.date_forms, latest_day)
    serials = "date" not in layout.by_content
    by_code = np.array(
        [_or_no_day(resolve_day(form, order, serials=serials)) for form in got.date_forms],
        dtype=np.int64,
    )
    return by_code[np.frombuffer(got.date_code, dtype=np.int32)], note


def _or_no_day(day: int | None) -> int:
    return _NO_DAY if day is None else day


def _check_usable(
    got: Collected, kept: int, *, refunded: int, zero_amount: int, future: _Future
) -> None:
    """Refuse a file with no orders left, or with more than half its rows malformed or dated in
    the future; the refusal counts every kind of row set aside."""
    malformed = got.malformed.total()
    if kept and (malformed + future.count) * 2 <= got.rows_read:
        return
    row, why = got.first_malformed or (None, None)
    raise InvalidOrdersFile(
        FileReason.NO_USABLE_ROWS,
        rows=got.rows_read,
        malformed=malformed,
        cancelled=got.excluded[Status.CANCELLED.value],
        refunded=refunded,
        unpaid=got.excluded[Status.UNPAID.value],
        unposted=got.excluded[UNPOSTED],
        zero_amount=zero_amount,
        future_dated=future.count,
        first_future=future.first_row,
        row=row,
        why=why,
    )


def _dense_sorted(
    codes: npt.NDArray[np.int32], by_id: dict[str, int]
) -> tuple[npt.NDArray[np.int64], tuple[str, ...]]:
    """Codes of the kept rows' customers as 0..n-1 in the sorted order of their ids."""
    present = np.flatnonzero(np.bincount(codes, minlength=len(by_id)))
    ids = list(by_id)
    kept_ids = sorted(ids[code] for code in present.tolist())
    rank = np.full(len(by_id), -1, dtype=np.int64)
    rank[[by_id[customer_id] for customer_id in kept_ids]] = np.arange(len(kept_ids))
    return rank[codes], tuple(kept_ids)


def _net_returns(
    customer: npt.NDArray[np.int64], day: npt.NDArray[np.int64], amount: npt.NDArray[np.float64]
) -> tuple[Netted, npt.NDArray[np.intp]]:
    """The purchases (positive amounts) in (customer, day) order, as indices into the rows,
    with the returns (negative amounts) taken off them."""
    bought = amount > 0
    if bought.all():  # the usual file: no returns of its own
        order = _by_customer_and_day(customer, day)
    else:
        order = np.flatnonzero(bought)[_by_customer_and_day(customer[bought], day[bought])]
    returned = ~bought
    returns = Returns(customer[returned], day[returned], -amount[returned])
    return net_returns(customer[order], day[order], amount[order], returns), order


def _table(
    customer: npt.NDArray[np.int64],
    customer_ids: tuple[str, ...],
    day: npt.NDArray[np.int64],
    netted: Netted,
    cost: npt.NDArray[np.float64] | None,
    currency: str | None,
) -> OrderTable:
    """The sorted purchases that returns left standing, and only the customers they keep (a
    customer whose rows were all returns that found no order has none)."""
    amount, kept = netted.amount, netted.kept
    if not kept.all():
        day, amount, cost = day[kept], amount[kept], None if cost is None else cost[kept]
        customer = customer[kept]
    if not kept.all() or netted.unmatched:
        still_buying, customer = np.unique(customer, return_inverse=True)
        customer_ids = tuple(customer_ids[code] for code in still_buying.tolist())
    return OrderTable(
        customer=customer.astype(np.int64, copy=False),
        day=day,
        amount=amount,
        customer_ids=customer_ids,
        cost=cost,
        currency=currency,
    )


def _by_customer_and_day(
    customer: npt.NDArray[np.int64], day: npt.NDArray[np.int64]
) -> npt.NDArray[np.intp]:
    """Stable order by (customer, day), as one int64 sort key (faster than lexsort)."""
    if not len(day):
        return np.arange(0)
    first = int(day.min())
    span = int(day.max()) - first + 1
    return np.argsort(customer * span + (day - first), kind="stable")


def _cost(
    layout: Layout,
    amount: npt.NDArray[np.float64],
    extra: npt.NDArray[np.float64] | None,
    readers: Readers,
    notes: list[str],
) -> npt.NDArray[np.float64] | None:
    """Cost of goods per order: the cost column, or the amount less the margin column."""
    if extra is None or "cost" in layout.columns:
        return extra
    notes.append("cost_from_margin")
    if readers.extra.percent or "%" in layout.headers[layout.columns["margin"]]:
        return amount * (1.0 - extra / 100.0)
    return amount - extra


def _currency_code(text: str) -> str:
    """A currency column's cell as a code: a sign or a name we know ("₽", "руб"), any three
    Latin letters as an ISO code ("CAD"), else the text itself, which then stands for a
    currency of its own (two of them are mixed currencies)."""
    code = currency_in(text)
    if code is not None:
        return code
    typed = text.strip().upper()
    return typed if _ISO_CODE.fullmatch(typed) else text.strip()


def _currency(
    reader: AmountReader,
    layout: Layout,
    split: tuple[str | None, dict[str, int]],
    notes: list[str],
) -> str | None:
    """The one currency of the orders kept: of the amounts' marks, their header and the main
    currency (``split``: it and the orders of each other one, set aside); None when none,
    several, or one the column names but no code says."""
    main, others = split
    named = currency_in(layout.headers[layout.columns["amount"]])
    seen = reader.currencies | ({named} if named else set()) | ({main} if main else set())
    seen -= others.keys()
    if len(seen) > 1:
        notes.append("currency_mixed")
        return None
    code = seen.pop() if seen else None
    return code if code is None or _ISO_CODE.fullmatch(code) else None
