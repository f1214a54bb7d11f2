"""The whole private-chat conversation, through the real dispatcher and a recording Bot API."""

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, SetMyCommands

from bot.app import create_dispatcher, register_commands
from bot.render import Renderer
from bot.storage.sqlite import SqliteRepository
from tests.bot.wizard_script import reach_lifetime_choice, reach_summary_golden
from tests.fakes.client import TelegramClient
from tests.fakes.session import RecordingSession
from tests.fakes.telegram import ApiError

NBSP = "\xa0"


def all_callback_data(session: RecordingSession, chat_id: int) -> list[str]:
    return [
        button.callback_data
        for message in session.telegram.bot_messages(chat_id)
        if message.reply_markup
        for row in message.reply_markup.inline_keyboard
        for button in row
        if button.callback_data
    ]


async def test_start_greets_and_offers_to_calculate(client: TelegramClient) -> None:
    await client.send("/start")
    assert "Hello, Anna" in client.last_text()
    assert "LTV" in client.last_text()
    await client.click("Calculate LTV")
    assert "What do you sell" in client.last_text()


async def test_golden_example_end_to_end(client: TelegramClient, repo: SqliteRepository) -> None:
    await reach_summary_golden(client)
    summary = client.last_text()
    assert "Check your numbers" in summary
    assert "$65" in summary and "58%" in summary and "18 months" in summary
    await client.click("Calculate LTV")
    result = client.last_text()
    assert "Customer LTV: $407.16" in result
    assert "LTV:CAC = 10.18:1" in result or "LTV:CAC = 10.2:1" in result
    assert "pays back in 1.8 months" in result
    assert "What to do" in result
    saved = await repo.list_calculations(client.chat.id)
    assert len(saved) == 1 and saved[0].ltv == pytest.approx(407.16)
    profile = await repo.get_profile(client.chat.id)
    assert profile is not None and profile.inputs.aov == 65 and profile.inputs.currency == "USD"


async def test_a_screen_that_cannot_be_edited_in_place_is_sent_anew_and_goes_on(
    client: TelegramClient, session: RecordingSession
) -> None:
    await reach_summary_golden(client)
    summary_id = client.last_message().message_id
    session.fail_next(EditMessageText, ApiError(400, "Bad Request: message can't be edited"))
    await client.click("Calculate LTV")

    result = client.last_message()
    assert result.message_id != summary_id and "Customer LTV: $407.16" in (result.text or "")
    assert session.last(SendMessage).text and "$407.16" in session.last(SendMessage).text
    await client.click("History", message=result)  # the new message's buttons work
    assert "Recent calculations" in client.last_text() and "$407.16" in client.last_text()


async def test_russian_conversation_formats_money_for_the_locale(
    ru_client: TelegramClient,
) -> None:
    await ru_client.send("/calc")
    assert "Что вы продаёте" in ru_client.last_text()
    await ru_client.click("Пропустить")
    await ru_client.send("2 500 ₽")
    await ru_client.send("1,5")
    await ru_client.send("30%")
    await ru_client.click("отток")
    await ru_client.send("5%")
    await ru_client.click("Пропустить")
    await ru_client.click("Пропустить")
    await ru_client.click("Посчитать LTV")
    result = ru_client.last_text()
    # 2500 x 1.5 a month x 20 months x 30 % = 22 500
    assert f"LTV клиента: 22{NBSP}500{NBSP}₽" in result
    assert "Максимальный CAC при 3:1: 7" in result


async def test_the_summary_shows_the_inputs_as_typed(ru_client: TelegramClient) -> None:
    """Kopecks and a margin of 99,99 % were shown rounded ("2 500 ₽", "100%")."""
    await ru_client.send("/calc")
    await ru_client.click("Пропустить")
    for answer in ("2500,50", "0,01", "99,99%", "12,5 мес"):
        await ru_client.send(answer)
    await ru_client.send("1 500,25")
    await ru_client.click("Пропустить")
    summary = ru_client.last_text().replace(NBSP, " ")
    assert "Средний чек: 2 500,50 ₽" in summary
    assert "Частота: 0,01 заказа в месяц (0,12 в год)" in summary
    assert "Маржа: 99,99%" in summary
    assert "Срок жизни клиента: 12,5 мес." in summary
    assert "CAC: 1 500,25 ₽" in summary


