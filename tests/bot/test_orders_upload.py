"""An order export sent in the chat, through the real dispatcher and the recording Bot API."""

import asyncio
import csv
import io
import re
import threading
from typing import Any

import pytest
from aiogram import Bot
from aiogram.enums import ChatType
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    GetFile,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
)
from aiogram.types import BufferedInputFile, File

from bot.app import create_dispatcher, register_commands
from bot.orders import handlers
from bot.orders.callbacks import OrdersCb
from bot.render import Renderer
from bot.storage.sqlite import SqliteRepository
from ltv_engine.model import LifetimeSource
from tests.bot.order_files import orders_csv
from tests.fakes.client import TelegramClient
from tests.fakes.session import RecordingSession

FULL = orders_csv(600, 540)  # enough customers and days for the models
THIN = orders_csv(40, 300, seed=3, cancelled_every=10)
GROUP = -1007


def uploaded(session: RecordingSession, method: type[SendDocument | SendPhoto]) -> list[bytes]:
    files = []
    for call in session.of_type(method):
        payload = call.document if isinstance(call, SendDocument) else call.photo
        assert isinstance(payload, BufferedInputFile)
        files.append(payload.data)
    return files


def progress_texts(session: RecordingSession) -> list[str]:
    return [call.text or "" for call in session.of_type(EditMessageText)]


def last_edit(session: RecordingSession) -> str:
    """The latest edited text as sent (markup included): the result replaces the progress."""
    return session.last(EditMessageText).text or ""


def all_callback_data(session: RecordingSession, chat_id: int) -> list[str]:
    return [
        button.callback_data
        for message in session.telegram.bot_messages(chat_id)
        if message.reply_markup
        for row in message.reply_markup.inline_keyboard
        for button in row
        if button.callback_data
    ]


