"""Advice fits the shop's own cycle: a subscription never slows buying down, rare purchases get
no points-expiry or 30-day-coupon advice and read "once every 2 years", a lever stepped as churn
says so, no rule speaks of frequent visits to one-time buyers, who get a second purchase to earn
rather than a reminder timed by a gap that does not happen, and a long gap is said in months or
years. Sentences as the bot renders them (QA cases)."""

import re
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.render import Renderer
from ltv_engine.advice import (
    BIG_TICKET,
    DAYS_PER_MONTH,
    MIN_DELIVERY_DAYS,
    Advice,
    candidates,
)
from ltv_engine.calc import calculate
from ltv_engine.model import Business, Lever, Lifetime, LifetimeSource, LtvInputs, LtvResult

RENDERER = Renderer()
ADVICE_HEADING = {"ru": "<b>Что делать</b>", "en": "<b>What to do</b>"}

COSMETICS_WEEKLY = LtvInputs(  # /calc: cosmetics, 2 500 ₽, once a week, 30 %, 18 months
    aov=2500,
    orders_per_month=52.2 / 12,
    lifetime=Lifetime(LifetimeSource.MONTHS, months=18),
    margin=0.3,
    cac=1500,
    annual_discount_rate=0.12,
    business=Business.COSMETICS,
)
FURNITURE = LtvInputs(  # /calc: furniture, 45 000 ₽, once every 2 years, 35 %, 5 years
    aov=45_000,
    orders_per_month=1 / 24,
    lifetime=Lifetime(LifetimeSource.MONTHS, months=60),
    margin=0.35,
    cac=8000,
    business=Business.FURNITURE,
)
CLOTHING_BY_CHURN = LtvInputs(  # /calc: clothing, 3 200, once every 3 months, 12 %, churn 15 %
    aov=3200,
    orders_per_month=1 / 3,
    lifetime=Lifetime(LifetimeSource.CHURN, monthly_churn=0.15),
    margin=0.12,
    cac=4000,
    business=Business.CLOTHING,
)
ONE_ORDER = LtvInputs(  # /ltv 100 1 50% 1
    aov=100, orders_per_month=1, lifetime=Lifetime(LifetimeSource.MONTHS, months=1), margin=0.5
)


def advice_of(inputs: LtvInputs, rule_id: str) -> Advice:
    primary, fallback = candidates(calculate(inputs))
    return next(advice for advice in primary + fallback if advice.rule_id == rule_id)


def fired(inputs: LtvInputs) -> set[str]:
    primary, fallback = candidates(calculate(inputs))
    return {advice.rule_id for advice in primary + fallback}


def text_of(locale: str, inputs: LtvInputs, *advice: Advice) -> str:
    """The advice part of the result message as the bot sends it, with just this advice."""
    result = calculate(inputs)
    page = RENDERER(locale).page("result.j2", r=result, advice=advice, currency="RUB")
    _, heading, advice_text = page.partition(ADVICE_HEADING[locale])
    assert heading, page
    return advice_text


def at(inputs: LtvInputs, **changes: Any) -> LtvInputs:
    if "months" in changes:
        changes["lifetime"] = Lifetime(LifetimeSource.MONTHS, months=changes.pop("months"))
    return replace(inputs, **changes)


# --- 1. a subscription delivers a little more often than customers buy now ------------------


def test_weekly_cosmetics_get_a_weekly_delivery_not_every_2_to_4_weeks() -> None:
    facts = advice_of(COSMETICS_WEEKLY, "subscription_consumables").facts
    assert (facts["delivery_days"], facts["usual_gap_days"]) == (7, 7)
    assert (facts["delivery_gap"], facts["delivery_unit"]) == (1, "week")
    assert (facts["usual_gap"], facts["usual_unit"]) == (1, "week")


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        (
            "ru",
            "доставку раз в 9 дней — чуть чаще, чем покупают сейчас (раз в 10 дней), со скидкой",
        ),
        (
            "en",
            "delivery every 9 days, a little more often than customers buy now (every 10 days)",
        ),
    ],
)
def test_the_delivery_interval_is_said_against_the_usual_gap(locale: str, said: str) -> None:
    inputs = at(COSMETICS_WEEKLY, orders_per_month=3)
    text = text_of(locale, inputs, advice_of(inputs, "subscription_consumables"))
    assert said in text
    assert "2–4" not in text


