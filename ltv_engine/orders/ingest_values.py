"""Reading single cells of an order export: money, dates, order statuses."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from enum import Enum
from typing import NamedTuple

from babel.numbers import list_currencies

from ltv_engine.orders.table import day_of

_EXCEL_EPOCH_SERIAL = 25569  # 1970-01-01 in Excel's 1900 date system
_SERIAL_RANGE = (61, 73051)  # 1900-03-01 .. 2099-12-31: Excel's 1900 leap bug is before 61
_YEAR_RANGE = (1900, 2100)
_LONGEST_AMOUNT = 64
AMOUNT_BOUND = 1e15  # money beyond this is a typo or junk, never an order

CURRENCY_TOKENS = {
    "₽": "RUB", "руб": "RUB", "руб.": "RUB", "р": "RUB", "р.": "RUB", "rub": "RUB", "rur": "RUB",
    "$": "USD", "usd": "USD", "us$": "USD",
    "€": "EUR", "eur": "EUR",
    "£": "GBP", "gbp": "GBP",
    "₸": "KZT", "kzt": "KZT", "тг": "KZT",
    "₴": "UAH", "uah": "UAH", "грн": "UAH",
    "byn": "BYN",
}  # fmt: skip

ISO_CURRENCIES = frozenset(list_currencies())  # the codes an amount may be marked with

_AMOUNT = re.compile(
    r"""^\s*(?P<open>\()?\s*(?P<sign>[-+−]?)\s*
    (?P<pre>[^\d\s().,+\-−]*)\s*(?P<sign2>[-+−]?)\s*
    (?P<num>\d[\d\s'.,]*)
    (?P<post>[^\d()]*?)\s*(?P<close>\))?\s*$""",
    re.VERBOSE,
)
_SPACES = str.maketrans("", "", " '\u00a0\u202f\u2009")
_THOUSANDS_COMMA = re.compile(r"^[1-9]\d{0,2},\d{3}$")


class AmountReader:
    """Money as shops write it: ``1 234,56 ₽``, ``$1,234.56``, ``CAD 20``, ``-12.50``,
    ``(12.50)``, ``35%``.

    ``comma_decimal`` settles ``1,234`` (1.234 or 1234?) for the whole column; the currency
    marks and percent signs seen are collected for the caller, and ``currency`` is the one of
    the last amount read (None: it had no mark). Returns None for non-money.
    """

    __slots__ = ("comma_decimal", "currencies", "currency", "percent")

    def __init__(self, *, comma_decimal: bool) -> None:
        self.comma_decimal = comma_decimal
        self.currencies: set[str] = set()
        self.currency: str | None = None
        self.percent = False

    def __call__(self, text: str) -> float | None:
        if len(text) > _LONGEST_AMOUNT:  # also keeps the regex clear of quadratic inputs
            return None
        match = _AMOUNT.match(text)
        if match is None:
            return None
        marks = [mark for mark in (match["pre"], match["post"]) if mark]
        codes = [code for code in map(_currency_of_mark, marks) if code]
        if match["post"] == "%" and not match["pre"]:
            self.percent = True
        elif len(codes) < len(marks):
            return None
        self.currencies.update(codes)
        self.currency = codes[0] if codes else None
        if bool(match["open"]) != bool(match["close"]) or (match["sign"] and match["sign2"]):
            return None
        number = plain_number(match["num"].translate(_SPACES), self.comma_decimal)
        try:
            value = float(number)
        except ValueError:
            return None
        if match["open"] or any(sign in "-−" for sign in match["sign"] + match["sign2"]):
            value = -value
        return value if -AMOUNT_BOUND < value < AMOUNT_BOUND else None


def _currency_of_mark(mark: str) -> str | None:
    """The currency a mark beside an amount names: a sign or word we know ("₽", "руб."), or an
    ISO 4217 code as ISO writes it ("CAD", not "cad" or "Pcs")."""
    return CURRENCY_TOKENS.get(mark.lower()) or (mark if mark in ISO_CURRENCIES else None)


def plain_number(digits: str, comma_decimal: bool) -> str:
    """``1.234,56`` / ``1,234.56`` / ``1234,5`` -> ``1234.56`` / ``1234.56`` / ``1234.5``."""
    comma, dot = digits.rfind(","), digits.rfind(".")
    if comma >= 0 and dot >= 0:
        decimal = "," if comma > dot else "."
        thousands = "." if decimal == "," else ","
        return digits.replace(thousands, "").replace(decimal, ".")
    if comma >= 0:
        lone_thousands = not comma_decimal and _THOUSANDS_COMMA.match(digits)
        if digits.count(",") > 1 or lone_thousands:
            return digits.replace(",", "")
        return digits.replace(",", ".")
    if digits.count(".") > 1:
        return digits.replace(".", "")
    return digits


def comma_is_decimal(samples: Iterable[str]) -> bool:
    """True when some value shows a comma that cannot be a thousands separator."""
    for text in samples:
        stripped = text.translate(_SPACES)
        if stripped.count(",") == 1 and "." not in stripped:
            digits = re.sub(r"[^\d,]", "", stripped)
            if not _THOUSANDS_COMMA.match(digits):
                return True
        elif 0 <= stripped.rfind(".") < stripped.rfind(","):
            return True
    return False


def currency_in(text: str) -> str | None:
    """A currency named in a header: ``Сумма, руб.``, ``Amount (USD)``, ``Total $``."""
    words = re.findall(r"[^\s,()\[\]/:;]+", text.lower())
    found = {CURRENCY_TOKENS[word] for word in words if word in CURRENCY_TOKENS}
    return found.pop() if len(found) == 1 else None


# Dates --------------------------------------------------------------------------------------

_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{2,5}(?:\.\d+)?$")
# Dates with the month in words: "1 мая 2025 г.", "01-Jan-2025", "1 May 2025", "May 1, 2025".
_YEAR_WORD = r"(?:\s*(?:г\.?|года?)(?![^\W\d_]))?"
_NAMED_DAY_FIRST = re.compile(
    r"(\d{1,2})[\s-]+([^\W\d_]{3,})\.?,?[\s-]+(\d{4}|\d{2}(?!\d))" + _YEAR_WORD, re.IGNORECASE
)
_NAMED_MONTH_FIRST = re.compile(
    r"([^\W\d_]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _YEAR_WORD, re.IGNORECASE
)
_MONTH_NAMES = (  # nominative, genitive (the same in English)
    ("январь", "января", "january"), ("февраль", "февраля", "february"),
    ("март", "марта", "march"), ("апрель", "апреля", "april"),
    ("май", "мая", "may"), ("июнь", "июня", "june"),
    ("июль", "июля", "july"), ("август", "августа", "august"),
    ("сентябрь", "сентября", "september"), ("октябрь", "октября", "october"),
    ("ноябрь", "ноября", "november"), ("декабрь", "декабря", "december"),
)  # fmt: skip
# Every name and every abbreviation of it of three letters or more: "янв", "сент", "Sept".
MONTHS = {
    name[:length]: number
    for number, names in enumerate(_MONTH_NAMES, start=1)
    for name in names
    for length in range(3, len(name) + 1)
}


class DateForm(NamedTuple):
    """A parsed date string: ``day`` (``value`` is the day number), ``serial`` (an Excel
    serial, already as a day number) or ``dm`` (``value``/``second`` are day and month in an
    order the whole column decides)."""

    kind: str
    value: int
    second: int = 0
    year: int = 0


def date_part(text: str) -> str:
    """``2024-01-05T13:45:00`` / ``05.01.2024 13:45`` / ``1 мая 2025 г. 13:45`` -> the date
    alone."""
    stripped = text.strip()
    head = stripped.partition(" ")[0]
    if len(head) <= 2 or not head[:1].isdigit():  # "1 мая 2025", "May 1, 2025"
        named = _NAMED_DAY_FIRST.match(stripped) or _NAMED_MONTH_FIRST.match(stripped)
        if named:
            return named[0]
    return head.partition("T")[0] if "T" in head else head


def date_form(text: str) -> DateForm | None:
    """What a date string (time already cut off) could mean; None when it is no date."""
    if match := _YMD.match(text) or _COMPACT.match(text):
        day = day_number(int(match[1]), int(match[2]), int(match[3]))
        return None if day is None else DateForm("day", day)
    if match := _DMY.match(text):
        first, second = int(match[1]), int(match[3])
        if first > 12 and second > 12:
            return None
        return DateForm("dm", first, second, _full_year(match[4]))
    if _SERIAL.match(text):
        serial = int(float(text))
        if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
            return DateForm("serial", serial - _EXCEL_EPOCH_SERIAL)
        return None
    return _named_month_form(text)


def _named_month_form(text: str) -> DateForm | None:
    """ "1 мая 2025 г.", "1-Jan-25", "May 1st, 2025": the month in words, in Russian or English."""
    if match := _NAMED_DAY_FIRST.fullmatch(text):
        day, month, year = match[1], match[2], match[3]
    elif match := _NAMED_MONTH_FIRST.fullmatch(text):
        month, day, year = match[1], match[2], match[3]
    else:
        return None
    number = MONTHS.get(month.lower())
    found = None if number is None else day_number(_full_year(year), number, int(day))
    return None if found is None else DateForm("day", found)


def _full_year(digits: str) -> int:
    """``25`` is 2025 and ``85`` is 1985; four digits are the year itself."""
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if year < 70 else 1900
    return year


def day_number(year: int, month: int, day: int) -> int | None:
    """Days since 1970-01-01, or None for an impossible or implausible date."""
    if not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
        return None
    try:
        return day_of(date(year, month, day))
    except ValueError:
        return None


class DateOrder(Enum):
    DAY_FIRST = "day_first"
    MONTH_FIRST = "month_first"


def decide_date_order(
    forms: Sequence[DateForm | None], latest_day: int | None = None
) -> tuple[DateOrder, str | None]:
    """Day-first unless the column proves otherwise; the note says when it was a guess. A
    column that reads either way is month-first when only that puts no date after
    ``latest_day``: 03/04 of this year is not the 3rd of April when today is the 10th of March.
    """
    day_first = month_first = ambiguous = False
    for form in forms:
        if form is None or form.kind != "dm":
            continue
        first, second = form.value, form.second
        day_first |= first > 12
        month_first |= second > 12
        ambiguous |= first != second
    if day_first and month_first:
        return DateOrder.DAY_FIRST, "date_order_conflict"
    if month_first or (ambiguous and not day_first and _future_day_first(forms, latest_day)):
        return DateOrder.MONTH_FIRST, "date_month_first"
    if ambiguous and not day_first:
        return DateOrder.DAY_FIRST, "date_order_ambiguous"
    return DateOrder.DAY_FIRST, None


def _future_day_first(forms: Sequence[DateForm | None], latest_day: int | None) -> bool:
    """Read day-first, a date falls after ``latest_day``; read month-first, none does."""
    if latest_day is None:
        return False

    def last(order: DateOrder) -> int:
        days = (resolve_day(form, order, serials=False) for form in forms if form is not None)
        return max((day for day in days if day is not None), default=latest_day)

    return last(DateOrder.DAY_FIRST) > latest_day >= last(DateOrder.MONTH_FIRST)


def resolve_day(form: DateForm | None, order: DateOrder, *, serials: bool) -> int | None:
    if form is None:
        return None
    if form.kind == "day":
        return form.value
    if form.kind == "serial":
        return form.value if serials else None
    day, month = form.value, form.second
    if order is DateOrder.MONTH_FIRST:
        day, month = month, day
    return day_number(form.year, month, day)


def is_text_date(text: str) -> bool:
    """A date written as a date (not a bare number): the content test for a date column."""
    part = date_part(text)
    form = date_form(part)
    return form is not None and form.kind != "serial" and not part.isdigit()


# Statuses -----------------------------------------------------------------------------------


class Status(Enum):
    KEPT = "kept"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    UNPAID = "unpaid"


_CANCELLED_STEMS = ("cancel", "void", "declin", "fail", "отмен", "отказ", "аннулир", "отклон")
_REFUNDED_STEMS = ("refund", "return", "возврат", "вернул", "возвращ")
# A sale that was partly given back happened: without the refunded sum, it is kept whole. So
# is one partly paid: some money came in.
_PARTIAL_STEMS = ("partial", "частичн")
# Orders the customer has not paid for (yet), read after the separators became spaces: "Не
# оплачен", "Ожидает оплаты", WooCommerce's "Pending payment" and "On hold" (payment to be
# confirmed; "Processing" is paid), and its "wc-pending" slug. Shopify's bare "pending" is
# kept: a cash-on-delivery shop's orders stay pending until the courier is paid, and setting them
# aside would set aside the shop. "Pending shipment" or "Ожидает отправки" are paid orders
# waiting to be sent.
_UNPAID = re.compile(
    r"unpaid|not paid|awaiting payment|pending payment|payment pending|on ?hold|^wc pending$"
    r"|(?<!\w)не ?опла[тч]|(?:ожида\w*|ждет) (?:пред)?оплат|оплата не (?:поступ|получ)"
)


# A 1C document's "Проведён" (posted) cell: a document not posted is a draft or a voided sale.
UNPOSTED = "unposted"
NOT_POSTED = frozenset({"нет", "no", "false", "0"})


def status_of(text: str) -> Status:
    lowered = text.lower().replace("ё", "е")
    if any(stem in lowered for stem in _PARTIAL_STEMS):
        return Status.KEPT
    if any(stem in lowered for stem in _CANCELLED_STEMS):
        return Status.CANCELLED
    if any(stem in lowered for stem in _REFUNDED_STEMS):
        return Status.REFUNDED
    if _UNPAID.search(" ".join(re.split(r"[\s_-]+", lowered.strip()))):
        return Status.UNPAID
    return Status.KEPT
