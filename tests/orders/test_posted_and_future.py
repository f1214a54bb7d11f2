"""1C documents not posted ("Проведён": "Нет") are no sales; orders dated after today are a
kind of their own (a typo in a year), not unreadable rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from ltv_engine.orders.errors import FileReason, InvalidOrdersFile
from ltv_engine.orders.ingest import read_orders, read_orders_file
from ltv_engine.orders.table import IngestReport, OrderTable
from tests.orders.order_rows import day_number

FIXTURES = Path(__file__).parent / "fixtures"


def read(lines: list[str], latest: str | None = None) -> tuple[OrderTable, IngestReport]:
    latest_day = None if latest is None else day_number(latest)
    return read_orders(("\n".join(lines) + "\n").encode(), "orders.csv", latest_day=latest_day)


def test_a_1c_export_sets_its_unposted_documents_aside() -> None:
    # 150 documents in Windows-1251, 9 of them not posted, 1 of the posted ones for 0
    table, report = read_orders_file(FIXTURES / "1c_realizacii_cp1251_head.csv")
    assert report.columns["posted"] == "Проведен"
    assert report.unposted == 9 and report.cancelled == 0
    assert table.n_orders + report.zero_amount == 150 - 9


@pytest.mark.parametrize("header", ["Проведён", "Проведен", "Posted"])
@pytest.mark.parametrize(("no", "yes"), [("Нет", "Да"), ("no", "yes"), ("FALSE", "TRUE")])
def test_a_posted_column_says_no_in_any_of_its_spellings(header: str, no: str, yes: str) -> None:
    lines = [f"Клиент;Дата;Сумма;{header}", f"a;01.05.2025;10;{yes}", f"b;02.05.2025;20;{no}"]
    lines += ["c;03.05.2025;30;"]  # no answer: a sale
    table, report = read(lines)
    assert (table.amount.tolist(), report.unposted) == ([10.0, 30.0], 1)


def test_an_unposted_document_takes_its_item_lines_with_it() -> None:
    lines = ["Номер заказа;Клиент;Дата;Сумма;Проведен", "1;a;01.05.2025;10;Да"]
    lines += ["2;b;02.05.2025;20;Нет", "2;b;02.05.2025;5;Нет"]
    table, report = read(lines)
    assert (table.n_orders, report.unposted) == (1, 1)


def test_orders_in_the_future_are_counted_apart_from_unreadable_rows() -> None:
    lines = ["customer,date,amount", "a,2024-01-05,10", "b,2084-01-06,20", "c,nope,5"]
    lines += ["d,2024-01-07,30", "e,2094-02-01,40", "f,2024-01-08,12"]
    table, report = read(lines, latest="2024-02-01")
    assert (report.future_dated, report.first_future) == (2, 3)
    assert (report.malformed, report.first_malformed) == (1, (4, "bad_date"))
    assert table.n_orders == 3


def test_a_file_all_in_the_future_is_refused_saying_so() -> None:
    lines = ["customer,date,amount", "a,2027-04-01,10", "b,2027-04-02,20"]
    with pytest.raises(InvalidOrdersFile) as caught:
        read(lines, latest="2026-01-01")
    error = caught.value
    assert error.reason is FileReason.NO_USABLE_ROWS
    assert (error.details["future_dated"], error.details["first_future"]) == (2, 2)
    assert error.details["malformed"] == 0 and error.details["row"] is None


def test_more_than_half_the_rows_in_the_future_is_refused() -> None:
    lines = ["customer,date,amount", "a,2024-01-05,10", "b,2084-01-06,20", "c,2084-01-07,5"]
    with pytest.raises(InvalidOrdersFile) as caught:
        read(lines, latest="2024-02-01")
    assert caught.value.details["future_dated"] == 2
