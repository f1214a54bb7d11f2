"""Currency signs and codes written in the amount cells, with no currency column: the orders of
the main currency (most orders) are read, the others set aside and counted per currency, as a
currency column's are (see test_currency_split). An amount with no sign is in the currency the
amount's header names, else in the main one."""

from __future__ import annotations

from ltv_engine.orders.ingest import read_orders
from ltv_engine.orders.table import IngestReport, OrderTable


def read(
    header: str, amounts: list[str], extra: list[str] | None = None
) -> tuple[OrderTable, IngestReport]:
    """One order a day, each of its own customer; ``extra``: a last column's cells."""
    head = f"customer;date;{header}" + (";currency" if extra else "")
    lines = [
        f"c{i};2024-01-{i + 1:02d};{amount}" + (f";{extra[i]}" if extra else "")
        for i, amount in enumerate(amounts)
    ]
    return read_orders("\n".join([head, *lines]).encode(), "orders.csv")


def test_signs_in_one_amount_column_keep_the_main_currency_and_count_the_others() -> None:
    table, report = read("amount", ["1 500 ₽", "$20", "€15", "2 000 ₽", "300 ₽", "$25"])

    assert (table.currency, report.main_currency) == ("RUB", "RUB")
    assert sorted(table.amount.tolist()) == [300.0, 1500.0, 2000.0]
    assert report.other_currencies == {"USD": 2, "EUR": 1}
    assert (report.orders_used, report.malformed) == (3, 0)
    assert "currency_main" in report.notes and "currency_mixed" not in report.notes


def test_iso_codes_in_the_cells_count_as_their_currency_and_other_words_do_not() -> None:
    amounts = ["CAD 30", "1500 RUB", "40 CAD", "20 USD", "1 200 руб.", "CAD 50", "20 PCS"]
    table, report = read("amount", amounts)

    assert table.currency == "CAD" and sorted(table.amount.tolist()) == [30.0, 40.0, 50.0]
    assert report.other_currencies == {"RUB": 2, "USD": 1}
    assert (report.malformed, report.first_malformed) == (1, (8, "bad_amount"))


def test_amounts_with_no_sign_go_with_the_main_currency() -> None:
    table, report = read("amount", ["1 500 ₽", "2 000", "$20", "300 ₽", "700", "$30"])

    assert table.currency == "RUB"
    assert sorted(table.amount.tolist()) == [300.0, 700.0, 1500.0, 2000.0]
    assert report.other_currencies == {"USD": 2}


def test_amounts_with_no_sign_are_in_the_currency_their_header_names() -> None:
    """Three orders in USD (two of them by the header), two in EUR: USD is the main one."""
    table, report = read("Amount (USD)", ["20", "€15", "30", "€16", "$5"])

    assert (table.currency, report.other_currencies) == ("USD", {"EUR": 2})
    assert sorted(table.amount.tolist()) == [5.0, 20.0, 30.0]


def test_one_sign_among_plain_amounts_sets_nothing_aside() -> None:
    table, report = read("amount", ["10", "$20", "30"])

    assert (table.currency, table.n_orders) == ("USD", 3)
    assert (report.other_currencies, report.main_currency, report.notes) == ({}, None, ())


def test_with_a_currency_column_the_column_decides_and_its_signs_agree() -> None:
    """The cells' signs are those of the currency column: the orders kept are in one currency,
    so the table has it (the signs of the orders set aside do not make it mixed)."""
    table, report = read("amount", ["$10", "15 €", "$12"], extra=["USD", "EUR", "USD"])

    assert (table.currency, report.other_currencies) == ("USD", {"EUR": 1})
    assert "currency_mixed" not in report.notes


def test_a_header_naming_another_currency_than_every_sign_is_still_mixed() -> None:
    table, report = read("Сумма, руб.", ["$10", "$12"])

    assert table.currency is None and table.n_orders == 2
    assert "currency_mixed" in report.notes
