"""What the order-file flow shows: progress, the columns understood, the result, the errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import StartCb
from bot.formatting import currency_sign
from bot.orders.callbacks import OrdersCb
from bot.orders.work import Labels, Understood
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
CORRECTABLE_ROLES = ("customer", "date", "amount")
MAX_HEADER_BUTTONS = 60  # Telegram shows up to 100 buttons; a list longer than this helps nobody
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


def review_screen(understood: Understood, overrides: Mapping[str, Column], t: Texts) -> Screen:
    text = t("orders_understood", u=understood, overridden=sorted(overrides))
    return Screen(text, review_keyboard(understood.report.columns, t))


def review_keyboard(columns: Mapping[str, str], t: Texts) -> InlineKeyboardMarkup:
    """A button per correctable role, naming the column it reads now; then "go on"."""
    rows = [
        [_button(t.button("btn_orders_role", role=role, header=columns[role]), "role", role)]
        for role in CORRECTABLE_ROLES
    ]
    rows.append([_button(t.button("btn_orders_go"), "go")])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def columns_screen(headers: Sequence[str], role: str, current: int | None, t: Texts) -> Screen:
    """The file's headers as buttons, by index: names can be longer than callback data, and
    two columns may share a name. ``current``: the position of the column read now."""
    buttons = [
        _button(
            t.button("btn_orders_header", header=header, chosen=index == current),
            "pick",
            role,
            column=index,
        )
        for index, header in enumerate(headers[:MAX_HEADER_BUTTONS])
    ]
    rows = [buttons[i : i + HEADERS_PER_ROW] for i in range(0, len(buttons), HEADERS_PER_ROW)]
    rows.append([_button(t.button("btn_orders_back"), "back")])
    text = t("orders_pick_column", role=role, shown=len(buttons), total=len(headers))
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def _button(text: str, action: str, role: str = "", *, column: int = -1) -> InlineKeyboardButton:
    data = OrdersCb(action=action, role=role, column=column).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def result_screen(
    analysis: Analysis, inputs: LtvInputs | None, currency: str, t: Texts, *, private: bool
) -> Screen:
    m = analysis.measured
    text = t.page(
        "orders_result.j2",
        a=analysis,
        m=m,
        first=as_date(m.first_day),
        last=as_date(m.last_day),
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
