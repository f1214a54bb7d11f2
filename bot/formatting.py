"""Numbers as a person of the chat's locale writes them: "486 000 ₽", "$486,000", "30%".

Babel knows each locale's symbols and currency patterns; formatting every number through it
costs ~50 µs, so each (locale, currency) shape is learnt from Babel once and applied with
Python's own formatting.
"""

from __future__ import annotations

import math
from functools import cache

from babel import Locale
from babel.numbers import format_currency, get_currency_symbol

WHOLE_FROM = 1000.0  # from here on money is shown in whole units
_SAMPLE = 1234567.25


_FIXED_DIGITS = 7  # the format specs of 0..6 decimals are built once
_PLAIN_SPECS = tuple(f"%.{digits}f" for digits in range(_FIXED_DIGITS))
_UNGROUPED_BELOW = 999.0  # no rounding takes a smaller number to 1 000: no group separator


class _Shape:
    """How one locale writes a number, with a currency's symbol around it for money."""

    __slots__ = ("_grouped_specs", "_native", "_separator", "decimal", "group", "prefix", "suffix")

    def __init__(self, group: str, decimal: str, prefix: str = "", suffix: str = "") -> None:
        self.group = group
        self.decimal = decimal
        self.prefix = prefix
        self.suffix = suffix
        # Python writes "," or "_" between groups and "." before decimals: a locale that uses
        # "," and "." itself needs no replacing afterwards.
        self._native = group == "," and decimal == "."
        self._separator = "," if self._native else "_"
        self._grouped_specs = tuple(
            f"{self._separator}.{digits}f" for digits in range(_FIXED_DIGITS)
        )

    def apply(self, value: float, digits: int, *, trim: bool = False) -> str:
        size = abs(value)
        if not 0 <= digits < _FIXED_DIGITS:
            text = format(size, f"{self._separator}.{digits}f")
        elif size < _UNGROUPED_BELOW:
            text = _PLAIN_SPECS[digits] % size
        else:
            text = format(size, self._grouped_specs[digits])
        if trim and "." in text:
            text = text.rstrip("0").rstrip(".")
        return self._finish(text, value < 0)

    def apply_cents(self, value: float) -> str:
        """Two decimals, or none when they are both zero: "12.50", "12"."""
        size = abs(value)
        if size < _UNGROUPED_BELOW:
            text = _PLAIN_SPECS[2] % size
        else:
            text = format(size, self._grouped_specs[2])
        if text.endswith(".00"):
            text = text[:-3]
        return self._finish(text, value < 0)

    def _finish(self, text: str, negative: bool) -> str:
        sign = "-" if negative and text.strip("0.") else ""  # no "-0"
        if not self._native:
            text = text.replace(".", self.decimal).replace("_", self.group)
        return f"{sign}{self.prefix}{text}{self.suffix}"


@cache
def _number_shape(locale: str) -> _Shape:
    symbols = Locale.parse(locale).number_symbols["latn"]
    return _Shape(group=symbols["group"], decimal=symbols["decimal"])


@cache
def _money_shape(locale: str, currency: str) -> _Shape:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    if get_currency_symbol(currency, locale) == currency:  # "RUB486,000" reads badly
        pattern = "#,##0.00\xa0¤"
    sample = format_currency(_SAMPLE, currency, format=pattern, locale=locale)
    number = _number_shape(locale).apply(_SAMPLE, 2)
    prefix, _, suffix = sample.partition(number)
    return _Shape(_number_shape(locale).group, _number_shape(locale).decimal, prefix, suffix)


class LocaleNumbers:
    """``money``, ``percent`` and ``num`` of one locale: the template filters call these, so the
    shapes are looked up once per locale and once per currency rather than on every number."""

    def __init__(self, locale: str) -> None:
        self._locale = locale
        self._number = _number_shape(locale)
        self._money: dict[str, _Shape] = {}

    def money(self, value: float, currency: str) -> str:
        """Rounded money: whole units from 1 000 up (and for whole amounts), cents below."""
        if not math.isfinite(value):
            return "—"
        shape = self._money.get(currency)
        if shape is None:
            shape = self._money[currency] = _money_shape(self._locale, currency)
        if abs(value) >= WHOLE_FROM:
            return shape.apply(value, 0)
        return shape.apply_cents(value)

    def percent(self, share: float, digits: int = 1) -> str:
        return self.num(share * 100, digits) + "%"

    def num(self, value: float, digits: int = 1) -> str:
        """Up to ``digits`` decimals, trailing zeros dropped: 1.768 -> "1.8", 2.0 -> "2"."""
        if not math.isfinite(value):
            return "—"
        return self._number.apply(value, digits, trim=True)


@cache
def numbers(locale: str) -> LocaleNumbers:
    return LocaleNumbers(locale)


def money(value: float, currency: str, locale: str) -> str:
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
