"""Numbers as shop owners type them, in Russian and English: "2 500,50 ₽", "$65", "2,5 тыс",
"30%", "0.3", "18 мес", "1,5 года", "12 в год". Anything unusable raises InvalidInput.

Separators: when both ``,`` and ``.`` appear the last one is the decimal mark; a lone comma
followed by exactly three digits groups thousands ("2,500"), any other lone comma is decimal
("1,5"); spaces (also no-break ones) group thousands. Shares: with ``%`` a percent; without,
a value below 1 is a share (0.3) and 1 or more a percent (30).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.limits import check_range

MAX_LENGTH = 64
DAYS_PER_MONTH = 365.25 / 12

CURRENCIES: Mapping[str, str] = {
    **dict.fromkeys(("₽", "руб", "рублей", "рубля", "рубль", "р", "rub", "rur"), "RUB"),
    **dict.fromkeys(("$", "usd", "долл", "долларов", "доллара", "доллар", "dollars"), "USD"),
    **dict.fromkeys(("€", "eur", "евро", "euro", "euros"), "EUR"),
    **dict.fromkeys(("£", "gbp"), "GBP"),
    **dict.fromkeys(("₸", "kzt", "тенге", "тг"), "KZT"),
    **dict.fromkeys(("₴", "uah", "грн", "гривен"), "UAH"),
    **dict.fromkeys(("byn", "бел"), "BYN"),
    **dict.fromkeys(("¥", "cny", "юаней", "юань"), "CNY"),
    **dict.fromkeys(("₺", "try", "лир"), "TRY"),
}
MULTIPLIERS: Mapping[str, float] = {
    **dict.fromkeys(("k", "к", "тыс", "тысяч", "тысячи", "тысяча", "thousand", "th"), 1e3),
    **dict.fromkeys(("m", "mln", "млн", "million", "mio", "millions"), 1e6),
}
MONTH_WORDS = ("m", "mo", "mon", "mos", "month", "months", "мес", "месяц", "месяца", "месяцев")
YEAR_WORDS = ("y", "yr", "yrs", "year", "years", "г", "год", "года", "лет", "годы")
WEEK_WORDS = ("w", "wk", "wks", "week", "weeks", "нед", "неделя", "недели", "недель", "неделю")
DAY_WORDS = ("d", "day", "days", "дн", "день", "дня", "дней")
DURATION_MONTHS: Mapping[str, float] = {
    **dict.fromkeys(MONTH_WORDS, 1.0),
    **dict.fromkeys(YEAR_WORDS, 12.0),
    **dict.fromkeys(WEEK_WORDS, 7 / DAYS_PER_MONTH),
    **dict.fromkeys(DAY_WORDS, 1 / DAYS_PER_MONTH),
}
PERIODS_PER_MONTH: Mapping[str, float] = {
    **dict.fromkeys((*MONTH_WORDS, "monthly", "ежемесячно"), 1.0),
    **dict.fromkeys((*YEAR_WORDS, "yearly", "annually", "ежегодно"), 1 / 12),
    **dict.fromkeys((*WEEK_WORDS, "weekly", "еженедельно"), DAYS_PER_MONTH / 7),
    **dict.fromkeys((*DAY_WORDS, "daily", "ежедневно"), DAYS_PER_MONTH),
}
FREQUENCY_FILLERS = frozenset(
    {"раз", "раза", "times", "time", "x", "orders", "order", "заказ", "заказа", "заказов"}
    | {"покупки", "покупок", "покупка", "purchases", "purchase", "в", "per", "a", "an", "in"}
    | {"each", "every", "/", "за"}
)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_NUMBER = re.compile(r"\d+(?:[ .,']\d+)*(?:e[+-]?\d+)?")
_TOKEN = re.compile(r"%|/|[$€₽£¥₸₴₺]|[a-zа-яё]+")
_NON_FINITE = frozenset(("nan", "inf", "infinity", "-inf", "+inf", "∞", "бесконечность"))
_SIGNS = "-+−–"


@dataclass(frozen=True, slots=True)
class Money:
    amount: float
    currency: str | None


@dataclass(frozen=True, slots=True)
class _Reading:
    value: float  # signed, before any multiplier
    units: tuple[str, ...]  # words and symbols around the number, in order, lower case


def _fail(reason: Reason, field: str | None, text: str, **details: object) -> InvalidInput:
    return InvalidInput(reason, field, text=text[:40], **details)


def _read(text: str, field: str | None) -> _Reading:
    """Split a typed value into its number and the unit words around it."""
    if len(text) > MAX_LENGTH:
        raise _fail(Reason.NOT_A_NUMBER, field, text, too_long=True)
    cleaned = _SPACES.sub(" ", text).strip().lower().replace("ё", "е")
    if not cleaned:
        raise _fail(Reason.EMPTY, field, text)
    if cleaned.replace(" ", "") in _NON_FINITE:
        raise _fail(Reason.NOT_FINITE, field, text)
    match = _NUMBER.search(cleaned)
    if match is None:
        raise _fail(Reason.NOT_A_NUMBER, field, text)
    prefix, suffix = cleaned[: match.start()], cleaned[match.end() :]
    negative = _sign_of(prefix, field, text)
    if _NUMBER.search(suffix) or (suffix[:1].isalpha() and not _glued_unit_ok(suffix)):
        raise _fail(Reason.NOT_A_NUMBER, field, text)
    value = _to_float(match.group(0), field, text)
    units = tuple(_tokens(prefix.strip(" " + _SIGNS), field, text)) + tuple(
        _tokens(suffix, field, text)
    )
    return _Reading(-value if negative else value, units)


def _glued_unit_ok(suffix: str) -> bool:
    """'2.5k', '18m', '2500руб' are units typed without a space; '12abc' is not a number."""
    word = re.match(r"[a-zа-я]+", suffix)
    known = (*CURRENCIES, *MULTIPLIERS, *DURATION_MONTHS, *PERIODS_PER_MONTH, *FREQUENCY_FILLERS)
    return word is not None and word.group(0) in known


def _sign_of(prefix: str, field: str | None, text: str) -> bool:
    signs = [ch for ch in prefix if ch in _SIGNS]
    if len(signs) > 1:
        raise _fail(Reason.NOT_A_NUMBER, field, text)
    return signs[:1] in (["-"], ["−"], ["–"])


def _tokens(part: str, field: str | None, text: str) -> list[str]:
    tokens = _TOKEN.findall(part)
    leftover = _TOKEN.sub("", part).replace(".", "").strip()
    if leftover:
        raise _fail(Reason.NOT_A_NUMBER, field, text)
    return tokens


def _to_float(number: str, field: str | None, text: str) -> float:
    mantissa, _, exponent = number.partition("e")
    digits = _normalise_separators(mantissa.replace("'", " "), field, text)
    value = float(digits + (f"e{exponent}" if exponent else ""))
    if not math.isfinite(value):
        raise _fail(Reason.NOT_FINITE, field, text)
    return value


def _normalise_separators(number: str, field: str | None, text: str) -> str:
    if " " in number:
        head, *groups = number.split(" ")
        if not all(len(g.split(",")[0].split(".")[0]) == 3 for g in groups) or len(head) > 3:
            raise _fail(Reason.NOT_A_NUMBER, field, text)
        number = head + "".join(groups)
    if "," in number and "." in number:
        decimal = "," if number.rfind(",") > number.rfind(".") else "."
        grouping = "." if decimal == "," else ","
        whole, _, fraction = number.rpartition(decimal)
        return _grouped(whole, grouping, field, text) + "." + fraction
    for mark in (",", "."):
        if number.count(mark) > 1:
            return _grouped(number, mark, field, text)
    if "," in number:
        whole, fraction = number.split(",")
        is_thousands = len(fraction) == 3 and whole != "0"
        return whole + fraction if is_thousands else whole + "." + fraction
    return number


def _grouped(number: str, mark: str, field: str | None, text: str) -> str:
    head, *groups = number.split(mark)
    if not head or len(head) > 3 or any(len(g) != 3 for g in groups):
        raise _fail(Reason.NOT_A_NUMBER, field, text)
    return head + "".join(groups)


def _positive(value: float, field: str | None, text: str) -> float:
    if value < 0:
        raise _fail(Reason.NEGATIVE, field, text)
    return value


def _ranged(value: float, field: str | None, text: str) -> float:
    value = _positive(value, field, text)
    if field is None:
        return value
    try:
        return check_range(value, field)
    except InvalidInput as error:
        raise InvalidInput(error.reason, field, text=text[:40], **error.details) from None


def _multiplied(reading: _Reading, field: str | None, text: str) -> tuple[float, list[str]]:
    """Apply one 'k' / 'тыс' / 'млн'; return the value and the remaining units."""
    rest = list(reading.units)
    factors = [MULTIPLIERS[u] for u in rest if u in MULTIPLIERS]
    if len(factors) > 1:
        raise _fail(Reason.NOT_A_NUMBER, field, text)
    rest = [u for u in rest if u not in MULTIPLIERS]
    return reading.value * (factors[0] if factors else 1.0), rest


def parse_number(text: str, *, field: str | None = None) -> float:
    value, units = _multiplied(_read(text, field), field, text)
    if units:
        raise _fail(Reason.UNKNOWN_UNIT, field, text, unit=units[0])
    return _ranged(value, field, text)


def parse_money(text: str, *, field: str = "aov") -> Money:
    value, units = _multiplied(_read(text, field), field, text)
    unknown = [u for u in units if u not in CURRENCIES]
    if unknown:
        raise _fail(Reason.UNKNOWN_UNIT, field, text, unit=unknown[0])
    currencies = {CURRENCIES[u] for u in units}
    if len(currencies) > 1:
        raise _fail(Reason.CONFLICT, field, text, currencies=sorted(currencies))
    return Money(_ranged(value, field, text), currencies.pop() if currencies else None)


def parse_share(text: str, *, field: str) -> float:
    reading = _read(text, field)
    if any(u != "%" for u in reading.units) or len(reading.units) > 1:
        raise _fail(Reason.NOT_A_NUMBER, field, text)
    value = _positive(reading.value, field, text)
    is_percent = bool(reading.units) or value >= 1
    return _ranged(value / 100 if is_percent else value, field, text)


def parse_duration_months(
    text: str, *, default_unit: Literal["months", "years"] = "months"
) -> float:
    field = "lifetime_months"
    reading = _read(text, field)
    if len(reading.units) > 1:
        raise _fail(Reason.UNKNOWN_UNIT, field, text, unit=" ".join(reading.units))
    unit = reading.units[0] if reading.units else default_unit
    if unit not in DURATION_MONTHS:
        raise _fail(Reason.UNKNOWN_UNIT, field, text, unit=unit)
    return _ranged(reading.value * DURATION_MONTHS[unit], field, text)


def parse_frequency(text: str, *, default_per: Literal["month", "year"] = "month") -> float:
    """Orders per customer per MONTH, from '1,5', '12 в год', '2 times a month', '12/yr'."""
    field = "orders_per_month"
    reading = _read(text, field)
    periods = [u for u in reading.units if u not in FREQUENCY_FILLERS]
    if len(periods) > 1 or any(p not in PERIODS_PER_MONTH for p in periods):
        raise _fail(Reason.UNKNOWN_UNIT, field, text, unit=" ".join(periods))
    per_month = PERIODS_PER_MONTH[periods[0] if periods else default_per]
    return _ranged(reading.value * per_month, field, text)


def parse_count(text: str, *, field: str) -> int:
    value = parse_number(text, field=field)
    if not float(value).is_integer():
        raise _fail(Reason.NOT_WHOLE, field, text)
    return int(value)
