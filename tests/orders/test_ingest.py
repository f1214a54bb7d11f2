"""Reading order exports: formats, columns, values, statuses, rejections, round trips."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook

from ltv_engine.orders.ingest import (
    FileReason,
    IngestLimits,
    InvalidOrdersFile,
    read_orders,
    read_orders_file,
    sniff,
)
from ltv_engine.orders.ingest_values import AmountReader
from ltv_engine.orders.table import IngestReport, OrderTable

FIXTURES = Path(__file__).parent / "fixtures"
EPOCH = date(1970, 1, 1)


def day(iso: str) -> int:
    return (date.fromisoformat(iso) - EPOCH).days


def text(lines: list[str], delimiter: str = ",") -> str:
    return "\n".join(delimiter.join(cells) for cells in (line.split("|") for line in lines)) + "\n"


def read(csv_text: str, encoding: str = "utf-8", **kw: object) -> tuple[OrderTable, IngestReport]:
    return read_orders(csv_text.encode(encoding), "orders.csv", **kw)  # type: ignore[arg-type]


def refused(data: bytes, filename: str = "orders.csv", **kw: object) -> InvalidOrdersFile:
    with pytest.raises(InvalidOrdersFile) as caught:
        read_orders(data, filename, **kw)  # type: ignore[arg-type]
    return caught.value


def xlsx(rows: list[list[object]], *, title: str = "Orders", before: int = 0) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for _ in range(before):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BASIC = ["customer|date|amount", "bob|2024-01-05|10.50", "ann|2024-01-03|20", "bob|2024-01-02|5"]


def test_rows_sorted_by_customer_and_day_with_codes_in_id_order() -> None:
    table, report = read(text(BASIC))
    assert table.customer_ids == ("ann", "bob")
    assert table.customer.tolist() == [0, 1, 1]
    assert table.day.tolist() == [day("2024-01-03"), day("2024-01-02"), day("2024-01-05")]
    assert table.amount.tolist() == [20.0, 5.0, 10.5]
    assert table.customer.dtype == np.int64 and table.day.dtype == np.int64
    assert (report.rows_read, report.orders_used, report.malformed) == (3, 3, 0)
    assert report.columns == {"customer": "customer", "date": "date", "amount": "amount"}
    assert (report.delimiter, report.encoding) == (",", "utf-8")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_are_sniffed(delimiter: str) -> None:
    table, report = read(text(BASIC, delimiter))
    assert report.delimiter == delimiter
    assert table.amount.sum() == 35.5


def test_semicolon_file_with_decimal_commas_is_not_split_on_commas() -> None:
    lines = ["Клиент;Дата;Сумма", "a;05.01.2024;1,5", "b;06.01.2024;2,25"]
    table, report = read("\n".join(lines))
    assert report.delimiter == ";"
    assert table.amount.tolist() == [1.5, 2.25]


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1251", "cp1251"), ("utf-16", "utf-16")],
)
def test_encodings(encoding: str, reported: str) -> None:
    lines = [
        "Покупатель;Дата заказа;Сумма заказа",
        "Иван Петров;05.01.2024;100",
        "Ёлка;06.01.2024;50",
    ]
    table, report = read("\n".join(lines), encoding)
    assert report.encoding == reported
    assert set(table.customer_ids) == {"Иван Петров", "Ёлка"}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ("Customer ID|Order Date|Total", ("Customer ID", "Order Date", "Total")),
        ("  CLIENT |  created_at |REVENUE ", ("CLIENT", "created_at", "REVENUE")),
        ("E-mail|Date|Price", ("E-mail", "Date", "Price")),
        ("Телефон|Дата заказа|Итого", ("Телефон", "Дата заказа", "Итого")),
        ("ID клиента|ДАТА|Выручка", ("ID клиента", "ДАТА", "Выручка")),
        ("клиент|дата|сумма, руб.", ("клиент", "дата", "сумма, руб.")),
        (  # 1C's reports of sales
            "Телефон покупателя|Период|Сумма документа",
            ("Телефон покупателя", "Период", "Сумма документа"),
        ),
    ],
)
def test_headers_recognised_in_russian_and_english(
    headers: str, expected: tuple[str, str, str]
) -> None:
    guess = sniff(text([headers, "a|2024-01-05|10"], ";").encode(), "x.csv")
    assert (guess.roles["customer"], guess.roles["date"], guess.roles["amount"]) == expected
    assert guess.by_content == frozenset()


def test_optional_roles_recognised() -> None:
    headers = "Номер заказа|Покупатель|Дата|Сумма|Себестоимость|Статус"
    guess = sniff(text([headers, "1|a|2024-01-05|10|4|ok"]).encode(), "x.csv")
    assert guess.roles["order_id"] == "Номер заказа"
    assert guess.roles["cost"] == "Себестоимость"
    assert guess.roles["status"] == "Статус"
    assert guess.headers == tuple(headers.split("|"))


def test_roles_guessed_from_content_when_headers_say_nothing() -> None:
    lines = [
        "who|when|what|note",
        "ann@x.ru|05.01.2024|10.50|a",
        "bob@x.ru|06.01.2024|20.00|b",
        "ann@x.ru|07.01.2024|5.25|c",
    ]
    guess = sniff(text(lines).encode(), "x.csv")
    assert guess.roles == {"customer": "who", "date": "when", "amount": "what"}
    assert guess.by_content == {"customer", "date", "amount"}


def test_repeated_strings_guessed_as_customer() -> None:
    lines = [
        "Покупатель ФИО|Дата|Сумма",
        "Иван|05.01.2024|1",
        "Пётр|06.01.2024|2",
        "Иван|07.01.2024|3",
    ]
    guess = sniff(text(lines).encode(), "x.csv")
    assert guess.roles["customer"] == "Покупатель ФИО"
    assert guess.by_content == {"customer"}


def test_title_lines_above_the_header_are_skipped() -> None:
    lines = ["Отчёт по заказам за январь", "", *BASIC]
    table, report = read(text(lines))
    assert table.n_orders == 3
    assert report.columns["customer"] == "customer"


@pytest.mark.parametrize(
    ("cell", "value", "currency"),
    [
        ("1234.5", 1234.5, None),
        ("1 234,56", 1234.56, None),
        ("1\u00a0234,56", 1234.56, None),
        ("1\u202f234,56 ₽", 1234.56, "RUB"),
        ("1,234.56", 1234.56, None),
        ("1.234.567,8", 1234567.8, None),
        ("$12.50", 12.5, "USD"),
        ("12,50 €", 12.5, "EUR"),
        ("1500 руб.", 1500.0, "RUB"),
        ("₽ 99", 99.0, "RUB"),
        ("USD 7", 7.0, "USD"),
        ("-12.5", -12.5, None),
        ("−3", -3.0, None),
        ("(12.50)", -12.5, None),
        ("-$4", -4.0, "USD"),
    ],
)
def test_amount_spellings(cell: str, value: float, currency: str | None) -> None:
    reader = AmountReader(comma_decimal=False)
    assert reader(cell) == pytest.approx(value)
    assert reader.currencies == ({currency} if currency else set())


@pytest.mark.parametrize("cell", ["", "abc", "12 apples", "1e999", "nan", "12-", "(12", "x" * 100])
def test_not_amounts(cell: str) -> None:
    assert AmountReader(comma_decimal=False)(cell) is None


def test_lone_comma_with_three_digits_follows_the_column() -> None:
    assert AmountReader(comma_decimal=False)("1,500") == 1500.0
    assert AmountReader(comma_decimal=True)("1,500") == 1.5


def test_amounts_with_decimal_commas_and_spaces_in_a_file() -> None:
    lines = ["client;date;sum", 'a;05.01.2024;"1 234,50"', "b;05.01.2024;1,500", "c;05.01.2024;7"]
    table, _ = read("\n".join(lines))
    assert sorted(table.amount.tolist()) == [1.5, 7.0, 1234.5]


def test_consistent_currency_is_recorded() -> None:
    table, report = read(text(["customer|date|amount", "a|2024-01-05|10 ₽", "b|2024-01-05|20"]))
    assert table.currency == "RUB"
    assert report.notes == ()


def test_currency_from_the_header() -> None:
    table, _ = read(text(["customer|date|Amount (USD)", "a|2024-01-05|10"]))
    assert table.currency == "USD"


def test_mixed_currencies_are_not_added_up() -> None:
    table, report = read(text(["customer|date|amount", "a|2024-01-05|$10", "b|2024-01-05|10 €"]))
    assert (table.currency, table.n_orders) == ("USD", 1)  # a tie: the currency seen first
    assert report.other_currencies == {"EUR": 1}


@pytest.mark.parametrize(
    "cell",
    [
        "2024-03-05",
        "2024-03-05 14:30:00",
        "2024-03-05T14:30:00",
        "2024-03-05T14:30:00+03:00",
        "05.03.2024",
        "05.03.2024 14:30",
        "5.3.2024",
        "05.03.24",
        "05/03/2024",
        "05-03-2024",
        "20240305",
        "45356",
        "45356.6",
    ],
)
def test_date_spellings(cell: str) -> None:
    table, _ = read(text(["customer|date|amount", f"a|{cell}|10"]))
    assert table.day.tolist() == [day("2024-03-05")]


def test_dates_with_and_without_time_in_one_column() -> None:
    lines = [
        "customer|date|amount",
        "a|2024-03-05 10:00|1",
        "b|2024-03-05|2",
        "c|2024-3-6 23:59|3",
    ]
    table, report = read(text(lines))
    assert table.day.tolist() == [day("2024-03-05"), day("2024-03-05"), day("2024-03-06")]
    assert report.malformed == 0


def test_day_first_proven_by_a_day_above_12() -> None:
    lines = ["customer|date|amount", "a|05/03/2024|1", "b|13/03/2024|2"]
    table, report = read(text(lines))
    assert table.day.tolist() == [day("2024-03-05"), day("2024-03-13")]
    assert report.notes == ()


def test_month_first_proven_by_a_second_field_above_12() -> None:
    lines = ["customer|date|amount", "a|05/03/2024|1", "b|03/13/2024|2"]
    table, report = read(text(lines))
    assert table.day.tolist() == [day("2024-05-03"), day("2024-03-13")]
    assert "date_month_first" in report.notes


def test_ambiguous_dates_default_to_day_first_with_a_note() -> None:
    table, report = read(text(["customer|date|amount", "a|05/03/2024|1", "b|04/03/2024|2"]))
    assert table.day.tolist() == [day("2024-03-05"), day("2024-03-04")]
    assert "date_order_ambiguous" in report.notes


def test_ambiguous_dates_are_month_first_when_day_first_puts_some_in_the_future() -> None:
    lines = ["customer|date|amount", "a|01/05/2025|1", "b|02/10/2025|2", "c|03/04/2025|3"]
    table, report = read(text(lines), latest_day=day("2025-03-06"))
    assert sorted(table.day.tolist()) == [day("2025-01-05"), day("2025-02-10"), day("2025-03-04")]
    assert report.notes == ("date_month_first",) and report.malformed == 0


def test_ambiguous_dates_stay_day_first_when_both_readings_reach_the_future() -> None:
    lines = ["customer|date|amount", "a|01/02/2025|1", "b|05/04/2025|2", "c|02/01/2025|3"]
    table, report = read(text(lines), latest_day=day("2025-03-06"))
    assert "date_order_ambiguous" in report.notes
    assert report.first_future == 3 and table.n_orders == 2


def test_conflicting_date_orders_keep_day_first_and_drop_the_rest() -> None:
    lines = ["customer|date|amount", "a|13/03/2024|1", "b|14/03/2024|1", "c|03/14/2024|1"]
    table, report = read(text(lines))
    assert "date_order_conflict" in report.notes
    assert table.n_orders == 2
    assert report.first_malformed == (4, "bad_date")


def test_statuses_exclude_cancelled_and_refunded() -> None:
    statuses = ["cancelled", "Canceled", "отменен", "Отменён", "Отказ", "refunded", "Returned"]
    statuses += ["Возврат", "выполнен", "paid", ""]
    lines = ["customer|date|amount|status"] + [
        f"c{i}|2024-01-05|10|{s}" for i, s in enumerate(statuses)
    ]
    _, report = read(text(lines))
    assert (report.cancelled, report.refunded, report.orders_used) == (5, 3, 3)


@pytest.mark.parametrize(
    ("status", "cancelled", "refunded"),
    [
        ("partially_refunded", 0, 0),
        ("Частичный возврат", 0, 0),
        ("voided", 1, 0),
        ("Payment declined", 1, 0),
        ("failed", 1, 0),
        ("Отклонён", 1, 0),
        ("refunded", 0, 1),
        ("paid", 0, 0),
    ],
)
def test_statuses_of_shop_platforms(status: str, cancelled: int, refunded: int) -> None:
    lines = ["customer|date|amount|status", "a|2024-01-05|10|paid", f"b|2024-01-06|20|{status}"]
    _, report = read(text(lines))
    assert (report.cancelled, report.refunded) == (cancelled, refunded)
    assert report.orders_used == 2 - cancelled - refunded


def test_zero_amounts_are_counted_and_set_aside() -> None:
    lines = ["customer|date|amount", "a|2024-01-05|10", "b|2024-01-05|0"]
    table, report = read(text(lines))
    assert (report.zero_amount, report.orders_used, report.refunded) == (1, 1, 0)
    assert table.customer_ids == ("a",)


def test_malformed_rows_are_skipped_and_the_first_is_reported() -> None:
    lines = [
        "customer|date|amount",
        "a|2024-01-05|10",
        "b|2024-01-05|10",
        "c|2024-01-05|10",
        "d|2024-01-05|10",
        "e|not a date|10",
        "|2024-01-05|10",
        "f|2024-01-05|ten",
    ]
    _, report = read(text(lines))
    assert report.malformed == 3
    assert report.first_malformed == (6, "bad_date")
    assert report.orders_used == 4


def test_orders_dated_after_the_latest_day_are_set_aside_as_future() -> None:
    lines = [*BASIC, "ann|2099-01-04|30", "bob|2098-01-04|40"]
    table, report = read(text(lines), latest_day=day("2024-01-06"))
    assert (report.malformed, report.future_dated, report.first_future) == (0, 2, 5)
    assert report.orders_used == 3 and int(table.day.max()) == day("2024-01-05")


def test_orders_up_to_the_latest_day_are_kept() -> None:
    _, report = read(text(BASIC), latest_day=day("2024-01-05"))
    assert (report.malformed, report.orders_used) == (0, 3)


def test_short_rows_and_blank_lines() -> None:
    _, report = read("customer,date,amount\n\na,2024-01-05,1\n,,\nb,2024-01-05,1\nc\n")
    assert report.rows_read == 3
    assert report.first_malformed == (6, "short_row")


def test_more_than_half_malformed_refuses_the_file() -> None:
    lines = ["customer|date|amount", "a|2024-01-05|10", "b|2024-01-05|x", "c|2024-01-05|y"]
    error = refused(text(lines).encode())
    assert error.reason is FileReason.NO_USABLE_ROWS
    assert (error.details["row"], error.details["why"]) == (3, "bad_amount")


def test_all_cancelled_refuses_the_file() -> None:
    lines = ["customer|date|amount|status", "a|2024-01-05|10|cancelled"]
    error = refused(text(lines).encode())
    assert error.reason is FileReason.NO_USABLE_ROWS
    assert error.details["cancelled"] == 1


def test_formula_like_cells_are_data() -> None:
    lines = ["customer,date,amount", '"=HYPERLINK(""http://x"")",2024-01-05,10']
    lines += ["+79123456789,2024-01-05,10", "@user,2024-01-05,10", "-dash,2024-01-05,10"]
    table, _ = read("\n".join(lines))
    assert set(table.customer_ids) == {'=HYPERLINK("http://x")', "+79123456789", "@user", "-dash"}


def test_overrides_choose_the_column() -> None:
    lines = [
        "Customer ID|Email|Date|Total|Paid",
        "1|a@x|2024-01-05|10|8",
        "2|a@x|2024-01-06|20|16",
    ]
    table, report = read(text(lines), overrides={"customer": "email", "amount": " PAID "})
    assert table.customer_ids == ("a@x",)
    assert table.amount.tolist() == [8.0, 16.0]
    assert report.columns["customer"] == "Email"


def test_override_of_a_missing_header() -> None:
    error = refused(text(BASIC).encode(), overrides={"customer": "client"})
    assert error.reason is FileReason.UNKNOWN_COLUMN
    assert error.details["headers"] == ["customer", "date", "amount"]


def test_override_of_an_unknown_role() -> None:
    assert refused(text(BASIC).encode(), overrides={"colour": "amount"}).reason is (
        FileReason.UNKNOWN_ROLE
    )


def test_line_items_of_one_order_are_merged() -> None:
    lines = [
        "order_id|customer|date|amount|status",
        "1|a|2024-01-05|10|paid",
        "1|a|2024-01-05|5|",
        "2|b|2024-01-06|7|paid",
        "2||||",
        "3|c|2024-01-07|9|cancelled",
        "3|c|2024-01-07|4|",
    ]
    table, report = read(text(lines))
    assert table.customer_ids == ("a", "b")
    assert table.amount.tolist() == [15.0, 7.0]
    assert (report.merged_lines, report.cancelled, report.malformed) == (3, 1, 0)


def test_cost_column() -> None:
    lines = [
        "customer|date|amount|cost",
        "a|2024-01-05|10|4",
        "b|2024-01-05|20|",
        "c|2024-01-06|5|1,5",
    ]
    table, _ = read(text(lines, ";"))
    assert table.cost is not None
    assert np.isnan(table.cost[1])
    assert table.cost[[0, 2]].tolist() == [4.0, 1.5]


@pytest.mark.parametrize(("margin", "cost"), [("6", 4.0), ("60%", 4.0)])
def test_margin_column_gives_the_cost(margin: str, cost: float) -> None:
    table, report = read(text(["customer|date|amount|margin", f"a|2024-01-05|10|{margin}"]))
    assert table.cost is not None and table.cost.tolist() == [cost]
    assert "cost_from_margin" in report.notes


def test_sniff_does_not_need_valid_rows() -> None:
    guess = sniff(text(["customer|date|amount", "a|junk|junk"]).encode(), "x.csv")
    assert guess.roles == {"customer": "customer", "date": "date", "amount": "amount"}


def test_read_orders_file(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(text(BASIC))
    table, _ = read_orders_file(path)
    assert table.n_orders == 3
    with pytest.raises(InvalidOrdersFile) as caught:
        read_orders_file(path, limits=IngestLimits(max_bytes=10))
    assert caught.value.reason is FileReason.TOO_LARGE


# XLSX ---------------------------------------------------------------------------------------


def test_xlsx_with_dates_numbers_and_a_title() -> None:
    rows: list[list[object]] = [
        ["Выгрузка заказов"],
        ["ID клиента", "Дата заказа", "Сумма"],
        [1001, datetime(2024, 1, 5, 14, 30), 1234.5],
        ["ann", date(2024, 1, 6), 10],
        ["bob", "07.01.2024", "99,90"],
        ["bob", 45299, 5],  # an Excel serial that lost its date format: 2024-01-08
    ]
    table, report = read_orders(xlsx(rows, before=1), "export.xlsx")
    assert table.customer_ids == ("1001", "ann", "bob")
    assert table.day.tolist() == [day(f"2024-01-0{d}") for d in (5, 6, 7, 8)]
    assert table.amount.tolist() == [1234.5, 10.0, 99.9, 5.0]
    assert (report.delimiter, report.encoding) == (None, None)


def test_xlsx_is_recognised_by_content_not_name() -> None:
    table, _ = read_orders(xlsx([["customer", "date", "amount"], ["a", "2024-01-05", 1]]), "x.csv")
    assert table.n_orders == 1


def test_xlsx_formulas_are_never_evaluated() -> None:
    rows: list[list[object]] = [["customer", "date", "amount"]]
    rows += [["a", "2024-01-05", 10], ["b", "2024-01-05", 20], ["c", "2024-01-05", "=1+2"]]
    table, report = read_orders(xlsx(rows), "x.xlsx")
    assert table.n_orders == 2
    assert report.first_malformed == (4, "missing_amount")


def test_xlsx_first_sheet_with_data() -> None:
    workbook = Workbook()
    sheet = workbook.create_sheet("Data")
    for row in (["customer", "date", "amount"], ["a", "2024-01-05", 1]):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    table, _ = read_orders(buffer.getvalue(), "x.xlsx")
    assert table.n_orders == 1


def test_damaged_xlsx() -> None:
    data = xlsx([["customer", "date", "amount"], ["a", "2024-01-05", 1]])
    assert refused(data[: len(data) // 2], "x.xlsx").reason is FileReason.XLSX_BROKEN
    assert refused(b"\x00\x01junk" * 10, "x.xlsx").reason is FileReason.XLSX_BROKEN


def test_zip_without_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    error = refused(buffer.getvalue(), "x.xlsx")
    assert (error.reason, error.details["why"]) == (FileReason.XLSX_BROKEN, "no_workbook")


# Whole-file rejections ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", FileReason.EMPTY_FILE),
        (b" \n\r\n ", FileReason.EMPTY_FILE),
        (b"\xef\xbb\xbf\n", FileReason.EMPTY_FILE),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), FileReason.BINARY),
        (b"customer,date\x00,amount\n", FileReason.BINARY),
        (b"\x01\x02\x03\x04" * 100, FileReason.BINARY),
        ("клиент;дата;сумма\n".encode("cp1251") + b"\x98\n", FileReason.BAD_ENCODING),
        (b"just one column\nof text\n", FileReason.NOT_TABULAR),
        (b"<html><table><tr><td>a</td></tr></table></html>", FileReason.NOT_TABULAR),
        (b"a,2024-01-05,10\nb,2024-01-06,20\n", FileReason.NO_HEADER),
        (b"date,amount\n2024-01-05,10\n", FileReason.MISSING_CUSTOMER),
        (b"customer,amount\na,10\n", FileReason.MISSING_DATE),
        (b"customer,date\na,2024-01-05\n", FileReason.MISSING_AMOUNT),
        (b"customer,date,amount\n", FileReason.NO_USABLE_ROWS),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, FileReason.LEGACY_XLS),
        ("customer,date,amount\n".encode("utf-16") + b"\x00\xd8", FileReason.BAD_ENCODING),
    ],
)
def test_files_refused_as_a_whole(data: bytes, reason: FileReason) -> None:
    assert refused(data).reason is reason


def test_missing_column_lists_the_headers() -> None:
    error = refused(b"date,amount\n2024-01-05,10\n")
    assert error.details == {"headers": ["date", "amount"]}


def test_too_large() -> None:
    error = refused(text(BASIC).encode(), limits=IngestLimits(max_bytes=20))
    assert (error.reason, error.details["limit"]) == (FileReason.TOO_LARGE, 20)


def test_too_many_rows() -> None:
    error = refused(text(BASIC).encode(), limits=IngestLimits(max_rows=2))
    assert (error.reason, error.details["limit"]) == (FileReason.TOO_MANY_ROWS, 2)
    assert read(text(BASIC), limits=IngestLimits(max_rows=3))[0].n_orders == 3


def test_too_many_columns() -> None:
    header = ",".join(["customer", "date", "amount", *(f"c{i}" for i in range(10))])
    error = refused(f"{header}\na,2024-01-05,1\n".encode(), limits=IngestLimits(max_columns=5))
    assert error.reason is FileReason.TOO_MANY_COLUMNS


def test_xlsx_too_many_rows() -> None:
    rows: list[list[object]] = [["customer", "date", "amount"]]
    rows += [[f"c{i}", "2024-01-05", 1] for i in range(10)]
    error = refused(xlsx(rows), "x.xlsx", limits=IngestLimits(max_rows=5))
    assert (error.reason, error.details["row"]) == (FileReason.TOO_MANY_ROWS, 7)


def test_xlsx_too_many_columns() -> None:
    data = xlsx([["customer", "date", "amount", *range(10)], ["a", "2024-01-05", 1]])
    assert refused(data, limits=IngestLimits(max_columns=5)).reason is FileReason.TOO_MANY_COLUMNS


def test_long_customer_id_is_malformed() -> None:
    lines = [
        "customer|date|amount",
        "a|2024-01-05|1",
        "b|2024-01-05|1",
        "x" * 50 + "|2024-01-05|1",
    ]
    _, report = read(text(lines), limits=IngestLimits(max_cell_chars=20))
    assert report.first_malformed == (4, "customer_too_long")


# Round trip ---------------------------------------------------------------------------------


def test_cdnow_sample_round_trip() -> None:
    """The CDNOW sample written as a shop's CSV reads back to the same orders."""
    records = [line.split() for line in (FIXTURES / "cdnow_sample.txt").read_text().splitlines()]
    rows = ["customer_id,date,amount"] + [f"{r[0]},{r[2]},{r[4]}" for r in records]
    table, report = read("\n".join(rows))
    paid = [r for r in records if float(r[4]) > 0]
    assert (report.rows_read, report.orders_used, report.zero_amount) == (6919, len(paid), 8)
    assert report.malformed == 0
    assert table.n_customers == len({r[0] for r in paid})
    expected = sorted((r[0], day(f"{r[2][:4]}-{r[2][4:6]}-{r[2][6:]}"), float(r[4])) for r in paid)
    got = [
        (table.customer_ids[c], d, a)
        for c, d, a in zip(table.customer, table.day.tolist(), table.amount.tolist(), strict=True)
    ]
    assert [(c, d) for c, d, _ in got] == [(c, d) for c, d, _ in expected]
    assert sorted(a for *_, a in got) == sorted(a for *_, a in expected)
    assert table.amount.sum() == pytest.approx(sum(float(r[4]) for r in paid))
