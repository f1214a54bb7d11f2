"""Numbers as a person of the chat's locale writes them: "486 000 ₽", "$486,000", "30%".

Babel knows each locale's symbols and currency patterns; formatting every number through it
costs ~50 µs, so each locale's symbols and each currency's place are learnt from Babel once
and applied with Python's own formatting.
"""

from __future__ import annotations

import math
from functools import cache, partial
from typing import NamedTuple

from babel import Locale
from babel.numbers import format_currency, get_currency_symbol
from markupsafe import Markup, escape

WHOLE_FROM = 1000.0  # from here on money is shown in whole units
MONTHS_A_YEAR = 12
FACTOR_DIGITS = range(2, 7)  # decimals tried for the factors of an LTV, fewest first
NOISE = 1e-9  # relative: 0.6 × 12 is 7.199999999999999, and exactly 7.2 all the same
SIGNS_LOCALE = "ru"  # whose currency signs stand in where a locale has none (₽, ₴)
_SAMPLE = 1234567.25


_FIXED_DIGITS = 7  # the format specs of 0..6 decimals are built once
_GROUPED_SPECS = tuple(f"_.{digits}f" for digits in range(_FIXED_DIGITS))
_PLAIN_SPECS = tuple(f"%.{digits}f" for digits in range(_FIXED_DIGITS))
_UNGROUPED_BELOW = 999.0  # no rounding takes a smaller number to 1 000: no group separator
_NOT_FINITE = "—"
_markup = partial(str.__new__, Markup)  # Markup(text) without its Python-level __new__ checks


def _digits(size: float, digits: int) -> str:
    """``size`` (>= 0) with ``digits`` decimals as Python writes it: "_" groups, "." decimals."""
    if not 0 <= digits < _FIXED_DIGITS:
        return format(size, f"_.{digits}f")
    if size < _UNGROUPED_BELOW:
        return _PLAIN_SPECS[digits] % size
    return format(size, _GROUPED_SPECS[digits])


