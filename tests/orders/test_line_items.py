"""Line-item exports: a unit price and a quantity per line (as Online Retail and many shops
export them) make the line's money; an order total beside a count of items stays the amount."""

from __future__ import annotations

import pytest

from ltv_engine.orders.ingest import read_orders
from ltv_engine.orders.ingest_columns import normalize_header
from ltv_engine.orders.table import IngestReport, OrderTable

# The layout of the UCI "Online Retail II" workbook: returns are invoices starting with "C",
# with a negative quantity.
ONLINE_RETAIL_II = """\
Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country
489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,2009-12-01 07:45:00,6.95,13085.0,United Kingdom
489434,79323P,PINK CHERRY LIGHTS,12,2009-12-01 07:45:00,6.75,13085.0,United Kingdom
489435,22350,CAT BOWL,12,2009-12-01 07:46:00,2.55,13085.0,United Kingdom
489436,21523,DOORMAT FANCY FONT HOME SWEET HOME,10,2009-12-01 09:06:00,5.95,13078.0,United Kingdom
C489449,22087,PAPER BUNTING WHITE LACE,-2,2009-12-01 10:33:00,6.95,13085.0,United Kingdom
"""


def read(text: str) -> tuple[OrderTable, IngestReport]:
    return read_orders(text.encode(), "orders.csv")


def test_online_retail_lines_are_price_times_quantity_with_returns_netted() -> None:
    table, report = read(ONLINE_RETAIL_II)
    assert report.columns["amount"] == "Price" and report.columns["quantity"] == "Quantity"
    assert report.columns["customer"] == "Customer ID" and report.columns["order_id"] == "Invoice"
    assert "amount_from_price_and_quantity" in report.notes
    assert table.customer_ids == ("13078.0", "13085.0")
    # 13085: 12 x 6.95 + 12 x 6.75 = 164.40, less 2 x 6.95 returned off the latest order.
    assert table.amount.round(2).tolist() == [59.5, 164.4, 16.7]
    assert (report.merged_lines, report.returns_netted, report.orders_used) == (1, 1, 3)


def test_the_first_online_retail_layout_reads_too() -> None:
    table, report = read(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
        "536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom\n"
        "536366,22633,HAND WARMER UNION JACK,6,12/13/2010 8:28,1.85,17851,United Kingdom\n"
    )
    assert report.columns["amount"] == "UnitPrice" and report.columns["customer"] == "CustomerID"
    assert report.columns["order_id"] == "InvoiceNo"
    assert table.amount.round(2).tolist() == [35.64, 11.1]
    assert report.orders_used == 2


def test_russian_line_export_with_a_line_total_keeps_the_total() -> None:
    table, report = read(
        "Номер заказа;Дата;Клиент;Количество;Цена;Сумма\n"
        "1;05.01.2024;Анна;3;100,00;300,00\n"
        "2;06.01.2024;Борис;2;50,00;100,00\n"
    )
    assert report.columns["amount"] == "Сумма" and "quantity" not in report.columns
    assert "amount_from_price_and_quantity" not in report.notes
    assert table.amount.tolist() == [300.0, 100.0]


def test_russian_price_and_quantity_with_decimal_commas_and_a_unit_cost() -> None:
    table, report = read(
        "Клиент;Дата;Цена за шт;Кол-во;Себестоимость\n"
        "Анна;05.01.2024;100,50;1,5;60,00\n"
        "Борис;06.01.2024;40,00;2;25,00\n"
    )
    assert report.columns["quantity"] == "Кол-во"
    assert table.amount.tolist() == [150.75, 80.0]
    assert table.cost is not None and table.cost.tolist() == [90.0, 50.0]


def test_a_line_whose_quantity_is_unreadable_is_set_aside_with_its_reason() -> None:
    table, report = read(
        "customer,date,price,qty\nanna,2024-01-05,10,2\nboris,2024-01-06,10,a few\n"
        "vera,2024-01-07,10,3\n"
    )
    assert table.amount.tolist() == [20.0, 30.0]
    assert report.first_malformed == (3, "bad_quantity")


