"""``ltv analyze``'s text report names every kind of row it set aside on its one "Set aside"
line, as ``--json`` counts them: unposted 1C documents, orders dated in the future and orders
in other currencies among them."""

import argparse
import re
from pathlib import Path

import pytest

from ltv_engine.orders import cli
from tests.orders.cdnow import FIXTURES

EXPORTS = Path(__file__).parent / "fixtures"


def set_aside_line(*argv: str, capsys: pytest.CaptureFixture[str]) -> str:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["analyze", *argv])
    assert args.handler(args) == 0
    (line,) = re.findall(r"^  Set aside +(.*)$", capsys.readouterr().out, re.MULTILINE)
    return str(line)


def test_unposted_documents_are_on_the_set_aside_line(capsys: pytest.CaptureFixture[str]) -> None:
    line = set_aside_line(str(EXPORTS / "1c_realizacii_cp1251_head.csv"), capsys=capsys)
    assert line == "9 unposted, 1 zero amount"


def test_orders_in_other_currencies_are_counted_per_currency(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = set_aside_line(str(EXPORTS / "mixed_currency_head.csv"), capsys=capsys)
    assert line == "41 in USD, 45 in KZT, 41 in EUR"  # as first seen


def test_future_dated_orders_are_on_the_set_aside_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (FIXTURES / "cdnow_sample.txt").read_text().splitlines()[:300]
    cells = (line.split() for line in lines)
    rows = [f"{who},{d[:4]}-{d[4:6]}-{d[6:]},{amount}" for who, _, d, _, amount in cells]
    rows += ["99999,2098-03-01,25.00", "99998,2099-01-01,10.00", "99997,1997-01-01,junk"]
    export = tmp_path / "orders.csv"
    export.write_text("\n".join(["customer,date,amount", *rows]) + "\n")

    line = set_aside_line(str(export), capsys=capsys)
    assert line == "1 zero amount, 2 dated in the future, 1 unreadable"
