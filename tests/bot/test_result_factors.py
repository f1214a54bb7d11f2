"""The factor line "order value × frequency × lifetime × margin" multiplies to the LTV shown,
and every uplift shown is the difference of the figures shown: owners check both by hand."""

import itertools
import math
import re

import pytest

from bot.digests.compose import Digest, digest_screen
from bot.formatting import ltv_factors, numbers, shown_money
from bot.render import Renderer
from bot.views import whatif_screen
from ltv_engine.advice import advise
from ltv_engine.calc import calculate, improve
from ltv_engine.model import Lever, Lifetime, LifetimeSource, LtvInputs
from tests.fakes.client import TelegramClient

WEEK = 7 / 30.4375  # in months
NUMBER = re.compile(r"\d(?:[\d\xa0,.]*\d)?")


def months(value: float) -> Lifetime:
    return Lifetime(LifetimeSource.MONTHS, months=value)


def churn(monthly: float) -> Lifetime:
    return Lifetime(LifetimeSource.CHURN, monthly_churn=monthly)


def a_year_of(annual_churn: float) -> Lifetime:
    return churn(-math.expm1(math.log1p(-annual_churn) / 12))


SHOPS = {  # name: (order value, orders a month, lifetime, margin)
    "lifetime of 13.95 months": (2500.0, 2.0, churn(0.07168), 0.3),
    "once in 2 years": (45000.0, 1 / 24, months(60.0), 0.35),
    "once a year": (100.0, 1 / 12, months(12.0), 0.5),
    "a week": (2500.0, 1.0, months(WEEK), 0.3),
    "counted customers": (
        65.0,
        0.6,
        Lifetime(LifetimeSource.COUNTS, customers_start=200, customers_end=150, period_months=3),
        0.58,
    ),
    "every 3 months": (700.0, 1 / 3, months(18.0), 0.3),
    "every 3 months, 13 months": (700.0, 1 / 3, months(13.0), None),
    "30% churn a year": (1200.0, 2.0, a_year_of(0.3), None),
    "a third of a share": (950.55, 1.0, months(1.0), 1 / 3),
    "kopecks above a thousand": (2500.5, 1.0, months(12.0), 0.9999),  # QA: 2 500 ₽ × … = 30 000
    "100 a year": (500.0, 100 / 12, months(18.0), 0.3),
    "100 a year, 7 months": (500.0, 100 / 12, months(7.0), 0.3),
}


def shop(name: str, currency: str = "RUB", cac: float | None = None) -> LtvInputs:
    aov, orders, lifetime, margin = SHOPS[name]
    return LtvInputs(aov, orders, lifetime, margin, cac=cac, currency=currency)


def number(text: str, locale: str) -> float:
    """A number as the locale writes it: "2 500,5" (ru), "2,500.5" (en)."""
    if locale == "ru":
        return float(text.replace("\xa0", "").replace(",", "."))
    return float(text.replace(",", ""))


def page(locale: str, inputs: LtvInputs, template: str = "result.j2") -> str:
    result = calculate(inputs)
    texts = Renderer()(locale)
    if template == "digest.j2":
        digest = Digest(result, None, None, None, stale=False, subscribed=True)
        return digest_screen(digest, texts, group=False).text
    return texts.page(template, r=result, advice=advise(result), currency=inputs.currency)


def factor_line(text: str) -> str:
    return next(line for line in text.splitlines() if " × " in line)


def product_of(line: str, locale: str) -> float:
    product = 1.0
    for factor in line.split(" × "):
        found = NUMBER.search(factor)
        assert found is not None, line
        value = number(found.group(), locale)
        product *= value / 100 if "%" in factor else value
    return product


def headline(text: str, locale: str) -> float:
    found = re.search(r"LTV[^:]*: (?:<b>)?(?:\$|₽)?(" + NUMBER.pattern + ")", text)
    assert found is not None, text
    return number(found.group(1), locale)


@pytest.mark.parametrize(
    ("locale", "name", "template"),
    list(itertools.product(("ru", "en"), SHOPS, ("result.j2", "group_ltv.j2", "digest.j2"))),
)
def test_the_factors_multiply_to_the_ltv_shown(locale: str, name: str, template: str) -> None:
    text = page(locale, shop(name, "USD" if locale == "en" else "RUB"), template)
    line = factor_line(text)
    assert shown_money(product_of(line, locale)) == headline(text, locale), line


