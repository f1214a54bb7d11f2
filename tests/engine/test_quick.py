"""The arguments of /ltv: positional and named, in Russian and English, and what is wrong."""

from dataclasses import replace

import pytest

from ltv_engine.calc import calculate
from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.model import Lifetime, LifetimeSource, LtvInputs
from ltv_engine.quick import parse_quick

EIGHTEEN_MONTHS = Lifetime(LifetimeSource.MONTHS, months=18.0)
SHOP = LtvInputs(
    aov=2500.0,
    orders_per_month=1.5,
    lifetime=EIGHTEEN_MONTHS,
    margin=0.3,
    cac=1500.0,
    currency="RUB",
)


@pytest.mark.parametrize(
    "arguments",
    [
        "2500 1.5 30% 18 1500",
        "2500 1,5 0.3 18 мес 1500",
        "2500₽ 1.5 30 18 months 1500",
        "check=2500 freq=1.5/mo margin=30% life=18m cac=1500",
        "CHECK=2500 Freq=1.5 margin=30% life=1.5y cac=1500",
        "чек=2500 частота=1,5 маржа=30% срок=18 мес привлечение=1500",
        "чек=2500 частота=18 в год маржа=30% срок=18 cac=1500",
        "cac=1500 life=18 margin=30% freq=1.5 order=2500",
        "2500 1.5 margin=30% life= 18 cac=1500",
        "2500 freq=1.5 30% 18 1500",  # a positional value skips what was named before it
    ],
)
def test_every_form_gives_the_same_inputs(arguments: str) -> None:
    assert parse_quick(arguments, currency="RUB") == SHOP


@pytest.mark.parametrize(
    ("arguments", "per_month"),
    [
        ("2500 2 раза в 3 месяца 30% 18", 2 / 3),
        ("2500 2 месяца 30% 18", 1 / 2),  # a span with a lifetime after it: one order in it
        ("2500 3 times every 2 years 30% 18", 3 / 24),
        ("чек=2500 частота=раз в месяц срок=18", 1),
        ("check=2500 freq=twice a month life=18", 2),
        ("2500 freq=twice a month 30% 18", 2),
        ("2500 12 per 30% 18", 12),  # "30%" after a dangling "per" is the margin
        ("2500 1.5 в 30% 18", 1.5),
        ("2500 freq=every 3 weeks 30% 18", 30.4375 / 21),
        ("2500 weekly 30% 18", 30.4375 / 7),
        ("2500 twice a month 30% 18", 2),
        ("2500 пару раз в месяц 30% 18", 2),
        ("2500 раз в месяц 30% 18", 1),  # "раз" after the check begins the frequency
        ("2500 раз в год 30% 18 мес", 1 / 12),
        ("чек=2500 раз в неделю 30% 18", 30.4375 / 7),
        ("2500 every other week 30% 18", 30.4375 / 14),
        ("2500 2 monthly 30% 18", 2),  # after a count of orders, the word goes on it
        ("2500 12 yearly 30% 18", 1),
        ("2500 2 ежемесячно 30% 18", 2),
        ("2500 1 every 2 weeks 30% 18", 30.4375 / 14),
        ("2500 1 каждую неделю 30% 18", 30.4375 / 7),
        ("order=2500 weekly 30% 18", 30.4375 / 7),
        ("freq=2 monthly check=2500 30% 18", 2),
    ],
)
def test_a_frequency_over_a_period_or_in_words_stays_one_argument(
    arguments: str, per_month: float
) -> None:
    inputs = parse_quick(arguments, currency="RUB")

    assert (inputs.aov, inputs.orders_per_month) == (2500, pytest.approx(per_month))
    assert inputs.lifetime == EIGHTEEN_MONTHS