@pytest.mark.parametrize(
    ("orders", "days", "ru", "en"),
    [
        (0.5, 55, "раз в 55 дней", "every 55 days"),
        (
            1.0,
            27,
            "раз в 27 дней — чуть чаще, чем покупают сейчас (раз в месяц)",
            "(once a month)",
        ),
        (52.2 / 12, 7, "доставку раз в неделю со скидкой", "delivery once a week at"),
        (20.0, 7, "раз в неделю с запасом до следующей и со скидкой", "once a week, with enough"),
        (
            40.0,
            7,
            "доставку раз в неделю с запасом",
            "delivery once a week, with",
        ),  # weekly at most
    ],
)
def test_the_delivery_interval_follows_the_frequency(
    orders: float, days: int, ru: str, en: str
) -> None:
    inputs = at(COSMETICS_WEEKLY, orders_per_month=orders)
    advice = advice_of(inputs, "subscription_consumables")
    assert advice.facts["delivery_days"] == days
    assert ru in text_of("ru", inputs, advice) and en in text_of("en", inputs, advice)


@given(st.floats(1 / 6, 50), st.sampled_from([Business.COFFEE, Business.PETS, None]))
def test_a_delivery_is_never_rarer_than_the_purchases_it_replaces(
    orders: float, business: Business | None
) -> None:
    inputs = at(COSMETICS_WEEKLY, orders_per_month=orders, business=business)
    primary, _ = candidates(calculate(inputs))
    for advice in primary:
        if advice.rule_id == "subscription_consumables":
            days = advice.facts["delivery_days"]
            assert isinstance(days, int)
            assert days == MIN_DELIVERY_DAYS or days < DAYS_PER_MONTH / orders


def test_no_subscription_for_consumables_bought_less_than_twice_a_year() -> None:
    assert "subscription_consumables" not in fired(at(COSMETICS_WEEKLY, orders_per_month=0.1))


# --- 2. rare, expensive purchases -----------------------------------------------------------


def test_furniture_every_2_years_gets_advice_for_rare_purchases() -> None:
    points = advice_of(FURNITURE, "loyalty_points")
    coupon = advice_of(FURNITURE, "first_repeat_bonus")
    assert points.trigger == coupon.trigger == "rare_purchases"
    assert (points.facts["gap"], points.facts["gap_unit"]) == (2.0, "year")
    assert coupon.facts["bonus_days"] == 30  # for an add-on, within the first month


@pytest.mark.parametrize(
    ("locale", "said", "not_said"),
    [
        ("ru", "Клиент покупает раз в 2 года и между", ["до сгорания", "0,04", "купон на второй"]),
        ("ru", "купон на сопутствующие товары, который действует 30 дней", []),
        ("ru", "Баллы не сжигайте: напомните о них, когда подойдёт время новой покупки", []),
        ("en", "A customer buys once every 2 years, long enough", ["before they expire", "0.04"]),
        ("en", "a coupon for goods that go with the purchase, valid for 30 days", ["next order"]),
    ],
)
def test_furniture_advice_reads_as_rare_purchases(
    locale: str, said: str, not_said: list[str]
) -> None:
    items = [advice_of(FURNITURE, rule) for rule in ("loyalty_points", "first_repeat_bonus")]
    text = text_of(locale, FURNITURE, *items)
    assert said in text
    assert not [words for words in not_said if words in text]


@pytest.mark.parametrize(
    ("orders", "ru", "en"),
    [
        (1 / 60, "раз в 5 лет", "once every 5 years"),
        (1 / 24, "раз в 2 года", "once every 2 years"),
        (1 / 18, "раз в 1,5 года", "once every 1.5 years"),
        (1 / 12, "раз в год", "once a year"),
        (1 / 7, "раз в 7 месяцев", "once every 7 months"),
        (1 / 3, "раз в 3 месяца", "once every 3 months"),
        (0.6, "раз в 51 день", "every 51 days"),  # days up to two months, as elsewhere
        (0.99, "раз в месяц", "once a month"),
    ],
)
def test_how_often_a_rare_customer_buys_reads_naturally(orders: float, ru: str, en: str) -> None:
    inputs = at(FURNITURE, orders_per_month=orders, months=120)  # two orders or more a lifetime
    advice = advice_of(inputs, "loyalty_points")
    assert f"покупает {ru} и" in text_of("ru", inputs, advice)
    assert f"buys {en}," in text_of("en", inputs, advice)


