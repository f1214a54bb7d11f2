"""The advice of a result as the bot sends it claims only what the numbers and the kind of
business show (QA cases), in both languages."""

from dataclasses import replace

import pytest

from bot.render import Renderer
from bot.views import result_text
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
    text = result_text(calculate(inputs), RENDERER(locale))
    _, heading, advice = text.partition(ADVICE_HEADING[locale])
    assert heading, text
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
