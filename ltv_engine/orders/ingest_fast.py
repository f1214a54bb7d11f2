"""The plain CSV export read with NumPy over its bytes, for files where nothing is unusual.

Plain means: UTF-8, no quotes, no NUL and no lone carriage return, the header on the first
line and every line as wide as it; only the customer, date and amount roles; customer ids
of at most ``MAX_ID_BYTES`` bytes with no surrounding spaces; ISO dates (``2024-01-05``,
optionally followed by a time after a space or ``T``); amounts written ``-?digits[.digits]``
with at most 15 digits and no decimal comma. Anything else returns None and the general
reader takes the file, so both give the same table and report (the tests check it).

What the loop of ``ingest_collect.collect`` would gather is built column-wise here and
handed to the same ``build_table``; spellings of one customer's id are merged as there (see
``customer_keys``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ltv_engine.orders.customer_keys import merge_spellings
from ltv_engine.orders.ingest_collect import Collected, Readers
from ltv_engine.orders.ingest_columns import Layout
from ltv_engine.orders.ingest_source import IngestLimits, Source
from ltv_engine.orders.ingest_values import DateForm, day_number

Bytes = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.int64]

MAX_ID_BYTES = 48
_MAX_DIGITS = 15  # below 2**53: the digits are an exact integer, one division rounds once
_MAX_AMOUNT_CHARS = _MAX_DIGITS + 2  # a sign and a decimal point
_ISO_DATE = b"yyyy-mm-dd"
_DATE_PARTS = ((0, 4), (5, 2), (8, 2))  # (offset, size) of year, month, day
_DASHES = np.array([4, 7])[:, None]
_FIRST_YEAR, _DATE_SLOTS = 1900, 201 * 100 * 100  # day_number takes 1900..2100
_AFTER_DATE = (ord(" "), ord("T"))
_CHUNK_ROWS = 1 << 16  # rows per block of the byte matrices: bounds their memory
_UTF8 = ("utf-8", "utf-8-sig")
_ONLY_ROLES = {"customer", "date", "amount"}
_ZERO, _DOT, _MINUS = ord("0"), ord("."), ord("-")
_VISIBLE = (0x21, 0x7E)  # ASCII without spaces and controls: an id edged by these is stripped


@dataclass(frozen=True, slots=True)
class _Field:
    """One column of the data lines: byte offsets [start, end) in the file."""

    start: Ints
    end: Ints

    @property
    def length(self) -> Ints:
        return self.end - self.start


def collect_plain_csv(
    data: bytes, source: Source, layout: Layout, limits: IngestLimits
) -> tuple[Collected, Readers] | None:
    """What ``collect`` would gather from a plain file's data lines; None when not plain."""
    if not _plain_layout(source, layout) or b'"' in data or b"\x00" in data:
        return None
    if data.count(b"\n") > limits.max_rows + 1:
        return None  # before any array: the general reader stops at the row limit
    raw = np.frombuffer(data, dtype=np.uint8)[3 if source.encoding == "utf-8-sig" else 0 :]
    fields = _fields(raw, source.delimiter or ",", layout)
    if fields is None or not 0 < fields["customer"].start.size <= limits.max_rows:
        return None
    header = layout.headers[layout.columns["customer"]]
    customers = _customers(raw, fields["customer"], header, limits.max_cell_chars)
    dates = _dates(raw, fields["date"])
    amounts = _amounts(raw, fields["amount"])
    if customers is None or dates is None or amounts is None:
        return None
    (codes, ids, respelled), (date_codes, forms) = customers, dates
    rows = codes.size
    collected = Collected(
        customer=array("i", codes.astype(np.int32).tobytes()),
        date_code=array("i", date_codes.astype(np.int32).tobytes()),
        amount=array("d", amounts.tobytes()),
        row_number=array("i", np.arange(2, rows + 2, dtype=np.int32).tobytes()),
        customer_codes=dict(zip(ids, range(len(ids)), strict=True)),
        respelled_customers=respelled,
        date_forms=forms,
        rows_read=rows,
    )
    return collected, Readers.for_layout(layout, source.delimiter)


def _plain_layout(source: Source, layout: Layout) -> bool:
    return (
        source.encoding in _UTF8
        and source.delimiter is not None
        and layout.header_index == 0
        and set(layout.columns) == _ONLY_ROLES
        and not layout.comma_decimal
    )


