"""Numbers as shop owners type them, in Russian or English: "2 500,50 ₽", "$65", "2.5k",
"30%", "1,5 года", "12 в год".

A text is one number with words around it. The words are looked up in two tables,
``UNIT_ALIASES`` and ``CURRENCY_ALIASES``; each parser says which kinds of word it accepts.
Everything unusable raises ``InvalidInput`` with a reason, and ``details["text"]`` quotes at most
``EXCERPT_LENGTH`` characters of the input. Texts longer than ``MAX_LENGTH`` are refused before
any parsing, and every pattern here matches in linear time.

Separators: when both "," and "." appear, the last one is the decimal mark. A lone comma
followed by exactly three digits groups thousands ("2,500"), and so does a lone dot in money and
in counts of customers ("2.500 ₽", "1.200": no one writes those to three decimals), unless a
scale word follows ("2,500 тыс" is 2 500). Any other lone separator is decimal ("1,5", "0.500").
Spaces (no-break ones too) group thousands. Shares: with "%" a percent; without, a value below
1 is a share (0.3) and 1 or more a percent (30).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum, auto
from typing import Literal

from ltv_engine.calc import resolve_lifetime
from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.limits import LIMITS, check_range
from ltv_engine.model import Lifetime, LifetimeSource

MAX_LENGTH = 64
EXCERPT_LENGTH = 40


class Kind(Enum):
    """What a word next to the number means; its value in ``UNIT_ALIASES`` depends on it."""

    SCALE = auto()  # value: a power of ten ("k" -> 3)
    TIME = auto()  # value: months in one unit
    PERCENT = auto()
    ORDERS = auto()  # "раз", "times": counts orders in a frequency
    PER = auto()  # "в", "per", "/": links orders to a period
    PEOPLE = auto()
    CURRENCY = auto()  # looked up in CURRENCY_ALIASES instead


def _by_alias(groups: Mapping[float, str]) -> dict[str, float]:
    return {alias: value for value, aliases in groups.items() for alias in aliases.split()}


def _by_alias_text(groups: Mapping[str, str]) -> dict[str, str]:
    return {alias: text for text, aliases in groups.items() for alias in aliases.split()}


_MONTHS_PER_DAY = 12 / 365.25

UNIT_ALIASES: dict[Kind, dict[str, float]] = {
    Kind.SCALE: _by_alias(
        {
            3: "k к th тыс тысяч тысячи тысяча thousand thousands",
            6: "m mln mn mio млн миллион миллиона миллионов million millions",
            9: "b bn млрд миллиард миллиарда миллиардов billion billions",
        }
    ),
    Kind.TIME: _by_alias(
        {
            _MONTHS_PER_DAY: "d day days дн день дня дней сутки суток",
            7 * _MONTHS_PER_DAY: "w wk wks week weeks нед неделя недели недель неделю",
            14 * _MONTHS_PER_DAY: "fortnight fortnights",
            1: "m м mo mon mos month months мес месяц месяца месяцев",
            3: "q quarter quarters кв квартал квартала кварталов",
            12: "y yr yrs year years annum г год года годы лет",
        }
    ),
    Kind.PERCENT: _by_alias({1: "% pct percent percents проц процент процента процентов"}),
    Kind.ORDERS: _by_alias(
        {
            1: "x × х time times раз раза р order orders purchase purchases "  # "р/мес"
            "заказ заказа заказов покупка покупку покупки покупок"
        }
    ),
    Kind.PER: _by_alias({1: "/ per a an in every each в во за каждый каждые каждую"}),
    Kind.PEOPLE: _by_alias(
        {
            1: "people persons customers clients buyers users чел человек человека "
            "клиент клиента клиентов покупатель покупателя покупателей"
        }
    ),
}

# Numbers and durations said in words, read as the text they stand for: "twice a month" as
# "2 times a month", "полтора года" as "1.5 года", "раз в полгода" as "раз в 6 месяцев",
# "twenty-four" as "24". "Несколько" ("a few") is no number and stays refused.
_TENS = {
    "20": "twenty двадцать",
    "30": "thirty тридцать",
    "40": "forty сорок",
    "50": "fifty пятьдесят",
    "60": "sixty шестьдесят",
    "70": "seventy семьдесят",
    "80": "eighty восемьдесят",
    "90": "ninety девяносто",
}
_UNITS = frozenset({str(unit) for unit in range(1, 10)})
SPELLED_NUMBERS: dict[str, str] = _by_alias_text(
    {
        "1": "one один одна одну",
        "0.5": "пол",  # "пол года"
        "1.5": "полтора полторы полутора",
        "2": "two два две пару пара",
        "3": "three три",
        "4": "four четыре",
        "5": "five пять",
        "6": "six шесть",
        "7": "seven семь",
        "8": "eight восемь",
        "9": "nine девять",
        "10": "ten десять",
        "11": "eleven одиннадцать",
        "12": "twelve двенадцать",
        "13": "thirteen тринадцать",
        "14": "fourteen четырнадцать",
        "15": "fifteen пятнадцать",
        "16": "sixteen шестнадцать",
        "17": "seventeen семнадцать",
        "18": "eighteen восемнадцать",
        "19": "nineteen девятнадцать",
        **_TENS,
        "0.5 года": "полгода полугода полугодие",
        "0.5 тысячи": "полтысячи полутысячи",
        "0.5 млн": "полмиллиона",
    }
)
SPELLED_FREQUENCY: dict[str, str] = SPELLED_NUMBERS | _by_alias_text(
    {
        "1 time": "once",
        "2 times": "twice",
        "3 times": "thrice",
        "2 раза": "дважды",
        "3 раза": "трижды",
        "4 раза": "четырежды",
        "2": "other",  # "every other week"
        "every 2 weeks": "fortnightly",
        "a day": "daily",
        "a week": "weekly",
        "a month": "monthly",
        "a quarter": "quarterly",
        "a year": "yearly annually annual p.a",  # "12% p.a."
        "в год": "ежегодно годовых годовые",  # "12% годовых"
        "в день": "ежедневно",
        "в неделю": "еженедельно",
        "в месяц": "ежемесячно",
        "в квартал": "ежеквартально",
    }
)
# A unit alone, or after "a", is one of it: "год", "около года", "a year" as a duration.
ONE_UNIT_WORDS = frozenset(
    {"день", "неделя", "неделю", "недели", "месяц", "месяца", "квартал", "квартала", "год", "года"}
    | {"day", "week", "month", "quarter", "year"}
)
_ARTICLES = frozenset({"a", "an"})
_TENS_DIGITS = frozenset(_TENS)
_COMPOUND = re.compile(  # "twenty-four"; a range ("две-три") keeps its hyphen and stays refused
    rf"\b({'|'.join(' '.join(_TENS.values()).split())})-(?=\w)", re.IGNORECASE
)
_HALVES = [
    (re.compile(pattern, re.IGNORECASE), value)
    for pattern, value in (
        (r"\bhalf an? (\w+)", r"0.5 \1"),
        (r"^(?:an? )?([^\W\d]+) and a half\b", r"1.5 \1"),  # not "once a year and a half"
        (r"(?<![\d.,])(\d+) (\w+ )?and a half\b", r"\1.5 \2"),
        (r"(?<![\d.,])(\d+) (\w+ )?с половиной\b", r"\1.5 \2"),
        (r"^(\w+) с половиной\b", r"1.5 \1"),
    )
]
_RAZ = frozenset({"раз", "раза"})

# What a person may name the value with, before or after it: "margin 30%", "30% маржа",
# "средний чек 2500", "churn: 5%". The name of another field stays an unknown unit.
_FIELD_LABELS: dict[str, str] = {
    "aov": r"aov|average\s+(?:order|check)(?:\s+value)?|(?:средний\s+)?чек",
    "margin": r"(?:gross\s+)?margin|маржа|маржинальность",  # never "наценка": a markup
    "monthly_churn": r"(?:monthly\s+)?churn(?:\s+rate)?|отток",
    "cac": r"cac|стоимость\s+привлечения",
}
_LABELLED = {
    field: re.compile(rf"^\s*(?:{label})\s*[:=—–-]?\s*|\s+(?:{label})\s*$", re.IGNORECASE)
    for field, label in _FIELD_LABELS.items()
}

# "Примерно 2 раза в месяц", "~2 years": a hedge before the value changes nothing we compute.
_HEDGES = (
    *("в среднем", "примерно", "приблизительно", "около", "где-то"),
    *("about", "around", "approximately", "roughly"),
)
_HEDGE_SIGNS = "~≈"
_HEDGE = re.compile(rf"^\s*(?:(?:{'|'.join(_HEDGES)})\s+|[{_HEDGE_SIGNS}]\s*)+", re.IGNORECASE)
_HEDGE_PHRASES = tuple(tuple(hedge.split()) for hedge in _HEDGES)
_HEDGE_ENDINGS = tuple(phrase[-1] for phrase in _HEDGE_PHRASES) + tuple(_HEDGE_SIGNS)
_LONGEST_HEDGE = max(map(len, _HEDGE_ENDINGS))  # characters of a hedge's last word

CURRENCY_ALIASES: dict[str, str] = {
    alias: code
    for code, aliases in {
        "RUB": "₽ р руб рубль рубля рублей rub rur",
        "USD": "$ usd долл доллар доллара долларов dollar dollars",
        "EUR": "€ eur euro euros евро",
        "KZT": "₸ kzt тг тенге",
        "UAH": "₴ uah грн гривна гривны гривен",
        "BYN": "byn br",
        "GBP": "£ gbp pound pounds фунт фунта фунтов",
        "CNY": "¥ cny rmb yuan юань юаня юаней",  # ¥ is also the yen; our shops mean the yuan
        "TRY": "₺ try tl лира лиры лир",
    }.items()
    for alias in aliases.split()
}

_NON_FINITE = frozenset({"nan", "inf", "infinity", "∞"})
# Emoji (and their joiners, variation selectors, skin tones, keycaps) around an answer:
# "2500 🙂", "👍 18 мес" say nothing about the number.
_EMOJI = "[\\s\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u20e3\U0001f000-\U0001faff]+"
_EMOJI_AROUND = re.compile(f"^{_EMOJI}|{_EMOJI}$")
_MINUS_SIGNS = str.maketrans({"\u2212": "-"})  # the typographic minus some keyboards insert

# One pass, one alternative per kind of character: nothing here backtracks more than a step.
# A number: an optional sign, digit groups joined by one ".", "," or " ", an optional exponent.
_TOKEN = re.compile(
    r"(?P<number>(?P<sign>[-+]?)(?P<body>[0-9]+(?:[., ][0-9]+)*|[.,][0-9]+)"
    r"(?:e(?P<exp>[-+]?[0-9]+))?)"
    r"|(?P<word>[^\W\d_]+\.?)"  # letters, with the dot of an abbreviation ("тыс.", "г.")
    r"|(?P<space> )"
    r"|(?P<other>.)",
    re.DOTALL,
)
_SEPARATOR = re.compile(r"[., ]")
_THOUSANDS_HEAD = re.compile(r"[1-9][0-9]{0,2}")


@dataclass(frozen=True, slots=True)
class Money:
    amount: float
    currency: str | None  # ISO code found in the text, None when the text names none


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    letters: bool
    touching: bool  # written right against the number, as in "12abc"


@dataclass(frozen=True, slots=True)
class _Unit:
    kind: Kind
    value: float
    code: str | None = None  # ISO code of a CURRENCY


@dataclass(frozen=True, slots=True)
class _Reading:
    field: str | None
    negative: bool
    mantissa: str  # ASCII digits with "." as the decimal point
    exponent: int
    before: tuple[_Unit, ...]
    after: tuple[_Unit, ...]

    def value(self, shift: int = 0) -> float:
        """The number times ten to the ``shift``, rounded once."""
        sign = "-" if self.negative else ""
        value = float(f"{sign}{self.mantissa}e{self.exponent + shift}")
        if not math.isfinite(value):
            raise InvalidInput(Reason.NOT_FINITE, self.field)
        if value < 0:
            raise InvalidInput(Reason.NEGATIVE, self.field)
        return value

    def only(self, kind: Kind) -> _Unit | None:
        units = [unit for unit in self.before + self.after if unit.kind is kind]
        if len(units) > 1:
            raise InvalidInput(Reason.AMBIGUOUS, self.field, units=len(units))
        return units[0] if units else None

    def currency(self) -> str | None:
        codes = sorted({unit.code for unit in self.before + self.after if unit.code})
        if len(codes) > 1:
            raise InvalidInput(Reason.CONFLICT, self.field, currencies=codes)
        return codes[0] if codes else None


# --- public parsers ----------------------------------------------------------------------


def parse_number(text: str, *, field: str | None = None) -> float:
    """A plain number, "2.5k" and "1,2 млн" included; range-checked when ``field`` has limits."""
    with _quoting(text) as text:
        reading = _read(text, field, after=(Kind.SCALE,))
        value = reading.value(_scale(reading))
        return check_range(value, field) if field in LIMITS else value


def parse_money(text: str, *, field: str = "aov") -> Money:
    with _quoting(text) as text:
        reading = _read(
            _numbers_in_digits(text),
            field,
            before=(Kind.CURRENCY,),
            after=(Kind.SCALE, Kind.CURRENCY),
            dot_groups=True,
        )
        amount = check_range(reading.value(_scale(reading)), field)
        return Money(amount, reading.currency())


def parse_share(text: str, *, field: str) -> float:
    """ "30%", "30" and "0.3" are all 0.3: without "%", 1 and above are percents."""
    with _quoting(text) as text:
        return check_range(_share(_read(text, field, after=(Kind.PERCENT,))), field)


def parse_churn(text: str) -> float:
    """Monthly churn as a share: "5%", "0.05", "5% a month", "5%/mo", "отток 5% в месяц".
    A rate for another period is made monthly as compounding does: "30% a year" is
    1 - 0.7^(1/12), about 2.9 % a month."""
    field = "monthly_churn"
    with _quoting(text) as text:
        in_period, months = _share_in_period(text, field, default="month")
        if in_period >= 1:
            raise InvalidInput(Reason.CHURN_100_OR_MORE, field)
        return check_range(-math.expm1(math.log1p(-in_period) / months), field)


def parse_calculable_churn(text: str) -> float:
    """``parse_churn``, refused at once where the lifetime it makes is too long to calculate
    (over 100 years), as the wizard's churn step and ``/ltv`` say before anything is computed."""
    churn = parse_churn(text)
    resolve_lifetime(Lifetime(LifetimeSource.CHURN, monthly_churn=churn))
    return churn


