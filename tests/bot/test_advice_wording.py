"""The advice of a result as the bot sends it claims only what the numbers and the kind of
business show (QA cases), in both languages."""

import itertools
from dataclasses import replace

import pytest

from bot import formatting
from bot.render import Renderer
from bot.views import result_text
from ltv_engine.advice import candidates
from ltv_engine.calc import calculate
from ltv_engine.model import Business, Lifetime, LifetimeSource, LtvInputs

RENDERER = Renderer()
ADVICE_HEADING = {"ru": "<b>Что делать</b>", "en": "<b>What to do</b>"}

FURNITURE_TWICE_A_MONTH = LtvInputs(  # /calc: furniture, 2 500 ₽, 2 a month, 30 %, 18 months
    aov=2500,
    orders_per_month=2,
    lifetime=Lifetime(LifetimeSource.MONTHS, months=18),
    margin=0.3,
    business=Business.FURNITURE,
)


def advice_text(locale: str, inputs: LtvInputs) -> str:
    """What the result message says under "What to do"."""
    return under_heading(locale, result_text(calculate(inputs), RENDERER(locale)))


def every_candidate_text(locale: str, inputs: LtvInputs) -> str:
    """What the result message would say under "What to do" with every advice whose rule
    fires, primary and fallback."""
    result = calculate(inputs)
    primary, fallback = candidates(result)
    page = RENDERER(locale).page(
        "result.j2", r=result, advice=primary + fallback, currency=inputs.currency
    )
    return under_heading(locale, page)


def under_heading(locale: str, page: str) -> str:
    _, heading, advice = page.partition(ADVICE_HEADING[locale])
    assert heading, page
    return advice


def paragraph(text: str, title_starts: str) -> str:
    """The advice item whose title starts with ``title_starts`` (its emoji, say)."""
    items = [item for item in text.split("\n\n") if item.strip().startswith(title_starts)]
    assert len(items) == 1, text
    return items[0]


# --- 1. "big and rare" only where the numbers show it ---------------------------------------


@pytest.mark.parametrize(
    ("locale", "said", "not_said"),
    [
        ("ru", "Мебель редко покупают без доставки с подъёмом и сборки", "крупные и редкие"),
        ("en", "Furniture is rarely bought without delivery to the door", "big and rare"),
    ],
)
def test_furniture_bought_twice_a_month_is_not_called_rare(
    locale: str, said: str, not_said: str
) -> None:
    upsell = paragraph(advice_text(locale, FURNITURE_TWICE_A_MONTH), "<b>🛠")
    assert said in upsell
    assert not_said not in upsell and "нескоро" not in upsell and "not be back" not in upsell


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("ru", "Клиент покупает раз в 2 года: повторно он придёт нескоро"),
        ("en", "A customer buys once every 2 years and will not be back soon"),
    ],
)
def test_furniture_bought_every_two_years_is_rare_by_its_numbers(locale: str, said: str) -> None:
    rare = replace(FURNITURE_TWICE_A_MONTH, aov=45_000, orders_per_month=1 / 24)
    assert said in paragraph(advice_text(locale, rare), "<b>🛠")


@pytest.mark.parametrize(
    ("locale", "said"),
    [("ru", "Технику редко покупают без доставки"), ("en", "Electronics are rarely bought")],
)
def test_electronics_are_named_by_what_they_are_sold_with(locale: str, said: str) -> None:
    electronics = replace(FURNITURE_TWICE_A_MONTH, business=Business.ELECTRONICS)
    assert said in paragraph(advice_text(locale, electronics), "<b>🛠")


# --- 2. services are offered services, not goods --------------------------------------------