def test_a_count_of_items_beside_an_order_total_is_not_a_role() -> None:
    _, report = read("customer,date,total,quantity\nanna,2024-01-05,300,3\n")
    assert "quantity" not in report.columns


@pytest.mark.parametrize(
    ("header", "normalized"),
    [
        ("CustomerID", "customer id"),
        ("InvoiceDate", "invoice date"),
        ("Customer_ID", "customer id"),
        ("e-mail", "e mail"),
        ("Кол-во", "кол во"),
        ("ДатаЗаказа", "дата заказа"),
        ("SKU", "sku"),
    ],
)
def test_headers_are_normalized_across_cases_and_separators(header: str, normalized: str) -> None:
    assert normalize_header(header) == normalized


@pytest.mark.parametrize(
    ("header_line", "amount_header"),
    [
        ("Email,DateTime,Tax,SubTotal", "SubTotal"),
        ("Client,TimeStamp,Shipping,SubTotal", "SubTotal"),
        ("CustomerID,InvoiceDate,OrderTotal,Tax", "OrderTotal"),
    ],
)
def test_headers_known_as_one_word_are_still_known_in_camel_case(
    header_line: str, amount_header: str
) -> None:
    _, report = read(f"{header_line}\na@x.io,2024-01-01 10:00,10.5,100.5\n")
    assert report.columns["amount"] == amount_header and "date" in report.columns


def test_quantities_with_units_and_their_own_decimal_comma_are_read() -> None:
    table, report = read(
        "customer,date,price,quantity\n"
        'anna,2024-01-05,10.00,2 шт\nboris,2024-01-06,10.00,"0,5"\n'
        'vera,2024-01-07,2.00,"1,000"\ngleb,2024-01-08,4.00,3 pcs.\n'
    )
    assert table.customer_ids == ("anna", "boris", "gleb", "vera")
    assert table.amount.tolist() == [20.0, 5.0, 12.0, 2000.0]
    assert report.malformed == 0


def test_a_line_too_large_once_multiplied_is_set_aside() -> None:
    table, report = read(
        "customer,date,price,qty\nanna,2024-01-05,10,2\nboris,2024-01-06,1e14,1e14\n"
    )
    assert table.amount.tolist() == [20.0] and report.first_malformed == (3, "bad_amount")


def test_a_chosen_quantity_multiplies_any_amount_column() -> None:
    lines = "customer,date,total,items\nanna,2024-01-05,300,3\n"
    table, _ = read_orders(lines.encode(), "orders.csv", overrides={"quantity": "items"})
    assert table.amount.tolist() == [900.0]


def test_amazons_item_price_is_a_line_total_already() -> None:
    table, report = read(
        "buyer-email,purchase-date,item-price,quantity\na@x.io,2024-01-05,30.00,3\n"
    )
    assert table.amount.tolist() == [30.0] and "quantity" not in report.columns


@pytest.mark.parametrize(
    "price", ["Price per unit", "Price per kg", "Цена за кг", "Цена за килограмм", "Unit Price"]
)
def test_prices_per_unit_or_weight_multiply_by_the_quantity(price: str) -> None:
    # The unreadable price keeps the column from being found by its content: its name must do.
    lines = "anna,2024-01-05,10,2\nboris,2024-01-06,n/a,1\n"
    table, report = read(f"customer,date,{price},qty\n{lines}")
    assert report.columns["amount"] == price and report.columns["quantity"] == "qty"
    assert table.amount.tolist() == [20.0] and report.first_malformed == (3, "bad_amount")


def test_in_a_decimal_comma_file_a_comma_in_a_quantity_is_decimal_too() -> None:
    table, report = read(
        "Клиент;Дата;Цена за кг;Кол-во\n"
        'Анна;05.01.2024;"1 000,00";"1,500"\nБорис;06.01.2024;200,00;2\n'
    )
    assert table.customer_ids == ("Анна", "Борис")
    assert table.amount.tolist() == [1500.0, 400.0] and report.malformed == 0