@pytest.mark.parametrize(
    "arguments",
    [
        "2500, 1.5, 30%, 18, 1500",
        "2500; 1,5; 30%; 18 мес; 1500",
        "2500 ₽, 1.5 , 30% маржа, 18 , 1500",
        "check 2500 freq 1.5 margin 30% life 18 cac 1500",
        "cac:1500 life: 18 margin:30% freq:1.5 check: 2500",
        "средний чек 2500, частота 1,5 в месяц, маржа 30%, срок жизни клиента 18 мес, "
        "стоимость привлечения 1500",
        "Средний чек: 2500, 1,5 раза в месяц, Маржа: 30%, срок: 18 мес, привлечение: 1500",
        "average order value 2500, order frequency 1.5 a month, gross margin 30%, "
        "customer lifetime 18 months, customer acquisition cost 1500",
        "2500, orders 1.5 a month, 30%, 18, CAC 1500",  # "orders" after a comma is a name
        "2500 1.5 a month margin 30% 18 1500",
        "средний чек 2 500 ₽, 1,5 раза в месяц, маржа 30%, 18 мес, 1 500",  # groups of digits
        "2500 чек 1.5 30% 18 1500",  # a name right after its value is that value's
        "2500 aov 1.5 30 18 1500 cac",
        "2500 1.5 30 маржа 18 1500",
    ],
)
def test_names_in_words_and_commas_as_people_write(arguments: str) -> None:
    assert parse_quick(arguments, currency="RUB") == SHOP


@pytest.mark.parametrize(
    ("arguments", "per_month", "months", "cac"),
    [
        ("3000, 2 times a year, 3 years", 2 / 12, 36, None),
        ("3000 2 в год полтора года 1500", 2 / 12, 18, 1500),
        ("3000 1 18 мес 1500", 1, 18, 1500),
    ],
)
def test_a_lifetime_in_the_margins_place_leaves_the_margin_out(
    arguments: str, per_month: float, months: float, cac: float | None
) -> None:
    inputs = parse_quick(arguments, currency="RUB")

    assert (inputs.aov, inputs.margin, inputs.cac) == (3000, None, cac)
    assert inputs.orders_per_month == pytest.approx(per_month)
    assert inputs.lifetime.months == months


def test_cac_and_margin_are_optional_when_named() -> None:
    inputs = parse_quick("check=65 freq=0.6 life=18", currency="USD")

    assert (inputs.margin, inputs.cac, inputs.currency) == (None, None, "USD")


def test_the_check_names_the_currency_and_cac_follows_it() -> None:
    inputs = parse_quick("$65 0.6 58% 18 $40", currency="RUB")

    assert (inputs.aov, inputs.cac, inputs.currency) == (65.0, 40.0, "USD")


