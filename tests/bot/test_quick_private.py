"""/ltv in a private chat: the result from one line, through the real dispatcher."""

import re

import pytest

from bot.storage.sqlite import SqliteRepository
from tests.fakes.client import TelegramClient

NBSP = "\xa0"
GOLDEN = "/ltv $65 0.6 58% 18 40"  # the published example: CLV $407.16, LTV:CAC 10.18


async def test_one_line_gives_the_whole_result_and_its_buttons(
    client: TelegramClient, repo: SqliteRepository
) -> None:
    await client.send(GOLDEN)
    result = client.last_text()
    assert "Customer LTV: $407.16" in result and "LTV:CAC = 10.2:1" in result
    buttons = [b.text for row in client.last_message().reply_markup.inline_keyboard for b in row]
    assert "Recalculate" in " ".join(buttons) and "History" in " ".join(buttons)

    await client.click("+10% order value")
    assert "$407.16 → $447.88" in client.last_text()
    await client.send("/history")
    assert client.last_text().count("$407.16") == 1
    profile = await repo.get_profile(client.chat.id)
    assert profile is not None and profile.inputs.aov == 65


async def test_recalculate_from_a_one_line_result_opens_its_numbers(
    client: TelegramClient,
) -> None:
    await client.send(GOLDEN)
    await client.click("Recalculate")
    summary = client.last_text()
    assert "Check your numbers" in summary and "$65" in summary


async def test_a_bad_value_is_named_with_an_example_in_russian(ru_client: TelegramClient) -> None:
    await ru_client.send("/ltv 2500 1,5 130% 18")
    said = ru_client.last_text()
    assert "Маржа 130%: не бывает больше 100%." in said and "Например: маржа=30%." in said
    assert ru_client.last_message().reply_markup is None


async def test_alone_it_says_how_to_write_it(client: TelegramClient) -> None:
    await client.send("/ltv")
    said = client.last_text()
    assert "LTV in one line" in said and "/ltv 2500 1.5 30% 18" in said
    assert "/ltv average check 2500, twice a month, margin 30%, 18 months" in said
    assert "Without a margin, give the lifetime its unit: /ltv 2500 1.5 18 months 1500." in said
    await client.send("/ltv 2500 1.5 18 months 1500")
    assert "$2,500 × 1.5 orders a month × 18 months\n" in client.last_text()


async def test_names_in_words_and_commas_as_people_write(ru_client: TelegramClient) -> None:
    await ru_client.send("/ltv Средний чек: 2500, 1,5 раза в месяц, маржа 30%, срок 18 мес")
    assert "LTV клиента: 20\xa0250\xa0₽" in ru_client.last_text()


async def test_mid_wizard_it_calculates_and_the_wizard_goes_on(client: TelegramClient) -> None:
    await client.send("/calc")
    await client.click("Cosmetics")
    await client.send("/ltv 2500 1.5 30% a year and a half")
    assert "Customer LTV: $20,250" in client.last_text()
    await client.send("$65")
    assert "purchase frequency" in client.last_text().lower()


async def test_the_currency_follows_the_chats_profile(ru_client: TelegramClient) -> None:
    await ru_client.send("/ltv 2500 1,5 30% 18")
    assert "LTV клиента: 20\xa0250\xa0₽" in ru_client.last_text()
    await ru_client.send("/ltv $65 0,6 58% 18")
    assert "LTV клиента: 407,16\xa0$" in ru_client.last_text()
    await ru_client.send("/ltv 100 1 30% 18")
    assert "LTV клиента: 540\xa0$" in ru_client.last_text()  # the profile is in dollars now


async def test_numbers_typed_without_a_command_are_calculated(
    ru_client: TelegramClient, repo: SqliteRepository
) -> None:
    await ru_client.send("чек 2500, 1,5 раза в месяц, маржа 30%, 18 мес")
    assert "LTV клиента: 20\xa0250\xa0₽" in ru_client.last_text()
    assert len(await repo.list_calculations(ru_client.chat.id)) == 1


