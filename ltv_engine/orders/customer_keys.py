"""One customer however the file spells them: the key customer ids are grouped by.

Rules, applied to the distinct id texts of one file:

- Whitespace: trimmed, and every inner run of whitespace (tabs, no-break spaces, line
  breaks) is one space: "Anna  Smith" is "Anna Smith".
- E-mail (one "@" with something before it and a dot inside the part after it, no space):
  compared without case: "Ann@Shop.com" and " ANN@SHOP.COM " are "ann@shop.com".
- Phone (digits, spaces and ``( ) - .``, an optional "+" in front, 10 to 15 digits), when it
  is written as one: a "+" or "(" in front or separators between its digits, as in
  "+79161112233", "(916) 111-2233", "8 916 111 22 33". In a column whose header names a phone
  ("Телефон", "Phone", "Моб.", "WhatsApp"...), bare digits are phones too; elsewhere
  "80000000001" is a system's numeric id and keeps its text. A phone is compared by its
  digits alone (its key is "+" and them), so it never meets an id that is no phone.
- In a file whose phones of eleven digits or more are mostly Russian (7, or 8 with no "+",
  then ten digits), the 7 or 8 is the country's code or trunk prefix, and ten digits are a
  Russian number written without them: "+7 (916) 111-22-33", "8 916 111 22 33" and
  "(916) 111-22-33" are one customer there. Elsewhere each phone only meets its own other
  spellings: in a Brazilian file "(71) 98765-4321" and "(81) 98765-4321" are two.
- Anything else keeps its text: a system id's case can matter, so "AB12" and "ab12" stay two
  customers.

The id shown for a customer is its first spelling in the file.

A file has as many distinct ids as customers, hundreds of thousands, so the rules run over
the UTF-8 bytes of all of them at once, in NumPy; only the rare ids that need Unicode-aware
work (whitespace beyond ASCII, upper case beyond ASCII in an e-mail) go through str methods
one by one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ltv_engine.orders.ingest_columns import normalize_header

Ints = npt.NDArray[np.int64]
Bytes = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]

# classes of a UTF-8 byte, as bits
_DIGIT, _SEPARATOR, _PLUS, _AT, _BLANK_CLASS, _ODD_SPACE, _NON_ASCII, _UPPER = (
    1 << i for i in range(8)
)
_PHONE_BYTES = _DIGIT | _SEPARATOR | _BLANK_CLASS | _PLUS
_PHONE_DIGITS = (10, 15)
_PHONE_CHARS = 40  # longer is no phone (and its digits might overflow a byte's count)
_CODED_DIGITS = 11  # a phone this long carries its country code: +7 916 111 22 33
_NEWLINE, _BLANK, _DOT, _SEVEN, _EIGHT, _PLUS_SIGN, _OPENING = (ord(c) for c in "\n .78+(")
# words of a normalised header (see normalize_header) that name a phone column
_PHONE_HEADER = re.compile(
    r"(?<!\w)(?:\w*phone\w*|телефон\w*|тел|mobile\w*|моб\w*|whats app)(?!\w)"
)
_CASE_GAP = ord("a") - ord("A")


def _byte_classes() -> Bytes:
    table = np.zeros(256, dtype=np.uint8)
    table[np.frombuffer(b"0123456789", dtype=np.uint8)] |= _DIGIT
    table[np.frombuffer(b"().-", dtype=np.uint8)] |= _SEPARATOR
    table[ord("+")] |= _PLUS
    table[ord("@")] |= _AT
    table[_BLANK] |= _BLANK_CLASS
    table[np.frombuffer(b"\t\v\f\r\x1c\x1d\x1e\x1f", dtype=np.uint8)] |= _ODD_SPACE
    # first bytes of U+0085, U+00A0 (c2), U+1680 (e1), U+2000..U+205F (e2), U+3000 (e3): the
    # other whitespace str.split() knows, or a character near it
    table[[0xC2, 0xE1, 0xE2, 0xE3]] |= _ODD_SPACE
    table[0x80:] |= _NON_ASCII
    table[ord("A") : ord("Z") + 1] |= _UPPER
    return table


_CLASSES = _byte_classes()


@dataclass(frozen=True, slots=True)
class Merged:
    """A file's distinct id texts grouped into customers."""

    code: Ints  # position of a spelling -> its customer
    ids: list[str]  # customer -> the id shown: its first spelling
    respelled: int  # customers written in more than one way


