from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.parsing import (
    CURRENCY_ALIASES,
    EXCERPT_LENGTH,
    MAX_LENGTH,
    UNIT_ALIASES,
    Money,
    parse_churn,
    parse_count,
    parse_duration_months,
    parse_frequency,
    parse_money,
    parse_number,
    parse_rate,
    parse_share,
)

MONTHS_PER_DAY = 12 / 365.25


def rejection(parse: Callable[[str], object], text: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse(text)
    return caught.value


def money(text: str) -> Money:
    return parse_money(text, field="aov")


def margin(text: str) -> float:
    return parse_share(text, field="margin")


def churn(text: str) -> float:
    return parse_share(text, field="monthly_churn")


def customers(text: str) -> int:
    return parse_count(text, field="customers_start")


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("2500", 2500, None),
        ("2 500", 2500, None),
        ("2\u00a0500", 2500, None),
        ("2\u202f500", 2500, None),
        ("2 500,50 ₽", 2500.5, "RUB"),
        ("2\u202f500,50\u00a0₽", 2500.5, "RUB"),
        ("2,500.50", 2500.5, None),
        ("$65", 65, "USD"),
        ("$ 65", 65, "USD"),
        ("65$", 65, "USD"),
        ("€40", 40, "EUR"),
        ("40 EUR", 40, "EUR"),
        ("2500 руб", 2500, "RUB"),
        ("2500 р.", 2500, "RUB"),
        ("2500р", 2500, "RUB"),
        ("2.5k", 2500, None),
        ("2,5 тыс", 2500, None),
        ("2.5 тыс. руб", 2500, "RUB"),
        ("1.2 млн", 1_200_000, None),
        ("1,2m", 1_200_000, None),
        ("$2.5k", 2500, "USD"),
        ("1 200 ₸", 1200, "KZT"),
        ("300 грн", 300, "UAH"),
        ("£12.99", 12.99, "GBP"),
        ("  99.9  ", 99.9, None),
    ],
)
def test_money_as_people_type_it(text: str, amount: float, currency: str | None) -> None:
    assert money(text) == Money(amount, currency)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("полторы тысячи", 1500, None),
        ("полторы тыс", 1500, None),
        ("полторы тыс. ₽", 1500, "RUB"),
        ("полтысячи", 500, None),
        ("две тысячи рублей", 2000, "RUB"),
        ("два с половиной миллиона", 2_500_000, None),
    ],
)
def test_money_said_in_words(text: str, amount: float, currency: str | None) -> None:
    assert money(text) == Money(amount, currency)


def test_a_count_said_in_words() -> None:
    assert customers("полторы тысячи клиентов") == 1500


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("2.500", 2500),  # money is never written to three decimals: the dot groups thousands
        ("2.500 ₽", 2500),
        ("$1.500", 1500),
        ("12.000 руб", 12_000),
        ("2.50", 2.5),
        ("0.500", 0.5),  # a leading zero is never a thousands group
        ("1234.567", 1234.567),
        ("2.500k", 2500),  # before a scale word the lone separator is decimal
        ("2,500 тыс", 2500),
        ("1.500,50", 1500.5),
    ],
)
def test_a_lone_dot_in_money_groups_thousands(text: str, amount: float) -> None:
    assert money(text).amount == amount


@pytest.mark.parametrize(("text", "count"), [("1.200", 1200), ("1.500 клиентов", 1500)])
def test_a_lone_dot_in_a_count_of_customers_groups_thousands(text: str, count: int) -> None:
    assert customers(text) == count


def test_a_lone_dot_elsewhere_stays_decimal() -> None:
    assert parse_number("1.500") == 1.5
    assert margin("0.300") == pytest.approx(0.3)


