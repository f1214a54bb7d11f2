"""The arguments of a one-line calculation: ``/ltv 2500 1.5 30% 18 1500``,
``/ltv check=2500 freq=1.5/mo margin=30% life=18m cac=1500`` or, as people write,
``/ltv средний чек 2500, 2 раза в месяц, маржа 30%, срок 18 мес`` (Russian names too). The
monthly churn may stand for the lifetime, always by its name: ``/ltv 2500 1.5 30% отток 5%``.

Every value goes through ``ltv_engine.parsing``; an error names the argument as the user knows
it (``aov``, ``frequency``, ``margin``, ``lifetime``, ``churn``, ``cac``) and quotes what was
typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Set
from typing import TypeVar

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.model import Lifetime, LifetimeSource, LtvInputs
from ltv_engine.parsing import (
    SPELLED_FREQUENCY,
    UNIT_ALIASES,
    Kind,
    continues_a_duration,
    continues_a_spelled_number,
    only_a_hedge,
    only_a_span,
    parse_calculable_churn,
    parse_duration_months,
    parse_frequency,
    parse_money,
    parse_number,
    parse_share,
    without_trailing_hedge,
)

POSITIONAL = ("aov", "frequency", "margin", "lifetime", "cac")  # the churn only by its name
# One of each; the margin and the CAC may be left out when named.
REQUIRED = (("aov",), ("frequency",), ("lifetime", "churn"))
STANDS_FOR = {"churn": "lifetime"}  # a churn named takes the lifetime's place: "… отток 5% 1500"
NAMES: Mapping[str, str] = {
    **dict.fromkeys(("order", "check", "aov", "avg"), "aov"),
    **dict.fromkeys(("freq", "frequency", "orders"), "frequency"),
    **dict.fromkeys(("margin",), "margin"),
    **dict.fromkeys(("life", "lifetime"), "lifetime"),
    **dict.fromkeys(("cac",), "cac"),
    **dict.fromkeys(("churn", "отток"), "churn"),
    **dict.fromkeys(("чек", "средний_чек"), "aov"),
    **dict.fromkeys(("частота",), "frequency"),
    **dict.fromkeys(("маржа", "маржинальность"), "margin"),
    **dict.fromkeys(("срок", "жизнь"), "lifetime"),
    **dict.fromkeys(("acquisition",), "cac"),
    **dict.fromkeys(("привлечение", "привлечения", "сас"), "cac"),  # "сас" in Cyrillic letters
}
# Words that go with a name in a label ("average order value", "срок жизни клиента") and name
# no argument alone.
LABEL_FILLERS = frozenset(
    {"average", "gross", "value", "purchase", "customer", "cost"}
    | {"средний", "средняя", "жизни", "клиента", "клиентов", "покупок", "стоимость"}
)
SEPARATOR = "="
LABEL_ENDS = ":"  # "cac: 1500" is "cac=1500"
CLOSERS = ",;"  # end a value: "2500, 2 раза в месяц, 30%"
_PARTED = re.compile(r"[,;]\s")
_WORD = re.compile(r"[^\W\d_]{2,}")  # a unit or a number said in letters, not "e" of 1e3
_THOUSANDS_GAP = re.compile(r"(?<![\d.,])(\d{1,3})[ \u00a0\u202f](?=\d{3}(?![\d.]))")
PLAIN_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")  # the span of "2 раза в 3 месяца"
# An amount written in groups of thousands, "1 200" or "$12 500,50 ₽": its head, then each group.
_GROUPS_HEAD = re.compile(r"[$€₽]?\d{1,3}")
_GROUP = re.compile(r"\d{3}(?:[.,]\d{1,2})?(?: ?(?:[$€₽]|руб\.?|р\.?))?", re.IGNORECASE)
AMOUNTS = ("aov", "cac")

T = TypeVar("T")


def parse_quick(arguments: str, *, currency: str) -> LtvInputs:
    """Inputs from the text after ``/ltv``; ``currency`` applies when no amount names one.

    Raises ``InvalidInput`` whose ``field`` is the argument at fault: MISSING for a required one
    not given (``details["given"]``: the names of those that were; "lifetime" when neither the
    lifetime nor the churn was), CONFLICT for one given twice (or CAC in another currency than
    the check; on "churn" with ``details["lifetime"]`` when the lifetime was given too), AMBIGUOUS
    for an unknown name or a value beyond the five positions, and the parser's reason for a value
    it cannot read (``details["argument"]`` holds the text typed). Too long a lifetime after a
    bare number in the margin's place carries the other reading in ``details["without_margin"]``
    (see ``_lifetime_months``); a lifetime missing after one ("2500 1.5 18") carries the line
    read with that number as the lifetime in months in ``details["margin_as_lifetime"]``.
    """
    values, by_position = _assign(_words(arguments), arguments)
    if "lifetime" in values and "churn" in values:  # before either is read: which one is meant?
        raise InvalidInput(
            Reason.CONFLICT, "churn", argument=values["churn"], lifetime=values["lifetime"]
        )
    # What was typed is read first, in the order typed: "/ltv abc" is about "abc", not about
    # the frequency still to come.
    aov = _optional(values, "aov", lambda text: parse_money(text, field="aov"))
    frequency = _optional(values, "frequency", parse_frequency)
    margin = _optional(values, "margin", lambda text: parse_share(text, field="margin"))
    lifetime = _lifetime(values, by_position)
    cac = _optional(values, "cac", lambda text: parse_money(text, field="cac"))
    if aov is None or frequency is None or lifetime is None:
        raise _missing(values, by_position)
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
        lifetime=lifetime,
        margin=margin,
        cac=None if cac is None else cac.amount,
        currency=shop_currency,
    )


def _missing(values: Mapping[str, str], by_position: Set[str]) -> InvalidInput:
    """The error for the first required value given in none of its ways."""
    missing = next(names[0] for names in REQUIRED if values.keys().isdisjoint(names))
    error = InvalidInput(Reason.MISSING, missing, given=sorted(values))
    if missing == "lifetime" and _a_bare_number_as_margin(values, by_position):
        error.details["margin_as_lifetime"] = _read_margin_as_lifetime(values)
    return error


def _lifetime(values: Mapping[str, str], by_position: Set[str]) -> Lifetime | None:
    """The lifetime given in months or by the monthly churn (never both); None when neither."""
    months = _lifetime_months(values, by_position)
    if months is not None:
        return Lifetime(LifetimeSource.MONTHS, months=months)
    churn = _optional(values, "churn", parse_calculable_churn)
    return None if churn is None else Lifetime(LifetimeSource.CHURN, monthly_churn=churn)


def _words(arguments: str) -> list[str]:
    """Split on spaces into values: ``18 months``, ``2500 ₽``, ``2 раза в 3 месяца`` and
    ``every 3 weeks`` stay one value, ``life= 18`` keeps its name (see ``_continues``). A comma
    or a semicolon ends a value; a name in words becomes the value's name: "маржа 30%" is
    ``маржа=30%``. A hedge after a value is dropped: "2500 около 2 раз" is "2500" and "2 раз"."""
    words: list[str] = []
    value_open = False
    if _PARTED.search(arguments):  # values parted by commas: "2 500 ₽" in one is one number
        arguments = _THOUSANDS_GAP.sub(r"\1", arguments)
    for typed in arguments.split():
        word = _named(typed.rstrip(CLOSERS))
        if word and value_open and _continues(words[-1], word, first=len(words) == 1):
            words[-1] = _glued(words[-1], word)
        elif word:
            words[-1:] = [without_trailing_hedge(value) for value in words[-1:]]
            words.append(word)
        value_open = typed[-1] not in CLOSERS
    return [_closed(value) for value in words]


def _named(word: str) -> str:
    """``cac:`` and ``cac:1500`` as ``cac=`` and ``cac=1500``."""
    label, colon, rest = word.partition(LABEL_ENDS)
    return label + SEPARATOR + rest if colon and _label_words(label) else word


def _closed(value: str) -> str:
    """A finished value: a trailing hedge dropped, and a name with no value after it named
    (``margin`` is ``margin=``: an empty margin, not a margin called "margin")."""
    value = without_trailing_hedge(value)
    return value + SEPARATOR if _label_words(value) else value


def _glued(value: str, word: str) -> str:
    """``word`` on the end of ``value``: a value after a name in words takes ``=``."""
    if value.endswith(SEPARATOR):
        return value + word
    if _label_words(value) and not _label_words(word.partition(SEPARATOR)[0]):
        return value + SEPARATOR + word
    return _joined(value, word)


def _label_words(text: str) -> bool:
    """``text`` is only words of names: "margin", "Средний чек", "customer lifetime"."""
    words = text.lower().split()
    return bool(words) and all(word in NAMES or word in LABEL_FILLERS for word in words)


def _starts_a_name(word: str) -> bool:
    """``word`` begins a new named value even right after a number: a name or a filler that is
    no unit (``2 orders`` is a frequency, not the check named "orders")."""
    return _label_words(word) and word.lower() not in _UNIT_WORDS


def _names_another_field(label: str, word: str) -> bool:
    """``word`` names a field the name before it does not: "маржа" + "срок" or "margin" +
    "life=" are two names, each with its own value; "order" + "frequency" is one (an order is
    also a unit of frequency)."""
    named = {NAMES[w] for w in label.lower().split() if w in NAMES and w not in _UNIT_WORDS}
    other = NAMES.get(word.lower()) if word.lower() not in _UNIT_WORDS else None
    return other is not None and bool(named) and other not in named


def _field_named(label: str) -> str | None:
    """The argument a name stands for: its last word that names one ("average order value" is
    the check, "order frequency" the frequency); None when a word names nothing."""
    named = [NAMES.get(word) for word in label.lower().split() if word not in LABEL_FILLERS]
    return named[-1] if named and None not in named else None


def _joined(value: str, word: str) -> str:
    """``word`` on the end of ``value``, a hedge in between dropped: "2 раза в ~" and "3"; a
    value that is hedges alone so far is dropped whole ("около" and "2500" is "2500"), so a line
    of hedges is read in linear time."""
    name, separator, typed = value.rpartition(SEPARATOR)
    if only_a_hedge(typed):
        return name + separator + word
    return without_trailing_hedge(value) + " " + word


def _continues(value: str, word: str, *, first: bool) -> bool:
    """Whether ``word`` goes on the value before it: after a name (``life= 18``) or a hedge
    ("около"); a number or a word after "в" / "per" / "every"; a word after "times" / "раз"; a
    word with no digit (a unit, a currency), but not after a share ("30% a year"). A word that
    can begin a frequency ("weekly", "every", "twice", "полтора") goes on only a count of
    orders (``2 monthly``, ``1 every 2 weeks``), and a lone dash never; "раз", "раза" and
    "times" go on no amount given for the check ("2500 раз в месяц", "2500 ₽ times a month")."""
    if value.endswith(SEPARATOR):
        return True
    if _label_words(value):  # "средний" + "чек", "маржа" + "30%"
        return not _names_another_field(value, word.partition(SEPARATOR)[0])
    if SEPARATOR in word or word in _DASHES:
        return False
    if _starts_a_name(word):
        return False
    if only_a_hedge(value.rpartition(SEPARATOR)[2]):
        return True
    if word.lower() in _TIMES and _the_checks_amount(value, first=first):
        return False  # "2500 раз в месяц", "2500 ₽ times a month": the check, then the frequency
    last = without_trailing_hedge(value).split()[-1].rpartition(SEPARATOR)[2].lower()
    has_digit = any(char.isdigit() for char in word)
    if last in UNIT_ALIASES[Kind.PER]:
        return not has_digit or PLAIN_NUMBER.fullmatch(word) is not None
    if last in UNIT_ALIASES[Kind.ORDERS]:  # "3 times every 2 years" is not over yet
        return not has_digit
    if continues_a_spelled_number(last, word):
        return True
    if _begins_a_frequency_said_in_words(word):  # or a churn's period: "churn 5% monthly"
        return _a_count_of_orders(value, first=first) or _a_churn(value)
    if value.endswith("%") and not _a_churn(value):
        # A share takes no unit: "30% a year" is two values. A churn takes its period:
        # "отток 5% в месяц", "churn 30% a year".
        return False
    return not has_digit


def _a_churn(value: str) -> bool:
    name, separator, _ = value.rpartition(SEPARATOR)
    return bool(separator) and _field_named(name) == "churn"


def _the_checks_amount(value: str, *, first: bool) -> bool:
    """``value`` is an amount ("2500", "2500 ₽", "2,5 тыс") given for the check: named so, or
    the first value and unnamed."""
    name, separator, typed = value.rpartition(SEPARATOR)
    is_the_check = _field_named(name) == "aov" if separator else first
    amount = without_trailing_hedge(typed).strip()
    return is_the_check and _reads(lambda text: parse_money(text, field="aov"), amount)


def _begins_a_frequency_said_in_words(word: str) -> bool:
    """ "once", "twice", "weekly", "every", "пару", "twenty-four": a frequency's first word."""
    return word.lower().partition("-")[0] in _STARTS_A_VALUE