def names_a_phone(header: str) -> bool:
    """Whether a column's header says it holds phones: "Телефон", "Моб. тел.", "CustomerPhone"."""
    return _PHONE_HEADER.search(normalize_header(header)) is not None


def customer_keys(spellings: Sequence[str], *, header: str = "") -> list[str]:
    """The key of each id text of a column headed ``header`` (see the module's rules): texts
    of one customer, and only those, share a key."""
    keys = _keys(spellings, names_a_phone(header))
    return list(spellings) if keys is None else keys


def merge_spellings(
    spellings: Sequence[str], first_seen: Ints | None = None, *, header: str = ""
) -> Merged | None:
    """A file's distinct id texts, of its customer column headed ``header``, grouped into
    customers; None when each is its own.

    ``first_seen`` ranks the spellings by their first row; without it they come in the order
    they were first seen. Customers are numbered in the order of their keys' first spelling
    in ``spellings``.
    """
    keys = _keys(spellings, names_a_phone(header))
    if keys is None:
        return None
    numbered = dict.fromkeys(keys)
    if len(numbered) == len(keys):
        return None
    code_of = dict(zip(numbered, range(len(numbered)), strict=True))
    code = np.array(list(map(code_of.__getitem__, keys)), dtype=np.int64)
    rank = np.arange(len(keys)) if first_seen is None else first_seen
    order = np.lexsort((rank, code))
    in_order = code[order]
    first = order[np.r_[True, in_order[1:] != in_order[:-1]]]
    return Merged(
        code=code,
        ids=list(map(spellings.__getitem__, first.tolist())),
        respelled=int(np.count_nonzero(np.bincount(code) > 1)),
    )


def _keys(spellings: Sequence[str], phone_column: bool) -> list[str] | None:
    """Keys of the texts (bare digits are phones in a ``phone_column``); None when every text
    is its own key."""
    texts = list(spellings)
    lines = _Lines.of(texts)
    inner_breaks = lines.end.size != len(texts)  # rare: then respace every id, one by one
    respaced = np.arange(len(texts)) if inner_breaks else lines.odd_spacing()
    for i in respaced.tolist():
        texts[i] = " ".join(texts[i].split())
    if respaced.size:
        lines = _Lines.of(texts)
    keys = lines.keys(phone_column)
    if keys is None:
        return texts if respaced.size else None
    return keys