async def test_numbers_with_a_value_missing_are_told_which(ru_client: TelegramClient) -> None:
    await ru_client.send("чек 3000, раз в месяц")
    assert "Не хватает значения: срок жизни клиента или отток клиентов." in ru_client.last_text()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("hello", "I understand commands: /calc"),
        ("/unknown", "I understand commands: /calc"),
        ("I have 2 shops", "I could not read those numbers as a calculation."),
        ("70", "I could not read those numbers as a calculation."),  # one number is no line
    ],
)
async def test_other_text_is_told_what_works_and_nothing_is_saved(
    client: TelegramClient, repo: SqliteRepository, typed: str, said: str
) -> None:
    await client.send(typed)
    reply = client.last_text()
    assert said in reply and "/calc" in reply and "2500, twice a month" in reply
    assert await repo.list_calculations(client.chat.id) == []


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/ltv 2500 1.5 30% 18 cac=1500 cac=2000", "Стоимость привлечения (CAC) указана дважды."),
        ("/ltv 2500 1.5 30% 18 1500 привлечение=100", "Стоимость привлечения (CAC) указана"),
        ("/ltv 2500 1.5 частота=2 30% 18", "Частота покупок указана дважды."),
        ("/ltv 2500 1.5 30% 18 маржа=40%", "Маржа указана дважды."),
        ("/ltv 2500 1.5 30% 18 чек=2600", "Средний чек указан дважды."),
        ("/ltv 2500 1.5 30% 18 1500 usd", "CAC должен быть в валюте чека (₽)."),
    ],
)
async def test_a_value_given_twice_is_named_in_agreement(
    ru_client: TelegramClient, line: str, said: str
) -> None:
    await ru_client.send(line)
    assert said in ru_client.last_text()


async def test_cac_given_twice_is_named_in_english(client: TelegramClient) -> None:
    await client.send("/ltv 2500 1.5 30% 18 cac=1500 cac=2000")
    assert "The acquisition cost (CAC) is given twice." in client.last_text()


async def test_a_cac_of_zero_is_said_not_dropped(client: TelegramClient) -> None:
    await client.send("/ltv 2500 1.5 30% 18 0")
    assert "Acquisition cost 0: customers come at no cost" in client.last_text()
    assert "LTV:CAC =" not in client.last_text()


@pytest.mark.parametrize(
    "line",
    ["/ltv 2 500 раз в месяц 30% 18", "2 500 раз в месяц 30% 18", "/ltv 2500 раз в месяц 30% 18"],
)
async def test_a_check_in_groups_of_thousands_before_once_a_month(
    ru_client: TelegramClient, line: str
) -> None:
    """Before, "2 500 раз в месяц" was a check of 2 ₽ bought 500 times a month."""
    await ru_client.send(line)
    said = ru_client.last_text()
    assert "LTV клиента: 13\xa0500\xa0₽" in said
    assert "2\xa0500\xa0₽ × 1 заказ в месяц × 18 мес. × маржа 30%" in said


def _suggested_lines(said: str) -> list[str]:
    return re.findall(r"^(/ltv .+?) — ", said, re.MULTILINE)


@pytest.mark.parametrize(
    ("locale", "line", "explained", "suggested"),
    [
        (
            "ru",
            "/ltv 2500 1.5 18 1500",
            "⚠️ Срок жизни клиента 1500: слишком большое значение.\n"
            "Числа без единиц после частоты — это маржа и срок: 18 — маржа 18%, а 1500 — срок "
            "в месяцах, больше 100 лет.\n"
            "Если 18 — срок в месяцах, а 1500 — стоимость привлечения (CAC), укажите единицу "
            "срока:\n",
            ["/ltv 2500 1.5 18 мес 1500", "/ltv 2500 1.5 30% 18 мес 1500"],
        ),
        (
            "ru",
            "чек 2 500, 1,5 раза в месяц, 18, 1500",  # sent without /ltv: not the fallback
            "Числа без единиц после частоты — это маржа и срок: 18 — маржа 18%, а 1500 — срок "
            "в месяцах, больше 100 лет.",
            [
                "/ltv 2500 1,5 раза в месяц 18 мес 1500",
                "/ltv 2500 1,5 раза в месяц 30% 18 мес 1500",
            ],
        ),
        (
            "en",
            "/ltv 2500 1.5 18 1500",
            "⚠️ The customer lifetime 1500 is too large.\n"
            "Numbers without units after the frequency are the margin and the lifetime: 18 reads "
            "as the margin, 18%, and 1500 as the lifetime in months, over 100 years.\n"
            "If 18 is the lifetime in months and 1500 the acquisition cost (CAC), give the "
            "lifetime its unit:\n",
            ["/ltv 2500 1.5 18 months 1500", "/ltv 2500 1.5 30% 18 months 1500"],
        ),
    ],
)
async def test_four_numbers_with_too_long_a_lifetime_show_both_ways_to_write_them(
    client: TelegramClient,
    ru_client: TelegramClient,
    repo: SqliteRepository,
    locale: str,
    line: str,
    explained: str,
    suggested: list[str],
) -> None:
    """ "2500 1.5 18 1500" reads as a margin of 18 % and a lifetime of 1500 months, too long;
    before, the reply said only that, with "life=18" as the example. It says how the line was
    read and how to write a lifetime of 18 months and a CAC of 1500, without a margin or with
    one; each line, sent as it is, is read so."""
    person = ru_client if locale == "ru" else client
    await person.send(line)
    said = person.last_text()
    assert explained in said
    assert _suggested_lines(said) == suggested
    assert await repo.list_calculations(person.chat.id) == []

    factors = {
        "ru": f"2{NBSP}500{NBSP}₽ × 1,5 заказа в месяц × 18 мес.",
        "en": "$2,500 × 1.5 orders a month × 18 months",
    }[locale]
    await person.send(suggested[0])
    assert f"\n{factors}\n" in person.last_text() and "LTV:CAC = 45:1" in person.last_text()
    await person.send(suggested[1])
    margin = " × маржа 30%" if locale == "ru" else " × 30% margin"
    assert f"\n{factors}{margin}\n" in person.last_text()
    assert "LTV:CAC = 13" in person.last_text()