def test_cac_may_be_zero_while_aov_may_not() -> None:
    assert parse_money("0", field="cac") == Money(0.0, None)
    assert rejection(money, "0").reason is Reason.ZERO


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,500", 2500),  # a comma before exactly three digits groups thousands
        ("1,5", 1.5),
        ("2,50", 2.5),
        ("0,500", 0.5),  # a leading zero is never a thousands group
        ("1234,567", 1234.567),  # nor are four digits before the comma
        ("2.500,50", 2500.5),  # with both marks, the last one is decimal
        ("2,500.50", 2500.5),
        ("1,200,000", 1_200_000),
        ("1.200.000", 1_200_000),
        ("1 234 567,89", 1_234_567.89),
        ("2.5", 2.5),
        (".5", 0.5),
        (",5", 0.5),
        ("+7", 7),
        ("1e3", 1000),
        ("2500.", 2500),  # a sentence's closing dot
        ("1,2 млн", 1_200_000),
        ("1.001k", 1001),  # scaled by moving the decimal point, not by multiplying
    ],
)
def test_separators(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("30%", 0.3),
        ("30 %", 0.3),
        ("30", 0.3),
        ("0.3", 0.3),
        ("0,3", 0.3),
        ("1", 0.01),  # without "%", 1 and above are percents
        ("12,5%", 0.125),
        ("0.5%", 0.005),
        ("100", 1.0),
        ("30 процентов", 0.3),
    ],
)
def test_shares(text: str, share: float) -> None:
    assert margin(text) == pytest.approx(share)


def test_a_zero_discount_rate_is_allowed() -> None:
    assert parse_share("0%", field="annual_discount_rate") == 0.0


def annual_rate(text: str) -> float:
    return parse_rate(text, field="annual_discount_rate")


@pytest.mark.parametrize(
    ("text", "annual"),
    [
        ("12%", 0.12),
        ("12", 0.12),
        ("0.12", 0.12),
        ("0%", 0.0),
        ("12% годовых", 0.12),
        ("12 % годовых", 0.12),
        ("12% в год", 0.12),
        ("12% a year", 0.12),
        ("12% per year", 0.12),
        ("12% p.a.", 0.12),
        ("12% per annum", 0.12),
        ("12% annual", 0.12),
        ("1% в месяц", 1.01**12 - 1),  # compounded, not 1 x 12
        ("1% a month", 1.01**12 - 1),
        ("1% ежемесячно", 1.01**12 - 1),
        ("3% в квартал", 1.03**4 - 1),
        ("6% за полгода", 1.06**2 - 1),
        ("6% за 6 месяцев", 1.06**2 - 1),
        ("25% за 2 года", 1.25**0.5 - 1),
    ],
)
def test_a_rate_with_its_period_is_made_annual(text: str, annual: float) -> None:
    assert annual_rate(text) == pytest.approx(annual)


def test_a_rate_for_a_month_stays_monthly_when_a_month_is_asked() -> None:
    def monthly(text: str) -> float:
        return parse_rate(text, field="monthly_discount_rate", per="month")

    assert monthly("1% в месяц") == pytest.approx(0.01)
    assert monthly("12% годовых") == pytest.approx(1.12 ** (1 / 12) - 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("10% в месяц", Reason.TOO_LARGE),  # 214 % a year
        ("1e300% в месяц", Reason.TOO_LARGE),  # compounds past any float
        ("12% за 0 месяцев", Reason.ZERO),
        ("-12% годовых", Reason.NEGATIVE),
        ("12 руб", Reason.UNKNOWN_UNIT),
        ("12% за 6", Reason.AMBIGUOUS),
    ],
)
def test_rates_that_cannot_be_used(text: str, reason: Reason) -> None:
    assert rejection(annual_rate, text).reason is reason


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("18 мес", 18),
        ("18 мес.", 18),
        ("18 месяцев", 18),
        ("1,5 года", 18),
        ("2 years", 24),
        ("2 года", 24),
        ("3 г.", 36),
        ("5 лет", 60),
        ("18m", 18),
        ("2y", 24),
        ("6 months", 6),
        ("18", 18),
        ("2 кв", 6),
        ("2 weeks", 14 * MONTHS_PER_DAY),
        ("90 дней", 90 * MONTHS_PER_DAY),
        ("365.25 days", 12),
        ("18м", 18),  # "м" is a month where a duration is asked, never in money
        ("18 м.", 18),
        ("1г 6м", 18),
    ],
)
def test_durations_in_months(text: str, months: float) -> None:
    assert parse_duration_months(text) == pytest.approx(months)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("год", 12),
        ("Год.", 12),
        ("полтора года", 18),
        ("два года", 24),
        ("пару лет", 24),
        ("полгода", 6),
        ("три месяца", 3),
        ("one year", 12),
        ("three years", 36),
        ("month", 1),
        ("a year", 12),
        ("около 2 лет", 24),
        ("~2 years", 24),
        ("примерно год", 12),
        ("около года", 12),
        ("около полугода", 6),
        ("пол года", 6),
        ("eighteen months", 18),
        ("восемнадцать месяцев", 18),
        ("twenty-four months", 24),
        ("twenty four months", 24),
        ("двадцать четыре месяца", 24),
        ("thirty six months", 36),
        ("half a year", 6),
        ("half a month", 0.5),
        ("a year and a half", 18),
        ("year and a half", 18),
        ("6 месяцев с половиной", 6.5),
        ("one and a half years", 18),
        ("two and a half years", 30),
        ("2 years and a half", 30),
        ("два с половиной года", 30),
        ("два года с половиной", 30),
        ("год с половиной", 18),
        ("около полутора лет", 18),
    ],
)
def test_durations_said_in_words(text: str, months: float) -> None:
    assert parse_duration_months(text) == pytest.approx(months)