def _a_count_of_orders(value: str, *, first: bool) -> bool:
    """A bare number in the frequency's place: named so, or unnamed and not the first value
    (the first is the order value: ``/ltv 2500 weekly`` is 2500 a week)."""
    name, separator, number = value.rpartition(SEPARATOR)
    if PLAIN_NUMBER.fullmatch(number.strip()) is None:
        return False
    if separator:
        return _field_named(name) == "frequency"
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
# Count orders ("2 раза", "1,5 times") and, with no number before them, begin a frequency of
# one order ("раз в месяц"; "times a month" is read so too).
_TIMES = frozenset({"раз", "раза", "times"})
_UNIT_WORDS = frozenset(alias for aliases in UNIT_ALIASES.values() for alias in aliases)


def _assign(words: list[str], arguments: str) -> tuple[dict[str, str], set[str]]:
    """Argument name -> the text typed for it, and the names of the values given by their
    place alone. A positional value takes the next place in POSITIONAL order not named before
    it: ``2500 freq=1.5 30% 18`` is check, frequency, margin, lifetime. A name in words right
    after a value it names is that value's ("2500 чек 2 30% 18", "... 1500 cac"): what follows
    it takes the next place."""
    values: dict[str, str] = {}
    by_position: set[str] = set()
    position = 0
    by_place: str | None = None  # the field the value before took by its place
    pending = list(reversed(words))
    while pending:
        word = pending.pop()
        label, separator, text = word.partition(SEPARATOR)
        if by_place is not None and separator and _named_after(label, by_place, values, arguments):
            named = _field_named(label) or by_place
            values[named] = values.pop(by_place)  # "5% отток" is the churn, not the lifetime
            label, separator, word = "", "", text.strip()
            by_position.discard(by_place)  # "18 маржа": the margin by its name, not its place
        by_place = None
        if not (separator or word):
            continue
        while (
            not separator and position < len(POSITIONAL) and _taken(POSITIONAL[position], values)
        ):
            position += 1
        if separator:
            name = _field_named(label)
            if name is None:
                raise InvalidInput(Reason.AMBIGUOUS, label.strip(), argument=word)
        elif "margin" not in values and "margin" in POSITIONAL[:position] and _a_share(word):
            name, text = "margin", word  # after a lifetime that took its place: "… 18 мес 30%"
        elif position < len(POSITIONAL):
            if POSITIONAL[position] == "margin" and _a_lifetime_not_a_margin(word, pending):
                position += 1  # the margin left out: "3000, 2 раза в год, 3 года"
            name, text = POSITIONAL[position], word
            by_place = name
            by_position.add(name)
            position += 1
        else:
            raise InvalidInput(Reason.AMBIGUOUS, None, argument=word)
        if name in values:
            raise InvalidInput(Reason.CONFLICT, name, argument=word)
        values[name] = _completed(name, text.strip(), pending, arguments)
    if "frequency" in by_position and not _taken("lifetime", values):
        return _a_lone_span_as_lifetime(values), by_position
    return values, by_position