def parse_rate(text: str, *, field: str, per: Literal["month", "year"] = "year") -> float:
    """A rate that compounds, as a discount rate does, made a rate for the period ``per``:
    "12%", "0.12", "12% годовых", "12% p.a.", "1% в месяц". A rate said for another period is
    the one it compounds to: 1 % a month is 12.68 % a year."""
    with _quoting(text) as text:
        in_period, months = _share_in_period(text, field, default=per)
        growth = math.log1p(in_period) * UNIT_ALIASES[Kind.TIME][per] / months
        rate = math.expm1(min(growth, _LARGEST_GROWTH))
        return check_range(rate, field) if field in LIMITS else rate


_LARGEST_GROWTH = 700.0  # e ** 710 overflows a float; a rate near it is too large all the same


def _share_in_period(text: str, field: str, *, default: str) -> tuple[float, float]:
    """A share and the months it is for: "5%" (for the ``default`` period), "30% a year",
    "20% в квартал", "10% за 6 месяцев", "10% в полгода"."""
    if field in _LABELLED:
        text = _LABELLED[field].sub("", text)  # before "monthly churn" is read as "a month"
    said = " ".join(_spelled_out(text, SPELLED_FREQUENCY))
    over_period = _over_period(said, field, (Kind.PERCENT,))
    if over_period is not None:
        reading, months = over_period
    else:
        reading = _read(said, field, after=(Kind.PERCENT, Kind.PER, Kind.TIME))
        months = _months(reading, default)
    return _share(reading), months


