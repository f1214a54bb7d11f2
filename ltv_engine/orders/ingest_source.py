"""Turn the bytes of an export into a stream of rows of text, refusing what is unsafe.

The file type comes from the content (the zip magic, BOMs, NUL bytes), never only from the
name. Nothing is materialised whole: CSV is decoded and split as it is read, XLSX is read by
openpyxl in read-only mode after the zip directory has been checked for bombs, a sheet at a
time and only as far as the reader asks.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any

import numpy as np

from ltv_engine.orders.errors import FileReason, InvalidOrdersFile

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
_BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc")
_HEAD_BYTES = 64 * 1024
_SNIFF_LINES = 50
_DELIMITERS = (",", ";", "\t", "|")
_CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13})
_MAX_ZIP_ENTRIES = 10_000
_BIG_ZIP_ENTRY = 1024 * 1024  # below this a high compression ratio is harmless
_SCAN_CHUNK = 1024 * 1024
_NEWLINE = ord("\n")


@dataclass(frozen=True, slots=True)
class IngestLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 2_000_000
    max_columns: int = 200
    max_cell_chars: int = 1000
    max_xlsx_uncompressed: int = 200 * 1024 * 1024
    max_xlsx_ratio: float = 100.0

    @property
    def max_line_chars(self) -> int:
        return self.max_columns * (self.max_cell_chars + 3)


@dataclass(frozen=True, slots=True)
class Sheet:
    """Rows of text cells from the first line on (blank rows included, possibly as [])."""

    rows: Iterator[list[str]]
    name: str | None = None  # None for CSV
    index: int = 0  # among the workbook's sheets in the order offered: 0 is the active one


@dataclass(frozen=True, slots=True)
class Source:
    """The sheets that have any rows, each read only when asked for: the active sheet of a
    workbook first, then the others in their order; CSV is one sheet."""

    sheets: Iterator[Sheet]
    encoding: str | None  # None for XLSX
    delimiter: str | None  # None for XLSX


@contextmanager
def open_source(data: bytes, filename: str, limits: IngestLimits) -> Iterator[Source]:
    """The rows of a CSV or XLSX export; read them inside the ``with`` block.

    The content decides the type; the name only tells a damaged workbook from junk.
    """
    if len(data) > limits.max_bytes:
        raise InvalidOrdersFile(FileReason.TOO_LARGE, size=len(data), limit=limits.max_bytes)
    if not data or data.isspace():
        raise InvalidOrdersFile(FileReason.EMPTY_FILE)
    if data.startswith(_ZIP_MAGIC):
        with _xlsx_source(data, limits) as source:
            yield source
    elif data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_OOXML in data:
            raise InvalidOrdersFile(FileReason.XLSX_UNSAFE, kind="encrypted")
        raise InvalidOrdersFile(FileReason.LEGACY_XLS)
    elif filename.lower().endswith((".xlsx", ".xlsm")) and not _is_text(data):
        raise InvalidOrdersFile(FileReason.XLSX_BROKEN, why="not_zip")
    else:
        with _csv_source(data, limits) as source:
            yield source


# CSV ----------------------------------------------------------------------------------------


@contextmanager
def _csv_source(data: bytes, limits: IngestLimits) -> Iterator[Source]:
    encoding = _text_encoding(data)
    delimiter = _sniff_delimiter(data[:_HEAD_BYTES].decode(encoding, errors="ignore"))
    _check_line_lengths(data, _encoded(delimiter, encoding), limits)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        yield Source(sheets=iter([Sheet(reader)]), encoding=encoding, delimiter=delimiter)
    except csv.Error as error:
        raise InvalidOrdersFile(
            FileReason.NOT_TABULAR, row=reader.line_num, why=str(error)
        ) from error
    except UnicodeDecodeError as error:  # only UTF-16 can still fail: the rest was checked
        raise InvalidOrdersFile(FileReason.BAD_ENCODING, row=reader.line_num) from error


def _text_encoding(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1251; refuses binary."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:_HEAD_BYTES]
    if head.startswith(_BINARY_MAGICS) or b"\x00" in head:
        raise InvalidOrdersFile(FileReason.BINARY)
    if len(head) - len(head.translate(None, _CONTROL_BYTES)) > len(head) // 100:
        raise InvalidOrdersFile(FileReason.BINARY)
    if data.isascii() or _is_utf8(data):
        return "utf-8"
    if b"\x98" in data:  # the one byte Windows-1251 leaves undefined
        raise InvalidOrdersFile(FileReason.BAD_ENCODING)
    return "cp1251"


def _is_text(data: bytes) -> bool:
    try:
        _text_encoding(data)
    except InvalidOrdersFile:
        return False
    return True


def _is_utf8(data: bytes, chunk: int = 1024 * 1024) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), chunk):
            decoder.decode(data[start : start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _sniff_delimiter(head: str) -> str:
    """The delimiter that splits the first lines into the most rows of one width (>1)."""
    if head.lstrip().startswith(("<", "{", "[")):
        raise InvalidOrdersFile(FileReason.NOT_TABULAR, why="markup")
    lines = head.splitlines()
    if len(head) >= _HEAD_BYTES // 2 and len(lines) > 1:
        lines.pop()  # probably cut in the middle
    lines = [line for line in lines if line.strip()][:_SNIFF_LINES]
    if not lines:
        raise InvalidOrdersFile(FileReason.EMPTY_FILE)
    best: tuple[int, int, str] | None = None
    for delimiter in _DELIMITERS:
        widths = Counter(len(row) for row in _split(lines, delimiter) if len(row) > 1)
        if widths:
            width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
            if best is None or (count, width) > best[:2]:
                best = (count, width, delimiter)
    if best is None:
        raise InvalidOrdersFile(FileReason.NOT_TABULAR, why="one_column")
    return best[2]


def _split(lines: list[str], delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        return []


def _encoded(delimiter: str, encoding: str) -> bytes:
    return delimiter.encode("utf-16-le" if encoding == "utf-16" else encoding.removesuffix("-sig"))


def _check_line_lengths(data: bytes, delimiter: bytes, limits: IngestLimits) -> None:
    """Refuse a line so long it cannot be an order row, before the csv module builds it.

    A line longer than the limit holds a whole aligned block of half the limit with no
    newline; NumPy finds such blocks a megabyte at a time, and only they are looked at closer.
    """
    longest = limits.max_line_chars
    if len(data) <= longest:
        return
    block = max(longest // 2, 1)
    raw = np.frombuffer(data, dtype=np.uint8)
    per_chunk = max(_SCAN_CHUNK // block, 1) * block
    for start in range(0, len(raw), per_chunk):
        piece = raw[start : start + per_chunk]
        whole = len(piece) // block * block
        has_newline = (piece[:whole] == _NEWLINE).reshape(-1, block).any(axis=1)
        for empty in np.flatnonzero(~has_newline).tolist():
            _check_line_around(data, start + empty * block, delimiter, limits)


def _check_line_around(data: bytes, at: int, delimiter: bytes, limits: IngestLimits) -> None:
    start = data.rfind(b"\n", 0, at) + 1
    end = data.find(b"\n", at)
    if (len(data) if end < 0 else end) - start <= limits.max_line_chars:
        return
    row = data.count(b"\n", 0, start) + 1
    line = data[start : start + limits.max_line_chars + 1]
    if line.count(delimiter) >= limits.max_columns:
        raise InvalidOrdersFile(FileReason.TOO_MANY_COLUMNS, row=row, limit=limits.max_columns)
    raise InvalidOrdersFile(FileReason.LINE_TOO_LONG, row=row, limit=limits.max_line_chars)


# XLSX ---------------------------------------------------------------------------------------


@contextmanager
def _xlsx_source(data: bytes, limits: IngestLimits) -> Iterator[Source]:
    _check_zip(data, limits)
    from openpyxl import load_workbook  # slow import, only for spreadsheets

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
        try:
            workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
        except Exception as error:  # openpyxl raises anything from KeyError to XML errors
            raise InvalidOrdersFile(FileReason.XLSX_BROKEN, why=type(error).__name__) from error
        try:
            yield Source(sheets=_sheets(workbook, limits), encoding=None, delimiter=None)
        finally:
            workbook.close()


def _check_zip(data: bytes, limits: IngestLimits) -> None:
    """Refuse bombs and oddities from the zip directory, before anything is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise InvalidOrdersFile(FileReason.XLSX_BROKEN, why="zip") from error
    if len(entries) > _MAX_ZIP_ENTRIES:
        raise InvalidOrdersFile(FileReason.XLSX_UNSAFE, kind="entries", limit=_MAX_ZIP_ENTRIES)
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise InvalidOrdersFile(FileReason.XLSX_UNSAFE, kind="encrypted")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InvalidOrdersFile(FileReason.XLSX_UNSAFE, kind="compression")
        if entry.file_size > _BIG_ZIP_ENTRY and _ratio(entry.file_size, entry.compress_size) > (
            limits.max_xlsx_ratio
        ):
            raise InvalidOrdersFile(
                FileReason.XLSX_UNSAFE,
                kind="ratio",
                entry=entry.filename,
                limit=limits.max_xlsx_ratio,
            )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_xlsx_uncompressed:
        raise InvalidOrdersFile(
            FileReason.XLSX_UNSAFE,
            kind="uncompressed",
            size=unpacked,
            limit=limits.max_xlsx_uncompressed,
        )
    packed = sum(entry.compress_size for entry in entries)
    if unpacked > _BIG_ZIP_ENTRY and _ratio(unpacked, packed) > limits.max_xlsx_ratio:
        raise InvalidOrdersFile(FileReason.XLSX_UNSAFE, kind="ratio", limit=limits.max_xlsx_ratio)
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise InvalidOrdersFile(FileReason.XLSX_BROKEN, why="no_workbook")


