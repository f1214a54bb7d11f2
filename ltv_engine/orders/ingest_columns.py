"""Which column is the customer, the date, the amount...: by header name, else by content."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ltv_engine.orders.errors import FileReason, InvalidOrdersFile
from ltv_engine.orders.ingest_values import (
    AmountReader,
    Status,
    comma_is_decimal,
    date_part,
    is_text_date,
    status_of,
)

Column = str | int  # a column chosen by its header name, or by its position

ROLES = (
    "customer",
    "date",
    "amount",
    "cost",
    "margin",
    "order_id",
    "status",
    "quantity",
    "refunded",
    "currency",
    "posted",
)
REQUIRED = {
    "customer": FileReason.MISSING_CUSTOMER,
    "date": FileReason.MISSING_DATE,
    "amount": FileReason.MISSING_AMOUNT,
}

# Normalised header names (see normalize_header), best first within a role.
_NAMES: dict[str, tuple[str, ...]] = {
    "customer": (
        "customer id", "client id", "customer", "client", "id клиента", "id покупателя",
        "код клиента", "клиент", "покупатель", "customer email", "email", "e mail", "mail",
        "почта", "электронная почта", "customer phone", "phone", "phone number", "телефон",
        "номер телефона", "buyer", "user id", "contact", "контрагент", "customer name",
        "client name", "фио", "имя клиента", "фио клиента", "фио покупателя",
        "телефон покупателя", "телефон клиента", "email покупателя", "email клиента",
    ),
    "date": (
        "order date", "дата заказа", "date", "дата", "created at", "created", "created date",
        "order created", "purchase date", "transaction date", "invoice date", "datetime",
        "timestamp", "дата создания", "дата покупки", "дата оформления", "дата и время",
        "paid at", "дата оплаты", "дата документа", "дата продажи", "дата реализации",
        "период",
    ),
    "amount": (
        "order total", "order total amount", "total amount", "amount", "total", "sum",
        "revenue", "order amount", "grand total", "итоговая сумма", "сумма итого",
        "сумма с ндс", "сумма с учетом ндс", "итого с ндс", "total incl tax", "amount incl tax",
        "total price", "price", "sales", "value", "subtotal", "сумма заказа", "сумма",
        "итого", "выручка", "стоимость заказа", "стоимость", "сумма оплаты", "оплачено",
        "к оплате", "цена", "unit price", "price each", "item price", "lineitem price",
        "цена за единицу", "цена за шт", "цена за штуку", "price per unit", "price per kg",
        "цена за кг", "цена за килограмм", "сумма документа", "сумма продажи",
        "сумма реализации",
    ),
    "cost": (
        "cost", "cogs", "cost of goods", "cost price", "purchase price", "себестоимость",
        "закупка", "закупочная цена", "цена закупки",
    ),
    "margin": (
        "margin", "gross margin", "profit", "gross profit", "маржа", "прибыль",
        "валовая прибыль",
    ),
    "order_id": (
        "order id", "order number", "order no", "order #", "order", "номер заказа", "id заказа",
        "заказ №", "№ заказа", "заказ", "invoice", "invoice id", "invoice no", "invoice number",
        "transaction id", "id", "№",
    ),
    "status": ("status", "order status", "financial status", "state", "статус", "статус заказа",
               "состояние"),
    "quantity": ("quantity", "qty", "quantity ordered", "lineitem quantity", "количество",
                 "кол во", "шт"),
    # Money given back on an order that stays a sale (Shopify's "Refunded Amount"); never a
    # bare "refunded" or "возвращено", which exports use for flags and counts of items.
    "refunded": ("refunded amount", "amount refunded", "refund amount", "total refunded",
                 "order refund amount", "сумма возврата", "сумма возвратов"),
    # The code of each order's currency ("USD"), where the amounts carry no sign of it.
    "currency": ("currency", "order currency", "currency code", "валюта", "валюта заказа",
                 "код валюты"),
    # 1C's "Проведён" (Да/Нет): a document not posted is no sale (see NOT_POSTED).
    "posted": ("проведен", "проведено", "posted", "is posted"),
}  # fmt: skip
# Amount headers that name the price of one unit: a line's money is then price x quantity.
# Not "item price": Amazon's is the line's total already.
_UNIT_PRICES = frozenset(
    {"price", "цена", "unit price", "price each", "price per unit", "price per kg"}
    | {"lineitem price", "цена за единицу", "цена за шт", "цена за штуку", "цена за кг"}
    | {"цена за килограмм"}
)
_RANKED = {name: (role, rank) for role, names in _NAMES.items() for rank, name in enumerate(names)}

_HEADER_SEARCH_ROWS = 20  # title lines an export may put above its header
_CONTENT_SHARE = 0.8  # share of a sample column that must look like a date / money / e-mail
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Money beside an order's total. A guess by content never takes a discount or a tip for it, and
# tries shipping, tax and fee columns only when no other column has money ("Сумма с НДС" is a
# total; "Доставка" beside it is not).
_NEVER_THE_TOTAL = re.compile(r"\b(?:discount|tip|скидк|чаев)")
_BESIDE_THE_TOTAL = re.compile(r"\b(?:shipping|delivery|tax|vat|fee|доставк|налог|ндс|комисси)")
_NOTHING = re.compile(r"(?!)")  # matches no header: the one tier of a role that avoids none
# Header patterns a guess by content passes over, by role, tried in turn until one finds a column.
_AVOIDED = {
    "amount": (
        re.compile(f"{_NEVER_THE_TOTAL.pattern}|{_BESIDE_THE_TOTAL.pattern}"),
        _NEVER_THE_TOTAL,
    ),
}
_ORDER_NUMBER = re.compile(r"\s*#\d+\s*")
_VAGUE_ORDER_IDS = frozenset({"id", "№"})
_ORDER_FIGURES = frozenset(
    {"order total", "order total amount", "order amount", "order sum", "grand total"}
    | {"order refund amount", "order refunded amount", "сумма заказа", "стоимость заказа"}
    | {"итого по заказу", "сумма по заказу", "сумма возврата по заказу", "сумма документа"}
)
_PHONE = re.compile(r"^\+?[\d\s()\-]{10,20}$")


@dataclass(frozen=True, slots=True)
class ColumnGuess:
    headers: tuple[str, ...]
    positions: dict[str, int]  # role -> column, 0 the first; roles: customer, date, amount, ...
    by_content: frozenset[str]  # roles guessed from the content rather than the header name

    @property
    def roles(self) -> dict[str, str]:
        """Role -> header as in the file (two columns may share it: ``positions`` tells them
        apart)."""
        return {role: self.headers[column] for role, column in self.positions.items()}


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the header is and which column plays which role."""

    header_index: int  # position of the header row among the rows read
    headers: tuple[str, ...]
    columns: dict[str, int]  # role -> column index
    by_content: frozenset[str]
    comma_decimal: bool  # the amount column writes 1,5 for one and a half
    date_width: int | None  # every date in the sample is its first date_width characters
    # The amount is a unit price and there is a quantity column (kept only then): a line's
    # money is their product.
    price_times_quantity: bool = False

    @property
    def guess(self) -> ColumnGuess:
        positions = {role: self.columns[role] for role in ROLES if role in self.columns}
        return ColumnGuess(self.headers, positions, self.by_content)


