"""A workbook whose orders follow a summary sheet, sent in the chat: the review names the sheet
it read, and a column picked there is read on that same sheet."""

import io

from aiogram.methods import EditMessageText
from openpyxl import Workbook

from tests.fakes.client import TelegramClient
from tests.fakes.session import RecordingSession

SHEET = "Заказы <2024> & co"  # a sheet's name is the person's own text


def summary_then_orders() -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Сводка"
    for row in (["Заказов", 30], ["Выручка", 46500], ["Средний чек", 1550]):
        summary.append(row)
    orders = book.create_sheet(SHEET)
    orders.append(["Клиент", "Дата заказа", "Сумма", "Сумма с доставкой"])
    for n in range(1, 31):
        orders.append([f"client-{n % 5}", f"2024-01-{n % 28 + 1:02d}", 100 * n, 100 * n + 300])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sent_review(session: RecordingSession) -> str:
    """The review as sent: HTML, the person's text escaped."""
    return session.last(EditMessageText).text or ""


async def test_the_review_names_the_sheet_of_orders(
    client: TelegramClient, session: RecordingSession
) -> None:
    await client.send_document("orders.xlsx", summary_then_orders())

    review = client.last_text()
    assert "30 orders from 5 customers" in review
    assert f"Sheet: «{SHEET}»\n• customer: «Клиент»" in review
    assert "Sheet: «Заказы &lt;2024&gt; &amp; co»" in sent_review(session)


async def test_the_review_names_the_sheet_in_russian(ru_client: TelegramClient) -> None:
    await ru_client.send_document("заказы.xlsx", summary_then_orders())

    review = ru_client.last_text()
    assert "30 заказов от 5 клиентов" in review
    assert f"Лист: «{SHEET}»\n• клиент: «Клиент»" in review


async def test_a_column_picked_in_the_review_is_read_on_the_sheet_it_showed(
    client: TelegramClient, session: RecordingSession
) -> None:
    await client.send_document("orders.xlsx", summary_then_orders())

    await client.click("Amount: Сумма")
    await client.click("Сумма с доставкой")

    review = client.last_text()
    assert "amount: «Сумма с доставкой» (your choice)" in review
    assert f"Sheet: «{SHEET}»" in review
    await client.click("Analyse")
    assert "Average order: <b>$1,850</b>" in sent_review(session)  # 100 n + 300, n = 1..30