@pytest.mark.parametrize(("orders", "months"), [(1 / 60, 60), (1 / 24, 30), (0.5, 2)])
def test_no_points_for_customers_with_about_one_order_a_lifetime(
    orders: float, months: float
) -> None:
    """ "Points for every purchase … remind of them when the next purchase is due": there is
    none; the advice on earning a second order speaks to them instead."""

    def fired(lifetime_months: float) -> set[str]:
        inputs = at(FURNITURE, orders_per_month=orders, months=lifetime_months)
        primary, fallback = candidates(calculate(inputs))
        return {advice.rule_id for advice in primary + fallback}

    assert "loyalty_points" not in fired(months)
    assert "loyalty_points" in fired(months * 2)


@pytest.mark.parametrize("orders", [0.5, 0.66, 0.8])
def test_one_reply_says_the_gap_between_orders_one_way(orders: float) -> None:
    """0.66 orders a month read "раз в 1,5 месяца" in the points and "раз в 46 дней" in the
    subscription of the same reply."""
    inputs = at(COSMETICS_WEEKLY, orders_per_month=orders)
    points = advice_of(inputs, "loyalty_points").facts
    subscription = advice_of(inputs, "subscription_consumables").facts
    assert (points["gap"], points["gap_unit"]) == (
        subscription["usual_gap"],
        subscription["usual_unit"],
    )


def test_points_expire_with_a_reminder_only_where_purchases_are_not_rare() -> None:
    clothing = advice_of(at(FURNITURE, orders_per_month=1 / 3), "loyalty_points")
    assert clothing.trigger == "low_frequency"
    assert "За неделю до сгорания баллов" in text_of("ru", FURNITURE, clothing)


@pytest.mark.parametrize(
    ("orders", "days"), [(1.5, 30), (1.0, 30), (0.5, 50), (1 / 3, 80), (0.2, 130), (1 / 6, 160)]
)
def test_the_second_order_coupon_lasts_a_little_less_than_the_usual_gap(
    orders: float, days: int
) -> None:
    inputs = at(FURNITURE, orders_per_month=orders, months=2 / orders)  # 2 orders a lifetime
    advice = advice_of(inputs, "first_repeat_bonus")
    assert (advice.trigger, advice.facts["bonus_days"]) == ("few_repeat_orders", days)
    assert f"купон на второй, который действует {days} дней" in text_of("ru", inputs, advice)
    assert f"valid for {days} days" in text_of("en", inputs, advice)


@pytest.mark.parametrize(
    ("orders", "trigger"),
    [(2.0, "big_ticket_business"), (1 / 5, "big_ticket_business"), (1 / 24, "rare_purchases")],
)
def test_big_ticket_upsell_calls_purchases_rare_only_when_they_are(
    orders: float, trigger: str
) -> None:
    advice = advice_of(at(FURNITURE, orders_per_month=orders), "upsell_service")
    assert advice.trigger == trigger


BIG_ITEM_SERVICES = {  # what only goods to assemble, install or insure are sold with
    "ru": ("сборк", "установк", "гаранти", "с подъёмом"),
    "en": ("assembly", "installation", "warranty", "to the room"),
}


@pytest.mark.parametrize(
    ("business", "ru", "en"),
    [
        (
            Business.FURNITURE,
            "доставку с подъёмом, сборку и установку",
            "assembly and installation",
        ),
        (Business.ELECTRONICS, "установку и настройку", "an extended warranty"),
        (Business.CLOTHING, "подгонку по фигуре", "alterations"),
        (Business.COSMETICS, "персональный подбор ухода", "a personal skincare consultation"),
        (Business.GROCERIES, "подарочные наборы", "gift sets"),
        (Business.COFFEE, "помол под способ заваривания", "grinding for the customer's brewing"),
        (Business.PETS, "совет по питанию питомца", "advice on feeding the pet"),
        (Business.HOUSEHOLD, "доставку на дом", "home delivery"),
        (Business.OTHER, "сэкономит клиенту время", "saves the customer time"),
        (None, "сэкономит клиенту время", "saves the customer time"),
        (Business.SERVICES, "план обслуживания", "a maintenance plan"),
    ],
)
def test_a_rare_purchase_is_offered_services_that_fit_the_kind_of_business(
    business: Business | None, ru: str, en: str
) -> None:
    inputs = at(FURNITURE, business=business)  # once every 2 years, whatever is sold
    advice = advice_of(inputs, "upsell_service")
    assert advice.trigger == "rare_purchases"
    for locale, said in (("ru", ru), ("en", en)):
        text = text_of(locale, inputs, advice)
        assert said in text
        big_item_services = [words for words in BIG_ITEM_SERVICES[locale] if words in text]
        assert bool(big_item_services) is (business in BIG_TICKET), big_item_services