@pytest.mark.parametrize(
    ("locale", "explained", "offered", "calculated"),
    [
        (
            "ru",
            "⚠️ Не хватает значения: срок жизни клиента или отток клиентов.\n"
            "18 стоит на месте маржи и читается как маржа 18%.\n"
            "Если 18 — срок в месяцах, укажите единицу: /ltv 2500 1,5 18 мес",
            "/ltv 2500 1,5 18 мес",
            f"LTV клиента: 67{NBSP}500{NBSP}₽",
        ),
        (
            "en",
            "⚠️ The customer lifetime or the churn is missing.\n"
            "18 is in the margin's place, so I read it as the margin, 18%.\n"
            "If 18 is the lifetime in months, give it its unit: /ltv 2500 1,5 18 months",
            "/ltv 2500 1,5 18 months",
            "Customer LTV: $67,500",
        ),
    ],
)
async def test_three_numbers_say_the_last_was_read_as_the_margin(
    client: TelegramClient,
    ru_client: TelegramClient,
    locale: str,
    explained: str,
    offered: str,
    calculated: str,
) -> None:
    """ "/ltv 2500 1,5 18" was answered "the lifetime is missing, e.g. life=18": the 18 just
    typed, unexplained. The reply says it took the margin's place and gives the line for 18
    months, which is calculated as sent."""
    person = ru_client if locale == "ru" else client
    await person.send("/ltv 2500 1,5 18")
    said = person.last_text()
    assert said.startswith(explained) and "=18" not in said
    await person.send(offered)
    assert calculated in person.last_text()


@pytest.mark.parametrize("locale", ["ru", "en"])
async def test_the_one_line_forms_in_help_are_read_as_they_say(
    client: TelegramClient, ru_client: TelegramClient, locale: str
) -> None:
    person = ru_client if locale == "ru" else client
    await person.send("/help")
    forms = re.findall(r"(/ltv 2500 [^;\n]+?) \[CAC\]", person.last_text())
    assert len(forms) == 3  # with a margin, without one, with the churn for the lifetime

    for form, margin in zip(forms, (True, False, True), strict=True):
        await person.send(f"{form} 1500")
        result = person.last_text()
        assert "LTV:CAC" in result
        assert ("маржа 30%" in result or "30% margin" in result) is margin


CHURN_LINES = {
    "ru": {
        "wizard": ("2500", "1,5", "30%", "отток", "5% в месяц", "40"),
        "buttons": ("Пропустить", "Посчитать LTV"),
        "lines": (
            "/ltv 2500 1,5 30% отток 5% 40",
            "/ltv чек 2500, 1,5 раза в месяц, маржа 30%, отток 5% в месяц, cac 40",
            "чек 2500, 1,5 раза в месяц, маржа 30%, отток клиентов 5%, cac 40",  # no command
        ),
        "said": (f"LTV клиента: 22{NBSP}500{NBSP}₽", "отток −10% →"),
    },
    "en": {
        "wizard": ("$65", "0.6", "58%", "churn", "5%", "40"),
        "buttons": ("Skip", "Calculate LTV"),
        "lines": (
            "/ltv $65 0.6 58% churn 5% 40",
            "/ltv check=$65 freq=0.6 margin=58% churn=0.05 cac=40",
            "/ltv $65, 0.6 per month, margin 58%, churn 5% a month, cac 40",
        ),
        "said": ("Customer LTV: $452.40", "churn −10% → $502.67"),  # 65 x 0.6 x 0.58 / 0.05
    },
}


