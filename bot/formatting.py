"""Numbers as a person of the chat's locale writes them: "486 000 ₽", "$486,000", "30%".

Babel knows each locale's symbols and currency patterns; formatting every number through it
costs ~50 µs, so each locale's symbols and each currency's place are learnt from Babel once
and applied with Python's own formatting.
"""

from __future__ import annotations

import math
from functools import cache, partial

from babel import Locale
from babel.numbers import format_currency, get_currency_symbol
from markupsafe import Markup, escape

WHOLE_FROM = 1000.0  # from here on money is shown in whole units
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

    def money(self, value: float, currency: str) -> Markup:
        """Rounded money: whole units from 1 000 up (and for whole amounts), cents below."""
        if not math.isfinite(value):
            return _markup(_NOT_FINITE)
        affixes = self._affixes.get(currency)
        if affixes is None:
            affixes = self._affixes[currency] = self._currency_affixes(currency)
        size = abs(value)
        if size >= WHOLE_FROM:
            text = format(size, "_.0f")
        else:
            text = _digits(size, 2)
            if text.endswith(".00"):
                text = text[:-3]
        prefix, suffix = affixes
        return _markup(self._localized(text, value < 0, prefix, suffix))

    def percent(self, share: float, digits: int = 1) -> str:
        return self.num(share * 100, digits) + "%"

    def num(self, value: float, digits: int = 1) -> str:
        """Up to ``digits`` decimals, trailing zeros dropped: 1.768 -> "1.8", 2.0 -> "2"."""
        if not math.isfinite(value):
            return _NOT_FINITE
        text = _digits(abs(value), digits)
        if value and not text.strip("0._"):  # 0.004 is no "0": two significant digits
            text = _digits(abs(value), 1 - math.floor(math.log10(abs(value))))
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