@pytest.mark.parametrize(
    ("locale", "name", "said"),
    [
        ("ru", "once in 2 years", "45 000 ₽ × 0,5 заказа в год × 5 лет × маржа 35%"),
        ("ru", "every 3 months", "700 ₽ × 4 заказа в год × 1,5 года × маржа 30%"),
        ("ru", "once a year", "100 ₽ × 1 заказ в год × 1 год × маржа 50%"),
        ("ru", "every 3 months, 13 months", "700 ₽ × 0,3333 заказа в месяц × 13 мес."),
        ("en", "once a year", "$100 × 1 order a year × 1 year × 50% margin"),
        ("en", "once in 2 years", "$45,000 × 0.5 orders a year × 5 years × 35% margin"),
        (
            "en",
            "lifetime of 13.95 months",
            "$2,500 × 2 orders a month × 13.9509 months × 30% margin",
        ),
        ("en", "a third of a share", "$950.55 × 1 order a month × 1 month × 33.333% margin"),
    ],
)
def test_the_factors_take_the_fewest_digits_in_words_that_agree(
    locale: str, name: str, said: str
) -> None:
    currency = "USD" if locale == "en" else "RUB"
    assert factor_line(page(locale, shop(name, currency))).replace("\xa0", " ") == said


@pytest.mark.parametrize(
    ("locale", "orders", "lifetime", "said"),
    [
        ("ru", 1 / 12, 24.0, "1 заказ в год × 2 года"),
        ("ru", 1 / 6, 60.0, "2 заказа в год × 5 лет"),
        ("ru", 5 / 12, 252.0, "5 заказов в год × 21 год"),
        ("ru", 1 / 24, 18.0, "0,5 заказа в год × 1,5 года"),
        ("ru", 100 / 12, 18.0, "100 заказов в год × 1,5 года"),  # not 8,3333 a month
        ("en", 16 / 12, 36.0, "16 orders a year × 3 years"),
        ("ru", 1.125, 6.0, "1,125 заказа в месяц × 6 мес."),  # as typed, not 13,5 a year
        ("en", 3.365, 3.0, "3.365 orders a month × 3 months"),
        ("en", 1 / 12, 24.0, "1 order a year × 2 years"),
        ("en", 1 / 24, 12.0, "0.5 orders a year × 1 year"),
    ],
)
def test_orders_a_year_and_years_agree_with_their_numbers(
    locale: str, orders: float, lifetime: float, said: str
) -> None:
    inputs = LtvInputs(100.0, orders, months(lifetime), currency="USD")
    assert said in factor_line(page(locale, inputs))


def test_a_yearly_line_that_misses_the_ltv_gives_way_to_the_monthly_one() -> None:
    """373 a year for 1,5 years at 25 % of 100 ₽ is 13 987,5: a tie that shows no whole LTV;
    the LTV of 13 987 ₽ is 31,083 a month for 18 months."""
    factors = ltv_factors(100.0, 373 / 12, 18.0, 0.25)
    assert (factors.per_year, factors.digits) == (False, 3)
    text = page("ru", LtvInputs(100.0, 373 / 12, months(18.0), 0.25))
    assert shown_money(product_of(factor_line(text), "ru")) == headline(text, "ru")


def test_an_order_value_with_cents_is_shown_with_them() -> None:
    """Shown as $2,500, the others multiplied with it to $15,695, not to the LTV of $15,698
    that no digits of theirs reach."""
    inputs = LtvInputs(2500.5, 1.5, churn(0.07168), 0.3, currency="USD")
    text = page("en", inputs)
    assert "LTV: $15,698" in text
    assert factor_line(text) == "$2,500.50 × 1.5 orders a month × 13.951 months × 30% margin"


def uplifts(text: str, locale: str) -> list[tuple[float, float]]:
    """(new LTV, uplift) of each lever in the ranking."""
    pair = re.compile(rf"→ [$₽]?({NUMBER.pattern})[^(]*\(\+[$₽]?({NUMBER.pattern})")
    return [(number(new, locale), number(uplift, locale)) for new, uplift in pair.findall(text)]


