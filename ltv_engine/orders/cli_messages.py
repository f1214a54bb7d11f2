"""What ``ltv analyze`` says about an export it refuses: a sentence on what is wrong and what
to do, then the reason code and its details in brackets for scripts.

The bot explains the same reasons from its templates, in the chat's language and with its
buttons; the command line speaks English, as ``ltv_engine.cli_messages`` does for ``ltv calc``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ltv_engine.orders.errors import FileReason, InvalidOrdersFile

_EXPORT = "export the orders as CSV or XLSX, one row per order or order line"
_COLUMN = (
    "no column reads as the {role} ({what}); name one {names}, or check that the first rows "
    "hold the header and the orders"
)

SENTENCES: Mapping[FileReason, str] = {
    FileReason.EMPTY_FILE: "the file is empty",
    FileReason.TOO_LARGE: "the file is larger than the reader takes; split it by period",
    FileReason.NOT_TABULAR: f"the text is not a table of orders; {_EXPORT}",
    FileReason.BINARY: f"the file is neither text nor a spreadsheet; {_EXPORT}",
    FileReason.BAD_ENCODING: "the text is neither UTF-8 nor Windows-1251; save it as UTF-8",
    FileReason.NO_HEADER: (
        "the first row holds data, not column names; put a header (customer, date, amount) on top"
    ),
    FileReason.MISSING_CUSTOMER: _COLUMN.format(
        role="customer", what="an id, e-mail, phone or name", names='"Customer" or "Email"'
    ),
    FileReason.MISSING_DATE: _COLUMN.format(
        role="order date", what="a date in every row", names='"Date" or "Order date"'
    ),
    FileReason.MISSING_AMOUNT: _COLUMN.format(
        role="amount", what="the money of each order", names='"Amount" or "Total"'
    ),
    FileReason.TOO_MANY_ROWS: "the file has more rows than the reader takes; split it by period",
    FileReason.TOO_MANY_COLUMNS: (
        "the file has more columns than the reader takes; export only the order columns"
    ),
    FileReason.LINE_TOO_LONG: "a row is longer than any order row could be; check the quoting",
    FileReason.NO_USABLE_ROWS: (
        "no row left is an order with a customer, a date and an amount (see the counts)"
    ),
    FileReason.XLSX_UNSAFE: (
        "the workbook is protected, or unpacks to far more than it weighs; save it again "
        "without a password, or as CSV"
    ),
    FileReason.XLSX_BROKEN: "the workbook cannot be read; save it again as .xlsx, or as CSV",
    FileReason.LEGACY_XLS: "an Excel 97-2003 .xls; save it as .xlsx or CSV",
    FileReason.UNKNOWN_COLUMN: "the column asked for is not in the file",
    FileReason.UNKNOWN_ROLE: "the column role asked for is not one the reader knows",
}


def explain_file(error: InvalidOrdersFile) -> str:
    """``the file is empty [empty_file]``: the sentence, then the code and what it quotes."""
    details = "".join(
        f" {key}={value}" for key, value in error.details.items() if value is not None
    )
    sentence = SENTENCES[error.reason]
    if error.reason is FileReason.NO_USABLE_ROWS and not error.details.get("rows"):
        sentence = "the file has no rows under its header"
    return f"{sentence} [{error.reason.value}{details}]"