def _share(reading: _Reading) -> float:
    """The number read as a share: with "%" a percent; without, 1 and above a percent too."""
    is_percent = reading.only(Kind.PERCENT) is not None or reading.value() >= 1
    return reading.value(-2 if is_percent else 0)


def parse_duration_months(
    text: str, *, default_unit: Literal["months", "years"] = "months"
) -> float:
    """A duration in months: "18 мес", "1,5 года", "2y", "6 weeks", "полтора года", "год"."""
    field = "lifetime_months"
    with _quoting(text) as text:
        in_digits = _duration_in_digits(text)
        parts = _duration_parts(in_digits)
        if parts:
            return check_range(sum(parse_duration_months(part) for part in parts), field)
        reading = _read(in_digits, field, after=(Kind.TIME,))
        return check_range(reading.value() * _months(reading, default_unit), field)


_DURATION_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\W\d_]+)\.?")
_PART_JOINT = re.compile(r"(?:\s|,|\band\b|\bи\b)*", re.IGNORECASE)


def continues_a_duration(duration: str, more: str) -> bool:
    """``more`` is the next part, in a smaller unit, of ``duration``: "1 год" and "6 мес", "2
    years and" and "3 months" are one duration; "18 мес" and "2 года" are not."""
    return _in_several_units(f"{duration} {more}")