async def test_a_file_is_read_checked_and_analysed(
    client: TelegramClient, session: RecordingSession
) -> None:
    await client.send_document("orders.csv", FULL, "text/csv")

    review = client.last_text()
    assert "3,898 orders from 600 customers, 2023-01-02 .. 2024-06-24" in review
    assert "customer: «Клиент»" in review and "amount: «Сумма»" in review
    assert "currency: not stated in the file" in review
    assert any("⏳ Understanding the columns" in text for text in progress_texts(session))

    session.clear()
    await client.click("Analyse")

    stages = progress_texts(session)
    assert any("⏳ Measuring and fitting the models" in text for text in stages)
    assert any("✅ Measuring and fitting the models\n⏳ Drawing the charts" in t for t in stages)
    text = last_edit(session)
    assert "LTV from your orders" in text
    assert "Average order: <b>$1,960</b>" in text
    assert "Predicted for the next 12 months" in text
    assert "Top 10% of customers" in text
    assert "Check on the last 180 days: predicted 960 repeat purchases, actual 930" in text
    assert "Champions: 116" in text and "What to do" in text
    assert "Offer a subscription" in text
    assert len(uploaded(session, SendPhoto)) == 3
    assert all(png.startswith(b"\x89PNG") for png in uploaded(session, SendPhoto))
    captions = [call.caption for call in session.of_type(SendPhoto)]
    assert captions[0] == "Share of each cohort still buying"
    (table,) = uploaded(session, SendDocument)
    rows = list(csv.reader(io.StringIO(table.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Customer", "Orders", "Revenue"] and len(rows) == 601
    document = session.last(SendDocument).document
    assert isinstance(document, BufferedInputFile) and document.filename == "clv_predictions.csv"


async def test_an_order_dated_in_the_future_is_set_aside_and_the_year_questioned(
    client: TelegramClient, ru_client: TelegramClient
) -> None:
    typo = FULL + "99999;03.02.2099;client0001@shop.example;1500,00;выполнен\n".encode()
    await client.send_document("orders.csv", typo)
    review = client.last_text()
    assert "2023-01-02 .. 2024-06-24" in review
    assert (
        "1 order is dated in the future, in row 3900; I set it aside. Check the year in the "
        "dates: it looks like a typo." in review
    )
    assert "unreadable" not in review

    await ru_client.send_document("orders.csv", typo)
    assert "1 заказ датирован будущим, в строке 3900; его я отложил" in ru_client.last_text()


async def test_a_return_row_is_taken_off_the_customers_order_and_said_so(
    client: TelegramClient, ru_client: TelegramClient
) -> None:
    returned = FULL + "R-1;01.03.2024;client0001@shop.example;-1,00;выполнен\n".encode()
    await client.send_document("orders.csv", returned)
    review = client.last_text()
    said = "1 return (negative amounts) was taken off the same customers' earlier orders."
    assert said in review and "refunded" not in review

    await ru_client.send_document("orders.csv", returned)
    said = "1 возврат (отрицательные суммы) вычтен из прежних заказов тех же клиентов."
    assert said in ru_client.last_text()


async def test_a_line_item_export_multiplies_price_by_quantity_and_says_so(
    client: TelegramClient, ru_client: TelegramClient
) -> None:
    lines = b"Invoice,Quantity,InvoiceDate,Price,Customer ID\n" + b"".join(
        b"%d,%d,2024-01-%02d,2.50,c%d\n" % (n, n % 3 + 1, n % 28 + 1, n % 7) for n in range(40)
    )
    await client.send_document("online_retail.csv", lines)
    review = client.last_text()
    assert "• quantity: «Quantity»" in review and "• amount: «Price»" in review
    assert "Each line's amount is its price times its quantity." in review

    await ru_client.send_document("online_retail.csv", lines)
    review = ru_client.last_text()
    assert "• количество: «Quantity»" in review
    assert "Сумма каждой строки — цена, умноженная на количество." in review


async def test_a_thin_file_gets_measured_figures_only(
    ru_client: TelegramClient, session: RecordingSession
) -> None:
    await ru_client.send_document("заказы.csv", THIN)
    review = ru_client.last_text()
    assert "от 39 клиентов" in review and "отменённых — " in review

    session.clear()
    await ru_client.click("Разобрать")

    text = last_edit(session)
    assert "Клиентов меньше 500" in text
    assert "Прогноз на" not in text and "Средний чек" in text
    assert len(session.of_type(SendPhoto)) == 1  # the cohort heatmap; no model, no CLV charts
    (table,) = uploaded(session, SendDocument)
    assert table.startswith("\ufeffКлиент;Заказов;Выручка;".encode())  # as Russian Excel reads
    rows = list(csv.reader(io.StringIO(table.decode("utf-8-sig")), delimiter=";"))
    assert all(re.fullmatch(r"\d+,\d\d", row[2]) for row in rows[1:])  # revenue, decimal comma
    segments, risks = {row[-2] for row in rows[1:]}, {row[-1] for row in rows[1:]}
    assert segments and all(re.fullmatch(r"[А-Яа-яЁё ]+", segment) for segment in segments)
    assert risks == {"неизвестен"}  # no model was fitted


REFUNDS = b"customer,date,amount\nann,2024-01-02,-10\nbob,2024-01-03,-12\ncid,2024-01-04,0\n"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("orders.csv", b"", "It is empty."),
        ("orders.csv", b"<html><body><table></table></body></html>", "looks like a web page"),
        ("orders.csv", b"\x00\x01\x02junk" * 100, "This is not a table"),
        ("orders.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel 97"),
        ("orders.xlsx", b"PK\x03\x04 not really a zip", "not a readable Excel workbook"),
        ("orders.csv", b"2024-01-01,ann,10\n2024-01-02,bob,12\n", "holds data, not column"),
        (
            "orders.csv",
            REFUNDS,
            "among its 3 rows: 2 refunds or negative amounts, 1 with a zero amount.",
        ),
        ("orders.csv", REFUNDS, "Send an export of completed sales"),
    ],
)
async def test_a_broken_file_is_explained(
    client: TelegramClient, name: str, data: bytes, expected: str
) -> None:
    await client.send_document(name, data)

    text = client.last_text()
    assert "I cannot use this file" in text
    assert expected in text
    assert "Traceback" not in text and "Error" not in text
    assert client.last_message().reply_markup is None


async def test_a_file_of_refunds_is_explained_in_russian(ru_client: TelegramClient) -> None:
    await ru_client.send_document("возвраты.csv", REFUNDS)

    text = ru_client.last_text()
    said = "Из 3 строк не осталось ни одного пригодного заказа: "
    assert said + "возвратов и отрицательных сумм: 2; с нулевой суммой: 1." in text
    assert "Пришлите выгрузку выполненных продаж" in text


async def test_a_file_gone_before_its_download_is_asked_for_again(
    client: TelegramClient, session: RecordingSession
) -> None:
    gone = File(file_id="gone", file_unique_id="gone", file_size=10, file_path="documents/gone")
    session.answer_next(GetFile, gone)  # Telegram then answers the download with 404

    await client.send_document("orders.csv", FULL, "text/csv")

    assert "Telegram did not hand me the file" in client.last_text()
    assert "Something went wrong" not in " ".join(session.sent_texts())


async def test_a_file_over_the_download_limit_is_refused_before_downloading(
    client: TelegramClient, session: RecordingSession
) -> None:
    await client.send_document("orders.csv", b"x" * (20 * 2**20 + 1))

    assert "bots can download files of up to 20 MB" in client.last_text()
    assert session.of_type(GetFile) == []


def two_amounts() -> bytes:
    lines = ["order id,date,client,total,paid"]
    lines += [f"{i},2024-01-{i:02d},c{i % 4},100,{i * 10}" for i in range(1, 21)]
    return "\n".join(lines).encode()


async def test_a_wrong_column_guess_is_corrected_with_buttons(
    client: TelegramClient, session: RecordingSession, repo: SqliteRepository
) -> None:
    await client.send_document("export.csv", two_amounts())
    assert "amount: «total»" in client.last_text()

    await client.click("Amount: total")
    assert "Which column holds the <b>order amount" in session.sent_texts()[-1]
    await client.click("paid")
    review = client.last_text()
    assert "amount: «paid» (your choice)" in review

    await client.click("Analyse")
    text = last_edit(session)
    assert "Average order: <b>$105</b>" in text  # (10 + 20 + ... + 200) / 20
    assert all(len(data.encode()) <= 64 for data in all_callback_data(session, client.chat.id))


async def test_of_two_columns_with_one_name_the_one_picked_is_read(
    client: TelegramClient, session: RecordingSession
) -> None:
    lines = ["date,client,total,total"]  # the second total: with delivery, twice the first
    lines += [f"2024-01-{i:02d},c{i % 4},{i * 10},{i * 20}" for i in range(1, 21)]
    await client.send_document("export.csv", "\n".join(lines).encode())

    await client.click("Amount: total")
    labels = [b.text for row in client.last_message().reply_markup.inline_keyboard for b in row]
    assert labels[2:4] == ["✓ total (column 3, e.g. 10)", "total (column 4, e.g. 20)"]
    await client.click(data=OrdersCb(action="pick", role="amount", column=3).pack())
    await client.click("Amount: total")
    labels = [b.text for row in client.last_message().reply_markup.inline_keyboard for b in row]
    assert labels[2:4] == ["total (column 3, e.g. 10)", "✓ total (column 4, e.g. 20)"]
    await client.click("Back")

    await client.click("Analyse")
    assert "Average order: <b>$210</b>" in last_edit(session)  # 2 x (10 + ... + 200) / 20


async def test_of_two_columns_with_one_name_the_guessed_one_is_ticked(
    client: TelegramClient,
) -> None:
    lines = ["client,info,info"]  # dates, then amounts, both headed "info"
    lines += [f"c{i % 4},2024-01-{i:02d},{i * 10}" for i in range(1, 21)]
    await client.send_document("export.csv", "\n".join(lines).encode())

    await client.click("Amount: info")

    labels = [b.text for row in client.last_message().reply_markup.inline_keyboard for b in row]
    assert labels[1:3] == ["info (column 2, e.g. 2024-01-01)", "✓ info (column 3, e.g. 10)"]


async def test_a_column_that_cannot_be_the_amount_is_explained_and_the_guess_kept(
    client: TelegramClient, session: RecordingSession
) -> None:
    lines = ["date,client,total,note"]
    lines += [f"2024-01-{i:02d},c{i % 4},100,gift wrap" for i in range(1, 21)]
    await client.send_document("export.csv", "\n".join(lines).encode())
    await client.click("Amount: total")
    await client.click("note")

    text = client.last_text()
    assert "The column «note» holds no order amounts: already in row 2" in text
    assert "I cannot use this file" not in text and "amount: «total»" in text
    await client.click("Analyse")
    assert "Average order: <b>$100</b>" in session.sent_texts()[-1]


async def test_save_as_profile_then_recalculate_shows_the_measured_numbers(
    client: TelegramClient, session: RecordingSession, repo: SqliteRepository
) -> None:
    await client.send_document("orders.csv", FULL)
    await client.click("Analyse")
    await client.click("Save as my shop profile")  # on the result, above the charts and CSV

    profile = await repo.get_profile(client.chat.id)
    assert profile is not None
    assert profile.inputs.lifetime.source is LifetimeSource.CHURN
    assert profile.inputs.currency == "USD" and profile.inputs.margin is None
    assert "Saved as your shop profile" in client.last_text()

    await client.click("Calculate LTV with these numbers")
    summary = client.last_text()
    aov = f"${profile.inputs.aov:,.0f}"
    assert "Check your numbers" in summary and aov in summary
    churn = profile.inputs.lifetime.monthly_churn
    assert churn is not None and f"Churn: {churn * 100:.2f}%" in summary


@pytest.mark.parametrize("export", [FULL, b"not;an;export\n1;2;3\n"], ids=["good", "junk"])
async def test_a_file_sent_mid_wizard_leaves_the_answers_in_place(
    client: TelegramClient, session: RecordingSession, export: bytes
) -> None:
    await client.send("/calc")
    await client.click("Cosmetics")
    await client.send("$65")
    await client.send("0.6")
    await client.send_document("orders.csv", export)
    file_answer = client.last_message()

    await client.send("58%")

    assert "How long do customers keep buying" in client.last_text()
    question = client.last_message()
    if export is FULL:  # and the file's review still works beside the wizard
        await client.click("Analyse", message=file_answer)
        assert "LTV from your orders" in last_edit(session)
    await client.click("lifetime", message=question)
    await client.send("18 months")
    await client.send("40")
    await client.click("Skip")
    assert "$65" in client.last_text() and "58%" in client.last_text()


async def test_an_admin_no_longer_cannot_save_the_file_as_the_team_profile(
    dp: Any, bot: Bot, session: RecordingSession, repo: SqliteRepository
) -> None:
    admin = TelegramClient(dp, bot, user_id=6, chat_id=GROUP, chat_type=ChatType.GROUP)
    session.admins[GROUP] = {6}
    await admin.send_document("orders.csv", FULL)
    await admin.click("Разобрать")
    session.admins[GROUP] = set()

    await admin.click("Сохранить как профиль команды")

    refusal = session.last(AnswerCallbackQuery)
    assert refusal.show_alert and "только администраторы" in (refusal.text or "")
    assert await repo.get_profile(GROUP) is None


async def test_the_buttons_survive_a_restart(
    client: TelegramClient, repo: SqliteRepository, bot: Bot, session: RecordingSession
) -> None:
    await client.send_document("orders.csv", THIN)
    restarted = TelegramClient(create_dispatcher(repo, Renderer()), bot, language_code="en")

    await restarted.click("Analyse")

    assert "LTV from your orders" in last_edit(session)


async def test_cancel_ends_a_file_review(
    client: TelegramClient, session: RecordingSession
) -> None:
    await client.send_document("orders.csv", THIN)
    review = client.last_message()

    await client.send("/cancel")
    assert client.last_text() == "File review closed. Send another file any time."
    await client.click("Analyse", message=review)

    assert session.last(AnswerCallbackQuery).text == "This button is no longer current."


async def test_an_old_review_is_outdated_after_a_new_upload(
    client: TelegramClient, session: RecordingSession
) -> None:
    await client.send_document("first.csv", THIN)
    first_review = client.last_message()
    await client.send_document("second.csv", THIN)

    await client.click("Analyse", message=first_review)

    assert session.last(AnswerCallbackQuery).text == "This button is no longer current."


async def test_the_bot_answers_others_while_a_file_is_analysed(
    client: TelegramClient, dp: Any, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    real = handlers.analyse

    def slow(*args: Any) -> Any:
        started.set()
        release.wait(10)
        return real(*args)

    monkeypatch.setattr(handlers, "analyse", slow)
    await client.send_document("orders.csv", THIN)
    analysing = asyncio.create_task(client.click("Analyse"))
    assert await asyncio.to_thread(started.wait, 5)
    other = TelegramClient(dp, bot, user_id=3003, language_code="en")

    await other.send("/help")

    assert "How I calculate LTV" in other.last_text()
    assert not analysing.done()
    release.set()
    await analysing
    assert "LTV from your orders" in last_edit(client.session)


async def test_in_a_group_only_admins_files_are_analysed(
    dp: Any, bot: Bot, session: RecordingSession
) -> None:
    member = TelegramClient(dp, bot, user_id=5, chat_id=GROUP, chat_type=ChatType.GROUP)
    admin = TelegramClient(dp, bot, user_id=6, chat_id=GROUP, chat_type=ChatType.GROUP)
    session.admins[GROUP] = {6}

    await member.send_document("photo.jpg", b"\xff\xd8\xff")
    assert session.of_type(SendMessage) == []  # not a spreadsheet: none of the bot's business
    await member.send_document("orders.csv", THIN)
    assert "Разбирать файлы заказов в группе могут только её админы" in member.last_text()
    await admin.send_document("orders.csv", THIN)
    assert "от 39 клиентов" in admin.last_text()
    await member.click("Разобрать")
    refusal = session.last(AnswerCallbackQuery)
    assert refusal.show_alert and refusal.text == (
        "Это разбор чужого файла: его кнопки — для того, кто прислал файл."
    )

    anonymous = TelegramClient(
        dp, bot, chat_id=GROUP, chat_type=ChatType.GROUP, language_code=None, on_behalf_of=GROUP
    )
    await anonymous.send_document("orders.csv", THIN)  # its review's buttons would answer no one
    assert "Вы пишете анонимно, от имени группы" in anonymous.last_text()


async def test_help_and_the_command_menu_mention_sending_a_file(
    client: TelegramClient, session: RecordingSession
) -> None:
    await client.send("/help")
    assert "Send me an export of your orders — CSV or XLSX up to 20 MB" in client.last_text()

    await register_commands(client.bot, Renderer())

    menu = next(c for c in session.of_type(SetMyCommands) if c.language_code == "ru")
    help_entry = next(c for c in menu.commands if c.command == "help")
    assert "файл заказов" in help_entry.description


async def test_cancel_mid_wizard_ends_the_file_review_too_and_says_both(
    client: TelegramClient,
) -> None:
    await client.send("/calc")
    await client.send_document("orders.csv", THIN)

    await client.send("/cancel")

    assert client.last_text() == "Calculation and file review cancelled. Start again with /calc."


async def test_group_cancel_of_a_file_review_says_the_review_is_closed(
    dp: Any, bot: Bot, session: RecordingSession
) -> None:
    admin = TelegramClient(
        dp, bot, user_id=6, chat_id=GROUP, chat_type=ChatType.GROUP, language_code="en"
    )
    session.admins[GROUP] = {6}
    await admin.send_document("orders.csv", THIN)

    await admin.send("/cancel")

    assert admin.last_text() == "File review closed."  # saved or not: no claim on the profile


async def test_in_a_forum_topic_the_review_charts_and_csv_stay_in_the_topic(
    dp: Any, bot: Bot, session: RecordingSession
) -> None:
    admin = TelegramClient(dp, bot, user_id=6, chat_id=GROUP, chat_type=ChatType.SUPERGROUP)
    admin.chat = admin.chat.model_copy(update={"is_forum": True})
    admin.topic = 10
    session.admins[GROUP] = {6}
    await admin.send_document("orders.csv", FULL)
    review = admin.last_message()
    assert review.message_thread_id == 10
    assert review.reply_to_message is not None  # the answer to this person's file

    await admin.click("Разобрать")

    sent = [*session.of_type(SendPhoto), *session.of_type(SendDocument)]
    assert sent and {method.message_thread_id for method in sent} == {10}
