"""Orders never paid for are no purchases: set aside like cancelled ones, and counted apart."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ltv_engine.orders import cli
from ltv_engine.orders.ingest import FileReason, InvalidOrdersFile, read_orders
from ltv_engine.orders.ingest_values import Status, status_of
from ltv_engine.orders.table import IngestReport, OrderTable
from tests.orders.test_analyze_cli import _run


@pytest.mark.parametrize(
    "text",
    [
        "Не оплачен",
        "Не оплачено",
        "НЕОПЛАЧЕН",
        "Неоплаченный",
        "Ожидает оплаты",
        "Ожидание оплаты",
        "В ожидании оплаты",
        "Ждёт оплаты",
        "Ожидает предоплаты",
        "Оплата не поступила",
        "Pending payment",  # WooCommerce
        "wc-pending",
        "Awaiting Payment",  # BigCommerce
        "awaiting_payment",
        "Payment pending",
        "unpaid",
        "Not paid",
        "On hold",  # WooCommerce: awaiting payment, stock reduced, payment to be confirmed
        "on-hold",
        "wc-on-hold",
    ],
)
def test_unpaid_statuses(text: str) -> None:
    assert status_of(text) is Status.UNPAID


@pytest.mark.parametrize(
    "text",
    [
        "Оплачен",
        "Оплачено",
        "paid",
        "Payment received",
        "Processing",  # WooCommerce: paid, awaiting fulfilment
        "wc-processing",
        "Completed",
        "Выполнен",
        "Оплачено частично",  # some money came in: a sale, as a partial refund is
        "Частично оплачен",
        "partially_paid",
        "Оплачен не полностью",
        "Pending shipment",  # paid, waiting to be sent
        "Ожидает отправки",
        "Awaiting fulfillment",
        "Prepaid",
        "authorized",  # Shopify: the card is authorised, the money taken on capture
        "pending",  # Shopify: cash on delivery stays pending until the courier is paid
        "",
    ],
)
def test_paid_statuses_stay_sales(text: str) -> None:
    assert status_of(text) is Status.KEPT


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Cancelled (unpaid)", Status.CANCELLED),
        ("Отменён, не оплачен", Status.CANCELLED),
        ("Refund pending", Status.REFUNDED),
        ("Ожидает возврата оплаты", Status.REFUNDED),
    ],
)
def test_a_cancellation_or_refund_says_more_than_unpaid(text: str, status: Status) -> None:
    assert status_of(text) is status


def test_unpaid_orders_are_set_aside_and_counted_apart() -> None:
    lines = [
        "customer,date,amount,status",
        "a,2024-01-05,10,Оплачен",
        "b,2024-01-06,20,Не оплачен",
        "c,2024-01-07,30,Ожидает оплаты",
        "d,2024-01-08,40,Отменён",
        "e,2024-01-09,50,Возврат",
        "f,2024-01-10,60,Pending payment",
    ]
    table, report = read_orders(("\n".join(lines) + "\n").encode(), "orders.csv")
    assert table.customer_ids == ("a",)
    assert (report.unpaid, report.cancelled, report.refunded) == (3, 1, 1)
    assert (report.orders_used, report.malformed) == (1, 0)


def test_an_unpaid_order_takes_its_item_lines_with_it_as_a_cancelled_one_does() -> None:
    def read_with(status: str) -> tuple[OrderTable, IngestReport]:
        lines = [
            "order_id,customer,date,amount,status",
            "1,a,2024-01-05,10,paid",
            "1,a,2024-01-05,5,",
            f"2,b,2024-01-06,7,{status}",
            "2,b,2024-01-06,4,",
            "2,,,3,",
        ]
        return read_orders(("\n".join(lines) + "\n").encode(), "orders.csv")

    table, report = read_with("Pending payment")
    cancelled_table, cancelled_report = read_with("cancelled")
    assert table.customer_ids == ("a",) and table.amount.tolist() == [15.0]
    assert table.amount.tolist() == cancelled_table.amount.tolist()
    assert (report.unpaid, report.cancelled) == (1, 0)
    assert replace(report, unpaid=0, cancelled=1) == cancelled_report


def test_a_file_of_unpaid_orders_only_is_refused_and_says_so() -> None:
    lines = ["customer,date,amount,status", "a,2024-01-05,10,unpaid", "b,2024-01-06,9,on-hold"]
    with pytest.raises(InvalidOrdersFile) as caught:
        read_orders(("\n".join(lines) + "\n").encode(), "orders.csv")
    assert caught.value.reason is FileReason.NO_USABLE_ROWS
    assert (caught.value.details["unpaid"], caught.value.details["cancelled"]) == (2, 0)


@pytest.fixture
def export_with_unpaid(tmp_path: Path) -> Path:
    path = tmp_path / "orders.csv"
    rows = ["customer;date;amount;status"]
    rows += [f"c{n};2024-01-{n + 1:02d};{10 + n};выполнен" for n in range(20)]
    rows += [
        "x;2024-01-05;99;Не оплачен",
        "y;2024-01-06;99;Ожидает оплаты",
        "z;2024-01-07;1;отменён",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_analyze_says_how_many_orders_were_unpaid(
    export_with_unpaid: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(str(export_with_unpaid)) == 0
    assert f"{'Set aside':<{cli.LABEL_WIDTH}}1 cancelled, 2 unpaid" in capsys.readouterr().out
    assert _run(str(export_with_unpaid), "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["file"]["unpaid"], document["file"]["cancelled"]) == (2, 1)


def test_analyze_prints_no_set_aside_row_when_nothing_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("customer,date,amount\na,2024-01-05,10\nb,2024-01-06,20\n")
    assert _run(str(path)) == 0
    assert "Set aside" not in capsys.readouterr().out