def _taken(place: str, values: Mapping[str, str]) -> bool:
    """``place`` of POSITIONAL is given, by its own name or by one that stands for it."""
    return place in values or any(STANDS_FOR.get(name) == place for name in values)


def _a_lone_span_as_lifetime(values: dict[str, str]) -> dict[str, str]:
    """A span alone in the frequency's place with no lifetime given ("2500, 18 мес") is the
    lifetime, the frequency left out: read as one order in 18 months, the error would ask for
    the lifetime just typed. With a lifetime after it ("2500 2 месяца 30% 18") it stays the
    frequency."""
    if only_a_span(values["frequency"]):
        values["lifetime"] = values.pop("frequency")
    return values


def _completed(name: str, text: str, pending: list[str], arguments: str) -> str:
    """The value of ``name`` with what of ``pending`` (next word last) still belongs to it."""
    if name in AMOUNTS:
        return _with_groups(text, pending, arguments)
    if name in ("lifetime", "frequency"):  # "2500 1 год 6 мес": a lifetime, frequency missing
        return _with_smaller_units(text, pending)
    return text


def _with_smaller_units(duration: str, pending: list[str]) -> str:
    """A lifetime with its parts in smaller units that follow it: "1 год" "6 мес" is 18
    months, where "6 мес" alone would take the CAC's place."""
    while pending and SEPARATOR not in pending[-1] and continues_a_duration(duration, pending[-1]):
        duration += " " + pending.pop()
    return duration