@dataclass(frozen=True, slots=True)
class _Lines:
    """The texts as UTF-8 lines, each ended by a newline (as many lines as texts when no
    text holds a line break)."""

    texts: list[str]
    raw: Bytes
    classes: Bytes
    start: Ints  # first byte of each line
    end: Ints  # its newline
    line: npt.NDArray[np.int32]  # the line of each byte
    present: Bytes  # the classes each line holds, or-ed

    @classmethod
    def of(cls, texts: list[str]) -> _Lines:
        raw = np.frombuffer(("\n".join(texts) + "\n").encode(), dtype=np.uint8)
        classes = _CLASSES[raw]
        end = np.flatnonzero(raw == _NEWLINE)
        start = np.r_[0, end[:-1] + 1]
        line = np.repeat(np.arange(end.size, dtype=np.int32), end - start + 1)
        present = np.bitwise_or.reduceat(classes, start)
        return cls(texts, raw, classes, start, end, line, present)

    def has(self, byte_class: int) -> Mask:
        return (self.present & byte_class).astype(np.bool_)

    def where(self, byte_class: int) -> Ints:
        """Positions of the bytes of a class."""
        return np.flatnonzero(self.classes & byte_class)

    def odd_spacing(self) -> Ints:
        """Lines the whitespace rule may change: spaces at an edge or doubled, other
        whitespace (or, beyond ASCII, a character near it)."""
        raw, start, end = self.raw, self.start, self.end
        odd = self.has(_ODD_SPACE) | (raw[start] == _BLANK) | (raw[end - 1] == _BLANK)
        blank = raw == _BLANK
        odd[self.line[np.flatnonzero(blank[:-1] & blank[1:])]] = True
        return np.flatnonzero(odd)

    def keys(self, phone_column: bool) -> list[str] | None:
        """Keys by the e-mail and phone rules; None when they change no line."""
        (phone, digits), email = self._phones(phone_column), self._emails()
        upper = self.where(_UPPER) if email.any() else np.zeros(0, dtype=np.int64)
        upper = upper[email[self.line[upper]]]
        beyond_ascii = np.flatnonzero(email & self.has(_NON_ASCII))
        if not (phone.any() or upper.size or beyond_ascii.size):
            return None
        raw = self.raw.copy()
        raw[upper] += _CASE_GAP
        if phone.any():
            raw = self._phone_digits(raw, phone, digits)
        keys = raw.tobytes().decode().split("\n")[:-1]
        for i in beyond_ascii.tolist():
            keys[i] = self.texts[i].lower()
        return keys

    def _phones(self, phone_column: bool) -> tuple[Mask, Bytes]:
        """Lines of phone bytes only, 10 to 15 digits, a "+" only in front, written as a phone
        unless in a ``phone_column``; the digits of each line (of the short ones)."""
        phone = (self.present & ~np.uint8(_PHONE_BYTES)) == 0  # the newline is no class
        phone &= self.end - self.start <= _PHONE_CHARS
        if phone.any() and not phone_column:
            phone &= self._phone_format()
        if not phone.any():
            return phone, np.zeros(phone.size, dtype=np.uint8)
        digits = np.add.reduceat(self.classes & _DIGIT, self.start)  # uint8: lines are short
        phone &= (_PHONE_DIGITS[0] <= digits) & (digits <= _PHONE_DIGITS[1])
        plus = self.where(_PLUS)
        inside = plus != self.start[self.line[plus]]
        phone[self.line[plus[inside]]] = False
        return phone, digits

    def _phone_format(self) -> Mask:
        """Lines written as a phone, if their bytes are a phone's: "+" or "(" in front, or
        other bytes than digits between a digit in front and one at the end."""
        lead = self.raw[self.start]
        opened = (lead == _PLUS_SIGN) | (lead == _OPENING)
        digit_ends = (self.classes[self.start] & self.classes[self.end - 1] & _DIGIT) != 0
        return opened | (digit_ends & self.has(_PHONE_BYTES & ~_DIGIT))

    def _emails(self) -> Mask:
        """Lines with one "@" after something, a dot inside the part after it, no space."""
        email = (self.present & (_AT | _BLANK_CLASS)) == _AT  # (other whitespace is respaced)
        if not email.any():
            return email
        at = self.where(_AT)
        line = self.line[at]
        email &= np.bincount(line, minlength=email.size) == 1
        at_of = np.zeros(email.size, dtype=np.int64)
        at_of[line] = at
        dots = np.flatnonzero(self.raw == _DOT)
        dot_line = self.line[dots]
        last = np.diff(dot_line, append=email.size) != 0
        last_dot = np.full(email.size, -1, dtype=np.int64)
        last_dot[dot_line[last]] = dots[last]
        return email & (at_of > self.start) & (last_dot > at_of + 1) & (last_dot < self.end - 1)

    def _phone_digits(self, raw: Bytes, phone: Mask, digits: Bytes) -> Bytes:
        """The bytes with each phone line as "+" and its digits; in a mostly Russian file the
        "+" takes the place of a Russian number's 7 or 8, so a number of ten digits meets it."""
        keep = np.ones(raw.size, dtype=np.bool_)
        apart = self.where(_PHONE_BYTES & ~_DIGIT)
        keep[apart[phone[self.line[apart]]]] = False
        lines = np.flatnonzero(phone)
        first = self.start[lines]  # moved on to each line's first digit
        while (before := np.flatnonzero((self.classes[first] & _DIGIT) == 0)).size:
            first[before] += 1
        lead, count = raw[first], digits[lines]
        coded = count >= _CODED_DIGITS
        trunk = (lead == _EIGHT) & ~self.has(_PLUS)[lines]
        russian = (count == _CODED_DIGITS) & ((lead == _SEVEN) | trunk)
        if 2 * np.count_nonzero(russian) <= np.count_nonzero(coded):
            russian[:] = False
        raw[first[russian]] = _PLUS_SIGN
        plus_before = first[~russian]
        if not plus_before.size:
            return raw[keep]
        copies = keep.astype(np.intp)
        copies[plus_before] = 2
        keys = np.repeat(raw, copies)
        keys[np.cumsum(copies)[plus_before] - 2] = _PLUS_SIGN  # the first of the two copies
        return keys
