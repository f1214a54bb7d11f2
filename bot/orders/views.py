"""What the order-file flow shows: progress, the columns understood, the result, the errors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import StartCb
from bot.formatting import currency_sign
from bot.orders.callbacks import OrdersCb
from bot.orders.work import CORRECTABLE_ROLES, Labels, Refused, Understood
from bot.render import Texts
from bot.views import Screen
from ltv_engine.calc import calculate
from ltv_engine.model import LtvInputs
from ltv_engine.orders.analysis import Analysis, clv_summary
from ltv_engine.orders.charts import CLV_KEYS, CUMULATIVE_KEYS, RETENTION_KEYS
from ltv_engine.orders.errors import InvalidOrdersFile
from ltv_engine.orders.export import COLUMNS as CSV_COLUMNS
from ltv_engine.orders.ingest_columns import Column
from ltv_engine.orders.rfm import RISK_BANDS, SegmentCode
from ltv_engine.orders.table import as_date

STAGES = ("reading", "understanding", "fitting", "charts")
# A page of the column picker: 20 rows of two, then the arrows and "back", far below the
# 100 buttons Telegram allows on a keyboard.
COLUMNS_PER_PAGE = 40
HEADERS_PER_ROW = 2
QUOTED_HEADERS = 12  # an error message names at most this many of the file's columns


def progress_screen(stage: str, t: Texts) -> Screen:
    return Screen(t("orders_progress", stages=STAGES, current=STAGES.index(stage)))


def too_large_screen(size: int, limit: int, t: Texts) -> Screen:
    return Screen(t("orders_too_large", size_mb=size / 2**20, limit_mb=limit / 2**20))


def invalid_screen(error: InvalidOrdersFile, t: Texts) -> Screen:
    return Screen(t("orders_invalid", reason=error.reason.value, details=_quotable(error.details)))


def _quotable(details: Mapping[str, Any]) -> dict[str, Any]:
    """The details with lists of the file's own text shortened for a message."""
    quoted = dict(details)
    for key in ("headers", "cells"):
        if key in quoted:
            quoted[key] = [str(cell) for cell in quoted[key][:QUOTED_HEADERS]]
    return quoted


def column_labels(headers: Sequence[str], samples: Sequence[str], t: Texts) -> list[str]:
    """What to call each column: its header, with its position and a value of it where
    another column has the same header."""
    counts = Counter(headers)
    return [
        t.button(
            "orders_column_label",
            header=header,
            position=index + 1,
            sample=samples[index] if index < len(samples) else "",
            repeated=counts[header] > 1,
        )
        for index, header in enumerate(headers)
    ]


def repeated_headers(headers: Sequence[str], read: Iterable[int]) -> list[tuple[str, int]]:
    """The headers of the columns ``read`` that other columns share too, with how many, in the
    file's order: a wide export may repeat dozens of names the review never uses."""
    used = {headers[column] for column in read if column < len(headers)}
    counts = Counter(headers)
    return [(name, n) for name, n in counts.items() if n > 1 and name in used and name.strip()]


def role_names(positions: Mapping[str, int], labels: Sequence[str]) -> dict[str, str]:
    """Role -> the label of the column it is read from."""
    return {role: labels[column] for role, column in positions.items() if column < len(labels)}


def review_screen(
    reviewed: Understood | Refused, overrides: Mapping[str, Column], t: Texts
) -> tuple[Screen, dict[str, str]]:
    """The columns understood, for checking; for a file refused because of a column, why, and
    the roles known, to pick the column from the chat. Also: each role's column as named on
    its button ("" for the role no column was found for)."""
    labels = column_labels(reviewed.headers, reviewed.samples, t)
    if isinstance(reviewed, Refused):
        repeated = repeated_headers(reviewed.headers, reviewed.positions.values())
        names = role_names(reviewed.positions, labels)
        if reviewed.role is not None:
            names.setdefault(reviewed.role, "")
        error = reviewed.error
        text = t(
            "orders_refused",
            reason=error.reason.value,
            details=_quotable(error.details),
            role=reviewed.role,
            names=names,
            repeated=repeated,
        )
        return Screen(text, review_keyboard(names, t, ready=False)), names
    names = role_names(reviewed.report.positions, labels)
    repeated = repeated_headers(reviewed.headers, reviewed.report.positions.values())
    text = t(
        "orders_understood",
        u=reviewed,
        overridden=sorted(overrides),
        names=names,
        repeated=repeated,
    )
    return Screen(text, review_keyboard(names, t)), names


def review_keyboard(
    names: Mapping[str, str], t: Texts, *, ready: bool = True
) -> InlineKeyboardMarkup:
    """A button per correctable role the review names, naming the column it reads now (or
    none found); then "go on", when the file can be analysed as it reads."""
    rows = [
        [_button(t.button("btn_orders_role", role=role, header=names[role]), "role", role)]
        for role in CORRECTABLE_ROLES
        if role in names
    ]
    if ready:
        rows.append([_button(t.button("btn_orders_go"), "go")])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def wrong_column_note(refused: Refused, label: str, t: Texts) -> str:
    """Why the column just picked cannot be the role it was picked for."""
    details = refused.error.details
    why, row = details.get("why"), details.get("row")
    return t("orders_wrong_column", role=refused.role, label=label, why=why, row=row)


