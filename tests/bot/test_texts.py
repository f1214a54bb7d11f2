"""Wording lives in templates: both locales say the same things; money reads as people write it."""

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from jinja2 import Environment, nodes
from markupsafe import escape

from bot.app import PRIVATE_COMMANDS
from bot.formatting import money, num, numbers, percent, plural
from bot.orders.views import currency_label
from bot.render import LOCALES, TEMPLATES_DIR, Renderer, locale_for
from ltv_engine.advice import advise
from ltv_engine.calc import calculate
from ltv_engine.model import Lifetime, LifetimeSource, LtvInputs
from ltv_engine.orders.ingest_columns import ROLES
from ltv_engine.orders.table import IngestReport

NBSP = "\xa0"


def test_both_locales_have_the_same_templates_and_messages() -> None:
    files = {loc: sorted(p.name for p in (TEMPLATES_DIR / loc).glob("*.j2")) for loc in LOCALES}
    assert files["ru"] == files["en"]
    renderer = Renderer()
    assert renderer("ru").message_names == renderer("en").message_names


def test_a_message_name_is_defined_once_per_locale() -> None:
    for locale in LOCALES:
        names: list[str] = []
        for path in (TEMPLATES_DIR / locale).glob("*messages.j2"):
            names += [
                line.split("(")[0].split()[-1]
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith("{% macro ")
            ]
        assert len(names) == len(set(names)), locale


@pytest.mark.parametrize(
    ("value", "currency", "locale", "shown"),
    [
        (486000, "RUB", "ru", f"486{NBSP}000{NBSP}₽"),
        (486000, "USD", "en", "$486,000"),
        (486000.00000001, "RUB", "ru", f"486{NBSP}000{NBSP}₽"),
        (407.16, "USD", "en", "$407.16"),
        (407.16, "USD", "ru", f"407,16{NBSP}$"),
        (1999.6, "EUR", "en", "€2,000"),
        (65, "USD", "en", "$65"),
        (2500, "RUB", "en", "₽2,500"),  # the sign on the bot's buttons, not "RUB"
        (1200, "UAH", "en", "₴1,200"),
        (2500, "XYZ", "en", f"2,500{NBSP}XYZ"),  # no sign anywhere: the code, after
        (1000, "RUB", "ru", f"1{NBSP}000{NBSP}₽"),  # whole units from here on
        (999.995, "RUB", "ru", f"1{NBSP}000{NBSP}₽"),
        (1e9, "USD", "en", "$1,000,000,000"),
        (-2500.4, "USD", "en", "-$2,500"),
        (-2500.4, "RUB", "ru", f"-2{NBSP}500{NBSP}₽"),
        (float("inf"), "RUB", "ru", "—"),
        (float("nan"), "USD", "en", "—"),
    ],
)
def test_money_is_rounded_and_formatted_for_the_locale(
    value: float, currency: str, locale: str, shown: str
) -> None:
    assert money(value, currency, locale) == shown


@pytest.mark.parametrize(
    ("value", "locale", "shown"),
    [
        (2500.5, "ru", f"2{NBSP}500,50{NBSP}₽"),
        (2500.5, "en", "₽2,500.50"),
        (2500.0, "ru", f"2{NBSP}500{NBSP}₽"),
        (12.5, "en", "₽12.50"),
    ],
)
def test_an_amount_as_typed_keeps_its_cents(value: float, locale: str, shown: str) -> None:
    assert numbers(locale).money(value, "RUB", cents=True) == shown


def test_numbers_percent_and_plurals() -> None:
    assert percent(0.305, "en") == "30.5%"
    assert num(1.768, "ru") == "1,8"
    assert num(12345.6, "en", 0) == "12,346"
    assert [plural(n, "ru", "заказ", "заказа", "заказов") for n in (1, 2, 5, 11, 21, 1.5)] == [
        "заказ",
        "заказа",
        "заказов",
        "заказов",
        "заказ",
        "заказа",
    ]
    assert plural(1, "en", "order", "orders") == "order"


def test_a_small_number_is_never_shown_as_zero() -> None:
    assert num(1 / 240, "ru", 2) == "0,0042"  # once in 20 years, a month
    assert num(-0.0005, "en") == "-0.0005"
    assert (num(0, "en"), num(0.006, "en", 2), num(2.5, "en", 2)) == ("0", "0.01", "2.5")