@pytest.mark.parametrize(
    ("step_answers", "bad", "expected"),
    [
        ((), "abc", "could not read a number"),
        ((), "-5", "cannot be negative"),
        ((), "0", "Zero does not work"),
        (("$65",), "lots", "could not read a number"),
        (("$65", "0.6"), "120%", "Margin cannot exceed 100%"),
    ],
)
async def test_bad_input_is_explained_and_the_step_asked_again(
    client: TelegramClient, step_answers: tuple[str, ...], bad: str, expected: str
) -> None:
    await client.send("/calc")
    await client.click("Skip")
    for answer in step_answers:
        await client.send(answer)
    prompt_before = client.last_text()
    await client.send(bad)
    reply = client.last_text()
    assert expected in reply
    assert "An example that works" in reply
    assert prompt_before.split("\n")[0] in reply  # the same step, asked again


async def test_an_answer_with_an_emoji_is_read(client: TelegramClient) -> None:
    await client.send("/calc")
    await client.click("Skip")
    await client.send("$65 🙂")
    await client.send("👍 0.6")
    assert "Gross margin" in client.last_text()


async def test_churn_of_100_percent_is_refused_and_data_kept(client: TelegramClient) -> None:
    await reach_lifetime_choice(client, "$65", "0.6")
    await client.click("churn")
    await client.send("100%")
    assert "every customer leaves" in client.last_text()
    await client.send("0.05%")  # 2,000 months: over the 100-year lifetime, said at this step
    assert "stays over 100 years" in client.last_text()
    assert "at least 0.09% a month." in client.last_text()
    await client.send("5%")
    await client.click("Skip")
    await client.click("Skip")
    summary = client.last_text()
    assert "$65" in summary and "0.6" in summary and "5%" in summary
    await client.click("Calculate LTV")
    assert "churn −10% → $866.67" in client.last_text()  # 65 x 0.6 / 0.045
    await client.click("−10% churn")
    assert "What if churn falls by 10%?" in client.last_text()
    assert "Churn: 5% → 4.5% a month\nLifetime: 20 → 22.22 months" in client.last_text()


async def test_customer_counts_more_at_the_end_say_what_to_enter(client: TelegramClient) -> None:
    await reach_lifetime_choice(client, "1000", "1")
    await client.click("customers at start and end")
    await client.send("1 200")
    await client.send("1 500")
    assert "more customers at the end (1,500) than at the start (1,200)" in client.last_text()
    await client.send("1 100")
    assert "Customer acquisition cost" in client.last_text()


async def test_counts_that_give_over_100_years_are_refused_at_the_end_count(
    client: TelegramClient,
) -> None:
    await reach_lifetime_choice(client, "1000", "1")
    await client.click("customers at start and end")
    await client.send("10 000")

    await client.send("9 999")

    assert "stays over 100 years" in client.last_text()
    assert "Customers at the end of the period" in client.last_text()  # asked again


@pytest.mark.parametrize(
    ("step_answers", "bad", "limit"),
    [
        (["$65", "0.6", "58%"], "150%", "The maximum is 100%."),  # the discount rate
        (["$65", "0.6", "58%"], "101 years", "The maximum is 1,200 months."),
        (["$65"], "0.00001", "The minimum is 0.0001 a month."),
    ],
)
async def test_a_limit_is_said_in_the_steps_own_unit(
    client: TelegramClient, step_answers: list[str], bad: str, limit: str
) -> None:
    await client.send("/calc")
    await client.click("Skip")
    for answer in step_answers:
        await client.send(answer)
    if "%" in bad:
        await client.click("lifetime")
        await client.send("18")
        await client.send("40")
    elif "years" in bad:
        await client.click("lifetime")
        await client.click("years")

    await client.send(bad)

    assert limit in client.last_text()


