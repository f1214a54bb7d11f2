"""The guess of a file's columns names each role's column by its position: two columns may
share a header (or have none), and the one guessed need not be the first of its name."""

from ltv_engine.orders.ingest import sniff


def test_a_date_column_found_by_its_values_is_the_second_of_two_blank_headers() -> None:
    lines = ["Клиент;;;Сумма"] + [f"c{i % 3};заметка;{i:02d}.05.2025;{i}00" for i in range(1, 9)]

    guess = sniff("\n".join(lines).encode(), "x.csv")

    assert guess.positions == {"customer": 0, "date": 2, "amount": 3}
    assert guess.roles == {"customer": "Клиент", "date": "", "amount": "Сумма"}
    assert guess.by_content == {"date"}