# --- 3. the lifetime lever stepped as churn says so -----------------------------------------


CHURN_STATED = [
    CLOTHING_BY_CHURN,
    replace(
        CLOTHING_BY_CHURN,
        lifetime=Lifetime(
            LifetimeSource.COUNTS, customers_start=200, customers_end=170, period_months=1
        ),
    ),
]


@pytest.mark.parametrize("inputs", CHURN_STATED)
@pytest.mark.parametrize(
    ("locale", "said", "not_said"),
    [
        ("ru", "если отток снизится на 10%.", "на 10% дольше"),
        ("en", "if churn falls by 10%.", "10% longer"),
    ],
)
def test_advice_on_the_lifetime_stated_as_churn_names_churn(
    inputs: LtvInputs, locale: str, said: str, not_said: str
) -> None:
    items = [advice_of(inputs, rule) for rule in ("winback_calls", "feedback_survey")]
    text = text_of(locale, inputs, *items)
    assert text.count(said) == 2 and not_said not in text


@pytest.mark.parametrize(
    ("locale", "said"),
    [("ru", "если клиенты будут оставаться с вами на 10% дольше."), ("en", "10% longer.")],
)
def test_advice_on_a_lifetime_stated_in_months_names_the_lifetime(locale: str, said: str) -> None:
    inputs = at(CLOTHING_BY_CHURN, months=1 / 0.15)
    advice = advice_of(inputs, "winback_calls")
    assert said in text_of(locale, inputs, advice)


def test_the_churn_worth_is_churn_minus_10_percent_not_lifetime_plus_10() -> None:
    result = calculate(CLOTHING_BY_CHURN)
    advice = advice_of(CLOTHING_BY_CHURN, "winback_calls")
    assert advice.worth == pytest.approx(result.ltv * (1 / 0.9 - 1))


@pytest.mark.parametrize("inputs", [CLOTHING_BY_CHURN, at(CLOTHING_BY_CHURN, months=10)])
def test_every_advice_on_the_lifetime_says_how_the_lifetime_was_stated(
    inputs: LtvInputs,
) -> None:
    result = calculate(replace(inputs, cac=500))  # room to grow: retention before scaling
    primary, fallback = candidates(result)
    on_lifetime = [advice for advice in primary + fallback if advice.lever is Lever.LIFETIME]
    assert {"retention_before_scaling", "feedback_reviews"} <= {a.rule_id for a in on_lifetime}
    stated = inputs.lifetime.source is not LifetimeSource.MONTHS
    assert all(advice.facts["churn_stated"] is stated for advice in on_lifetime)


# --- 4. no frequent visits for one-time buyers ----------------------------------------------


def one_order_result() -> LtvResult:
    result = calculate(ONE_ORDER)
    assert result.expected_orders == pytest.approx(1)
    return result


def test_one_order_a_lifetime_gets_no_frequently_bought_together_block() -> None:
    assert "cross_sell_bundles" not in fired(ONE_ORDER)
    assert advice_of(ONE_ORDER, "thank_you_followup").trigger == "one_order"


@pytest.mark.parametrize(
    ("locale", "not_said"),
    [
        ("en", ["see your shop often", "come back every", "Frequently bought together"]),
        ("ru", ["часто видят вашу витрину", "возвращается в среднем", "С этим часто берут"]),
    ],
)
def test_one_order_a_lifetime_reads_without_frequent_visits(
    locale: str, not_said: list[str]
) -> None:
    result = one_order_result()
    primary, fallback = candidates(result)
    text = text_of(locale, ONE_ORDER, *primary, *fallback)  # every rule that fires
    assert not [words for words in not_said if words in text]