@pytest.mark.parametrize(
    ("locale", "months", "shown"),
    [
        ("en", 1.04, "1 month"),
        ("en", 1.06, "1.1 months"),
        ("ru", 1.04, "1 месяц"),
        ("ru", 21.02, "21 месяц"),
        ("ru", 2.96, "3 месяца"),
        ("ru", 4.96, "5 месяцев"),
        ("ru", 1.5, "1,5 месяца"),
    ],
)
def test_the_word_agrees_with_the_number_as_shown(locale: str, months: float, shown: str) -> None:
    t = Renderer()(locale)
    assert t("limit_value", field="lifetime_months", value=months, currency="RUB") == shown


@pytest.mark.parametrize(("locale", "said"), [("en", "two currencies"), ("ru", "две валюты")])
def test_two_currencies_in_an_answer_are_named(locale: str, said: str) -> None:
    text = Renderer()(locale)(
        "invalid",
        reason="conflict",
        field="aov",
        step="aov",
        details={"currencies": ["RUB", "USD"], "text": "$65 ₽"},
        draft={"currency": "USD"},
    )
    assert said in text and "RUB" in text and "USD" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_help_lists_every_private_command_of_the_menu(locale: str) -> None:
    page = Renderer()(locale).page("help.j2")
    assert all(f"/{command} " in page for command in PRIVATE_COMMANDS)


@pytest.mark.parametrize(
    ("code", "locale"),
    [("ru", "ru"), ("ru-RU", "ru"), ("uk", "ru"), ("en-GB", "en"), ("de", "en"), (None, "ru")],
)
def test_default_locale_follows_telegram_language(code: str | None, locale: str) -> None:
    assert locale_for(code) == locale


@pytest.mark.parametrize("locale", LOCALES)
def test_money_escapes_a_currency_it_does_not_know_once(locale: str) -> None:
    shown = money(2500, "<b>X", locale)
    assert "&lt;b&gt;X" in shown
    assert str(escape(shown)) == shown  # Markup: a template does not escape it again


@pytest.mark.parametrize("locale", LOCALES)
def test_the_result_page_prints_a_typed_currency_as_text(locale: str) -> None:
    inputs = LtvInputs(
        aov=2500,
        orders_per_month=1.5,
        lifetime=Lifetime(LifetimeSource.MONTHS, months=18),
        margin=0.3,
        cac=1500,
        annual_discount_rate=0.12,
        currency="<i>X&",
    )
    result = calculate(inputs)
    page = Renderer()(locale).page(
        "result.j2", r=result, advice=advise(result), currency=inputs.currency
    )
    assert "<i>" not in page
    assert page.count("&lt;i&gt;X&amp;") >= 10


# What may print inside {% autoescape false %}: numbers from our filters (of a name, an advice
# fact or a fact in percent), loop numbers, words the template passes to plural or quantity,
# words of the template's own tables (GOODS, SOLD_WITH, ADD_ONS; NO_WORDING fails loudly), the
# advice list, the worth sentence captured in the same unescaped block, and advice.j2's phrase
# macros of advice facts ("twice", "раз в неделю", "45 дней"), defined outside the unescaped
# block: they escape.
SAFE_UNESCAPED = re.compile(
    r"""\{\{\ (
        n
        | worth
        | advice_items\(advice,\ c\)
        | factor_line\(r,\ c\)
        | (GOODS | SOLD_WITH | ADD_ONS | NO_WORDING)\[ (f\["\w+"\] | [\w.]+) \]
        | _(times | every | after | how_often | for_as_long)\(f\["\w+"\](,\ f\["\w+"\])*\)
        | ([\w.]+ | f\["\w+"\] | \(f\["\w+"\]\ \*\ 100\))
            \ \|\ (money\((c|currency)(,\ cents=true)?\) | num(\(\w+\))?
            | money_change\((\w+ | f\["\w+"\]),\ c\)
            | percent(\(\w+(\ -\ 1)?\))? | (plural | quantity)\((\s*"[^"]*",?)+(\ digits=\w+)?\))
    )\ \}\}""",
    re.X,
)


@pytest.mark.parametrize("path", sorted(TEMPLATES_DIR.glob("*/*.j2")), ids=lambda p: str(p))
def test_unescaped_blocks_print_nothing_a_user_typed(path: Path) -> None:
    for block in re.findall(
        r"\{% autoescape false %\}(.*?)\{% endautoescape %\}", path.read_text(), re.S
    ):
        printed = re.findall(r"\{\{.*?\}\}", block, re.S)
        assert [p for p in printed if not SAFE_UNESCAPED.fullmatch(p)] == []


# Telegram's tags, as a string literal in a template would hold them.
TAG_IN_LITERAL = re.compile(r"</?(b|i|u|s|a|code|pre|blockquote)[ >]")