def _in_several_units(text: str) -> bool:
    """A duration said in several units, larger first: "1 год 6 мес"."""
    return bool(_duration_parts(_duration_in_digits(text)))


def _duration_parts(text: str) -> list[str]:
    """The parts of a duration said in several units, larger first: "1 год 6 мес", "2 years
    and 3 months"; none for anything else ("18 мес 2 года" is two answers, not one)."""
    parts = list(_DURATION_PART.finditer(text))
    if len(parts) < 2:
        return []
    edges = [0, *(edge for part in parts for edge in part.span()), len(text)]
    joints = (text[start:end] for start, end in zip(edges[::2], edges[1::2], strict=True))
    if not all(_PART_JOINT.fullmatch(joint) for joint in joints):
        return []
    sizes = [UNIT_ALIASES[Kind.TIME].get(part[2].lower(), 0.0) for part in parts]
    if not all(larger > smaller > 0 for larger, smaller in itertools.pairwise(sizes)):
        return []
    return [part[0] for part in parts]


def parse_frequency(text: str, *, default_per: Literal["month", "year"] = "month") -> float:
    """Orders per month: "1,5 раза в месяц", "12/yr", "2 times a month", "раз в 2 месяца",
    "2 раза в 3 месяца", "every 2 weeks", and in words: "раз в месяц", "twice a week",
    "ежемесячно". A span alone ("2 месяца", "полгода") is one order in that span."""
    field = "orders_per_month"
    frequency_words = (Kind.ORDERS, Kind.PER)
    with _quoting(text) as text:
        text = _frequency_in_digits(text)
        counted = _over_period(text, field, (Kind.ORDERS,))
        if counted is not None:
            orders, months = counted
            return check_range(orders.value() / months, field)
        reading = _read(text, field, before=frequency_words, after=(*frequency_words, Kind.TIME))
        months = _months(reading, default_per)
        if not _counts_periods(reading, said_raz=_bare(text.split()[0]) in _RAZ):
            return check_range(reading.value() / months, field)
        periods = reading.value()
        if periods == 0:
            raise InvalidInput(Reason.ZERO, field)
        return check_range(1 / (periods * months), field)


