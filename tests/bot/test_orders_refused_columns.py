"""An order file refused because of a column, through the real dispatcher: the review with the
column picker lets the owner choose the column in the chat; a wrong pick is said to be wrong
and the review kept; columns sharing a header are told apart; what the result, the predictions
file and the CLV chart say about small or short files."""

import csv
import io
import re

import numpy as np
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup
from openpyxl import Workbook

from bot.render import Renderer
from ltv_engine.orders.charts import CLV_KEYS, clv_figure
from tests.bot.order_files import orders_csv
from tests.fakes.client import TelegramClient
from tests.fakes.session import RecordingSession

FULL = orders_csv(600, 540)


def tilda_like() -> bytes:
    """A form-builder export: no header names an amount, and the e-mails are left empty."""
    lines = ["Name;Phone;Email;payment:orderid;payment:amount;sent"]
    lines += [
        f"Клиент {i % 5};+7 916 000-00-{i % 5:02d};;{1000 + i};{i * 100};2025-05-{i:02d} 15:00"
        for i in range(1, 21)
    ]
    return "\n".join(lines).encode()


def bad_dates() -> bytes:
    return b"customer,date,amount\nann,someday,10\nbob,never,12\n"


def formula_amounts() -> bytes:
    """Amounts as formulas saved without their values, as openpyxl (and other programs) do."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Клиент", "Дата заказа", "Цена", "Сумма"])
    for row in range(2, 40):
        sheet.append([f"client-{row % 7}", f"2024-01-{row % 28 + 1:02d}", 100, f"=C{row}*2"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def repeated_headers() -> bytes:
    """Two date columns and two amount columns of one name; the first amount is a tenth."""
    lines = ["Клиент;Дата;Дата;Сумма;Сумма;Статус"]
    lines += [
        f"Клиент {i % 6};{i:02d}.05.2025;{i + 3:02d}.05.2025;{i * 26},40;{i * 264},00;Доставлен"
        for i in range(1, 21)
    ]
    return "\n".join(lines).encode()


def paid_twice_no_dates() -> bytes:
    """Two columns named «Оплата»: how each order was paid, then how much (the amount, found by
    its values); no date is readable, so the file is refused with the picker."""
    lines = ["Клиент;Оплата;Оплата;Дата"]
    lines += [f"Клиент {i % 4};карта;{i * 100} ₽;скоро" for i in range(1, 21)]
    return "\n".join(lines).encode()


def labels(client: TelegramClient) -> list[str]:
    markup = client.last_message().reply_markup
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [button.text for row in markup.inline_keyboard for button in row]


def csv_sent(session: RecordingSession) -> tuple[str, list[list[str]]]:
    call = session.last(SendDocument)
    assert isinstance(call.document, BufferedInputFile)
    rows = list(csv.reader(io.StringIO(call.document.data.decode("utf-8-sig")), delimiter=";"))
    return call.caption or "", rows


async def test_a_missing_amount_then_an_empty_customer_column_are_picked_in_the_chat(
    ru_client: TelegramClient, session: RecordingSession
) -> None:
    await ru_client.send_document("tilda.csv", tilda_like())
    text = ru_client.last_text()
    assert "Не нашёл столбца с суммой заказа" in text and "Выберите его кнопкой ниже" in text
    assert "С этим файлом я работать не могу" not in text and "Переименуйте" not in text
    assert labels(ru_client) == ["💰 Сумма: выберите столбец"]  # no «Разобрать» yet

    await ru_client.click("Сумма")
    await ru_client.click("payment:amount")
    text = ru_client.last_text()
    assert "Первая плохая строка — 2: не указан клиент" in text
    assert "Проверьте столбец клиента" in text and "• сумма: «payment:amount»" in text
    assert labels(ru_client) == ["👤 Клиент: выберите столбец", "💰 Сумма: payment:amount"]

    await ru_client.click("Клиент")
    await ru_client.click("Phone")
    assert "• клиент: «Phone» (ваш выбор)" in ru_client.last_text()
    await ru_client.click("Разобрать")
    assert "20 заказов от 5 клиентов" in session.sent_texts()[-1]


async def test_the_refusal_with_a_picker_in_english_names_what_is_missing(
    client: TelegramClient,
) -> None:
    await client.send_document(
        "orders.csv", "Клиент;Дата заказа;Комментарий\nann;01.02.2024;x\n".encode()
    )

    text = client.last_text()
    assert "There is no column with the order amount" in text
    assert "choose it with the button below" in text.lower()
    assert labels(client) == ["💰 Amount: choose a column"]


async def test_dates_unreadable_in_every_row_ask_to_check_the_date_column(
    client: TelegramClient,
) -> None:
    await client.send_document("orders.csv", bad_dates())

    text = client.last_text()
    assert "among its 2 rows: 2 unreadable." in text
    assert "The first bad row is row 2: the date is not a date" in text
    assert "Check the date column" in text and "• date: «date»" in text
    assert labels(client) == ["👤 Customer: customer", "📅 Date: date", "💰 Amount: amount"]


async def test_amounts_saved_as_formulas_keep_their_hint_beside_the_picker(
    client: TelegramClient,
) -> None:
    await client.send_document("orders.xlsx", formula_amounts())

    assert "If the amounts are formulas" in client.last_text()
    assert "Check the amount column" in client.last_text()
    assert "💰 Amount: Сумма" in labels(client)


async def test_columns_of_one_name_are_told_apart_by_position_and_value(
    ru_client: TelegramClient,
) -> None:
    await ru_client.send_document("dup.csv", repeated_headers())

    text = ru_client.last_text()
    assert "• сумма: «Сумма (4-й столбец, напр. 26,40)»" in text
    assert "В файле 2 столбца с названием «Сумма»" in text
    assert "В файле 2 столбца с названием «Дата»" in text
    await ru_client.click("Сумма:")
    assert labels(ru_client)[3:5] == [
        "✓ Сумма (4-й столбец, напр. 26,40)",
        "Сумма (5-й столбец, напр. 264,00)",
    ]
    await ru_client.click("5-й столбец")
    assert "• сумма: «Сумма (5-й столбец, напр. 264,00)» (ваш выбор)" in ru_client.last_text()


async def test_a_refused_files_guessed_column_is_the_one_of_its_position_not_its_name(
    ru_client: TelegramClient,
) -> None:
    await ru_client.send_document("paid.csv", paid_twice_no_dates())

    assert "• сумма: «Оплата (3-й столбец, напр. 100 ₽)»" in ru_client.last_text()
    await ru_client.click("Сумма:")
    assert labels(ru_client)[1:3] == [
        "Оплата (2-й столбец, напр. карта)",
        "✓ Оплата (3-й столбец, напр. 100 ₽)",
    ]
    await ru_client.click("« Назад")
    await ru_client.click("Дата:")
    await ru_client.click("3-й столбец")
    assert "это уже столбец суммы" in ru_client.last_text()


async def test_a_tiny_file_says_its_csv_holds_no_predictions_and_its_notes_once(
    ru_client: TelegramClient, session: RecordingSession
) -> None:
    tiny = "Клиент;Дата;Сумма\nа;01.02.2026;1000\nб;03.02.2026;2000\nа;05.02.2026;1500\n"
    await ru_client.send_document("tiny.csv", tiny.encode())
    await ru_client.click("Разобрать")

    result = session.sent_texts()[-1]
    assert "Клиентов меньше 500 и история короче 180 дней — мало для прогнозной модели" in result
    assert result.count("показаны только измеренные показатели") == 1
    assert "Срок жизни клиента пока: в среднем меньше месяца" in result
    caption, rows = csv_sent(session)
    assert "Столбцы прогноза пусты" in caption and "прогнозом ценности" not in caption
    assert [row[0] for row in rows[1:]] == ["а", "б"]


async def test_predictions_come_most_valuable_first_and_the_caption_says_so(
    ru_client: TelegramClient, session: RecordingSession
) -> None:
    await ru_client.send_document("orders.csv", FULL)
    await ru_client.click("Разобрать")

    caption, rows = csv_sent(session)
    assert "самые ценные сверху" in caption
    clv = [float(row[5].replace(",", ".")) for row in rows[1:]]
    assert clv == sorted(clv, reverse=True) and clv[0] > clv[-1]


def test_the_clv_charts_limit_is_written_as_money_in_the_chats_language() -> None:
    t = Renderer()("ru")
    clv = np.random.default_rng(1).lognormal(8, 1.5, 5000)
    chart_labels = {key: key for key in CLV_KEYS} | {"clipped": "больше {limit}: {count}"}
    figure = clv_figure(clv, "₽", chart_labels, money=lambda value: t.money(value, "RUB"))
    (axes,) = figure.axes
    limit = t.money(float(np.quantile(clv, 0.99)), "RUB")
    assert f"больше {limit}:" in axes.get_xlabel()
    assert re.fullmatch(r"\d{1,3}(?:[\s\u202f]\d{3})+\s₽", limit)  # 32 186 ₽, not 32186


async def test_a_wide_export_names_only_the_repeated_headers_the_review_reads(
    ru_client: TelegramClient,
) -> None:
    """Sixty doubled headers and two blank ones: the review stays one message and names none of
    them (it crashed past Telegram's 4096 characters)."""
    extra = [f"Поле {n}" for n in range(60)] * 2
    header = ";".join(["Клиент", "Дата", "Сумма", "", "", *extra])
    rows = [
        ";".join([f"c{n % 40}", f"{1 + n % 28:02d}.0{1 + n % 9}.2024", "100", "", "", *"x" * 120])
        for n in range(200)
    ]
    await ru_client.send_document("wide.csv", "\n".join([header, *rows]).encode())

    text = ru_client.last_text()
    assert "200 заказов" in text
    assert "с названием" not in text