@pytest.mark.parametrize(
    "text",
    [
        "несколько лет",
        "half",
        "долго",
        "лет",
        "d",
        "около",
        "twenty-",
        # Only spelled tens take a spelled unit; digits side by side stay two numbers.
        "20, 5 месяцев",
        "20 4 месяца",
        "90 9 months",
        "полгода с половиной",
        "1,5 с половиной",
        "once a year and a half",
        "1 год 6",  # a part without its unit
        "2 года 2 раза",
    ],
)
def test_durations_that_are_no_number_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_duration_months(text)
    assert caught.value.reason in {Reason.NOT_A_NUMBER, Reason.AMBIGUOUS, Reason.UNKNOWN_UNIT}


def test_a_bare_duration_uses_the_default_unit() -> None:
    assert parse_duration_months("2", default_unit="years") == 24
    assert parse_duration_months("2 мес", default_unit="years") == 2


@pytest.mark.parametrize(
    ("text", "per_month"),
    [
        ("1.5", 1.5),
        ("1,5 раза в месяц", 1.5),
        ("12 в год", 1),
        ("12 per year", 1),
        ("12/yr", 1),
        ("1.5/mo", 1.5),
        ("2 times a month", 2),
        ("2x a month", 2),
        ("2 раза в неделю", 2 / (7 * MONTHS_PER_DAY)),
        ("раз в 2 месяца", 0.5),
        ("once every 2 months", 0.5),
        ("раз в 1,5 года", 1 / 18),
        ("1 раз в 3 месяца", 1 / 3),
        ("2 раза в 3 месяца", 2 / 3),
        ("3 times every 2 years", 3 / 24),
        ("5 заказов за 2 года", 5 / 24),
        ("1 раз каждые 2 месяца", 1 / 2),
        ("1,5 р/мес", 1.5),  # "р" is "раз" where a frequency is asked, a rouble in money
        ("2 р. в месяц", 2),
        ("р в месяц", 1),
    ],
)
def test_frequency_in_orders_per_month(text: str, per_month: float) -> None:
    assert parse_frequency(text) == pytest.approx(per_month)


WEEK = 7 * MONTHS_PER_DAY


