import csv
import io

import pytest

from ltv_engine.orders.analysis import analyze
from ltv_engine.orders.export import BOM, COLUMNS, neutralised, predictions_csv
from tests.orders.cdnow import sample_orders
from tests.orders.order_rows import table_from_rows


def _read(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:], newline="")))


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+79001234567", "'+79001234567"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("anna@example.com", "anna@example.com"),
        ("12.50", "12.50"),
        ("", ""),
    ],
)
def test_formula_starts_get_an_apostrophe(cell: str, safe: str) -> None:
    assert neutralised(cell) == safe


def test_hostile_customer_ids_stay_text_in_the_file() -> None:
    rows = [
        ("=1+2", "2024-01-01", 10.0),
        ("@evil", "2024-01-02", 5.0),
        ("Анна", "2024-01-03", 7.0),
    ]
    parsed = _read(predictions_csv(analyze(table_from_rows(rows))))
    ids = [row[0] for row in parsed[1:]]
    assert ids == ["'=1+2", "'@evil", "Анна"]


def test_without_a_model_predictions_are_empty_cells() -> None:
    parsed = _read(predictions_csv(analyze(table_from_rows([("A", "2024-01-01", 10.5)]))))
    assert parsed == [list(COLUMNS), ["A", "1", "10.50", "", "", "", "new", "unknown"]]


def test_headers_can_be_localised_and_are_neutralised_too() -> None:
    analysis = analyze(table_from_rows([("A", "2024-01-01", 10.0)]))
    headers = {"customer_id": "Клиент", "revenue": "-Выручка"}
    header = _read(predictions_csv(analysis, headers=headers))[0]
    assert header[:3] == ["Клиент", "orders", "'-Выручка"]


def test_segment_and_risk_codes_can_be_put_in_words() -> None:
    analysis = analyze(table_from_rows([("A", "2024-01-01", 10.0)]))
    words = {"new": "Новые", "unknown": "неизвестен"}
    row = _read(predictions_csv(analysis, words=words))[1]
    assert row[-2:] == ["Новые", "неизвестен"]


def test_cdnow_rows_carry_the_predictions() -> None:
    analysis = analyze(sample_orders())
    data = predictions_csv(analysis)
    parsed = _read(data)
    assert b"\r\n" in data
    assert len(parsed) == 1 + analysis.measured.n_customers
    first = dict(zip(COLUMNS, parsed[1], strict=True))
    c = analysis.customers
    top = c.ids.index(first["customer_id"])
    assert float(first["p_alive"]) == pytest.approx(c.p_alive[top], abs=5e-5)
    assert float(first["predicted_clv"]) == pytest.approx(c.clv[top], abs=5e-3)
    assert first["risk_band"] in {"low", "medium", "high"}


def test_customers_come_most_valuable_first() -> None:
    parsed = _read(predictions_csv(analyze(sample_orders())))
    clv = [float(row[COLUMNS.index("predicted_clv")]) for row in parsed[1:]]
    assert clv == sorted(clv, reverse=True) and clv[0] > clv[-1]
