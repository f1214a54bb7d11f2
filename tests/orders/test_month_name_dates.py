"""Dates with the month in words, as Russian shops (InSales, 1C reports) and English exports
write them: the day, the month's name or abbreviation, the year."""

from __future__ import annotations

from pathlib import Path

import pytest

from ltv_engine.orders.ingest import read_orders, read_orders_file
from ltv_engine.orders.ingest_values import date_form, date_part, is_text_date
from tests.orders.order_rows import day_number

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("1 мая 2025 г.", "2025-05-01"),
        ("1 мая 2025", "2025-05-01"),
        ("01 января 2024 года", "2024-01-01"),
        ("3 март 2024", "2024-03-03"),
        ("15 янв. 2025 г.", "2025-01-15"),
        ("5 сент. 2024", "2024-09-05"),
        ("28 Февр 2023", "2023-02-28"),
        ("1 May 2025", "2025-05-01"),
        ("May 1, 2025", "2025-05-01"),
        ("Sept 3rd, 2024", "2024-09-03"),
        ("01-Jan-25", "2025-01-01"),
        ("1 мая 2025 г. 13:45", "2025-05-01"),
        ("December 31, 2024 11:59 PM", "2024-12-31"),
    ],
)
def test_a_month_in_words_reads_as_its_date(text: str, iso: str) -> None:
    form = date_form(date_part(text))
    assert form is not None and (form.kind, form.value) == ("day", day_number(iso))
    assert is_text_date(text)


@pytest.mark.parametrize("text", ["1 мяу 2025", "31 февраля 2025", "1 ма 2025", "Маша 1, 2025"])
def test_a_word_that_is_no_month_or_a_day_the_month_has_not_is_no_date(text: str) -> None:
    assert date_form(date_part(text)) is None


def test_an_insales_export_with_dates_in_words_is_read() -> None:
    table, report = read_orders_file(FIXTURES / "insales_ru_head.csv")
    assert report.malformed == 0 and report.columns["date"] == "Дата создания"
    assert table.n_orders + report.cancelled + report.refunded + report.zero_amount == 100
    assert int(table.day.min()) == day_number("2025-05-01")


def test_a_date_column_in_words_is_found_by_its_values() -> None:
    lines = ["Покупатель;Когда;Сумма", "a;1 мая 2025;10", "b;12 июня 2025 г.;20"]
    table, report = read_orders(("\n".join(lines) + "\n").encode(), "orders.csv")
    assert report.columns["date"] == "Когда"
    assert sorted(table.day.tolist()) == [day_number("2025-05-01"), day_number("2025-06-12")]
