"""The result page says why there is no calculator LTV when too few customers have lapsed."""

import pytest

from bot.orders.views import result_screen
from bot.render import Renderer
from ltv_engine.orders.analysis import analyze
from tests.orders.test_thin_churn import shop


def page(locale: str, lapsed: int) -> list[str]:
    analysis = analyze(shop(lapsed, 5))
    return result_screen(analysis, None, "RUB", Renderer()(locale), private=True).text.splitlines()


@pytest.mark.parametrize(
    ("locale", "lapsed", "said"),
    [
        ("en", 1, "• No LTV by the calculator's formula: only 1 customer of 6 is gone, and "
         "measuring churn takes at least 10."),
        ("en", 3, "• No LTV by the calculator's formula: only 3 customers of 8 are gone, and "
         "measuring churn takes at least 10."),
        ("ru", 1, "• LTV по формуле калькулятора не считаю: ушёл только 1 клиент из 6, а чтобы "
         "измерить отток, нужно хотя бы 10."),
        ("ru", 3, "• LTV по формуле калькулятора не считаю: ушли только 3 клиента из 8, а чтобы "
         "измерить отток, нужно хотя бы 10."),
        ("ru", 5, "• LTV по формуле калькулятора не считаю: ушли только 5 клиентов из 10, а "
         "чтобы измерить отток, нужно хотя бы 10."),
    ],
)  # fmt: skip
def test_too_few_lapsed_customers_give_no_calculator_ltv_and_say_so(
    locale: str, lapsed: int, said: str
) -> None:
    lines = page(locale, lapsed)
    assert said in lines
    assert not any("LTV by the calculator's formula: <b>" in line for line in lines)
    assert not any("LTV по формуле калькулятора: <b>" in line for line in lines)


@pytest.mark.parametrize(
    ("locale", "flag"),
    [("en", " — thin: only 1 customer gone"), ("ru", " — мало данных: ушёл 1 клиент")],
)
def test_thin_churn_is_shown_and_flagged(locale: str, flag: str) -> None:
    churn = [line for line in page(locale, 1) if "Monthly churn" in line or "Отток" in line]
    assert len(churn) == 1 and churn[0].endswith(flag)


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_enough_lapsed_customers_give_the_calculator_ltv_unflagged(locale: str) -> None:
    analysis = analyze(shop(12, 5))
    text = result_screen(analysis, None, "RUB", Renderer()(locale), private=True).text
    assert "thin:" not in text and "мало данных" not in text