def only_a_span(text: str) -> bool:
    """``text`` is a span of time alone, as a frequency or a lifetime may be: "18 мес",
    "1,5 года", "полгода", "18м", "1 год 6 мес"; not a count ("18"), nor a frequency's words
    ("раз в 18 месяцев", "every 2 weeks", "2 раза в месяц")."""
    try:
        with _quoting(text) as text:
            if _in_several_units(text):
                return True
            reading = _read(_frequency_in_digits(text), None, after=(Kind.TIME,))
    except InvalidInput:
        return False
    return bool(reading.after)


def _counts_periods(reading: _Reading, *, said_raz: bool) -> bool:
    """The number counts periods of one order each: "раз в 2 месяца", "every 2 weeks" (a "per"
    word before it), or a span with no "per" or orders word after the number: "2 месяца", or
    "раз 2 недели" (a dropped "в"; ``said_raz``: the text starts with "раз"). "Раза два в
    месяц" and "x2 month" count orders."""
    before = {unit.kind for unit in reading.before}
    after = {unit.kind for unit in reading.after}
    if Kind.PER in before:
        return True
    bare_span = Kind.TIME in after and not after & {Kind.PER, Kind.ORDERS}
    return bare_span and (Kind.ORDERS not in before or said_raz)


def _frequency_in_digits(text: str) -> str:
    """Words of ``SPELLED_FREQUENCY`` as digits, and a count of 1 before a text with no number
    that starts with "раз" / "every" (an orders or "per" word) and names its period."""
    words = _spelled_out(text, SPELLED_FREQUENCY)
    starts_counted = bool(words) and _lookup(_bare(words[0]), (Kind.ORDERS, Kind.PER)) is not None
    names_a_period = any(_lookup(_bare(word), (Kind.TIME,)) is not None for word in words)
    if starts_counted and names_a_period and not _has_digit(" ".join(words)):
        words.insert(0, "1")
    return " ".join(words)