@pytest.mark.parametrize(
    ("arguments", "field", "reason"),
    [
        ("", "aov", Reason.MISSING),
        ("2500", "frequency", Reason.MISSING),
        ("2500 1.5 30%", "lifetime", Reason.MISSING),
        ("check=2500 margin=30% life=18", "frequency", Reason.MISSING),
        # A span alone in the frequency's place, no lifetime anywhere: the lifetime, typed
        # with the frequency left out, not one order in 18 months.
        ("2500, 18 мес", "frequency", Reason.MISSING),
        ("2500, 1,5 года", "frequency", Reason.MISSING),
        ("65, 18 months", "frequency", Reason.MISSING),
        ("2500 18м", "frequency", Reason.MISSING),
        ("2500 полгода", "frequency", Reason.MISSING),
        ("средний чек 2500, маржа 30%, 18 мес", "frequency", Reason.MISSING),
        ("2500, 18 мес, 30%", "frequency", Reason.MISSING),
        ("freq=18 мес check=2500", "lifetime", Reason.MISSING),  # named a frequency: one
        ("2500 1 раз в 18 месяцев", "lifetime", Reason.MISSING),
        ("2500 every 2 weeks 30%", "lifetime", Reason.MISSING),
        ("abc 1.5 30% 18", "aov", Reason.NOT_A_NUMBER),
        ("<b>x</b>", "aov", Reason.NOT_A_NUMBER),  # what was typed before what is missing
        ("2500 1.5 130%", "margin", Reason.MARGIN_ABOVE_100),
        ("2500 -1 30% 18", "frequency", Reason.NEGATIVE),
        ("2500 1.5 130% 18", "margin", Reason.MARGIN_ABOVE_100),
        ("2500 1.5 30% 0", "lifetime", Reason.ZERO),
        ("2500 1.5 30% 18 parsecs", "lifetime", Reason.UNKNOWN_UNIT),
        ("2500 1.5 30% 18 $40", "cac", Reason.CONFLICT),
        ("2500 1.5 30% 18 1500 7", None, Reason.AMBIGUOUS),
        ("price=2500 freq=1.5 life=18", "price", Reason.AMBIGUOUS),
        ("2500 1.5 30% 18 check=2600", "aov", Reason.CONFLICT),
        ("2500 1.5 - 18", "margin", Reason.NOT_A_NUMBER),  # the dash is blamed, not 1.5
        ("2500 1.5 30% 18 cac", "cac", Reason.EMPTY),  # a name with nothing after it
        ("margin life=18 check=2500 freq=1.5", "margin", Reason.EMPTY),
        ("average 2500 1.5 30% 18", "average", Reason.AMBIGUOUS),  # no argument's name
        ("2500 1.5 30% 18 months, margin 40%", "margin", Reason.CONFLICT),
        ("2500, 1.5, abc, 18", "margin", Reason.NOT_A_NUMBER),  # a comma ends "1.5"
        ("2500 1.5 150 18", "margin", Reason.MARGIN_ABOVE_100),  # no lifetime of 150 months
        ("2500, 1.5, 1e3, 18", "margin", Reason.MARGIN_ABOVE_100),
        ("2500 чек=2600 2 30% 18", "aov", Reason.CONFLICT),  # typed with "=": said twice
        ("чек 2500 частота 1.5 маржа срок 18", "margin", Reason.EMPTY),  # not "маржа срок"
    ],
)
def test_what_is_wrong_names_the_argument(
    arguments: str, field: str | None, reason: Reason
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quick(arguments, currency="RUB")

    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_an_unreadable_value_is_quoted_as_typed() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quick("check=2500 freq=often life=18", currency="RUB")

    assert caught.value.field == "frequency"
    assert caught.value.details["argument"] == "often"


def test_a_lifetime_in_words_may_go_unnamed() -> None:
    inputs = parse_quick("2500 1.5 30% полтора года", currency="RUB")
    assert inputs.lifetime.months == 18


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("2500 1.5 30% half a year", 6),
        ("2500 1.5 30% twenty four months", 24),
        ("2500 1.5 30% twenty-four months 1500", 24),
        ("2500 twice a month 30% two and a half years", 30),
        ("2500 1.5 30% два с половиной года", 30),
        ("2500 1.5 30% a year and a half", 18),
        ("2500 1.5 30 % a year and a half 1500", 18),
        ("2500 1.5 30% год с половиной", 18),
        ("2500 1.5 30% около полутора лет", 18),
        ("2500 1.5 margin=30% a year", 12),
        ("2500 1.5 30% в среднем полтора года", 18),
        ("2500 1.5 30% about 2 years", 24),
        ("2500 1.5 30% margin 18", 18),
        ("2500 1.5 30% gross margin 18", 18),
        ("2500 1.5 30% маржа полтора года", 18),
        ("2500 1.5 30 % маржинальность 18 1500", 18),
    ],
)
def test_a_lifetime_in_words_with_halves_and_tens_stays_one_argument(
    text: str, months: float
) -> None:
    inputs = parse_quick(text, currency="RUB")
    assert inputs.lifetime.months == months and inputs.margin == 0.3