SERVICES_TWICE_A_MONTH = replace(
    FURNITURE_TWICE_A_MONTH, aov=5000, margin=0.2, business=Business.SERVICES
)
GOODS_WORDS = {
    "ru": ("товар", "корзин", "витрин", "карточк", "доставк", "сборк"),
    "en": ("cart", "item", "goods", "product", "delivery", "assembly", "shop often"),
}
SERVICE_SHOPS = [
    replace(SERVICES_TWICE_A_MONTH, orders_per_month=orders, lifetime=lifetime, margin=margin)
    for orders, lifetime, margin in itertools.product(
        (1 / 24, 0.1, 0.5, 1.0, 2.0, 8.0, 30.0),
        (
            Lifetime(LifetimeSource.MONTHS, months=1),
            Lifetime(LifetimeSource.MONTHS, months=6),
            Lifetime(LifetimeSource.MONTHS, months=48),
            Lifetime(LifetimeSource.CHURN, monthly_churn=0.15),
        ),
        (None, 0.1, 0.4),
    )
]


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_no_advice_speaks_of_goods_to_a_services_business(locale: str) -> None:
    for inputs in SERVICE_SHOPS:
        text = every_candidate_text(locale, inputs).lower()
        assert not [word for word in GOODS_WORDS[locale] if word in text], (inputs, text)


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("ru", "К каждой услуге предлагайте ту, что её продолжает: к сайту — настройку рекламы"),
        ("ru", "Соберите 2–3 пакета услуг"),
        ("ru", "Через 15 дней предложите повторный визит"),
        ("ru", "Больше услуг с высокой маржой"),
        ("en", "With each service, offer the one that takes it further"),
        ("en", "After 15 days, offer a follow-up visit"),
        ("en", "More of your high-margin services"),
    ],
)
def test_services_bought_often_are_offered_a_package_and_a_follow_up(
    locale: str, said: str
) -> None:
    assert said in advice_text(locale, SERVICES_TWICE_A_MONTH)


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("ru", "Клиент обращается раз в 2 года"),
        ("ru", "Предложите план обслуживания: повторный визит"),
        ("ru", "купон на ту, что её дополняет"),
        ("ru", "предложите 1–2 услуги, которые её продолжают"),
        ("en", "A client comes once every 2 years"),
        ("en", "Offer a maintenance plan: a follow-up visit"),
        ("en", "a coupon for one that goes with it"),
        ("en", "offer 1–2 services that take it further"),
    ],
)
def test_services_bought_rarely_are_offered_more_service_and_a_maintenance_plan(
    locale: str, said: str
) -> None:
    rare = replace(SERVICES_TWICE_A_MONTH, orders_per_month=1 / 24, margin=0.4)
    assert said in every_candidate_text(locale, rare)


# --- 3. a daily buyer orders every day, and is delivered to weekly --------------------------

COFFEE_DAILY = LtvInputs(  # /calc: coffee, 800 ₽, "ежедневно", 40 %, churn 12.5 %
    aov=800,
    orders_per_month=365.25 / 12,
    lifetime=Lifetime(LifetimeSource.CHURN, monthly_churn=0.125),
    margin=0.4,
    business=Business.COFFEE,
)


@pytest.mark.parametrize(
    ("locale", "said", "not_said"),
    [
        ("ru", "Клиенты заказывают каждый день и", "30,44"),
        (
            "ru",
            "Предложите доставку раз в неделю с запасом до следующей и со скидкой",
            "каждый день со",
        ),
        ("ru", "клиентов — примерно 13 из каждых 100", "12 из"),
        ("ru", "не заказывал уже месяц.", "дн."),
        ("en", "Customers order every day and", "30.44"),
        (
            "en",
            "Offer delivery once a week, with enough to last until the next one, at",
            "every day at",
        ),
        ("en", "about 13 in every 100", "12 in"),
    ],
)
def test_daily_coffee_buyers_read_as_daily(locale: str, said: str, not_said: str) -> None:
    text = advice_text(locale, COFFEE_DAILY)
    assert said in text
    assert not_said not in text


@pytest.mark.parametrize(
    ("orders", "ru", "en"),
    [
        (365.25 / 12, "каждый день", "every day"),
        (365.25 / 12 / 7, "раз в неделю", "once a week"),
        (1.0, "раз в месяц", "once a month"),
        (2.0, "2 раза в месяц", "twice a month"),
        (8.0, "8 раз в месяц", "8 times a month"),
    ],
)
def test_how_often_customers_order_is_named_by_its_period(orders: float, ru: str, en: str) -> None:
    inputs = replace(COFFEE_DAILY, orders_per_month=orders, business=None)
    assert f"Клиенты заказывают {ru} и" in every_candidate_text("ru", inputs)
    assert f"Customers order {en} and" in every_candidate_text("en", inputs)


@pytest.mark.parametrize(
    ("orders", "ru", "en"),
    [
        (
            2.0,
            ["Клиент возвращается в среднем раз в 15 дней.", "Через 15 дней пришлите подборку"],
            ["come back every 15 days on average", "After 15 days, send picks"],
        ),
        (
            1.0,
            ["Клиент возвращается в среднем раз в месяц.", "Через месяц пришлите подборку"],
            ["come back once a month on average", "After a month, send picks"],
        ),
        (
            365.25 / 12 / 7,
            ["возвращается в среднем раз в неделю.", "Через неделю пришлите подборку"],
            ["come back once a week on average", "After a week, send picks"],
        ),
        (
            365.25 / 12,
            ["возвращается в среднем каждый день.", "На следующий день пришлите подборку"],
            ["come back every day on average", "The next day, send picks"],
        ),
    ],
)
def test_the_reminder_names_the_gap_in_full_words(
    orders: float, ru: list[str], en: list[str]
) -> None:
    inputs = replace(FURNITURE_TWICE_A_MONTH, orders_per_month=orders, business=None)
    for locale, said in (("ru", ru), ("en", en)):
        text = every_candidate_text(locale, inputs)
        assert [words for words in said if words not in text] == [], text


