"""The arguments of a one-line calculation: ``/ltv 2500 1.5 30% 18 1500`` or
``/ltv check=2500 freq=1.5/mo margin=30% life=18m cac=1500`` (Russian names too).

Every value goes through ``ltv_engine.parsing``; an error names the argument as the user knows
it (``aov``, ``frequency``, ``margin``, ``lifetime``, ``cac``) and quotes what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.model import Lifetime, LifetimeSource, LtvInputs
from ltv_engine.parsing import (
    SPELLED_FREQUENCY,
    UNIT_ALIASES,
    Kind,
    continues_a_spelled_number,
    names_the_field,
    only_a_hedge,
    parse_duration_months,
    parse_frequency,
    parse_money,
    parse_share,
    without_trailing_hedge,
)

POSITIONAL = ("aov", "frequency", "margin", "lifetime", "cac")
REQUIRED = ("aov", "frequency", "lifetime")  # margin and CAC may be left out when named
NAMES: Mapping[str, str] = {
    **dict.fromkeys(("order", "check", "aov", "avg"), "aov"),
    **dict.fromkeys(("freq", "frequency", "orders"), "frequency"),
    **dict.fromkeys(("margin",), "margin"),
    **dict.fromkeys(("life", "lifetime"), "lifetime"),
    **dict.fromkeys(("cac",), "cac"),
    **dict.fromkeys(("чек", "средний_чек"), "aov"),
    **dict.fromkeys(("частота",), "frequency"),
    **dict.fromkeys(("маржа", "маржинальность"), "margin"),
    **dict.fromkeys(("срок", "жизнь"), "lifetime"),
    **dict.fromkeys(("привлечение", "сас"), "cac"),  # "сас" in Cyrillic letters
}
SEPARATOR = "="
PLAIN_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")  # the span of "2 раза в 3 месяца"

T = TypeVar("T")


def parse_quick(arguments: str, *, currency: str) -> LtvInputs:
    """Inputs from the text after ``/ltv``; ``currency`` applies when no amount names one.

    Raises ``InvalidInput`` whose ``field`` is the argument at fault: MISSING for a required one
    not given, CONFLICT for one given twice (or CAC in another currency than the check),
    AMBIGUOUS for an unknown name or a value beyond the five positions, and the parser's reason
    for a value it cannot read (``details["argument"]`` holds the text typed).
    """
    values = _assign(_words(arguments))
    # What was typed is read first, in the order typed: "/ltv abc" is about "abc", not about
    # the frequency still to come.
    aov = _optional(values, "aov", lambda text: parse_money(text, field="aov"))
    frequency = _optional(values, "frequency", parse_frequency)
    margin = _optional(values, "margin", lambda text: parse_share(text, field="margin"))
    months = _optional(values, "lifetime", parse_duration_months)
    cac = _optional(values, "cac", lambda text: parse_money(text, field="cac"))
    if aov is None or frequency is None or months is None:
        raise InvalidInput(Reason.MISSING, next(name for name in REQUIRED if name not in values))
    shop_currency = aov.currency or currency
    if cac is not None and cac.currency and cac.currency != shop_currency:
        raise InvalidInput(
            Reason.CONFLICT,
            "cac",
            argument=values["cac"],
            expected=shop_currency,
            got=cac.currency,
        )
    return LtvInputs(
        aov=aov.amount,
        orders_per_month=frequency,
        lifetime=Lifetime(LifetimeSource.MONTHS, months=months),
        margin=margin,
        cac=None if cac is None else cac.amount,
        currency=shop_currency,
    )


def _words(arguments: str) -> list[str]:
    """Split on spaces into values: ``18 months``, ``2500 ₽``, ``2 раза в 3 месяца`` and
    ``every 3 weeks`` stay one value, ``life= 18`` keeps its name (see ``_continues``). A hedge
    after a value is dropped: "2500 около 2 раз" is "2500" and "2 раз"."""
    words: list[str] = []
    for word in arguments.split():
        if words and _continues(words[-1], word, first=len(words) == 1):
            value = words[-1]
            words[-1] = value + word if value.endswith(SEPARATOR) else _joined(value, word)
        else:
            words[-1:] = [without_trailing_hedge(value) for value in words[-1:]]
            words.append(word)
    words[-1:] = [without_trailing_hedge(value) for value in words[-1:]]
    return words


def _joined(value: str, word: str) -> str:
    """``word`` on the end of ``value``, a hedge in between dropped: "2 раза в ~" and "3"."""
    return without_trailing_hedge(value) + " " + word


def _continues(value: str, word: str, *, first: bool) -> bool:
    """Whether ``word`` goes on the value before it: after a name (``life= 18``) or a hedge
    ("около"); a number or a word after "в" / "per" / "every"; a word after "times" / "раз"; a
    word with no digit (a unit, a currency), but not after a share ("30% a year"). A word that
    can begin a frequency ("weekly", "every", "twice", "полтора") goes on only a count of
    orders (``2 monthly``, ``1 every 2 weeks``), and a lone dash never."""
    if value.endswith(SEPARATOR):
        return True
    if SEPARATOR in word or word in _DASHES:
        return False
    if only_a_hedge(value.rpartition(SEPARATOR)[2]):
        return True
    last = without_trailing_hedge(value).split()[-1].rpartition(SEPARATOR)[2].lower()
    has_digit = any(char.isdigit() for char in word)
    if last in UNIT_ALIASES[Kind.PER]:
        return not has_digit or PLAIN_NUMBER.fullmatch(word) is not None
    if last in UNIT_ALIASES[Kind.ORDERS]:  # "3 times every 2 years" is not over yet
        return not has_digit
    if continues_a_spelled_number(last, word):
        return True
    if word.lower().partition("-")[0] in _STARTS_A_VALUE:  # "twenty-four" too
        return _a_count_of_orders(value, first=first)
    if value.endswith("%"):  # a share takes its name, no unit: "30% a year" is two values
        return names_the_field(word, "margin")
    return not has_digit


def _a_count_of_orders(value: str, *, first: bool) -> bool:
    """A bare number in the frequency's place: named so, or unnamed and not the first value
    (the first is the order value: ``/ltv 2500 weekly`` is 2500 a week)."""
    name, separator, number = value.rpartition(SEPARATOR)
    if PLAIN_NUMBER.fullmatch(number.strip()) is None:
        return False
    if separator:
        return NAMES.get(name.strip().lower()) == "frequency"
    return not first


# Words that begin a frequency or a lifetime said in words, never a unit of the value before.
_STARTS_A_VALUE = frozenset(SPELLED_FREQUENCY) - {"other"} | {
    "half",  # "half a year"; "two and a half" goes on after "a"
    "every",
    "each",
    "каждый",
    "каждые",
    "каждую",
}
_DASHES = frozenset({"-", "—", "–"})


def _assign(words: list[str]) -> dict[str, str]:
    """Argument name -> the text typed for it. A positional value takes the next place in
    POSITIONAL order not named before it: ``2500 freq=1.5 30% 18`` is check, frequency, margin,
    lifetime."""
    values: dict[str, str] = {}
    position = 0
    for word in words:
        label, separator, text = word.partition(SEPARATOR)
        while not separator and position < len(POSITIONAL) and POSITIONAL[position] in values:
            position += 1
        if separator:
            name = NAMES.get(label.strip().lower())
            if name is None:
                raise InvalidInput(Reason.AMBIGUOUS, label.strip(), argument=word)
        elif position < len(POSITIONAL):
            name, text = POSITIONAL[position], word
            position += 1
        else:
            raise InvalidInput(Reason.AMBIGUOUS, None, argument=word)
        if name in values:
            raise InvalidInput(Reason.CONFLICT, name, argument=word)
        values[name] = text.strip()
    return values


def _optional(values: Mapping[str, str], name: str, parse: Callable[[str], T]) -> T | None:
    text = values.get(name)
    return None if text is None else _parsed(text, name, parse)


def _parsed(text: str, name: str, parse: Callable[[str], T]) -> T:
    """The argument's text parsed; an error names the argument and quotes the text."""
    try:
        return parse(text)
    except InvalidInput as error:
        raise InvalidInput(error.reason, name, **(error.details | {"argument": text})) from None