@pytest.mark.parametrize(
    ("text", "orders_per_month"),
    [
        ("2500 около 2 раз в месяц 30% 18 мес", 2),
        ("2500 в среднем 2 раза в месяц 30% около 18 мес", 2),
        ("2500 ₽ примерно 2 раза в месяц 30% 18 мес примерно", 2),
        ("about 2500 about 2 a month 30% 18 months roughly", 2),
        ("check=2500 около freq=2/mo margin=30% life=18", 2),
        ("2500~ 2 в месяц 30% ≈ 18", 2),
        # Inside a frequency, the period after the hedge is kept: 2 in 3 months.
        ("margin=30% 2500 2 раза в ~ 3 месяца 18", 2 / 3),
        ("маржа=30% 2500 2 раза в около 3 месяцев 18", 2 / 3),
        ("margin=30% 2500 2 per about 3 months 18", 2 / 3),
        ("2500 2 раза в среднем в 3 месяца 30% 18", 2 / 3),
        ("около около 2500 ~ about 2 раза в месяц 30% 18", 2),  # hedges in a row, all dropped
    ],
)
def test_a_hedge_after_a_value_is_dropped_not_glued_to_it(
    text: str, orders_per_month: float
) -> None:
    inputs = parse_quick(text, currency="RUB")
    assert (inputs.aov, inputs.margin, inputs.lifetime.months) == (2500, 0.3, 18)
    assert inputs.orders_per_month == pytest.approx(orders_per_month)