async def test_cac_in_another_currency_is_refused(client: TelegramClient) -> None:
    await client.send("/calc")
    await client.click("Skip")
    await client.send("$65")
    await client.send("0.6")
    await client.click("Skip")
    await client.click("lifetime")
    await client.send("18")
    await client.send("1500 руб")
    assert "same currency as the average order ($)" in client.last_text()


async def test_back_returns_to_the_previous_step_keeping_answers(client: TelegramClient) -> None:
    await client.send("/calc")
    await client.click("Groceries")
    await client.send("$65")
    assert "Purchase frequency" in client.last_text()
    await client.click("Back")
    assert "Average order value" in client.last_text()
    assert "Now: $65." in client.last_text()
    await client.click("Back")
    assert "What do you sell" in client.last_text()


async def test_units_toggle_changes_how_the_answer_is_read(client: TelegramClient) -> None:
    await client.send("/calc")
    await client.click("Skip")
    await client.send("100")
    await client.click("per year")
    assert "a year" in client.last_text()
    await client.send("12")
    await client.click("Skip")
    await client.click("lifetime")
    await client.click("years")
    await client.send("2")
    await client.click("Skip")
    await client.click("Skip")
    summary = client.last_text()
    assert "1 order a month" in summary
    assert "24 months" in summary


async def test_cancel_from_a_step_and_by_command(client: TelegramClient) -> None:
    await client.send("/calc")
    await client.click("Cancel")
    assert "cancelled" in client.last_text()
    await client.send("/cancel")
    assert "nothing to cancel" in client.last_text()
    await client.send("/calc")
    await client.send("/cancel")
    assert "cancelled" in client.last_text()
    await client.send("70")
    assert "/calc" in client.last_text()  # outside the wizard: the catch-all hint


async def test_commands_mid_wizard_are_obeyed_and_the_step_kept(client: TelegramClient) -> None:
    await client.send("/calc")
    await client.click("Cosmetics")

    await client.send("/help")
    assert "/calc — calculate LTV" in client.last_text()
    await client.send_document("notes.txt", b"no orders here", caption="/help")
    assert "/calc — calculate LTV" in client.last_text()
    await client.send("/unknown")
    assert "do not know that command" in client.last_text()
    assert "average order value" in client.last_text().lower()  # and the question again
    await client.send("/digest")
    assert "How often?" in client.last_text()  # a command, never read as an answer

    await client.send("$65")
    assert "purchase frequency" in client.last_text().lower()


async def test_edit_from_the_summary_returns_to_the_summary(client: TelegramClient) -> None:
    await reach_summary_golden(client)
    await client.click("Frequency")
    assert "Now:" in client.last_text()
    await client.send("2")
    summary = client.last_text()
    assert "Check your numbers" in summary and "2 orders a month" in summary
    await client.click("Lifetime")
    await client.click("churn")
    await client.send("10%")
    assert "10% a month" in client.last_text()


async def test_calc_mid_wizard_asks_before_dropping_the_answers(client: TelegramClient) -> None:
    await client.send("/calc")
    await client.click("Skip")
    await client.send("$65")

    await client.send("/calc")  # at a text step: a command, not an answer
    assert "You have an unfinished calculation" in client.last_text()
    await client.click("Continue the calculation")
    assert "Purchase frequency" in client.last_text()

    await client.send("/calc")
    await client.click("Start afresh")
    assert "What do you sell" in client.last_text()


async def test_recalculate_mid_wizard_asks_before_dropping_the_answers(
    client: TelegramClient,
) -> None:
    await reach_summary_golden(client)
    await client.click("Calculate LTV")
    result = client.last_message()
    await client.send("/calc")
    await client.click("Skip")
    await client.send("$80")

    await client.click("Recalculate", message=result)
    assert "You have an unfinished calculation" in client.last_text()
    assert "Customer LTV: $407.16" in (result.text or "")  # the result stays on screen
    await client.click("Continue the calculation")
    assert "Purchase frequency" in client.last_text()

    await client.click("Recalculate", message=result)
    await client.click("Start over with these numbers")
    assert "Check your numbers" in client.last_text() and "$65" in client.last_text()


