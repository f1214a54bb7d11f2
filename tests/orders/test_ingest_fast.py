"""The NumPy reader of plain CSV files gives exactly what the general reader gives, and
declines every file that is not plain."""

from __future__ import annotations

import numpy as np
import pytest

from ltv_engine.orders import ingest
from ltv_engine.orders.ingest import InvalidOrdersFile, read_orders
from ltv_engine.orders.ingest_fast import MAX_ID_BYTES
from ltv_engine.orders.table import IngestReport, OrderTable

Read = tuple[OrderTable, IngestReport]


def general(data: bytes, monkeypatch: pytest.MonkeyPatch) -> Read | InvalidOrdersFile:
    with monkeypatch.context() as patch:
        patch.setattr(ingest, "collect_plain_csv", lambda *args: None)
        return outcome(data)


def outcome(data: bytes) -> Read | InvalidOrdersFile:
    try:
        return read_orders(data, "orders.csv")
    except InvalidOrdersFile as error:
        return error


def assert_same(got: Read | InvalidOrdersFile, want: Read | InvalidOrdersFile) -> None:
    if isinstance(want, InvalidOrdersFile) or isinstance(got, InvalidOrdersFile):
        assert isinstance(got, InvalidOrdersFile) and isinstance(want, InvalidOrdersFile)
        assert (got.reason, got.details) == (want.reason, want.details)
        return
    (table, report), (want_table, want_report) = got, want
    assert report == want_report
    assert table.customer_ids == want_table.customer_ids
    assert (table.currency, table.cost) == (want_table.currency, want_table.cost)
    for column in ("customer", "day", "amount"):
        got_column, want_column = getattr(table, column), getattr(want_table, column)
        assert got_column.dtype == want_column.dtype, column
        assert got_column.tobytes() == want_column.tobytes(), column  # bit for bit


def check(
    data: bytes, fast_taken: list[bool], monkeypatch: pytest.MonkeyPatch, *, plain: bool
) -> None:
    got = outcome(data)
    assert fast_taken == [plain]
    assert_same(got, general(data, monkeypatch))


def csv(lines: list[str], *, newline: str = "\n", end: bool = True) -> bytes:
    return (newline.join(lines) + (newline if end else "")).encode()


BASIC = ["customer_id,date,amount", "b,2024-01-05,10.50", "a,2024-01-07,3", "b,2024-02-01,7.25"]

PLAIN = {
    "basic": csv(BASIC),
    "semicolon": csv([line.replace(",", ";") for line in BASIC]),
    "tab": csv([line.replace(",", "\t") for line in BASIC]),
    "crlf": csv(BASIC, newline="\r\n"),
    "no final newline": csv(BASIC, end=False),
    "crlf, no final newline": csv(BASIC, newline="\r\n", end=False),
    "bom": b"\xef\xbb\xbf" + csv(BASIC),
    "russian headers, more columns, other order": csv(
        [
            "Сумма;Комментарий;Дата заказа;Клиент",
            "1200;первый;2024-03-01;Иванов",
            "800;;2024-03-09;Петров",
            "450.5;повтор;2024-04-01;Иванов",
        ]
    ),
    "ids sort as the general reader sorts them": csv(
        ["customer,date,amount"]
        + [
            f"{name},2024-01-0{i % 9 + 1},{i + 1}"
            for i, name in enumerate(
                ["A", "A0", "AB", "a", "Ä", "Я", "я", "ab@example.com", "z" * 20, "z" * 19 + "y"]
                * 2
            )
        ]
    ),
    "times after the date": csv(
        [
            "email,created at,total",
            "x@a.io,2024-01-05 10:00:00,5",
            "x@a.io,2024-01-05T23:59,6",
            "y@a.io,2024-01-06 07:00,7",
        ]
    ),
    "amount spellings": csv(
        ["customer,date,amount"]
        + [
            f"c{i},2024-05-{i + 1:02d},{amount}"
            for i, amount in enumerate(
                ["5.", ".5", "007.50", "0.1", "123456789012.345", "999999999999999", "12"]
            )
        ]
    ),
    "refunds and zero orders": csv(
        [
            "customer,date,amount",
            "a,2024-01-01,10",
            "a,2024-01-02,-4.5",
            "b,2024-01-03,0",
            "b,2024-01-04,0.00",
            "c,2024-01-05,-0",
            "c,2024-01-06,1",
        ]
    ),
    "longest id taken": csv(
        ["customer,date,amount", f"{'x' * MAX_ID_BYTES},2024-01-01,1", "y,2024-01-02,2"]
    ),
    "leap day and the year bounds": csv(
        ["customer,date,amount", "a,2024-02-29,1", "a,1900-01-01,2", "b,2100-12-31,3"]
    ),
}