def _with_groups(amount: str, pending: list[str], arguments: str) -> str:
    """An amount with the groups of thousands that follow it ("1 200", "18 500 ₽", "2 500"
    of "2 500 раз в месяц"), taken from ``pending`` (next word last): a frequency is never
    written as a bare 3-digit count, nor a lifetime after a CAC. A group typed after a comma
    is a value of its own: "150, 100 раз в год" is 100 orders a year."""
    if _GROUPS_HEAD.fullmatch(amount) is None:
        return amount
    typed = amount
    while pending:
        group, frequency = _a_group_and_what_follows(pending[-1])
        if not group or _parted(typed, group, arguments):
            break
        amount, typed = amount + group, group
        if frequency:  # "2 500 раз в месяц": the rest is the frequency
            pending[-1] = frequency
            break
        pending.pop()
        if not amount[-1].isdigit():  # a currency ends it: "1 200 ₽"
            break
    return amount


def _a_group_and_what_follows(value: str) -> tuple[str, str]:
    """A group of thousands ("500", "500 ₽") and the frequency glued to it: "500 раз в месяц"
    after "2" is the end of a check of 2 500 and "раз в месяц", not 500 orders a month; so for
    "раза", "times" and a frequency in words ("500 twice a month"). ("", "") when ``value`` does
    not begin with a group."""
    if _GROUP.fullmatch(value):
        return value, ""
    words = value.split()
    for size in (1, 2):  # "500", or "500 ₽"
        group = " ".join(words[:size])
        if _GROUP.fullmatch(group) and len(words) > size and _begins_a_frequency(words[size]):
            return group, " ".join(words[size:])
    return "", ""