def _fields(raw: Bytes, delimiter: str, layout: Layout) -> dict[str, _Field] | None:
    """The customer, date and amount fields of every data line, when every line (the header
    included) holds as many delimiters as the header; else None."""
    starts, ends = _lines(raw)
    if ends is None:
        return None
    delimiters = np.flatnonzero(raw == ord(delimiter))
    lines = starts.size
    width = int(np.count_nonzero(delimiters < ends[0]))
    if width == 0 or delimiters.size != width * lines:
        return None
    by_line = delimiters.reshape(lines, width)
    if np.any(by_line[:, 0] < starts) or np.any(by_line[:, -1] >= ends):
        return None  # with the total right, each line then holds exactly ``width``
    fields = {}
    for role in _ONLY_ROLES:
        column = layout.columns[role]
        start = starts if column == 0 else by_line[:, column - 1] + 1
        end = ends if column == width else by_line[:, column]
        fields[role] = _Field(start[1:], end[1:])
    return fields


def _lines(raw: Bytes) -> tuple[Ints, Ints | None]:
    """Start and end (before CR LF or LF) of each line; no ends when a CR stands alone."""
    newlines = np.flatnonzero(raw == ord("\n"))
    ends = newlines if raw.size and raw[-1] == ord("\n") else np.r_[newlines, raw.size]
    starts = np.r_[0, newlines + 1][: ends.size]
    returns = int(np.count_nonzero(raw == ord("\r")))
    if returns == 0:
        return starts, ends
    before_newline = newlines - 1
    if returns != newlines.size or np.any(raw[np.maximum(before_newline, 0)] != ord("\r")):
        return starts, None
    ends[: newlines.size] = before_newline
    return starts, ends