async def test_start_mid_wizard_offers_to_carry_on_or_start_afresh(client: TelegramClient) -> None:
    await reach_summary_golden(client)
    await client.click("Calculate LTV")
    await client.send("/calc")
    await client.click("Skip")
    await client.send("/start")

    markup = client.last_message().reply_markup
    assert markup is not None
    labels = [button.text for row in markup.inline_keyboard for button in row]
    assert labels == [
        "▶️ Continue the calculation",
        "🆕 Start afresh",
        "🔁 Recalculate from my last numbers",
    ]
    await client.click("Recalculate from my last numbers")  # the text warned: no second question
    assert "Check your numbers" in client.last_text()


@pytest.mark.parametrize(
    ("mode", "answers", "backs"),
    [("churn", [], 2), ("customers", [], 2), ("customers", ["1000"], 3), ("lifetime", [], 2)],
)
async def test_back_out_of_an_edit_puts_the_summary_back_as_it_was(
    client: TelegramClient, mode: str, answers: list[str], backs: int
) -> None:
    await reach_summary_golden(client)
    before = client.last_text()
    await client.click("Lifetime")
    await client.click(mode)
    for answer in answers:
        await client.send(answer)

    for _ in range(backs):
        await client.click("Back")

    assert client.last_text() == before
    await client.click("Calculate LTV")
    assert "Customer LTV: $407.16" in client.last_text()


async def test_a_what_if_beyond_a_limit_is_explained_and_the_result_stays(
    client: TelegramClient, session: RecordingSession
) -> None:
    await reach_lifetime_choice(client, "$65", "0.6", "58%")
    await client.click("lifetime")
    await client.send("100 years")  # 1,200 months: the longest lifetime accepted
    await client.send("40")
    await client.click("Skip")
    await client.click("Calculate LTV")
    result = client.last_text()

    await client.click("+10% lifetime")

    alert = session.last(AnswerCallbackQuery)
    assert alert.show_alert and "already at its limit" in (alert.text or "")
    assert client.last_text() == result
    await client.click("+10% order value")
    assert "What if" in client.last_text()


async def test_buttons_of_an_earlier_wizard_are_outdated(
    client: TelegramClient, session: RecordingSession
) -> None:
    await reach_summary_golden(client)
    old_summary = client.last_message()
    await client.send("/cancel")
    await reach_summary_golden(client)
    await client.click("Average order")
    await client.send("$1,000")  # back at a summary: the same step as the old one's

    await client.click("Calculate LTV", message=old_summary)

    assert session.last(AnswerCallbackQuery).text == "This button is no longer current."
    assert "Check your numbers" in client.last_text()
    await client.click("Calculate LTV")
    assert "$1,000" in client.last_text() and "Customer LTV" in client.last_text()


async def test_the_start_screen_button_takes_over_the_wizard(client: TelegramClient) -> None:
    await client.send("/calc")
    question = client.last_message()
    await client.send("/start")
    await client.click("Continue")

    await client.click("Skip")
    assert "Average order value" in client.last_text()
    await client.click("Cancel", message=question)  # the first screen is no longer live
    assert "Average order value" in client.last_text()


async def test_a_new_currency_for_the_order_asks_the_cac_again(client: TelegramClient) -> None:
    await reach_summary_golden(client)  # CAC $40
    await client.click("Average order")

    await client.send("€65")
    assert "Customer acquisition cost" in client.last_text()
    assert "in €" in client.last_text() and "Now: $40" in client.last_text()
    assert "The average order is now in €, so give the CAC in € too." in client.last_text()
    await client.send("35")

    summary = client.last_text()
    assert "Check your numbers" in summary and "€65" in summary and "€35" in summary


async def test_back_from_the_cac_asked_again_keeps_it(client: TelegramClient) -> None:
    await reach_summary_golden(client)  # CAC $40
    await client.click("Average order")
    await client.send("€65")

    await client.click("Back")
    await client.send("$65")

    assert "Check your numbers" in client.last_text() and "CAC: $40" in client.last_text()


