"""The file review and the refusal name the orders set aside as unpaid, in both languages."""

import pytest

from bot.render import Renderer
from ltv_engine.orders.table import IngestReport
from tests.bot.test_texts import _file_review


@pytest.mark.parametrize(
    ("locale", "unpaid", "said"),
    [
        ("en", 1, "Set aside: 2 cancelled; 1 unpaid."),
        ("en", 21, "Set aside: 2 cancelled; 21 unpaid."),
        ("ru", 1, "Отложил: отменённых — 2; неоплаченных — 1."),
        ("ru", 21, "Отложил: отменённых — 2; неоплаченных — 21."),
    ],
)
def test_the_file_review_counts_unpaid_orders(locale: str, unpaid: int, said: str) -> None:
    report = IngestReport({}, None, None, 40, 9, cancelled=2, unpaid=unpaid)
    assert said in _file_review(locale, report).splitlines()


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("en", "No usable orders are left among its 3 rows: 1 cancelled, 2 unpaid."),
        (
            "ru",
            "Из 3 строк не осталось ни одного пригодного заказа: отменённых: 1; неоплаченных: 2.",
        ),
    ],
)
def test_a_refused_file_of_unpaid_orders_says_so(locale: str, said: str) -> None:
    details = {"rows": 3, "malformed": 0, "cancelled": 1, "refunded": 0, "unpaid": 2}
    text = Renderer()(locale)("orders_invalid", reason="no_usable_rows", details=details)
    assert said in text.splitlines()