def _duration_in_digits(text: str) -> str:
    """Words of ``SPELLED_NUMBERS`` as digits; "год", "a year": one of the unit."""
    words = _numbers_in_digits(text).split()
    one_unit = len(words) in (1, 2) and _bare(words[-1]) in ONE_UNIT_WORDS
    if one_unit and (len(words) == 1 or _bare(words[0]) in _ARTICLES):
        return "1 " + words[-1]
    return " ".join(words)


def _numbers_in_digits(text: str) -> str:
    """Words of ``SPELLED_NUMBERS`` as digits: "полторы тысячи" as "1.5 тысячи"."""
    return " ".join(_spelled_out(text, SPELLED_NUMBERS))


def _spelled_out(text: str, spelled: Mapping[str, str]) -> list[str]:
    """The words of ``text`` after any leading hedge, ``spelled`` words as digits: tens and
    units joined ("twenty four", "двадцать четыре": 24) and halves added ("two and a half",
    "два с половиной": 2.5; "half a year": 0.5 year; "a year and a half": 1.5 year)."""
    numbers: list[str] = []
    before = ""
    for word in _COMPOUND.sub(r"\1 ", _HEDGE.sub("", text)).split():
        if continues_a_spelled_number(before, word):
            numbers[-1] = str(int(numbers[-1]) + int(SPELLED_NUMBERS[_bare(word)]))
        else:
            numbers.append(spelled.get(_bare(word), word))
        before = word
    said = " ".join(numbers)
    for half, value in _HALVES:
        said = half.sub(value, said)
    return said.split()


def only_a_hedge(text: str) -> bool:
    """``text`` is hedges alone ("около", "в среднем", "about"): the value is still to come."""
    return bool(text.strip()) and not _HEDGE.sub("", text + " ")


def without_trailing_hedge(text: str) -> str:
    """``text`` less the hedges after its value: "2500 около" (of "2500 около 2 раз в месяц")
    is "2500", "2500~" is "2500"; a hedge changes nothing we compute, whichever value it leans
    on. Hedges alone are kept: their value is still to come."""
    if not text.rstrip()[-_LONGEST_HEDGE:].lower().endswith(_HEDGE_ENDINGS):
        return text  # the usual case, without splitting the whole text
    if only_a_hedge(text):
        return text
    words = text.split()
    kept = len(words)
    while kept:
        word = words[kept - 1].rstrip(_HEDGE_SIGNS)
        if word != words[kept - 1]:
            words[kept - 1] = word
            kept -= not word
            continue
        hedge = _hedge_ending(words, kept)
        if not hedge:
            break
        kept -= hedge
    return " ".join(words[:kept]) if kept else text


def _hedge_ending(words: list[str], end: int) -> int:
    """How many of the words before ``words[end]`` are a hedge phrase; 0 when they end in none."""
    for phrase in _HEDGE_PHRASES:
        start = end - len(phrase)
        if start >= 0 and [word.lower() for word in words[start:end]] == list(phrase):
            return len(phrase)
    return 0


