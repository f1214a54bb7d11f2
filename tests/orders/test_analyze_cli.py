import argparse
import csv
import json
from pathlib import Path

import pytest

from ltv_engine.orders import cli
from ltv_engine.orders.cli_messages import explain_file
from ltv_engine.orders.errors import FileReason, InvalidOrdersFile
from tests.orders.cdnow import FIXTURES


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["analyze", *argv])
    code: int = args.handler(args)
    return code


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """The CDNOW sample as a shop would export it: customer, date, amount."""
    path = tmp_path / "orders.csv"
    lines = (FIXTURES / "cdnow_sample.txt").read_text().splitlines()
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["customer_id", "date", "amount"])
        for master_id, _, day, _, dollars in (line.split() for line in lines):
            writer.writerow([master_id, f"{day[:4]}-{day[4:6]}-{day[6:]}", dollars])
    return path


def test_text_summary(export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(str(export)) == 0
    out = capsys.readouterr().out
    assert "BG/NBD (weeks)" in out
    assert "Customers                     2,349" in out  # 8 zero-value orders set aside
    assert "gg_ok" in out
    assert "Calculator LTV" in out
    assert "CLV top 10% of customers" in out


def test_json_and_csv(export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_csv = tmp_path / "predictions.csv"
    assert (
        _run(
            str(export),
            "--json",
            "--csv",
            str(out_csv),
            "--horizon-months",
            "24",
            "--discount-rate",
            "2",
        )
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert document["horizon_months"] == 24
    assert document["monthly_discount_rate"] == pytest.approx(0.02)
    assert document["measured"]["n_customers"] == 2349
    assert document["bg_nbd"]["r"] > 0
    clv = document["clv"]
    assert clv["total"] > 0
    assert clv["average"] * 2349 == pytest.approx(clv["total"])
    assert 0 < clv["top_share"] < 1
    assert document["calculator_ltv"] > 0
    assert document["cohorts"]["months"] == ["1997-01", "1997-02", "1997-03"]
    assert None in document["cohorts"]["retention"][-1]  # NaN became null
    rows = out_csv.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 1 + 2349


def test_a_file_the_reader_refuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert _run(str(empty)) == cli.FILE_ERROR
    assert capsys.readouterr().err == "error: file: the file is empty [empty_file]\n"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("customer,date,amount\n", "the file has no rows under its header [no_usable_rows rows=0"),
        (
            "Артикул,Наименование\nA1,Чай\n",
            'no column reads as the customer (an id, e-mail, phone or name); name one "Customer"',
        ),
    ],
)
def test_a_refused_file_is_explained_in_a_sentence_before_its_code(
    text: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "orders.csv"
    export.write_text(text, encoding="utf-8")
    assert _run(str(export)) == cli.FILE_ERROR
    assert capsys.readouterr().err.startswith("error: file: " + said)


@pytest.mark.parametrize("reason", list(FileReason))
def test_every_reason_a_file_is_refused_for_has_a_sentence(reason: FileReason) -> None:
    said = explain_file(InvalidOrdersFile(reason, row=3))
    assert said.endswith(f"[{reason.value} row=3]") and len(said) > len(reason.value) + 20


@pytest.mark.parametrize(
    ("where", "said"),
    [("missing.csv", "No such file or directory"), (".", "Is a directory")],
)
def test_a_file_that_cannot_be_read(
    where: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(str(tmp_path / where)) == cli.FILE_ERROR
    err = capsys.readouterr().err
    assert err.startswith("error: file: ") and said in err
    assert "Traceback" not in err


def test_predictions_that_cannot_be_written(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(str(export), "--csv", str(tmp_path / "no" / "such" / "out.csv")) == cli.FILE_ERROR
    assert "No such file or directory" in capsys.readouterr().err


def test_an_unknown_detail_is_left_out_of_a_refusal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refunds = tmp_path / "refunds.csv"
    refunds.write_text("date,customer,total\n2024-01-02,a,-10\n2024-01-03,b,-20\n")
    assert _run(str(refunds)) == cli.FILE_ERROR
    assert "None" not in capsys.readouterr().err


def test_an_export_shorter_than_the_lapse_window_measures_no_frequency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one_day = tmp_path / "one_day.csv"
    one_day.write_text(
        "date,customer,total\n" + "".join(f"2024-03-01,c{i},10\n" for i in range(9))
    )
    assert _run(str(one_day)) == 0
    out = capsys.readouterr().out
    assert "Orders per customer-month     - (1 day of orders" in out

    assert _run(str(one_day), "--json") == 0
    measured = json.loads(capsys.readouterr().out)["measured"]
    assert measured["too_short"] is True and measured["history_days"] == 1
    assert measured["orders_per_month"] is None and measured["monthly_churn"] is None


def test_an_order_dated_in_the_future_is_set_aside(
    export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with export.open("a") as file:
        file.write("99999,2098-03-01,25.00\n")
    assert _run(str(export), "--json") == 0
    read = json.loads(capsys.readouterr().out)["file"]
    assert read["malformed"] == 0 and read["future_dated"] == 1