def _parted(before: str, group: str, arguments: str) -> bool:
    """``arguments`` has the digits ``before`` ends with and those ``group`` begins with parted
    by a comma or a semicolon, not by a space: "150, 100" (spaces alone were split on)."""
    ends, begins = re.search(r"\d+$", before), re.match(r"\d+", group)
    if ends is None or begins is None:
        return False
    typed = rf"(?<![\d.,]){ends[0]}[{CLOSERS}]\s*{begins[0]}(?!\d)"
    return re.search(typed, arguments) is not None


def _begins_a_frequency(word: str) -> bool:
    return word.lower() in _TIMES or _begins_a_frequency_said_in_words(word)


def _named_after(label: str, field: str, values: Mapping[str, str], arguments: str) -> bool:
    """``label`` is a name in words (not typed with "=") of the value before it, ``field``, or
    of one that stands for it, when the value is a share: "5% отток" in the lifetime's place
    is the churn, "18 отток 5%" a lifetime and a churn."""
    typed = re.search(re.escape(label.strip()) + r"\s*" + SEPARATOR, arguments, re.IGNORECASE)
    named = _field_named(label)
    stands_for = named in STANDS_FOR and STANDS_FOR[named] == field and _a_share(values[field])
    return (named == field or stands_for) and typed is None