async def test_what_if_recalculate_and_history(client: TelegramClient) -> None:
    await reach_summary_golden(client)
    await client.click("Calculate LTV")
    await client.click("+10% order value")
    what_if = client.last_text()
    assert "$407.16 → $447.88" in what_if
    await client.click("Back to the result")
    assert "Customer LTV: $407.16" in client.last_text()
    await client.click("Recalculate")
    assert "Check your numbers" in client.last_text()
    await client.click("Calculate LTV")
    await client.send("/history")
    history = client.last_text()
    assert history.count("$407.16") == 2
    assert history.count("0.6 orders a month") == 2
    await client.click(data="rs:open:1:")
    assert "Customer LTV: $407.16" in client.last_text()


async def test_outdated_button_is_answered_not_obeyed(
    client: TelegramClient, session: RecordingSession
) -> None:
    await client.send("/calc")
    first = client.last_message()
    await client.click("Skip")
    await client.click("Groceries", message=first)
    answer = session.last(AnswerCallbackQuery)
    assert answer.text == "This button is no longer current."
    assert "Average order value" in client.last_text()


async def test_language_follows_telegram_then_switches(ru_client: TelegramClient) -> None:
    await ru_client.send("/help")
    assert "Как я считаю LTV" in ru_client.last_text()
    await ru_client.send("/language")
    await ru_client.click("English")
    assert "I speak English" in ru_client.last_text()
    await ru_client.send("/help")
    assert "How I calculate LTV" in ru_client.last_text()


async def test_a_language_switch_mid_calculation_asks_the_question_again_in_it(
    ru_client: TelegramClient, session: RecordingSession
) -> None:
    await ru_client.send("/calc")
    await ru_client.click("Пропустить")
    await ru_client.send("2500")
    assert "Частота покупок" in ru_client.last_text()

    await ru_client.send("/language")
    await ru_client.click("English")

    assert "Here is where we stopped:" in session.sent_texts()[-2]
    assert "Purchase frequency" in ru_client.last_text()
    await ru_client.send("1.5")  # the calculation went on where it was
    assert "Gross margin" in ru_client.last_text()


async def test_user_text_is_escaped(dp: Dispatcher, bot: Bot) -> None:
    client = TelegramClient(dp, bot, user_id=3003, language_code="en", first_name="<b>Eve</b>")
    await client.send("/start")
    assert "Hello, <b>Eve</b>!" in client.last_text()  # shown literally, not as markup


async def test_restart_in_the_middle_of_the_wizard(tmp_path: Path, bot: Bot) -> None:
    database = str(tmp_path / "ltv.sqlite3")
    repo = await SqliteRepository.open(database)
    first = TelegramClient(create_dispatcher(repo, Renderer()), bot, language_code="en")
    await first.send("/calc")
    await first.click("Skip")
    await first.send("$65")
    await repo.close()

    reopened = await SqliteRepository.open(database)
    second = TelegramClient(create_dispatcher(reopened, Renderer()), bot, language_code="en")
    await second.send("0.6")
    assert "Gross margin" in second.last_text()
    await second.send("58%")
    await second.click("lifetime")
    await second.send("18")
    await second.click("Skip")
    await second.click("Skip")
    assert "$65" in second.last_text()
    await reopened.close()


async def test_every_message_and_button_within_telegram_limits(
    client: TelegramClient, session: RecordingSession
) -> None:
    await reach_summary_golden(client)
    await client.click("Calculate LTV")
    await client.send("/history")
    assert all(len(text) <= 4096 for text in session.sent_texts())
    assert all(len(data.encode()) <= 64 for data in all_callback_data(session, client.chat.id))


async def test_command_menu_registered_in_both_languages(
    bot: Bot, session: RecordingSession
) -> None:
    await register_commands(bot, Renderer())
    calls = session.of_type(SetMyCommands)
    assert {call.language_code for call in calls} == {"ru", "en", None}
    russian = next(call for call in calls if call.language_code == "ru")
    assert [c.command for c in russian.commands] == [
        "calc",
        "ltv",
        "history",
        "digest",
        "language",
        "help",
        "cancel",
    ]
    assert russian.commands[0].description == "Посчитать LTV"