NOT_PLAIN = {
    "quotes": csv([*BASIC, '"c, d",2024-03-01,5']),
    "decimal comma": csv([line.replace(",", ";") for line in BASIC] + ["c;2024-03-01;5,5"]),
    "day-first dates": csv(["customer,date,amount", "a,05.01.2024,1", "b,13.01.2024,2"]),
    "status column": csv(["customer,date,amount,status", "a,2024-01-01,5,paid"]),
    "order id column": csv(["order id,customer,date,amount", "1,a,2024-01-01,5"]),
    "blank line": csv([*BASIC[:2], "", *BASIC[2:]]),
    "lone carriage return": csv(BASIC).replace(b"a,", b"a\r,", 1),
    "carriage return at the end": csv(BASIC, newline="\r\n") + b"\r",
    "mixed line ends": csv(BASIC[:2]) + csv(BASIC[2:], newline="\r\n"),
    "currency sign": csv([*BASIC, "c,2024-03-01,$5"]),
    "exponent": csv([*BASIC, "c,2024-03-01,1e3"]),
    "plus sign": csv([*BASIC, "c,2024-03-01,+5"]),
    "spaces around an amount": csv([*BASIC, "c,2024-03-01, 5"]),
    "16 digits": csv([*BASIC, "c,2024-03-01,1234567890123.456"]),
    "nan": csv([*BASIC, "c,2024-03-01,nan"]),
    "two dots": csv([*BASIC, "c,2024-03-01,1.2.3"]),
    "only a sign": csv([*BASIC, "c,2024-03-01,-"]),
    "empty amount": csv([*BASIC, "c,2024-03-01,"]),
    "spaces around an id": csv([*BASIC, " c ,2024-03-01,5"]),
    "no-break space after an id": csv([*BASIC, "c\xa0,2024-03-01,5"]),
    "empty id": csv([*BASIC, ",2024-03-01,5"]),
    "id too long": csv([*BASIC, f"{'x' * (MAX_ID_BYTES + 1)},2024-03-01,5"]),
    "impossible date": csv([*BASIC, "c,2024-02-30,5"]),
    "year out of range": csv([*BASIC, "c,1850-01-01,5"]),
    "short date": csv([*BASIC, "c,2024-3-01,5"]),
    "junk after the date": csv([*BASIC, "c,2024-03-01x,5"]),
    "windows-1251": "\n".join(["Клиент,Дата,Сумма", "Иванов,2024-01-01,5"]).encode("cp1251"),
    "title line": csv(["Orders export", *BASIC]),
    "ragged row": csv([*BASIC, "c,2024-03-01,5,extra"]),
    "short row": csv([*BASIC, "c,2024-03-01"]),
    "header only": csv(BASIC[:1]),
}


@pytest.mark.parametrize("data", PLAIN.values(), ids=PLAIN.keys())
def test_plain_files_read_fast_give_what_the_general_reader_gives(
    data: bytes, fast_taken: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    check(data, fast_taken, monkeypatch, plain=True)


@pytest.mark.parametrize("data", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_files_that_are_not_plain_go_to_the_general_reader(
    data: bytes, fast_taken: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    check(data, fast_taken, monkeypatch, plain=False)


ID_LETTERS = [*"abcXYZ019._@-", "я", "Ж", "ё", "€", " "]


def random_plain_file(rng: np.random.Generator) -> bytes:
    """Customers, dates and amounts in the spellings the fast reader takes."""
    delimiter = str(rng.choice([",", ";", "\t", "|"]))
    header = ["customer", "date", "amount", "note"]
    order = rng.permutation(4)
    lines = [delimiter.join(header[i] for i in order)]
    customers = [
        "".join(rng.choice(ID_LETTERS, size=rng.integers(1, 25))).strip() or "q"
        for _ in range(rng.integers(1, 40))
    ]
    for _ in range(rng.integers(1, 200)):
        date = f"{rng.integers(1990, 2030)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"
        date += str(rng.choice(["", " 10:00", "T08:30:00"]))
        whole, cents = int(rng.integers(-50, 100_000)), int(rng.integers(0, 100))
        amount = str(rng.choice([f"{whole}", f"{whole}.{cents:02d}", f"{whole}.{cents}"]))
        cells = [str(rng.choice(customers)), date, amount, str(rng.choice(["", "note"]))]
        lines.append(delimiter.join(cells[i] for i in order))
    return csv(lines, newline=str(rng.choice(["\n", "\r\n"])), end=bool(rng.random() < 0.8))


@pytest.mark.parametrize("seed", range(40))
def test_random_plain_files_read_the_same_both_ways(
    seed: int, fast_taken: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    check(random_plain_file(np.random.default_rng(seed)), fast_taken, monkeypatch, plain=True)


def test_many_rows_in_several_blocks_read_the_same_both_ways(
    fast_taken: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(7)
    rows = 150_000  # more than two blocks of the byte matrices
    customers = rng.integers(0, 20_000, rows)
    days = np.datetime64("2023-01-01") + rng.integers(0, 700, rows)
    cents = rng.integers(-500, 10**9, rows)
    lines = ["client id,order date,revenue"] + [
        f"C{c:06d}Ж,{d},{m // 100}.{m % 100:02d}"
        for c, d, m in zip(
            customers.tolist(), days.astype(str).tolist(), cents.tolist(), strict=True
        )
    ]
    check(csv(lines), fast_taken, monkeypatch, plain=True)