def _lifetime_months(values: Mapping[str, str], by_position: Set[str]) -> float | None:
    """The lifetime in months, None when not given. When it is too long and the margin before
    it a bare number ("2500 1.5 18 1500": 18 %, then 1500 months, over the limit), the error
    carries the line read without a margin in ``details["without_margin"]`` (18 months and a
    CAC of 1500), for the reply to show both ways to write it. It stays an error: four bare
    numbers are the check, the frequency, the margin and the lifetime, whatever their size."""
    try:
        return _optional(values, "lifetime", parse_duration_months)
    except InvalidInput as error:
        too_long = error.reason is Reason.TOO_LARGE
        without_margin = _read_without_margin(values, by_position) if too_long else None
        if without_margin is not None:
            error.details["without_margin"] = without_margin
        raise


def _read_without_margin(
    values: Mapping[str, str], by_position: Set[str]
) -> dict[str, str] | None:
    """The values with the margin left out, when the margin and the lifetime are bare numbers
    in their places and no CAC follows: the margin's number is the lifetime in months, the
    lifetime's the CAC. None when they are not, when the margin's number is a share ("0.3"),
    and when the CAC would be refused."""
    lifetime = values.get("lifetime", "")
    if "cac" in values or "lifetime" not in by_position or not PLAIN_NUMBER.fullmatch(lifetime):
        return None
    if not _a_bare_number_as_margin(values, by_position) or not _reads(
        lambda text: parse_money(text, field="cac"), lifetime
    ):
        return None
    return _read_margin_as_lifetime(values) | {"cac": lifetime}


def _a_bare_number_as_margin(values: Mapping[str, str], by_position: Set[str]) -> bool:
    """The margin is a bare number of 1 or more in its place ("18" of "2500 1.5 18"): it may
    well be the lifetime in months typed without its unit."""
    margin = values.get("margin", "")
    return (
        "margin" in by_position
        and PLAIN_NUMBER.fullmatch(margin) is not None
        and parse_number(margin) >= 1
    )


def _read_margin_as_lifetime(values: Mapping[str, str]) -> dict[str, str]:
    """The values with the margin's number as the lifetime in months ("2500 1.5 18" with no
    lifetime: 18 months, for the reply to offer), a CAC given by name kept."""
    read = {"aov": values["aov"], "frequency": values["frequency"], "lifetime": values["margin"]}
    return read | ({"cac": values["cac"]} if "cac" in values else {})


def _a_lifetime_not_a_margin(text: str, pending: list[str]) -> bool:
    """A duration said with its unit ("3 years", "полтора года", "1 год и" "6 мес"): a bare
    number (150, 1e3) in the margin's place is a margin, and over 100 % it is refused as one."""
    if _WORD.search(text) is None:
        return False
    if pending and continues_a_duration(text, pending[-1]):
        return True
    return not _reads(lambda typed: parse_share(typed, field="margin"), text) and _reads(
        parse_duration_months, text
    )


def _a_share(text: str) -> bool:
    return text.rstrip().endswith("%")


def _reads(parse: Callable[[str], object], text: str) -> bool:
    try:
        parse(text)
    except InvalidInput:
        return False
    return True


def _optional(values: Mapping[str, str], name: str, parse: Callable[[str], T]) -> T | None:
    text = values.get(name)
    return None if text is None else _parsed(text, name, parse)


def _parsed(text: str, name: str, parse: Callable[[str], T]) -> T:
    """The argument's text parsed; an error names the argument and quotes the text."""
    try:
        return parse(text)
    except InvalidInput as error:
        raise InvalidInput(error.reason, name, **(error.details | {"argument": text})) from None