@pytest.mark.parametrize(
    ("text", "per_month"),
    [
        ("раз в месяц", 1),
        ("Раз в неделю.", 1 / WEEK),
        ("раз в две недели", 1 / (2 * WEEK)),
        ("раз в полтора месяца", 1 / 1.5),
        ("раз в пару месяцев", 1 / 2),
        ("раз в квартал", 1 / 3),
        ("раз в полгода", 1 / 6),
        ("раз в пол года", 1 / 6),
        ("2 раза в полгода", 2 / 6),
        ("дважды в месяц", 2),
        ("пару раз в месяц", 2),
        ("полтора раза в месяц", 1.5),
        ("три раза в год", 3 / 12),
        ("каждый месяц", 1),
        ("ежемесячно", 1),
        ("еженедельно", 1 / WEEK),
        ("twice a month", 2),
        ("once a week", 1 / WEEK),
        ("once every 2 months", 1 / 2),
        ("three times a year", 3 / 12),
        ("every month", 1),
        ("monthly", 1),
        ("Quarterly", 1 / 3),
        ("twice weekly", 2 / WEEK),
        ("2 раза ежемесячно", 2),
        ("every other week", 1 / (2 * WEEK)),
        ("fortnightly", 1 / (2 * WEEK)),
        ("одну покупку в месяц", 1),
        # "About N times": the count may come after "раз"; only "в" / "every" makes it periods.
        ("раза два в месяц", 2),
        ("раз десять в год", 10 / 12),
        ("x2", 2),
        ("x2 month", 2),
        ("× 3 months", 3),
        # A span alone is one order in it, never that many orders per unit.
        ("полгода", 1 / 6),
        ("2 месяца", 1 / 2),
        ("две недели", 1 / (2 * WEEK)),
        ("two weeks", 1 / (2 * WEEK)),
        ("полтора месяца", 1 / 1.5),
        # "В" dropped: "раз" and a span agreeing with the number still count periods.
        ("раз 2 недели", 1 / (2 * WEEK)),
        ("раз 10 дней", 1 / (10 * MONTHS_PER_DAY)),
        ("раза 2 месяца", 1 / 2),
        ("раз 5 в год", 5 / 12),
        ("раз в 2 суток", 1 / (2 * MONTHS_PER_DAY)),
        ("2х в месяц", 2),  # a Cyrillic "х"
        # A hedge before the value changes nothing.
        ("примерно 2 раза в месяц", 2),
        ("в среднем 2 раза в месяц", 2),
        ("~2 раза в месяц", 2),
        ("about once a month", 1),
        ("fifteen times a year", 15 / 12),
        ("пятнадцать раз в год", 15 / 12),
        ("twenty-four times a year", 2),
        ("once every half a year", 1 / 6),
    ],
)
def test_frequency_said_in_words(text: str, per_month: float) -> None:
    assert parse_frequency(text) == pytest.approx(per_month)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("несколько раз в месяц", Reason.NOT_A_NUMBER),  # "a few" is no number
        ("редко", Reason.NOT_A_NUMBER),
        ("sometimes", Reason.NOT_A_NUMBER),
        ("раз в две-три недели", Reason.UNKNOWN_UNIT),
        # A connector or a unit alone is no frequency, not "1".
        ("раз", Reason.NOT_A_NUMBER),
        ("в", Reason.NOT_A_NUMBER),
        ("every", Reason.NOT_A_NUMBER),
        ("orders", Reason.NOT_A_NUMBER),
    ],
)
def test_words_that_are_no_frequency_are_refused(text: str, reason: Reason) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_frequency(text)
    assert caught.value.reason is reason
    assert caught.value.details["text"] == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0 раз в 3 месяца", Reason.ZERO),
        ("2 раза в 0 месяцев", Reason.ZERO),
        ("2 раза в -3 месяца", Reason.NEGATIVE),
        ("1 time in 0.001 days", Reason.TOO_LARGE),  # the frequency's limit, not the period's
        ("2 раза в 3 месяца и 5", Reason.AMBIGUOUS),
        # Not orders over a period with its unit: two numbers, whatever the toggle says.
        ("2 раза в 3 парсека", Reason.AMBIGUOUS),
        ("2 times in 3", Reason.AMBIGUOUS),
        ("3 times in 2023", Reason.AMBIGUOUS),
        ("2 раза в месяц в 3 магазинах", Reason.AMBIGUOUS),
    ],
)
def test_a_count_over_a_counted_period_is_checked_as_a_frequency(
    text: str, reason: Reason
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_frequency(text)
    assert (caught.value.reason, caught.value.field) == (reason, "orders_per_month")
    assert caught.value.details["text"] == text


def test_a_bare_frequency_uses_the_default_period() -> None:
    assert parse_frequency("6", default_per="year") == 0.5
    assert parse_frequency("6 в месяц", default_per="year") == 6


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("1 200", 1200),
        ("1,200", 1200),
        ("1,2 тыс", 1200),
        ("1.001k", 1001),
        ("350 клиентов", 350),
        ("0", 0),
    ],
)
def test_counts(text: str, count: int) -> None:
    assert parse_count(text, field="customers_end") == count


