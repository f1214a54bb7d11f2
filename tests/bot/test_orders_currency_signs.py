"""An order file whose amounts carry their currency's sign, several of them, through the real
dispatcher: the review says which currency is read and how many orders of the others are set
aside, and the result is in the main currency."""

from tests.fakes.client import TelegramClient
from tests.fakes.session import RecordingSession


def signed_export() -> bytes:
    """Twelve orders in roubles (every third without a sign), four in dollars, two in euros."""
    amounts = [f"{1000 + i * 10} ₽" if i % 3 else f"{1000 + i * 10}" for i in range(12)]
    amounts += ["$20", "$25", "$30", "$35", "€15", "€18"]
    lines = ["Клиент;Дата;Сумма"]
    lines += [f"к{i % 5};{i + 1:02d}.03.2025;{amount}" for i, amount in enumerate(amounts)]
    return "\n".join(lines).encode()


async def test_the_review_reads_the_main_currency_and_names_the_orders_set_aside(
    ru_client: TelegramClient, session: RecordingSession
) -> None:
    await ru_client.send_document("signs.csv", signed_export())

    text = ru_client.last_text()
    assert "12 заказов от 5 клиентов" in text
    assert "Взял заказы в RUB; 6 заказов в USD, EUR отложил" in text
    assert "смешаны валюты" not in text
    await ru_client.click("Разобрать")
    assert "₽" in session.sent_texts()[-1] and "$" not in session.sent_texts()[-1]