def columns_screen(
    headers: Sequence[str],
    role: str,
    current: int | None,
    t: Texts,
    *,
    near: int | None = None,
    note: str = "",
) -> Screen:
    """The file's columns (``headers``: as ``column_labels`` names them) as buttons by index
    (names can be longer than callback data, and two columns may share a name), a page at a
    time with arrows to the pages beside it.
    ``current``: the position of the column read now, ticked; the page shown holds ``near``,
    else ``current``. ``note``: what to say above the question."""
    first = _page_start(near if near is not None else current, len(headers))
    end = min(first + COLUMNS_PER_PAGE, len(headers))
    buttons = [
        _button(
            t.button("btn_orders_header", header=headers[index], chosen=index == current),
            "pick",
            role,
            column=index,
        )
        for index in range(first, end)
    ]
    rows = [buttons[i : i + HEADERS_PER_ROW] for i in range(0, len(buttons), HEADERS_PER_ROW)]
    arrows = _page_arrows(role, first, end, len(headers), t)
    if arrows:
        rows.append(arrows)
    rows.append([_button(t.button("btn_orders_back"), "back")])
    question = t(
        "orders_pick_column",
        role=role,
        shown=end - first,
        total=len(headers),
        first=first,
        page=first // COLUMNS_PER_PAGE,
        pages=-(-len(headers) // COLUMNS_PER_PAGE),
    )
    text = f"{note}\n\n{question}" if note else question
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def column_taken_screen(
    headers: Sequence[str], role: str, current: int | None, column: int, taken_by: str, t: Texts
) -> Screen:
    """The columns again when the one picked for ``role`` is read for ``taken_by`` already:
    one column cannot be both, and reading the file would only miss the other role."""
    note = t("orders_column_taken", header=headers[column], role=role, taken_by=taken_by)
    return columns_screen(headers, role, current, t, near=column, note=note)


def _page_start(column: int | None, total: int) -> int:
    """The first column of the page holding ``column`` (the first page for none, the last
    for a column past the end)."""
    clamped = min(max(column or 0, 0), max(total - 1, 0))
    return clamped - clamped % COLUMNS_PER_PAGE


def _page_arrows(
    role: str, first: int, end: int, total: int, t: Texts
) -> list[InlineKeyboardButton]:
    """◀ to the page before and ▶ to the page after, each naming its columns (1-based)."""
    arrows = []
    if first > 0:
        label = t.button("btn_orders_page", first=first - COLUMNS_PER_PAGE + 1, last=first)
        arrows.append(_button(label, "role", role, column=first - 1))
    if end < total:
        last = min(end + COLUMNS_PER_PAGE, total)
        label = t.button("btn_orders_page", first=end + 1, last=last, forward=True)
        arrows.append(_button(label, "role", role, column=end))
    return arrows


def _button(text: str, action: str, role: str = "", *, column: int = -1) -> InlineKeyboardButton:
    data = OrdersCb(action=action, role=role, column=column).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def result_screen(
    analysis: Analysis,
    inputs: LtvInputs | None,
    currency: str,
    t: Texts,
    *,
    private: bool,
    today: date | None = None,
) -> Screen:
    """``today``: the day the owner reads it. An export that ended longer ago than the lapse
    window is said to measure churn and activity as of its own last day: by now, anyone may
    have lapsed."""
    m = analysis.measured
    last = as_date(m.last_day)
    ended_ago = (today - last).days if today is not None else 0
    text = t.page(
        "orders_result.j2",
        a=analysis,
        m=m,
        first=as_date(m.first_day),
        last=last,
        old_export_days=ended_ago if ended_ago > m.lapse_days else None,
        currency=currency,
        measured_ltv=calculate(inputs, with_sensitivity=False) if inputs else None,
        clv=clv_summary(analysis.customers.clv),
    )
    if inputs is None:
        return Screen(text)
    rows = [[_button(t.button("btn_orders_save", private=private), "save")]]
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def saved_screen(inputs: LtvInputs, *, private: bool, t: Texts) -> Screen:
    text = t("orders_saved", inputs=inputs, private=private)
    if not private:  # the group's /team shows the profile; the wizard is private
        return Screen(text)
    button = InlineKeyboardButton(
        text=t.button("btn_orders_recalc"), callback_data=StartCb(action="recalc").pack()
    )
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=[[button]]))


def chart_labels(t: Texts) -> Labels:
    keys = {"retention": RETENTION_KEYS, "clv": CLV_KEYS, "cumulative": CUMULATIVE_KEYS}
    return {
        chart: {key: t.button("orders_chart_label", chart=chart, key=key) for key in names}
        for chart, names in keys.items()
    }


def chart_caption(kind: str, t: Texts) -> str:
    return t("orders_chart_caption", chart=kind)


def csv_headers(t: Texts) -> dict[str, str]:
    return {column: t.button("orders_csv_header", column=column) for column in CSV_COLUMNS}


def csv_words(t: Texts) -> dict[str, str]:
    """The segment and risk codes of the predictions file, in the chat's language."""
    segments = {
        code.value: t.button("orders_segment_name", code=code.value) for code in SegmentCode
    }
    risks = {band: t.button("orders_risk_name", band=band) for band in RISK_BANDS}
    return segments | risks


def currency_label(currency: str, locale: str) -> str:
    return currency_sign(currency, locale)