REJECTIONS: list[tuple[Callable[[str], object], str, Reason]] = [
    (money, "", Reason.EMPTY),
    (money, " \t\u00a0\n", Reason.EMPTY),
    (money, "abc", Reason.NOT_A_NUMBER),
    (money, "1.2.3", Reason.NOT_A_NUMBER),
    (money, "12abc", Reason.NOT_A_NUMBER),
    (money, "--5", Reason.NOT_A_NUMBER),
    (money, "12 5", Reason.NOT_A_NUMBER),  # a space groups exactly three digits
    (money, "2,5 000", Reason.NOT_A_NUMBER),  # the decimal mark comes last
    (money, "١٢", Reason.NOT_A_NUMBER),  # digits of other scripts are refused, not guessed
    (money, "-5", Reason.NEGATIVE),
    (money, "$-5", Reason.NEGATIVE),
    (money, "\u22125 ₽", Reason.NEGATIVE),
    (money, "0", Reason.ZERO),
    (money, "nan", Reason.NOT_FINITE),
    (money, "inf", Reason.NOT_FINITE),
    (money, "-Infinity", Reason.NOT_FINITE),
    (money, "1e400", Reason.NOT_FINITE),
    (money, "1e15", Reason.TOO_LARGE),
    (money, "2 млрд", Reason.TOO_LARGE),
    (money, "1.5 people", Reason.UNKNOWN_UNIT),
    (money, "2,5м", Reason.UNKNOWN_UNIT),  # millions or months: neither is guessed
    (money, "30%", Reason.UNKNOWN_UNIT),
    (money, "$65 руб", Reason.CONFLICT),
    (money, "5-10", Reason.AMBIGUOUS),
    (money, "2k тыс", Reason.AMBIGUOUS),
    (margin, "120%", Reason.MARGIN_ABOVE_100),
    (margin, "-5%", Reason.NEGATIVE),
    (margin, "0", Reason.ZERO),
    (margin, "$30", Reason.UNKNOWN_UNIT),  # a currency is a unit a share cannot have
    (margin, "30 руб", Reason.UNKNOWN_UNIT),
    (margin, "30 %%", Reason.AMBIGUOUS),
    (churn, "100%", Reason.CHURN_100_OR_MORE),
    (churn, "150%", Reason.CHURN_100_OR_MORE),
    (parse_duration_months, "18 parsecs", Reason.UNKNOWN_UNIT),
    (parse_duration_months, "18 руб", Reason.UNKNOWN_UNIT),
    (parse_duration_months, "18 мес 2 года", Reason.AMBIGUOUS),
    (parse_duration_months, "2 года мес", Reason.AMBIGUOUS),
    (parse_duration_months, "200 лет", Reason.TOO_LARGE),
    (parse_frequency, "2 раза в парсек", Reason.UNKNOWN_UNIT),
    (parse_frequency, "раз в 0 месяцев", Reason.ZERO),
    (parse_frequency, "0", Reason.ZERO),
    (customers, "12.5", Reason.NOT_WHOLE),
    (customers, "-3", Reason.NEGATIVE),
    (customers, "0", Reason.TOO_SMALL),
    (customers, "1.5 people", Reason.NOT_WHOLE),
    (customers, "12 $", Reason.UNKNOWN_UNIT),
    (parse_number, "5 руб", Reason.UNKNOWN_UNIT),
]


@pytest.mark.parametrize(("parse", "text", "reason"), REJECTIONS)
def test_rejections_carry_a_reason(
    parse: Callable[[str], object], text: str, reason: Reason
) -> None:
    assert rejection(parse, text).reason is reason


def test_a_rejection_names_the_field_and_the_unit() -> None:
    error = rejection(parse_duration_months, "18 parsecs")
    assert error.field == "lifetime_months"
    assert error.details == {"unit": "parsecs", "text": "18 parsecs"}
    assert rejection(money, "$65 руб").details["currencies"] == ["RUB", "USD"]


