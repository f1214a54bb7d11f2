"""A predictions file for a chat whose spreadsheets write a decimal comma (Russian Excel)."""

import csv
import io

from ltv_engine.orders.analysis import analyze
from ltv_engine.orders.export import BOM, predictions_csv
from tests.orders.cdnow import sample_orders
from tests.orders.order_rows import table_from_rows

ROWS = [("A", "2024-01-01", 10.5), ("B;C", "2024-01-02", 1234.25)]


def _lines(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    assert text.startswith(BOM)  # Excel takes the encoding from it
    return text[1:].split("\r\n")


def _read(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def test_a_decimal_comma_file_parts_cells_by_semicolons() -> None:
    analysis = analyze(table_from_rows(ROWS))
    data = predictions_csv(analysis, headers={"customer_id": "Клиент"}, decimal_comma=True)
    lines = _lines(data)
    assert lines[0].startswith("Клиент;orders;revenue;p_alive;")
    rows = _read(data, ";")
    assert rows[1] == ["A", "1", "10,50", "", "", "", "new", "unknown"]
    assert rows[2][:3] == ["B;C", "1", "1234,25"]  # a semicolon in an id is quoted


def test_model_figures_get_a_decimal_comma_too() -> None:
    analysis = analyze(sample_orders())  # ids are digits: only the figures hold points
    point = _read(predictions_csv(analysis), ",")
    comma = _read(predictions_csv(analysis, decimal_comma=True), ";")
    assert any("." in cell for cell in point[1]) and not any("." in cell for cell in comma[1])
    assert [[cell.replace(".", ",") for cell in row] for row in point] == comma


def test_a_decimal_point_file_is_as_before() -> None:
    lines = _lines(predictions_csv(analyze(table_from_rows(ROWS))))
    assert lines[0].startswith("customer_id,orders,revenue,")
    assert lines[1] == "A,1,10.50,,,,new,unknown"
    assert lines[2].startswith("B;C,1,1234.25,")