# Order 7 of two lines; the second line's customer, date, price and quantity are filled in by
# each test (an item line often names no customer or date of its own).
TWO_LINE_ORDER = "order,customer,date,price,qty\n7,anna,2024-01-05,10,2\n7,{}\n"


@pytest.mark.parametrize("who_and_when", ["anna,2024-01-05", ","])
@pytest.mark.parametrize(
    ("money", "why"),
    [("5,a few", "bad_quantity"), ("n/a,1", "bad_amount"), ("1e14,1e14", "bad_amount")],
)
def test_an_unreadable_later_line_of_an_order_is_malformed_and_the_order_kept(
    who_and_when: str, money: str, why: str
) -> None:
    lines = TWO_LINE_ORDER.format(f"{who_and_when},{money}") + "8,boris,2024-01-06,3,1\n"
    table, report = read(lines)
    assert table.amount.tolist() == [20.0, 3.0]
    assert (report.malformed, report.first_malformed) == (1, (3, why))
    assert report.merged_lines == 0 and report.orders_used == 2


@pytest.mark.parametrize(
    ("line", "total"), [("anna,2024-01-05,,1", 20.0), (",,5,1", 25.0), (",,,", 20.0)]
)
def test_a_later_line_without_money_or_a_customer_still_merges_into_its_order(
    line: str, total: float
) -> None:
    table, report = read(TWO_LINE_ORDER.format(line))
    assert table.amount.tolist() == [total]
    assert (report.malformed, report.merged_lines) == (0, 1)


def test_a_negative_price_of_a_negative_quantity_is_a_return() -> None:
    table, report = read(
        "order,customer,date,price,qty\n1,anna,2024-01-05,10,3\n2,anna,2024-01-06,-10,-1\n"
    )
    assert table.amount.tolist() == [20.0] and report.returns_netted == 1


@pytest.mark.parametrize(
    ("header_and_line", "amount"),
    [
        # Whole-rouble prices say nothing of the comma; the semicolons do.
        ("Клиент;Дата;Цена за кг;Кол-во\nАнна;05.01.2024;1000;1,500", 1500.0),
        ('customer,date,price,qty\nanna,2024-01-05,1000,"0,250 кг"', 250.0),
        ('customer,date,price,qty\nanna,2024-01-05,2,"1,000,000"', 2_000_000.0),
        ("Клиент;Дата;Цена;Кол-во\nАнна;05.01.2024;2,00;1,000,000", 2_000_000.0),
        ("Клиент;Дата;Цена;Кол-во\nАнна;05.01.2024;2,00;1.500,5", 3001.0),
        ('customer,date,price,qty\nanna,2024-01-05,2,"1,500"', 3000.0),
    ],
)
def test_a_quantitys_commas_and_dots_follow_the_file(header_and_line: str, amount: float) -> None:
    table, report = read(header_and_line + "\n")
    assert table.amount.tolist() == [amount] and report.malformed == 0


def test_a_returned_lines_cost_goes_back_with_its_money() -> None:
    table, _ = read(
        "order,customer,date,price,qty,cost\n"
        "1,anna,2024-01-05,10,3,6\n1,,,-10,-1,-6\n1,,,10,-1,6\n"
    )
    assert table.amount.tolist() == [10.0]
    assert table.cost is not None and table.cost.tolist() == [6.0]


def test_an_unreadable_line_of_a_cancelled_order_goes_with_the_order() -> None:
    table, report = read(
        "order,customer,date,price,qty,status\n"
        "7,anna,2024-01-05,10,2,cancelled\n7,,,x,1,\n7,anna,2024-01-05,5,1,\n8,boris,2024-01-06,3,1,paid\n"
    )
    assert table.amount.tolist() == [3.0]
    assert (report.cancelled, report.malformed) == (1, 0)
