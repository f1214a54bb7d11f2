"""Exports that write an order's own figures on each of its item lines (WooCommerce), or beside
other money (shipping, taxes): the order's total is found and counted once; a currency column
names the currency."""

from __future__ import annotations

import pytest

from ltv_engine.orders.ingest import FileReason, InvalidOrdersFile, read_orders
from ltv_engine.orders.table import IngestReport, OrderTable

# A WooCommerce line export: the order's shipping and total repeated on every item line.
WOO = """\
Order ID,Order Date,Order Status,Email (Billing),Order Shipping Amount,Order Total Amount,\
Item Name,Quantity,Item Cost
2001,2024-05-31 18:34,Completed,jane@mail.com,4.99,151.99,Candle,2,49.00
2001,2024-05-31 18:34,Completed,jane@mail.com,4.99,151.99,Soap,1,49.00
2002,2024-06-20 16:00,Completed,joe@mail.com,4.99,24.49,Candle,2,9.75
2002,2024-06-20 16:00,Completed,joe@mail.com,4.99,24.49,Wick,1,0.00
2003,2024-07-01 09:00,Completed,jane@mail.com,0.00,60.00,Lamp,1,60.00
2004,2024-07-02 10:00,Completed,ann@mail.com,4.99,70.99,Candle,1,33.00
2004,2024-07-02 10:00,Completed,ann@mail.com,4.99,70.99,Soap,1,33.00
2004,2024-07-02 10:00,Completed,ann@mail.com,4.99,70.99,Wick,1,0.00
"""


def read(text: str) -> tuple[OrderTable, IngestReport]:
    return read_orders(text.encode(), "orders.csv")


def test_an_order_total_repeated_on_its_item_lines_is_counted_once() -> None:
    table, report = read(WOO)
    assert report.columns["amount"] == "Order Total Amount"
    assert sorted(table.amount.tolist()) == [24.49, 60.0, 70.99, 151.99]
    assert (report.orders_used, report.merged_lines) == (4, 4)
    assert "order_values_repeated" in report.notes


def with_currencies(*codes: str) -> str:
    header, *lines = WOO.splitlines()
    cells = [f"{line},{codes[index % len(codes)]}" for index, line in enumerate(lines)]
    return "\n".join([header + ",Order Currency", *cells]) + "\n"


def test_a_currency_column_names_the_currency() -> None:
    table, report = read(with_currencies("EUR"))
    assert (report.columns["currency"], table.currency) == ("Order Currency", "EUR")


def test_currencies_mixed_in_the_column_keep_the_orders_of_the_main_one_only() -> None:
    table, report = read(with_currencies("EUR", "USD"))  # an order's currency: its first line's
    assert (table.currency, report.main_currency, report.other_currencies) == (
        "EUR",
        "EUR",
        {"USD": 1},
    )
    assert sorted(table.amount.tolist()) == [24.49, 60.0, 151.99]  # 2004's 70.99 USD set aside
    assert "currency_main" in report.notes and "currency_mixed" not in report.notes


def line_items(prices: list[tuple[str, float]], amount: str = "Order Total") -> str:
    """An export of one line per item: lines of an order differ in their item number."""
    rows = "".join(
        f"{order},2024-0{1 + int(order) % 9}-01,c{order},{price},{item}\n"
        for item, (order, price) in enumerate(prices)
    )
    return f"Order ID,Date,Customer,{amount},Item\n" + rows


# A shop of one price: every line of every order is 990.50.
ONE_PRICE = [(order, 990.5) for order in ("1", "2", "3", "4") for _ in range(2)]


@pytest.mark.parametrize("amount", ["Amount", "Line Total", "Сумма", "Total"])
def test_equal_lines_under_a_line_amount_are_summed_however_many(amount: str) -> None:
    table, report = read(line_items(ONE_PRICE, amount))
    assert table.amount.tolist() == [1981.0] * 4
    assert "order_values_repeated" not in report.notes


@pytest.mark.parametrize(
    "prices",
    [
        # Two orders of two same-priced items: too few to tell a repeated total from them.
        [("1", 10.0), ("1", 10.0), ("2", 5.0), ("2", 5.0), ("3", 7.0)],
        # Three such orders, but a fourth's lines differ: these are line amounts.
        [
            ("1", 10.0),
            ("1", 10.0),
            ("2", 5.0),
            ("2", 5.0),
            ("3", 7.0),
            ("3", 7.0),
            ("4", 1.0),
            ("4", 2.0),
        ],
    ],
)
def test_line_amounts_are_summed_even_when_some_orders_lines_are_equal(
    prices: list[tuple[str, float]],
) -> None:
    table, _ = read(line_items(prices))
    expected: dict[str, float] = {}
    for order, price in prices:
        expected[order] = expected.get(order, 0.0) + price
    assert sorted(table.amount.tolist()) == sorted(expected.values())