@pytest.mark.parametrize(
    "inputs",
    [COFFEE_DAILY, FURNITURE_TWICE_A_MONTH, replace(COFFEE_DAILY, orders_per_month=0.2)],
)
def test_russian_advice_abbreviates_no_days_or_months(inputs: LtvInputs) -> None:
    text = every_candidate_text(
        "ru", replace(inputs, lifetime=Lifetime(LifetimeSource.MONTHS, months=6))
    )
    assert " дн." not in text and " мес." not in text, text


# --- 4. an advice's worth reads as the ranked list's gain -----------------------------------

CLOTHING_HALF_YEARLY = LtvInputs(  # /calc: clothing, 3 000 ₽, every half year, 40 %, churn 15 %
    aov=3000,
    orders_per_month=1 / 6,
    lifetime=Lifetime(LifetimeSource.CHURN, monthly_churn=0.15),
    margin=0.4,
    cac=5000,
    business=Business.CLOTHING,
)


@pytest.mark.parametrize(
    ("locale", "listed", "said", "not_said"),
    [
        (
            "ru",
            "средний чек +10% → 1\xa0467\xa0₽ (+134\xa0₽)",
            "<b>+134\xa0₽</b> к LTV каждого клиента, если средний чек вырастет",
            "133,33",
        ),
        (
            "en",
            "order value +10% → ₽1,467 (+₽134)",
            "<b>+₽134</b> of LTV per customer if the average order grows",
            "133.33",
        ),
    ],
)
def test_the_worth_of_a_lever_is_the_gain_the_list_shows(
    locale: str, listed: str, said: str, not_said: str
) -> None:
    text = result_text(calculate(CLOTHING_HALF_YEARLY), RENDERER(locale))
    assert listed in text and said in text and not_said not in text


@pytest.mark.parametrize("locale", ["ru", "en"])
@pytest.mark.parametrize("currency", ["RUB", "USD"])
def test_every_lever_advice_shows_the_gain_of_its_lever_as_the_list_does(
    locale: str, currency: str
) -> None:
    numbers = formatting.numbers(locale)
    for aov, orders, lifetime, margin in itertools.product(
        (65.0, 999.5, 3000.0),
        (1 / 6, 1.5),
        (
            Lifetime(LifetimeSource.MONTHS, months=7),
            Lifetime(LifetimeSource.CHURN, monthly_churn=0.15),
        ),
        (None, 0.2, 0.4),
    ):
        inputs = LtvInputs(aov, orders, lifetime, margin, cac=5000, currency=currency)
        result = calculate(inputs)
        shown = {
            effect.lever: numbers.money_change(effect.new_ltv, result.ltv, currency)
            for effect in result.sensitivity
        }
        text = every_candidate_text(locale, inputs)
        primary, fallback = candidates(result)
        for advice in primary + fallback:
            if advice.lever is not None and advice.rule_id != "cac_too_high":
                assert f"<b>{shown[advice.lever]}</b>" in text, (inputs, advice.rule_id)


# --- 5. how long a customer has been quiet before a win-back call ---------------------------


@pytest.mark.parametrize(
    ("orders", "ru", "en"),
    [
        (2.0, "кто не заказывал уже месяц.", "with no order in the last month."),
        (1.0, "кто не заказывал уже 45 дней.", "with no order in the last 45 days."),
        (0.5, "кто не заказывал уже 3 месяца.", "with no order in the last 3 months."),
        (0.25, "кто не заказывал уже 6 месяцев.", "with no order in the last 6 months."),
    ],
)
def test_the_win_back_list_says_how_long_in_days_months_or_years(
    orders: float, ru: str, en: str
) -> None:
    """Quiet for half as long again as the usual gap: 182 days are "6 months", not days."""
    inputs = LtvInputs(
        aov=3000,
        orders_per_month=orders,
        lifetime=Lifetime(LifetimeSource.CHURN, monthly_churn=0.11),
        margin=0.4,
    )
    for locale, said in (("ru", ru), ("en", en)):
        assert said in paragraph(every_candidate_text(locale, inputs), "<b>📞")
