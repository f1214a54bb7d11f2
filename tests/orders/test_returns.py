"""Returns exported as rows of their own (negative amounts) are taken off earlier orders."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from ltv_engine.orders.ingest import FileReason, InvalidOrdersFile, read_orders
from ltv_engine.orders.ingest_returns import Returns, net_returns
from ltv_engine.orders.table import IngestReport, OrderTable, day_of


def ints(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def floats(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def returns(*rows: tuple[int, int, float]) -> Returns:
    customer, day, money = zip(*rows, strict=True) if rows else ((), (), ())
    return Returns(ints(*customer), ints(*day), floats(*money))


# Two customers' purchases, sorted by (customer, day): customer 0 on days 10 and 20, 1 on 15.
CUSTOMER, DAY, AMOUNT = ints(0, 0, 1), ints(10, 20, 15), floats(100.0, 50.0, 80.0)


def test_a_return_comes_off_the_latest_order_on_or_before_its_day() -> None:
    netted = net_returns(CUSTOMER, DAY, AMOUNT, returns((0, 20, 20.0), (1, 30, 30.0)))
    assert netted.amount.tolist() == [100.0, 30.0, 50.0]
    assert netted.kept.all() and (netted.netted, netted.unmatched) == (2, 0)
    assert AMOUNT.tolist() == [100.0, 50.0, 80.0]  # the caller's arrays are left alone


def test_a_return_between_two_orders_takes_off_the_earlier_one() -> None:
    netted = net_returns(CUSTOMER, DAY, AMOUNT, returns((0, 19, 40.0)))
    assert netted.amount.tolist() == [60.0, 50.0, 80.0]


def test_what_an_order_cannot_cover_comes_off_the_customers_orders_before_it() -> None:
    netted = net_returns(CUSTOMER, DAY, AMOUNT, returns((0, 25, 70.0)))
    assert netted.amount.tolist() == [80.0, 0.0, 80.0]
    assert netted.kept.tolist() == [True, False, True]


def test_money_beyond_a_customers_orders_never_reaches_another_customer() -> None:
    netted = net_returns(CUSTOMER, DAY, AMOUNT, returns((1, 40, 500.0)))
    assert netted.amount.tolist() == [100.0, 50.0, 0.0]
    assert netted.kept.tolist() == [True, True, False]


def test_returns_with_no_earlier_order_of_their_customer_are_set_aside() -> None:
    netted = net_returns(CUSTOMER, DAY, AMOUNT, returns((0, 9, 10.0), (1, 14, 10.0), (7, 30, 1.0)))
    assert netted.amount.tolist() == AMOUNT.tolist()
    assert (netted.netted, netted.unmatched) == (0, 3)


def test_several_returns_share_out_one_order_and_line_rounding_is_no_leftover() -> None:
    order = floats(10.1 + 20.2)  # 30.299999999999997: an order's lines added up
    netted = net_returns(ints(0), ints(5), order, returns((0, 6, 10.1), (0, 7, 20.2)))
    assert netted.kept.tolist() == [False] and netted.amount.tolist() == [0.0]


def test_no_returns_and_no_purchases_are_handled() -> None:
    assert net_returns(CUSTOMER, DAY, AMOUNT, returns()).amount.tolist() == AMOUNT.tolist()
    nothing = net_returns(ints(), ints(), floats(), returns((0, 1, 5.0)))
    assert (nothing.netted, nothing.unmatched, len(nothing.amount)) == (0, 1, 0)


def read(lines: list[str]) -> tuple[OrderTable, IngestReport]:
    return read_orders(("\n".join(lines) + "\n").encode(), "orders.csv")


def test_a_credit_note_is_taken_off_the_order_it_returns() -> None:
    table, report = read(
        [
            "InvoiceNo,InvoiceDate,CustomerID,Amount",
            "536365,2024-01-05,17850,100.00",
            "536366,2024-01-20,17850,60.00",
            "C536379,2024-01-22,17850,-15.00",
            "536367,2024-01-06,13047,40.00",
        ]
    )
    assert table.customer_ids == ("13047", "17850")
    assert table.amount.tolist() == [40.0, 100.0, 45.0]
    assert (report.returns_netted, report.returned_orders, report.refunded) == (1, 0, 0)
    assert report.orders_used == 3


def test_a_customer_who_returned_everything_is_no_customer() -> None:
    table, report = read(
        [
            "order,date,customer,amount",
            "1,2024-01-05,anna,100",
            "2,2024-01-06,boris,70",
            "3,2024-01-09,anna,-100",
            "4,2024-02-01,vera,30",
            "5,2024-02-03,vera,-5",
        ]
    )
    assert table.customer_ids == ("boris", "vera")
    assert table.customer.tolist() == [0, 1]
    assert table.amount.tolist() == [70.0, 25.0]
    assert table.day.tolist() == [day_of(date(2024, 1, 6)), day_of(date(2024, 2, 1))]
    assert (report.returns_netted, report.returned_orders, report.orders_used) == (2, 1, 2)


def test_a_return_shrinks_the_cost_of_the_goods_in_proportion() -> None:
    table, _ = read(
        [
            "customer,date,amount,cost",
            "anna,2024-01-05,200,120",
            "anna,2024-01-07,-50,-30",
        ]
    )
    assert table.amount.tolist() == [150.0]
    assert table.cost is not None and table.cost.tolist() == [90.0]


def test_a_return_before_any_order_of_its_customer_is_set_aside_as_refunded() -> None:
    table, report = read(["customer,date,amount", "anna,2024-01-05,200", "boris,2024-01-07,-50"])
    assert (report.refunded, report.returns_netted, table.n_orders) == (1, 0, 1)


def test_a_file_whose_every_order_was_returned_is_refused_with_the_returns_counted() -> None:
    with pytest.raises(InvalidOrdersFile) as caught:
        read(["customer,date,amount", "anna,2024-01-05,200", "anna,2024-01-07,-200"])
    assert caught.value.reason is FileReason.NO_USABLE_ROWS
    assert caught.value.details["refunded"] == 1


def test_a_customer_with_only_returns_is_no_customer() -> None:
    table, report = read(
        [
            "customer,date,amount",
            "anna,2024-01-01,100",
            "anna,2024-02-01,80",
            "boris,2024-03-01,50",
            "aaron,2024-01-02,-50",  # sorts first: its code would shift everyone's
        ]
    )
    assert table.customer_ids == ("anna", "boris") and table.customer.tolist() == [0, 0, 1]
    assert (report.refunded, report.orders_used) == (1, 3)


def test_returns_bigger_than_their_orders_empty_them_one_after_another() -> None:
    netted = net_returns(
        ints(0, 0, 0, 1), ints(1, 2, 3, 1), floats(1, 1, 1, 9), returns(*[(0, 9, 1.5)] * 2)
    )
    assert netted.amount.tolist() == [0.0, 0.0, 0.0, 9.0] and netted.netted == 2