def normalize_header(text: str, *, split_humps: bool = True) -> str:
    """``Customer_ID``, ``customer-id`` and ``CustomerID`` are all ``customer id``."""
    words = _CAMEL_HUMP.sub(" ", text) if split_humps else text
    lowered = words.lower().replace("ё", "е")
    return " ".join(re.sub(r"[_\-.:]+", " ", lowered).split())


_CAMEL_HUMP = re.compile(r"(?<=[a-zа-яё])(?=[A-ZА-ЯЁ])")


def names_an_order_figure(header: str) -> bool:
    """The header names a figure of the whole order ("Order Total Amount", "Сумма заказа"), not
    of a line: an export may repeat such a figure on each of the order's lines."""
    return any(form in _ORDER_FIGURES for form in _forms(header))


def _forms(header: str) -> Iterator[str]:
    """``Сумма, руб.`` and ``Amount (USD)`` also as ``сумма`` and ``amount``; ``CustomerID`` as
    ``customer id``, then (``DateTime``, ``SubTotal``) as one word."""
    for split_humps in (True, False):
        name = normalize_header(header, split_humps=split_humps)
        yield from (name, name.split("(")[0].strip(), name.split(",")[0].strip())


def _role_rank(header: str) -> tuple[str, int] | None:
    for form in _forms(header):
        if form in _RANKED:
            return _RANKED[form]
    return None


