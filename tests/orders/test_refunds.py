"""Refunds an order's own row states (Shopify's "Refunded Amount") come off that order; order
numbers written "#1001" tie an order's lines together whatever their column is called."""

from __future__ import annotations

import pytest

from ltv_engine.orders.ingest import read_orders
from ltv_engine.orders.table import IngestReport, OrderTable

# The columns of a Shopify orders export that matter here, in its order; "Name" holds the order
# number, and only an order's first line carries its totals and status. Totals include delivery,
# so they are not the line prices.
SHOPIFY = """\
Name,Email,Financial Status,Total,Created at,Lineitem quantity,Lineitem price,Refunded Amount,Cost
#1001,a@x.io,paid,100.00,2024-01-05 10:00:00 +0300,1,90.00,,60
#1002,a@x.io,partially_refunded,80.00,2024-02-05 10:00:00 +0300,2,35.00,20.00,40
#1002,a@x.io,,,2024-02-05 10:00:00 +0300,1,0.00,,
#1003,b@x.io,refunded,50.00,2024-02-06 10:00:00 +0300,1,45.00,50.00,20
#1004,b@x.io,paid,70.00,2024-03-06 10:00:00 +0300,1,65.00,70.00,30
#1005,b@x.io,paid,90.00,2024-03-09 10:00:00 +0300,1,85.00,0.00,30
"""


def read(text: str) -> tuple[OrderTable, IngestReport]:
    return read_orders(text.encode(), "orders_export.csv")


def test_a_partly_refunded_order_counts_what_was_kept_and_the_cost_shrinks_with_it() -> None:
    table, report = read(SHOPIFY)
    assert report.columns["amount"] == "Total"
    assert report.columns["refunded"] == "Refunded Amount"
    assert table.amount.tolist() == [100.0, 60.0, 90.0]  # 80 less 20 refunded
    assert table.cost is not None and table.cost.tolist() == [60.0, 30.0, 30.0]
    assert report.partly_refunded == 1


def test_an_order_refunded_in_full_is_set_aside_as_refunded_whatever_its_status() -> None:
    _, report = read(SHOPIFY)
    assert (report.refunded, report.orders_used) == (2, 3)  # #1003 by status, #1004 by amount


def test_order_numbers_written_with_a_hash_tie_an_orders_lines() -> None:
    _, report = read(SHOPIFY)
    assert report.columns["order_id"] == "Name" and "order_id" in report.positions
    assert (report.merged_lines, report.malformed) == (1, 0)


def test_order_numbers_repeated_on_lines_are_not_taken_for_customers() -> None:
    table, report = read(
        "Name,Created at,Total,Who\n#1,2024-01-05,10,x1\n#1,2024-01-05,,x1\n"
        "#2,2024-01-06,20,y2\n#3,2024-01-07,30,x1\n"
    )
    assert report.columns["customer"] == "Who" and report.columns["order_id"] == "Name"
    assert table.customer_ids == ("x1", "y2")


@pytest.mark.parametrize("refund", ["", "0", "n/a", "-5"])
def test_a_refund_cell_without_money_given_back_changes_nothing(refund: str) -> None:
    table, report = read(f"customer,date,amount,refunded amount\nanna,2024-01-05,100,{refund}\n")
    assert table.amount.tolist() == [100.0] and report.partly_refunded == 0


def test_a_refund_bigger_than_the_line_it_is_written_on_comes_off_the_whole_order() -> None:
    table, report = read(
        "order,customer,date,price,qty,refund amount\n"
        "7,anna,2024-01-05,20,1,30\n7,anna,2024-01-05,80,1,\n8,boris,2024-01-06,50,1,\n"
    )
    assert table.amount.tolist() == [70.0, 50.0]
    assert (report.partly_refunded, report.refunded) == (1, 0)


def test_a_refund_on_a_later_line_of_its_order_counts_once_for_the_order() -> None:
    table, report = read(
        "order,customer,date,amount,refund amount\n"
        "7,anna,2024-01-05,100,\n7,anna,2024-01-05,,40\n7,,,,5\n"
    )
    assert table.amount.tolist() == [55.0] and report.partly_refunded == 1


def test_a_refund_shrinks_a_margin_as_it_does_a_cost() -> None:
    with_cost, _ = read("customer,date,amount,cost,refund amount\nanna,2024-01-05,100,60,50\n")
    with_margin, _ = read("customer,date,amount,margin,refund amount\nanna,2024-01-05,100,40,50\n")
    assert with_cost.cost is not None and with_cost.cost.tolist() == [30.0]
    assert with_margin.cost is not None and with_margin.cost.tolist() == [30.0]


def test_a_refund_of_a_line_set_aside_for_its_date_is_not_counted() -> None:
    table, report = read(
        "customer,date,amount,refund amount\nanna,2024-01-05,100,10\nboris,someday,100,10\n"
    )
    assert table.amount.tolist() == [90.0]
    assert (report.partly_refunded, report.malformed) == (1, 1)


@pytest.mark.parametrize(
    ("header", "cell"), [("Refunded", "1"), ("Refunds", "2"), ("Возвращено", "1")]
)
def test_flags_and_counts_of_returned_items_are_no_refund(header: str, cell: str) -> None:
    table, report = read(f"customer,date,amount,{header}\nanna,2024-01-05,50,{cell}\n")
    assert "refunded" not in report.columns and table.amount.tolist() == [50.0]


def test_hash_numbers_in_a_column_not_called_name_stay_what_they_were() -> None:
    table, report = read(
        "Card,Date,Amount\n#123,2024-01-05,40\n#123,2024-01-06,30\n#7,2024-01-07,20\n"
    )
    assert report.columns["customer"] == "Card" and "order_id" not in report.columns
    assert table.n_orders == 3
