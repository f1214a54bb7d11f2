"""A return exported as a row of its own with a negative amount is taken off the customer's
orders whether or not its status says "Возврат"; a positive order marked returned is no sale."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ltv_engine.orders.ingest import read_orders
from ltv_engine.orders.table import IngestReport, OrderTable

# The first 200 documents of a shop: sales "Выполнен", cancelled "Отказ"/"Отменён", and 11
# return slips "Возврат N" with a negative sum under the status "Возврат".
STATUSES = (Path(__file__).parent / "fixtures" / "ru_refunds_statuses_head.csv").read_text(
    encoding="utf-8"
)


ROWS = [line.split(";") for line in STATUSES.splitlines()]


def variant(keep: Callable[[list[str]], bool], status: Callable[[str], str | None]) -> str:
    """The export with only the rows ``keep`` keeps, each status rewritten by ``status`` (None:
    no status column)."""
    header, *rows = ROWS
    kept = [[*row[:4], status(row[4])] for row in [header, *filter(keep, rows)]]
    return "\n".join(";".join(cell for cell in row if cell is not None) for row in kept) + "\n"


def read(text: str) -> tuple[OrderTable, IngestReport]:
    return read_orders(text.encode(), "orders.csv")


def cancelled(row: list[str]) -> bool:
    return row[4] in ("Отказ", "Отменён")


def test_return_rows_are_subtracted_whether_their_status_says_return_or_not() -> None:
    with_status = read(STATUSES)
    done = read(variant(lambda row: True, lambda text: text.replace("Возврат", "Выполнен")))
    no_status = read(variant(lambda row: not cancelled(row), lambda text: None))
    results = [
        (table.n_orders, round(float(table.amount.sum()), 2), report.returns_netted)
        for table, report in (with_status, done, no_status)
    ]
    assert results[0] == results[1] == results[2]
    table, report = with_status
    # 153 sales; each of the 11 returns gives back a whole earlier sale
    assert (table.n_orders, report.returns_netted, report.returned_orders) == (142, 11, 11)
    assert report.refunded == 0 and report.cancelled == 36


def test_a_positive_order_marked_returned_is_still_set_aside() -> None:
    lines = ["Клиент;Дата;Сумма;Статус", "a;01.05.2025;100;Выполнен", "b;02.05.2025;50;Возврат"]
    table, report = read("\n".join(lines) + "\n")
    assert (table.n_orders, report.refunded, report.returns_netted) == (1, 1, 0)


def test_a_negative_amount_under_a_return_status_comes_off_the_earlier_order() -> None:
    lines = ["Клиент;Дата;Сумма;Статус", "a;01.05.2025;100;Выполнен", "a;03.05.2025;-40;Возврат"]
    table, report = read("\n".join(lines) + "\n")
    assert table.amount.tolist() == [60.0]
    assert (report.refunded, report.returns_netted) == (0, 1)