def test_three_orders_repeating_their_amount_on_every_line_are_counted_once_each() -> None:
    prices = [("1", 10.0), ("1", 10.0), ("2", 5.0), ("2", 5.0), ("3", 7.0), ("3", 7.0)]
    table, report = read(line_items([*prices, ("4", 3.0)]))
    assert sorted(table.amount.tolist()) == [3.0, 5.0, 7.0, 10.0]
    assert "order_values_repeated" in report.notes


def test_a_guess_by_content_passes_over_shipping_and_tax() -> None:
    _, report = read(
        "Buyer,When,Shipping,Tax,Charged\n"
        "a@x.io,2024-01-05,4.99,1.50,51.49\nb@x.io,2024-01-06,4.99,2.10,72.09\n"
    )
    assert report.columns["amount"] == "Charged"


def test_shopifys_order_name_wins_over_an_id_written_on_first_lines_only() -> None:
    table, report = read(
        "Name,Email,Total,Created at,Lineitem name,Id\n"
        "#1001,a@x.io,100.00,2024-01-05,Tea,5000000001\n"
        "#1001,a@x.io,,2024-01-05,Cup,\n"
        "#1002,b@x.io,40.00,2024-01-06,Tea,5000000002\n"
    )
    assert report.columns["order_id"] == "Name"
    assert (report.merged_lines, report.malformed) == (1, 0)
    assert table.amount.tolist() == [100.0, 40.0]


def test_a_refund_repeated_on_every_line_of_its_order_comes_off_once() -> None:
    header, *lines = WOO.splitlines()
    refunds = {"2001": "51.99", "2002": "0", "2003": "0", "2004": "0"}
    text = "\n".join(
        [header + ",Order Refund Amount"]
        + [line + "," + refunds[line.split(",")[0]] for line in lines]
    )
    table, report = read(text + "\n")
    assert sorted(table.amount.tolist()) == [24.49, 60.0, 70.99, 100.0]
    assert report.partly_refunded == 1


def test_a_cancelled_order_of_several_lines_counts_once() -> None:
    _, report = read(WOO.replace("Completed,ann@", "Cancelled,ann@"))
    assert (report.cancelled, report.orders_used) == (1, 3)


@pytest.mark.parametrize("header", ["Amount & tax", "Сумма с налогом", "Total incl. fees"])
def test_an_amount_named_with_tax_is_still_found_when_no_other_column_has_one(
    header: str,
) -> None:
    _, report = read(f"Buyer,When,{header}\na@x.io,2024-01-05,51.49\nb@x.io,2024-01-06,72.09\n")
    assert report.columns["amount"] == header


def test_an_integer_total_beats_a_shipping_column_with_cents() -> None:
    _, report = read(
        "Buyer,When,Charged,Shipping\na@x.io,2024-01-05,51,4.99\nb@x.io,2024-01-06,72,4.99\n"
    )
    assert report.columns["amount"] == "Charged"


@pytest.mark.parametrize("header", ["Сумма с НДС", "Сумма с учётом НДС", "Total (incl. tax)"])
def test_a_total_with_tax_is_the_amount_by_its_name(header: str) -> None:
    _, report = read(f"Клиент,Дата,Доставка,{header}\nанна,2024-01-05,300,2500\n")
    assert report.columns["amount"] == header


def test_a_discount_is_never_taken_for_the_amount() -> None:
    with pytest.raises(InvalidOrdersFile) as caught:
        read("Buyer,When,Discount\na@x.io,2024-01-05,5.50\nb@x.io,2024-01-06,7.25\n")
    assert caught.value.reason is FileReason.MISSING_AMOUNT


def test_lines_of_an_order_total_pasted_twice_still_count_the_total_once() -> None:
    lines = WOO.splitlines()
    table, report = read("\n".join([*lines, *lines[1:4]]) + "\n")  # three lines pasted twice
    assert sorted(table.amount.tolist()) == [24.49, 60.0, 70.99, 151.99]
    assert "order_values_repeated" in report.notes


def test_equal_rows_without_an_order_id_are_two_purchases() -> None:
    table, _ = read("Customer,Date,Amount\nann,2024-01-05,10\nann,2024-01-05,10\n")
    assert table.amount.tolist() == [10.0, 10.0]


@pytest.mark.parametrize(
    ("codes", "currency", "others"),
    [
        (("cad",), "CAD", {}),
        (("CAD", "USD"), "CAD", {"USD": 1}),
        (("Euro", "Dollar"), None, {"Dollar": 1}),
    ],
)
def test_any_currency_code_in_the_column_counts_and_other_currencies_are_set_aside(
    codes: tuple[str, ...], currency: str | None, others: dict[str, int]
) -> None:
    table, report = read(with_currencies(*codes))
    assert (table.currency, report.other_currencies) == (currency, others)
    assert table.n_orders == 4 - sum(others.values())