def _ratio(unpacked: int, packed: int) -> float:
    return unpacked / max(packed, 1)


def _sheets(workbook: Any, limits: IngestLimits) -> Iterator[Sheet]:
    """The worksheets that have any rows (chart sheets have none), the active one first."""
    offered = [workbook.active, *workbook.worksheets]
    worksheets = dict.fromkeys(sheet for sheet in offered if hasattr(sheet, "iter_rows"))
    for index, sheet in enumerate(worksheets):
        rows = _sheet_rows(sheet, limits)
        first = next(rows, None)
        if first is not None:
            yield Sheet(chain([first], rows), name=sheet.title, index=index)


def _sheet_rows(sheet: Any, limits: IngestLimits) -> Iterator[list[str]]:
    """The sheet's rows as text (ISO for date cells); none if they are all blank.

    Rows are bounded in number (a sheet may declare a million empty ones) and in width
    (the declared dimension, capped at one past the column limit).
    """
    width = min(sheet.max_column or limits.max_columns + 1, limits.max_columns + 1)
    rows = sheet.iter_rows(values_only=True, max_col=width, max_row=limits.max_rows + 100)
    try:
        blank = 0
        for row in rows:
            if blank >= 0 and all(value is None for value in row):
                blank += 1
                continue
            if blank > 0:
                yield from ([] for _ in range(blank))
            blank = -1
            yield _texts(row)
    except Exception as error:  # a malformed sheet fails half-way through parsing
        raise InvalidOrdersFile(FileReason.XLSX_BROKEN, why=type(error).__name__) from error


def _texts(row: Sequence[object]) -> list[str]:
    return [_text(value) for value in row]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