def _is_unit_price(header: str) -> bool:
    return any(form in _UNIT_PRICES for form in _forms(header))


def find_layout(
    head: Sequence[list[str]], overrides: Mapping[str, Column] | None, max_columns: int
) -> Layout:
    """Header row and roles from the first rows of the file (``head``, blank rows included)."""
    header_index = _header_index(head)
    headers = tuple(cell.strip() for cell in _trimmed(head[header_index]))
    if len(headers) > max_columns:
        raise InvalidOrdersFile(
            FileReason.TOO_MANY_COLUMNS, columns=len(headers), limit=max_columns
        )
    sample = [row for row in head[header_index + 1 :] if any(cell.strip() for cell in row)]
    columns = _overridden(headers, overrides or {})
    _by_names(headers, columns)
    _shopify_order_name(headers, sample, columns)
    by_content = _by_content(headers, sample, columns)
    for role, reason in REQUIRED.items():
        if role not in columns:
            raise InvalidOrdersFile(reason, headers=list(headers))
    amounts = _column(sample, columns["amount"])
    dates = _column(sample, columns["date"])
    price_times_quantity = "quantity" in columns and (
        "quantity" in (overrides or {}) or _is_unit_price(headers[columns["amount"]])
    )
    if not price_times_quantity:
        columns.pop("quantity", None)  # beside an order's total, a count of items changes nothing
    return Layout(
        header_index,
        headers,
        columns,
        by_content,
        comma_decimal=comma_is_decimal(amounts),
        date_width=_date_width(dates),
        price_times_quantity=price_times_quantity,
    )


def _shopify_order_name(
    headers: tuple[str, ...], sample: Sequence[list[str]], columns: dict[str, int]
) -> None:
    """Shopify's "Name" column holds the order number ("#1001"): the order id, which ties an
    order's item lines together (and repeated on them, it must not pass for the customer). It
    wins over a bare "Id", which Shopify writes on an order's first line only."""
    chosen = columns.get("order_id")
    if chosen is not None and normalize_header(headers[chosen]) not in _VAGUE_ORDER_IDS:
        return
    for index, header in enumerate(headers):
        if normalize_header(header) == "name" and index not in columns.values():
            if _share(_column(sample, index), _ORDER_NUMBER.fullmatch) >= _CONTENT_SHARE:
                columns["order_id"] = index
            return


def _date_width(values: list[str]) -> int | None:
    """The common length of the date part (``2024-01-05`` of ``2024-01-05 10:00``), if any:
    the reader then looks dates up by that prefix, one lookup for any time of day."""
    widths = {len(date_part(value)) for value in values}
    if len(widths) != 1:
        return None
    width = widths.pop()
    fits = all(len(value) == width or value[width] in " T" for value in values)
    return width if width and fits else None


def _trimmed(row: list[str]) -> list[str]:
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


def _header_index(head: Sequence[list[str]]) -> int:
    """The first row naming two known columns, else the first non-blank row."""
    filled = [i for i, row in enumerate(head) if any(cell.strip() for cell in row)]
    if not filled:
        raise InvalidOrdersFile(FileReason.EMPTY_FILE)
    for index in filled[:_HEADER_SEARCH_ROWS]:
        if sum(_role_rank(cell) is not None for cell in head[index]) >= 2:
            return index
    first = filled[0]
    cells = [cell.strip() for cell in head[first] if cell.strip()]
    if sum(_looks_like_data(cell) for cell in cells) * 2 >= len(cells):
        raise InvalidOrdersFile(FileReason.NO_HEADER, row=first + 1, cells=cells[:10])
    return first


def _looks_like_data(cell: str) -> bool:
    return AmountReader(comma_decimal=True)(cell) is not None or is_text_date(cell)