def _literals_with_parent(node: nodes.Node) -> list[tuple[nodes.Const, nodes.Node]]:
    found = []
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.Const) and isinstance(child.value, str):
            found.append((child, node))
        found.extend(_literals_with_parent(child))
    return found


@pytest.mark.parametrize("path", sorted(TEMPLATES_DIR.glob("*/*.j2")), ids=lambda p: str(p))
def test_markup_in_a_string_literal_is_marked_safe_where_written(path: Path) -> None:
    """With autoescape a string literal prints escaped: "<code>65</code>" in a {% set %} would
    reach the user as the tags themselves unless piped through safe right there."""
    tree = Environment().parse(path.read_text())
    unmarked = [
        literal.value
        for literal, parent in _literals_with_parent(tree)
        if TAG_IN_LITERAL.search(literal.value)
        and not (isinstance(parent, nodes.Filter) and parent.name == "safe")
    ]
    assert unmarked == []


@pytest.mark.parametrize("locale", LOCALES)
def test_examples_in_a_question_are_formatted_not_shown_as_tags(locale: str) -> None:
    t = Renderer()(locale)
    question = t("ask_aov", draft={"currency": "RUB"}, editing=False)
    error = t("invalid", reason="not_a_number", field="aov", step="aov", details={}, draft={})

    for text in (question, error):
        assert "<code>" in text and "&lt;" not in text


@pytest.mark.parametrize(
    ("role", "asked"),
    [
        ("customer", "указан <b>клиент"),
        ("date", "указана <b>дата заказа"),
        ("amount", "указана <b>сумма"),
    ],
)
def test_the_russian_column_question_names_the_role_in_the_nominative(
    role: str, asked: str
) -> None:
    question = Renderer()("ru")("orders_pick_column", role=role, shown=3, total=3)
    assert question.startswith("В каком столбце " + asked)


@pytest.mark.parametrize(
    ("locale", "now"), [("ru", "Сейчас: <b>1 месяц</b>."), ("en", "Now: <b>1 month</b>.")]
)
def test_the_current_lifetime_agrees_and_ends_with_one_full_stop(locale: str, now: str) -> None:
    draft = {"lifetime_unit": "months", "lifetime_months": 1.04}
    question = Renderer()(locale)("ask_lifetime", draft=draft, editing=True)
    assert now in question and ".." not in question


@pytest.mark.parametrize(
    ("locale", "reason", "said"),
    [
        ("ru", "churn_100_or_more", "не осталось ни одного из 1\u00a0000 клиентов"),
        ("ru", "zero", "«Знаю срок жизни клиента».\nПример того, что подойдёт: 850 — меньше"),
        ("en", "zero", '"I know the customer lifetime".\nAn example that works: 850 (fewer'),
    ],
)
def test_end_counts_without_churn_or_customers_left_are_explained(
    locale: str, reason: str, said: str
) -> None:
    hint = {"hint": "no_churn_observed"} if reason == "zero" else {}
    text = Renderer()(locale)(
        "invalid",
        reason=reason,
        field="monthly_churn",
        step="customers_end",
        details={"start": 1000.0, "end": 1000.0 if hint else 0.0, **hint},
        draft={"currency": "RUB", "customers_start": 1000.0},
    )
    assert said in re.sub(r"</?code>", "", text)


@pytest.mark.parametrize(
    ("currency", "locale", "sign"),
    [("RUB", "en", "₽"), ("RUB", "ru", "₽"), ("USD", "en", "$"), ("XYZ", "en", "XYZ")],
)
def test_a_chart_axis_names_the_currency_as_the_money_does(
    currency: str, locale: str, sign: str
) -> None:
    assert currency_label(currency, locale) == sign
    assert sign in money(2500, currency, locale)


@pytest.mark.parametrize(
    ("locale", "returns", "whole", "said"),
    [
        ("en", 1, 1, "1 return (negative amounts) was taken off the same customers' earlier "
         "orders; 1 order was returned in full and no longer counts as a purchase."),
        ("en", 3, 2, "3 returns (negative amounts) were taken off the same customers' earlier "
         "orders; 2 orders were returned in full and no longer count as purchases."),
        ("ru", 21, 21, "21 возврат (отрицательные суммы) вычтен из прежних заказов тех же "
         "клиентов; 21 заказ вернули целиком — такие заказы не считаются покупками."),
        ("ru", 5, 0, "5 возвратов (отрицательные суммы) вычтены из прежних заказов тех же "
         "клиентов."),
    ],
)  # fmt: skip
def test_the_file_review_counts_returns_in_agreement(
    locale: str, returns: int, whole: int, said: str
) -> None:
    report = IngestReport({}, None, None, 10, 9, returns_netted=returns, returned_orders=whole)
    assert said in _file_review(locale, report).splitlines()