def continues_a_spelled_number(before: str, word: str) -> bool:
    """``word`` is the unit of the tens ``before``: "twenty" "four", "двадцать" "четыре"."""
    return (
        SPELLED_NUMBERS.get(_bare(before)) in _TENS_DIGITS
        and SPELLED_NUMBERS.get(_bare(word)) in _UNITS
    )


def _bare(word: str) -> str:
    return word.lower().rstrip(".,!")


def _over_period(
    text: str, field: str, amount_units: tuple[Kind, ...]
) -> tuple[_Reading, float] | None:
    """The amount and the months of "2 раза в 3 месяца" or "10% за 6 месяцев": an amount over a
    period stated with its number and unit, split at the first "в" / "per" / "за" (any word of
    ``Kind.PER``) with a number on both sides. None for any other text, which is then read as
    one value (and refused as such if it is not one)."""
    words = text.split()
    for i, word in enumerate(words):
        if _lookup(word.lower(), (Kind.PER,)) is not None:
            amount, period = " ".join(words[:i]), " ".join(words[i + 1 :])
            if _has_digit(amount) and _has_digit(period):
                return _read_over_period(amount, period, field, amount_units)
    return None


def _read_over_period(
    amount: str, period: str, field: str, amount_units: tuple[Kind, ...]
) -> tuple[_Reading, float] | None:
    try:
        reading = _read(amount, field, after=amount_units)
        span = _read(period, field, after=(Kind.TIME,))
    except InvalidInput:
        return None
    if not span.after:  # "2 in 3": three of what?
        return None
    months = span.value() * _months(span, "months")
    if months == 0:
        raise InvalidInput(Reason.ZERO, field)
    return reading, months


def _has_digit(text: str) -> bool:
    return any(char.isdigit() for char in text)


def parse_count(text: str, *, field: str) -> int:
    """A whole number of customers: "1 200", "1,2 тыс", "350 клиентов"."""
    with _quoting(text) as text:
        reading = _read(
            _numbers_in_digits(text), field, after=(Kind.SCALE, Kind.PEOPLE), dot_groups=True
        )
        value = reading.value(_scale(reading))
        if not value.is_integer():
            raise InvalidInput(Reason.NOT_WHOLE, field)
        return int(check_range(value, field))


# --- reading a text ----------------------------------------------------------------------


@contextmanager
def _quoting(text: str) -> Iterator[str]:
    """The answer without emoji around it; quote the start of the text in every rejection,
    never the whole of a long input."""
    try:
        yield _EMOJI_AROUND.sub("", text) or text  # an emoji alone is no number, not nothing
    except InvalidInput as error:
        error.details.setdefault("text", text.strip()[:EXCERPT_LENGTH])
        raise


def _read(
    text: str,
    field: str | None,
    *,
    before: tuple[Kind, ...] = (),
    after: tuple[Kind, ...] = (),
    dot_groups: bool = False,
) -> _Reading:
    """Find the one number in ``text`` and the units allowed before and after it, past a
    hedge ("about", "~") and the field's name ("margin 30%").

    ``dot_groups``: a lone dot before three digits groups thousands, as a lone comma does.
    """
    text = _HEDGE.sub("", text)
    if field in _LABELLED:
        text = _HEDGE.sub("", _LABELLED[field].sub("", text))  # "margin about 30%"
    cleaned = " ".join(text.split()).lower().translate(_MINUS_SIGNS)  # NBSP, U+202F: " "
    if not cleaned:
        raise InvalidInput(Reason.EMPTY, field)
    if len(cleaned) > MAX_LENGTH:
        raise InvalidInput(Reason.NOT_A_NUMBER, field, too_long=True, limit=MAX_LENGTH)
    tokens = list(_TOKEN.finditer(cleaned))
    at = _number_position(tokens, cleaned, field)
    number = tokens[at]
    units_before = tuple(_unit(word, before, field) for word in _words(tokens, range(at), at - 1))
    units_after = tuple(
        _unit(word, after, field) for word in _words(tokens, range(at + 1, len(tokens)), at + 1)
    )
    if any(unit.kind is Kind.SCALE for unit in units_after):
        thousands_marks = ""  # "2,500 тыс" is 2.5 thousand
    else:
        thousands_marks = ",." if dot_groups else ","
    mantissa = _mantissa(number["body"], thousands_marks)
    if mantissa is None:
        raise InvalidInput(Reason.NOT_A_NUMBER, field)
    return _Reading(
        field, number["sign"] == "-", mantissa, int(number["exp"] or 0), units_before, units_after
    )