@pytest.mark.parametrize(("locale", "name"), list(itertools.product(("ru", "en"), SHOPS)))
def test_each_uplift_is_the_difference_of_the_figures_shown(locale: str, name: str) -> None:
    text = page(locale, shop(name, "USD" if locale == "en" else "RUB"))
    ltv = headline(text, locale)
    shown = uplifts(text, locale)
    assert shown, text
    for new, uplift in shown:
        if max(new, ltv) >= 1000:  # whole units: exactly the difference
            assert uplift == round(new - ltv), text
        else:
            assert uplift == pytest.approx(new - ltv, abs=0.005), text


def test_an_uplift_beside_a_whole_figure_is_whole() -> None:
    """LTV 950,55 ₽ +10% is 1 045,61 ₽, shown as "1 046 ₽": the uplift is "+95 ₽", not 95,06."""
    text = page("ru", LtvInputs(950.55, 1.0, months(1.0), cac=None))
    assert "1\xa0046\xa0₽ (+95\xa0₽)" in text


@pytest.mark.parametrize(
    ("new", "old", "said"),
    [
        (91057.4, 81951.6, "+9\xa0105\xa0₽"),  # 91 057 − 81 952, where 9 105,8 is "9 106"
        (1209.4, 853.44, "+356\xa0₽"),
        (853.44, 800.0, "+53,44\xa0₽"),
        (800.0, 853.44, "-53,44\xa0₽"),
        (100.0, 100.0, "+0\xa0₽"),
    ],
)
def test_money_change_is_the_difference_of_the_shown_figures(
    new: float, old: float, said: str
) -> None:
    assert numbers("ru").money_change(new, old, "RUB") == said


@pytest.mark.parametrize("lever", list(Lever))
@pytest.mark.parametrize("locale", ["ru", "en"])
def test_a_what_if_gains_the_difference_of_its_figures(lever: Lever, locale: str) -> None:
    base = calculate(shop("30% churn a year", "USD", cac=1000.0))
    if lever is Lever.MARGIN:
        base = calculate(shop("lifetime of 13.95 months", "USD", cac=1000.0))
    improved = calculate(improve(base.inputs, lever))
    text = whatif_screen(1, base, improved, lever, Renderer()(locale)).text
    old, new, gain = (
        number(found, locale) for found in re.findall(NUMBER.pattern, text.split("LTV: ")[1])[:3]
    )
    assert gain == pytest.approx(new - old, abs=0.005), text


async def test_the_churn_ranking_and_its_what_if_agree_with_the_figures(
    ru_client: TelegramClient,
) -> None:
    """The tester's run: 1 200 ₽ twice a month, 30% churn a year: 81 952 ₽ → 91 057 ₽ is +9 105."""
    steps = ["/calc", "!Пропустить", "1200", "2 раза в месяц", "!Пропустить", "!отток"]
    steps += ["30% в год", "!Пропустить", "!Пропустить", "!Посчитать"]
    for step in steps:
        await (ru_client.click(step[1:]) if step.startswith("!") else ru_client.send(step))
    assert "91\xa0057\xa0₽ (+9\xa0105\xa0₽)" in ru_client.last_text()
    await ru_client.click("оттока")
    assert "81\xa0952\xa0₽ → 91\xa0057\xa0₽ (+9\xa0105\xa0₽," in ru_client.last_text()
    assert "\nОтток: 2,93% → 2,64% в месяц\nСрок жизни:" in ru_client.last_text()  # as moved


def test_factors_no_decimals_make_exact_are_shown_as_near_as_they_go() -> None:
    """Once in 7 months for 10 years: no decimals up to 6 reach 594 000 ₽ exactly, and 2 showed
    0,14 × 120 (582 120 ₽, 2 % off); the last are within a rouble."""
    aov, per_month, months_, margin = 45000.0, 1 / 7, 120.0, 0.77
    factors = ltv_factors(aov, per_month, months_, margin)
    shown = aov * round(factors.orders, factors.digits) * round(factors.lifetime, factors.digits)
    assert shown * margin == pytest.approx(aov * per_month * months_ * margin, abs=1)