class LocaleNumbers:
    """``money``, ``percent`` and ``num`` of one locale: the template filters call these, so the
    locale's symbols are looked up once, and each currency's symbol and place once.

    Their text is safe in HTML: digits and the locale's symbols, and money is Markup whose
    currency symbol was escaped when learnt (a currency is any string a user may have typed).
    """

    def __init__(self, locale: str) -> None:
        self._locale = locale
        symbols = Locale.parse(locale).number_symbols["latn"]
        self._group: str = symbols["group"]
        self._decimal: str = symbols["decimal"]
        self._affixes: dict[str, tuple[str, str]] = {}  # currency -> (prefix, suffix)

    def money(self, value: float, currency: str, cents: bool = False) -> Markup:
        """Rounded money: whole units from 1 000 up (and for whole amounts), cents below; with
        ``cents``, cents wherever the value has them (an amount as the owner typed it)."""
        affixes = self._affixes.get(currency)
        if affixes is None:
            affixes = self._affixes[currency] = self._currency_affixes(currency)
        if WHOLE_FROM <= value < math.inf and not cents:  # most of a reply's figures: ~20 % faster
            prefix, suffix = affixes
            return _markup(prefix + format(value, "_.0f").replace("_", self._group) + suffix)
        if not math.isfinite(value):
            return _markup(_NOT_FINITE)
        size = abs(value)
        if size >= WHOLE_FROM and not cents:
            text = format(size, "_.0f")
        else:
            text = _digits(size, 2)
            if text.endswith(".00"):
                text = text[:-3]
        prefix, suffix = affixes
        return _markup(self._localized(text, value < 0, prefix, suffix))

    def money_change(self, new: float, old: float, currency: str) -> Markup:
        """The signed difference of ``new`` and ``old`` as ``money`` shows them, so a reader
        who subtracts the shown figures gets it: "+9 105 ₽". It is of whole units when either
        figure is shown in them, as "1 209 ₽ (+356 ₽)" reads and "(+355,56 ₽)" would not."""
        if abs(new) >= WHOLE_FROM or abs(old) >= WHOLE_FROM:
            change: float = round(new) - round(old)
        else:
            change = round(new, 2) - round(old, 2)
        text = self.money(change, currency)
        return text if change < 0 else _markup(f"+{text}")  # Markup's own + escapes: slower

    def percent(self, share: float, digits: int = 1) -> str:
        return self.num(share * 100, digits) + "%"

    def percent_at_least(self, share: float, digits: int = 2) -> str:
        """A lower bound as a percent rounded up, so that the value shown passes it: 1/1200
        (0,0833 %) is "0,09%", and 0.0005 "0,05%" (float noise is not rounded up)."""
        scale = 10.0**digits
        return self.percent(math.ceil(round(share * 100 * scale, 6)) / scale / 100, digits)

    def num(self, value: float, digits: int = 1) -> str:
        """Up to ``digits`` decimals, trailing zeros dropped: 1.768 -> "1.8", 2.0 -> "2"."""
        if not math.isfinite(value):
            return _NOT_FINITE
        text = _digits(abs(value), digits)
        if value and not text.strip("0._"):  # 0.004 is no "0": two significant digits
            text = _digits(abs(value), _significant(value))
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return self._localized(text, value < 0)

    def _localized(self, text: str, negative: bool, prefix: str = "", suffix: str = "") -> str:
        sign = "-" if negative and text.strip("0.") else ""  # no "-0"
        text = text.replace(".", self._decimal).replace("_", self._group)
        return f"{sign}{prefix}{text}{suffix}"

    def _currency_affixes(self, currency: str) -> tuple[str, str]:
        """What Babel writes before and after the number, HTML-escaped: ("", "\xa0₽").

        Where the locale knows no sign for the currency (English has "RUB"), the sign of the
        locale our shops write in stands in, as on the bot's buttons: "₽2,500"; with no sign
        at all, the code goes after the number: "2,500 XYZ", as "XYZ2,500" reads badly.
        """
        pattern = Locale.parse(self._locale).currency_formats["standard"].pattern
        sign = currency_sign(currency, self._locale)
        if sign == currency:
            pattern = "#,##0.00\xa0¤"
        sample = format_currency(_SAMPLE, currency, format=pattern, locale=self._locale)
        prefix, _, suffix = sample.partition(self._localized(_digits(_SAMPLE, 2), False))
        if sign != currency:
            prefix, suffix = prefix.replace(currency, sign), suffix.replace(currency, sign)
        return str(escape(prefix)), str(escape(suffix))


def _significant(value: float) -> int:
    """The decimals that show two significant digits of ``value`` (non-zero): 0.004 -> 3."""
    return 1 - math.floor(math.log10(abs(value)))


def shown_money(value: float) -> float:
    """``value`` rounded as ``money`` shows it: to whole units from WHOLE_FROM up, else cents."""
    return round(value) if abs(value) >= WHOLE_FROM else round(value, 2)


def shown_num(value: float, digits: int) -> float:
    """``value`` rounded as ``num(value, digits)`` shows it."""
    return round(value, digits) or (value and round(value, _significant(value)))


class Factors(NamedTuple):
    """How the line "order value × frequency × lifetime × margin" shows an LTV."""

    per_year: bool  # orders a year and the lifetime in years, else a month and months
    orders: float  # a year or a month
    lifetime: float  # years or months
    digits: int  # the decimals of orders and lifetime; the margin's percent takes one fewer

    def orders_of(self, orders_per_month: float) -> float:
        """Another frequency in the same unit, as a what-if states the new one."""
        return orders_per_month * MONTHS_A_YEAR if self.per_year else orders_per_month


_factors = partial(tuple.__new__, Factors)  # skips the Python-level Factors.__new__


