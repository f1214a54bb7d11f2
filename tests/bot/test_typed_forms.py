"""Answers typed in the forms people use, through the real dispatcher: each was refused once."""

from tests.fakes.client import TelegramClient

NBSP = "\xa0"
SKIP = {"en": "Skip", "ru": "Пропустить"}
CHURN = {"en": "churn", "ru": "отток"}
LIFETIME = {"en": "lifetime", "ru": "срок"}


async def answer_up_to_lifetime(client: TelegramClient, language: str) -> None:
    """/calc with no kind of business, a 2500 check, 2 orders a month and a 30 % margin."""
    await client.send("/calc")
    await client.click(SKIP[language])
    for answer in ("2500", "2", "30%"):
        await client.send(answer)


async def test_a_churn_over_a_period_of_several_months(ru_client: TelegramClient) -> None:
    await answer_up_to_lifetime(ru_client, "ru")
    await ru_client.click(CHURN["ru"])
    await ru_client.send("10% за 6 месяцев")
    await ru_client.send("1500")
    await ru_client.click(SKIP["ru"])
    assert "Отток: 1,7" in ru_client.last_text()  # 1 - 0.9 ** (1 / 6), not 10 / 6


async def reach_discount_rate(client: TelegramClient, language: str) -> None:
    """Up to the discount rate, with a lifetime of 18 months and a CAC of 1500."""
    await answer_up_to_lifetime(client, language)
    await client.click(LIFETIME[language])
    await client.send("18")
    await client.send("1500")


async def test_a_discount_rate_for_a_month_is_made_annual(ru_client: TelegramClient) -> None:
    await reach_discount_rate(ru_client, "ru")
    await ru_client.send("1% в месяц")
    assert "Ставка дисконтирования: 12,68%" in ru_client.last_text()  # 1.01 ** 12 - 1, not 12 %


async def test_a_discount_rate_said_as_annual(client: TelegramClient) -> None:
    await reach_discount_rate(client, "en")
    await client.send("12% p.a.")
    assert "Discount rate: 12%" in client.last_text()


async def russian_summary(client: TelegramClient, aov: str, frequency: str, lifetime: str) -> str:
    """The summary after the given check, frequency and lifetime, 30 % and a CAC of 1500."""
    await client.send("/calc")
    await client.click(SKIP["ru"])
    await client.send(aov)
    await client.send(frequency)
    await client.send("30%")
    await client.click(LIFETIME["ru"])
    await client.send(lifetime)
    await client.send("1500")
    await client.click(SKIP["ru"])
    return client.last_text()


async def test_a_lifetime_in_months_written_m(ru_client: TelegramClient) -> None:
    summary = await russian_summary(ru_client, "2500", "2", "18м")
    assert "Срок жизни клиента: 18 мес." in summary


async def test_an_order_value_of_one_and_a_half_thousand_in_words(
    ru_client: TelegramClient,
) -> None:
    summary = await russian_summary(ru_client, "полторы тысячи", "2", "18")
    assert f"Средний чек: 1{NBSP}500{NBSP}₽" in summary


async def test_a_frequency_in_times_written_r(ru_client: TelegramClient) -> None:
    summary = await russian_summary(ru_client, "2500", "1,5 р/мес", "18")
    assert "Частота: 1,5 заказа в месяц" in summary


async def test_ltv_with_the_frequency_left_out_asks_for_it(client: TelegramClient) -> None:
    await client.send("/ltv 65, 18 months")
    assert "The purchase frequency is missing." in client.last_text()


async def test_a_line_with_the_frequency_left_out_asks_for_it(ru_client: TelegramClient) -> None:
    await ru_client.send("средний чек 2500, маржа 30%, 18 мес")
    assert "Не хватает значения: частота покупок." in ru_client.last_text()
