"""Numbers as a person of the chat's locale writes them: "486 000 ₽", "$486,000", "30 %"."""

from __future__ import annotations

import math

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_symbol

WHOLE_FROM = 1000.0  # from here on money is shown in whole units


def money(value: float, currency: str, locale: str) -> str:
    """Rounded money: whole units from 1 000 up, cents below, never a raw float."""
    if not math.isfinite(value):
        return "—"
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    if get_currency_symbol(currency, locale) == currency:  # "RUB486,000" reads badly
        pattern = "#,##0.00\xa0¤"
    if abs(value) >= WHOLE_FROM or float(value).is_integer():
        pattern = pattern.replace(".00", "")
        value = round(value)
    return format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)


def percent(share: float, locale: str, digits: int = 1) -> str:
    fraction = "#" * digits
    pattern = f"#,##0.{fraction}%" if digits else "#,##0%"
    return format_percent(share, format=pattern, locale=locale)


def num(value: float, locale: str, digits: int = 1) -> str:
    pattern = f"#,##0.{'#' * digits}" if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=locale)


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