def _number_position(tokens: Sequence[re.Match[str]], cleaned: str, field: str | None) -> int:
    positions = [i for i, token in enumerate(tokens) if token.lastgroup == "number"]
    if len(positions) > 1:
        raise InvalidInput(Reason.AMBIGUOUS, field, numbers=len(positions))
    if not positions:
        non_finite = cleaned.lstrip("+-") in _NON_FINITE
        raise InvalidInput(Reason.NOT_FINITE if non_finite else Reason.NOT_A_NUMBER, field)
    return positions[0]


def _words(tokens: Sequence[re.Match[str]], indexes: range, touching: int) -> list[_Word]:
    """Words and signs, without spaces and without a sentence's closing dot."""
    words = []
    for i in indexes:
        kind, text = tokens[i].lastgroup, tokens[i].group()
        if kind != "space" and text != ".":
            letters = kind == "word"
            words.append(_Word(text.rstrip(".") if letters else text, letters, i == touching))
    return words


def _mantissa(body: str, thousands_marks: str) -> str | None:
    """ "2 500,50" -> "2500.50"; None when the separators make no sense ("1.2.3").

    ``thousands_marks``: the separators that, alone and followed by three digits, group
    thousands.
    """
    groups = _SEPARATOR.split(body)
    separators = _SEPARATOR.findall(body)
    mark = _decimal_mark(groups, separators, thousands_marks)
    fraction = "0"
    if mark is not None:
        if separators[-1] != mark:
            return None
        fraction = groups.pop()
        separators.pop()
    if separators and not _grouped_by_thousands(groups):
        return None
    return "".join(groups) + "." + fraction


def _decimal_mark(
    groups: Sequence[str], separators: Sequence[str], thousands_marks: str
) -> str | None:
    """The last "." or ","; None when it only separates thousands."""
    marks = [separator for separator in separators if separator != " "]
    if not marks or marks.count(marks[-1]) > 1:
        return None  # "2 500", "1,200,000"
    lone = len(separators) == 1 and separators[0] in thousands_marks
    if lone and len(groups[1]) == 3 and _THOUSANDS_HEAD.fullmatch(groups[0]):
        return None  # "2,500" is 2500, while "2,50" and "0,500" are decimals
    return marks[-1]


def _grouped_by_thousands(groups: Sequence[str]) -> bool:
    head_ok = _THOUSANDS_HEAD.fullmatch(groups[0]) is not None
    return head_ok and all(len(group) == 3 for group in groups[1:])


def _unit(word: _Word, allowed: tuple[Kind, ...], field: str | None) -> _Unit:
    unit = _lookup(word.text, allowed)
    if unit is not None:
        return unit
    # A known unit in the wrong place, or a word of its own: a unit we cannot use here.
    # Letters stuck to the number ("12abc") or stray signs ("--5"): not a number at all.
    is_unit = _lookup(word.text, tuple(Kind)) is not None or (word.letters and not word.touching)
    reason = Reason.UNKNOWN_UNIT if is_unit else Reason.NOT_A_NUMBER
    raise InvalidInput(reason, field, unit=word.text[:EXCERPT_LENGTH])


def _lookup(alias: str, kinds: tuple[Kind, ...]) -> _Unit | None:
    for kind in kinds:
        if kind is Kind.CURRENCY and alias in CURRENCY_ALIASES:
            return _Unit(kind, 1.0, CURRENCY_ALIASES[alias])
        if kind is not Kind.CURRENCY and alias in UNIT_ALIASES[kind]:
            return _Unit(kind, UNIT_ALIASES[kind][alias])
    return None


def _scale(reading: _Reading) -> int:
    unit = reading.only(Kind.SCALE)
    return 0 if unit is None else int(unit.value)


def _months(reading: _Reading, default: str) -> float:
    unit = reading.only(Kind.TIME)
    return UNIT_ALIASES[Kind.TIME][default] if unit is None else unit.value