@pytest.mark.parametrize(
    ("locale", "orders", "said"),
    [
        ("en", 1, "Refunds stated in the file were taken off 1 order."),
        ("en", 4, "Refunds stated in the file were taken off 4 orders."),
        ("ru", 1, "Возвраты, указанные в файле, вычтены из сумм заказов: 1 заказ."),
        ("ru", 22, "Возвраты, указанные в файле, вычтены из сумм заказов: 22 заказа."),
        ("ru", 11, "Возвраты, указанные в файле, вычтены из сумм заказов: 11 заказов."),
    ],
)
def test_the_file_review_counts_partial_refunds_in_agreement(
    locale: str, orders: int, said: str
) -> None:
    report = IngestReport({}, None, None, 10, 9, partly_refunded=orders)
    assert said in _file_review(locale, report).splitlines()


@pytest.mark.parametrize(
    ("locale", "customers", "said"),
    [
        ("en", 1, "1 customer is written in several ways (letter case, spaces, phone format); "
         "it counts as one customer."),
        ("en", 3, "3 customers are written in several ways (letter case, spaces, phone format); "
         "each counts as one customer."),
        ("ru", 1, "1 клиент записан по-разному (регистр букв, пробелы, формат телефона) — "
         "он считается одним клиентом."),
        ("ru", 21, "21 клиент записан по-разному (регистр букв, пробелы, формат телефона) — "
         "каждый считается одним клиентом."),
        ("ru", 3, "3 клиента записаны по-разному (регистр букв, пробелы, формат телефона) — "
         "каждый считается одним клиентом."),
        ("ru", 12, "12 клиентов записаны по-разному (регистр букв, пробелы, формат телефона) — "
         "каждый считается одним клиентом."),
    ],
)  # fmt: skip
def test_the_file_review_counts_customers_written_several_ways_in_agreement(
    locale: str, customers: int, said: str
) -> None:
    report = IngestReport({}, None, None, 10, 9, respelled_customers=customers)
    assert said in _file_review(locale, report).splitlines()
    none_merged = _file_review(locale, IngestReport({}, None, None, 10, 9))
    assert "several ways" not in none_merged and "по-разному" not in none_merged


def _file_review(locale: str, report: IngestReport) -> str:
    understood = SimpleNamespace(
        report=report,
        n_orders=9,
        n_customers=3,
        first_day=date(2024, 1, 1),
        last_day=date(2024, 2, 1),
        by_content=frozenset(),
        currency="RUB",
    )
    return Renderer()(locale)("orders_understood", u=understood, overridden=())


@pytest.mark.parametrize("locale", LOCALES)
def test_the_file_review_names_every_column_role_the_reader_knows(locale: str) -> None:
    columns = {role: f"column of {role}" for role in ROLES}
    lines = _file_review(locale, IngestReport(columns, None, None, 10, 9)).splitlines()
    assert all(any(f"«column of {role}»" in line for line in lines) for role in ROLES)


DRAFT_WITH_EVERY_ANSWER = {
    "currency": "RUB",
    "aov": 2500.0,
    "freq_unit": "month",
    "orders_per_month": 1.5,
    "margin": 0.3,
    "lifetime_unit": "months",
    "lifetime_months": 18.0,
    "monthly_churn": 0.05,
    "customers_start": 200,
    "customers_end": 150,
    "cac": 1500.0,
    "annual_discount_rate": 0.12,
}
STEPS_WITH_AN_ANSWER = [
    "aov",
    "frequency",
    "margin",
    "lifetime",
    "churn",
    "customers_start",
    "customers_end",
    "cac",
    "discount",
]


@pytest.mark.parametrize("group", [False, True])
@pytest.mark.parametrize(("locale", "now"), [("ru", "Сейчас:"), ("en", "Now:")])
@pytest.mark.parametrize("step", STEPS_WITH_AN_ANSWER)
def test_the_current_answer_stands_apart_by_one_blank_line(
    step: str, locale: str, now: str, group: bool
) -> None:
    question = Renderer()(locale)(
        "ask_" + step, draft=DRAFT_WITH_EVERY_ANSWER, editing=True, group=group
    )
    assert "\n\n" + now in question and "\n\n\n" not in question


@pytest.mark.parametrize(
    ("share", "locale", "shown"),
    [(1 / 1200, "ru", "0,09%"), (1 / 1200, "en", "0.09%"), (0.0005, "en", "0.05%")],
)
def test_a_least_share_is_rounded_up_so_that_it_passes(
    share: float, locale: str, shown: str
) -> None:
    assert numbers(locale).percent_at_least(share) == shown
