"""One customer however the file spells them: the key customer ids are grouped by.

Rules, applied to the distinct id texts of one file:

- Whitespace: trimmed, and every inner run of whitespace (tabs, no-break spaces, line
  breaks) is one space: "Anna  Smith" is "Anna Smith".
- E-mail (one "@" with something before it and a dot inside the part after it, no space):
  compared without case: "Ann@Shop.com" and " ANN@SHOP.COM " are "ann@shop.com".
- Phone (digits, spaces and ``( ) - .``, an optional "+" in front, 10 to 15 digits):
  compared by its digits alone. Eleven digits starting with 8 are a Russian number, the
  same as with 7: "+7 (916) 111-22-33", "89161112233", "8 916 111 22 33" and "+79161112233"
  are one customer.
- In a file whose phones of eleven digits or more are mostly Russian (7 or 8, then ten
  digits), a phone of ten digits is a Russian number written without its +7:
  "9161112233" is "+79161112233" there. Elsewhere (a US file, say) it only meets its own
  other spellings.
- Anything else keeps its text: a system id's case can matter, so "AB12" and "ab12" stay two
  customers.

The id shown for a customer is its first spelling in the file.

A file has as many distinct ids as customers, hundreds of thousands, so the rules run over
the UTF-8 bytes of all of them at once, in NumPy; only the rare ids that need Unicode-aware
work (whitespace beyond ASCII, upper case beyond ASCII in an e-mail) go through str methods
one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

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
_NEWLINE, _BLANK, _DOT, _SEVEN, _EIGHT = (ord(c) for c in "\n .78")
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


def customer_keys(spellings: Sequence[str]) -> list[str]:
    """The key of each id text (see the module's rules): texts of one customer, and only
    those, share a key."""
    keys = _keys(spellings)
    return list(spellings) if keys is None else keys


def merge_spellings(spellings: Sequence[str], first_seen: Ints | None = None) -> Merged | None:
    """A file's distinct id texts grouped into customers; None when each is its own.

    ``first_seen`` ranks the spellings by their first row; without it they come in the order
    they were first seen. Customers are numbered in the order of their keys' first spelling
    in ``spellings``.
    """
    keys = _keys(spellings)
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


def _keys(spellings: Sequence[str]) -> list[str] | None:
    """Keys of the texts; None when every text is its own key."""
    texts = list(spellings)
    lines = _Lines.of(texts)
    inner_breaks = lines.end.size != len(texts)  # rare: then respace every id, one by one
    respaced = np.arange(len(texts)) if inner_breaks else lines.odd_spacing()
    for i in respaced.tolist():
        texts[i] = " ".join(texts[i].split())
    if respaced.size:
        lines = _Lines.of(texts)
    keys = lines.keys()
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

    def keys(self) -> list[str] | None:
        """Keys by the e-mail and phone rules; None when they change no line."""
        (phone, digits), email = self._phones(), self._emails()
        upper = self.where(_UPPER) if email.any() else np.zeros(0, dtype=np.int64)
        upper = upper[email[self.line[upper]]]
        beyond_ascii = np.flatnonzero(email & self.has(_NON_ASCII))
        if not (phone.any() or upper.size or beyond_ascii.size):
            return None
        raw = self.raw.copy()
        raw[upper] += _CASE_GAP
        keep = np.ones(raw.size, dtype=np.bool_)
        if phone.any():
            self._phone_digits(raw, keep, phone, digits)
        keys = raw[keep].tobytes().decode().split("\n")[:-1]
        for i in beyond_ascii.tolist():
            keys[i] = self.texts[i].lower()
        return keys

    def _phones(self) -> tuple[Mask, Bytes]:
        """Lines of phone bytes only, 10 to 15 digits, a "+" only in front; the digits of
        each line (of the short ones)."""
        phone = (self.present & ~np.uint8(_PHONE_BYTES)) == 0  # the newline is no class
        phone &= self.end - self.start <= _PHONE_CHARS
        if not phone.any():
            return phone, np.zeros(phone.size, dtype=np.uint8)
        digits = np.add.reduceat(self.classes & _DIGIT, self.start)  # uint8: lines are short
        phone &= (_PHONE_DIGITS[0] <= digits) & (digits <= _PHONE_DIGITS[1])
        plus = self.where(_PLUS)
        inside = plus != self.start[self.line[plus]]
        phone[self.line[plus[inside]]] = False
        return phone, digits

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

    def _phone_digits(self, raw: Bytes, keep: Mask, phone: Mask, digits: Bytes) -> None:
        """Phone lines down to their digits, in place: an 8 in front of ten digits is a 7;
        in a mostly Russian file that 7 goes, so a number of ten digits meets it."""
        apart = self.where(_PHONE_BYTES & ~_DIGIT)
        keep[apart[phone[self.line[apart]]]] = False
        lines = np.flatnonzero(phone)
        first = self.start[lines]  # moved on to each line's first digit
        while (before := np.flatnonzero((self.classes[first] & _DIGIT) == 0)).size:
            first[before] += 1
        lead, count = raw[first], digits[lines]
        coded = count >= _CODED_DIGITS
        russian = (count == _CODED_DIGITS) & ((lead == _SEVEN) | (lead == _EIGHT))
        if 2 * np.count_nonzero(russian) > np.count_nonzero(coded):
            keep[first[russian]] = False
        else:
            raw[first[russian & (lead == _EIGHT)]] = _SEVEN
