"""A workbook whose orders are not on its first sheet: a summary, a chart's data or
instructions often come first in a shop owner's file."""

import argparse
import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from ltv_engine.orders import cli
from ltv_engine.orders.ingest import FileReason, InvalidOrdersFile, read_orders, sniff

Rows = list[list[object]]

ORDERS: Rows = [
    ["Клиент", "Дата заказа", "Сумма", "Сумма с доставкой"],
    *(
        [f"client-{n % 5}", f"2024-01-{n % 28 + 1:02d}", 100 * n, 100 * n + 300]
        for n in range(1, 31)
    ),
]
TOTALS: Rows = [["Заказов", 30], ["Выручка", 46500], ["Средний чек", 1550]]
SUMMARY: Rows = [["Показатель", "Значение"], *TOTALS]
CUSTOMERS: Rows = [  # customers and two counts, neither of them money: not orders
    ["Клиент", "Дата первого заказа", "Баллы", "Визиты"],
    *([f"client-{n}", f"2024-01-{n + 1:02d}", 10 * n, n + 1] for n in range(5)),
]


def workbook(*sheets: tuple[str, Rows], active: int = 0) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.active = active
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def refused(data: bytes) -> InvalidOrdersFile:
    with pytest.raises(InvalidOrdersFile) as caught:
        read_orders(data, "orders.xlsx")
    with pytest.raises(InvalidOrdersFile) as sniffed:
        sniff(data, "orders.xlsx")
    assert (sniffed.value.reason, sniffed.value.details) == (
        caught.value.reason,
        caught.value.details,
    )
    return caught.value


@pytest.mark.parametrize(
    "summary", [TOTALS, SUMMARY, CUSTOMERS], ids=["totals", "table", "no_amount"]
)
def test_orders_after_a_summary_sheet_are_read_and_the_sheet_named(summary: Rows) -> None:
    data = workbook(("Сводка", summary), ("Заказы", ORDERS))

    table, report = read_orders(data, "orders.xlsx")

    assert table.n_orders == 30 and table.n_customers == 5
    assert report.sheet == "Заказы"
    assert report.columns == {"customer": "Клиент", "date": "Дата заказа", "amount": "Сумма"}
    assert sniff(data, "orders.xlsx").headers == tuple(ORDERS[0])


def test_orders_on_the_first_sheet_are_read_and_no_sheet_named() -> None:
    data = workbook(("Заказы", ORDERS), ("Сводка", SUMMARY))

    table, report = read_orders(data, "orders.xlsx")

    assert table.n_orders == 30
    assert report.sheet is None


def test_the_active_sheet_is_tried_first() -> None:
    other_orders = [ORDERS[0], *ORDERS[1:11]]
    data = workbook(("Старые заказы", other_orders), ("Заказы", ORDERS), active=1)

    table, report = read_orders(data, "orders.xlsx")

    assert table.n_orders == 30
    assert report.sheet is None  # the sheet the file opens on is the first one


@pytest.mark.parametrize("summary", [TOTALS, SUMMARY], ids=["totals", "table"])
def test_with_no_orders_on_any_sheet_the_first_sheets_error_stands(summary: Rows) -> None:
    alone = refused(workbook(("Сводка", summary)))

    error = refused(workbook(("Сводка", summary), ("Инструкция", [["Выгрузите заказы"]])))

    assert (error.reason, error.details) == (alone.reason, alone.details)
    if summary is TOTALS:
        assert error.reason is FileReason.NO_HEADER and error.details["row"] == 1
    else:
        assert error.reason is FileReason.MISSING_CUSTOMER
        assert error.details["headers"] == ["Показатель", "Значение"]


def test_an_empty_first_sheet_is_skipped() -> None:
    data = workbook(("Лист1", []), ("Заказы", ORDERS))

    table, report = read_orders(data, "orders.xlsx")

    assert table.n_orders == 30
    assert report.sheet == "Заказы"


def test_a_workbook_of_empty_sheets_is_empty() -> None:
    assert refused(workbook(("Лист1", []), ("Лист2", []))).reason is FileReason.EMPTY_FILE


def test_a_column_picked_from_the_review_is_read_on_the_sheet_the_review_showed() -> None:
    data = workbook(("Клиенты", CUSTOMERS), ("Заказы", ORDERS))
    picked = sniff(data, "orders.xlsx").headers.index("Сумма с доставкой")

    table, report = read_orders(data, "orders.xlsx", overrides={"amount": picked})

    assert report.sheet == "Заказы"  # not the customers, though their column 3 could be read
    assert report.columns["amount"] == "Сумма с доставкой"
    assert table.amount.sum() == sum(100 * n + 300 for n in range(1, 31))


def test_a_column_named_by_hand_on_the_only_sheet_with_orders_still_reads_it() -> None:
    unnamed: Rows = [["Клиент", "Дата заказа", "A", "B"]]  # two numbers: which is the amount?
    unnamed += [[f"c{n % 50}", f"2024-{n % 12 + 1:02d}-01", n, 2 * n] for n in range(1, 501)]
    data = workbook(("Заказы", unnamed), ("Сводка", SUMMARY))
    assert refused(data).reason is FileReason.MISSING_AMOUNT

    table, report = read_orders(data, "orders.xlsx", overrides={"amount": "B"})

    assert table.n_orders == 500  # read on past its first rows, after the other sheet's
    assert table.amount.sum() == sum(2 * n for n in range(1, 501))
    assert report.sheet is None and report.columns["amount"] == "B"


def _analyze(path: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["analyze", str(path), *argv])
    code: int = args.handler(args)
    return code


def test_ltv_analyze_names_the_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_bytes(workbook(("Сводка", SUMMARY), ("Заказы", ORDERS)))

    assert _analyze(path) == 0
    assert "  Sheet                         Заказы\n" in capsys.readouterr().out
    assert _analyze(path, "--json") == 0
    assert json.loads(capsys.readouterr().out)["file"]["sheet"] == "Заказы"


def test_ltv_analyze_names_no_sheet_of_a_one_sheet_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_bytes(workbook(("Заказы", ORDERS)))

    assert _analyze(path) == 0
    assert "Sheet" not in capsys.readouterr().out
    assert _analyze(path, "--json") == 0
    assert json.loads(capsys.readouterr().out)["file"]["sheet"] is None