@pytest.mark.parametrize("locale", ["ru", "en"])
async def test_a_line_with_the_churn_gives_the_wizards_result_by_churn(
    client: TelegramClient, ru_client: TelegramClient, repo: SqliteRepository, locale: str
) -> None:
    """ "/ltv 2500 1,5 30% отток 5%" read "отток" as the lifetime and refused it; the churn
    now stands for the lifetime, and the result is the wizard's for the same churn: its
    what-if lowers the churn, not the lifetime."""
    person = ru_client if locale == "ru" else client
    script = CHURN_LINES[locale]
    aov, frequency, margin, by_churn, churn, cac = script["wizard"]
    skip, calculate = script["buttons"]
    await person.send("/calc")
    await person.click(skip)
    for answer in (aov, frequency, margin):
        await person.send(answer)
    await person.click(by_churn)
    await person.send(churn)
    await person.send(cac)
    await person.click(skip)
    await person.click(calculate)
    by_the_wizard = person.last_text()
    assert all(said in by_the_wizard for said in script["said"])

    for line in script["lines"]:
        await person.send(line)
        assert person.last_text() == by_the_wizard, line
    calculations = await repo.list_calculations(person.chat.id)
    assert len(calculations) == 1 + len(script["lines"])


@pytest.mark.parametrize(
    ("locale", "line", "explained", "works"),
    [
        (
            "ru",
            "/ltv 2500 1,5 30% 18 отток 5%",
            "⚠️ Указаны и срок жизни клиента (18), и отток (5%): срок — это 1 ÷ отток, "
            "укажите что-то одно.\nНапример: отток=5% или срок=18.",
            "/ltv 2500 1,5 30% отток 5%",
        ),
        (
            "ru",
            "/ltv 2500 1,5 30%",
            "⚠️ Не хватает значения: срок жизни клиента или отток клиентов.\n"
            "Например: срок=18 или отток=5%.",
            "/ltv 2500 1,5 30% отток=5%",
        ),
        (
            "en",
            "/ltv 2500 1.5 30% life=18 churn=5%",
            "⚠️ Both the customer lifetime (18) and the churn (5%) are given: the lifetime is "
            "1 ÷ churn, so give one of them.\nFor example churn=5% or life=18.",
            "/ltv 2500 1.5 30% churn=5%",
        ),
        (
            "en",
            "/ltv 2500 1.5 30%",
            "⚠️ The customer lifetime or the churn is missing.\nFor example life=18 or churn=5%.",
            "/ltv 2500 1.5 30% churn=5%",
        ),
    ],
)
async def test_the_lifetime_or_the_churn_is_asked_for_with_an_example_that_works(
    client: TelegramClient,
    ru_client: TelegramClient,
    repo: SqliteRepository,
    locale: str,
    line: str,
    explained: str,
    works: str,
) -> None:
    person = ru_client if locale == "ru" else client
    await person.send(line)
    assert person.last_text().startswith(explained)
    assert await repo.list_calculations(person.chat.id) == []

    await person.send(works)
    assert "LTV" in person.last_text() and len(await repo.list_calculations(person.chat.id)) == 1


@pytest.mark.parametrize(
    ("locale", "line", "said"),
    [
        ("ru", "/ltv 2500 1,5 30% отток 100%", "⚠️ Отток клиентов 100%: должен быть меньше 100%."),
        ("ru", "/ltv 2500 1,5 30% отток 0", "⚠️ Отток клиентов 0: не может быть нулём."),
        (
            "ru",
            "/ltv 2500 1,5 30% отток 0,05%",
            "⚠️ Отток клиентов 0,05%: при нём клиент остаётся больше 100 лет, укажите не меньше "
            "0,09% в месяц.",
        ),
        (  # a yearly churn is told the least monthly one: "0,09% в год" would fail again
            "ru",
            "/ltv 2500 1,5 30% отток 0,5% в год",
            "⚠️ Отток клиентов 0,5% в год: при нём клиент остаётся больше 100 лет, укажите не "
            "меньше 0,09% в месяц.",
        ),
        ("en", "/ltv 2500 1.5 30% churn 100%", "⚠️ The churn 100% must stay below 100%."),
        ("en", "/ltv 2500 1.5 30% churn", "⚠️ The churn is empty.\nFor example churn=5%."),
        (
            "en",
            "/ltv 2500 1.5 30% churn 0.05%",
            "⚠️ The churn 0.05% means a customer stays over 100 years: give at least 0.09% a "
            "month.",
        ),
    ],
)
async def test_a_churn_that_cannot_be_is_named_with_what_was_typed(
    client: TelegramClient, ru_client: TelegramClient, locale: str, line: str, said: str
) -> None:
    person = ru_client if locale == "ru" else client
    await person.send(line)
    assert person.last_text().startswith(said)


@pytest.mark.parametrize("locale", ["ru", "en"])
async def test_the_churn_in_the_one_line_intro_is_read_as_it_says(
    client: TelegramClient, ru_client: TelegramClient, locale: str
) -> None:
    person = ru_client if locale == "ru" else client
    await person.send("/ltv")
    (line,) = re.findall(r"/ltv 2500 \S+ 30% (?:отток|churn) 5%", person.last_text())
    await person.send(line)
    assert "LTV" in person.last_text() and ("отток −10%" in person.last_text()) is (locale == "ru")