def test_customers_who_come_back_still_get_the_block_and_the_reminder() -> None:
    regulars = at(ONE_ORDER, months=18)
    assert "cross_sell_bundles" in fired(regulars)
    reminder = advice_of(regulars, "thank_you_followup")
    assert reminder.trigger == "returning_customers"
    assert "Клиент возвращается в среднем раз в месяц." in text_of("ru", regulars, reminder)


# --- 5. a reminder is timed by a gap that happens, and a long gap is said in months or years --

ONCE_IN_2_YEARS = LtvInputs(  # /calc: 30 000 ₽, 0.04 orders a month, 30 %, 2 years: 0.96 orders
    aov=30_000,
    orders_per_month=0.04,
    lifetime=Lifetime(LifetimeSource.MONTHS, months=24),
    margin=0.3,
    cac=3000,
)


@pytest.mark.parametrize("inputs", [ONCE_IN_2_YEARS, ONE_ORDER, at(ONE_ORDER, months=1.4)])
@pytest.mark.parametrize("business", [None, Business.SERVICES])
@pytest.mark.parametrize(
    ("locale", "said", "not_said"),
    [
        ("ru", "второй заказ нужно заработать", ["Через", "дней", "в нужный момент"]),
        ("en", "the second order has to be earned", ["After", "days", "at the right moment"]),
    ],
)
def test_customers_who_buy_about_once_get_a_second_purchase_to_earn_not_a_timed_reminder(
    inputs: LtvInputs, business: Business | None, locale: str, said: str, not_said: list[str]
) -> None:
    inputs = replace(inputs, business=business)
    advice = advice_of(inputs, "thank_you_followup")
    text = text_of(locale, inputs, advice)
    assert advice.trigger == "one_order"
    assert said in text
    assert not [words for words in not_said if words in text]


def test_a_second_order_on_average_still_gets_the_timed_reminder() -> None:
    inputs = at(ONE_ORDER, months=1.5)  # 1.5 orders: most customers are still there a month on
    advice = advice_of(inputs, "thank_you_followup")
    assert advice.trigger == "baseline"
    assert "Через месяц пришлите подборку" in text_of("ru", inputs, advice)


@pytest.mark.parametrize(
    ("orders", "ru", "en"),
    [
        (1 / 24, ("раз в 2 года", "Через 2 года"), ("once every 2 years", "After 2 years")),
        (0.04, ("раз в 2,1 года", "Через 2,1 года"), ("once every 2.1 years", "After 2.1 years")),
        (1 / 12, ("раз в год", "Через год"), ("once a year", "After a year")),
        (1 / 3, ("раз в 3 месяца", "Через 3 месяца"), ("once every 3 months", "After 3 months")),
        (0.4, ("раз в 2,5 месяца", "Через 2,5 месяца"), ("every 2.5 months", "After 2.5 months")),
        (0.6, ("раз в 51 день", "Через 51 день"), ("every 51 days", "After 51 days")),
    ],
)
def test_a_reminder_after_a_long_gap_names_it_in_months_or_years(
    orders: float, ru: tuple[str, str], en: tuple[str, str]
) -> None:
    inputs = at(ONE_ORDER, orders_per_month=orders, months=100)  # customers come back
    advice = advice_of(inputs, "thank_you_followup")
    assert advice.trigger == "returning_customers"
    for locale, (every, after) in (("ru", ru), ("en", en)):
        text = text_of(locale, inputs, advice)
        assert every in text and after in text


DAYS_SAID = {"ru": re.compile(r"(\d+) (день|дня|дней)"), "en": re.compile(r"(\d+) (days?)\b")}


@given(
    st.floats(0.01, 60),
    st.floats(1, 120),
    st.sampled_from([Business.COFFEE, Business.SERVICES, Business.FURNITURE, None]),
)
def test_no_gap_between_orders_is_said_in_more_than_two_months_of_days(
    orders: float, months: float, business: Business | None
) -> None:
    inputs = at(ONE_ORDER, orders_per_month=orders, months=months, business=business)
    primary, fallback = candidates(calculate(inputs))
    timed = [
        advice
        for advice in (*primary, *fallback)
        if advice.rule_id in {"thank_you_followup", "subscription_consumables"}
    ]
    for locale in ("ru", "en"):
        said = DAYS_SAID[locale].findall(text_of(locale, inputs, *timed))
        assert [days for days, _ in said if int(days) > DAYS_PER_MONTH * 2] == []