def test_range_rejections_quote_the_text_too() -> None:
    error = rejection(money, "1e15")
    assert error.details == {"high": 1e9, "text": "1e15"}


def test_a_long_text_is_refused_unread_and_quoted_in_part() -> None:
    error = rejection(money, "1" * 10_000)
    assert error.reason is Reason.NOT_A_NUMBER
    assert error.details["too_long"] is True
    assert error.details["text"] == "1" * EXCERPT_LENGTH


def test_the_longest_allowed_text_is_read() -> None:
    assert rejection(money, "9" * MAX_LENGTH).reason is Reason.TOO_LARGE
    assert parse_number("  " + "0" * (MAX_LENGTH - 1) + "1  ") == 1


@pytest.mark.parametrize(
    "text",
    ["12\x00", "\x00", "\x1b12", "12\x7f", "2500 руб\u200b", "1 " * 5000],
)
def test_hostile_text_is_refused(text: str) -> None:
    assert rejection(money, text).reason is Reason.NOT_A_NUMBER


def test_every_alias_is_lower_case_because_the_text_is_lowered() -> None:
    aliases = [*CURRENCY_ALIASES, *(alias for table in UNIT_ALIASES.values() for alias in table)]
    assert [alias for alias in aliases if alias != alias.lower()] == []


# --- properties ----------------------------------------------------------------------------


def _typed(cents: int, style: str) -> str:
    english = f"{cents // 100:,}.{cents % 100:02d}"
    swapped = english.translate(str.maketrans(",.", ".,"))
    return {
        "plain": english.replace(",", ""),
        "en": english,
        "de": swapped,
        "ru": swapped.replace(".", " "),
        "ru_nbsp": swapped.replace(".", "\u00a0"),
        "ru_narrow": swapped.replace(".", "\u202f") + "\u00a0₽",
        "whole_en": f"{cents // 100:,}",
        "whole_ru": f"{cents // 100:,}".replace(",", " "),
    }[style]


STYLES = ["plain", "en", "de", "ru", "ru_nbsp", "ru_narrow", "whole_en", "whole_ru"]


@given(st.integers(0, 10**11), st.sampled_from(STYLES))
def test_amounts_typed_in_any_local_style_round_trip(cents: int, style: str) -> None:
    expected = cents // 100 if style.startswith("whole") else cents / 100
    assert parse_number(_typed(cents, style).replace("\u00a0₽", "")) == expected
    if expected:
        assert money(_typed(cents, style)).amount == expected


@given(st.floats(min_value=0, allow_infinity=False))
def test_any_float_written_by_python_round_trips(value: float) -> None:
    assert parse_number(repr(value)) == value


PARSERS: list[Callable[[str], object]] = [
    parse_number,
    money,
    margin,
    churn,
    parse_duration_months,
    parse_frequency,
    customers,
    annual_rate,
]
TYPED = st.text(st.sampled_from(list("0123456789 .,-+e%$₽/kкmмесгодразв\u00a0")), max_size=20)


@given(st.one_of(st.text(max_size=100), TYPED), st.sampled_from(PARSERS))
def test_no_text_raises_anything_but_invalid_input(
    text: str, parse: Callable[[str], object]
) -> None:
    try:
        parse(text)
        quoted = ""
    except InvalidInput as error:
        quoted = error.details["text"]
    assert len(quoted) <= EXCERPT_LENGTH


