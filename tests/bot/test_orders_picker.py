"""The column picker of an order file's review, through the real dispatcher: every column of a
wide export is reachable a page at a time, and a column already read for another role is
refused before the file is read again."""

import csv
import io

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import EditMessageText, GetFile, SendMessage
from aiogram.types import InlineKeyboardMarkup

from bot.orders.callbacks import OrdersCb
from tests.bot.order_files import orders_csv
from tests.fakes.client import TelegramClient
from tests.fakes.session import RecordingSession

WIDE = 150
PAID = 139  # the 140th column: what each order was paid, twice its "total"
SOUP = 100  # a header of user text that looks like callback data and markup
PAID_HEADER = "Paid, with delivery: " + "€" * 30  # longer than 64 bytes
TELEGRAM_MAX_BUTTONS = 100
TELEGRAM_MAX_CALLBACK_BYTES = 64


def wide_export() -> bytes:
    headers = ["client", "date", "total"]
    headers += [f"Attribute {i} with a long header that goes on and on" for i in range(3, WIDE)]
    headers[PAID] = PAID_HEADER
    headers[SOUP] = 'od:pick:amount:3 <b>"x"</b>'
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    for day in range(1, 21):
        row = [f"c{day % 4}", f"2024-01-{day:02d}", str(day * 10)] + ["x"] * (WIDE - 3)
        row[PAID] = str(day * 20)
        writer.writerow(row)
    return out.getvalue().encode()


def labels(client: TelegramClient) -> list[str]:
    markup = client.last_message().reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    return [button.text for row in markup.inline_keyboard for button in row]


def keyboards_sent(session: RecordingSession) -> list[InlineKeyboardMarkup]:
    calls: list[SendMessage | EditMessageText] = [
        *session.of_type(SendMessage),
        *session.of_type(EditMessageText),
    ]
    return [
        call.reply_markup for call in calls if isinstance(call.reply_markup, InlineKeyboardMarkup)
    ]


async def test_the_140th_of_150_columns_is_reached_page_by_page_chosen_and_read(
    client: TelegramClient, session: RecordingSession
) -> None:
    await client.send_document("wide.csv", wide_export())
    await client.click("Amount: total")

    assert "Columns 1–40 of 150 · page 1 of 4" in client.last_text()
    assert "✓ total" in labels(client) and labels(client)[-2:] == ["41–80 ▶", "« Back"]
    await client.click("41–80 ▶")
    assert labels(client)[-3:] == ["◀ 1–40", "81–120 ▶", "« Back"]
    await client.click("81–120 ▶")
    await client.click("121–150 ▶")
    assert "Columns 121–150 of 150 · page 4 of 4" in client.last_text()
    assert labels(client)[-2:] == ["◀ 81–120", "« Back"]

    await client.click("Paid, with delivery")
    assert "amount: «Paid, with delivery: €€€" in client.last_text()
    assert "(your choice)" in client.last_text()
    await client.click("Amount: Paid")
    assert "page 4 of 4" in client.last_text()  # where the column read now is
    (ticked,) = [label for label in labels(client) if label.startswith("✓")]
    assert ticked.startswith("✓ Paid, with delivery")
    await client.click("« Back")
    await client.click("Analyse")

    result = session.last(EditMessageText).text or ""
    assert "Average order: <b>$210</b>" in result  # (20 + 40 + ... + 400) / 20
    keyboards = keyboards_sent(session)
    assert len(keyboards) > 6
    for keyboard in keyboards:
        buttons = [button for row in keyboard.inline_keyboard for button in row]
        assert len(buttons) <= TELEGRAM_MAX_BUTTONS
        assert all(
            len((button.callback_data or "").encode()) <= TELEGRAM_MAX_CALLBACK_BYTES
            for button in buttons
        )


async def test_the_pages_speak_russian(ru_client: TelegramClient) -> None:
    await ru_client.send_document("wide.csv", wide_export())
    await ru_client.click("💰")
    await ru_client.click("41–80 ▶")

    assert "Столбцы 41–80 из 150 · страница 2 из 4" in ru_client.last_text()
    assert labels(ru_client)[-3:] == ["◀ 1–40", "81–120 ▶", "« Назад"]


async def test_a_forged_page_past_the_end_shows_the_last_page(client: TelegramClient) -> None:
    await client.send_document("wide.csv", wide_export())
    await client.click("Amount: total")

    await client.press_forged(OrdersCb(action="role", role="amount", column=10_000).pack())

    assert "Columns 121–150 of 150 · page 4 of 4" in client.last_text()


async def test_a_short_file_has_one_page_and_no_arrows(client: TelegramClient) -> None:
    await client.send_document("orders.csv", orders_csv(20, 60))
    await client.click("Amount: Сумма")

    assert "page" not in client.last_text()
    assert labels(client) == [
        "Номер заказа",
        "Дата заказа",
        "Клиент",
        "✓ Сумма",
        "Статус",
        "« Back",
    ]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "ru",
            "⚠️ «Сумма» — это уже столбец суммы. Для клиента выберите другой столбец "
            "(а если клиент и правда здесь, сначала укажите другой столбец для суммы).",
        ),
        (
            "en",
            "⚠️ «Сумма» is the amount column already. Choose another column for the customer "
            "(or, if the customer really is there, first choose another column for the amount).",
        ),
    ],
)
async def test_the_amount_column_picked_for_the_customer_is_refused_as_the_amount(
    dp: Dispatcher, bot: Bot, session: RecordingSession, language: str, said: str
) -> None:
    client = TelegramClient(dp, bot, language_code=language)
    await client.send_document("orders.csv", orders_csv(20, 60))
    await client.click("👤")
    session.clear()

    await client.click("Сумма")

    text = client.last_text()
    assert text.startswith(said)
    assert "«Клиент»" not in text and "Сумма" not in text.removeprefix(said)
    assert session.of_type(GetFile) == []  # refused before reading the file again
    assert "✓ Клиент" in labels(client)  # still choosing the customer
    await client.click("Номер заказа")
    assert "«Номер заказа»" in client.last_text()


async def test_the_date_column_picked_for_the_amount_is_refused_as_the_date(
    client: TelegramClient,
) -> None:
    await client.send_document("orders.csv", orders_csv(20, 60))
    await client.click("Amount: Сумма")

    await client.click("Дата заказа")

    assert client.last_text().startswith("⚠️ «Дата заказа» is the date column already.")
    assert "Choose another column for the amount" in client.last_text()


async def test_a_column_moved_off_a_role_may_take_another(client: TelegramClient) -> None:
    lines = ["order id,date,client,total,paid"]
    lines += [f"{i},2024-01-{i:02d},c{i % 4},{i * 5},{i * 10}" for i in range(1, 21)]
    await client.send_document("export.csv", "\n".join(lines).encode())
    await client.click("Amount: total")
    await client.click("paid")

    await client.click("Customer: client")
    await client.click("total")  # no longer the amount

    review = client.last_text()
    assert "customer: «total» (your choice)" in review and "amount: «paid»" in review
