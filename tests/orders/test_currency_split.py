"""A currency column naming several currencies: the orders of the main one (most orders) are
read, the others set aside and counted per currency; different currencies are never added."""

from __future__ import annotations

from pathlib import Path

from ltv_engine.orders.ingest import read_orders, read_orders_file

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_real_mixed_export_reads_its_roubles_only_and_counts_the_rest() -> None:
    # 200 orders: 73 in RUB (210 510.90), 41 EUR, 41 USD, 45 KZT
    table, report = read_orders_file(FIXTURES / "mixed_currency_head.csv")
    assert (table.currency, report.main_currency) == ("RUB", "RUB")
    assert report.other_currencies == {"USD": 41, "EUR": 41, "KZT": 45}
    assert table.n_orders == report.orders_used == 73
    assert round(float(table.amount.sum()), 2) == 210510.90
    assert "currency_main" in report.notes and "currency_mixed" not in report.notes


def test_the_main_currency_is_the_one_of_most_orders_not_of_the_largest_sum() -> None:
    lines = ["customer,date,amount,currency"]
    lines += [f"c{i},2024-01-0{1 + i},{10 + i},USD" for i in range(3)]
    lines += ["k1,2024-01-05,900000,KZT", "k2,2024-01-06,800000,KZT"]
    table, report = read_orders(("\n".join(lines) + "\n").encode(), "orders.csv")
    assert table.currency == "USD" and table.amount.tolist() == [10.0, 11.0, 12.0]
    assert report.other_currencies == {"KZT": 2}


def test_a_blank_currency_cell_stays_with_the_main_currency() -> None:
    lines = ["customer,date,amount,currency", "a,2024-01-01,10,EUR", "b,2024-01-02,20,"]
    lines += ["c,2024-01-03,30,EUR", "d,2024-01-04,40,GBP"]
    table, report = read_orders(("\n".join(lines) + "\n").encode(), "orders.csv")
    assert sorted(table.amount.tolist()) == [10.0, 20.0, 30.0]
    assert (table.currency, report.other_currencies) == ("EUR", {"GBP": 1})


def test_one_currency_in_the_column_sets_nothing_aside() -> None:
    lines = ["customer,date,amount,currency", "a,2024-01-01,10,руб.", "b,2024-01-02,20,RUB"]
    table, report = read_orders(("\n".join(lines) + "\n").encode(), "orders.csv")
    assert (table.currency, report.other_currencies, report.main_currency) == ("RUB", {}, None)
    assert "currency_main" not in report.notes