async def test_a_failing_handler_leaves_a_sentence_and_the_answers(
    client: TelegramClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await reach_summary_golden(client)

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    with monkeypatch.context() as patch:
        patch.setattr("bot.wizard.handlers.calculate", broken)
        await client.click("Calculate LTV")
    assert "Something went wrong on my side" in client.last_text()
    await client.click("Calculate LTV")
    assert "Customer LTV: $407.16" in client.last_text()


async def test_two_numbers_in_one_answer_are_explained(client: TelegramClient) -> None:
    await client.send("/calc")
    await client.click("Skip")
    await client.send("65 and 70")
    assert "several numbers or units" in client.last_text()
    assert "Average order value" in client.last_text()


async def test_start_in_the_middle_keeps_the_answers_and_offers_to_continue(
    client: TelegramClient,
) -> None:
    await client.send("/calc")
    await client.click("Skip")
    await client.send("$65")
    await client.send("/start")
    assert "unfinished calculation" in client.last_text()
    await client.click("Continue the calculation")
    assert "Purchase frequency" in client.last_text()
    await client.send("0.6")
    assert "Gross margin" in client.last_text()


async def test_a_frequency_said_in_words_is_read(ru_client: TelegramClient) -> None:
    await ru_client.send("/calc")
    await ru_client.click("Пропустить")
    await ru_client.send("2500")
    assert "раз в неделю или 2 раза в 3 месяца" in ru_client.last_text()  # examples of words
    await ru_client.send("раз в неделю")
    assert "Маржа" in ru_client.last_text()
    await ru_client.click("Назад")
    assert "Сейчас: 4,35 в месяц." in ru_client.last_text()


async def test_a_lifetime_said_in_words_is_read(client: TelegramClient) -> None:
    await reach_lifetime_choice(client, "$65", "0.6", "58%")
    await client.click("lifetime")
    assert "two years" in client.last_text()  # the example says words work
    await client.send("two years")
    assert "acquisition cost" in client.last_text()
    await client.click("Back")
    assert "Now: 24 months." in client.last_text()


async def test_the_cac_examples_are_in_the_currency_of_the_average_order(
    client: TelegramClient,
) -> None:
    await reach_lifetime_choice(client, "€65", "0.6", "58%")
    await client.click("lifetime")
    await client.send("18")
    assert "For example: 40 or €40." in client.last_text()

    await client.send("$50")

    refusal = client.last_text()
    assert "same currency as the average order (€)" in refusal
    assert "An example that works: 40 or €40" in refusal and "$40" not in refusal


@pytest.mark.parametrize("data", ["wz:frequency:calc:", "rs:open:abc:", "lang:xx", "zz:unknown"])
async def test_a_forged_button_is_answered_as_outdated_and_changes_nothing(
    client: TelegramClient, session: RecordingSession, repo: SqliteRepository, data: str
) -> None:
    await client.send("/calc")
    await client.click("Skip")
    await client.send("$65")
    before = client.last_text()

    await client.press_forged(data)

    assert session.last(AnswerCallbackQuery).text == "This button is no longer current."
    assert client.last_text() == before
    chat = await repo.get_chat(client.chat.id)
    assert chat is not None and chat.language is None


async def test_the_end_count_example_is_below_the_start_count(client: TelegramClient) -> None:
    await reach_lifetime_choice(client, "1000", "1")
    await client.click("customers at start and end")
    await client.send("1 000")
    assert "For example: 850 (fewer than 1,000)." in client.last_text()

    await client.send("1 050")
    assert "An example that works: 850 (fewer than 1,000)" in client.last_text()

    await client.send("1 000")  # the same count: no churn to see
    refusal = client.last_text()
    assert 'pick "I know the customer lifetime".\nAn example that works: 850' in refusal

    await client.send("850")
    assert "Customer acquisition cost" in client.last_text()


async def test_nobody_left_at_the_end_of_the_period_is_said_so(client: TelegramClient) -> None:
    await reach_lifetime_choice(client, "1000", "1")
    await client.click("customers at start and end")
    await client.click("a year")
    await client.send("1 000")

    await client.send("0")

    refusal = client.last_text()
    assert "Not one of the 1,000 customers at the start was left at the end" in refusal
    assert "within a month" not in refusal


async def test_examples_and_the_current_value_follow_the_unit_toggles(
    client: TelegramClient,
) -> None:
    await client.send("/calc")
    await client.click("Skip")
    await client.send("100")
    await client.click("per year")
    assert "For example: 18 (a year)" in client.last_text()
    await client.send("18")
    await client.click("Back")
    assert "Now: 18 a year." in client.last_text()
    await client.send("18")
    await client.click("Skip")
    await client.click("lifetime")
    await client.click("years")
    assert "For example: 1.5 (years)" in client.last_text()
    await client.send("1.5")
    await client.click("Back")
    assert "Now: 18 months." in client.last_text()


@pytest.mark.parametrize(("said", "shown"), [("5% a month", "5%"), ("30% a year", "2.93%")])
async def test_churn_said_with_its_period_is_read(
    client: TelegramClient, said: str, shown: str
) -> None:
    await reach_lifetime_choice(client, "$65", "0.6")
    await client.click("churn")
    assert "30% a year" in client.last_text()  # the example says a yearly rate works

    await client.send(said)

    assert "Customer acquisition cost" in client.last_text()
    await client.click("Back")
    assert f"Now: {shown}." in client.last_text()


async def test_one_customer_at_the_start_is_refused_with_the_least_that_works(
    client: TelegramClient,
) -> None:
    """One customer can only stay (no churn) or leave (all churn): both refused later, so the
    count is refused where it is typed."""
    await reach_lifetime_choice(client, "1000", "1")
    await client.click("customers at start and end")
    await client.send("1")

    refusal = client.last_text()
    assert "The minimum is 2" in refusal and "Customers at the start" in refusal
    await client.send("100")
    assert "how many of those 100 were still with you" in client.last_text()


async def test_history_is_dated_in_the_chats_time(
    client: TelegramClient, ru_client: TelegramClient, repo: SqliteRepository
) -> None:
    await ru_client.send("/ltv 2500 1.5 30% 18")
    await ru_client.send("/history")
    (record,) = await repo.list_calculations(ru_client.chat.id)
    moscow = record.created_at.astimezone(ZoneInfo("Europe/Moscow"))
    assert moscow.strftime("%d.%m.%Y %H:%M") in ru_client.last_text()  # Moscow: the default
    assert "UTC" not in ru_client.last_text()
    heading, first = ru_client.last_text().replace(NBSP, " ").splitlines()[:2]
    assert heading == "Последние расчёты"  # on a line of its own
    assert first == f"1. {moscow:%d.%m.%Y %H:%M} — LTV 20 250 ₽ (чек 2 500 ₽, 1,5 заказа в месяц)"

    await ru_client.send("/digest tz Asia/Novosibirsk")  # the digest's zone is the chat's
    await ru_client.send("/history")
    novosibirsk = record.created_at.astimezone(ZoneInfo("Asia/Novosibirsk"))
    assert novosibirsk.strftime("%d.%m.%Y %H:%M") in ru_client.last_text()

    await client.send("/ltv 65 0.6 58% 18")
    await client.send("/history")
    assert client.last_text().splitlines()[0] == "Recent calculations (times in UTC)"


async def test_a_choice_typed_as_its_button_reads_is_taken(ru_client: TelegramClient) -> None:
    await ru_client.send("/calc")
    await ru_client.send("косметика")  # "💄 Косметика"
    assert "Средний чек" in ru_client.last_text()
    await ru_client.send("2500")
    await ru_client.send("2")
    await ru_client.click("Пропустить")
    await ru_client.send("отток")  # a word of "📉 Знаю отток в месяц" alone
    assert ru_client.last_text().startswith("Отток в месяц")


@pytest.mark.parametrize(
    ("typed", "summary_line"),
    [("18 months", "Customer lifetime: 18 months"), ("5% a month", "Churn: 5% a month")],
)
async def test_a_lifetime_or_churn_typed_at_the_choice_answers_both(
    client: TelegramClient, typed: str, summary_line: str
) -> None:
    """Typed where the buttons ask which way the lifetime is known: the way and its answer."""
    await reach_lifetime_choice(client, "$65", "0.6", "58%")
    await client.send(typed)
    assert "Customer acquisition cost" in client.last_text()
    await client.click("Skip")
    await client.click("Skip")
    assert summary_line in client.last_text()


async def test_back_from_a_typed_lifetime_shows_it_at_its_own_step(client: TelegramClient) -> None:
    await reach_lifetime_choice(client, "$65", "0.6", "58%")
    await client.send("18 months")
    await client.click("Back")
    assert "Now: 18 months" in client.last_text()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("hello", "type the lifetime itself (e.g. 18 months) or the churn (5% a month)"),
        ("5000 years", "too large"),
    ],
)
async def test_text_at_the_lifetime_choice_that_is_neither_is_explained(
    client: TelegramClient, typed: str, said: str
) -> None:
    await reach_lifetime_choice(client, "$65", "0.6", "58%")
    await client.send(typed)
    assert said in client.last_text()
    assert "How long do customers" in client.last_text()  # the same question, asked again


