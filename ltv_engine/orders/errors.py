"""Why an order export cannot be read: a machine-readable reason plus the numbers to quote."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class FileReason(StrEnum):
    EMPTY_FILE = "empty_file"
    TOO_LARGE = "too_large"  # more bytes than IngestLimits.max_bytes
    NOT_TABULAR = "not_tabular"  # text, but not a table (one column, HTML, broken quoting)
    BINARY = "binary"  # neither text nor a spreadsheet
    BAD_ENCODING = "bad_encoding"  # neither UTF-8 nor Windows-1251
    NO_HEADER = "no_header"  # the first row is data, not column names
    MISSING_CUSTOMER = "missing_customer"  # no column could be the customer
    MISSING_DATE = "missing_date"
    MISSING_AMOUNT = "missing_amount"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_COLUMNS = "too_many_columns"
    LINE_TOO_LONG = "line_too_long"  # one line longer than max_columns * max_cell_chars
    NO_USABLE_ROWS = "no_usable_rows"  # no orders left, or more than half the rows malformed
    XLSX_UNSAFE = "xlsx_unsafe"  # zip bomb, too big uncompressed, encrypted, odd compression
    XLSX_BROKEN = "xlsx_broken"  # a zip openpyxl cannot read as a workbook
    LEGACY_XLS = "legacy_xls"  # Excel 97-2003 .xls: ask for .xlsx or CSV
    UNKNOWN_COLUMN = "unknown_column"  # an override names a header that is not in the file
    UNKNOWN_ROLE = "unknown_role"  # an override names a role the reader does not know


class InvalidOrdersFile(ValueError):
    """An order export the reader refuses as a whole.

    ``details`` carries what an explanation may quote: column names (``headers``), the
    1-based ``row``, the ``limit`` that was exceeded, the malformed-row reason ``why``...
    """

    def __init__(self, reason: FileReason, **details: Any) -> None:
        self.reason = reason
        self.details: dict[str, Any] = details
        super().__init__(reason.value)