@pytest.mark.parametrize(
    ("text", "monthly"),
    [
        ("5%", 0.05),
        ("0.05", 0.05),
        ("5", 0.05),
        ("5% a month", 0.05),
        ("5%/mo", 0.05),
        ("15% monthly", 0.15),
        ("churn 5%", 0.05),
        ("Churn rate: 5%", 0.05),
        ("отток 5% в месяц", 0.05),
        ("30% a year", 1 - 0.7 ** (1 / 12)),  # compounded, not 30 / 12
        ("10% в квартал", 1 - 0.9 ** (1 / 3)),
        ("2% a week", 1 - 0.98 ** (365.25 / 12 / 7)),
        ("10% за 6 месяцев", 1 - 0.9 ** (1 / 6)),  # a period with its number
        ("10% в полгода", 1 - 0.9 ** (1 / 6)),
        ("10% per 6 months", 1 - 0.9 ** (1 / 6)),
        ("отток 10% за 2 года", 1 - 0.9 ** (1 / 24)),
        ("10% за месяц", 0.1),
    ],
)
def test_churn_as_people_say_it(text: str, monthly: float) -> None:
    assert parse_churn(text) == pytest.approx(monthly, rel=1e-3)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("100% a year", Reason.CHURN_100_OR_MORE),
        ("120%", Reason.CHURN_100_OR_MORE),
        ("5% a fortnight of love", Reason.UNKNOWN_UNIT),
        ("10% за 0 месяцев", Reason.ZERO),
        ("10% за 6", Reason.AMBIGUOUS),  # six of what?
        ("100% за 6 месяцев", Reason.CHURN_100_OR_MORE),
        ("", Reason.EMPTY),
    ],
)
def test_churn_that_cannot_be_used(text: str, reason: Reason) -> None:
    assert rejection(parse_churn, text).reason is reason


@pytest.mark.parametrize(
    ("parse", "text", "value"),
    [
        (money, "about $65", Money(65, "USD")),
        (money, "~65", Money(65, None)),
        (money, "примерно 2500", Money(2500, None)),
        (money, "средний чек 2 500 ₽", Money(2500, "RUB")),
        (money, "AOV: $65", Money(65, "USD")),
        (margin, "about 40%", 0.4),
        (margin, "30% margin", 0.3),
        (margin, "маржа 30%", 0.3),
        (margin, "margin about 30%", 0.3),
        (parse_churn, "Churn rate: 5% a month", 0.05),
        (customers, "около 1 200", 1200),
    ],
)
def test_a_hedge_and_the_fields_own_name_are_read_past(
    parse: Callable[[str], object], text: str, value: object
) -> None:
    expected = pytest.approx(value) if isinstance(value, float) else value
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("parse", "text"),
    [(margin, "30% churn"), (money, "2500 margin"), (margin, "наценка 50%")],  # a markup of 50 %
)
def test_another_fields_name_is_no_label(parse: Callable[[str], object], text: str) -> None:
    assert rejection(parse, text).reason is Reason.UNKNOWN_UNIT


def test_once_a_fortnight() -> None:
    assert parse_frequency("once a fortnight") == pytest.approx(30.4375 / 14)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("1 год 6 мес", 18),
        ("1 год и 6 месяцев", 18),
        ("1 год, 6 мес.", 18),
        ("2 years and 3 months", 27),
        ("1y 6m", 18),
        ("1,5 года 2 недели", 18 + 14 * 12 / 365.25),
    ],
)
def test_a_duration_in_several_units_is_their_sum(text: str, months: float) -> None:
    assert parse_duration_months(text) == pytest.approx(months)


@pytest.mark.parametrize(
    ("parse", "text", "value"),
    [
        (parse_money, "2500 🙂", Money(2500.0, None)),
        (parse_money, "👍🏻 2 500 ₽ ❤️", Money(2500.0, "RUB")),
        (lambda text: parse_share(text, field="margin"), "30% 🔥", 0.3),
        (parse_duration_months, "1 год 6 мес 😊", 18.0),
        (parse_frequency, "2 раза в месяц 👌", 2.0),
        (lambda text: parse_count(text, field="customers_start"), "🤔 200", 200),
        (parse_money, "💰 2500", Money(2500.0, None)),
    ],
)
def test_emoji_around_an_answer_are_ignored(
    parse: Callable[[str], object], text: str, value: object
) -> None:
    assert parse(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [("🙂", Reason.NOT_A_NUMBER), ("25🙂00", Reason.AMBIGUOUS), ("🙂 ", Reason.NOT_A_NUMBER)],
)
def test_emoji_inside_or_alone_are_no_number(text: str, reason: Reason) -> None:
    """Only what surrounds the number is dropped: an emoji between digits splits them."""
    assert rejection(parse_money, text).reason is reason
