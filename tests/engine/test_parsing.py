"""Every format the issue lists, and every rejection, with the reason the bot explains."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.parsing import (
    Money,
    parse_count,
    parse_duration_months,
    parse_frequency,
    parse_money,
    parse_number,
    parse_share,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2500", Money(2500, None)),
        ("2 500", Money(2500, None)),
        ("2\u00a0500", Money(2500, None)),
        ("2\u202f500", Money(2500, None)),
        ("2 500,50 ₽", Money(2500.5, "RUB")),
        ("2,500.50", Money(2500.5, None)),
        ("2.500,50", Money(2500.5, None)),
        ("1.234.567", Money(1234567, None)),
        ("2,500", Money(2500, None)),
        ("2,50", Money(2.5, None)),
        ("$65", Money(65, "USD")),
        ("65$", Money(65, "USD")),
        ("€40", Money(40, "EUR")),
        ("40 EUR", Money(40, "EUR")),
        ("2500 руб", Money(2500, "RUB")),
        ("2500 р.", Money(2500, "RUB")),
        ("2500руб.", Money(2500, "RUB")),
        ("2.5k", Money(2500, None)),
        ("2,5 тыс", Money(2500, None)),
        ("2.5 тыс. руб", Money(2500, "RUB")),
        ("1.2 млн", Money(1_200_000, None)),
        ("1,2m", Money(1_200_000, None)),
        ("  65  ", Money(65, None)),
    ],
)
def test_money_formats(text: str, expected: Money) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("", "aov", Reason.EMPTY),
        ("   ", "aov", Reason.EMPTY),
        ("abc", "aov", Reason.NOT_A_NUMBER),
        ("1.2.3", "aov", Reason.NOT_A_NUMBER),
        ("12abc", "aov", Reason.NOT_A_NUMBER),
        ("--5", "aov", Reason.NOT_A_NUMBER),
        ("25 00", "aov", Reason.NOT_A_NUMBER),
        ("1 2 3", "aov", Reason.NOT_A_NUMBER),
        ("5 and 6", "aov", Reason.NOT_A_NUMBER),
        ("-5", "aov", Reason.NEGATIVE),
        ("−5 ₽", "aov", Reason.NEGATIVE),
        ("0", "aov", Reason.ZERO),
        ("nan", "aov", Reason.NOT_FINITE),
        ("inf", "aov", Reason.NOT_FINITE),
        ("1e400", "aov", Reason.NOT_FINITE),
        ("1e15", "aov", Reason.TOO_LARGE),
        ("1.5 people", "aov", Reason.UNKNOWN_UNIT),
        ("$65 руб", "aov", Reason.CONFLICT),
        ("9" * 65, "aov", Reason.NOT_A_NUMBER),
    ],
)
def test_money_rejections(text: str, field: str, reason: Reason) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_money(text, field=field)
    assert caught.value.reason is reason
    assert caught.value.field == field
    assert len(caught.value.details["text"]) <= 40


def test_cac_may_be_zero_but_not_negative() -> None:
    assert parse_money("0", field="cac").amount == 0
    with pytest.raises(InvalidInput, match="negative"):
        parse_money("-1", field="cac")


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("30%", 0.3),
        ("30 %", 0.3),
        ("30", 0.3),
        ("0.3", 0.3),
        ("0,3", 0.3),
        ("1", 0.01),
        ("12,5%", 0.125),
        ("100%", 1.0),
    ],
)
def test_margin_shares(text: str, share: float) -> None:
    assert parse_share(text, field="margin") == pytest.approx(share)


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("120%", "margin", Reason.MARGIN_ABOVE_100),
        ("0%", "margin", Reason.ZERO),
        ("100%", "monthly_churn", Reason.CHURN_100_OR_MORE),
        ("150%", "monthly_churn", Reason.CHURN_100_OR_MORE),
        ("$30", "margin", Reason.NOT_A_NUMBER),
        ("30 % %", "margin", Reason.NOT_A_NUMBER),
        ("-5%", "monthly_churn", Reason.NEGATIVE),
    ],
)
def test_share_rejections(text: str, field: str, reason: Reason) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_share(text, field=field)
    assert caught.value.reason is reason


def test_discount_rate_of_zero_is_allowed() -> None:
    assert parse_share("0%", field="annual_discount_rate") == 0


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("18 мес", 18),
        ("18 месяцев", 18),
        ("18 мес.", 18),
        ("1,5 года", 18),
        ("2 years", 24),
        ("2 года", 24),
        ("3 г.", 36),
        ("5 лет", 60),
        ("18m", 18),
        ("2y", 24),
        ("6 months", 6),
        ("18", 18),
        ("52 weeks", 52 * 7 / (365.25 / 12)),
        ("365,25 дней", 12),
    ],
)
def test_durations(text: str, months: float) -> None:
    assert parse_duration_months(text) == pytest.approx(months)


def test_duration_default_unit_is_the_users_choice() -> None:
    assert parse_duration_months("2", default_unit="years") == 24
    assert parse_duration_months("18 мес", default_unit="years") == 18


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("18 parsecs", Reason.UNKNOWN_UNIT),
        ("18 мес лет", Reason.UNKNOWN_UNIT),
        ("0 мес", Reason.ZERO),
        ("200 лет", Reason.TOO_LARGE),
    ],
)
def test_duration_rejections(text: str, reason: Reason) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_duration_months(text)
    assert caught.value.reason is reason
    assert caught.value.field == "lifetime_months"


@pytest.mark.parametrize(
    ("text", "per_month"),
    [
        ("1.5", 1.5),
        ("1,5", 1.5),
        ("1,5 раза в месяц", 1.5),
        ("12 в год", 1),
        ("12 per year", 1),
        ("12/yr", 1),
        ("1.5/mo", 1.5),
        ("2 times a month", 2),
        ("6 заказов в год", 0.5),
        ("1 раз в неделю", 365.25 / 12 / 7),
    ],
)
def test_frequencies(text: str, per_month: float) -> None:
    assert parse_frequency(text) == pytest.approx(per_month)


def test_frequency_default_period_is_the_users_choice() -> None:
    assert parse_frequency("6", default_per="year") == pytest.approx(0.5)
    assert parse_frequency("6 в месяц", default_per="year") == 6


def test_frequency_rejections() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_frequency("3 per fortnight")
    assert caught.value.reason is Reason.UNKNOWN_UNIT
    with pytest.raises(InvalidInput) as caught:
        parse_frequency("2000")
    assert caught.value.reason is Reason.TOO_LARGE


@pytest.mark.parametrize(("text", "count"), [("1 200", 1200), ("1,200", 1200), ("950", 950)])
def test_counts(text: str, count: int) -> None:
    assert parse_count(text, field="customers_start") == count


@pytest.mark.parametrize(
    ("text", "reason"),
    [("12.5", Reason.NOT_WHOLE), ("-3", Reason.NEGATIVE), ("12 people", Reason.UNKNOWN_UNIT)],
)
def test_count_rejections(text: str, reason: Reason) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_count(text, field="customers_end")
    assert caught.value.reason is reason


def test_plain_number_takes_multipliers_but_no_units() -> None:
    assert parse_number("2,5 тыс") == 2500
    with pytest.raises(InvalidInput) as caught:
        parse_number("5 руб")
    assert caught.value.reason is Reason.UNKNOWN_UNIT


def _typed(value: float, style: str) -> str:
    whole, fraction = f"{value:.2f}".split(".")
    grouped = f"{int(whole):,}"
    if style == "ru":
        return grouped.replace(",", "\u00a0") + "," + fraction + " ₽"
    if style == "en":
        return "$" + grouped + "." + fraction
    return whole + "." + fraction


@given(st.floats(min_value=0.01, max_value=9e8), st.sampled_from(["ru", "en", "plain"]))
def test_money_typed_as_people_do_round_trips(value: float, style: str) -> None:
    assert parse_money(_typed(value, style)).amount == pytest.approx(round(value, 2), abs=0.006)


@given(st.text(max_size=80))
def test_any_text_is_a_value_or_an_invalid_input(text: str) -> None:
    for parse in (
        lambda: parse_money(text),
        lambda: parse_share(text, field="margin"),
        lambda: parse_duration_months(text),
        lambda: parse_frequency(text),
        lambda: parse_count(text, field="customers_start"),
    ):
        with contextlib.suppress(InvalidInput):
            parse()


def test_hostile_input_is_refused_fast() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_money("1" * 10_000 + "x")
    assert caught.value.details["too_long"] is True