@pytest.mark.parametrize("text", ["около", "about ~", "check=около"])
def test_hedges_alone_are_no_value(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_quick(text, currency="RUB")


@pytest.mark.parametrize("arguments", ["2500 1.5 18 мес 30%", "2500 1.5 18 months 30% 1500"])
def test_a_share_after_a_lifetime_in_the_margins_place_is_the_margin(arguments: str) -> None:
    inputs = parse_quick(arguments, currency="RUB")
    assert (inputs.margin, inputs.lifetime.months) == (0.3, 18)


@pytest.mark.parametrize(
    ("arguments", "aov", "cac"),
    [
        ("1 200 2 30% 18", 1200, None),
        ("2 500 1,5 30% 18 1 500", 2500, 1500),
        ("чек 1 200 2 30% 18", 1200, None),
        ("1 200 ₽ 2 30% 18", 1200, None),
        ("1 200,50 2 30% 18", 1200.5, None),
        ("1 200 000 2 30% 18 12 500", 1_200_000, 12_500),
        ("2500 1.5 30% 18 150", 2500, 150),  # a lifetime and a CAC, not "18 150"
    ],
)
def test_an_amount_in_groups_of_thousands_is_one_number(
    arguments: str, aov: float, cac: float | None
) -> None:
    """As /help writes numbers ("2 500"); before, "1 200 2 18" was read as a check of 1 ₽ and
    200 orders a month."""
    inputs = parse_quick(arguments, currency="RUB")
    assert (inputs.aov, inputs.cac) == (aov, cac)
    assert inputs.orders_per_month in (1.5, 2)


@pytest.mark.parametrize(
    ("arguments", "aov", "per_month"),
    [
        ("2 500 раз в месяц 30% 18", 2500, 1),  # was a check of 2 ₽ bought 500 times a month
        ("2 500 раза в месяц 30% 18", 2500, 1),
        ("2 500 times a month 30% 18", 2500, 1),
        ("2 500 once a month 30% 18", 2500, 1),
        ("2 500 twice a month 30% 18", 2500, 2),
        ("2 500 пару раз в месяц 30% 18", 2500, 2),
        ("2 500 раз в 2 месяца 30% 18", 2500, 1 / 2),
        ("12 500 раз в год 30% 18", 12_500, 1 / 12),
        ("1 200 500 раз в месяц 30% 18", 1_200_500, 1),  # groups go on: "1 200 500 2 раза"
        ("2 500 ₽ раз в месяц 30% 18", 2500, 1),
        ("2 500р раз в месяц 30% 18", 2500, 1),
        ("2 500,50 раз в месяц 30% 18", 2500.5, 1),
        ("2 500.50 раз в месяц, 30%, 18", 2500.5, 1),
        ("2 500 раз в месяц, 30%, 18", 2500, 1),
        ("$2 500 times a month 30% 18", 2500, 1),
        ("чек 2 500 раз в месяц 30% 18", 2500, 1),
        ("2 500 примерно раз в месяц 30% 18", 2500, 1),
        # The same without the gap: "раз", "раза", "times" after the check begin the frequency.
        ("2500 раз в месяц 30% 18", 2500, 1),
        ("2500 раза в месяц 30% 18", 2500, 1),
        ("2500 times a month 30% 18", 2500, 1),
        ("2500 ₽ раз в месяц 30% 18", 2500, 1),
        ("2500 примерно раз в месяц 30% 18", 2500, 1),
        ("чек=2500 раза в месяц 30% 18", 2500, 1),
        ("2,500 once a month 30% 18", 2500, 1),
    ],
)
def test_a_group_of_thousands_before_once_is_the_checks(
    arguments: str, aov: float, per_month: float
) -> None:
    """ "2 500 раз в месяц" is a check of 2 500 once a month, as "2500 раз в месяц" is; before,
    the group "500" was taken as the count of "раз" and the check was 2 ₽."""
    inputs = parse_quick(arguments, currency="RUB")
    assert (inputs.aov, inputs.margin, inputs.lifetime) == (aov, 0.3, EIGHTEEN_MONTHS)
    assert inputs.orders_per_month == pytest.approx(per_month)


@pytest.mark.parametrize(
    ("arguments", "aov", "per_month"),
    [
        ("2500 3 раза в месяц 30% 18", 2500, 3),
        ("2500 1,5 раза в месяц 30% 18", 2500, 1.5),
        ("$65 0.6 times a month 30% 18", 65, 0.6),
        ("2 500 2 раза в месяц 30% 18 мес", 2500, 2),
        ("2 500 3 times a month 30% 18", 2500, 3),
        ("2 500 1 раз в месяц 30% 18", 2500, 1),
        ("2500 500 раз в год 30% 18", 2500, 500 / 12),  # no group: 2500 has four digits
        ("2500, 500 раз в год, 30%, 18", 2500, 500 / 12),
        ("150, 100 раз в год, 30%, 18", 150, 100 / 12),  # the comma ends the check
        ("150; 100 times a year; 30%; 18", 150, 100 / 12),
        ("частота 1 раз в месяц, чек 2500, маржа 30%, 18 мес", 2500, 1),  # named: its count
        ("freq=2 раза в месяц check=2500 30% 18", 2500, 2),
        ("freq=1 раз в месяц check=2500 30% 18", 2500, 1),
    ],
)
def test_a_count_before_times_stays_the_count(
    arguments: str, aov: float, per_month: float
) -> None:
    inputs = parse_quick(arguments, currency="RUB")
    assert (inputs.aov, inputs.margin, inputs.lifetime) == (aov, 0.3, EIGHTEEN_MONTHS)
    assert inputs.orders_per_month == pytest.approx(per_month)


def test_a_group_after_a_comma_is_not_the_checks() -> None:
    """ "150, 100, ..." was read as a check of 150 100 (and "30%" as the frequency)."""
    inputs = parse_quick("150, 100, 30%, 18", currency="RUB")
    assert (inputs.aov, inputs.orders_per_month, inputs.margin) == (150, 100, 0.3)


@pytest.mark.parametrize("arguments", ["2 500 раз 30% 18", "2500 раз 30% 18"])
def test_once_with_no_period_after_a_check_is_no_frequency(arguments: str) -> None:
    """Not 500 orders a month with a check of 2 ₽: "раз" alone says no period."""
    with pytest.raises(InvalidInput) as caught:
        parse_quick(arguments, currency="RUB")
    assert (caught.value.field, caught.value.details["argument"]) == ("frequency", "раз")


@pytest.mark.parametrize(
    ("arguments", "margin", "cac"),
    [
        ("2500 1.5 30% 1 год 6 мес", 0.3, None),
        ("2500 1.5 30% 1 год 6 мес 1500", 0.3, 1500),
        ("2500 1.5 30% 1 year 6 months 1500", 0.3, 1500),
        ("2500 1.5 30% срок=1 год и 6 месяцев cac=1500", 0.3, 1500),
        ("2500 1.5 1 год и 6 месяцев 1500", None, 1500),  # the margin left out
        ("чек 2500, 1,5 раза в месяц, маржа 30%, срок 1 год, 6 мес, cac 1500", 0.3, 1500),
    ],
)
def test_a_lifetime_in_two_units_is_one_argument(
    arguments: str, margin: float | None, cac: float | None
) -> None:
    """Before, "6 мес" of "1 год 6 мес" took the CAC's place and was refused as money."""
    inputs = parse_quick(arguments, currency="RUB")
    assert inputs.lifetime == EIGHTEEN_MONTHS
    assert (inputs.margin, inputs.cac) == (margin, cac)


def test_two_lifetimes_in_the_wrong_order_are_not_summed() -> None:
    """A lifetime and then a shorter one ("18 мес 6 мес") are no duration in two units."""
    with pytest.raises(InvalidInput) as caught:
        parse_quick("2500 1.5 30% 18 мес 6 мес", currency="RUB")
    assert caught.value.field == "cac"


@pytest.mark.parametrize("arguments", ["2500 1 год 6 мес", "2500, 1 год и 6 месяцев"])
def test_a_lifetime_in_two_units_in_the_frequencys_place_leaves_the_frequency_missing(
    arguments: str,
) -> None:
    """It was read as one order a year for 6 months, without a word."""
    with pytest.raises(InvalidInput) as caught:
        parse_quick(arguments, currency="RUB")
    assert (caught.value.reason, caught.value.field) == (Reason.MISSING, "frequency")
    assert caught.value.details == {"given": ["aov", "lifetime"]}


def test_a_missing_value_says_which_were_given() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quick("средний чек 2500, маржа 30%, 18 мес", currency="RUB")

    assert caught.value.details == {"given": ["aov", "lifetime", "margin"]}


@pytest.mark.parametrize(
    ("arguments", "check", "frequency"),
    [
        ("2500 1.5 18 1500", "2500", "1.5"),
        ("2 500, 1,5 раза в месяц, 18, 1500", "2500", "1,5 раза в месяц"),
        ("средний чек 2 500 ₽ 2 раза в месяц 18 1500", "2500 ₽", "2 раза в месяц"),
        ("freq=1.5 2500 18 1500", "2500", "1.5"),  # named values go in their places
        ("2500 1.5 18 1,500", "2500", "1.5"),
    ],
)
def test_too_long_a_lifetime_after_a_bare_margin_carries_the_reading_without_a_margin(
    arguments: str, check: str, frequency: str
) -> None:
    """Four bare numbers stay the check, the frequency, the margin and the lifetime, so 1500
    months is refused; the error says how the line reads with no margin, 18 months and a CAC:
    written with the lifetime's unit, that line is read so."""
    with pytest.raises(InvalidInput) as caught:
        parse_quick(arguments, currency="RUB")

    assert (caught.value.reason, caught.value.field) == (Reason.TOO_LARGE, "lifetime")
    other = caught.value.details["without_margin"]
    assert (other["aov"], other["frequency"], other["lifetime"]) == (check, frequency, "18")
    without_margin = f"{other['aov']} {other['frequency']} {other['lifetime']} мес {other['cac']}"
    inputs = parse_quick(without_margin, currency="RUB")
    assert (inputs.aov, inputs.margin, inputs.lifetime, inputs.cac) == (
        2500,
        None,
        EIGHTEEN_MONTHS,
        1500,
    )
    with_margin = (
        f"{other['aov']} {other['frequency']} 30% {other['lifetime']} months {other['cac']}"
    )
    assert parse_quick(with_margin, currency="RUB").margin == 0.3


@pytest.mark.parametrize(
    "arguments",
    [
        "2500 1.5 18% 1500",  # a margin said as one
        "2500 1.5 margin=18 1500",
        "2500 1.5 18 маржа 1500",
        "2500 1.5 18 life=1500",
        "2500 1.5 18 1500 мес",  # a lifetime said in months
        "2500 1.5 0.3 1500",  # a share: no 0.3 months
        "2500 1.5 18 1500 700",  # the CAC given: no place for 1500
        "2500 1.5 18 2000000000",  # no CAC of 2 billion either
    ],
)
def test_too_long_a_lifetime_is_only_too_long_when_no_other_reading_fits(arguments: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quick(arguments, currency="RUB")

    assert (caught.value.reason, caught.value.field) == (Reason.TOO_LARGE, "lifetime")
    assert "without_margin" not in caught.value.details


@pytest.mark.parametrize(
    ("arguments", "offered"),
    [
        ("2500 1.5 18", "2500 1.5 18 мес"),
        ("чек 2500, 2 раза в месяц, 18, cac 1500", "2500 2 раза в месяц 18 мес 1500"),
    ],
)
def test_a_lifetime_missing_after_a_bare_margin_offers_it_as_the_lifetime(
    arguments: str, offered: str
) -> None:
    """ "2500 1.5 18": the 18 took the margin's place and the lifetime is missing; the error
    carries the line with 18 as the lifetime in months, and that line is read so."""
    with pytest.raises(InvalidInput) as caught:
        parse_quick(arguments, currency="RUB")

    assert (caught.value.reason, caught.value.field) == (Reason.MISSING, "lifetime")
    other = caught.value.details["margin_as_lifetime"]
    line = f"{other['aov']} {other['frequency']} {other['lifetime']} мес {other.get('cac', '')}"
    assert line.strip() == offered
    assert parse_quick(line, currency="RUB").lifetime == EIGHTEEN_MONTHS


@pytest.mark.parametrize("arguments", ["2500 1.5 0.3", "2500 1.5 30%", "2500 1.5 margin=18"])
def test_a_lifetime_missing_after_a_margin_said_as_one_offers_nothing(arguments: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quick(arguments, currency="RUB")

    assert (caught.value.reason, caught.value.field) == (Reason.MISSING, "lifetime")
    assert "margin_as_lifetime" not in caught.value.details


# --- the monthly churn instead of the lifetime --------------------------------------------

FIVE_PERCENT_CHURN = Lifetime(LifetimeSource.CHURN, monthly_churn=0.05)
SHOP_BY_CHURN = replace(SHOP, lifetime=FIVE_PERCENT_CHURN, cac=None)


@pytest.mark.parametrize(
    "arguments",
    [
        "2500 1.5 30% отток 5%",
        "2500 1,5 30% отток 5% в месяц",
        "чек 2500, 1,5 раза в месяц, маржа 30%, отток 5%",
        "средний чек 2500, 1,5 раза в месяц, маржа 30%, отток клиентов 5% в месяц",
        "чек=2500 частота=1,5 маржа=30% отток=5%",
        "check=2500 freq=1.5 margin=30% churn=5%",
        "2500 1.5 30% churn 5% a month",
        "2500 1.5 30% churn 5% per month",
        "2500 1.5 30% churn 5% monthly",  # not a margin of "monthly"
        "2500 1,5 30% отток 5% ежемесячно",
        "2500 1.5 30% churn: 0.05",  # a share, as the wizard's churn step takes it
        "2500 1.5 30% customer churn 5%",
        "2500 1.5 30% 5% отток",  # the name after its value
        "отток=5% 2500 1.5 30%",  # never by its place: the places go on without it
        "2500 1.5 отток 5% 30%",
    ],
)
def test_the_churn_by_its_name_stands_for_the_lifetime(arguments: str) -> None:
    assert parse_quick(arguments, currency="RUB") == SHOP_BY_CHURN


def test_the_churn_in_english_as_people_write_it() -> None:
    inputs = parse_quick("$65, 0.6 per month, margin 58%, churn 5.5%", currency="RUB")

    assert inputs == LtvInputs(
        aov=65.0,
        orders_per_month=0.6,
        lifetime=Lifetime(LifetimeSource.CHURN, monthly_churn=0.055),
        margin=0.58,
        currency="USD",
    )


def test_a_value_after_the_churn_takes_the_place_after_the_lifetimes() -> None:
    inputs = parse_quick("2500 1.5 30% отток 5% 1500", currency="RUB")

    assert (inputs.lifetime, inputs.cac) == (FIVE_PERCENT_CHURN, 1500.0)


@pytest.mark.parametrize(
    ("arguments", "monthly"),
    [
        ("2500 1.5 30% отток 30% в год", 1 - 0.7 ** (1 / 12)),  # as it compounds: 2.93 %
        ("2500 1.5 30% churn 30% a year", 1 - 0.7 ** (1 / 12)),
        ("2500 1.5 30% отток 10% за 6 месяцев", 1 - 0.9 ** (1 / 6)),
    ],
)
def test_a_churn_for_another_period_is_made_monthly_as_the_wizard_makes_it(
    arguments: str, monthly: float
) -> None:
    lifetime = parse_quick(arguments, currency="RUB").lifetime

    assert lifetime.source is LifetimeSource.CHURN
    assert lifetime.monthly_churn == pytest.approx(monthly)


@pytest.mark.parametrize(
    ("arguments", "reason", "argument"),
    [
        ("2500 1.5 30% отток 0", Reason.ZERO, "0"),
        ("2500 1.5 30% отток 100%", Reason.CHURN_100_OR_MORE, "100%"),
        ("2500 1.5 30% churn 150%", Reason.CHURN_100_OR_MORE, "150%"),
        ("2500 1.5 30% churn -5%", Reason.NEGATIVE, "-5%"),
        ("2500 1.5 30% churn", Reason.EMPTY, ""),  # a name with nothing after it
        ("2500 1.5 30% отток много", Reason.NOT_A_NUMBER, "много"),
        ("2500 1.5 30% отток 0.05%", Reason.TOO_SMALL, "0.05%"),  # over 100 years, as in /calc
        ("2500 1.5 30% отток 5% отток 6%", Reason.CONFLICT, "отток=6%"),
    ],
)
def test_a_churn_that_cannot_be_is_refused_with_the_argument_quoted(
    arguments: str, reason: Reason, argument: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quick(arguments, currency="RUB")

    assert (caught.value.field, caught.value.reason) == ("churn", reason)
    assert caught.value.details["argument"] == argument


@pytest.mark.parametrize(
    ("arguments", "lifetime", "churn"),
    [
        ("2500 1.5 30% 18 отток 5%", "18", "5%"),  # a lifetime by its place, then a churn
        ("2500 1.5 30% отток 5% срок 18", "18", "5%"),
        ("check=2500 freq=1.5 life=18m churn=5%", "18m", "5%"),
    ],
)
def test_a_lifetime_and_a_churn_both_given_are_a_conflict(
    arguments: str, lifetime: str, churn: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quick(arguments, currency="RUB")

    assert (caught.value.field, caught.value.reason) == ("churn", Reason.CONFLICT)
    assert caught.value.details == {"argument": churn, "lifetime": lifetime}


def test_a_churn_with_the_frequency_missing_says_which_were_given() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quick("чек 2500, отток 5%", currency="RUB")

    assert (caught.value.field, caught.value.reason) == ("frequency", Reason.MISSING)
    assert caught.value.details == {"given": ["aov", "churn"]}


def test_a_churn_line_calculates_as_the_same_inputs_built_by_hand() -> None:
    by_hand = LtvInputs(
        aov=2500.0,
        orders_per_month=2.0,
        lifetime=Lifetime(LifetimeSource.CHURN, monthly_churn=0.05),
        margin=0.3,
        cac=1500.0,
        currency="RUB",
    )

    line = "чек 2500, 2 раза в месяц, маржа 30%, отток 5%, cac 1500"
    result = calculate(parse_quick(line, currency="RUB"))

    assert result == calculate(by_hand)
    assert (result.lifetime_months, result.ltv) == (pytest.approx(20.0), pytest.approx(30_000.0))