def ltv_factors(
    aov: float, orders_per_month: float, lifetime_months: float, margin: float | None
) -> Factors:
    """The factors of an LTV with the fewest decimals whose shown values multiply to the LTV as
    ``money`` shows it: an owner checks the line by hand.

    They are per year where both the orders a year and the years are exact and multiply to the
    LTV, and the orders a month are below one or have no end of decimals: "0,5 заказа в год ×
    5 лет", "100 заказов в год × 1,5 года" (not "8,3333 заказа в месяц × 18 мес."); else per
    month, as "1,125 заказа в месяц" was typed. The order value is shown with its cents
    (``money(cents=True)``: "2 500,50 ₽"), as rounding it could miss the LTV by more than the
    others can make up. Factors that no decimals of FACTOR_DIGITS bring there are shown with the
    last, the nearest.
    """
    share = 1.0 if margin is None else margin
    order_value = round(aov, 2)
    # the LTV as calculate multiplies it, unless the order value has fractions of a cent
    target = shown_money(order_value * orders_per_month * lifetime_months * share)
    points = share * 100
    few, most = FACTOR_DIGITS[0], FACTOR_DIGITS[-1]
    if orders_per_month < 1 or not _exact(orders_per_month, most):
        a_year, years = orders_per_month * MONTHS_A_YEAR, lifetime_months / MONTHS_A_YEAR
        if _exact(a_year, few) and _exact(years, few):
            digits = _fewest_digits(order_value, a_year, years, points, target)
            if digits is not None:
                return _factors((True, a_year, years, digits))
    digits = _fewest_digits(order_value, orders_per_month, lifetime_months, points, target)
    return _factors((False, orders_per_month, lifetime_months, most if digits is None else digits))


def _fewest_digits(
    order_value: float, orders: float, lifetime: float, points: float, target: float
) -> int | None:
    """The fewest decimals of FACTOR_DIGITS with which the factors multiply to ``target`` as
    money shows it; None if none do.

    Strictly within half a shown unit of the target (no tie an owner may round either way), a
    product is shown as the target, but near 1 000, where money changes its unit: the cheap test
    first, money's own rounding to confirm."""
    half = 0.5 if abs(target) >= WHOLE_FROM else 0.005
    for digits in FACTOR_DIGITS:  # round(...) or shown_num(...): shown_num, inlined (hot)
        shown = (
            order_value
            * (round(orders, digits) or shown_num(orders, digits))
            * (round(lifetime, digits) or shown_num(lifetime, digits))
            * (round(points, digits - 1) or shown_num(points, digits - 1))
            / 100
        )
        if abs(shown - target) < half and shown_money(shown) == target:
            return digits
    return None


def _exact(value: float, digits: int) -> bool:
    """``value`` has no more than ``digits`` decimals, float noise aside."""
    return abs(round(value, digits) - value) < NOISE * value


def currency_sign(currency: str, locale: str) -> str:
    """The locale's sign for the currency, else the one of SIGNS_LOCALE ("₽" in English), else
    the code itself."""
    sign = str(get_currency_symbol(currency, locale))
    return sign if sign != currency else str(get_currency_symbol(currency, SIGNS_LOCALE))


@cache
def numbers(locale: str) -> LocaleNumbers:
    return LocaleNumbers(locale)


def money(value: float, currency: str, locale: str) -> Markup:
    return numbers(locale).money(value, currency)


def percent(share: float, locale: str, digits: int = 1) -> str:
    return numbers(locale).percent(share, digits)


def num(value: float, locale: str, digits: int = 1) -> str:
    return numbers(locale).num(value, digits)


def plural(count: float, locale: str, *forms: str) -> str:
    """The word form for ``count``: ru takes (one, few, many), en takes (one, other)."""
    if locale != "ru":
        return forms[0] if count == 1 else forms[-1]
    if not float(count).is_integer():
        return forms[1]
    whole = abs(int(count))
    if whole % 10 == 1 and whole % 100 != 11:
        return forms[0]
    if 2 <= whole % 10 <= 4 and not 12 <= whole % 100 <= 14:
        return forms[1]
    return forms[2]