async def test_back_to_the_customer_counts_shows_them(client: TelegramClient) -> None:
    await reach_lifetime_choice(client, "$65", "0.6", "58%")
    await client.click("customers at start and end")
    await client.send("1000")
    await client.send("900")
    await client.click("Back")
    assert "Now: 900" in client.last_text()
    await client.click("Back")
    assert "Now: 1,000" in client.last_text()


async def test_back_offers_to_keep_the_answer_as_it_is(client: TelegramClient) -> None:
    await client.send("/calc")
    assert "Keep as it is" not in str(client.last_message().reply_markup)  # nothing to keep
    await client.click("Skip")
    await client.send("$65")
    await client.send("0.6")
    await client.click("Back")
    await client.click("Keep as it is")
    assert "Gross margin" in client.last_text()
    await client.send("58%")
    await client.click("lifetime")
    await client.send("18 months")
    await client.send("40")
    await client.click("Skip")
    await client.click("Average order")  # an edit from the summary: kept, back to it
    await client.click("Keep as it is")
    assert "Check your numbers" in client.last_text()
    await client.click("Calculate LTV")
    assert "Customer LTV: $407.16" in client.last_text()


async def test_a_kept_count_at_the_end_is_checked_against_a_new_start(
    client: TelegramClient,
) -> None:
    await reach_lifetime_choice(client, "$65", "0.6", "58%")
    await client.click("customers at start and end")
    await client.send("1000")
    await client.send("900")
    await client.click("Back")
    await client.click("Back")
    await client.send("800")
    await client.click("Keep as it is")
    assert "more customers at the end" in client.last_text().lower()
    assert "Customers at the end of the period" in client.last_text()


async def test_nothing_to_keep_where_no_answer_was_given(client: TelegramClient) -> None:
    """A recalculated profile stated by months has no churn, and a skipped margin keeps
    skipped with Skip alone: no Keep button on either (it led to an error)."""
    await reach_summary_golden(client)
    await client.click("Calculate LTV")
    await client.click("Recalculate")
    await client.click("Lifetime")
    await client.click("churn")
    assert "Keep as it is" not in str(client.last_message().reply_markup)
    await client.send("/cancel")
    await reach_lifetime_choice(client, "$65", "0.6")  # the margin skipped
    await client.click("Back")
    buttons = str(client.last_message().reply_markup)
    assert "Skip" in buttons and "Keep as it is" not in buttons


@pytest.mark.parametrize("typed", ["cosmetics", "18 months"])
async def test_text_at_the_summary_asks_for_its_buttons(
    client: TelegramClient, typed: str
) -> None:
    await reach_summary_golden(client)
    await client.send(typed)
    assert client.last_text().startswith("Please press one of the buttons under the message.")
    assert "Check your numbers" in client.last_text()