def _overridden(headers: tuple[str, ...], overrides: Mapping[str, Column]) -> dict[str, int]:
    """Roles -> column positions as chosen: by header name (the first column of that name) or
    by position, which tells apart columns that share a name."""
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        positions.setdefault(normalize_header(header), index)
    columns: dict[str, int] = {}
    for role, chosen in overrides.items():
        if role not in ROLES:
            raise InvalidOrdersFile(FileReason.UNKNOWN_ROLE, role=role, roles=list(ROLES))
        if isinstance(chosen, int):
            position = chosen if 0 <= chosen < len(headers) else None
        else:
            position = positions.get(normalize_header(chosen))
        if position is None:
            raise InvalidOrdersFile(
                FileReason.UNKNOWN_COLUMN, role=role, header=chosen, headers=list(headers)
            )
        columns[role] = position
    return columns


def _by_names(headers: tuple[str, ...], columns: dict[str, int]) -> None:
    """Add every role whose best-ranked header name is present and not taken."""
    best: dict[str, tuple[int, int]] = {}  # role -> (rank, index)
    taken = set(columns.values())
    for index, header in enumerate(headers):
        found = _role_rank(header)
        if found is None or index in taken:
            continue
        role, rank = found
        if role not in columns and (role not in best or rank < best[role][0]):
            best[role] = (rank, index)
    columns.update({role: index for role, (_, index) in best.items()})


def _column(sample: Sequence[list[str]], index: int) -> list[str]:
    values = (row[index].strip() if index < len(row) else "" for row in sample)
    return [value for value in values if value]


def _by_content(
    headers: tuple[str, ...], sample: Sequence[list[str]], columns: dict[str, int]
) -> frozenset[str]:
    """Fill missing date, amount and customer roles from what the sample columns hold."""
    found: set[str] = set()
    for role, pick in (("date", _date_column), ("amount", _amount_column)):
        if role not in columns:
            index = _guessed(role, pick, headers, sample, columns)
            if index is not None:
                columns[role] = index
                found.add(role)
    if "customer" not in columns:
        free = [i for i in range(len(headers)) if i not in columns.values()]
        index = _customer_column({i: _column(sample, i) for i in free})
        if index is not None:
            columns["customer"] = index
            found.add("customer")
    return frozenset(found)


def _guessed(
    role: str,
    pick: Callable[[dict[int, list[str]]], int | None],
    headers: tuple[str, ...],
    sample: Sequence[list[str]],
    columns: dict[str, int],
) -> int | None:
    """The column ``pick`` finds among the free ones, passing over the headers the role avoids
    (``_AVOIDED``), tier after tier."""
    taken = set(columns.values())
    free = {i: normalize_header(h) for i, h in enumerate(headers) if i not in taken}
    for avoided in _AVOIDED.get(role, (_NOTHING,)):
        allowed = [i for i, name in free.items() if not avoided.search(name)]
        index = pick({i: _column(sample, i) for i in allowed})
        if index is not None:
            return index
    return None


def _share(values: list[str], test: Callable[[str], object]) -> float:
    return sum(bool(test(value)) for value in values) / len(values) if values else 0.0


def _date_column(candidates: dict[int, list[str]]) -> int | None:
    for index, values in candidates.items():
        if _share(values, is_text_date) >= _CONTENT_SHARE:
            return index
    return None


def _amount_column(candidates: dict[int, list[str]]) -> int | None:
    """A money column: numbers, best with decimals or a currency; else the only numeric one."""
    numeric: list[int] = []
    for index, values in candidates.items():
        if not values or _share(values, is_text_date) >= _CONTENT_SHARE:
            continue
        reader = AmountReader(comma_decimal=comma_is_decimal(values))
        amounts = [reader(value) for value in values]
        if sum(a is not None for a in amounts) < _CONTENT_SHARE * len(values):
            continue
        if reader.currencies or any(a is not None and not a.is_integer() for a in amounts):
            return index
        numeric.append(index)
    return numeric[0] if len(numeric) == 1 else None


def _customer_column(candidates: dict[int, list[str]]) -> int | None:
    """E-mails, else phones, else the most varied column whose values repeat."""
    for pattern in (_EMAIL, _PHONE):
        for index, values in candidates.items():
            if _share(values, pattern.match) >= _CONTENT_SHARE:
                return index
    repeated = [
        (len(set(values)), index)
        for index, values in candidates.items()
        if 1 < len(set(values)) < len(values)
        and not all(status_of(value) is not Status.KEPT for value in values)
    ]
    return max(repeated)[1] if repeated else None