def _customers(
    raw: Bytes, field: _Field, header: str, max_chars: int
) -> tuple[Ints, list[str], int] | None:
    """Codes 0..n-1 of the customers (of the column headed ``header``), the id shown for each,
    and how many customers are written in several ways. Spellings are coded in their sorted
    order (UTF-8 bytes sort as code points do), then merged into customers."""
    length = field.length
    if length.min() < 1 or length.max() > min(MAX_ID_BYTES, max_chars):
        return None
    width = -(-int(length.max()) // 8) * 8
    padded = np.concatenate(list(_blocks(raw, field.start, length, width)))
    words = padded.view(">u8").astype(np.uint64)  # zero padding sorts a prefix first
    order = np.lexsort(words.T[::-1])
    ordered = words[order]
    first = np.r_[True, np.any(ordered[1:] != ordered[:-1], axis=1)]
    codes = np.empty(order.size, dtype=np.int64)
    codes[order] = np.cumsum(first) - 1
    distinct = order[first]
    ids = _texts(padded[distinct], width)
    edges = np.c_[padded[distinct, 0], padded[distinct, length[distinct] - 1]]
    unsure = np.flatnonzero(np.any((edges < _VISIBLE[0]) | (edges > _VISIBLE[1]), axis=1))
    if any(ids[i] != ids[i].strip() for i in unsure.tolist()):
        return None  # spaces around an id: the general reader strips them
    # lexsort is stable: each one's first row
    merged = merge_spellings(ids, first_seen=distinct, header=header)
    if merged is None:
        return codes, ids, 0
    return merged.code[codes], merged.ids, merged.respelled


def _texts(padded: Bytes, width: int) -> list[str]:
    """The zero-padded byte rows as text: joined, decoded and split in one go each."""
    return b"\n".join(padded.view(f"S{width}").ravel().tolist()).decode().split("\n")


def _blocks(raw: Bytes, start: Ints, length: Ints, width: int) -> Iterator[Bytes]:
    """Each field's bytes left-aligned in ``width`` columns, zero-padded, a block at a time."""
    offsets = np.arange(width)
    for at in range(0, start.size, _CHUNK_ROWS):
        block = slice(at, at + _CHUNK_ROWS)
        inside = offsets < length[block, None]
        index = np.where(inside, start[block, None] + offsets, 0)
        yield np.where(inside, raw[index], 0).astype(np.uint8)


def _dates(raw: Bytes, field: _Field) -> tuple[Ints, list[DateForm]] | None:
    """Codes into the distinct ISO dates, each parsed once; None if any is not one."""
    length = field.length
    if length.min() < len(_ISO_DATE):
        return None
    after = raw[field.start[length > len(_ISO_DATE)] + len(_ISO_DATE)]
    if not np.all(np.isin(after, _AFTER_DATE)):
        return None
    if np.any(raw[field.start + _DASHES] != ord("-")):
        return None
    year, month, day = (_number(raw, field.start + at, size) for at, size in _DATE_PARTS)
    if year is None or month is None or day is None:
        return None
    # one slot per (year, month 0..99, day 0..99): the codes come without sorting
    slot = ((year - _FIRST_YEAR) * 100 + month) * 100 + day
    if slot.min() < 0 or slot.max() >= _DATE_SLOTS:
        return None
    used = np.flatnonzero(np.bincount(slot, minlength=_DATE_SLOTS))
    code_of_slot = np.zeros(_DATE_SLOTS, dtype=np.int64)
    code_of_slot[used] = np.arange(used.size)
    forms = []
    for value in used.tolist():
        days = day_number(value // 10_000 + _FIRST_YEAR, value // 100 % 100, value % 100)
        if days is None:
            return None
        forms.append(DateForm("day", days))
    return code_of_slot[slot], forms


def _number(raw: Bytes, start: Ints, size: int) -> Ints | None:
    """The decimal number written in the ``size`` bytes from each ``start``."""
    value = np.zeros(start.size, dtype=np.int64)
    for at in range(size):
        digit = raw[start + at] - np.uint8(_ZERO)  # wraps below '0' to above 9
        if np.any(digit > 9):
            return None
        value = value * 10 + digit
    return value


def _amounts(raw: Bytes, field: _Field) -> npt.NDArray[np.float64] | None:
    """``float(text)`` of each amount: the digits as one exact integer, divided once by the
    power of ten of the decimals, is the correctly rounded value, as float() gives."""
    length = field.length
    if length.min() < 1 or length.max() > _MAX_AMOUNT_CHARS:
        return None
    width = int(length.max())
    values = np.empty(length.size)
    powers = 10 ** np.arange(width - 1, -1, -1)
    for at in range(0, length.size, _CHUNK_ROWS):
        block = slice(at, at + _CHUNK_ROWS)
        text = _right_aligned(raw, field.end[block], length[block], width)
        parsed = _parse_block(text, length[block], powers)
        if parsed is None:
            return None
        values[block] = parsed
    return values


def _right_aligned(raw: Bytes, end: Ints, length: Ints, width: int) -> Bytes:
    """Fields right-aligned in ``width`` columns, padded on the left with '0'."""
    offsets = np.arange(width - 1, -1, -1)  # distance from the last byte
    inside = offsets < length[:, None]
    index = np.where(inside, end[:, None] - 1 - offsets, 0)
    return np.where(inside, raw[index], _ZERO).astype(np.uint8)


def _parse_block(text: Bytes, length: Ints, powers: Ints) -> npt.NDArray[np.float64] | None:
    """Amounts from their right-aligned text; None if one is not plain."""
    rows, width = np.arange(text.shape[0]), text.shape[1]
    sign_at = width - length
    negative = text[rows, sign_at] == _MINUS
    text[rows[negative], sign_at[negative]] = _ZERO
    dots = text == _DOT
    digits = text.astype(np.int64) - _ZERO
    n_dots = np.count_nonzero(dots, axis=1)
    n_digits = length - n_dots - negative
    if np.any(~dots & ((digits < 0) | (digits > 9))) or np.any(n_dots > 1):
        return None
    if np.any(n_digits < 1) or np.any(n_digits > _MAX_DIGITS):
        return None
    total = np.where(dots, 0, digits) @ powers
    has_dot = n_dots > 0
    scale = 10 ** np.where(has_dot, width - 1 - np.argmax(dots, axis=1), 0)
    decimals = total % scale
    # the dot's column (a zero digit) pushed the whole part one place up
    exact = np.where(has_dot, (total - decimals) // 10 + decimals, total)
    value = exact / scale.astype(np.float64)
    return np.where(negative, -value, value)
