"""The file review and the refusal say plainly what the reader set aside by its currency, as not
posted, or as dated in the future, in both languages."""

from __future__ import annotations

import pytest

from bot.render import Renderer
from ltv_engine.orders.table import IngestReport
from tests.bot.test_texts import _file_review


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        (
            "ru",
            "ℹ️ Взял заказы в RUB; 312 заказов в USD, EUR, KZT отложил: "
            "разные валюты не складываю.",
        ),
        (
            "en",
            "ℹ️ I took the orders in RUB and set aside 312 orders in USD, EUR, KZT: "
            "I never add up different currencies.",
        ),
    ],
)
def test_the_review_says_which_currency_it_took_and_what_it_set_aside(
    locale: str, said: str
) -> None:
    others = {"USD": 100, "EUR": 100, "KZT": 112}
    report = IngestReport({}, None, None, 700, 388, other_currencies=others, main_currency="RUB")
    assert said in _file_review(locale, report).splitlines()


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        (
            "ru",
            "Отложил 209 непроведённых документов («Нет» в столбце «Проведен»): это не продажи.",
        ),
        (
            "en",
            'Set aside 1 document not posted ("No" in the "Проведен" column): they are no sales.',
        ),
    ],
)
def test_the_review_counts_documents_not_posted(locale: str, said: str) -> None:
    unposted = 209 if locale == "ru" else 1
    report = IngestReport({"posted": "Проведен"}, None, None, 700, 388, unposted=unposted)
    assert said in _file_review(locale, report).splitlines()


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_future_dates_are_their_own_line_not_unreadable_rows(locale: str) -> None:
    report = IngestReport({}, None, None, 700, 661, future_dated=39, first_future=2)
    text = _file_review(locale, report)
    assert "39" in text and ("год" in text if locale == "ru" else "year" in text)
    assert "нечитаем" not in text and "unreadable" not in text and "))" not in text


@pytest.mark.parametrize(
    ("locale", "said", "advice"),
    [
        ("ru", "с датой в будущем: 300", "Проверьте год в датах: похоже на опечатку."),
        ("en", "300 dated in the future", "Check the year in the dates: it looks like a typo."),
    ],
)
def test_a_file_all_in_the_future_is_refused_with_advice_on_the_year(
    locale: str, said: str, advice: str
) -> None:
    details = {"rows": 300, "malformed": 0, "future_dated": 300, "first_future": 2}
    text = Renderer()(locale)("orders_invalid", reason="no_usable_rows", details=details)
    assert said in text and advice in text
    assert "отмены" not in text and "cancellations" not in text
